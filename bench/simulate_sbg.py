#!/usr/bin/env python3
"""Simulates subscribers from the sBG model (Fader and Hardie 2007), for
bench/sbg.sh: prints CSV rows periods,churned for N customers.

Each customer is acquired at the start of one of 12 yearly cohorts, so is
observed for 1 to 12 periods.  Their churn probability theta ~ Beta(alpha,
beta) is drawn once; at the end of each period they leave with probability
theta.  A customer who left in period t is (t, true); one still active after
the observed periods is (periods, false).

usage: simulate_sbg.py N SEED|FIRST-LAST alpha beta
"""
import sys

from replications import replications


def main():
    n = int(sys.argv[1])
    alpha, beta = float(sys.argv[3]), float(sys.argv[4])
    out = sys.stdout
    for prefix, rng in replications(sys.argv[2]):
        for _ in range(n):
            observed = 1 + rng.randrange(12)
            theta = rng.betavariate(alpha, beta)
            t = 1
            while t <= observed and rng.random() >= theta:
                t += 1
            if t <= observed:
                out.write(prefix + "%d,true\n" % t)
            else:
                out.write(prefix + "%d,false\n" % observed)


if __name__ == "__main__":
    main()
