#!/usr/bin/env python3
"""Simulates customers from the GGompertz/NBD model (Bemmaor and Glady 2012),
for bench/ggompertz_nbd.sh and test/clv_models.sql: prints CSV rows
frequency,recency,age (weeks) for N customers.

Cohort and observation as bench/simulate_pareto_nbd.py.  The customer buys at
Poisson rate lambda ~ Gamma(r, rate alpha) per week and stays alive for a
Gompertz time, hazard eta b e^(b t) with eta ~ Gamma(s, rate beta): given
eta, S(t) = exp(-eta (e^(b t) - 1)), drawn by inverting it.

usage: simulate_ggompertz_nbd.py N SEED|FIRST-LAST r alpha b s beta
"""
import math
import sys

from replications import replications
from simulate_pareto_nbd import END_DAY, purchases


def customer(rng, r, alpha, b, s, beta):
    """one customer's (x, t_x, T)"""
    age = (END_DAY - rng.randrange(84)) / 7.0
    rate = rng.gammavariate(r, 1.0 / alpha)
    eta = rng.gammavariate(s, 1.0 / beta)
    lifetime = math.log1p(rng.expovariate(1.0) / eta) / b if eta > 0 else age
    return purchases(rng, rate, min(age, lifetime)) + (age,)


def main():
    n = int(sys.argv[1])
    r, alpha, b, s, beta = (float(v) for v in sys.argv[3:8])
    out = sys.stdout
    for prefix, rng in replications(sys.argv[2]):
        for _ in range(n):
            out.write(prefix + "%d,%.17g,%.17g\n" % customer(rng, r, alpha, b, s, beta))


if __name__ == "__main__":
    main()
