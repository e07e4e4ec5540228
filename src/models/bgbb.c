/*
 * bgbb.c
 *		The BG/BB model of discrete-time purchases (Fader, Hardie and Shang
 *		2010, "Customer-base analysis in a discrete-time noncontractual
 *		setting"): its fit's rows, likelihood with gradient, and
 *		predictions.
 *
 * At each of n transaction opportunities (a yearly fundraiser, an event)
 * an active customer transacts with probability p ~ Beta(alpha, beta), and
 * may become inactive before the next one with probability
 * theta ~ Beta(gamma, delta).  From a customer's (x, t_x, n) = (transactions,
 * the opportunity of the last one (0 when none), opportunities), with
 * B the beta function and A = B(alpha, beta), G = B(gamma, delta):
 *	 L = B(alpha+x, beta+n-x)/A B(gamma, delta+n)/G
 *	   + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/A B(gamma+1, delta+t_x+i)/G
 *	 P(active at n+1 | x, t_x, n) = B(alpha+x, beta+n-x)/A B(gamma, delta+n+1)/G / L
 *	 E[X(n, n+n*) | x, t_x, n] = B(alpha+x+1, beta+n-x)/A
 *		sum_{k=1}^{n*} B(gamma, delta+n+k)/G / L
 *	 DERT(d | x, t_x, n) = B(alpha+x+1, beta+n-x)/A B(gamma, delta+n+1)/G
 *		2F1(1, delta+n+1; gamma+delta+n+1; 1/(1+d)) / ((1+d) L)
 * and a new customer's E[X(n)] = alpha/(alpha+beta) sum_{k=1}^{n} B(gamma, delta+k)/G, and
 * P(X(n) = x) = C(n, x) B(alpha+x, beta+n-x)/A B(gamma, delta+n)/G
 *	 + sum_{i=x}^{n-1} C(i, x) B(alpha+x, beta+i-x)/A B(gamma+1, delta+i)/G
 * (their (7): active through all n, or last active at opportunity i).
 *
 * An evaluation computes lgamma and digamma once per argument it needs
 * (beta + m, alpha + beta + m, delta + m, gamma + delta + m for m up to the
 * largest n, alpha + x per distinct x), so the terms of L cost additions.
 */
#include "model.h"

#include <math.h>

#include "miscadmin.h"

/* Opportunities a row may have: each row's L has up to n terms */
#define BGBB_MAX_OPPORTUNITIES 100000

static void
bgbb_check_triple(const char *fname, double x, double t_x, double n)
{
	lk_check_finite(fname, "frequency", x);
	lk_check_finite(fname, "recency", t_x);
	lk_check_finite(fname, "number of opportunities", n);
	if (!(n == floor(n) && n >= 1 && n <= BGBB_MAX_OPPORTUNITIES))
		fit_row_error(fname, "number of opportunities", n,
					  "The opportunities are a whole number from 1 to 100000.");
	if (!(x == floor(x) && x >= 0 && x <= n))
		fit_row_error(fname, "frequency", x,
					  "The frequency is the number of opportunities with a transaction: a whole number from 0 to the opportunities.");
	if (!(t_x == floor(t_x) && t_x >= x && t_x <= n && (x > 0 || t_x == 0) && (x == 0 || t_x >= 1)))
		fit_row_error(fname, "recency", t_x,
					  "The recency is the opportunity of the last transaction (0 when there is none): from the frequency to the opportunities.");
}

void
bgbb_check_row(const char *fname, const FitKey *key)
{
	bgbb_check_triple(fname, key->v[0], key->v[1], key->v[2]);
}

/*
 * bgbb_fit(frequency, recency, opportunities [, customers]): a customer's
 * (x, t_x, n), or a row standing for `customers` of them.  A row with a
 * NULL is skipped.
 */
PG_FUNCTION_INFO_V1(bgbb_fit_accum);
Datum
bgbb_fit_accum(PG_FUNCTION_ARGS)
{
	FitState   *state = fit_state_get(fcinfo, MODEL_BGBB, "bgbb_fit_accum");
	const char *fname = fit_state_fname(state);
	FitKey		key;

	/* (frequency, recency, opportunities [, customers [, penalizer_coef]]): the penalizer is lifetimes' (1.12) */
	for (int i = 1; i < Min(PG_NARGS(), 5); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(state);
	if (PG_NARGS() > 5)
		fit_penalizer_arg(fcinfo, 5, state);
	for (int i = 0; i < 3; i++)
		key.v[i] = PG_GETARG_INT32(1 + i);
	bgbb_check_row(fname, &key);
	fit_state_add(state, key, fit_weight_arg(fcinfo, 4, fname));
	PG_RETURN_POINTER(state);
}

/* Per evaluation: lgamma and digamma of base + m, m = 0 .. size - 1 */
typedef struct GammaTable
{
	double	   *lg;
	double	   *psi;
} GammaTable;

typedef struct BgbbData
{
	FitDistinctX x;
	int			max_n;
	GammaTable	b,				/* beta + m */
				ab,				/* alpha + beta + m */
				d,				/* delta + m */
				gd;				/* gamma + delta + m */
	double	   *lg_ax;			/* lgamma(alpha + x) per distinct x */
	double	   *psi_ax;
	double	   *lg_terms;		/* scratch: ln of each term of a row's L */
} BgbbData;

static void
gamma_table_alloc(GammaTable *t, int size)
{
	t->lg = palloc(sizeof(double) * size);
	t->psi = palloc(sizeof(double) * size);
}

/*
 * relative: lgamma(base + m) - lgamma(base) instead of lgamma(base + m),
 * taken whole (lgamma_difference) rather than as a difference of two
 * numbers near base ln base that round by more than it
 */
static void
gamma_table_fill(GammaTable *t, double base, int size, bool relative)
{
	for (int m = 0; m < size; m++)
	{
		t->lg[m] = relative ? lgamma_difference(base, m) : lgamma(base + m);
		t->psi[m] = digamma(base + m);
	}
}

/*
 * Past this alpha + beta (or gamma + delta) the likelihood takes its beta
 * functions' ratios as whole differences of lgamma: there lgamma itself is
 * above 1e6 and its rounding, summed over the rows, hides how the
 * likelihood moves.  BG/BB's dropout mixture then drifts towards a fixed
 * probability (gamma and delta growing together), a ridge whose rise the
 * rounding hid: a fit stopped on it where the last bits of lgamma put it
 * (converged on glibc 2.36, not on 2.43).  Below it the sum is as before,
 * to the bit.
 */
#define BGBB_RELATIVE_FROM 1e5

void
bgbb_arrange(FitData *fit)
{
	BgbbData   *d = palloc0(sizeof(BgbbData));

	fit_distinct_x(fit, &d->x);
	for (int i = 0; i < fit->n; i++)
		d->max_n = Max(d->max_n, (int) fit->keys[i].v[2]);
	/* arguments up to + max_n + 1 (gamma + delta + t_x + i + 1) */
	gamma_table_alloc(&d->b, d->max_n + 2);
	gamma_table_alloc(&d->ab, d->max_n + 2);
	gamma_table_alloc(&d->d, d->max_n + 2);
	gamma_table_alloc(&d->gd, d->max_n + 2);
	d->lg_ax = palloc(sizeof(double) * Max(d->x.nx, 1));
	d->psi_ax = palloc(sizeof(double) * Max(d->x.nx, 1));
	d->lg_terms = palloc(sizeof(double) * (d->max_n + 1));
	fit->arranged = d;
}

/*
 * A row's ln L without the constant
 *	 C = lgamma(alpha+beta) - lgamma(alpha) - lgamma(beta) + lgamma(gamma+delta) - lgamma(delta)
 * that every term carries, and its gradient in (alpha, beta, gamma, delta)
 * likewise (added once per row by the caller).  The terms, with m and e as
 * in the file's comment and j = x + m:
 *	 first:  lgamma(alpha+x) + lgamma(beta+m) - lgamma(alpha+beta+j) + lgamma(delta+e) - lgamma(gamma+delta+e)
 *	 others: the same with ln gamma added and lgamma(gamma+delta+e+1)
 * (lgamma(gamma+1) - lgamma(gamma) = ln gamma); ln L is their log-sum-exp.
 */
static double
bgbb_row(const BgbbData *d, int xi, int x, int t_x, int n, double log_gamma, double inv_gamma, double *grad)
{
	int			nterms = 1 + (n - t_x);
	double		top = -INFINITY,
				total = 0;

	for (int k = 0; k < nterms; k++)
	{
		int			m = k == 0 ? n - x : t_x - x + (k - 1);
		int			e = k == 0 ? n : t_x + (k - 1);
		int			f = k == 0 ? e : e + 1;		/* gamma + delta + f */
		double		l = d->lg_ax[xi] + d->b.lg[m] - d->ab.lg[x + m] + d->d.lg[e] - d->gd.lg[f]
			+ (k == 0 ? 0 : log_gamma);

		d->lg_terms[k] = l;
		top = Max(top, l);
	}
	for (int i = 0; i < 4; i++)
		grad[i] = 0;
	for (int k = 0; k < nterms; k++)
	{
		int			m = k == 0 ? n - x : t_x - x + (k - 1);
		int			e = k == 0 ? n : t_x + (k - 1);
		int			f = k == 0 ? e : e + 1;
		double		w = exp(d->lg_terms[k] - top);

		total += w;
		grad[0] += w * (d->psi_ax[xi] - d->ab.psi[x + m]);
		grad[1] += w * (d->b.psi[m] - d->ab.psi[x + m]);
		grad[2] += w * ((k == 0 ? 0 : inv_gamma) - d->gd.psi[f]);
		grad[3] += w * (d->d.psi[e] - d->gd.psi[f]);
	}
	for (int i = 0; i < 4; i++)
		grad[i] /= total;
	return top + log(total);
}

double
bgbb_loglik(FitData *fit, const double *theta, double *grad)
{
	BgbbData   *d = (BgbbData *) fit->arranged;
	double		alpha = exp(theta[0]),
				beta = exp(theta[1]),
				gamma = exp(theta[2]),
				delta = exp(theta[3]);
	int			size = d->max_n + 1;
	bool		relative_ab = alpha + beta >= BGBB_RELATIVE_FROM,
				relative_gd = gamma + delta >= BGBB_RELATIVE_FROM;
	/* the row terms' lgammas less their bases' when relative, so the constant's part is 0 */
	double		constant = (relative_ab ? 0 : lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta))
		+ (relative_gd ? 0 : lgamma(gamma + delta) - lgamma(delta));
	double		g_constant[4] = {
		digamma(alpha + beta) - digamma(alpha),
		digamma(alpha + beta) - digamma(beta),
		digamma(gamma + delta),
		digamma(gamma + delta) - digamma(delta)
	};
	double		ll = 0,
				g[4] = {0, 0, 0, 0};

	gamma_table_fill(&d->b, beta, size, relative_ab);
	gamma_table_fill(&d->ab, alpha + beta, size, relative_ab);
	gamma_table_fill(&d->d, delta, size, relative_gd);
	gamma_table_fill(&d->gd, gamma + delta, size, relative_gd);
	for (int j = 0; j < d->x.nx; j++)
	{
		d->lg_ax[j] = relative_ab ? lgamma_difference(alpha, d->x.xs[j]) : lgamma(alpha + d->x.xs[j]);
		d->psi_ax[j] = digamma(alpha + d->x.xs[j]);
	}
	for (int i = 0; i < fit->n; i++)
	{
		const FitKey *key = &fit->keys[i];
		double		w = fit->weights[i];
		double		row_grad[4];

		ll += w * (constant + bgbb_row(d, d->x.row_index[i], (int) key->v[0], (int) key->v[1], (int) key->v[2],
									   log(gamma), 1 / gamma, row_grad));
		for (int k = 0; k < 4; k++)
			g[k] += w * (g_constant[k] + row_grad[k]);
	}
	if (grad != NULL)
	{
		grad[0] = g[0] * alpha;
		grad[1] = g[1] * beta;
		grad[2] = g[2] * gamma;
		grad[3] = g[3] * delta;
	}
	return ll;
}

PG_FUNCTION_INFO_V1(bgbb_fit_final);
Datum
bgbb_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;
	bool		some = false,
				not_all = false;

	if (fit_state_is_empty(state))
		PG_RETURN_NULL();
	d = fit_data_build(state);
	for (int i = 0; i < d->n; i++)
	{
		some |= d->keys[i].v[0] > 0;
		not_all |= d->keys[i].v[0] < d->keys[i].v[2];
	}
	if (d->total_weight < 2)
		fit_cannot_identify(d->fname, "It was given a single customer.",
							"Fit the model to many customers, usually all of one cohort.");
	if (!some || !not_all)
		fit_cannot_identify(d->fname, some ? "Every customer transacted at every opportunity." : "No customer transacted.",
							"The transaction and dropout probabilities cannot be told apart from such data.");
	PG_RETURN_POINTER(fit_penalized_model(d, fit_state_penalizer(state)));
}

/* ---------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------
 */

typedef struct BgbbParams
{
	double		alpha,
				beta,
				gamma,
				delta;
} BgbbParams;

static BgbbParams
bgbb_params(const Model *m)
{
	BgbbParams	p = {MODEL_ESTIMATE(m)[0], MODEL_ESTIMATE(m)[1], MODEL_ESTIMATE(m)[2], MODEL_ESTIMATE(m)[3]};

	return p;
}

static double
lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/*
 * ln L(x, t_x, n) at the model's parameters: the terms' log-sum-exp in one
 * pass, the running sum rescaled whenever a larger term comes, so each
 * term's lbetas are computed once
 */
static double
bgbb_log_likelihood_of(const BgbbParams *p, int x, int t_x, int n)
{
	double		la = lbeta(p->alpha, p->beta),
				lg = lbeta(p->gamma, p->delta);
	double		top = lbeta(p->alpha + x, p->beta + n - x) - la + lbeta(p->gamma, p->delta + n) - lg;
	double		sum = 1;

	for (int i = 0; i < n - t_x; i++)
	{
		double		l = lbeta(p->alpha + x, p->beta + t_x - x + i) - la + lbeta(p->gamma + 1, p->delta + t_x + i) - lg;

		if (l > top)
		{
			sum = sum * exp(top - l) + 1;
			top = l;
		}
		else
			sum += exp(l - top);
	}
	return top + log(sum);
}

/* A customer's (x, t_x, n) arguments at argno.., checked as a fit's rows are */
static void
bgbb_customer_args(FunctionCallInfo fcinfo, int argno, const char *fname, int *x, int *t_x, int *n)
{
	*x = PG_GETARG_INT32(argno);
	*t_x = PG_GETARG_INT32(argno + 1);
	*n = PG_GETARG_INT32(argno + 2);
	bgbb_check_triple(fname, *x, *t_x, *n);
}

static const Model *
bgbb_model_arg(FunctionCallInfo fcinfo, const char *fname)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_BGBB);

	model_require_converged(m, fname);
	return m;
}

static int32
opportunities_arg(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	int32		k = PG_GETARG_INT32(argno);

	if (k < 0 || k > 10000000)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of future opportunities", k,
						  "The future opportunities are 0 to 10000000.");
	return k;
}

/*
 * sum_{k=1}^{count} B(gamma, delta+n+k) / B(gamma, delta): the expected
 * opportunities at which the customer is still active, past n.  Where gamma
 * is not near 1, the closed form
 *	 delta/(gamma-1) Gamma(gamma+delta)/Gamma(1+delta)
 *		[Gamma(1+delta+n)/Gamma(gamma+delta+n) - Gamma(1+delta+n+count)/Gamma(gamma+delta+n+count)];
 * near 1 it cancels (0/0), so the terms are summed, each the last times
 * (delta+n+k-1) / (gamma+delta+n+k-1), all positive.
 */
static double
bgbb_active_opportunities(const BgbbParams *p, int n, int count)
{
	double		g = p->gamma,
				dl = p->delta;

	if (count == 0)
		return 0;
	if (fabs(g - 1) >= 0.01)
	{
		double		head = lgamma(g + dl) - lgamma(1 + dl);
		double		a = exp(head + lgamma(1 + dl + n) - lgamma(g + dl + n));
		double		b = exp(head + lgamma(1 + dl + n + count) - lgamma(g + dl + n + count));

		return dl / (g - 1) * (a - b);
	}
	else
	{
		double		term = exp(lbeta(g, dl + n) - lbeta(g, dl));
		double		sum = 0;

		for (int k = 1; k <= count; k++)
		{
			term *= (dl + n + k - 1) / (g + dl + n + k - 1);
			sum += term;
			if ((k & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		return sum;
	}
}

typedef struct BgbbCustomer
{
	int			future,
				x,
				t_x,
				n;
} BgbbCustomer;

/* P(active at opportunity n+1 | x, t_x, n) */
static double
bgbb_predict_alive(const Model *m, const void *arg)
{
	const BgbbCustomer *c = arg;
	BgbbParams	p = bgbb_params(m);

	return exp(lbeta(p.alpha + c->x, p.beta + c->n - c->x) - lbeta(p.alpha, p.beta)
			   + lbeta(p.gamma, p.delta + c->n + 1) - lbeta(p.gamma, p.delta)
			   - bgbb_log_likelihood_of(&p, c->x, c->t_x, c->n));
}

/* E[X(n, n+n*) | x, t_x, n] */
static double
bgbb_predict_purchases(const Model *m, const void *arg)
{
	const BgbbCustomer *c = arg;
	BgbbParams	p = bgbb_params(m);
	double		l = lbeta(p.alpha + c->x + 1, p.beta + c->n - c->x) - lbeta(p.alpha, p.beta)
		- bgbb_log_likelihood_of(&p, c->x, c->t_x, c->n);

	return exp(l) * bgbb_active_opportunities(&p, c->n, c->future);
}

/*
 * A prediction for the customer c (predict's argument is arg) and, for an
 * interval form, its standard error, from the query's memo by (x, t_x, n):
 * with n opportunities a customer has one of (n+1)(n+2)/2 patterns at
 * most, so the customers of a query share them by the thousand.  `other`
 * is the prediction's other argument (the future opportunities, the
 * discount rate), the same for a query's rows as a rule.
 */
static double
bgbb_memo_prediction(FunctionCallInfo fcinfo, const Model *m, ModelPrediction predict, const void *arg,
					 const BgbbCustomer *c, double other, bool interval, const char *fname, double *se)
{
	double		extra[1] = {other};
	double		key[MODEL_MEMO_KEY] = {c->x, c->t_x, c->n};
	bool		found;
	double	   *value = model_memo(fcinfo, m, extra, 1, key, &found);

	if (!found)
	{
		value[0] = lk_finite_result(fname, predict(m, arg));
		value[1] = interval ? model_delta_se(m, predict, arg) : 0;
		model_memo_keep(fcinfo);
	}
	*se = value[1];
	return value[0];
}

/* probability_alive(model, frequency, recency, opportunities [, level]): P(active at opportunity n+1) */
PG_FUNCTION_INFO_V1(bgbb_probability_alive);
Datum
bgbb_probability_alive(PG_FUNCTION_ARGS)
{
	bool		interval = PG_NARGS() > 4;
	const char *fname = interval ? "probability_alive_interval" : "probability_alive";
	const Model *m = bgbb_model_arg(fcinfo, fname);
	BgbbCustomer c = {0};
	double		level = interval ? model_level_arg(fcinfo, fname) : 0;
	double		estimate,
				se;

	bgbb_customer_args(fcinfo, 1, fname, &c.x, &c.t_x, &c.n);
	estimate = bgbb_memo_prediction(fcinfo, m, bgbb_predict_alive, &c, &c, 0, interval, fname, &se);
	if (!interval)
		PG_RETURN_FLOAT8(estimate);
	return model_interval_result(fcinfo, estimate, se, level, INTERVAL_PROBABILITY);
}

/* expected_purchases(model, future, frequency, recency, opportunities [, level]): E[X(n, n+n*) | x, t_x, n] */
PG_FUNCTION_INFO_V1(bgbb_expected_purchases);
Datum
bgbb_expected_purchases(PG_FUNCTION_ARGS)
{
	bool		interval = PG_NARGS() > 5;
	const char *fname = interval ? "expected_purchases_interval" : "expected_purchases";
	const Model *m = bgbb_model_arg(fcinfo, fname);
	BgbbCustomer c = {0};
	double		level = interval ? model_level_arg(fcinfo, fname) : 0;
	double		estimate,
				se;

	c.future = opportunities_arg(fcinfo, 1, fname);
	bgbb_customer_args(fcinfo, 2, fname, &c.x, &c.t_x, &c.n);
	estimate = bgbb_memo_prediction(fcinfo, m, bgbb_predict_purchases, &c, &c, c.future, interval, fname, &se);
	if (!interval)
		PG_RETURN_FLOAT8(estimate);
	return model_interval_result(fcinfo, estimate, se, level, INTERVAL_POSITIVE);
}

/* expected_purchases(model, opportunities): a new customer's E[X(n)] */
PG_FUNCTION_INFO_V1(bgbb_expected_purchases_new);
Datum
bgbb_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const char *fname = "expected_purchases";
	const Model *m = bgbb_model_arg(fcinfo, fname);
	BgbbParams	p = bgbb_params(m);
	int32		n = opportunities_arg(fcinfo, 1, fname);

	PG_RETURN_FLOAT8(lk_finite_result(fname, p.alpha / (p.alpha + p.beta) * bgbb_active_opportunities(&p, 0, n)));
}

/*
 * purchase_count_probability(model, opportunities, n [, level]): a new
 * customer's P(X(opportunities) = n), what Fader, Hardie and Shang's table
 * of donors by number of repeat donations compares with the data (the
 * horizon, then the count, as the other models' purchase_count_probability)
 */
typedef struct BgbbCount
{
	int			x;
	int			n;
} BgbbCount;

static double
bgbb_predict_count(const Model *m, const void *arg)
{
	const BgbbCount *c = arg;
	BgbbParams	p = bgbb_params(m);
	int			x = c->x,
				n = c->n;
	double		base = -lbeta(p.alpha, p.beta) - lbeta(p.gamma, p.delta) - lgamma(x + 1.0);
	double		probability;

	if (x > n)
		return 0.0;
	probability = exp(base + lgamma(n + 1.0) - lgamma(n - x + 1.0) + lbeta(p.alpha + x, p.beta + n - x)
					  + lbeta(p.gamma, p.delta + n));
	for (int i = x; i < n; i++)
	{
		probability += exp(base + lgamma(i + 1.0) - lgamma(i - x + 1.0) + lbeta(p.alpha + x, p.beta + i - x)
						   + lbeta(p.gamma + 1, p.delta + i));
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return probability;
}

PG_FUNCTION_INFO_V1(bgbb_purchase_count_probability);
Datum
bgbb_purchase_count_probability(PG_FUNCTION_ARGS)
{
	bool		interval = PG_NARGS() > 3;
	const char *fname = interval ? "purchase_count_probability_interval" : "purchase_count_probability";
	const Model *m = bgbb_model_arg(fcinfo, fname);
	double		level = interval ? model_level_arg(fcinfo, fname) : 0;
	BgbbCount	c;
	double		estimate;

	c.n = opportunities_arg(fcinfo, 1, fname);
	c.x = PG_GETARG_INT32(2);
	if (c.x < 0)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of purchases", c.x,
						  "The purchases are a count of the opportunities with one: 0 or more.");
	estimate = lk_finite_result(fname, bgbb_predict_count(m, &c));
	if (!interval)
		PG_RETURN_FLOAT8(estimate);
	return model_interval_result(fcinfo, estimate, model_delta_se(m, bgbb_predict_count, &c), level,
								 INTERVAL_PROBABILITY);
}

/*
 * discounted_expected_transactions(model, discount_rate, frequency, recency,
 * opportunities [, level]): DERT, the customer's future transactions
 * discounted at the rate (% per opportunity), the next opportunity
 * discounted once.
 */
typedef struct BgbbDiscounted
{
	double		rate;
	BgbbCustomer c;
	const char *fname;
} BgbbDiscounted;

static double
bgbb_predict_discounted(const Model *m, const void *arg)
{
	const BgbbDiscounted *a = arg;
	BgbbParams	p = bgbb_params(m);
	int			x = a->c.x,
				n = a->c.n;
	double		l = lbeta(p.alpha + x + 1, p.beta + n - x) - lbeta(p.alpha, p.beta)
		+ lbeta(p.gamma, p.delta + n + 1) - lbeta(p.gamma, p.delta)
		- bgbb_log_likelihood_of(&p, x, a->c.t_x, n);

	return exp(l) / (1 + a->rate / 100)
		* hyp2f1_unit_a(p.delta + n + 1, p.gamma + p.delta + n + 1, 1 / (1 + a->rate / 100), a->fname);
}

PG_FUNCTION_INFO_V1(bgbb_discounted_transactions);
Datum
bgbb_discounted_transactions(PG_FUNCTION_ARGS)
{
	bool		interval = PG_NARGS() > 5;
	const char *fname = interval ? "discounted_expected_transactions_interval" : "discounted_expected_transactions";
	const Model *m = bgbb_model_arg(fcinfo, fname);
	BgbbDiscounted a = {PG_GETARG_FLOAT8(1), {0}, fname};
	double		level = interval ? model_level_arg(fcinfo, fname) : 0;
	double		estimate,
				se;

	if (!(a.rate > 0 && isfinite(a.rate)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "discount rate", a.rate,
						  "The discount rate is a percentage per opportunity, above 0.");
	bgbb_customer_args(fcinfo, 2, fname, &a.c.x, &a.c.t_x, &a.c.n);
	estimate = bgbb_memo_prediction(fcinfo, m, bgbb_predict_discounted, &a, &a.c, a.rate, interval, fname, &se);
	if (!interval)
		PG_RETURN_FLOAT8(estimate);
	return model_interval_result(fcinfo, estimate, se, level, INTERVAL_POSITIVE);
}
