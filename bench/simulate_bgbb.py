#!/usr/bin/env python3
"""Simulates customers from the BG/BB model (Fader, Hardie and Shang 2010),
for bench/bgbb.sh: prints CSV rows frequency,recency,opportunities for N
customers, each observed over N_OPPORTUNITIES opportunities.

At the start of each opportunity an active customer becomes inactive with
probability theta ~ Beta(gamma, delta); if still active, they transact with
probability p ~ Beta(alpha, beta).  Recency is the opportunity of the
last transaction (0 when none).

usage: simulate_bgbb.py N SEED N_OPPORTUNITIES alpha beta gamma delta
"""
import random
import sys


def main():
    n, seed, opportunities = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    alpha, beta, gamma, delta = (float(v) for v in sys.argv[4:8])
    rng = random.Random(seed)
    out = sys.stdout
    for _ in range(n):
        p = rng.betavariate(alpha, beta)
        theta = rng.betavariate(gamma, delta)
        x = 0
        last = 0
        for t in range(1, opportunities + 1):
            if rng.random() < theta:
                break
            if rng.random() < p:
                x += 1
                last = t
        out.write("%d,%d,%d\n" % (x, last, opportunities))


if __name__ == "__main__":
    main()
