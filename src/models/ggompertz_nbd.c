/*
 * ggompertz_nbd.c
 *		The GGompertz/NBD purchase model (Bemmaor and Glady 2012, "Modeling
 *		purchasing behavior with sudden 'death': a flexible customer
 *		lifetime model", Management Science 58(5)): its likelihood with
 *		gradient and its predictions.  Its rows, arrangement and SQL
 *		functions are the BG/NBD family's (bgnbd.c).
 *
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha), as
 * in Pareto/NBD; the lifetime tau has the Gompertz hazard eta b e^(b tau)
 * with eta ~ Gamma(s, beta), so that, with D(t) = beta + e^(b t) - 1,
 *	 S(t) = (beta / D(t))^s,	f(t) = s b e^(b t) beta^s / D(t)^(s+1).
 * As b falls to 0 with beta / b held, S tends to Pareto/NBD's
 * (beta'/(beta'+t))^s, beta' = beta / b: Pareto/NBD is its limit.  From a
 * customer's (x, t_x, T), CLVTools' ggomnbd_LL_ind written as two terms,
 *	 L = Gamma(r+x) alpha^r / Gamma(r) (A + I),
 *	 A = S(T) / (alpha+T)^(r+x)					alive throughout,
 *	 I = int_{t_x}^T f(tau) / (alpha+tau)^(r+x) dtau	gone at tau after the last purchase,
 *	 P(alive | x, t_x, T) = A / (A + I),
 * and, alive at T, the rate's posterior is Gamma(r+x, alpha+T) and the
 * lifetime still ahead has S_T(u) = S(T+u) / S(T) = (D(T) / D(T+u))^s, so
 *	 E[Y(t) | x, t_x, T] = P(alive) (r+x)/(alpha+T) int_0^t S_T(u) du
 *	 DERT(delta) = P(alive) (r+x)/(alpha+T) int_0^inf e^(-delta u) S_T(u) du
 * (a new customer: x = t_x = T = 0, P(alive) = 1).  I and the lifetime
 * integrals have no closed form: they are taken by adaptive Gauss-Kronrod
 * quadrature (special.c), as CLVTools takes them with GSL's.
 */
#include "model.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/* Where the quadrature stops: far below the predictions' promise (model.h) */
#define GGNBD_QUAD_TOLERANCE 1e-12

#define GGNBD_HINT "This happens at extreme parameters: a Gompertz shape b or a horizon far from the data's time scale."

typedef struct GgnbdParams
{
	double		r,
				alpha,
				b,
				s,
				beta;
} GgnbdParams;

static GgnbdParams
ggnbd_params(const double *p)
{
	GgnbdParams g = {p[0], p[1], p[2], p[3], p[4]};

	return g;
}

/*
 * ln D(t) = ln(beta + e^(b t) - 1), without overflow for large b t, with
 * q = e^(b t) / D(t) and beta / D(t), the shares the derivatives take
 */
typedef struct GgnbdD
{
	double		log_d,
				q,
				beta_share;
} GgnbdD;

static inline GgnbdD
ggnbd_d_parts(const GgnbdParams *g, double t)
{
	double		bt = g->b * t;
	GgnbdD		d;

	if (bt > 30)
	{
		/* (beta - 1) e^-bt > -1 as beta > 0 */
		d.log_d = bt + log1p((g->beta - 1) * exp(-bt));
		d.q = exp(bt - d.log_d);
		d.beta_share = exp(log(g->beta) - d.log_d);
	}
	else
	{
		double		e = expm1(bt),
					D = g->beta + e;

		d.log_d = log(D);
		d.q = (e + 1) / D;
		d.beta_share = g->beta / D;
	}
	return d;
}

static void
ggnbd_unreachable(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the GGompertz/NBD integral could not be computed at these parameters", fname),
			 errhint(GGNBD_HINT)));
}

/* ---------------------------------------------------------------------
 * The likelihood
 * ---------------------------------------------------------------------
 */

/*
 * ln(D(ref + u) / D(ref)) = ln(1 + q_ref (e^(b u) - 1)), q_ref = e^(b ref) /
 * D(ref): how D moves from a reference time, without the cancellation of
 * a difference of logs (which, times s + 1 or r + x in the thousands,
 * rounds by more than a quadrature's tolerance)
 */
static inline double
ggnbd_log_d_ratio(double b, double q_ref, double u)
{
	return log1p(q_ref * expm1(b * u));
}

/*
 * I's integrand f(tau) (alpha+tau)^-(r+x) over its value at a reference
 * time (its peak), and the parts of its log-derivatives in the
 * log-parameters (r, alpha, b, s, beta) that vary with tau; the parts that
 * do not are added after the integral (ggnbd_log_terms).  Relative to ref,
 * with u = tau - ref, L_D = ln(D(tau) / D(ref)), L_A = ln((alpha+tau) /
 * (alpha+ref)):
 *	 ln h(tau) - ln h(ref) = b u - (s+1) L_D - (r+x) L_A
 */
typedef struct GgnbdGone
{
	GgnbdParams g;
	double		rx;				/* r + x */
	double		ref;
	double		q_ref;			/* e^(b ref) / D(ref) */
	double		beta_share_ref; /* beta / D(ref) */
	double		at_ref;			/* alpha + ref */
	bool		with_gradient;
} GgnbdGone;

/*
 * The first and second derivatives of the integrand's log at tau: with
 * q = e^(b tau) / D(tau), whose derivative is b q (1 - q),
 *	 d = b - (s+1) b q - (r+x)/(alpha+tau),
 *	 d2 = -(s+1) b^2 q (1 - q) + (r+x)/(alpha+tau)^2
 */
static double
ggnbd_gone_slope(const GgnbdGone *c, double tau, double *second)
{
	const GgnbdParams *g = &c->g;
	double		q = ggnbd_d_parts(g, tau).q;
	double		at = g->alpha + tau;

	if (second != NULL)
		*second = -(g->s + 1) * g->b * g->b * q * (1 - q) + c->rx / (at * at);
	return g->b - (g->s + 1) * g->b * q - c->rx / at;
}

/*
 * Where in [lo, hi] the integrand's mass is, and how wide: its log's
 * maximum (an end where the slope points out, else a zero of the slope by
 * bisection) and 1/sqrt(-d2) there, or 1/|d| at an end
 */
static void
ggnbd_gone_peak(const GgnbdGone *c, double lo, double hi, double *peak, double *width)
{
	double		second,
				slope_lo = ggnbd_gone_slope(c, lo, NULL),
				slope_hi = ggnbd_gone_slope(c, hi, NULL),
				slope;

	if (slope_lo <= 0)
		*peak = lo;
	else if (slope_hi >= 0)
		*peak = hi;
	else
	{
		double		a = lo,
					b = hi;

		/* the peak need not be exact: the pieces around it are a width wide */
		for (int i = 0; i < 60 && b - a > 1e-3 * (hi - lo); i++)
		{
			double		mid = (a + b) / 2;

			if (ggnbd_gone_slope(c, mid, NULL) > 0)
				a = mid;
			else
				b = mid;
		}
		*peak = (a + b) / 2;
	}
	slope = ggnbd_gone_slope(c, *peak, &second);
	if (*peak > lo && *peak < hi)
		*width = second < 0 ? 1 / sqrt(-second) : hi - lo;
	else
		*width = slope != 0 ? 1 / fabs(slope) : hi - lo;
	*width = Min(*width, hi - lo);
}

static void
ggnbd_gone_integrand(double tau, const void *arg, double *values)
{
	const GgnbdGone *c = arg;
	const GgnbdParams *g = &c->g;
	double		u = tau - c->ref;
	double		grown = expm1(g->b * u);	/* e^(b u) - 1 */
	double		ratio = 1 + c->q_ref * grown;	/* D(tau) / D(ref) */
	double		log_dr = log1p(c->q_ref * grown);
	double		log_ar = log1p(u / c->at_ref);
	double		h = exp(g->b * u - (g->s + 1) * log_dr - c->rx * log_ar);

	values[0] = h;
	if (!c->with_gradient)
		return;
	values[1] = -h * g->r * log_ar;
	values[2] = -h * c->rx * g->alpha / (g->alpha + tau);
	/* q(tau) = q_ref e^(b u) D(ref) / D(tau) */
	values[3] = h * (1 + g->b * tau * (1 - (g->s + 1) * c->q_ref * (grown + 1) / ratio));
	values[4] = -h * g->s * log_dr;
	values[5] = h * (g->s - (g->s + 1) * c->beta_share_ref / ratio);
}

/*
 * ln A and ln I of a customer (x, t_x, T), and, gradients not NULL, the
 * gradients of ln A and of ln I in the log-parameters; false when the
 * quadrature could not reach its tolerance.  ln I is -inf at t_x = T.
 */
static bool
ggnbd_log_terms(const GgnbdParams *g, double x, double t_x, double T, double *log_a, double *log_i,
				double *grad_a, double *grad_i)
{
	GgnbdGone	c;
	GgnbdD		d_t = ggnbd_d_parts(g, T),
				d_ref;
	double		integrals[6];
	double		width,
				shift;

	*log_a = -g->s * (d_t.log_d - log(g->beta)) - (g->r + x) * log(g->alpha + T);
	if (grad_a != NULL)
	{
		grad_a[0] = -g->r * log(g->alpha + T);
		grad_a[1] = -(g->r + x) * g->alpha / (g->alpha + T);
		grad_a[2] = -g->s * g->b * T * d_t.q;
		grad_a[3] = -g->s * (d_t.log_d - log(g->beta));
		grad_a[4] = g->s * (1 - d_t.beta_share);
	}
	if (!(T > t_x))
	{
		*log_i = -INFINITY;
		if (grad_i != NULL)
			memset(grad_i, 0, sizeof(double) * 5);
		return true;
	}
	c.g = *g;
	c.rx = g->r + x;
	c.with_gradient = grad_i != NULL;
	/* the integrand relative to its peak, its largest value: nothing under- or overflows */
	ggnbd_gone_peak(&c, t_x, T, &c.ref, &width);
	d_ref = ggnbd_d_parts(g, c.ref);
	c.q_ref = d_ref.q;
	c.beta_share_ref = d_ref.beta_share;
	c.at_ref = g->alpha + c.ref;
	shift = log(g->s) + log(g->b) + g->s * log(g->beta) + g->b * c.ref - (g->s + 1) * d_ref.log_d
		- c.rx * log(c.at_ref);
	if (!isfinite(shift) ||
		!quad_integrate_around(ggnbd_gone_integrand, &c, c.with_gradient ? 6 : 1, t_x, T, c.ref, width,
							   GGNBD_QUAD_TOLERANCE, integrals) ||
		!(integrals[0] > 0))
		return false;
	*log_i = shift + log(integrals[0]);
	if (grad_i != NULL)
	{
		for (int k = 0; k < 5; k++)
			grad_i[k] = integrals[k + 1] / integrals[0];
		/* the log-derivatives' parts that do not vary with tau (ggnbd_gone_integrand) */
		grad_i[0] -= g->r * log(c.at_ref);
		grad_i[3] += 1 + g->s * (log(g->beta) - d_ref.log_d);
	}
	return true;
}

/*
 * The summed log-likelihood at exp(theta) = (r, alpha, b, s, beta), and its
 * gradient with respect to theta; NaN where a row's integral cannot be
 * taken (the optimizer steps back from there)
 */
double
ggnbd_loglik(FitData *fit, const double *theta, double *grad)
{
	BgnbdData  *d = (BgnbdData *) fit->arranged;
	GgnbdParams g = {exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3]), exp(theta[4])};
	double		ll = 0,
				gsum[5] = {0, 0, 0, 0, 0};
	double		log_alpha = log(g.alpha),
				lg_r = lgamma(g.r),
				psi_r = digamma(g.r);

	/* lgamma(r+x) - lgamma(r) + r ln alpha, once per distinct x */
	for (int j = 0; j < d->x.nx; j++)
	{
		double		x = d->x.xs[j];
		double		w = d->x.weight[j];

		ll += w * (lgamma(g.r + x) - lg_r + g.r * log_alpha);
		gsum[0] += w * g.r * (digamma(g.r + x) - psi_r + log_alpha);
		gsum[1] += w * g.r;
	}

	/* ln(A + I) of each row: x = 0 rows (t_x = 0) summed by T, then the others */
	for (int i = -d->ntimes; i < d->nrows; i++)
	{
		double		x,
					t_x,
					T,
					w;
		double		log_a,
					log_i,
					grad_a[5],
					grad_i[5];
		double		share_i;

		if (i < 0)
		{
			int			k = i + d->ntimes;

			w = d->zero_weight[k];
			if (w == 0)
				continue;
			x = 0;
			t_x = 0;
			T = d->times[k];
		}
		else
		{
			w = d->row_weight[i];
			x = d->x.xs[d->row_x[i]];
			t_x = d->times[d->row_recency[i]];
			T = d->times[d->row_age[i]];
		}
		CHECK_FOR_INTERRUPTS();
		if (!ggnbd_log_terms(&g, x, t_x, T, &log_a, &log_i, grad ? grad_a : NULL, grad ? grad_i : NULL))
			return get_float8_nan();
		/* ln(A + I) and I's share of it, as a log-sum-exp */
		share_i = 1 / (1 + exp(log_a - log_i));
		ll += w * (Max(log_a, log_i) + log1p(exp(-fabs(log_a - log_i))));
		if (grad != NULL)
			for (int k = 0; k < 5; k++)
				gsum[k] += w * ((1 - share_i) * grad_a[k] + (share_i > 0 ? share_i * grad_i[k] : 0));
	}
	if (grad != NULL)
		memcpy(grad, gsum, sizeof(gsum));
	return ll;
}

/* ---------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------
 */

double
ggnbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname)
{
	GgnbdParams g = ggnbd_params(MODEL_ESTIMATE(m));
	double		log_a,
				log_i;

	if (!ggnbd_log_terms(&g, x, t_x, T, &log_a, &log_i, NULL, NULL))
		ggnbd_unreachable(fname);
	return 1 / (1 + exp(log_i - log_a));
}

/*
 * The lifetime still ahead of a customer alive at T, S_T(u) = (D(T) /
 * D(T+u))^s, discounted continuously at delta (0: not): int_0^t
 * e^(-delta u) S_T(u) du, t infinite for DERT.  The integrand falls from 1
 * at u = 0 at the rate delta + s b e^(bT) / D(T); it is taken to where it
 * is below e^-GGNBD_NEGLIGIBLE, which beyond is nothing beside the
 * integral.
 */
#define GGNBD_NEGLIGIBLE 69.0

typedef struct GgnbdAhead
{
	GgnbdParams g;
	double		q_t;			/* e^(bT) / D(T) */
	double		delta;
} GgnbdAhead;

static void
ggnbd_ahead_integrand(double u, const void *arg, double *values)
{
	const GgnbdAhead *c = arg;

	values[0] = exp(-c->delta * u - c->g.s * ggnbd_log_d_ratio(c->g.b, c->q_t, u));
}

/* Past this u, S_T(u) < e^-GGNBD_NEGLIGIBLE: ln D(T+u) > ln D(T) + GGNBD_NEGLIGIBLE / s */
static double
ggnbd_ahead_end(const GgnbdParams *g, double T, double log_d_t)
{
	double		L = log_d_t + GGNBD_NEGLIGIBLE / g->s;
	/* e^(b (T+u)) = e^L + 1 - beta, which is at least e^(bT) > 0 */
	double		log_e = L > 30 ? L + log1p((1 - g->beta) * exp(-L)) : log(exp(L) + 1 - g->beta);

	return Max(log_e / g->b - T, 0);
}

static double
ggnbd_lifetime_ahead(const GgnbdParams *g, double T, double t, double delta, const char *fname)
{
	GgnbdD		d_t = ggnbd_d_parts(g, T);
	GgnbdAhead	c = {*g, d_t.q, delta};
	double		end = Min(t, ggnbd_ahead_end(g, T, d_t.log_d));
	double		rate = delta + g->s * g->b * d_t.q;
	double		integral;

	if (delta > 0)
		end = Min(end, GGNBD_NEGLIGIBLE / delta);
	if (!quad_integrate_around(ggnbd_ahead_integrand, &c, 1, 0, end, 0, 1 / rate, GGNBD_QUAD_TOLERANCE,
							   &integral))
		ggnbd_unreachable(fname);
	return integral;
}

/* E[Y(t) | x, t_x, T] / P(alive): the purchases expected of a customer alive at T */
double
ggnbd_expected_if_alive(const Model *m, double t, double x, double T, const char *fname)
{
	GgnbdParams g = ggnbd_params(MODEL_ESTIMATE(m));

	if (t == 0)
		return 0;
	return (g.r + x) / (g.alpha + T) * ggnbd_lifetime_ahead(&g, T, t, 0, fname);
}

/* E[Y(t) | x, t_x, T]; a new customer's E[X(t)] at x = t_x = T = 0 */
double
ggnbd_expected_conditional(const Model *m, double t, double x, double t_x, double T, const char *fname)
{
	double		alive = ggnbd_probability_alive(m, x, t_x, T, fname);

	return alive * ggnbd_expected_if_alive(m, t, x, T, fname);
}

/* DERT / P(alive) at the continuous rate delta > 0: what t_x does not enter */
double
ggnbd_discounted_if_alive(const Model *m, double delta, double x, double T, const char *fname)
{
	GgnbdParams g = ggnbd_params(MODEL_ESTIMATE(m));

	return (g.r + x) / (g.alpha + T) * ggnbd_lifetime_ahead(&g, T, INFINITY, delta, fname);
}

/* DERT at the continuous rate delta > 0 */
double
ggnbd_discounted_expected(const Model *m, double delta, double x, double t_x, double T, const char *fname)
{
	double		alive = ggnbd_probability_alive(m, x, t_x, T, fname);

	return alive * ggnbd_discounted_if_alive(m, delta, x, T, fname);
}

/*
 * P(Y(t) = n | x, t_x, T).  Alive at T, the rate is Gamma(r+x, alpha+T)
 * and the customer buys for min(t, the lifetime still ahead), so with
 * NB(n; u) the negative binomial probability of n purchases in a time u,
 * Gamma(r'+n)/(Gamma(r') n!) (a/(a+u))^r' (u/(a+u))^n, r' = r+x,
 * a = alpha+T, and f_T(u) = s b e^(b(T+u)) / D(T+u) S_T(u) the density of
 * the lifetime ahead:
 *	 P = P(alive) (S_T(t) NB(n; t) + int_0^t f_T(u) NB(n; u) du)
 *		 + (1 - P(alive)) [n = 0]
 * A new customer's P(X(t) = n) is x = t_x = T = 0.
 */
typedef struct GgnbdCount
{
	GgnbdParams g;
	double		q_t,			/* e^(bT) / D(T) */
				rx,
				at,				/* alpha + T */
				n,
				log_nb_front;	/* ln Gamma(r'+n) - ln Gamma(r') - ln n! */
} GgnbdCount;

static double
ggnbd_log_nb(const GgnbdCount *c, double u)
{
	if (u == 0)
		return c->n == 0 ? 0 : -INFINITY;
	return c->log_nb_front + c->rx * log(c->at / (c->at + u)) + c->n * log(u / (c->at + u));
}

/* f_T(u) NB(n; u), f_T(u) = s b q_T e^(b u) (D(T) / D(T+u))^(s+1) */
static void
ggnbd_count_integrand(double u, const void *arg, double *values)
{
	const GgnbdCount *c = arg;
	double		log_dr = ggnbd_log_d_ratio(c->g.b, c->q_t, u);

	values[0] = c->g.s * c->g.b * c->q_t * exp(c->g.b * u - (c->g.s + 1) * log_dr + ggnbd_log_nb(c, u));
}

double
ggnbd_count_probability_given(const Model *m, double t, int32 n, double x, double t_x, double T,
							  const char *fname)
{
	GgnbdParams g = ggnbd_params(MODEL_ESTIMATE(m));
	double		alive = ggnbd_probability_alive(m, x, t_x, T, fname);
	GgnbdCount	c;
	GgnbdD		d_t;
	double		integral,
				given_alive;

	c.g = g;
	d_t = ggnbd_d_parts(&g, T);
	c.q_t = d_t.q;
	c.rx = g.r + x;
	c.at = g.alpha + T;
	c.n = n;
	c.log_nb_front = lgamma(c.rx + n) - lgamma(c.rx) - lgamma(n + 1.0);
	if (t == 0)
		given_alive = n == 0 ? 1 : 0;
	else
	{
		/* the first piece within the scales of the lifetime ahead (1 / its hazard at T) and of NB(n; u) */
		double		hazard = g.s * g.b * c.q_t;
		double		end = Min(t, ggnbd_ahead_end(&g, T, d_t.log_d));
		double		width = Min(1 / hazard, c.at / (c.rx + n));

		if (!quad_integrate_around(ggnbd_count_integrand, &c, 1, 0, end, 0, width, GGNBD_QUAD_TOLERANCE,
								   &integral))
			ggnbd_unreachable(fname);
		given_alive = exp(-g.s * ggnbd_log_d_ratio(g.b, c.q_t, t) + ggnbd_log_nb(&c, t)) + integral;
	}
	return alive * given_alive + (n == 0 ? 1 - alive : 0);
}
