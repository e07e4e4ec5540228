/*
 * gamma_gamma.c
 *		The Gamma-Gamma spend model (Fader, Hardie and Lee 2005b, "RFM and
 *		CLV"; Colombo and Jiang 1999): its fit's rows, likelihood with
 *		gradient, expected spend, and the CLV that combines it with a
 *		purchase model.
 *
 * A repeat customer's spends are Gamma(p, nu) with nu ~ Gamma(q, gamma);
 * from x repeat purchases of mean zbar:
 *	 LL = lgamma(px+q) - lgamma(px) - lgamma(q) + q ln gamma
 *		+ (px-1) ln zbar + px ln x - (px+q) ln(gamma + x zbar)
 *	 E[spend | x, zbar] = p (gamma + x zbar) / (px + q - 1)
 */
#include "model.h"

#include <math.h>

#include "miscadmin.h"

/* A row: (x, zbar, 0), x > 0 */
void
gamma_gamma_check_row(const char *fname, const FitKey *key)
{
	fit_check_fit_frequency(fname, key->v[0]);
	fit_check_monetary_value(fname, key->v[1]);
}

/* The rows arranged: per distinct x (lgamma, digamma), per row (what depends on zbar) */
typedef struct GammaGammaData
{
	FitDistinctX x;				/* distinct x, the summed weight of their rows */

	int			nrows;
	int		   *row_x;			/* index into xs */
	double	   *row_value;		/* zbar */
	double	   *row_const;		/* ln zbar + ln x, fixed per row */
	double	   *row_weight;
	double		weighted_log_value;	/* sum of weight * ln zbar, fixed */
} GammaGammaData;

void
gamma_gamma_arrange(FitData *fit)
{
	GammaGammaData *d = palloc0(sizeof(GammaGammaData));
	int			n = fit->n;

	fit_distinct_x(fit, &d->x);
	d->row_x = palloc(sizeof(int) * Max(n, 1));
	d->row_value = palloc(sizeof(double) * Max(n, 1));
	d->row_const = palloc(sizeof(double) * Max(n, 1));
	d->row_weight = palloc(sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		const FitKey *key = &fit->keys[i];

		d->row_x[i] = d->x.row_index[i];
		d->row_weight[i] = fit->weights[i];
		d->row_value[i] = key->v[1];
		d->row_const[i] = log(key->v[1]) + log(key->v[0]);
		d->weighted_log_value += fit->weights[i] * log(key->v[1]);
	}
	d->nrows = n;
	fit->arranged = d;
}

/*
 * gamma_gamma_fit(frequency, monetary_value [, weight]): a repeat customer's
 * x and mean repeat spend.  Rows with frequency 0 (no repeat purchase, no
 * mean) are not part of this model and are skipped.
 */
PG_FUNCTION_INFO_V1(gamma_gamma_fit_accum);
Datum
gamma_gamma_fit_accum(PG_FUNCTION_ARGS)
{
	FitState   *state = fit_state_get(fcinfo, MODEL_GAMMA_GAMMA, "gamma_gamma_fit_accum");
	const char *fname = fit_state_fname(state);
	bool		weighted = PG_NARGS() > 3;
	FitKey		key = {{0, 0, 0}};

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	/* (frequency, monetary_value, customers, penalizer_coef): lifetimes' penalizer (1.12) */
	if (PG_NARGS() > 4)
		fit_penalizer_arg(fcinfo, 4, state);
	key.v[0] = PG_GETARG_FLOAT8(1);
	fit_check_fit_frequency(fname, key.v[0]);
	if (key.v[0] == 0 || PG_ARGISNULL(2) || (weighted && PG_ARGISNULL(3)))
		PG_RETURN_POINTER(state);
	key.v[1] = PG_GETARG_FLOAT8(2);
	fit_check_monetary_value(fname, key.v[1]);
	fit_state_add(state, key, fit_weight_arg(fcinfo, 3, fname));
	PG_RETURN_POINTER(state);
}

double
gamma_gamma_loglik(FitData *fit, const double *theta, double *grad)
{
	GammaGammaData *d = (GammaGammaData *) fit->arranged;
	double		p = exp(theta[0]),
				q = exp(theta[1]),
				g = exp(theta[2]);
	double		ll = 0,
				g_p = 0,
				g_q = 0,
				g_g = 0;
	double		lg_q = lgamma(q),
				psi_q = digamma(q),
				log_g = log(g);
	double	   *x_psi_sum = d->x.scratch;	/* psi(px+q) */
	double	   *x_psi_px = d->x.scratch + d->x.nx;	/* psi(px) */

	for (int j = 0; j < d->x.nx; j++)
	{
		double		px = p * d->x.xs[j];

		x_psi_sum[j] = digamma(px + q);
		x_psi_px[j] = digamma(px);
		ll += d->x.weight[j] * (lgamma(px + q) - lgamma(px) - lg_q + q * log_g);
		g_q += d->x.weight[j] * (x_psi_sum[j] - psi_q + log_g);
		g_g += d->x.weight[j] * q / g;
	}
	for (int i = 0; i < d->nrows; i++)
	{
		int			j = d->row_x[i];
		double		x = d->x.xs[j];
		double		w = d->row_weight[i];
		double		px = p * x;
		double		log_mix = log(g + x * d->row_value[i]);

		/* (px-1) ln zbar + px ln x = px (ln zbar + ln x) - ln zbar; the last summed once */
		ll += w * (px * d->row_const[i] - (px + q) * log_mix);
		g_p += w * x * (x_psi_sum[j] - x_psi_px[j] + d->row_const[i] - log_mix);
		g_q -= w * log_mix;
		g_g -= w * (px + q) / (g + x * d->row_value[i]);
	}
	if (grad != NULL)
	{
		grad[0] = g_p * p;
		grad[1] = g_q * q;
		grad[2] = g_g * g;
	}
	return ll - d->weighted_log_value;
}

PG_FUNCTION_INFO_V1(gamma_gamma_fit_final);
Datum
gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;

	if (fit_state_is_empty(state))
		PG_RETURN_NULL();
	d = fit_data_build(state);
	if (d->total_weight < 2 || d->n < 2)
		fit_cannot_identify(d->fname, "It needs at least two repeat customers with different spend.",
							"Fit the model to the repeat customers (frequency > 0) of a whole cohort.");
	PG_RETURN_POINTER(fit_penalized_model(d, fit_state_penalizer(state)));
}

/*
 * E[spend | x, zbar] = p (gamma + x zbar) / (p x + q - 1); with x = 0 the
 * population mean p gamma / (q - 1).  Needs q > 1 (else the mean is infinite).
 */
static double
expected_spend(const Model *m, double x, double zbar, const char *fname)
{
	double		p = MODEL_ESTIMATE(m)[0],
				q = MODEL_ESTIMATE(m)[1],
				g = MODEL_ESTIMATE(m)[2];

	if (q <= 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the spend model has q = %g, so its mean spend is infinite", fname, q),
				 errhint("A Gamma-Gamma model has a finite mean spend only when q > 1.")));
	return p * (g + x * zbar) / (p * x + q - 1);
}

/*
 * Reads a customer's frequency and monetary value (arguments x_arg and
 * zbar_arg); false when the answer is NULL.  A NULL monetary value is
 * allowed at x = 0, where the summary has no repeat purchase to average.
 */
static bool
spend_args(FunctionCallInfo fcinfo, int x_arg, int zbar_arg, const char *fname, double *x, double *zbar)
{
	if (PG_ARGISNULL(x_arg))
		return false;
	*x = PG_GETARG_FLOAT8(x_arg);
	fit_check_frequency(fname, *x);
	if (*x == 0)
	{
		*zbar = 0;
		return true;
	}
	if (PG_ARGISNULL(zbar_arg))
		return false;
	*zbar = PG_GETARG_FLOAT8(zbar_arg);
	fit_check_monetary_value(fname, *zbar);
	return true;
}

/* expected_spend(model, frequency, monetary_value); not STRICT: monetary_value may be NULL at x = 0 */
PG_FUNCTION_INFO_V1(gamma_gamma_expected_spend);
Datum
gamma_gamma_expected_spend(PG_FUNCTION_ARGS)
{
	const Model *m;
	double		x,
				zbar;

	if (PG_ARGISNULL(0) || !spend_args(fcinfo, 1, 2, "expected_spend", &x, &zbar))
		PG_RETURN_NULL();
	m = model_arg(fcinfo, 0, MODEL_GAMMA_GAMMA);
	model_require_converged(m, "expected_spend");
	PG_RETURN_FLOAT8(lk_finite_result("expected_spend", expected_spend(m, x, zbar, "expected_spend")));
}

/* expected_spend(model): the population mean spend per purchase */
PG_FUNCTION_INFO_V1(gamma_gamma_mean_spend);
Datum
gamma_gamma_mean_spend(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_GAMMA_GAMMA);

	model_require_converged(m, "expected_spend");
	PG_RETURN_FLOAT8(lk_finite_result("expected_spend", expected_spend(m, 0, 0, "expected_spend")));
}

/*
 * predicted_clv(purchases, spend, frequency, recency, age, monetary_value,
 *				 periods, period_length, discount_rate):
 *	 sum over i = 1..periods of
 *		(E[Y(i L)] - E[Y((i-1) L)]) * E[spend] / (1 + d/100)^i
 * the expected purchases of each period (length L in the model's time
 * unit), times the expected spend, discounted at d percent per period.
 * Not STRICT, as expected_spend: monetary_value may be NULL at x = 0.
 */
typedef struct ClvArgs
{
	const Model *bg;
	const Model *gg;
	double		x,
				t_x,
				T,
				zbar,
				length,
				discount;
	int32		periods;
	const char *fname;
} ClvArgs;

/*
 * predicted_clv's arguments (the first nine), checked; false when the
 * answer is NULL: NULL in any argument (the time unit or level after the
 * nine too) but the mean spend, which is NULL when x = 0
 */
static bool
clv_args(FunctionCallInfo fcinfo, const char *fname, ClvArgs *a)
{
	for (int i = 0; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i) && i != 5)
			return false;
	a->fname = fname;
	if (!spend_args(fcinfo, 2, 5, fname, &a->x, &a->zbar))
		return false;
	/* a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD purchase model: the SQL declares one overload each */
	a->bg = model_arg(fcinfo, 0, MODEL_ANY);
	if (!nbd_is_purchase_model(a->bg))
		elog(ERROR, "%s: not a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model", fname);
	a->gg = model_arg(fcinfo, 1, MODEL_GAMMA_GAMMA);
	model_require_converged(a->bg, fname);
	model_require_converged(a->gg, fname);
	a->t_x = PG_GETARG_FLOAT8(3);
	a->T = PG_GETARG_FLOAT8(4);
	fit_check_customer(fname, a->x, a->t_x, a->T);
	a->periods = PG_GETARG_INT32(6);
	a->length = PG_GETARG_FLOAT8(7);
	a->discount = PG_GETARG_FLOAT8(8);
	if (a->periods < 0 || a->periods > 100000)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of periods", a->periods,
						  "The horizon is 0 to 100000 periods.");
	if (!(a->length > 0 && isfinite(a->length)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "period length", a->length,
						  "The period length is above 0, in the unit the purchase model was fitted in.");
	if (!(a->discount >= 0 && isfinite(a->discount)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "discount rate", a->discount,
						  "The discount rate is a percentage per period, 0 or more.");
	return true;
}

/*
 * The CLV factors as spend(x, zbar) P(alive | x, t_x, T) D(x, T), with
 *	 D = sum_i (G(iL) - G((i-1)L)) / (1 + d/100)^i
 * and G(t) = E[Y(t) | x, t_x, T] / P(alive), which t_x does not enter.  D
 * is the costly part (for BG/NBD a 2F1 series a period).
 */
static double
clv_discounted_given_alive(const Model *bg, const ClvArgs *a)
{
	double		previous = 0,
				value = 0;

	for (int i = 1; i <= a->periods; i++)
	{
		double		cumulative = nbd_expected_given_alive(bg, i * a->length, a->x, a->T, a->fname);

		value += (cumulative - previous) / pow(1 + a->discount / 100, i);
		previous = cumulative;
		CHECK_FOR_INTERRUPTS();
	}
	return value;
}

/* D as a prediction of the purchase model, for its gradient */
static double
clv_discounted_of_purchases(const Model *bg, const void *arg)
{
	return clv_discounted_given_alive(bg, arg);
}

/*
 * D from predicted_clv's memory (model_memo) by (x, T): thousands of
 * customers share each, whole days of recency and age making few.  With
 * gradient, [1..nparams] hold D's gradient in the purchase model's
 * log-parameters (central differences: 8 more D's once per (x, T)).
 */
static const double *
clv_discounted_memo(FunctionCallInfo fcinfo, const Model *bg, const ClvArgs *a, bool with_gradient)
{
	double		extra[3] = {a->periods, a->length, a->discount};
	double		key[MODEL_MEMO_KEY] = {a->x, a->T, 0};
	bool		found;
	double	   *value = model_memo(fcinfo, bg, extra, 3, key, &found);

	if (!found)
	{
		value[0] = clv_discounted_given_alive(bg, a);
		if (with_gradient)
			model_log_gradient(bg, clv_discounted_of_purchases, a, value + 1);
		model_memo_keep(fcinfo);
	}
	return value;
}

/* The CLV at the purchase model bg and the spend model gg, D from the query's memo */
static double
clv_value(FunctionCallInfo fcinfo, const Model *bg, const Model *gg, const ClvArgs *a)
{
	return expected_spend(gg, a->x, a->zbar, a->fname) * nbd_probability_alive(bg, a->x, a->t_x, a->T, a->fname)
		* clv_discounted_memo(fcinfo, bg, a, false)[0];
}

PG_FUNCTION_INFO_V1(predicted_clv);
Datum
predicted_clv(PG_FUNCTION_ARGS)
{
	ClvArgs		a;

	if (!clv_args(fcinfo, "predicted_clv", &a))
		PG_RETURN_NULL();
	model_check_time_unit(fcinfo, 9, a.bg, a.fname);
	PG_RETURN_FLOAT8(lk_finite_result(a.fname, clv_value(fcinfo, a.bg, a.gg, &a)));
}

typedef struct SpendArgs
{
	double		x,
				zbar;
	const char *fname;
} SpendArgs;

static double
spend_prediction(const Model *gg, const void *arg)
{
	const SpendArgs *a = arg;

	return expected_spend(gg, a->x, a->zbar, a->fname);
}

/*
 * predicted_clv_interval(purchases, spend, ..., discount_rate, level [,
 * time_unit]).  CLV = spend P D, so its gradient in the purchase model's
 * log-parameters is spend (P dD + D dP), D and dD from the query's memo by
 * (x, T) and dP in closed form, and in the spend model's it is P D
 * dspend.  The two fits are independent: their variances add.
 */
PG_FUNCTION_INFO_V1(predicted_clv_interval);
Datum
predicted_clv_interval(PG_FUNCTION_ARGS)
{
	ClvArgs		a;
	const double *d;
	double		spend,
				alive,
				value,
				alive_gradient[MODEL_MAX_PARAMS],
				purchases_gradient[MODEL_MAX_PARAMS],
				spend_gradient[MODEL_MAX_PARAMS],
				spend_model_gradient[MODEL_MAX_PARAMS],
				se_bg,
				se_gg;

	if (!clv_args(fcinfo, "predicted_clv_interval", &a))
		PG_RETURN_NULL();
	model_check_time_unit(fcinfo, 10, a.bg, a.fname);
	d = clv_discounted_memo(fcinfo, a.bg, &a, true);
	spend = expected_spend(a.gg, a.x, a.zbar, a.fname);
	alive = nbd_probability_alive_gradient(a.bg, a.x, a.t_x, a.T, a.fname, alive_gradient);
	/* as predicted_clv multiplies them */
	value = lk_finite_result(a.fname, spend * alive * d[0]);
	for (int i = 0; i < a.bg->nparams; i++)
		purchases_gradient[i] = spend * (alive * d[1 + i] + d[0] * alive_gradient[i]);
	{
		SpendArgs	s = {a.x, a.zbar, a.fname};

		model_log_gradient(a.gg, spend_prediction, &s, spend_gradient);
	}
	for (int i = 0; i < a.gg->nparams; i++)
		spend_model_gradient[i] = alive * d[0] * spend_gradient[i];
	se_bg = model_delta_se_of_gradient(a.bg, purchases_gradient);
	se_gg = model_delta_se_of_gradient(a.gg, spend_model_gradient);
	return model_interval_result(fcinfo, value, sqrt(se_bg * se_bg + se_gg * se_gg),
								 model_level_arg_at(fcinfo, 9, a.fname), INTERVAL_POSITIVE);
}

/* expected_spend_interval(model, frequency, monetary_value, level); not STRICT, as expected_spend */
PG_FUNCTION_INFO_V1(gamma_gamma_expected_spend_interval);
Datum
gamma_gamma_expected_spend_interval(PG_FUNCTION_ARGS)
{
	SpendArgs	a = {0, 0, "expected_spend_interval"};
	const Model *m;
	double		level;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(3) || !spend_args(fcinfo, 1, 2, a.fname, &a.x, &a.zbar))
		PG_RETURN_NULL();
	level = model_level_arg(fcinfo, a.fname);
	m = model_arg(fcinfo, 0, MODEL_GAMMA_GAMMA);
	model_require_converged(m, a.fname);
	return model_interval_result(fcinfo, lk_finite_result(a.fname, spend_prediction(m, &a)),
								 model_delta_se(m, spend_prediction, &a), level, INTERVAL_POSITIVE);
}
