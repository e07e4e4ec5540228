#!/usr/bin/env python3
"""Reference values from lifetimes 0.11.3 itself (../shared/peers, with its
real autograd), written beside this file with 17 significant digits for
test/clv_models.sql, which reads them (so the suite needs neither Python
nor lifetimes):

lifetimes_bgbb_counts.csv: BG/BB fitted to the donations data, the
  expected number of donors with x of the first 6 opportunities, its
  expected_number_of_transactions_in_first_n_periods (Fader, Hardie and
  Shang 2010, eq. 7); lifetimes' own test pins 3454.9 and 1253.1 donors
  for 0 and 6.
lifetimes_pnbd_conditional.csv: Pareto/NBD fitted to CDNOW's summary, its
  parameters (as rows "param") and conditional_probability_of_n_purchases_up_to_time
  (Fader and Hardie's note on the conditional PMF, eq. 16) for four
  customers, two horizons and n = 0 to 3.
lifetimes_penalized_fits.csv: BG/NBD, MBG/NBD and Pareto/NBD fitted to
  CDNOW's summary, Gamma-Gamma to its repeat customers' spend and BG/BB
  to the donations, with penalizer_coef 0.01 and 0.1: each parameter, the
  objective lifetimes minimized (penalized; the purchase models in time
  scaled by 1 / the longest age) and that scale (1 for the others).

Rerun only to change them (Debian: python3-pandas python3-scipy python3-dill):
  PYTHONPATH=../shared/peers/lifetimes:../shared/peers/autograd /usr/bin/python3 test/reference/lifetimes_references.py
"""
import csv
import os

import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "..", "..", "shared", "data", "cdnow")

donations = pd.read_csv(os.path.join(data, "donations.csv"))
bgbb = BetaGeoBetaBinomFitter().fit(donations["frequency"], donations["recency"], donations["periods"],
                                    weights=donations["weights"])
with open(os.path.join(here, "lifetimes_bgbb_counts.csv"), "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["purchases", "donors"])
    for x, row in bgbb.expected_number_of_transactions_in_first_n_periods(6).iterrows():
        w.writerow([x, "%.17g" % row["model"]])

summary = pd.read_csv(os.path.join(data, "cdnow_customers_summary.csv"))
pnbd = ParetoNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"])
with open(os.path.join(here, "lifetimes_pnbd_conditional.csv"), "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["kind", "frequency", "recency", "age", "t", "n", "value"])
    for name in ("r", "alpha", "s", "beta"):
        w.writerow(["param", name, "", "", "", "", "%.17g" % pnbd.params_[name]])
    for x, t_x, T in [(0, 0, 38.86), (2, 30.43, 38.86), (7, 35.0, 38.0), (1, 1.0, 30.0)]:
        for t in (10, 52):
            for n in range(4):
                p = float(pnbd.conditional_probability_of_n_purchases_up_to_time(n, t, x, t_x, T))
                w.writerow(["probability", x, t_x, T, t, n, "%.17g" % p])

# penalizer_coef: BG/NBD, MBG/NBD and Pareto/NBD fitted to CDNOW's summary
# at two penalizers, their parameters and lifetimes' own objective (the
# penalized negative log-likelihood in its scaled time, as minimized)
with open(os.path.join(here, "lifetimes_penalized_fits.csv"), "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["model", "penalizer", "parameter", "estimate", "objective", "time_scale"])
    for name, fitter in (("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter), ("pareto_nbd", ParetoNBDFitter)):
        for penalizer in (0.01, 0.1):
            fitted = fitter(penalizer_coef=penalizer).fit(summary["frequency"], summary["recency"], summary["T"])
            for parameter, estimate in fitted.params_.items():
                w.writerow([name, penalizer, parameter, "%.17g" % estimate, "%.17g" % float(fitted._negative_log_likelihood_),
                            "%.17g" % fitted._scale])
    # Gamma-Gamma on CDNOW's repeat customers, BG/BB on the donations (weighted): no time scale
    spend = pd.read_csv(os.path.join(data, "cdnow_customers_summary_with_transactions.csv"))
    spend = spend[spend["x"] > 0]
    for penalizer in (0.01, 0.1):
        for name, fitted in (
                ("gamma_gamma", GammaGammaFitter(penalizer_coef=penalizer).fit(spend["x"], spend["zbar"])),
                ("bgbb", BetaGeoBetaBinomFitter(penalizer_coef=penalizer).fit(
                    donations["frequency"], donations["recency"], donations["periods"], weights=donations["weights"]))):
            for parameter, estimate in fitted.params_.items():
                w.writerow([name, penalizer, parameter, "%.17g" % estimate, "%.17g" % float(fitted._negative_log_likelihood_), 1])
print(bgbb.params_.to_dict(), pnbd.params_.to_dict())
