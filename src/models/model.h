/*
 * model.h
 *		The house of the customer-base models: the stored model type, the
 *		table of model kinds, the fitting machinery every model shares and
 *		the special functions their likelihoods and predictions need.
 *
 *	 model.c		the stored type (text, binary, jsonb), the accessors and
 *					the table of model kinds
 *	 model_fit.c	the fitting aggregates' state (distinct rows with
 *					weights), combine/serialize/deserialize, and maximum
 *					likelihood with standard errors
 *	 special.c		digamma, the hypergeometric power series, the
 *					adaptive quadrature
 *	 bgnbd.c (BG/NBD, MBG/NBD), gamma_gamma.c, sbg.c, bgbb.c
 *					one model family each: its rows, likelihood with
 *					gradient, and predictions
 *	 pareto_nbd.c, ggompertz_nbd.c
 *					Pareto/NBD's and GGompertz/NBD's likelihoods and
 *					predictions (and the Pareto/NBD with correlated
 *					rates, and its likelihood with time-varying
 *					covariates); their rows and SQL functions are the
 *					BG/NBD family's
 *	 model_covariates.c
 *					the purchase models with covariates: their stored type
 *					and fits, each profile of customers a base-model fit;
 *					the Pareto/NBD's fit with time-varying covariates
 *
 * All of them in src/models/, with their SQL.  model_fit.c calls model.c
 * (a fit makes a model), never the other way; the families call both.
 * A new model is one new file (a ModelFamily) and a row in model_specs.
 */
#ifndef LOYALTY_KPI_MODEL_H
#define LOYALTY_KPI_MODEL_H

#include "../loyalty_kpi.h"

#include <math.h>

#include "datatype/timestamp.h"

/* ---------------------------------------------------------------------
 * Model kinds
 * ---------------------------------------------------------------------
 */

/* Numbers are stored in every model value: never renumber */
typedef enum ModelKind
{
	MODEL_ANY = 0,				/* model_arg of the accessors: whichever kind it is */
	MODEL_BGNBD = 1,
	MODEL_GAMMA_GAMMA = 2,
	MODEL_SBG = 3,
	MODEL_BGBB = 4,
	MODEL_MBGNBD = 5,
	MODEL_PARETO_NBD = 6,
	MODEL_GGOMPERTZ_NBD = 7
} ModelKind;

#define MODEL_KIND_MAX 7
#define MODEL_MAX_PARAMS 5

/* One row a fit was given, as (up to) three numbers; what they mean is the model's */
typedef struct FitKey
{
	double		v[3];
} FitKey;

/*
 * Three numbers as a hash table's key, by their bits (so 0.0 and -0.0 are
 * two keys; fits fold -0.0 first): a fit's rows, the prediction memo's
 * customers.  Inline: both are looked up once a row.
 */
static inline uint32
key3_hash(const double *v)
{
	uint64		h = UINT64CONST(0x9E3779B97F4A7C15);

	for (int i = 0; i < 3; i++)
	{
		uint64		bits;

		memcpy(&bits, &v[i], sizeof(bits));
		h = (h ^ bits) * UINT64CONST(0xBF58476D1CE4E5B9);
		h ^= h >> 31;
	}
	return (uint32) (h ^ (h >> 32));
}

static inline bool
key3_equal(const double *a, const double *b)
{
	uint64		x[3],
				y[3];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
}

typedef struct FitData FitData;

typedef struct ModelSpec
{
	const char *name;			/* in the text form */
	const char *type_name;		/* the SQL type, for messages */
	const char *fit_name;		/* the fitting aggregate, for messages */
	int			nparams;
	const char *params[MODEL_MAX_PARAMS];
	bool		has_time_unit;	/* its fits may record the unit of time of the rows */

	/* ERROR unless a row could have come from this model's transition function */
	void		(*check_row) (const char *fname, const FitKey *key);

	/*
	 * Arranges the sorted distinct rows (d->keys, d->weights) for fast
	 * evaluation, into d->arranged; then the summed log-likelihood at
	 * exp(theta) and its gradient with respect to theta (grad may be NULL).
	 */
	void		(*arrange) (FitData *d);
	double		(*loglik) (FitData *d, const double *theta, double *grad);
} ModelSpec;

extern const ModelSpec model_specs[MODEL_KIND_MAX + 1];

/* ---------------------------------------------------------------------
 * The stored model (model.c)
 * ---------------------------------------------------------------------
 */

/*
 * A fitted model, format 3: the fields, the time unit the rows were
 * measured in (zero when the fit was not told it), then the estimates, the
 * standard errors and the covariance matrix of the log-parameters (what the
 * fit maximizes over; row-major, nparams^2), so predictions can carry a
 * delta-method interval.  Format 4 (1.12) is format 3 with one more
 * number after the covariance, lifetimes' penalizer_coef the fit was
 * given; only a penalized fit writes it, so every other model keeps the
 * bytes 1.11 reads.  Format 2 (1.4 to 1.6) had no covariance and format 1
 * (1.2, 1.3) no time unit: both still read, with an unknown (NaN)
 * covariance.
 */
#define MODEL_FORMAT 3
#define MODEL_FORMAT_PENALIZED 4

typedef struct Model
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* MODEL_FORMAT */
	uint8		kind;
	uint8		nparams;
	bool		converged;
	int32		iterations;		/* likelihood evaluations the fit took */
	double		customers;		/* summed weight of the rows fitted */
	double		log_likelihood;
	Interval	time_unit;		/* all zero: not recorded */
	double		values[FLEXIBLE_ARRAY_MEMBER];	/* estimates, standard errors, covariance */
} Model;

#define MODEL_SIZE_V2(nparams)	(offsetof(Model, values) + 2 * sizeof(double) * (nparams))
#define MODEL_SIZE(nparams)		(MODEL_SIZE_V2(nparams) + sizeof(double) * (nparams) * (nparams))
#define MODEL_SIZE_PENALIZED(nparams) (MODEL_SIZE(nparams) + sizeof(double))
/* format 4's penalizer, after the covariance */
#define MODEL_PENALIZER_SLOT(m)	((m)->values + (m)->nparams * (2 + (m)->nparams))
#define MODEL_ESTIMATE(m)		((m)->values)
/* NaN where the information is singular */
#define MODEL_STD_ERROR(m)		((m)->values + (m)->nparams)
/* of the log-parameters, row-major; NaN where unknown (singular, or stored by 1.6 or before) */
#define MODEL_COVARIANCE(m)		((m)->values + 2 * (m)->nparams)

extern Model *model_new(ModelKind kind);
/* lifetimes' penalizer_coef the model was fitted with, 0 for none */
extern double model_penalizer(const Model *m);
/* m as a penalized fit's model (format 4), or itself when penalizer is 0 */
extern Model *model_with_penalizer(Model *m, double penalizer);
extern bool model_has_time_unit(const Model *m);
/* Why an interval cannot be a time unit, or NULL when it can */
extern const char *model_time_unit_problem(const Interval *unit);
/* A time unit in PostgreSQL's own interval style, whatever IntervalStyle says */
extern char *model_interval_text(const Interval *unit);

/* The model argument, detoasted and checked to be of this kind (or, MODEL_ANY, of one) */
extern const Model *model_arg(FunctionCallInfo fcinfo, int argno, ModelKind kind);
/* ERROR 22023 for a model whose fit did not converge */
extern void model_require_converged(const Model *m, const char *fname);
/*
 * DERT's continuous rate a time unit, ln(1 + rate/100), of a discount rate
 * in % a time unit; ERROR 22003 unless it is above 0 and finite
 */
extern double model_continuous_discount(const char *fname, double rate);
/* ERROR 22023 when the caller's time unit (argument nargs_without, if given) is not the model's */
extern void model_check_time_unit(FunctionCallInfo fcinfo, int nargs_without, const Model *m,
								  const char *fname);

/*
 * Intervals on predictions (model.c).  A prediction is a function of a
 * model's parameters; its delta-method standard error is
 * sqrt(g' C g), g its gradient in the log-parameters (central differences)
 * and C the stored covariance of the log-parameters.  NaN when C is unknown.
 */
typedef double (*ModelPrediction) (const Model *m, const void *arg);

/*
 * What a prediction function keeps for the rest of the query, in fn_extra
 * (model.c makes it): the interval row type, the normal quantile of the
 * level (found by bisection, microseconds a call), and the function's own
 * memory of computed values: special.c's series cache or a ModelMemo (a
 * function uses one or the other).
 */
typedef struct ModelCallCache
{
	LkRowMaker *interval_rows;
	double		level;			/* the last level seen, and its normal quantile */
	double		z;
	void	   *memo;

	/*
	 * model_arg's last model of arguments 0 and 1: the bytes it was given
	 * and the model it checked (and converted from an older format), so a
	 * query's rows of one model are checked once
	 */
	struct
	{
		struct varlena *given;
		const Model *checked;
	}			args[2];
} ModelCallCache;

extern ModelCallCache *model_call_cache(FunctionCallInfo fcinfo);

/*
 * A prediction's values kept for the query by a key of up to
 * MODEL_MEMO_KEY numbers (unused ones 0), for one model and one set of the
 * other arguments (`extra`, up to MODEL_MEMO_EXTRA): the customers of a
 * query share the model and the horizon, and the costly part of a
 * prediction often depends on few of a customer's numbers (x and T, not
 * t_x), which thousands of customers share.  A call with another model or
 * other `extra` starts the memo afresh; past MODEL_MEMO_MAX_ENTRIES it
 * stops growing.  Returns where the MODEL_MEMO_VALUES values are, and
 * *found: false, the caller computes and writes them there, then calls
 * model_memo_keep to put them in the memo (so an ERROR while computing
 * them, caught by a PL/pgSQL exception block that calls again, leaves no
 * half-written entry behind).
 */
#define MODEL_MEMO_KEY 3
#define MODEL_MEMO_EXTRA 3
#define MODEL_MEMO_VALUES (1 + MODEL_MAX_PARAMS)
extern double *model_memo(FunctionCallInfo fcinfo, const Model *m, const double *extra, int nextra,
						  const double *key, bool *found);
extern void model_memo_keep(FunctionCallInfo fcinfo);

/* Why a covariance without NaN is not one (not positive semi-definite, variances past 1e150), or NULL */
extern const char *model_covariance_problem(const Model *m);
/* The step of the central differences in the log-parameters: about the cube root of epsilon */
#define MODEL_DELTA_STEP 1e-5
extern double model_delta_se(const Model *m, ModelPrediction f, const void *arg);
/* The gradient behind it: of f in the log-parameters, by central differences */
extern void model_log_gradient(const Model *m, ModelPrediction f, const void *arg, double *gradient);
/* The same from a gradient in the log-parameters the caller has in closed form */
extern double model_delta_se_of_gradient(const Model *m, const double *gradient);

/*
 * The prediction_interval row (estimate, standard_error, lower, upper) at
 * `level`: on the log scale for a positive quantity (share_of 0), on the
 * logit scale for a share of share_of (1: a probability, 100: a
 * percentage), so the bounds stay where the quantity can be; NULL bounds
 * (and standard error) when the model stores no covariance.
 */
#define INTERVAL_POSITIVE 0.0
#define INTERVAL_PROBABILITY 1.0
#define INTERVAL_PERCENTAGE 100.0
extern Datum model_interval_result(FunctionCallInfo fcinfo, double estimate, double se, double level,
								   double share_of);
/* The confidence level argument, the last: ERROR 22023 unless 0 < level < 1 */
extern double model_level_arg(FunctionCallInfo fcinfo, const char *fname);
/* The same at argument argno: an interval form given a time unit has it after the level */
extern double model_level_arg_at(FunctionCallInfo fcinfo, int argno, const char *fname);

/* ---------------------------------------------------------------------
 * Fitting (model_fit.c)
 * ---------------------------------------------------------------------
 */

/* The aggregate state: distinct rows with their summed weights */
typedef struct FitState FitState;

extern FitState *fit_state_get(FunctionCallInfo fcinfo, ModelKind kind, const char *accum_name);
extern void fit_state_add(FitState *state, FitKey key, double weight);
extern const char *fit_state_fname(const FitState *state);
extern void fit_state_set_time_unit(FitState *state, const Interval *unit, bool first);
extern bool fit_state_is_empty(const FitState *state);
extern const Interval *fit_state_time_unit(const FitState *state);
/* lifetimes' penalizer_coef the rows were given, 0 when none */
extern double fit_state_penalizer(const FitState *state);

/*
 * Parameters a fit maximizes over: a model's own, or (model_covariates.c)
 * its base parameters and up to COVARIATE_MAX coefficients per process
 */
#define COVARIATE_MAX 10
#define FIT_MAX_PARAMS (MODEL_MAX_PARAMS + 2 * COVARIATE_MAX)

/* The rows of a fit, sorted, so that a fit does not depend on their order */
struct FitData
{
	ModelKind	kind;
	const char *fname;
	int			nparams;		/* what loglik takes: the model's, unless a covariate fit's */
	double		(*loglik) (FitData *d, const double *theta, double *grad);
	/* a sample of the rows for a warm start (stride rows to one), or NULL: none */
	FitData    *(*sample) (const FitData *d, int stride);
	/* the observed information (-LL's Hessian, n x n) at theta, or NULL: by differences */
	void		(*information) (FitData *d, const double *theta, double *h);
	int			n;				/* distinct rows */
	FitKey	   *keys;			/* sorted */
	double	   *weights;
	double		total_weight;
	int			evaluations;
	void	   *arranged;		/* the model's own arrangement (ModelSpec.arrange) */
	double		penalty[MODEL_MAX_PARAMS];	/* fit_penalize's weights, or 0 */
};

extern FitData *fit_data_build(FitState *state);
/* A fit of the model over n sorted distinct rows with their weights, arranged */
extern FitData *fit_data_of(ModelKind kind, const char *fname, FitKey *keys, double *weights, int n);
/* The rows taken stride to one, keeping the total weight and every key's spread */
extern FitData *fit_data_sample(const FitData *d, int stride);
/* -LL's Hessian at theta by central differences of the gradient (2 n evaluations) */
extern void fit_information_by_differences(FitData *d, const double *theta, double *h);
/* Maximizes the likelihood from all parameters 1; the model with its standard errors */
extern Model *fit_model(FitData *d);
/*
 * lifetimes' penalizer_coef c on a BG/NBD, MBG/NBD, Pareto/NBD,
 * Gamma-Gamma or BG/BB fit: d's likelihood becomes the log-likelihood less
 * fit_penalty, which is c times the parameters' squares as lifetimes takes
 * them (see model_fit.c); fit_penalized_model fits it and records c
 */
extern void fit_penalize(FitData *d, double penalizer);
extern double fit_penalty(const FitData *d, const double *theta);
extern Model *fit_penalized_model(FitData *d, double penalizer);

/* Where a fit ended: the log-likelihood, the covariance of theta, converged or not */
typedef struct FitOutcome
{
	bool		want_covariance;	/* given: false for a start, whose information is not needed */
	double		log_likelihood;
	bool		converged;
	double		covariance[FIT_MAX_PARAMS * FIT_MAX_PARAMS];	/* n x n; NaN where singular */
} FitOutcome;

/*
 * Maximizes d's likelihood (d->loglik over d->nparams) from theta, left at
 * the maximum.  Rows without keys (a covariate fit's) start from theta
 * itself; others from a sample's maximum first when they are many.
 */
extern void fit_maximum(FitData *d, double *theta, FitOutcome *out);
/* The sample a warm start maximizes first, or d itself when it is small (or cannot be sampled) */
extern FitData *fit_data_warm_sample(FitData *d);
pg_noreturn extern void fit_cannot_identify(const char *fname, const char *detail, const char *hint);

/*
 * The distinct frequencies x of a fit's rows (key v[0]), sorted, with the
 * summed weight of each and two scratch doubles each, for the per-x terms
 * (lgamma, digamma) a likelihood computes once per distinct x.
 */
typedef struct FitDistinctX
{
	int			nx;
	double	   *xs;
	double	   *weight;
	double	   *scratch;		/* 2 * nx */
	int		   *row_index;		/* per row of the fit, its x's place in xs */
} FitDistinctX;

extern void fit_distinct_x(const FitData *fit, FitDistinctX *x);

/*
 * The n values' distinct values, ascending, into distinct (room for n);
 * ranks[i] is values[i]'s place among them.  Returns how many.  -0.0 is 0.0.
 */
extern int	fit_rank(const double *values, int n, int *ranks, double *distinct);
/*
 * The order of n rows (stride bytes apart) by the doubles at the given
 * columns (most significant first): order[k] is the row k-th in it.  A
 * stable radix sort, so the order depends on the values alone; -0.0 sorts
 * before 0.0 (fold it first).
 */
extern void fit_order_rows(const void *rows, Size stride, const int *columns, int ncolumns, int n, uint32 *order);
/* The index of v in the sorted array a[0..n) (v is there) */
extern int	fit_index_of(const double *a, int n, double v);

/*
 * A purchase model's fit: (frequency, recency, age [, weight] [, time_unit]),
 * or (frequency, recency, age, weight, time_unit, penalizer_coef): the
 * penalizer last and after a unit, as a float after the weight would make
 * the bare literal of fit(..., weight, '7 days') a number (1.12)
 */
typedef struct FitCallForm
{
	bool		weighted;
	bool		penalized;
	int			unit_arg;		/* where the time unit is, when has_unit */
	bool		has_unit;
	bool		unit_is_text;	/* '7 days' written bare: the text form (1.12) */
	text	   *unit_text;		/* a copy of the text last read, and what it read as */
	Interval	unit_read;
} FitCallForm;

extern FitCallForm *fit_call_form(FunctionCallInfo fcinfo);
/* ERROR unless the penalizer argument is 0 or more and the same in every row */
extern void fit_penalizer_arg(FunctionCallInfo fcinfo, int argno, FitState *state);
/* ERROR unless the time unit argument (the last) is positive and the same in every row */
extern void fit_time_unit_arg(FunctionCallInfo fcinfo, FitState *state);

/* Row checks shared by the models: ERROR 22023 naming the field and fname */
pg_noreturn extern void fit_row_error(const char *fname, const char *what, double value, const char *hint);
pg_noreturn extern void fit_frequency_error(const char *fname, double x);
pg_noreturn extern void fit_customer_error(const char *fname, double x, double t_x, double T);

/*
 * A frequency: a whole number, 0 or more.  The checks are inline, as every
 * row of a fit and of a prediction passes them; the errors, which say
 * which part failed, are out of line.
 */
static inline bool
fit_is_frequency(double x)
{
	return isfinite(x) && x >= 0 && x == floor(x);
}

static inline void
fit_check_frequency(const char *fname, double x)
{
	if (unlikely(!fit_is_frequency(x)))
		fit_frequency_error(fname, x);
}

/*
 * A customer's (x, t_x, T): the frequency, and 0 <= t_x <= T, finite; with
 * no repeat purchase (x = 0) the recency is 0, as btyd_summary makes it (a
 * recency with no purchase to end it has no meaning, and P(alive) read it
 * as 1)
 */
static inline void
fit_check_customer(const char *fname, double x, double t_x, double T)
{
	if (unlikely(!(fit_is_frequency(x) && isfinite(T) && isfinite(t_x) && t_x >= 0 && t_x <= T &&
				   (x > 0 || t_x == 0))))
		fit_customer_error(fname, x, t_x, T);
}

extern void fit_check_monetary_value(const char *fname, double zbar);
extern void fit_check_fit_frequency(const char *fname, double x);
extern void fit_check_weight(const char *fname, double weight);
/* The optional weight argument argno, or 1 */
extern double fit_weight_arg(FunctionCallInfo fcinfo, int argno, const char *fname);

/* ---------------------------------------------------------------------
 * Special functions (special.c)
 * ---------------------------------------------------------------------
 */

/* Relative error the predictions promise (README), or an error instead */
#define PREDICTION_TOLERANCE 1e-8

extern double digamma(double x);
/* lgamma(x + d) - lgamma(x), without the cancellation of the plain difference for large x */
extern double lgamma_difference(double x, double d);
/* digamma(x + d) - digamma(x), the same way */
extern double digamma_difference(double x, double d);

/*
 * Sums sum_{n>=1} u_n with u_1 = first and u_{n+1} = u_n (A + n)(B + n) /
 * ((C + n)(n + 1)) z, for 0 <= z < 1 and C > 0, with a running scale
 * (*log_scale) and the magnitude and number of terms for an error bound.
 * When it does not converge in time: ERROR 22003 "fname: too_long_message"
 * with too_long_hint.
 */
extern double power_series(double first, double A, double B, double C, double z, double *magnitude,
						   double *log_scale, int *terms, const char *fname,
						   const char *too_long_message, const char *too_long_hint);
/* 2F1(1, b; c; z), 0 <= z < 1: a discounted sum; ERROR 22003 when z is too near 1 */
extern double hyp2f1_unit_a(double b, double c, double z, const char *fname);
/* The same, remembered for the rest of the query (in model_call_cache) */
extern double hyp2f1_unit_a_cached(FunctionCallInfo fcinfo, double b, double c, double z, const char *fname);
pg_noreturn extern void prediction_accuracy_lost(const char *fname, double relative_error, const char *hint);

/*
 * The integrals over [lo, hi] of up to QUAD_MAX_VALUES functions at once
 * (f writes their values at t), by adaptive Gauss-Kronrod quadrature
 * until the first is within rel_tol, in pieces doubling in width away from
 * peak, the first width wide (for mass in a narrow part of the range);
 * false when it could not get there (a non-finite value, or too many
 * panels).  An empty range is 0.
 */
#define QUAD_MAX_VALUES 6
typedef void (*QuadIntegrand) (double t, const void *arg, double *values);
extern bool quad_integrate_around(QuadIntegrand f, const void *arg, int nvalues, double lo, double hi, double peak,
								  double width, double rel_tol, double *integrals);

/* ---------------------------------------------------------------------
 * Model families: what model.c's table and the predictions of other
 * families use
 * ---------------------------------------------------------------------
 */

/*
 * The rows of a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD fit
 * (bgnbd_arrange), arranged so that an evaluation does each piece of
 * work once: per distinct x (lgamma, digamma), per distinct time (logs),
 * per row with x > 0 (what depends on both).
 */
typedef struct BgnbdData
{
	FitDistinctX x;				/* distinct x, the summed weight of their rows */

	/* distinct times (t_x and T values); x = 0 rows summed by T */
	int			ntimes;
	double	   *times;
	double	   *zero_weight;	/* per time: the weight of rows (0, 0, T = time) */
	double	   *log_at;			/* scratch: ln(alpha + time) */
	double	   *inv_at;			/* scratch: 1 / (alpha + time) */
	double	   *log_bt;			/* scratch: ln(beta + time), Pareto/NBD's */

	/* rows with x > 0 */
	int			nrows;
	int		   *row_x;			/* index into xs */
	int		   *row_recency;	/* index into times */
	int		   *row_age;		/* index into times */
	double	   *row_weight;
} BgnbdData;

/* bgnbd.c: BG/NBD and MBG/NBD, which share rows, arrangement and predictions */
extern void bgnbd_check_row(const char *fname, const FitKey *key);
extern void bgnbd_arrange(FitData *d);
extern double bgnbd_loglik(FitData *d, const double *theta, double *grad);
extern double mbgnbd_loglik(FitData *d, const double *theta, double *grad);
/* ERROR 22023 unless the rows can tell the purchase rate from the dropout: two customers, a repeat purchase */
extern void nbd_check_identifiable(const FitData *d);
/* E[Y(t) | x, t_x, T] of a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model: the purchases expected in the next t */
extern double nbd_expected_conditional(const Model *m, double t, double x, double t_x, double T,
									   const char *fname);
/*
 * The same divided by P(alive) at (r, alpha, a, b), which MBG/NBD shares
 * with b + 1 in b's place: c/(a-1) (1 - ((A+T)/(A+T+t))^(r+x) 2F1(r+x, b+x; c; z)),
 * c = a + b + x - 1, within PREDICTION_TOLERANCE or an error
 */
extern double nbd_expected_if_alive(double r, double alpha, double a, double b, double t, double x,
									double T, const char *fname);
/* P(alive | x, t_x, T) of a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model */
extern double nbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname);
/* The same (finite, or ERROR) with its gradient in the log-parameters, in closed form */
extern double nbd_probability_alive_gradient(const Model *m, double x, double t_x, double T, const char *fname,
											 double *gradient);
/*
 * E[Y(t) | x, t_x, T] / P(alive) of any of the four: the purchases
 * expected of a customer known to be alive, which t_x does not enter
 */
extern double nbd_expected_given_alive(const Model *m, double t, double x, double T, const char *fname);
/* A BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model: the purchase models over (x, t_x, T) */
extern bool nbd_is_purchase_model(const Model *m);
/* ERROR 22003 unless the horizon is 0 or more */
extern void nbd_check_horizon(const char *fname, double t);

/* pareto_nbd.c: the BG/NBD family's rows (bgnbd_check_row, bgnbd_arrange) */
extern double pnbd_loglik(FitData *d, const double *theta, double *grad);
/* P(alive); and, gradient not NULL, its gradient in the log-parameters */
extern double pnbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname,
									 double *gradient);
/* E[Y(t) | x, t_x, T] / P(alive) */
extern double pnbd_expected_if_alive(const Model *m, double t, double x, double T);
/* E[Y(t) | x, t_x, T]; and, gradient not NULL, its gradient in the log-parameters */
extern double pnbd_expected_conditional(const Model *m, double t, double x, double t_x, double T,
										const char *fname, double *gradient);
/* P(X(t) = n) for a new customer */
extern double pnbd_count_probability(const Model *m, double t, int32 n, const char *fname);
/* P(X(T, T+t) = n | x, t_x, T): the same for a customer with that history */
extern double pnbd_count_probability_given(const Model *m, double t, int32 n, double x, double t_x, double T,
										   const char *fname);
/* DERT: the purchases still ahead of a customer with that history, discounted continuously at delta */
extern double pnbd_discounted_expected(const Model *m, double delta, double x, double t_x, double T,
									   const char *fname);

/*
 * The Pareto/NBD with time-varying covariates (Bachmann, Meierer and Naef
 * 2021): a customer's purchase and dropout rates are lambda a(t) and
 * mu d(t), a = exp(g'z(t)) and d = exp(h'w(t)) constant over each of the
 * customer's covariate periods.  model_dyncov.c arranges the customers:
 * time from the first purchase in time units, runs of equal covariates
 * merged into pieces; pareto_nbd.c evaluates.
 */
typedef struct DyncovCustomer
{
	double		x;				/* repeat purchases */
	double		t_x;
	double		T;
	int			npre;			/* pieces before t_x, merged by covariates: pre .. pre + npre - 1 */
	int			pre;
	int			npost;			/* pieces from t_x to T, in time order */
	int			post;
	int			nfuture;		/* pieces after T (predictions), in time order */
	int			future;
} DyncovCustomer;

typedef struct DyncovData
{
	int			np;				/* purchase and dropout covariates */
	int			nd;
	int			nvectors;		/* distinct covariate rows, standardized */
	double	   *zp;				/* nvectors x np */
	double	   *zd;				/* nvectors x nd */
	int			ncustomers;		/* sorted by x, so the series' step tables are shared */
	DyncovCustomer *customers;
	int		   *piece_vector;
	double	   *piece_length;
	double	   *purchase_sum;	/* per customer (np each): z summed over its repeat purchases */
	double	   *rate;			/* scratch: per vector a and d */
	double		lgamma_r;		/* scratch: at the evaluation's r */
	double		digamma_r;
} DyncovData;

/* The summed log-likelihood at theta = (ln r, ln alpha, ln s, ln beta, g, h), its gradient */
extern double pnbd_dyncov_loglik(FitData *d, const double *theta, double *grad);
/*
 * The first customer's P(alive at T) (into alive) and the purchases it is
 * expected to make over its pieces after T, discounted continuously at
 * delta (0: not discounted); ERROR naming fname where its series is out of
 * reach
 */
extern double pnbd_dyncov_expected(DyncovData *d, const double *theta, double delta, const char *fname,
								   double *alive);

/* ggompertz_nbd.c: the BG/NBD family's rows too; a new customer is x = t_x = T = 0 */
extern double ggnbd_loglik(FitData *d, const double *theta, double *grad);
extern double ggnbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname);
extern double ggnbd_expected_if_alive(const Model *m, double t, double x, double T, const char *fname);
extern double ggnbd_expected_conditional(const Model *m, double t, double x, double t_x, double T,
										 const char *fname);
extern double ggnbd_count_probability_given(const Model *m, double t, int32 n, double x, double t_x, double T,
											const char *fname);
extern double ggnbd_discounted_expected(const Model *m, double delta, double x, double t_x, double T,
										const char *fname);
/* The same divided by P(alive), which t_x does not enter */
extern double ggnbd_discounted_if_alive(const Model *m, double delta, double x, double T, const char *fname);

/* gamma_gamma.c */
extern void gamma_gamma_check_row(const char *fname, const FitKey *key);
extern void gamma_gamma_arrange(FitData *d);
extern double gamma_gamma_loglik(FitData *d, const double *theta, double *grad);

/* sbg.c */
extern void sbg_check_row(const char *fname, const FitKey *key);
extern void sbg_arrange(FitData *d);
extern double sbg_loglik(FitData *d, const double *theta, double *grad);

/* bgbb.c */
extern void bgbb_check_row(const char *fname, const FitKey *key);
extern void bgbb_arrange(FitData *d);
extern double bgbb_loglik(FitData *d, const double *theta, double *grad);

#endif							/* LOYALTY_KPI_MODEL_H */
