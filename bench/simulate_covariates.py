#!/usr/bin/env python3
"""Simulates customers with four time-invariant covariates from Pareto/NBD,
BG/NBD or GGompertz/NBD in CLVTools' parameterisation, for bench/covariates.sh: prints CSV rows
frequency,recency,age,z1,z2,z3,z4 (weeks) for N customers.

The covariates are binary with shares 0.5, 0.3, 0.6 and 0.2 (a channel, a
plan, a region, a campaign: 16 profiles).  Each customer is drawn as
bench/simulate_pareto_nbd.py, bench/simulate_bgnbd.py and
bench/simulate_ggompertz_nbd.py draw one (a first
purchase in a 12-week cohort, observed to day 272), at the customer's own
parameters.  A customer buys at Poisson rate lambda ~
Gamma(r, rate alpha_i), alpha_i = alpha exp(-g_p'z), and
  pareto_nbd: stays alive for an exponential time of rate mu ~ Gamma(s, rate
              beta_i), beta_i = beta exp(-g_d'z);
  bgnbd:      drops out after each repeat purchase with probability
              p ~ Beta(a_i, b_i), a_i = a exp(g_d'z), b_i = b exp(g_d'z);
  ggompertz_nbd: stays alive for a Gompertz time of hazard eta b e^(b t),
              eta ~ Gamma(s, rate beta_i), beta_i = beta exp(-g_d'z).

usage: simulate_covariates.py pareto_nbd|bgnbd N SEED r alpha s|a beta|b gp1 gp2 gp3 gp4 gd1 gd2 gd3 gd4
       simulate_covariates.py ggompertz_nbd N SEED r alpha b s beta gp1 gp2 gp3 gp4 gd1 gd2 gd3 gd4
"""
import math
import sys

import simulate_bgnbd
import simulate_ggompertz_nbd
import simulate_pareto_nbd
from replications import replications

SHARES = (0.5, 0.3, 0.6, 0.2)


def main():
    model = sys.argv[1]
    n = int(sys.argv[2])
    nbase = 5 if model == "ggompertz_nbd" else 4
    base = [float(v) for v in sys.argv[4:4 + nbase]]
    gp = [float(v) for v in sys.argv[4 + nbase:8 + nbase]]
    gd = [float(v) for v in sys.argv[8 + nbase:12 + nbase]]
    out = sys.stdout
    for prefix, rng in replications(sys.argv[3]):
        for _ in range(n):
            z = [1 if rng.random() < share else 0 for share in SHARES]
            lp = sum(g * v for g, v in zip(gp, z))
            ld = sum(g * v for g, v in zip(gd, z))
            r, alpha = base[0], base[1] * math.exp(-lp)
            if model == "pareto_nbd":
                row = simulate_pareto_nbd.customer(rng, r, alpha, base[2], base[3] * math.exp(-ld))
            elif model == "ggompertz_nbd":
                row = simulate_ggompertz_nbd.customer(rng, r, alpha, base[2], base[3], base[4] * math.exp(-ld))
            else:
                row = simulate_bgnbd.customer(rng, r, alpha, base[2] * math.exp(ld), base[3] * math.exp(ld))
            out.write(prefix + "%d,%.17g,%.17g,%d,%d,%d,%d\n" % (*row, *z))


if __name__ == "__main__":
    main()
