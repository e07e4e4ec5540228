#!/usr/bin/env python3
"""Reference values for the BG/NBD predictions, computed with mpmath at 40
significant digits, independently of the extension's C (which sums the
series in double precision).  Writes bgnbd_grid.csv beside this file; the
suite (test/prediction_accuracy.sql) reads that file and checks every point.
Run it again only to change the grid: python3 test/reference/bgnbd_grid.py

E[X(t)] and E[Y(t) | x, t_x, T] from eq. 7 and 10 of Fader, Hardie and Lee
(2005), P(alive) from eq. 11, written here straight from the paper (no
Euler transformation), so a transformation error in the C would show.
"""
import csv
import itertools
import os

from mpmath import mp, mpf, hyp2f1, exp, log

mp.dps = 40

R = ["0.01", "0.243", "1", "20", "100", "300"]
ALPHA = ["0.01", "4.414", "100", "300"]
A = ["0.01", "0.5", "0.793", "0.9999", "1.0001", "2.5", "100"]
B = ["0.01", "2.426", "100"]
T_HORIZON = ["0.5", "10", "52", "1000", "10000"]
# (x, t_x, T): a new customer, CDNOW's example, and two heavy buyers
CUSTOMERS = [("0", "0", "0"), ("2", "30.43", "38.86"), ("100", "500", "1000"), ("10000", "9000", "10000")]


def conditional(r, alpha, a, b, t, x, tx, T):
    """E[Y(t) | x, t_x, T] (eq. 10); with x = t_x = T = 0 it is E[X(t)] (eq. 7)."""
    z = t / (alpha + T + t)
    factor = ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z, maxterms=10**7)
    head = (a + b + x - 1) / (a - 1) * (1 - factor)
    if x == 0:
        return head
    odds = a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return head / (1 + odds)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bgnbd_grid.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["r", "alpha", "a", "b", "t", "x", "t_x", "age", "expected"])
        for r, alpha, a, b, t, (x, tx, T) in itertools.product(R, ALPHA, A, B, T_HORIZON, CUSTOMERS):
            # the model needs a + b + x - 1 > 0 (the series' c)
            if mpf(a) + mpf(b) + mpf(x) - 1 <= 0:
                continue
            v = conditional(*(mpf(s) for s in (r, alpha, a, b, t, x, tx, T)))
            w.writerow([r, alpha, a, b, t, x, tx, T, mp.nstr(v, 20)])


if __name__ == "__main__":
    main()
