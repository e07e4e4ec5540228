#!/usr/bin/env python3
"""Simulates transactions from the BG/NBD and Gamma-Gamma models, for
bench/pipeline.sh: prints CSV rows customer_id,purchased_on,amount.

Each customer's first purchase falls on a day of 1997's first 12 weeks and
the log ends on 1998-06-30 (CDNOW's shape).  While alive a customer buys at
Poisson rate lambda ~ Gamma(r, rate alpha) a week and drops out after each
repeat purchase with probability p ~ Beta(a, b); each purchase's amount is
Gamma(p_gg, rate nu) with nu ~ Gamma(q, rate gamma), the Gamma-Gamma
model.  Parameters: CDNOW's published BG/NBD and Gamma-Gamma estimates.

usage: simulate_transactions.py CUSTOMERS SEED
"""
import datetime
import random
import sys

R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
P_GG, Q_GG, GAMMA_GG = 6.25, 3.74, 15.44


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    start = datetime.date(1997, 1, 1)
    end_day = (datetime.date(1998, 6, 30) - start).days
    out = sys.stdout
    for customer in range(1, n + 1):
        first = rng.randrange(84)
        rate = rng.gammavariate(R, 1.0 / ALPHA) / 7.0      # a day
        dropout = rng.betavariate(A, B)
        nu = rng.gammavariate(Q_GG, 1.0 / GAMMA_GG)
        day = float(first)
        repeat = False
        while True:
            out.write("%d,%s,%.2f\n" % (customer, start + datetime.timedelta(days=int(day)),
                                        max(0.01, rng.gammavariate(P_GG, 1.0 / nu))))
            # the dropout comes after a repeat purchase, never the first
            if rate <= 0 or (repeat and rng.random() < dropout):
                break
            day += rng.expovariate(rate)
            if day > end_day:
                break
            repeat = True


if __name__ == "__main__":
    main()
