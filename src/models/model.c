/*
 * model.c
 *		The stored model type every customer-base model shares (text,
 *		binary and jsonb forms, a format version, every field validated on
 *		input), its accessors, and the table of model kinds (model.h says
 *		where the rest of a model lives).
 *
 * Text form: v3:bgnbd:r=..,alpha=..,a=..,b=..;se=..,..;cov=..,..;
 * log_likelihood=..;customers=..;iterations=..;converged=true
 * [;time_unit=7 days], cov the covariance of the log-parameters row by
 * row; a penalized fit's is v4, with ;penalizer_coef=.. before the time
 * unit.  Formats 1 (1.2 and 1.3: no time unit) and 2 (1.4 to 1.6: no
 * covariance) still read, from text, binary and disk.
 */
#include "model.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

const ModelSpec model_specs[MODEL_KIND_MAX + 1] = {
	[MODEL_BGNBD] = {"bgnbd", "bgnbd_model", "bgnbd_fit", 4, {"r", "alpha", "a", "b"}, true,
	bgnbd_check_row, bgnbd_arrange, bgnbd_loglik},
	[MODEL_GAMMA_GAMMA] = {"gamma_gamma", "gamma_gamma_model", "gamma_gamma_fit", 3, {"p", "q", "gamma"}, false,
	gamma_gamma_check_row, gamma_gamma_arrange, gamma_gamma_loglik},
	[MODEL_SBG] = {"sbg", "sbg_model", "sbg_fit", 2, {"alpha", "beta"}, false,
	sbg_check_row, sbg_arrange, sbg_loglik},
	[MODEL_BGBB] = {"bgbb", "bgbb_model", "bgbb_fit", 4, {"alpha", "beta", "gamma", "delta"}, false,
	bgbb_check_row, bgbb_arrange, bgbb_loglik},
	[MODEL_MBGNBD] = {"mbgnbd", "mbgnbd_model", "mbgnbd_fit", 4, {"r", "alpha", "a", "b"}, true,
	bgnbd_check_row, bgnbd_arrange, mbgnbd_loglik},
	[MODEL_PARETO_NBD] = {"pareto_nbd", "pareto_nbd_model", "pareto_nbd_fit", 4, {"r", "alpha", "s", "beta"}, true,
	bgnbd_check_row, bgnbd_arrange, pnbd_loglik},
	[MODEL_GGOMPERTZ_NBD] = {"ggompertz_nbd", "ggompertz_nbd_model", "ggompertz_nbd_fit", 5,
	{"r", "alpha", "b", "s", "beta"}, true, bgnbd_check_row, bgnbd_arrange, ggnbd_loglik},
};

/* Format 1 (1.2 and 1.3), read from tables and dumps: fixed room for four parameters */
typedef struct ModelV1
{
	int32		vl_len_;
	uint8		version;
	uint8		kind;
	uint8		nparams;
	bool		converged;
	int32		iterations;
	double		customers;
	double		log_likelihood;
	double		estimate[4];
	double		std_error[4];
} ModelV1;

bool
model_has_time_unit(const Model *m)
{
	return m->time_unit.month != 0 || m->time_unit.day != 0 || m->time_unit.time != 0;
}

Model *
model_new(ModelKind kind)
{
	int			n = model_specs[kind].nparams;
	Model	   *m = palloc0(MODEL_SIZE(n));

	SET_VARSIZE(m, MODEL_SIZE(n));
	m->version = MODEL_FORMAT;
	m->kind = kind;
	m->nparams = n;
	for (int i = 0; i < n; i++)
		MODEL_STD_ERROR(m)[i] = get_float8_nan();
	for (int i = 0; i < n * n; i++)
		MODEL_COVARIANCE(m)[i] = get_float8_nan();
	return m;
}

double
model_penalizer(const Model *m)
{
	return m->version == MODEL_FORMAT_PENALIZED ? *MODEL_PENALIZER_SLOT(m) : 0;
}

Model *
model_with_penalizer(Model *m, double penalizer)
{
	Model	   *penalized;

	if (penalizer == 0)
		return m;
	penalized = palloc(MODEL_SIZE_PENALIZED(m->nparams));
	memcpy(penalized, m, MODEL_SIZE(m->nparams));
	SET_VARSIZE(penalized, MODEL_SIZE_PENALIZED(m->nparams));
	penalized->version = MODEL_FORMAT_PENALIZED;
	*MODEL_PENALIZER_SLOT(penalized) = penalizer;
	return penalized;
}

/* The size a value of m's version and parameters has */
static Size
model_size(const Model *m)
{
	return m->version == MODEL_FORMAT_PENALIZED ? MODEL_SIZE_PENALIZED(m->nparams) : MODEL_SIZE(m->nparams);
}

/* A time unit a fit may record: not negative in any field, not zero */
const char *
model_time_unit_problem(const Interval *unit)
{
	if (unit->month < 0 || unit->day < 0 || unit->time < 0 ||
		(unit->month == 0 && unit->day == 0 && unit->time == 0))
		return "The time unit must be a positive interval, such as '7 days'.";
	return NULL;
}

/* Why a model's fields cannot be a model of this kind, or NULL when they can */
static const char *
model_problem(const Model *m, ModelKind kind)
{
	const ModelSpec *spec = &model_specs[kind];

	if (m->version != MODEL_FORMAT && m->version != MODEL_FORMAT_PENALIZED)
		return psprintf("Format version %d is not one this release reads (it reads 1 to %d).",
						m->version, MODEL_FORMAT_PENALIZED);
	if (m->version == MODEL_FORMAT_PENALIZED && !(model_penalizer(m) > 0 && isfinite(model_penalizer(m))))
		return "The penalizer must be a positive finite number (format 4 is a penalized fit's).";
	if (m->kind != kind || m->nparams != spec->nparams)
		return psprintf("It is not a %s.", spec->type_name);
	for (int i = 0; i < spec->nparams; i++)
	{
		double		estimate = MODEL_ESTIMATE(m)[i];
		double		se = MODEL_STD_ERROR(m)[i];

		if (!isfinite(estimate) || estimate <= 0)
			return psprintf("Parameter %s must be a positive finite number.", spec->params[i]);
		if (!isnan(se) && !(isfinite(se) && se >= 0))
			return psprintf("The standard error of %s must be a non-negative number or NaN.",
							spec->params[i]);
	}
	for (int i = 0; i < spec->nparams; i++)
		for (int j = 0; j < spec->nparams; j++)
		{
			double		c = MODEL_COVARIANCE(m)[i * spec->nparams + j];
			double		t = MODEL_COVARIANCE(m)[j * spec->nparams + i];

			if (!(isnan(c) || isfinite(c)) || (i == j && c < 0) ||
				!(c == t || (isnan(c) && isnan(t))))
				return "The covariance must be a symmetric matrix of finite numbers (or NaN) with a non-negative diagonal.";
		}
	if (!isfinite(m->log_likelihood))
		return "The log-likelihood must be finite.";
	if (!isfinite(m->customers) || m->customers <= 0)
		return "The number of customers must be positive.";
	if (m->iterations < 0)
		return "The number of iterations must not be negative.";
	if (model_has_time_unit(m) && model_time_unit_problem(&m->time_unit) != NULL)
		return model_time_unit_problem(&m->time_unit);
	if (!spec->has_time_unit && model_has_time_unit(m))
		return psprintf("A model of type %s records no time unit.", spec->type_name);
	return NULL;
}

/*
 * Why a known covariance (no NaN) cannot be one, or NULL when it can: a
 * covariance is positive semi-definite, and its variances must leave room
 * to be multiplied by a gradient.  A pivoted Cholesky factorization takes
 * the largest remaining variance at each step; a remaining block whose
 * largest variance is rounding (1e-9 of the largest) must be rounding
 * throughout.  Kept out of model_problem, which every stored value
 * passes when read: values stored by 1.10 and before, which did not
 * check this, stay readable and dump; input refuses them, and so do the
 * interval functions (model_delta_se_of_gradient).
 */
const char *
model_covariance_problem(const Model *m)
{
	int			n = m->nparams;
	double		a[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	bool		done[MODEL_MAX_PARAMS] = {false};
	double		largest = 0;

	for (int i = 0; i < n * n; i++)
	{
		a[i] = MODEL_COVARIANCE(m)[i];
		if (isnan(a[i]))
			return NULL;		/* unknown: the interval functions give NULL bounds */
	}
	for (int i = 0; i < n; i++)
	{
		if (a[i * n + i] > 1e150)
			return "A variance in the covariance is above 1e150, too large to give a standard error.";
		largest = Max(largest, a[i * n + i]);
	}
	for (int step = 0; step < n; step++)
	{
		int			p = -1;

		for (int i = 0; i < n; i++)
			if (!done[i] && (p < 0 || a[i * n + i] > a[p * n + p]))
				p = i;
		if (a[p * n + p] <= 1e-9 * largest)
		{
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++)
					if (!done[i] && !done[j] && fabs(a[i * n + j]) > 1e-9 * Max(largest, DBL_MIN))
						return "The covariance must be positive semi-definite (as the inverse of a fit's information is).";
			return NULL;
		}
		done[p] = true;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				if (!done[i] && !done[j])
					a[i * n + j] -= a[i * n + p] * a[p * n + j] / a[p * n + p];
	}
	return NULL;
}

/* A format-1 value as format 3 (no time unit recorded, covariance unknown); NULL when it is not one */
static Model *
model_from_v1(const ModelV1 *old)
{
	Model	   *m;

	if (VARSIZE(old) != sizeof(ModelV1) || old->kind < 1 || old->kind > MODEL_KIND_MAX ||
		old->nparams != model_specs[old->kind].nparams)
		return NULL;
	m = model_new((ModelKind) old->kind);
	m->converged = old->converged;
	m->iterations = old->iterations;
	m->customers = old->customers;
	m->log_likelihood = old->log_likelihood;
	memcpy(MODEL_ESTIMATE(m), old->estimate, sizeof(double) * m->nparams);
	memcpy(MODEL_STD_ERROR(m), old->std_error, sizeof(double) * m->nparams);
	return m;
}

/* A format-2 value as format 3 (covariance unknown); NULL when it is not one */
static Model *
model_from_v2(const Model *old)
{
	Model	   *m;

	if (old->kind < 1 || old->kind > MODEL_KIND_MAX || old->nparams != model_specs[old->kind].nparams ||
		VARSIZE(old) != MODEL_SIZE_V2(old->nparams))
		return NULL;
	m = model_new((ModelKind) old->kind);
	memcpy(m, old, MODEL_SIZE_V2(old->nparams));
	SET_VARSIZE(m, MODEL_SIZE(m->nparams));
	m->version = MODEL_FORMAT;
	return m;
}

/* A model value read as format 3 and checked to be of this kind (or, MODEL_ANY, of one) */
static const Model *
model_check(struct varlena *given, ModelKind kind)
{
	Model	   *m = (Model *) given;

	/* values stored by 1.2 to 1.6 stay as they were on disk */
	if (VARSIZE(m) >= offsetof(Model, values) && m->version == 1)
		m = model_from_v1((const ModelV1 *) m);
	else if (VARSIZE(m) >= offsetof(Model, values) && m->version == 2)
		m = model_from_v2(m);
	if (m == NULL || VARSIZE(m) < offsetof(Model, values) ||
		m->kind < 1 || m->kind > MODEL_KIND_MAX || m->nparams != model_specs[m->kind].nparams ||
		VARSIZE(m) != model_size(m))
		elog(ERROR, "corrupt model value");
	if (kind == MODEL_ANY)
		kind = (ModelKind) m->kind;
	if (model_problem(m, kind) != NULL)
		elog(ERROR, "corrupt %s value", model_specs[kind].type_name);
	return m;
}

/*
 * The model argument, detoasted and checked to be of this kind (or,
 * MODEL_ANY, of one).  Arguments 0 and 1 are checked once for as long as
 * the calls of a query give the same bytes (model_call_cache keeps them).
 */
const Model *
model_arg(FunctionCallInfo fcinfo, int argno, ModelKind kind)
{
	struct varlena *given = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	ModelCallCache *cache = NULL;
	const Model *checked;

	if (fcinfo->flinfo != NULL && argno < (int) lengthof(cache->args))
	{
		cache = model_call_cache(fcinfo);
		if (cache->args[argno].given != NULL && VARSIZE(cache->args[argno].given) == VARSIZE(given) &&
			memcmp(cache->args[argno].given, given, VARSIZE(given)) == 0 &&
			(kind == MODEL_ANY || kind == cache->args[argno].checked->kind))
			return cache->args[argno].checked;
	}
	checked = model_check(given, kind);
	if (cache != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (cache->args[argno].given != NULL)
		{
			pfree(cache->args[argno].given);
			pfree((Model *) cache->args[argno].checked);
		}
		cache->args[argno].given = palloc(VARSIZE(given));
		memcpy(cache->args[argno].given, given, VARSIZE(given));
		cache->args[argno].checked = palloc(VARSIZE(checked));
		memcpy((Model *) cache->args[argno].checked, checked, VARSIZE(checked));
		MemoryContextSwitchTo(old);
	}
	return checked;
}

double
model_continuous_discount(const char *fname, double rate)
{
	if (!(rate > 0 && isfinite(rate)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "discount rate", rate,
						  "The discount rate is a percentage per time unit, above 0.");
	return log1p(rate / 100);
}

/* Predictions from a model whose fit did not converge would be numbers presented as right */
void
model_require_converged(const Model *m, const char *fname)
{
	if (!m->converged)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the %s did not converge", fname, model_specs[m->kind].type_name),
				 errdetail("Its fit stopped after %d evaluations without reaching a maximum of the likelihood.",
						   m->iterations),
				 errhint("Check the data it was fitted to; converged(model) tells whether a model can be used.")));
}

/*
 * A time unit in PostgreSQL's own interval style, whatever IntervalStyle
 * says, so a model's text is the same in every session (interval input
 * reads it back).  Units are validated positive in every field.
 */
char *
model_interval_text(const Interval *unit)
{
	StringInfoData buf;
	int64		seconds = unit->time / USECS_PER_SEC;
	int64		fraction = unit->time % USECS_PER_SEC;

	initStringInfo(&buf);
	if (unit->month != 0)
		appendStringInfo(&buf, "%d mon%s", unit->month, unit->month == 1 ? "" : "s");
	if (unit->day != 0)
		appendStringInfo(&buf, "%s%d day%s", buf.len ? " " : "", unit->day, unit->day == 1 ? "" : "s");
	if (unit->time != 0 || buf.len == 0)
	{
		appendStringInfo(&buf, "%s%02lld:%02d:%02d", buf.len ? " " : "", (long long) (seconds / 3600),
						 (int) (seconds / 60 % 60), (int) (seconds % 60));
		if (fraction != 0)
			appendStringInfo(&buf, ".%06d", (int) fraction);
	}
	return buf.data;
}

/*
 * Predictions given the caller's time unit (their last argument, when
 * PG_NARGS() is one more than the form without it) check it is the
 * model's: times in another unit would give numbers that look right.
 */
/*
 * The same length: '36 hours' is '1 day 12:00', the form btyd_summary's
 * time_unit column gives it in.  Units are never negative (checked on the
 * way in), so days carry from the time without overflow.
 */
static bool
model_same_time_unit(const Interval *a, const Interval *b)
{
	return a->month == b->month &&
		(int64) a->day + a->time / USECS_PER_DAY == (int64) b->day + b->time / USECS_PER_DAY &&
		a->time % USECS_PER_DAY == b->time % USECS_PER_DAY;
}

void
model_check_time_unit(FunctionCallInfo fcinfo, int nargs_without, const Model *m, const char *fname)
{
	const Interval *unit;

	if (PG_NARGS() <= nargs_without)
		return;
	unit = PG_GETARG_INTERVAL_P(nargs_without);
	if (!model_has_time_unit(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model does not record the time unit it was fitted in", fname),
				 errhint("Fit it with %s(frequency, recency, age, time_unit), or call %s without a time unit.",
						 model_specs[m->kind].fit_name, fname)));
	if (!model_same_time_unit(unit, &m->time_unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model was fitted in units of %s, not %s", fname,
						model_interval_text(&m->time_unit), model_interval_text(unit)),
				 errhint("Give times in the unit the model was fitted in.")));
}

pg_noreturn static void
model_syntax_error(ModelKind kind, const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", model_specs[kind].type_name, input),
			 errdetail("%s", detail)));
}

/* Consumes `literal` at *p, or reports what was expected */
static void
expect_text(ModelKind kind, const char *input, const char **p, const char *literal)
{
	size_t		len = strlen(literal);

	if (strncmp(*p, literal, len) != 0)
		model_syntax_error(kind, input, psprintf("Expected \"%s\" at \"%s\".", literal, *p));
	*p += len;
}

/* Reads a number (NaN only where nan_ok) at *p */
static double
read_number(ModelKind kind, const char *input, const char **p, bool nan_ok)
{
	char	   *end;
	double		v;

	if (**p == '\0' || isspace((unsigned char) **p))
		model_syntax_error(kind, input, psprintf("Expected a number at \"%s\".", *p));
	errno = 0;
	v = strtod(*p, &end);
	/* ERANGE on underflow still gives a number (a denormal or 0, which the checks judge) */
	if (end == *p || (isnan(v) && !nan_ok) || isinf(v))
		model_syntax_error(kind, input, psprintf("Expected a finite number at \"%s\".", *p));
	*p = end;
	return v;
}

/* The time unit at the end of the text form, through interval's own input (any IntervalStyle) */
static void
read_time_unit(ModelKind kind, const char *input, const char *p, Interval *unit)
{
	MemoryContext context = CurrentMemoryContext;
	Interval   *volatile read = NULL;

	/* interval_in only allocates, so its error can be turned into ours */
	PG_TRY();
	{
		read = DatumGetIntervalP(DirectFunctionCall3(interval_in, CStringGetDatum(p),
													 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		FlushErrorState();
	}
	PG_END_TRY();
	if (read == NULL)
		model_syntax_error(kind, input, psprintf("The time unit \"%s\" is not an interval.", p));
	*unit = *read;
}

static Datum
model_in(FunctionCallInfo fcinfo, ModelKind kind)
{
	const char *input = PG_GETARG_CSTRING(0);
	const ModelSpec *spec = &model_specs[kind];
	const char *p = input;
	Model	   *m = model_new(kind);
	const char *problem;
	double		iterations,
				penalizer = 0;
	int			version;

	if (strncmp(p, "v1:", 3) == 0 || strncmp(p, "v2:", 3) == 0 || strncmp(p, "v3:", 3) == 0 ||
		strncmp(p, "v4:", 3) == 0)
		version = p[1] - '0';
	else
		model_syntax_error(kind, input, psprintf("It must start with \"v1:\", \"v2:\", \"v3:\" or \"v%d:\", the format versions this release reads.",
												 MODEL_FORMAT_PENALIZED));
	p += 3;
	expect_text(kind, input, &p, psprintf("%s:", spec->name));
	for (int i = 0; i < spec->nparams; i++)
	{
		expect_text(kind, input, &p, psprintf("%s%s=", i ? "," : "", spec->params[i]));
		MODEL_ESTIMATE(m)[i] = read_number(kind, input, &p, false);
	}
	expect_text(kind, input, &p, ";se=");
	for (int i = 0; i < spec->nparams; i++)
	{
		if (i > 0)
			expect_text(kind, input, &p, ",");
		MODEL_STD_ERROR(m)[i] = read_number(kind, input, &p, true);
	}
	/* format 3 on: the covariance of the log-parameters, row by row */
	if (version >= MODEL_FORMAT)
	{
		expect_text(kind, input, &p, ";cov=");
		for (int i = 0; i < spec->nparams * spec->nparams; i++)
		{
			if (i > 0)
				expect_text(kind, input, &p, ",");
			MODEL_COVARIANCE(m)[i] = read_number(kind, input, &p, true);
		}
	}
	expect_text(kind, input, &p, ";log_likelihood=");
	m->log_likelihood = read_number(kind, input, &p, false);
	expect_text(kind, input, &p, ";customers=");
	m->customers = read_number(kind, input, &p, false);
	expect_text(kind, input, &p, ";iterations=");
	iterations = read_number(kind, input, &p, false);
	if (iterations != floor(iterations) || iterations < 0 || iterations > PG_INT32_MAX)
		model_syntax_error(kind, input, "The iterations must be a whole number.");
	m->iterations = (int32) iterations;
	expect_text(kind, input, &p, ";converged=");
	if (strncmp(p, "true", 4) == 0)
		m->converged = true;
	else if (strncmp(p, "false", 5) == 0)
		m->converged = false;
	else
		model_syntax_error(kind, input, "Expected converged=true or converged=false.");
	p += m->converged ? 4 : 5;
	if (version == MODEL_FORMAT_PENALIZED)
	{
		expect_text(kind, input, &p, ";penalizer_coef=");
		penalizer = read_number(kind, input, &p, false);
		if (!(penalizer > 0))
			model_syntax_error(kind, input, "The penalizer of format 4 is a positive number.");
	}
	if (version >= 2 && strncmp(p, ";time_unit=", 11) == 0)
	{
		read_time_unit(kind, input, p + 11, &m->time_unit);
		if (!model_has_time_unit(m))
			model_syntax_error(kind, input, "The time unit must be a positive interval, such as '7 days'.");
	}
	else if (*p != '\0')
		model_syntax_error(kind, input, psprintf("Unexpected \"%s\" at the end.", p));
	m = model_with_penalizer(m, penalizer);
	if ((problem = model_problem(m, kind)) != NULL || (problem = model_covariance_problem(m)) != NULL)
		model_syntax_error(kind, input, problem);
	PG_RETURN_POINTER(m);
}

static Datum
model_out(FunctionCallInfo fcinfo, ModelKind kind)
{
	const Model *m = model_arg(fcinfo, 0, kind);
	const ModelSpec *spec = &model_specs[kind];
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d:%s:", m->version, spec->name);
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfo(&buf, "%s%s=", i ? "," : "", spec->params[i]);
		lk_append_double(&buf, MODEL_ESTIMATE(m)[i]);
	}
	appendStringInfoString(&buf, ";se=");
	for (int i = 0; i < spec->nparams; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		lk_append_double(&buf, MODEL_STD_ERROR(m)[i]);
	}
	appendStringInfoString(&buf, ";cov=");
	for (int i = 0; i < spec->nparams * spec->nparams; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		lk_append_double(&buf, MODEL_COVARIANCE(m)[i]);
	}
	appendStringInfoString(&buf, ";log_likelihood=");
	lk_append_double(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ";customers=");
	lk_append_double(&buf, m->customers);
	appendStringInfo(&buf, ";iterations=%d;converged=%s", m->iterations,
					 m->converged ? "true" : "false");
	if (m->version == MODEL_FORMAT_PENALIZED)
	{
		appendStringInfoString(&buf, ";penalizer_coef=");
		lk_append_double(&buf, model_penalizer(m));
	}
	if (model_has_time_unit(m))
		appendStringInfo(&buf, ";time_unit=%s", model_interval_text(&m->time_unit));
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, kind, nparams, converged (bytes), iterations
 * (int32), customers, log-likelihood, then (format 2 on) the time unit as
 * microseconds, days and months, then the estimate and standard error of
 * each parameter (float8), then (format 3 on) the covariance of the
 * log-parameters row by row (float8), then (format 4) the penalizer.
 */


static Datum
model_recv(FunctionCallInfo fcinfo, ModelKind kind)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Model	   *m = model_new(kind);
	const char *problem;
	int			version,
				nparams,
				converged;
	double		penalizer = 0;

	if (buf->len - buf->cursor < 4)
		lk_binary_error(model_specs[kind].type_name, psprintf("It is %d bytes long; the header alone takes 4.",
										  buf->len - buf->cursor));
	version = pq_getmsgbyte(buf);
	m->kind = pq_getmsgbyte(buf);
	nparams = pq_getmsgbyte(buf);
	converged = pq_getmsgbyte(buf);
	if (version < 1 || version > MODEL_FORMAT_PENALIZED)
		lk_binary_error(model_specs[kind].type_name, psprintf("Format version %d is not one this release reads (it reads 1 to %d).",
										  version, MODEL_FORMAT_PENALIZED));
	if (m->kind != kind || nparams != m->nparams)
		lk_binary_error(model_specs[kind].type_name, psprintf("It is not a %s.", model_specs[kind].type_name));
	else
	{
		int			expected_len = 4 + 4 + 8 + 8 + (version == 1 ? 0 : 16) + 16 * nparams
			+ (version >= 3 ? 8 * nparams * nparams : 0) + (version == MODEL_FORMAT_PENALIZED ? 8 : 0);

		if (buf->len - buf->cursor != expected_len - 4)
			lk_binary_error(model_specs[kind].type_name, psprintf("Expected %d bytes, got %d.",
											  expected_len, buf->len - buf->cursor + 4));
		m->iterations = (int32) pq_getmsgint(buf, 4);
		m->customers = pq_getmsgfloat8(buf);
		m->log_likelihood = pq_getmsgfloat8(buf);
		if (version >= 2)
		{
			m->time_unit.time = pq_getmsgint64(buf);
			m->time_unit.day = pq_getmsgint(buf, 4);
			m->time_unit.month = pq_getmsgint(buf, 4);
		}
		for (int i = 0; i < nparams; i++)
		{
			MODEL_ESTIMATE(m)[i] = pq_getmsgfloat8(buf);
			MODEL_STD_ERROR(m)[i] = pq_getmsgfloat8(buf);
			/* one NaN, as the text form reads it, so both forms round-trip */
			if (isnan(MODEL_STD_ERROR(m)[i]))
				MODEL_STD_ERROR(m)[i] = get_float8_nan();
		}
		for (int i = 0; version >= 3 && i < nparams * nparams; i++)
		{
			MODEL_COVARIANCE(m)[i] = pq_getmsgfloat8(buf);
			if (isnan(MODEL_COVARIANCE(m)[i]))
				MODEL_COVARIANCE(m)[i] = get_float8_nan();
		}
		if (version == MODEL_FORMAT_PENALIZED)
		{
			penalizer = pq_getmsgfloat8(buf);
			if (!(penalizer > 0))
				lk_binary_error(model_specs[kind].type_name, "The penalizer of format 4 is a positive number.");
			m = model_with_penalizer(m, penalizer);
		}
	}
	if (converged > 1)
		problem = "The converged flag must be 0 or 1.";
	else if ((problem = model_problem(m, kind)) == NULL)
		problem = model_covariance_problem(m);
	if (problem != NULL)
		lk_binary_error(model_specs[kind].type_name, problem);
	m->converged = converged == 1;
	PG_RETURN_POINTER(m);
}

static Datum
model_send(FunctionCallInfo fcinfo, ModelKind kind)
{
	const Model *m = model_arg(fcinfo, 0, kind);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->kind);
	pq_sendbyte(&buf, m->nparams);
	pq_sendbyte(&buf, m->converged ? 1 : 0);
	pq_sendint32(&buf, m->iterations);
	pq_sendfloat8(&buf, m->customers);
	pq_sendfloat8(&buf, m->log_likelihood);
	pq_sendint64(&buf, m->time_unit.time);
	pq_sendint32(&buf, m->time_unit.day);
	pq_sendint32(&buf, m->time_unit.month);
	for (int i = 0; i < m->nparams; i++)
	{
		pq_sendfloat8(&buf, MODEL_ESTIMATE(m)[i]);
		pq_sendfloat8(&buf, MODEL_STD_ERROR(m)[i]);
	}
	for (int i = 0; i < m->nparams * m->nparams; i++)
		pq_sendfloat8(&buf, MODEL_COVARIANCE(m)[i]);
	if (m->version == MODEL_FORMAT_PENALIZED)
		pq_sendfloat8(&buf, model_penalizer(m));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * jsonb: {"model": "bgnbd", "parameters": {"r": {"estimate": .., "standard_error": ..},
 * ...}, "log_covariance": [[..], ..], "log_likelihood": .., "customers": ..,
 * "evaluations": .., "converged": true, "time_unit": "7 days"}; a standard
 * error or covariance the information could not give is null, and so is an
 * unrecorded time unit.
 */
static Datum
model_jsonb(FunctionCallInfo fcinfo, ModelKind kind)
{
	const Model *m = model_arg(fcinfo, 0, kind);
	const ModelSpec *spec = &model_specs[kind];
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"model\": \"%s\", \"version\": %d, \"parameters\": {", spec->name, m->version);
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfo(&buf, "%s\"%s\": {\"estimate\": ", i ? ", " : "", spec->params[i]);
		lk_append_json_number(&buf, MODEL_ESTIMATE(m)[i]);
		appendStringInfoString(&buf, ", \"standard_error\": ");
		lk_append_json_number(&buf, MODEL_STD_ERROR(m)[i]);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "}, \"log_covariance\": [");
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfoString(&buf, i ? ", [" : "[");
		for (int j = 0; j < spec->nparams; j++)
		{
			if (j > 0)
				appendStringInfoString(&buf, ", ");
			lk_append_json_number(&buf, MODEL_COVARIANCE(m)[i * spec->nparams + j]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"log_likelihood\": ");
	lk_append_json_number(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ", \"customers\": ");
	lk_append_json_number(&buf, m->customers);
	appendStringInfo(&buf, ", \"evaluations\": %d, \"converged\": %s, ",
					 m->iterations, m->converged ? "true" : "false");
	if (m->version == MODEL_FORMAT_PENALIZED)
	{
		appendStringInfoString(&buf, "\"penalizer_coef\": ");
		lk_append_json_number(&buf, model_penalizer(m));
		appendStringInfoString(&buf, ", ");
	}
	appendStringInfoString(&buf, "\"time_unit\": ");
	if (model_has_time_unit(m))
		appendStringInfo(&buf, "\"%s\"}", model_interval_text(&m->time_unit));
	else
		appendStringInfoString(&buf, "null}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

#define MODEL_IO_FUNCTIONS(prefix, kind) \
PG_FUNCTION_INFO_V1(prefix##_in); \
Datum prefix##_in(PG_FUNCTION_ARGS) { return model_in(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_out); \
Datum prefix##_out(PG_FUNCTION_ARGS) { return model_out(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_recv); \
Datum prefix##_recv(PG_FUNCTION_ARGS) { return model_recv(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_send); \
Datum prefix##_send(PG_FUNCTION_ARGS) { return model_send(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_jsonb); \
Datum prefix##_jsonb(PG_FUNCTION_ARGS) { return model_jsonb(fcinfo, kind); }

MODEL_IO_FUNCTIONS(bgnbd_model, MODEL_BGNBD)
MODEL_IO_FUNCTIONS(gamma_gamma_model, MODEL_GAMMA_GAMMA)

/* --- accessors, one C function each for both model types (the SQL declares the overloads) */

PG_FUNCTION_INFO_V1(model_log_likelihood);
Datum
model_log_likelihood(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(model_arg(fcinfo, 0, MODEL_ANY)->log_likelihood);
}

PG_FUNCTION_INFO_V1(model_customers);
Datum
model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(model_arg(fcinfo, 0, MODEL_ANY)->customers);
}

PG_FUNCTION_INFO_V1(model_iterations);
Datum
model_iterations(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(model_arg(fcinfo, 0, MODEL_ANY)->iterations);
}

/* time_unit(model): the unit bgnbd_fit was given, or NULL */
PG_FUNCTION_INFO_V1(model_time_unit);
Datum
model_time_unit(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_ANY);
	Interval   *unit;

	if (!model_has_time_unit(m))
		PG_RETURN_NULL();
	unit = palloc(sizeof(Interval));
	*unit = m->time_unit;
	PG_RETURN_INTERVAL_P(unit);
}

PG_FUNCTION_INFO_V1(model_converged);
Datum
model_converged(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(model_arg(fcinfo, 0, MODEL_ANY)->converged);
}

/* The index of a parameter by name, or ERROR 22023 listing the names */
static int
param_index(const Model *m, const text *name)
{
	const ModelSpec *spec = &model_specs[m->kind];
	char	   *wanted = text_to_cstring(name);
	StringInfoData names;

	for (int i = 0; i < spec->nparams; i++)
		if (strcmp(wanted, spec->params[i]) == 0)
			return i;
	initStringInfo(&names);
	for (int i = 0; i < spec->nparams; i++)
		appendStringInfo(&names, "%s%s", i ? ", " : "", spec->params[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("a %s has no parameter \"%s\"", spec->type_name, wanted),
			 errhint("Its parameters are %s.", names.data)));
}

PG_FUNCTION_INFO_V1(model_parameter);
Datum
model_parameter(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_ANY);

	PG_RETURN_FLOAT8(MODEL_ESTIMATE(m)[param_index(m, PG_GETARG_TEXT_PP(1))]);
}

PG_FUNCTION_INFO_V1(model_standard_error);
Datum
model_standard_error(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_ANY);
	double		se = MODEL_STD_ERROR(m)[param_index(m, PG_GETARG_TEXT_PP(1))];

	if (isnan(se))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(se);
}

/*
 * parameters(model, level): the model as a table a person reads, one row
 * per parameter with its estimate, standard error and interval (1.12).
 * The interval is the one the fit's own scale gives: the fit works on the
 * logarithms of the parameters, where the likelihood is closer to
 * quadratic, so exp(log estimate +- z se / estimate); it stays positive,
 * as every parameter is.  NULL standard error and interval where the
 * information could not give one.
 */
PG_FUNCTION_INFO_V1(model_parameter_rows);
Datum
model_parameter_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	const Model *m;

	if (SRF_IS_FIRSTCALL())
	{
		/* not model_arg: its cache would take fn_extra, which the SRF's context needs */
		const Model *given = model_check(PG_DETOAST_DATUM(PG_GETARG_DATUM(0)), MODEL_ANY);

		(void) model_level_arg_at(fcinfo, 1, "parameters");
		lk_srf_start(fcinfo, (const struct varlena *) given, given->nparams, "parameters");
	}
	funcctx = SRF_PERCALL_SETUP();
	m = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		double		estimate = MODEL_ESTIMATE(m)[i];
		double		se = MODEL_STD_ERROR(m)[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(model_specs[m->kind].params[i]);
		values[1] = Float8GetDatum(estimate);
		if (isnan(se))
			nulls[2] = nulls[3] = nulls[4] = true;
		else
		{
			/* the level read again: a STRICT float argument, checked on the first call */
			double		half = lk_normal_quantile(0.5 + PG_GETARG_FLOAT8(1) / 2) * se / estimate;

			values[2] = Float8GetDatum(se);
			values[3] = Float8GetDatum(estimate * exp(-half));
			values[4] = Float8GetDatum(estimate * exp(half));
		}
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

MODEL_IO_FUNCTIONS(sbg_model, MODEL_SBG)
MODEL_IO_FUNCTIONS(bgbb_model, MODEL_BGBB)
MODEL_IO_FUNCTIONS(mbgnbd_model, MODEL_MBGNBD)
MODEL_IO_FUNCTIONS(pareto_nbd_model, MODEL_PARETO_NBD)
MODEL_IO_FUNCTIONS(ggompertz_nbd_model, MODEL_GGOMPERTZ_NBD)

/* ---------------------------------------------------------------------
 * Intervals on predictions
 * ---------------------------------------------------------------------
 */

ModelCallCache *
model_call_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCallCache));
	return (ModelCallCache *) fcinfo->flinfo->fn_extra;
}

typedef struct MemoKey
{
	double		v[MODEL_MEMO_KEY];
} MemoKey;

/* key3_hash and key3_equal read three numbers */
StaticAssertDecl(MODEL_MEMO_KEY == 3, "the memo's key is hashed as three numbers");

typedef struct ModelMemoEntry
{
	MemoKey		key;
	double		value[MODEL_MEMO_VALUES];
	uint32		hash;
	char		status;
} ModelMemoEntry;

/* simplehash, not dynahash: a lookup a row, inline, at a fifth of hash_search's cost */
#define SH_PREFIX memo
#define SH_ELEMENT_TYPE ModelMemoEntry
#define SH_KEY_TYPE MemoKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) key3_hash((k).v)
#define SH_EQUAL(tb, a, b) key3_equal((a).v, (b).v)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct ModelMemo
{
	MemoryContext context;		/* the table's, reset for another model */
	memo_hash  *table;
	int32		kind;
	double		estimate[MODEL_MAX_PARAMS];
	int			nextra;
	double		extra[MODEL_MEMO_EXTRA];
	MemoKey		missed;			/* a miss's key */
	double		computed[MODEL_MEMO_VALUES];	/* its values, as the caller computes them */
} ModelMemo;

#define MODEL_MEMO_MAX_ENTRIES 262144

double *
model_memo(FunctionCallInfo fcinfo, const Model *m, const double *extra, int nextra, const double *key,
		   bool *found)
{
	ModelCallCache *call = model_call_cache(fcinfo);
	ModelMemo  *memo = call->memo;
	ModelMemoEntry *entry;
	MemoKey		k;

	Assert(nextra <= MODEL_MEMO_EXTRA);
	if (memo == NULL)
	{
		memo = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelMemo));
		memo->context = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "model prediction memo",
											  ALLOCSET_DEFAULT_SIZES);
		call->memo = memo;
	}
	if (memo->table == NULL || memo->kind != m->kind || memo->nextra != nextra ||
		memcmp(memo->estimate, MODEL_ESTIMATE(m), sizeof(double) * m->nparams) != 0 ||
		memcmp(memo->extra, extra, sizeof(double) * nextra) != 0)
	{
		MemoryContextReset(memo->context);
		memo->table = memo_create(memo->context, 1024, NULL);
		memo->kind = m->kind;
		memcpy(memo->estimate, MODEL_ESTIMATE(m), sizeof(double) * m->nparams);
		memo->nextra = nextra;
		memcpy(memo->extra, extra, sizeof(double) * nextra);
	}
	memcpy(k.v, key, sizeof(k.v));
	entry = memo_lookup(memo->table, k);
	if (entry != NULL)
	{
		*found = true;
		return entry->value;
	}
	*found = false;
	memo->missed = k;
	return memo->computed;
}

void
model_memo_keep(FunctionCallInfo fcinfo)
{
	ModelMemo  *memo = model_call_cache(fcinfo)->memo;
	ModelMemoEntry *entry;
	bool		found;

	if (memo->table->members >= MODEL_MEMO_MAX_ENTRIES)
		return;
	entry = memo_insert(memo->table, memo->missed, &found);
	memcpy(entry->value, memo->computed, sizeof(entry->value));
}

double
model_delta_se(const Model *m, ModelPrediction f, const void *arg)
{
	double		g[MODEL_MAX_PARAMS];

	for (int i = 0; i < m->nparams * m->nparams; i++)
		if (isnan(MODEL_COVARIANCE(m)[i]))
			return get_float8_nan();
	model_log_gradient(m, f, arg, g);
	return model_delta_se_of_gradient(m, g);
}

void
model_log_gradient(const Model *m, ModelPrediction f, const void *arg, double *g)
{
	int			n = m->nparams;
	Model	   *moved = palloc(VARSIZE(m));

	memcpy(moved, m, VARSIZE(m));
	for (int i = 0; i < n; i++)
	{
		double		up,
					down;

		MODEL_ESTIMATE(moved)[i] = MODEL_ESTIMATE(m)[i] * exp(MODEL_DELTA_STEP);
		up = f(moved, arg);
		MODEL_ESTIMATE(moved)[i] = MODEL_ESTIMATE(m)[i] * exp(-MODEL_DELTA_STEP);
		down = f(moved, arg);
		MODEL_ESTIMATE(moved)[i] = MODEL_ESTIMATE(m)[i];
		g[i] = (up - down) / (2 * MODEL_DELTA_STEP);
	}
	pfree(moved);
}

double
model_delta_se_of_gradient(const Model *m, const double *gradient)
{
	int			n = m->nparams;
	double		variance = 0;

	const char *problem;

	for (int i = 0; i < n * n; i++)
		if (isnan(MODEL_COVARIANCE(m)[i]))
			return get_float8_nan();
	/* a model stored before 1.11 checked its covariance on input */
	if ((problem = model_covariance_problem(m)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s's covariance cannot give a standard error", model_specs[m->kind].type_name),
				 errdetail("%s", problem),
				 errhint("Refit the model, or store it with NaN covariance to predict without intervals.")));
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			variance += gradient[i] * MODEL_COVARIANCE(m)[i * n + j] * gradient[j];
	if (!isfinite(variance))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the standard error of a %s prediction is out of range", model_specs[m->kind].type_name),
				 errdetail("The delta method's variance is %g.", variance),
				 errhint("The prediction moves too fast with the parameters here for an interval; "
						 "predict without one.")));
	return sqrt(Max(variance, 0));
}

/* The level argument (the last): 0 < level < 1 */
double
model_level_arg(FunctionCallInfo fcinfo, const char *fname)
{
	return model_level_arg_at(fcinfo, PG_NARGS() - 1, fname);
}

double
model_level_arg_at(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	double		level = PG_GETARG_FLOAT8(argno);

	lk_check_confidence_level(fname, level);
	return level;
}

Datum
model_interval_result(FunctionCallInfo fcinfo, double estimate, double se, double level, double share_of)
{
	ModelCallCache *cache = model_call_cache(fcinfo);
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	double		z;

	if (cache->level != level)
	{
		cache->z = lk_normal_quantile(0.5 + level / 2);
		cache->level = level;
	}
	z = cache->z;

	/* the row type, once per query */
	if (cache->interval_rows == NULL)
		cache->interval_rows = lk_row_maker(fcinfo, 4);
	values[0] = Float8GetDatum(estimate);
	if (isnan(se))
		nulls[1] = nulls[2] = nulls[3] = true;
	else if (share_of > 0 && estimate > 0 && estimate < share_of)
	{
		/* logit scale of p = estimate / share_of: d logit(p) = dp / (p (1 - p)) */
		double		p = estimate / share_of;
		double		logit = log(p / (1 - p));
		double		half = z * se / share_of / (p * (1 - p));

		values[1] = Float8GetDatum(se);
		values[2] = Float8GetDatum(share_of / (1 + exp(-(logit - half))));
		values[3] = Float8GetDatum(share_of / (1 + exp(-(logit + half))));
	}
	else if (share_of == 0 && estimate > 0)
	{
		/* log scale: d ln(v) = dv / v */
		double		half = z * se / estimate;

		values[1] = Float8GetDatum(se);
		values[2] = Float8GetDatum(estimate * exp(-half));
		values[3] = Float8GetDatum(estimate * exp(half));
	}
	else
	{
		/* at 0 or 1 the quantity does not move with the parameters (se 0) */
		values[1] = Float8GetDatum(se);
		values[2] = values[3] = Float8GetDatum(estimate);
	}
	PG_RETURN_DATUM(lk_make_row(cache->interval_rows, values, nulls));
}
