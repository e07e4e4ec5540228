#!/usr/bin/env python3
"""Reference values of the Pareto/NBD's P(alive | x, t_x, T) and its
gradient in the log-parameters, and of its DERT, at 60 digits with mpmath,
written beside this file as pareto_nbd_alive.csv and pareto_nbd_dert.csv
for sql/24_pareto_nbd.sql (so the suite needs neither Python nor mpmath).

P(alive) = D / (D + s I), D = (alpha+T)^-(r+x) (beta+T)^-s and
I = int_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du, taken here by its
closed form, independent of the extension's series: with c the larger of
alpha and beta, pc its exponent, o and po the other's, k = pc + po - 1,
I = G(t_x) - G(T), G(t) = (c+t)^-k / k 2F1(po, k; k+1; (c-o)/(c+t)), and
mpmath's 2F1 at any argument below 1.  The grid is the corners the
series meet: beta / alpha from 1e-4 to 1e4 (one-time buyers with beta
some 50 alpha are the case that made the fit's series long), s large
(dropout with little heterogeneity), many purchases early, a purchase a
moment before T.  P(alive) near 1 is written as 1 - P too, so a test can
hold both to their relative accuracy.

DERT = (r+x)/(alpha+T) P(alive) E[1/(delta + mu)], mu ~ Gamma(s, beta + T)
its posterior, delta = ln(1 + rate/100): the last factor is (beta+T) J,
J = int_0^inf e^(-z u) (1+u)^-s du, z = delta (beta+T), taken here by
mpmath's quadrature (not the extension's incomplete gamma), at rates whose
z runs from 1e-4 to 500 and s from 0.56 to 500, through 1 exactly and a
hair beside it.

Rerun only to change it (Debian: python3-mpmath):
  /usr/bin/python3 test/reference/pareto_nbd_alive_reference.py
"""
import csv
import os

import mpmath as mp

mp.mp.dps = 60

MODELS = [  # r, alpha, s, beta
    (0.55, 2.0, 0.6, 50.0), (0.55, 0.01, 0.6, 100.0), (0.3, 0.001, 0.2, 30.0), (0.55, 50.0, 0.6, 0.5),
    (0.55, 100.0, 0.6, 0.01), (1.3, 47.0, 16.6, 2000.0), (2.0, 0.01, 3.0, 100.0), (0.9, 10.0, 1.0, 300.0),
    (5.0, 0.2, 8.0, 20.0), (0.55, 10.0, 0.6, 11.0),
]
CUSTOMERS = [  # x, t_x, T
    (0, 0.0, 39.0), (0, 0.0, 1.0), (0, 0.0, 500.0), (1, 0.5, 38.0), (3, 2.0, 40.0), (10, 1.0, 100.0),
    (2, 30.0, 38.0), (40, 5.0, 30.0), (1, 0.001, 0.002), (2, 30.43, 38.86),
]


def gone_odds(theta, x, t_x, T):
    """s I / D at the log-parameters theta"""
    r, alpha, s, beta = [mp.exp(v) for v in theta]
    x, t_x, T = mp.mpf(x), mp.mpf(t_x), mp.mpf(T)
    if alpha >= beta:
        c, pc, o, po = alpha, r + x, beta, s + 1
    else:
        c, pc, o, po = beta, s + 1, alpha, r + x
    k = pc + po - 1

    def G(t):
        return (c + t) ** -k / k * mp.hyp2f1(po, k, k + 1, (c - o) / (c + t))

    integral = G(t_x) - G(T)
    return s * integral * (alpha + T) ** (r + x) * (beta + T) ** s


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "pareto_nbd_alive.csv"), "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["r", "alpha", "s", "beta", "x", "t_x", "t", "p_alive", "p_gone",
                  "d_log_r", "d_log_alpha", "d_log_s", "d_log_beta"])
    for model in MODELS:
        theta = [mp.log(mp.mpf(v)) for v in model]
        for x, t_x, T in CUSTOMERS:
            odds = gone_odds(theta, x, t_x, T)
            alive = 1 / (1 + odds)
            # dP/dtheta = -P (1 - P) d ln(odds)/dtheta
            grads = [-alive * (1 - alive) * mp.diff(
                lambda v, i=i: mp.log(gone_odds(theta[:i] + [v] + theta[i + 1:], x, t_x, T)), theta[i])
                for i in range(4)]
            out.writerow(list(model) + [x, t_x, T] + [mp.nstr(v, 20) for v in [alive, odds / (1 + odds)] + grads])


DERT_MODELS = [  # r, alpha, s, beta
    (0.55, 10.58, 0.606, 11.67), (0.55, 10.58, 1.0, 11.67), (0.55, 10.58, 1.0000001, 11.67),
    (1.449, 48.64, 0.5613, 46.88), (2.0, 5.0, 2.5, 40.0), (0.8, 3.0, 7.0, 200.0), (0.8, 3.0, 20.0, 0.5),
    (0.8, 3.0, 60.0, 300.0), (0.8, 3.0, 500.0, 5000.0),
]
DERT_CUSTOMERS = [(0, 0.0, 39.0), (2, 30.43, 38.86), (10, 20.0, 38.0)]
DERT_RATES = [0.01, 0.2, 1.0, 2.0, 2.2, 10.0, 50.0]
with open(os.path.join(here, "pareto_nbd_dert.csv"), "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["r", "alpha", "s", "beta", "x", "t_x", "t", "rate", "z", "dert"])
    for model in DERT_MODELS:
        theta = [mp.log(mp.mpf(v)) for v in model]
        r, alpha, s_, beta = [mp.mpf(v) for v in model]
        for x, t_x, T in DERT_CUSTOMERS:
            alive = 1 / (1 + gone_odds(theta, x, t_x, T))
            for rate in DERT_RATES:
                delta = mp.log(1 + mp.mpf(rate) / 100)
                b = beta + T
                z = delta * b
                # J = int_0^inf e^(-z u) (1+u)^-s du by quadrature: mpmath's incomplete gamma
                # at 1 - s = -499 and z = 480 cancels away even at 60 digits
                scale = 1 / (z + s_)
                lifetime = b * mp.quad(lambda u: mp.exp(-z * u) * (1 + u) ** -s_,
                                       [0, scale, 10 * scale, 100 * scale, mp.inf])
                dert = (r + x) / (alpha + T) * alive * lifetime
                out.writerow(list(model) + [x, t_x, T, rate, mp.nstr(z, 6), mp.nstr(dert, 20)])
