#!/usr/bin/env python3
"""Simulates customers from the Pareto/NBD model (Schmittlein, Morrison and
Colombo 1987), for bench/pareto_nbd.sh: prints CSV rows frequency,recency,age
(weeks) for N customers.

Each customer makes a first purchase on a whole day of a 12-week cohort and is
observed to day 272 (as CDNOW's calibration period).  The customer buys at
Poisson rate lambda ~ Gamma(r, rate alpha) per week and stays alive for an
exponential time of rate mu ~ Gamma(s, rate beta).  Purchase times are
continuous, so recency is too; age is whole days / 7.

usage: simulate_pareto_nbd.py N SEED|FIRST-LAST r alpha s beta
"""
import sys

from replications import replications


END_DAY = 272


def purchases(rng, rate, alive_until):
    """the repeat purchases (x, t_x) at Poisson rate `rate` until `alive_until`
    (bench/simulate_ggompertz_nbd.py draws with it too)"""
    t = 0.0
    x = 0
    last = 0.0
    while rate > 0:
        t += rng.expovariate(rate)
        if t > alive_until:
            break
        x += 1
        last = t
    return x, last


def customer(rng, r, alpha, s, beta):
    """one customer's (x, t_x, T) (bench/simulate_covariates.py draws with it too)"""
    age = (END_DAY - rng.randrange(84)) / 7.0
    rate = rng.gammavariate(r, 1.0 / alpha)
    death = rng.gammavariate(s, 1.0 / beta)
    alive_until = min(age, rng.expovariate(death)) if death > 0 else age
    return purchases(rng, rate, alive_until) + (age,)


def main():
    n = int(sys.argv[1])
    r, alpha, s, beta = (float(v) for v in sys.argv[3:7])
    out = sys.stdout
    for prefix, rng in replications(sys.argv[2]):
        for _ in range(n):
            out.write(prefix + "%d,%.17g,%.17g\n" % customer(rng, r, alpha, s, beta))


if __name__ == "__main__":
    main()
