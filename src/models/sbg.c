/*
 * sbg.c
 *		The shifted-beta-geometric (sBG) model of contractual retention
 *		(Fader and Hardie 2007, "How to project customer retention"): its
 *		fit's rows, likelihood with gradient, and predictions, among them
 *		the discounted expected lifetime of Fader and Hardie 2010
 *		("Customer-base valuation in a contractual setting").
 *
 * Each customer renews at the end of every period with a probability
 * 1 - theta of their own, theta ~ Beta(alpha, beta), until they leave.  T,
 * the period a customer leaves in (1 = did not renew after the first):
 *	 P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),  t >= 1
 *	 S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta)
 *	 r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1)
 *	 E[T] = sum_{t>=0} S(t) = (alpha + beta - 1) / (alpha - 1), alpha > 1
 *	 DEL(d) = sum_{t>=0} S(t) / (1+d)^t = 2F1(1, beta; alpha + beta; 1/(1+d))
 *	 DERL(d | n renewals) = sum_{j>=0} P(T > n+1+j | T > n) / (1+d)^j
 *		= r(n+1) 2F1(1, beta + n + 1; alpha + beta + n + 1; 1/(1+d))
 * A customer who left in period t adds ln P(T = t) to the log-likelihood;
 * one still active after t periods adds ln S(t).
 *
 * A row of the fit is (periods, churned, 0): a customer's periods and
 * whether they have left.  Rows are few (two per distinct period), so an
 * evaluation costs a few lgamma and digamma calls per distinct period.
 */
#include "model.h"

#include <math.h>

/* Periods a row may have: the sums below stay exact */
#define SBG_MAX_PERIODS 1000000000

#define SBG_CHURNED_HINT "A customer who left has 1 or more periods: the period they left in (1 = did not renew after the first)."
#define SBG_ACTIVE_HINT "A customer still active has the periods observed so far, 0 or more."

void
sbg_check_row(const char *fname, const FitKey *key)
{
	double		t = key->v[0];
	bool		churned = key->v[1] != 0;

	if (!(key->v[1] == 0 || key->v[1] == 1) || key->v[2] != 0)
		fit_row_error(fname, "churned flag", key->v[1], "A row is churned (1) or still active (0).");
	if (!(t == floor(t) && t >= (churned ? 1 : 0) && t <= SBG_MAX_PERIODS))
		fit_row_error(fname, "number of periods", t, churned ? SBG_CHURNED_HINT : SBG_ACTIVE_HINT);
}

static void
sbg_add(FitState *state, int32 periods, bool churned, double weight)
{
	FitKey		key = {{periods, churned ? 1 : 0, 0}};

	sbg_check_row(fit_state_fname(state), &key);
	fit_state_add(state, key, weight);
}

/*
 * sbg_fit(periods, churned [, customers]): a customer (or `customers` of
 * them) with the periods they stayed and whether they have left.  A row
 * with a NULL is skipped.
 */
PG_FUNCTION_INFO_V1(sbg_fit_accum);
Datum
sbg_fit_accum(PG_FUNCTION_ARGS)
{
	FitState   *state = fit_state_get(fcinfo, MODEL_SBG, "sbg_fit_accum");

	for (int i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(state);
	sbg_add(state, PG_GETARG_INT32(1), PG_GETARG_BOOL(2),
			fit_weight_arg(fcinfo, 3, fit_state_fname(state)));
	PG_RETURN_POINTER(state);
}

/* The count of customers argument argno: 0 or more (0 adds nothing) */
static double
customers_arg(FunctionCallInfo fcinfo, int argno, const char *fname, const char *what)
{
	double		n = PG_GETARG_FLOAT8(argno);

	if (!(n >= 0 && isfinite(n)))
		fit_row_error(fname, what, n, "It is a number of customers, 0 or more.");
	return n;
}

/*
 * sbg_fit(period, lost, still_active): a row of an aggregated table, the
 * customers who left in that period and those still active after it.  A
 * row of NULLs is skipped; a NULL beside known values is refused (22004):
 * skipping the row would silently drop the customers its other count
 * holds (500 active customers turned a converged fit into a runaway one).
 */
PG_FUNCTION_INFO_V1(sbg_fit_table_accum);
Datum
sbg_fit_table_accum(PG_FUNCTION_ARGS)
{
	FitState   *state = fit_state_get(fcinfo, MODEL_SBG, "sbg_fit_table_accum");
	const char *fname = fit_state_fname(state);
	double		lost,
				active;

	if (PG_ARGISNULL(1) && PG_ARGISNULL(2) && PG_ARGISNULL(3))
		PG_RETURN_POINTER(state);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a NULL %s beside known values in a row", fname,
						PG_ARGISNULL(1) ? "period" : PG_ARGISNULL(2) ? "number lost" : "number still active"),
				 errhint("Skipping the row would drop the customers its other values count: write 0 where there are none, or leave the row out.")));
	lost = customers_arg(fcinfo, 2, fname, "number lost");
	active = customers_arg(fcinfo, 3, fname, "number still active");
	if (lost > 0)
		sbg_add(state, PG_GETARG_INT32(1), true, lost);
	if (active > 0)
		sbg_add(state, PG_GETARG_INT32(1), false, active);
	PG_RETURN_POINTER(state);
}

/* The rows are already what an evaluation needs: sorted (periods, churned) with weights */
void
sbg_arrange(FitData *d)
{
	d->arranged = NULL;
}

double
sbg_loglik(FitData *d, const double *theta, double *grad)
{
	double		alpha = exp(theta[0]),
				beta = exp(theta[1]);
	double		lg_b = lgamma(beta),
				lg_ab = lgamma(alpha + beta),
				psi_b = digamma(beta),
				psi_ab = digamma(alpha + beta),
				log_alpha = log(alpha);
	double		ll = 0,
				g_alpha = 0,
				g_beta = 0;

	for (int i = 0; i < d->n; i++)
	{
		double		t = d->keys[i].v[0];
		double		w = d->weights[i];
		double		psi_abt = digamma(alpha + beta + t);

		if (d->keys[i].v[1] != 0)
		{
			/* ln P(T = t) = ln alpha + lgamma(beta+t-1) - lgamma(beta) + lgamma(alpha+beta) - lgamma(alpha+beta+t) */
			ll += w * (log_alpha + lgamma(beta + t - 1) - lg_b + lg_ab - lgamma(alpha + beta + t));
			g_alpha += w * (1 / alpha + psi_ab - psi_abt);
			g_beta += w * (digamma(beta + t - 1) - psi_b + psi_ab - psi_abt);
		}
		else if (t > 0)
		{
			/* ln S(t) = lgamma(beta+t) - lgamma(beta) + lgamma(alpha+beta) - lgamma(alpha+beta+t) */
			ll += w * (lgamma(beta + t) - lg_b + lg_ab - lgamma(alpha + beta + t));
			g_alpha += w * (psi_ab - psi_abt);
			g_beta += w * (digamma(beta + t) - psi_b + psi_ab - psi_abt);
		}
	}
	if (grad != NULL)
	{
		grad[0] = g_alpha * alpha;
		grad[1] = g_beta * beta;
	}
	return ll;
}

PG_FUNCTION_INFO_V1(sbg_fit_final);
Datum
sbg_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;
	bool		churn = false,
				past_first = false;

	if (fit_state_is_empty(state))
		PG_RETURN_NULL();
	d = fit_data_build(state);
	for (int i = 0; i < d->n; i++)
	{
		churn |= d->keys[i].v[1] != 0;
		past_first |= d->keys[i].v[0] >= 2;
	}
	if (!churn)
		fit_cannot_identify(d->fname, "No customer left.",
							"The model estimates how the churn probability varies between customers: it needs customers who left.");
	if (!past_first)
		fit_cannot_identify(d->fname, "No customer was observed past the first period.",
							"One period tells the share who leave, not how it varies: observe customers over two periods or more.");
	PG_RETURN_POINTER(fit_model(d));
}

/* ---------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------
 */

static void
sbg_params(const Model *m, double *alpha, double *beta)
{
	*alpha = MODEL_ESTIMATE(m)[0];
	*beta = MODEL_ESTIMATE(m)[1];
}

static const Model *
sbg_model_arg(FunctionCallInfo fcinfo, const char *fname)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_SBG);

	model_require_converged(m, fname);
	return m;
}

static int32
periods_arg(FunctionCallInfo fcinfo, int argno, const char *fname, int32 least, const char *hint)
{
	int32		t = PG_GETARG_INT32(argno);

	if (t < least)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of periods", t, hint);
	return t;
}

/*
 * ln S(t).  Up to SBG_DIRECT_PERIODS as the sum of ln r(i) = log1p(-alpha /
 * (alpha + beta + i - 1)): each term to an epsilon, where the difference
 * of lgammas loses about epsilon * beta ln beta (1e-6 at the fit's largest
 * beta, e^20); past it through lgamma.
 */
#define SBG_DIRECT_PERIODS 1000

static double
sbg_log_survival(double alpha, double beta, int32 t)
{
	double		sum = 0;

	if (t > SBG_DIRECT_PERIODS)
		return lgamma(beta + t) - lgamma(beta) + lgamma(alpha + beta) - lgamma(alpha + beta + t);
	for (int32 i = 0; i < t; i++)
		sum += log1p(-alpha / (alpha + beta + i));
	return sum;
}

/* survival_probability(model, t): S(t), the probability a new customer is still active after t periods */
PG_FUNCTION_INFO_V1(sbg_survival);
Datum
sbg_survival(PG_FUNCTION_ARGS)
{
	const Model *m = sbg_model_arg(fcinfo, "survival_probability");
	int32		t = periods_arg(fcinfo, 1, "survival_probability", 0, "The periods are 0 or more.");
	double		alpha,
				beta;

	sbg_params(m, &alpha, &beta);
	PG_RETURN_FLOAT8(lk_finite_result("survival_probability", exp(sbg_log_survival(alpha, beta, t))));
}

static double sbg_predict_retention(const Model *m, const void *arg);

/* retention_rate(model, t): r(t) = S(t) / S(t-1), of the customers who renewed t - 1 times the percentage who renew a t-th time */
PG_FUNCTION_INFO_V1(sbg_retention_rate);
Datum
sbg_retention_rate(PG_FUNCTION_ARGS)
{
	const Model *m = sbg_model_arg(fcinfo, "retention_rate");
	int32		t = periods_arg(fcinfo, 1, "retention_rate", 1,
								"Retention is defined from the first renewal: period 1 or later.");
	double		alpha,
				beta;

	sbg_params(m, &alpha, &beta);
	PG_RETURN_FLOAT8(lk_finite_result("retention_rate", sbg_predict_retention(m, &t)));
}

/* expected_lifetime(model): E[T] in periods, finite only when alpha > 1 */
PG_FUNCTION_INFO_V1(sbg_expected_lifetime);
Datum
sbg_expected_lifetime(PG_FUNCTION_ARGS)
{
	const Model *m = sbg_model_arg(fcinfo, "expected_lifetime");
	double		alpha,
				beta;

	sbg_params(m, &alpha, &beta);
	if (alpha <= 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected_lifetime: the model has alpha = %g, so the expected lifetime is infinite", alpha),
				 errdetail("With alpha <= 1 enough customers almost never leave that the mean of the lifetime diverges."),
				 errhint("Use discounted_expected_lifetime(model, discount_rate), finite at any rate above 0; survival_probability(model, t) gives the share still active after t periods.")));
	PG_RETURN_FLOAT8(lk_finite_result("expected_lifetime", (alpha + beta - 1) / (alpha - 1)));
}

/*
 * discounted_expected_lifetime(model, discount_rate [, renewals]): DEL of a
 * new customer (their first period counts 1), or DERL of a customer who has
 * renewed `renewals` times, valued just before their next renewal (it
 * counts 1 if made, later ones are discounted).  The rate is a percentage
 * per period; at 0 it is the expected (residual) lifetime, finite when
 * alpha > 1.
 */
typedef struct SbgDiscounted
{
	FunctionCallInfo fcinfo;	/* for the series' cache */
	double		rate;
	int32		renewals;		/* -1: a new customer */
	const char *fname;
} SbgDiscounted;

static double
sbg_predict_discounted(const Model *m, const void *arg)
{
	const SbgDiscounted *a = arg;
	double		alpha,
				beta,
				b,
				c,
				lead;
	int32		n = a->renewals;

	sbg_params(m, &alpha, &beta);
	/* a new customer: sum_{t>=0} S(t) delta^t; after n renewals: r(n+1) sum_j (...)_j delta^j */
	b = n < 0 ? beta : beta + n + 1;
	c = n < 0 ? alpha + beta : alpha + beta + n + 1;
	lead = n < 0 ? 1 : (beta + n) / (alpha + beta + n);
	if (a->rate == 0)
	{
		/* Gauss: 2F1(1, b; c; 1) = (c - 1) / (c - b - 1), and c - b - 1 = alpha - 1 */
		if (alpha <= 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the model has alpha = %g, so the undiscounted lifetime is infinite", a->fname, alpha),
					 errhint("Give a discount rate above 0.")));
		return lead * (c - 1) / (alpha - 1);
	}
	return lead * hyp2f1_unit_a_cached(a->fcinfo, b, c, 1 / (1 + a->rate / 100), a->fname);
}

/* The arguments of both forms and of their intervals: (model, rate [, renewals] [, level]) */
static SbgDiscounted
sbg_discounted_args(FunctionCallInfo fcinfo, bool interval, const char *fname)
{
	SbgDiscounted a = {fcinfo, PG_GETARG_FLOAT8(1), -1, fname};
	int			nargs = PG_NARGS() - (interval ? 1 : 0);

	if (nargs > 2)
		a.renewals = periods_arg(fcinfo, 2, fname, 0, "The renewals are 0 or more.");
	if (!(a.rate >= 0 && isfinite(a.rate)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "discount rate", a.rate,
						  "The discount rate is a percentage per period, 0 or more.");
	return a;
}

PG_FUNCTION_INFO_V1(sbg_discounted_lifetime);
Datum
sbg_discounted_lifetime(PG_FUNCTION_ARGS)
{
	const char *fname = "discounted_expected_lifetime";
	const Model *m = sbg_model_arg(fcinfo, fname);
	SbgDiscounted a = sbg_discounted_args(fcinfo, false, fname);

	PG_RETURN_FLOAT8(lk_finite_result(fname, sbg_predict_discounted(m, &a)));
}

/* discounted_expected_lifetime_interval(model, rate [, renewals], level) */
PG_FUNCTION_INFO_V1(sbg_discounted_lifetime_interval);
Datum
sbg_discounted_lifetime_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "discounted_expected_lifetime_interval";
	const Model *m = sbg_model_arg(fcinfo, fname);
	SbgDiscounted a = sbg_discounted_args(fcinfo, true, fname);
	double		level = model_level_arg(fcinfo, fname);

	return model_interval_result(fcinfo, lk_finite_result(fname, sbg_predict_discounted(m, &a)),
								 model_delta_se(m, sbg_predict_discounted, &a), level, INTERVAL_POSITIVE);
}

/* ---------------------------------------------------------------------
 * Intervals (delta method, model.c)
 * ---------------------------------------------------------------------
 */

static double
sbg_predict_survival(const Model *m, const void *arg)
{
	return exp(sbg_log_survival(MODEL_ESTIMATE(m)[0], MODEL_ESTIMATE(m)[1], *(const int32 *) arg));
}

/* survival_probability_interval(model, t, level) */
PG_FUNCTION_INFO_V1(sbg_survival_interval);
Datum
sbg_survival_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "survival_probability_interval";
	const Model *m = sbg_model_arg(fcinfo, fname);
	int32		t = periods_arg(fcinfo, 1, fname, 0, "The periods are 0 or more.");
	double		level = model_level_arg(fcinfo, fname);

	return model_interval_result(fcinfo, lk_finite_result(fname, sbg_predict_survival(m, &t)),
								 model_delta_se(m, sbg_predict_survival, &t), level, INTERVAL_PROBABILITY);
}

/* r(t) in percent, (beta + t - 1) / (alpha + beta + t - 1) */
static double
sbg_predict_retention(const Model *m, const void *arg)
{
	int32		t = *(const int32 *) arg;

	return 100 * (MODEL_ESTIMATE(m)[1] + t - 1) / (MODEL_ESTIMATE(m)[0] + MODEL_ESTIMATE(m)[1] + t - 1);
}

/* retention_rate_interval(model, t, level): r(t) in percent, its interval on the logit scale of r(t) / 100 */
PG_FUNCTION_INFO_V1(sbg_retention_rate_interval);
Datum
sbg_retention_rate_interval(PG_FUNCTION_ARGS)
{
	const char *fname = "retention_rate_interval";
	const Model *m = sbg_model_arg(fcinfo, fname);
	int32		t = periods_arg(fcinfo, 1, fname, 1, "Retention is defined from the first renewal: period 1 or later.");
	double		level = model_level_arg(fcinfo, fname);

	return model_interval_result(fcinfo, lk_finite_result(fname, sbg_predict_retention(m, &t)),
								 model_delta_se(m, sbg_predict_retention, &t), level, INTERVAL_PERCENTAGE);
}
