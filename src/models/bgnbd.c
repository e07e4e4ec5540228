/*
 * bgnbd.c
 *		The BG/NBD purchase model (Fader, Hardie and Lee 2005, "Counting
 *		your customers the easy way") and its variant MBG/NBD (Batislam,
 *		Denizel and Filiztekin 2007): their fits' rows, likelihoods with
 *		gradients, and predictions.
 *
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha);
 * after each purchase the customer drops out with probability
 * p ~ Beta(a, b).  From a customer's (x, t_x, T) = (repeat purchases, time
 * of the last one, time since the first), with A = alpha:
 *	 LL = lgamma(r+x) - lgamma(r) + r ln A
 *		+ lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
 *		+ ln( (A+T)^-(r+x) + [x>0] a/(b+x-1) (A+t_x)^-(r+x) )
 *	 P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((A+T)/(A+t_x))^(r+x))
 *	 E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
 *		* (1 - ((A+T)/(A+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(A+T+t)))
 *		* P(alive) / ... (eq. 10 of the paper; see bgnbd_expected_conditional)
 *	 E[X(t)] for a new customer: the same with x = t_x = T = 0 (eq. 7).
 *
 * Per-x terms (lgamma, digamma) are computed once per distinct x and
 * ln(A + time) once per distinct time, so an evaluation costs an exp and a
 * log1p per repeat-customer row.
 */
#include "model.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

/* A row: (x, t_x, T) */
void
bgnbd_check_row(const char *fname, const FitKey *key)
{
	fit_check_fit_frequency(fname, key->v[0]);
	fit_check_customer(fname, key->v[0], key->v[1], key->v[2]);
}

void
bgnbd_arrange(FitData *fit)
{
	BgnbdData  *d = palloc0(sizeof(BgnbdData));
	int			n = fit->n;
	double	   *times;
	int		   *time_rank;

	fit_distinct_x(fit, &d->x);

	/* every row's t_x and T, ranked among the distinct times */
	times = palloc(sizeof(double) * 2 * Max(n, 1));
	time_rank = palloc(sizeof(int) * 2 * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		times[2 * i] = fit->keys[i].v[1];
		times[2 * i + 1] = fit->keys[i].v[2];
	}
	d->times = palloc(sizeof(double) * 2 * Max(n, 1));
	d->ntimes = fit_rank(times, 2 * n, time_rank, d->times);
	pfree(times);
	d->zero_weight = palloc0(sizeof(double) * Max(d->ntimes, 1));
	d->log_at = palloc(sizeof(double) * Max(d->ntimes, 1));
	d->inv_at = palloc(sizeof(double) * Max(d->ntimes, 1));
	d->log_bt = palloc(sizeof(double) * Max(d->ntimes, 1));

	d->row_x = palloc(sizeof(int) * Max(n, 1));
	d->row_recency = palloc(sizeof(int) * Max(n, 1));
	d->row_age = palloc(sizeof(int) * Max(n, 1));
	d->row_weight = palloc(sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (fit->keys[i].v[0] == 0)
		{
			/* only T matters for them: summed per T, no per-row work */
			d->zero_weight[time_rank[2 * i + 1]] += fit->weights[i];
			continue;
		}
		d->row_x[d->nrows] = d->x.row_index[i];
		d->row_weight[d->nrows] = fit->weights[i];
		d->row_recency[d->nrows] = time_rank[2 * i];
		d->row_age[d->nrows] = time_rank[2 * i + 1];
		d->nrows++;
	}
	pfree(time_rank);
	fit->arranged = d;
}

/*
 * bgnbd_fit and mbgnbd_fit(frequency, recency, age [, weight] [, time_unit]
 * [, penalizer_coef]): one customer's (x, t_x, T) in one time unit, or a
 * weighted row standing for `weight` customers; the model records the time
 * unit when it is given, and lifetimes' penalizer.
 */
static Datum
nbd_fit_accum(FunctionCallInfo fcinfo, ModelKind kind, const char *accum_name)
{
	const FitCallForm *form = fit_call_form(fcinfo);
	FitState   *state = fit_state_get(fcinfo, kind, accum_name);
	const char *fname = fit_state_fname(state);
	FitKey		key;

	/* a row with NULL data is skipped whole, its time unit too (no summary: all NULL) */
	for (int i = 1; i <= (form->weighted ? 4 : 3); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(state);
	if (form->has_unit)
		fit_time_unit_arg(fcinfo, state);
	if (form->penalized)
		fit_penalizer_arg(fcinfo, 6, state);

	key.v[0] = PG_GETARG_FLOAT8(1);
	key.v[1] = PG_GETARG_FLOAT8(2);
	key.v[2] = PG_GETARG_FLOAT8(3);
	bgnbd_check_row(fname, &key);
	fit_state_add(state, key, form->weighted ? fit_weight_arg(fcinfo, 4, fname) : 1);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_accum);
Datum
bgnbd_fit_accum(PG_FUNCTION_ARGS)
{
	return nbd_fit_accum(fcinfo, MODEL_BGNBD, "bgnbd_fit_accum");
}

PG_FUNCTION_INFO_V1(mbgnbd_fit_accum);
Datum
mbgnbd_fit_accum(PG_FUNCTION_ARGS)
{
	return nbd_fit_accum(fcinfo, MODEL_MBGNBD, "mbgnbd_fit_accum");
}

/* Pareto/NBD and GGompertz/NBD take the same rows (their likelihoods are in their own files) */
PG_FUNCTION_INFO_V1(pareto_nbd_fit_accum);
Datum
pareto_nbd_fit_accum(PG_FUNCTION_ARGS)
{
	return nbd_fit_accum(fcinfo, MODEL_PARETO_NBD, "pareto_nbd_fit_accum");
}

PG_FUNCTION_INFO_V1(ggompertz_nbd_fit_accum);
Datum
ggompertz_nbd_fit_accum(PG_FUNCTION_ARGS)
{
	return nbd_fit_accum(fcinfo, MODEL_GGOMPERTZ_NBD, "ggompertz_nbd_fit_accum");
}

/* Both likelihoods' per-time work: ln(alpha + time) and 1 / (alpha + time) once per distinct time */
static void
nbd_fill_times(BgnbdData *d, double alpha)
{
	for (int k = 0; k < d->ntimes; k++)
	{
		d->log_at[k] = log(alpha + d->times[k]);
		d->inv_at[k] = 1 / (alpha + d->times[k]);
	}
}

/*
 * BG/NBD: the summed log-likelihood at exp(theta) = (r, alpha, a, b), and
 * its gradient with respect to theta.
 */
double
bgnbd_loglik(FitData *fit, const double *theta, double *grad)
{
	BgnbdData  *d = (BgnbdData *) fit->arranged;
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				a = exp(theta[2]),
				b = exp(theta[3]);
	double		ll = 0,
				g_r = 0,
				g_alpha = 0,
				g_a = 0,
				g_b = 0;
	double		log_alpha = log(alpha);
	double		lg_r = lgamma(r);
	double		psi_r = digamma(r);
	double		log_a = log(a);
	double	   *x_c4 = d->x.scratch;	/* ln a - ln(b+x-1) */
	double	   *x_inv_b = d->x.scratch + d->x.nx;	/* 1/(b+x-1) */

	nbd_fill_times(d, alpha);

	/* the parts that depend on x alone, times the weight of that x */
	for (int j = 0; j < d->x.nx; j++)
	{
		double		x = d->x.xs[j];
		double		w = d->x.weight[j];

		/* B(a, b+x) / B(a, b) by differences taken whole: a and b may be 1e13 */
		ll += w * (lgamma(r + x) - lg_r + r * log_alpha
				   + lgamma_difference(b, x) - lgamma_difference(a + b, x));
		g_r += w * (digamma(r + x) - psi_r + log_alpha);
		g_alpha += w * r / alpha;
		g_a -= w * digamma_difference(a + b, x);
		g_b += w * (digamma_difference(b, x) - digamma_difference(a + b, x));
		if (x > 0)
		{
			x_c4[j] = log_a - log(b + x - 1);
			x_inv_b[j] = 1 / (b + x - 1);
		}
	}

	/* x = 0: ln (A+T)^-r */
	for (int k = 0; k < d->ntimes; k++)
	{
		double		w = d->zero_weight[k];

		if (w == 0)
			continue;
		ll -= w * r * d->log_at[k];
		g_r -= w * d->log_at[k];
		g_alpha -= w * r * d->inv_at[k];
	}

	/* x > 0: ln(exp(l3) + exp(l4)) with l3 = -(r+x) ln(A+T), l4 = c4 - (r+x) ln(A+t_x) */
	for (int i = 0; i < d->nrows; i++)
	{
		int			j = d->row_x[i];
		int			kt = d->row_age[i];
		int			kr = d->row_recency[i];
		double		w = d->row_weight[i];
		double		rx = r + d->x.xs[j];
		double		l3 = -rx * d->log_at[kt];
		double		l4 = x_c4[j] - rx * d->log_at[kr];
		double		diff = l4 - l3;
		double		e = exp(-fabs(diff));
		double		w4 = diff > 0 ? 1 / (1 + e) : e / (1 + e);	/* share of the l4 term */
		double		w3 = 1 - w4;

		ll += w * (Max(l3, l4) + log1p(e));
		g_r -= w * (w3 * d->log_at[kt] + w4 * d->log_at[kr]);
		g_alpha -= w * rx * (w3 * d->inv_at[kt] + w4 * d->inv_at[kr]);
		g_a += w * w4 / a;
		g_b -= w * w4 * x_inv_b[j];
	}

	if (grad != NULL)
	{
		grad[0] = g_r * r;
		grad[1] = g_alpha * alpha;
		grad[2] = g_a * a;
		grad[3] = g_b * b;
	}
	return ll;
}

/*
 * MBG/NBD (Batislam, Denizel and Filiztekin 2007): as BG/NBD, but a customer
 * may also drop out at time 0, right after the first purchase, so the
 * second term is there for x = 0 too:
 *	 LL = lgamma(r+x) - lgamma(r) + r ln A + lgamma(a+b) + lgamma(b+x) - lgamma(b)
 *		- lgamma(a+b+x+1) + ln( (b+x) (A+T)^-(r+x) + a (A+t_x)^-(r+x) )
 *	 P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((A+T)/(A+t_x))^(r+x))
 *	 E[Y(t) | x, t_x, T]: BG/NBD's with b + 1 for b, times this P(alive).
 */
double
mbgnbd_loglik(FitData *fit, const double *theta, double *grad)
{
	BgnbdData  *d = (BgnbdData *) fit->arranged;
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				a = exp(theta[2]),
				b = exp(theta[3]);
	double		ll = 0,
				g_r = 0,
				g_alpha = 0,
				g_a = 0,
				g_b = 0;
	double		log_alpha = log(alpha),
				log_a = log(a);
	double		lg_r = lgamma(r);
	double		psi_r = digamma(r);
	double	   *x_log_bx = d->x.scratch;	/* ln(b+x) */
	double	   *x_inv_bx = d->x.scratch + d->x.nx;	/* 1/(b+x) */

	nbd_fill_times(d, alpha);
	for (int j = 0; j < d->x.nx; j++)
	{
		double		x = d->x.xs[j];
		double		w = d->x.weight[j];

		ll += w * (lgamma(r + x) - lg_r + r * log_alpha + lgamma_difference(b, x) - lgamma_difference(a + b, x + 1));
		g_r += w * (digamma(r + x) - psi_r + log_alpha);
		g_alpha += w * r / alpha;
		g_a -= w * digamma_difference(a + b, x + 1);
		g_b += w * (digamma_difference(b, x) - digamma_difference(a + b, x + 1));
		x_log_bx[j] = log(b + x);
		x_inv_bx[j] = 1 / (b + x);
	}

	/* x = 0 (t_x = 0), summed per T: ln(b (A+T)^-r + a A^-r) */
	for (int k = 0; k < d->ntimes; k++)
	{
		double		w = d->zero_weight[k];
		double		l3,
					l4,
					diff,
					e,
					w4;

		if (w == 0)
			continue;
		l3 = log(b) - r * d->log_at[k];
		l4 = log_a - r * log_alpha;
		diff = l4 - l3;
		e = exp(-fabs(diff));
		w4 = diff > 0 ? 1 / (1 + e) : e / (1 + e);
		ll += w * (Max(l3, l4) + log1p(e));
		g_r -= w * ((1 - w4) * d->log_at[k] + w4 * log_alpha);
		g_alpha -= w * r * ((1 - w4) * d->inv_at[k] + w4 / alpha);
		g_a += w * w4 / a;
		g_b += w * (1 - w4) / b;
	}

	/* x > 0: ln((b+x) (A+T)^-(r+x) + a (A+t_x)^-(r+x)) */
	for (int i = 0; i < d->nrows; i++)
	{
		int			j = d->row_x[i];
		int			kt = d->row_age[i];
		int			kr = d->row_recency[i];
		double		w = d->row_weight[i];
		double		rx = r + d->x.xs[j];
		double		l3 = x_log_bx[j] - rx * d->log_at[kt];
		double		l4 = log_a - rx * d->log_at[kr];
		double		diff = l4 - l3;
		double		e = exp(-fabs(diff));
		double		w4 = diff > 0 ? 1 / (1 + e) : e / (1 + e);
		double		w3 = 1 - w4;

		ll += w * (Max(l3, l4) + log1p(e));
		g_r -= w * (w3 * d->log_at[kt] + w4 * d->log_at[kr]);
		g_alpha -= w * rx * (w3 * d->inv_at[kt] + w4 * d->inv_at[kr]);
		g_a += w * w4 / a;
		g_b += w * w3 * x_inv_bx[j];
	}

	if (grad != NULL)
	{
		grad[0] = g_r * r;
		grad[1] = g_alpha * alpha;
		grad[2] = g_a * a;
		grad[3] = g_b * b;
	}
	return ll;
}

void
nbd_check_identifiable(const FitData *d)
{
	if (d->total_weight < 2)
		fit_cannot_identify(d->fname, "It was given a single customer.",
							"Fit the model to many customers, usually all of one acquisition cohort.");
	if (((const BgnbdData *) d->arranged)->nrows == 0)
		fit_cannot_identify(d->fname, "No customer made a repeat purchase (every frequency is 0).",
							"The purchase rate and the dropout cannot be told apart without repeat purchases.");
}

/* The four models' final function */
static Datum
nbd_fit_final(FunctionCallInfo fcinfo)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;
	Model	   *m;

	if (fit_state_is_empty(state))
		PG_RETURN_NULL();
	d = fit_data_build(state);
	nbd_check_identifiable(d);
	m = fit_penalized_model(d, fit_state_penalizer(state));
	m->time_unit = *fit_state_time_unit(state);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_final);
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return nbd_fit_final(fcinfo);
}

PG_FUNCTION_INFO_V1(mbgnbd_fit_final);
Datum
mbgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return nbd_fit_final(fcinfo);
}

PG_FUNCTION_INFO_V1(pareto_nbd_fit_final);
Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return nbd_fit_final(fcinfo);
}

PG_FUNCTION_INFO_V1(ggompertz_nbd_fit_final);
Datum
ggompertz_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return nbd_fit_final(fcinfo);
}

/* ---------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------
 */

#define HORIZON_HINT "Use a horizon at most about 10000 times alpha + age."
#define NEAR_ONE_HINT "This happens where a is within about 1e-7 of 1, or at horizons near 0."

/*
 * The purchase model argument: a BG/NBD, MBG/NBD, Pareto/NBD or
 * GGompertz/NBD model (the SQL declares one overload each)
 */
static const Model *
nbd_model_arg(FunctionCallInfo fcinfo)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_ANY);

	if (!nbd_is_purchase_model(m))
		elog(ERROR, "not a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model");
	return m;
}

bool
nbd_is_purchase_model(const Model *m)
{
	return m->kind == MODEL_BGNBD || m->kind == MODEL_MBGNBD || m->kind == MODEL_PARETO_NBD ||
		m->kind == MODEL_GGOMPERTZ_NBD;
}

void
nbd_check_horizon(const char *fname, double t)
{
	if (!(t >= 0 && isfinite(t)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "horizon", t,
						  "The horizon is a time of 0 or more, in the unit the model was fitted in.");
}

/*
 * ln of the odds of having dropped out: BG/NBD a/(b+x-1) ((A+T)/(A+t_x))^(r+x),
 * -inf for x = 0; MBG/NBD a/(b+x) ((A+T)/(A+t_x))^(r+x), for every x
 */
static double
nbd_log_dropout_odds(const Model *m, double x, double t_x, double T)
{
	double		r = MODEL_ESTIMATE(m)[0],
				alpha = MODEL_ESTIMATE(m)[1],
				a = MODEL_ESTIMATE(m)[2],
				b = MODEL_ESTIMATE(m)[3];
	double		shift = m->kind == MODEL_MBGNBD ? 0 : 1;

	if (x == 0 && m->kind == MODEL_BGNBD)
		return -INFINITY;
	return log(a) - log(b + x - shift) + (r + x) * (log(alpha + T) - log(alpha + t_x));
}

/*
 * E[Y(t) | x, t_x, T] / P(alive), eq. 10 of FHL 2005: with z = t / (A+T+t),
 * L = ln((A+T) / (A+T+t)) = ln(1 - z) and c = a + b + x - 1,
 *	 E = c / (a - 1) (1 - F) P(alive), returned without P(alive),
 *	 F = e^((r+x) L) 2F1(r+x, b+x; c; z).
 * Two forms of the same number, each where its series has terms of one
 * sign:
 *	 a + b - 1 - r >= 0: Euler's transformation, F = e^((a-1) L)
 *		2F1(a+b-1-r, a-1; c; z).  Its terms after the leading 1 all carry
 *		the factor a - 1, which is divided out:
 *		(1 - F) / (a - 1) = -expm1((a-1) L) / (a-1)
 *							- e^((a-1) L) sum_{n>=1} (a+b-1-r)_n (a)_{n-1} z^n / ((c)_n n!)
 *		so there is no 0/0 near a = 1, and a = 1 itself is its limit.
 *	 a + b - 1 - r < 0 (large r): the series as written, every term
 *		positive, summed with a running scale.
 * Euler's form alone (1.2) summed terms of both signs for large r:
 * cancellation gave 46 where 19 is right, and then negative numbers.
 * Euler's terms rise until n is about (a-1) z / (1-z): where a is in the
 * millions (a customer of a BG/NBD fit with covariates), the series as
 * written, whose terms fall from the start, takes its place.  The
 * rounding error of what is left is bounded from the terms' magnitudes;
 * where it passes PREDICTION_TOLERANCE relative, an error, not a number.
 */
#define EULER_MAX_RISE 1e4

double
nbd_expected_if_alive(double r, double alpha, double a, double b, double t, double x, double T,
					  const char *fname)
{
	double		z = t / (alpha + T + t);
	/* ln(1 - z) to a few epsilons of itself: a difference of logs would not be */
	double		L = z < 0.5 ? log1p(-z) : log((alpha + T) / (alpha + T + t));
	double		c = a + b + x - 1;
	double		d = a - 1;
	double		magnitude,
				log_scale = 0,
				sum,
				ratio;			/* (1 - F) / (a - 1) */
	double		error;
	int			terms;

	if (t == 0)
		return 0;
	if (a + b - 1 - r >= 0 && d * z <= EULER_MAX_RISE * (1 - z))
	{
		double		head = d == 0 ? -L : -expm1(d * L) / d;
		double		first = (a + b - 1 - r) * z / c;	/* the n = 1 term without a - 1 */

		sum = power_series(first, a + b - 1 - r, a - 1, c, z, &magnitude, &log_scale, &terms, fname,
						   "the horizon is too long for the model's time scale", HORIZON_HINT);
		/* the loop's B + n is (a - 1) + n = a + (n - 1): the shifted factor */
		ratio = head - exp(d * L + log_scale) * sum;
		error = DBL_EPSILON * ((4 + 4 * fabs(d * L)) * fabs(head)
							   + (8.0 + terms + 4 * fabs(d * L)) * exp(d * L + log_scale) * magnitude);
	}
	else
	{
		double		F;

		/* 2F1's leading 1 stays out of the sum: the sum may have been rescaled */
		sum = power_series((r + x) * (b + x) * z / c, r + x, b + x, c, z,
						   &magnitude, &log_scale, &terms, fname,
						   "the horizon is too long for the model's time scale", HORIZON_HINT);
		F = exp((r + x) * L) + exp((r + x) * L + log_scale) * sum;
		/* each term's product of `terms` ratios, and the prefactor's exponent */
		error = DBL_EPSILON * ((8.0 + terms) * exp((r + x) * L + log_scale) * magnitude
							   + (4 + 4 * fabs((r + x) * L)) * F);
		ratio = (1 - F) / d;
		error /= fabs(d);
	}
	if (!(error <= PREDICTION_TOLERANCE * fabs(ratio)))
		prediction_accuracy_lost(fname, error / fabs(ratio), NEAR_ONE_HINT);
	return c * ratio;
}

double
nbd_expected_conditional(const Model *m, double t, double x, double t_x, double T, const char *fname)
{
	if (m->kind == MODEL_PARETO_NBD)
		return pnbd_expected_conditional(m, t, x, t_x, T, fname, NULL);
	if (m->kind == MODEL_GGOMPERTZ_NBD)
		return ggnbd_expected_conditional(m, t, x, t_x, T, fname);

	/* 1 / (1 + odds) is P(alive) */
	return nbd_expected_given_alive(m, t, x, T, fname) / (1 + exp(nbd_log_dropout_odds(m, x, t_x, T)));
}

/* A customer's numbers and the horizon, for the functions model_log_gradient differentiates */
typedef struct NbdCustomer
{
	double		t,
				x,
				t_x,
				T;
	const char *fname;
} NbdCustomer;

/* P(alive) of any of the four, for model_log_gradient */
static double
nbd_predict_alive(const Model *m, const void *arg)
{
	const NbdCustomer *c = arg;

	return nbd_probability_alive(m, c->x, c->t_x, c->T, c->fname);
}

/* G(x, T, t) = E / P(alive) of a BG/NBD or MBG/NBD model, for model_log_gradient */
static double
nbd_predict_given_alive(const Model *m, const void *arg)
{
	const NbdCustomer *c = arg;

	return nbd_expected_given_alive(m, c->t, c->x, c->T, c->fname);
}

/*
 * G(x, T, t) = E / P(alive) of a BG/NBD or MBG/NBD model from the query's
 * memo (model_memo): G is a 2F1 series and does not depend on t_x, so
 * customers sharing x and T (most, with whole days of recency and age)
 * share it.  with_gradient: [1..nparams] hold G's gradient in the
 * log-parameters too (central differences); a call site asks always or
 * never, and each has a memo of its own.
 */
static const double *
nbd_given_alive_memo(FunctionCallInfo fcinfo, const Model *m, const NbdCustomer *c, bool with_gradient)
{
	double		key[MODEL_MEMO_KEY] = {c->x, c->T, c->t};
	bool		found;
	double	   *given_alive = model_memo(fcinfo, m, NULL, 0, key, &found);

	if (!found)
	{
		given_alive[0] = nbd_expected_given_alive(m, c->t, c->x, c->T, c->fname);
		if (with_gradient)
			model_log_gradient(m, nbd_predict_given_alive, c, given_alive + 1);
		model_memo_keep(fcinfo);
	}
	return given_alive;
}

/*
 * E[Y(t) | x, t_x, T] as nbd_expected_conditional computes it, G / (1 +
 * odds), with G from the memo; GGompertz/NBD's G (the integral of the
 * lifetime ahead) from the memo too, times its P(alive).  Pareto/NBD's G
 * is a closed form and its P(alive) the series: it is computed as it is.
 */
static double
nbd_expected_memo(FunctionCallInfo fcinfo, const Model *m, double t, double x, double t_x, double T,
				  const char *fname)
{
	NbdCustomer c = {t, x, t_x, T, fname};

	if (m->kind == MODEL_PARETO_NBD)
		return nbd_expected_conditional(m, t, x, t_x, T, fname);
	if (m->kind == MODEL_GGOMPERTZ_NBD)
		return nbd_given_alive_memo(fcinfo, m, &c, false)[0] * ggnbd_probability_alive(m, x, t_x, T, fname);
	/* 1 / (1 + odds) is P(alive) */
	return nbd_given_alive_memo(fcinfo, m, &c, false)[0] / (1 + exp(nbd_log_dropout_odds(m, x, t_x, T)));
}

/* expected_purchases(model, t, frequency, recency, age) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	const Model *m = nbd_model_arg(fcinfo);
	double		t = PG_GETARG_FLOAT8(1);
	double		x = PG_GETARG_FLOAT8(2),
				t_x = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	model_require_converged(m, "expected_purchases");
	model_check_time_unit(fcinfo, 5, m, "expected_purchases");
	nbd_check_horizon("expected_purchases", t);
	fit_check_customer("expected_purchases", x, t_x, T);
	PG_RETURN_FLOAT8(lk_finite_result("expected_purchases", nbd_expected_memo(fcinfo, m, t, x, t_x, T, "expected_purchases")));
}

/* expected_purchases(model, t): E[X(t)] of a new customer, eq. 7 (x = t_x = T = 0 in eq. 10) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const Model *m = nbd_model_arg(fcinfo);
	double		t = PG_GETARG_FLOAT8(1);

	model_require_converged(m, "expected_purchases");
	model_check_time_unit(fcinfo, 2, m, "expected_purchases");
	nbd_check_horizon("expected_purchases", t);
	PG_RETURN_FLOAT8(lk_finite_result("expected_purchases", nbd_expected_memo(fcinfo, m, t, 0, 0, 0, "expected_purchases")));
}

double
nbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname)
{
	if (m->kind == MODEL_PARETO_NBD)
		return pnbd_probability_alive(m, x, t_x, T, fname, NULL);
	if (m->kind == MODEL_GGOMPERTZ_NBD)
		return ggnbd_probability_alive(m, x, t_x, T, fname);
	return 1 / (1 + exp(nbd_log_dropout_odds(m, x, t_x, T)));
}

double
nbd_expected_given_alive(const Model *m, double t, double x, double T, const char *fname)
{
	const double *p = MODEL_ESTIMATE(m);
	/* MBG/NBD's expectation is BG/NBD's with b + 1 in b's place */
	double		b = p[3] + (m->kind == MODEL_MBGNBD ? 1 : 0);

	if (m->kind == MODEL_PARETO_NBD)
		return pnbd_expected_if_alive(m, t, x, T);
	if (m->kind == MODEL_GGOMPERTZ_NBD)
		return ggnbd_expected_if_alive(m, t, x, T, fname);
	return nbd_expected_if_alive(p[0], p[1], p[2], b, t, x, T, fname);
}

PG_FUNCTION_INFO_V1(bgnbd_probability_alive);
Datum
bgnbd_probability_alive(PG_FUNCTION_ARGS)
{
	const Model *m = nbd_model_arg(fcinfo);
	double		x = PG_GETARG_FLOAT8(1),
				t_x = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	model_require_converged(m, "probability_alive");
	model_check_time_unit(fcinfo, 4, m, "probability_alive");
	fit_check_customer("probability_alive", x, t_x, T);
	PG_RETURN_FLOAT8(lk_finite_result("probability_alive",
									  nbd_probability_alive(m, x, t_x, T, "probability_alive")));
}

/*
 * P(X(t) = n) for a new customer, eq. 8 of FHL 2005: with q = A/(A+t) and
 * the negative binomial p_j = Gamma(r+j)/(Gamma(r) j!) q^r (1-q)^j,
 *	 P = B(a, b+n)/B(a, b) p_n + [n > 0] B(a+1, b+n-1)/B(a, b) P(NBD >= n).
 * MBG/NBD, whose customers may also leave at time 0, is the same with b + 1
 * for b and the second term for n = 0 too (alive after n purchases with
 * (1-p)^(n+1), or gone at the n-th dropout chance with p (1-p)^n).  The
 * tail P(NBD >= n) is 1 - sum_{j<n} p_j while that sum is below a half,
 * and otherwise sum_{j>=n} p_j, so neither form subtracts nearly equal
 * numbers.
 */
#define COUNT_MAX_TERMS 10000000

static double
nbd_log_pmf(double r, double log_q, double log_1q, double j)
{
	return lgamma(r + j) - lgamma(r) - lgamma(j + 1) + r * log_q + j * log_1q;
}

static void
nbd_horizon_too_long(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the horizon is too long for the model's time scale", fname),
			 errhint("Use a horizon at most about 10000 times alpha.")));
}

/*
 * P(NBD >= n), n > 0: 1 - sum_{j<n} p_j while that sum is below a half,
 * and otherwise sum_{j>=n} p_j, so neither form subtracts nearly equal
 * numbers
 */
static double
nbd_count_tail(double r, double alpha, double t, int32 n, double log_q, double log_1q, const char *fname)
{
	double		below = 0,
				tail;
	int64		j;				/* n + COUNT_MAX_TERMS passes int32 */

	/*
	 * The head runs to the median or to n, whichever comes first: past
	 * COUNT_MAX_TERMS of them (a horizon of 1e308 put the median out of
	 * reach, and n = 2^31 - 1 made it 2^31 terms, minutes without a
	 * cancel) the horizon is too long, as for the tail below
	 */
	for (j = 0; j < n && below < 0.5 && j < COUNT_MAX_TERMS; j++)
	{
		below += exp(nbd_log_pmf(r, log_q, log_1q, j));
		if ((j & 0xffff) == 0xffff)
			CHECK_FOR_INTERRUPTS();
	}
	if (below < 0.5 && j == COUNT_MAX_TERMS)
		nbd_horizon_too_long(fname);
	if (below < 0.5)
		tail = 1 - below;
	else
	{
		double		term = exp(nbd_log_pmf(r, log_q, log_1q, n));
		double		ratio_limit = t / (alpha + t);

		tail = 0;
		for (j = n; j < (int64) n + COUNT_MAX_TERMS; j++)
		{
			tail += term;
			term *= (r + j) / (j + 1) * ratio_limit;
			/* past the mode the ratios fall towards 1 - q: the rest is below term / (1 - ratio) */
			if ((r + j) / (j + 1) * ratio_limit < 1 &&
				term / (1 - (r + j) / (j + 1) * ratio_limit) <= 1e-17 * tail)
				break;
			if ((j & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (j == (int64) n + COUNT_MAX_TERMS)
			nbd_horizon_too_long(fname);
	}
	return tail;
}

static double
nbd_count_probability(const Model *m, double t, int32 n, const char *fname)
{
	bool		mbg = m->kind == MODEL_MBGNBD;
	double		r = MODEL_ESTIMATE(m)[0],
				alpha = MODEL_ESTIMATE(m)[1],
				a = MODEL_ESTIMATE(m)[2],
				b = MODEL_ESTIMATE(m)[3] + (mbg ? 1 : 0);
	double		log_q = log(alpha / (alpha + t)),
				log_1q = log(t / (alpha + t));
	double		lbeta_ab;
	double		head,
				tail;

	/* B(a, b) of the model's own b, whatever b the terms take */
	lbeta_ab = lgamma(a) + lgamma(MODEL_ESTIMATE(m)[3]) - lgamma(a + MODEL_ESTIMATE(m)[3]);
	if (t == 0)
		return n > 0 ? 0 : 1;
	/*
	 * Past a + b of 1e5 the beta functions' ratios come from differences of
	 * lgamma taken whole, since their logs, near (a + b) ln(a + b), round
	 * by more than the ratios (a of 1e16 gave probabilities of 1.93)
	 */
	if (a + MODEL_ESTIMATE(m)[3] > 1e5)
	{
		double		b0 = MODEL_ESTIMATE(m)[3];
		double		rest = lgamma_difference(a + b0, b + n - b0);	/* ln Gamma(a+b+n) / Gamma(a+b0) */

		head = exp(lgamma_difference(b0, b + n - b0) - rest + nbd_log_pmf(r, log_q, log_1q, n));
		if (n == 0)
			return mbg ? head + a / (a + b0) : head;
		tail = nbd_count_tail(r, alpha, t, n, log_q, log_1q, fname);
		return head + exp(log(a) + lgamma_difference(b0, b + n - 1 - b0) - rest) * tail;
	}
	head = exp(lgamma(a) + lgamma(b + n) - lgamma(a + b + n) - lbeta_ab + nbd_log_pmf(r, log_q, log_1q, n));
	if (n == 0)
		/* MBG/NBD: plus gone at time 0, B(a+1, b)/B(a, b) of the model's b */
		return mbg ? head + a / (a + MODEL_ESTIMATE(m)[3]) : head;
	tail = nbd_count_tail(r, alpha, t, n, log_q, log_1q, fname);
	/* B(a+1, b+n-1) / B(a, b) */
	return head + exp(lgamma(a + 1) + lgamma(b + n - 1) - lgamma(a + b + n) - lbeta_ab) * tail;
}

/*
 * purchase_count_probability(model, t, n [, time_unit]): P(X(t) = n), a new
 * customer's n repeat purchases in the first t; Pareto/NBD's and
 * GGompertz/NBD's (model, t, n, frequency, recency, age [, time_unit]):
 * P(X(T, T+t) = n | x, t_x, T), a customer's n purchases in the next t
 * given their history
 */
PG_FUNCTION_INFO_V1(nbd_count_probability_sql);
Datum
nbd_count_probability_sql(PG_FUNCTION_ARGS)
{
	const char *fname = "purchase_count_probability";
	const Model *m = nbd_model_arg(fcinfo);
	bool		given = PG_NARGS() >= 6;
	double		t = PG_GETARG_FLOAT8(1);
	int32		n = PG_GETARG_INT32(2);
	double		probability;

	model_require_converged(m, fname);
	model_check_time_unit(fcinfo, given ? 6 : 3, m, fname);
	nbd_check_horizon(fname, t);
	if (n < 0)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of purchases", n,
						  "The number of repeat purchases is 0 or more.");
	if (given)
	{
		double		x = PG_GETARG_FLOAT8(3),
					t_x = PG_GETARG_FLOAT8(4),
					T = PG_GETARG_FLOAT8(5);

		fit_check_customer(fname, x, t_x, T);
		if (m->kind == MODEL_PARETO_NBD)
			probability = pnbd_count_probability_given(m, t, n, x, t_x, T, fname);
		else if (m->kind == MODEL_GGOMPERTZ_NBD)
			probability = ggnbd_count_probability_given(m, t, n, x, t_x, T, fname);
		else
			elog(ERROR, "not a Pareto/NBD or GGompertz/NBD model");
	}
	else if (m->kind == MODEL_PARETO_NBD)
		probability = pnbd_count_probability(m, t, n, fname);
	else if (m->kind == MODEL_GGOMPERTZ_NBD)
		probability = ggnbd_count_probability_given(m, t, n, 0, 0, 0, fname);
	else
		probability = nbd_count_probability(m, t, n, fname);
	PG_RETURN_FLOAT8(lk_share_result(fname, probability, 1));
}

/*
 * discounted_expected_transactions(model, discount_rate, frequency, recency,
 * age [, time_unit]) and its _interval (..., level [, time_unit]):
 * Pareto/NBD's and GGompertz/NBD's DERT, the rate a percentage per time unit, the continuous
 * rate ln(1 + rate/100) (CLVTools' continuous.discount.factor); the
 * interval's gradient by central differences (model_delta_se).  The
 * customer's NbdCustomer carries that continuous rate in the horizon's
 * place (c.t).
 */
static double
nbd_predict_discounted(const Model *m, const void *arg)
{
	const NbdCustomer *c = arg;

	if (m->kind == MODEL_GGOMPERTZ_NBD)
		return ggnbd_discounted_expected(m, c->t, c->x, c->t_x, c->T, c->fname);
	return pnbd_discounted_expected(m, c->t, c->x, c->t_x, c->T, c->fname);
}

static double
nbd_discounted_args(FunctionCallInfo fcinfo, int nargs_without_unit, const char *fname, NbdCustomer *c,
					const Model **m)
{
	double		rate = PG_GETARG_FLOAT8(1);

	*m = nbd_model_arg(fcinfo);
	if ((*m)->kind != MODEL_PARETO_NBD && (*m)->kind != MODEL_GGOMPERTZ_NBD)
		elog(ERROR, "not a Pareto/NBD or GGompertz/NBD model");
	model_require_converged(*m, fname);
	model_check_time_unit(fcinfo, nargs_without_unit, *m, fname);
	c->t = model_continuous_discount(fname, rate);
	c->x = PG_GETARG_FLOAT8(2);
	c->t_x = PG_GETARG_FLOAT8(3);
	c->T = PG_GETARG_FLOAT8(4);
	c->fname = fname;
	fit_check_customer(fname, c->x, c->t_x, c->T);
	/*
	 * GGompertz/NBD's discounted lifetime ahead, an integral, from the
	 * query's memo by (x, T) and the rate, times its P(alive)
	 */
	if ((*m)->kind == MODEL_GGOMPERTZ_NBD)
	{
		double		key[MODEL_MEMO_KEY] = {c->x, c->T, 0};
		bool		found;
		double	   *given_alive = model_memo(fcinfo, *m, &c->t, 1, key, &found);

		if (!found)
		{
			given_alive[0] = ggnbd_discounted_if_alive(*m, c->t, c->x, c->T, fname);
			model_memo_keep(fcinfo);
		}
		return lk_finite_result(fname, given_alive[0] * ggnbd_probability_alive(*m, c->x, c->t_x, c->T, fname));
	}
	return lk_finite_result(fname, nbd_predict_discounted(*m, c));
}

PG_FUNCTION_INFO_V1(nbd_discounted_transactions);
Datum
nbd_discounted_transactions(PG_FUNCTION_ARGS)
{
	NbdCustomer c;
	const Model *m;

	PG_RETURN_FLOAT8(nbd_discounted_args(fcinfo, 5, "discounted_expected_transactions", &c, &m));
}

PG_FUNCTION_INFO_V1(nbd_discounted_transactions_interval);
Datum
nbd_discounted_transactions_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "discounted_expected_transactions_interval";
	double		level = model_level_arg_at(fcinfo, 5, fname);
	NbdCustomer c;
	const Model *m;
	double		estimate = nbd_discounted_args(fcinfo, 6, fname, &c, &m);

	return model_interval_result(fcinfo, estimate, model_delta_se(m, nbd_predict_discounted, &c), level,
								 INTERVAL_POSITIVE);
}

/* ---------------------------------------------------------------------
 * Intervals (delta method, model.c)
 * ---------------------------------------------------------------------
 */

/*
 * The gradient of BG/NBD's or MBG/NBD's log dropout odds L in the
 * log-parameters: dL/d ln r = r ln((A+T)/(A+t_x)),
 * dL/d ln A = A (r+x) (1/(A+T) - 1/(A+t_x)), dL/d ln a = 1,
 * dL/d ln b = -b / (b + x - 1) (MBG/NBD: b + x); 0 at BG/NBD's x = 0,
 * where P(alive) is 1 whatever the parameters
 */
static void
nbd_log_odds_gradient(const Model *m, double x, double t_x, double T, double *gradient)
{
	const double *e = MODEL_ESTIMATE(m);
	double		shift = m->kind == MODEL_MBGNBD ? 0 : 1;

	if (x == 0 && m->kind == MODEL_BGNBD)
	{
		memset(gradient, 0, sizeof(double) * 4);
		return;
	}
	gradient[0] = e[0] * (log(e[1] + T) - log(e[1] + t_x));
	gradient[1] = e[1] * (e[0] + x) * (1 / (e[1] + T) - 1 / (e[1] + t_x));
	gradient[2] = 1;
	gradient[3] = -e[3] / (e[3] + x - shift);
}

double
nbd_probability_alive_gradient(const Model *m, double x, double t_x, double T, const char *fname,
							   double *gradient)
{
	double		p;

	/* Pareto/NBD's gradient comes with its series */
	if (m->kind == MODEL_PARETO_NBD)
		return lk_finite_result(fname, pnbd_probability_alive(m, x, t_x, T, fname, gradient));
	p = lk_finite_result(fname, nbd_probability_alive(m, x, t_x, T, fname));
	/* GGompertz/NBD's by central differences of its integrals */
	if (m->kind == MODEL_GGOMPERTZ_NBD)
	{
		NbdCustomer c = {0, x, t_x, T, fname};

		model_log_gradient(m, nbd_predict_alive, &c, gradient);
		return p;
	}
	/* P = 1 / (1 + e^L), L the log dropout odds, so dP = -P (1 - P) dL */
	nbd_log_odds_gradient(m, x, t_x, T, gradient);
	for (int i = 0; i < m->nparams; i++)
		gradient[i] *= -p * (1 - p);
	return p;
}

/* probability_alive_interval(model, frequency, recency, age, level [, time_unit]) */
PG_FUNCTION_INFO_V1(nbd_probability_alive_interval);
Datum
nbd_probability_alive_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "probability_alive_interval";
	const Model *m = nbd_model_arg(fcinfo);
	double		level = model_level_arg_at(fcinfo, 4, fname);
	NbdCustomer c = {0, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), fname};
	double		p;
	double		gradient[MODEL_MAX_PARAMS] = {0};

	model_require_converged(m, fname);
	model_check_time_unit(fcinfo, 5, m, fname);
	fit_check_customer(fname, c.x, c.t_x, c.T);
	p = nbd_probability_alive_gradient(m, c.x, c.t_x, c.T, fname, gradient);
	return model_interval_result(fcinfo, p, model_delta_se_of_gradient(m, gradient), level, INTERVAL_PROBABILITY);
}

/*
 * expected_purchases_interval(model, t, frequency, recency, age, level [,
 * time_unit]), or (model, t, level [, time_unit]) for a new customer
 */
PG_FUNCTION_INFO_V1(nbd_expected_purchases_interval);
Datum
nbd_expected_purchases_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "expected_purchases_interval";
	const Model *m = nbd_model_arg(fcinfo);
	bool		conditional = PG_NARGS() >= 6;
	int			nargs_without_unit = conditional ? 6 : 3;
	double		level = model_level_arg_at(fcinfo, nargs_without_unit - 1, fname);
	NbdCustomer c = {PG_GETARG_FLOAT8(1), 0, 0, 0, fname};
	double		e;

	model_require_converged(m, fname);
	model_check_time_unit(fcinfo, nargs_without_unit, m, fname);
	nbd_check_horizon(fname, c.t);
	if (conditional)
	{
		c.x = PG_GETARG_FLOAT8(2);
		c.t_x = PG_GETARG_FLOAT8(3);
		c.T = PG_GETARG_FLOAT8(4);
		fit_check_customer(fname, c.x, c.t_x, c.T);
	}
	/* Pareto/NBD's gradient in closed form, with its series */
	if (m->kind == MODEL_PARETO_NBD)
	{
		double		gradient[MODEL_MAX_PARAMS];

		e = lk_finite_result(fname, pnbd_expected_conditional(m, c.t, c.x, c.t_x, c.T, fname, gradient));
		return model_interval_result(fcinfo, e, model_delta_se_of_gradient(m, gradient), level, INTERVAL_POSITIVE);
	}
	/*
	 * GGompertz/NBD: E = G P(alive), dE = P dG + G dP, G and its gradient
	 * from the query's memo by (x, T, t), P's by central differences of
	 * its integral
	 */
	if (m->kind == MODEL_GGOMPERTZ_NBD)
	{
		const double *g = nbd_given_alive_memo(fcinfo, m, &c, true);
		double		alive_gradient[MODEL_MAX_PARAMS];
		double		gradient[MODEL_MAX_PARAMS];
		double		p = nbd_probability_alive_gradient(m, c.x, c.t_x, c.T, fname, alive_gradient);

		e = lk_finite_result(fname, g[0] * p);
		for (int i = 0; i < m->nparams; i++)
			gradient[i] = p * g[1 + i] + g[0] * alive_gradient[i];
		return model_interval_result(fcinfo, e, model_delta_se_of_gradient(m, gradient), level, INTERVAL_POSITIVE);
	}
	/*
	 * E = G P(alive): dE = P dG + G dP, dP = -P (1 - P) dL.  G and its
	 * gradient (central differences of the 2F1 series) come from the
	 * query's memo by (x, T, t); P's gradient is a closed form.  E is
	 * G / (1 + odds), as expected_purchases computes it.
	 */
	{
		const double *g = nbd_given_alive_memo(fcinfo, m, &c, true);
		double		one_plus_odds = 1 + exp(nbd_log_dropout_odds(m, c.x, c.t_x, c.T));
		double		p = 1 / one_plus_odds;
		double		odds_gradient[MODEL_MAX_PARAMS];
		double		gradient[MODEL_MAX_PARAMS];

		e = lk_finite_result(fname, g[0] / one_plus_odds);
		nbd_log_odds_gradient(m, c.x, c.t_x, c.T, odds_gradient);
		for (int i = 0; i < m->nparams; i++)
			gradient[i] = p * g[1 + i] - g[0] * p * (1 - p) * odds_gradient[i];
		return model_interval_result(fcinfo, e, model_delta_se_of_gradient(m, gradient), level, INTERVAL_POSITIVE);
	}
}
