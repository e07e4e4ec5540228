#!/usr/bin/env python3
"""Reference values for purchase_count_probability(bgbb_model, x, n):
lifetimes 0.11.3 (../shared/peers, with its real autograd) fits BG/BB to
the donations data and gives the expected number of donors with x of the
first 6 opportunities, its expected_number_of_transactions_in_first_n_periods
(Fader, Hardie and Shang 2010, eq. 7); written to lifetimes_bgbb_counts.csv
beside this file with 17 significant digits, which test/clv_models.sql
reads.  lifetimes' own test pins 3454.9 and 1253.1 donors for 0 and 6.
Rerun only to change the table (Debian: python3-pandas python3-scipy
python3-dill):
  PYTHONPATH=../shared/peers/lifetimes:../shared/peers/autograd /usr/bin/python3 test/reference/lifetimes_bgbb_counts.py
"""
import csv
import os

import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter

here = os.path.dirname(os.path.abspath(__file__))
donations = pd.read_csv(os.path.join(here, "..", "..", "..", "shared", "data", "cdnow", "donations.csv"))
fit = BetaGeoBetaBinomFitter().fit(donations["frequency"], donations["recency"], donations["periods"],
                                   weights=donations["weights"])
table = fit.expected_number_of_transactions_in_first_n_periods(6)
with open(os.path.join(here, "lifetimes_bgbb_counts.csv"), "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["purchases", "donors"])
    for x, row in table.iterrows():
        w.writerow([x, "%.17g" % row["model"]])
print(fit.params_.to_dict())
