#!/usr/bin/env python3
"""Simulates subscribers from the sBG model (Fader and Hardie 2007), for
bench/sbg.sh: prints CSV rows periods,churned for N customers.

Each customer is acquired at the start of one of 12 yearly cohorts, so is
observed for 1 to 12 periods.  Their churn probability theta ~ Beta(alpha,
beta) is drawn once; at the end of each period they leave with probability
theta.  A customer who left in period t is (t, true); one still active after
the observed periods is (periods, false).

usage: simulate_sbg.py N SEED alpha beta
"""
import random
import sys


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    alpha, beta = float(sys.argv[3]), float(sys.argv[4])
    rng = random.Random(seed)
    out = sys.stdout
    for _ in range(n):
        observed = 1 + rng.randrange(12)
        theta = rng.betavariate(alpha, beta)
        t = 1
        while t <= observed and rng.random() >= theta:
            t += 1
        if t <= observed:
            out.write("%d,true\n" % t)
        else:
            out.write("%d,false\n" % observed)


if __name__ == "__main__":
    main()
