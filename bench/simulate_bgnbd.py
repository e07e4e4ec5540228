#!/usr/bin/env python3
"""Simulates customers from the BG/NBD model (Fader, Hardie and Lee 2005), for
bench/clv.sh: prints CSV rows frequency,recency,age (weeks) for N customers.

Each customer makes a first purchase on a whole day of a 12-week cohort and is
observed to day 272 (as CDNOW's calibration period).  While alive the customer
buys at Poisson rate lambda ~ Gamma(r, rate alpha) per week; after each repeat
purchase the customer drops out with probability p ~ Beta(a, b).  Purchase
times are continuous, so recency is too; age is whole days / 7.

usage: simulate_bgnbd.py N SEED|FIRST-LAST r alpha a b
"""
import sys

from replications import replications


END_DAY = 272


def customer(rng, r, alpha, a, b):
    """one customer's (x, t_x, T) (bench/simulate_covariates.py draws with it too)"""
    age = (END_DAY - rng.randrange(84)) / 7.0
    rate = rng.gammavariate(r, 1.0 / alpha)
    dropout = rng.betavariate(a, b)
    t = 0.0
    x = 0
    last = 0.0
    while rate > 0:
        t += rng.expovariate(rate)
        if t > age:
            break
        x += 1
        last = t
        if rng.random() < dropout:
            break
    return x, last, age


def main():
    n = int(sys.argv[1])
    r, alpha, a, b = (float(v) for v in sys.argv[3:7])
    out = sys.stdout
    for prefix, rng in replications(sys.argv[2]):
        for _ in range(n):
            out.write(prefix + "%d,%.17g,%.17g\n" % customer(rng, r, alpha, a, b))


if __name__ == "__main__":
    main()
