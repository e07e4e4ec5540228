#!/usr/bin/env python3
"""The CLV pipeline of bench/pipeline.sh in lifetimes 0.11.3 itself (from
../shared/peers, with its real autograd), for a side-by-side run:
transactions -> summary_data_from_transaction_data (days, in units of 7
days, to 1998-06-30) -> BetaGeoFitter and GammaGammaFitter (repeat buyers)
-> customer_lifetime_value over 12 months at 1 % a month.  Reads the
transactions CSV (customer_id,purchased_on,amount; not timed), times the
pipeline once, prints "MS SUM_OF_CLV".  lifetimes counts a month as 4.345
weeks where the SQL says 52 / 12 = 4.333: the sums differ by that.

usage: PYTHONPATH=../shared/peers/lifetimes:../shared/peers/autograd \
       /usr/bin/python3 bench/lifetimes_pipeline.py TRANSACTIONS.csv
"""
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data


def main():
    transactions = pd.read_csv(sys.argv[1], names=["customer_id", "purchased_on", "amount"],
                               parse_dates=["purchased_on"])
    started = time.perf_counter()
    summary = summary_data_from_transaction_data(transactions, "customer_id", "purchased_on",
                                                 monetary_value_col="amount", observation_period_end="1998-06-30",
                                                 freq="D", freq_multiplier=7)
    bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    clv = gg.customer_lifetime_value(bg, summary["frequency"], summary["recency"], summary["T"],
                                     summary["monetary_value"], time=12, discount_rate=0.01, freq="W")
    elapsed = (time.perf_counter() - started) * 1000
    print("%.1f %.6f" % (elapsed, clv.sum()))


if __name__ == "__main__":
    main()
