#!/usr/bin/env python3
"""Reference values for the BG/NBD predictions, computed with mpmath at 40
significant digits, independently of the extension's C (which sums the
series in double precision).  Writes bgnbd_grid.csv (expected purchases),
alive_grid.csv (P(alive)), spend_grid.csv (the Gamma-Gamma expected
spend) and clv_grid.csv (predicted_clv) beside this file; the suite
(test/prediction_accuracy.sql) reads them and checks every point.
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


def alive(r, alpha, a, b, x, tx, T):
    """P(alive | x, t_x, T) (eq. 11)."""
    if x == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def spend(p, q, g, x, zbar):
    """E[spend | x, zbar] of the Gamma-Gamma model; the population mean at x = 0."""
    return p * (g + x * zbar) / (p * x + q - 1)


def predicted_clv(r, alpha, a, b, p, q, g, x, tx, T, zbar, periods, length, discount):
    """Each period's expected purchases times the expected spend, discounted."""
    s = spend(p, q, g, x, zbar)
    value, previous = mpf(0), mpf(0)
    for i in range(1, periods + 1):
        cumulative = conditional(r, alpha, a, b, i * length, x, tx, T)
        value += (cumulative - previous) * s / (1 + discount / 100) ** i
        previous = cumulative
    return value


def write_alive(here):
    with open(os.path.join(here, "alive_grid.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["r", "alpha", "a", "b", "x", "t_x", "age", "p_alive"])
        for r, alpha, a, b, (x, tx, T) in itertools.product(R, ALPHA, A, B, CUSTOMERS):
            if x == "0":
                continue
            v = alive(*(mpf(s) for s in (r, alpha, a, b, x, tx, T)))
            w.writerow([r, alpha, a, b, x, tx, T, mp.nstr(v, 20)])


def write_spend(here):
    P = ["0.01", "1", "6.25", "100", "1e6"]
    Q = ["1.01", "3.74", "100", "1e6"]
    G = ["0.01", "15.44", "1000", "1e6"]
    XZ = [("0", "0"), ("1", "0.01"), ("2", "22.35"), ("1000", "50"), ("100000", "1e6")]
    with open(os.path.join(here, "spend_grid.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["p", "q", "gamma", "x", "monetary_value", "spend"])
        for p, q, g, (x, zbar) in itertools.product(P, Q, G, XZ):
            v = spend(*(mpf(s) for s in (p, q, g, x, zbar)))
            w.writerow([p, q, g, x, zbar, mp.nstr(v, 20)])


def write_clv(here):
    # CDNOW's published estimates and two others; 12 and 52 periods
    models = [("0.243", "4.414", "0.793", "2.426"), ("20", "100", "2.5", "100"), ("100", "20", "0.8", "2.5")]
    spends = [("6.25", "3.74", "15.44"), ("100", "2", "1")]
    customers = [("0", "0", "0", "0"), ("2", "30.43", "38.86", "22.35"), ("100", "500", "1000", "50")]
    with open(os.path.join(here, "clv_grid.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["r", "alpha", "a", "b", "p", "q", "gamma", "x", "t_x", "age", "monetary_value",
                    "periods", "period_length", "discount", "clv"])
        for (r, alpha, a, b), (p, q, g), (x, tx, T, zbar), (periods, length), discount in itertools.product(
                models, spends, customers, [(12, "4.33"), (52, "1")], ["0", "1"]):
            v = predicted_clv(*(mpf(s) for s in (r, alpha, a, b, p, q, g, x, tx, T, zbar)),
                              periods, mpf(length), mpf(discount))
            w.writerow([r, alpha, a, b, p, q, g, x, tx, T, zbar, periods, length, discount, mp.nstr(v, 20)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write_alive(here)
    write_spend(here)
    write_clv(here)
    out = os.path.join(here, "bgnbd_grid.csv")
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
