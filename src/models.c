/*
 * models.c
 *		Probabilistic customer lifetime value: the BG/NBD purchase model and
 *		the Gamma-Gamma spend model, fitted by maximum likelihood inside the
 *		database, their predictions, and the CLV that combines them.
 *
 * BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys at Poisson rate lambda ~ Gamma(r,
 * alpha); after each purchase the customer drops out with probability
 * p ~ Beta(a, b).  From a customer's (x, t_x, T) = (repeat purchases, time
 * of the last one, time since the first), with A = alpha:
 *	 LL = lgamma(r+x) - lgamma(r) + r ln A
 *		+ lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
 *		+ ln( (A+T)^-(r+x) + [x>0] a/(b+x-1) (A+t_x)^-(r+x) )
 *	 P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((A+T)/(A+t_x))^(r+x))
 *	 E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
 *		* (1 - ((A+T)/(A+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(A+T+t)))
 *		* P(alive) / ... (eq. 10 of the paper; see expected_conditional)
 *	 E[X(t)] for a new customer: the same with x = t_x = T = 0 (eq. 7).
 *
 * Gamma-Gamma (Fader, Hardie and Lee 2005b, "RFM and CLV"; Colombo and
 * Jiang 1999): a repeat customer's spends are Gamma(p, nu) with nu ~
 * Gamma(q, gamma); from x repeat purchases of mean zbar:
 *	 LL = lgamma(px+q) - lgamma(px) - lgamma(q) + q ln gamma
 *		+ (px-1) ln zbar + px ln x - (px+q) ln(gamma + x zbar)
 *	 E[spend | x, zbar] = p (gamma + x zbar) / (px + q - 1)
 *
 * Fitting.  The aggregates collapse identical rows into one weighted row
 * (a hash table), so memory grows with distinct rows, not customers, and
 * partial states from parallel workers merge.  The final function
 * maximizes the summed log-likelihood over log-parameters with NLopt's
 * SLSQP (BSD-licensed; the library is Debian's libnlopt0, see the README),
 * using the analytic gradient.  Per-x terms (lgamma, digamma) are computed
 * once per distinct x and ln(A + time) once per distinct time, so an
 * evaluation costs an exp and a log1p per repeat-customer row.  Standard
 * errors come from the inverse of the observed information (a central
 * difference of the analytic gradient).  A model is "converged" only when
 * the optimizer stopped on a tolerance, the gradient is near zero, no
 * parameter sits on its bound, the information is positive definite and
 * every parameter is identified (LOG_SE_LIMIT); predictions refuse a model
 * that is not.
 *
 * The model is a stored type (text and binary I/O, a format version byte,
 * every field validated on input), so a fitted model can sit in a table.
 */
#include "loyalty_kpi.h"

#include <float.h>
#include <math.h>
#include <nlopt.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* ---------------------------------------------------------------------
 * The stored model
 * ---------------------------------------------------------------------
 */

typedef enum ModelKind
{
	MODEL_ANY = 0,				/* model_arg of the accessors: whichever kind it is */
	MODEL_BGNBD = 1,
	MODEL_GAMMA_GAMMA = 2
} ModelKind;

#define MODEL_KIND_MAX 2
#define MODEL_MAX_PARAMS 4

typedef struct ModelSpec
{
	const char *name;			/* in the text form */
	const char *type_name;		/* the SQL type, for messages */
	const char *fit_name;		/* the fitting aggregate, for messages */
	int			nparams;
	const char *params[MODEL_MAX_PARAMS];
} ModelSpec;

static const ModelSpec model_specs[MODEL_KIND_MAX + 1] = {
	[MODEL_BGNBD] = {"bgnbd", "bgnbd_model", "bgnbd_fit", 4, {"r", "alpha", "a", "b"}},
	[MODEL_GAMMA_GAMMA] = {"gamma_gamma", "gamma_gamma_model", "gamma_gamma_fit", 3, {"p", "q", "gamma"}},
};

/*
 * A fitted model, format 2: the fields, the time unit the rows were
 * measured in (zero when the fit was not told it), then the estimates and
 * standard errors, nparams of each, so a model with more parameters fits
 * the same layout.
 */
#define MODEL_FORMAT 2

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
	double		values[FLEXIBLE_ARRAY_MEMBER];	/* estimates, then standard errors */
} Model;

#define MODEL_SIZE(nparams)		(offsetof(Model, values) + 2 * sizeof(double) * (nparams))
#define MODEL_ESTIMATE(m)		((m)->values)
/* NaN where the information is singular */
#define MODEL_STD_ERROR(m)		((m)->values + (m)->nparams)

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

static bool
has_time_unit(const Model *m)
{
	return m->time_unit.month != 0 || m->time_unit.day != 0 || m->time_unit.time != 0;
}

static Model *
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
	return m;
}

/* A time unit a fit may record: not negative in any field, not zero */
static const char *
time_unit_problem(const Interval *unit)
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

	if (m->version != MODEL_FORMAT)
		return psprintf("Format version %d is not one this release reads (it reads 1 and %d).",
						m->version, MODEL_FORMAT);
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
	if (!isfinite(m->log_likelihood))
		return "The log-likelihood must be finite.";
	if (!isfinite(m->customers) || m->customers <= 0)
		return "The number of customers must be positive.";
	if (m->iterations < 0)
		return "The number of iterations must not be negative.";
	if (has_time_unit(m) && time_unit_problem(&m->time_unit) != NULL)
		return time_unit_problem(&m->time_unit);
	if (kind != MODEL_BGNBD && has_time_unit(m))
		return "Only a purchase model records a time unit.";
	return NULL;
}

/* A format-1 value as format 2 (no time unit recorded); NULL when it is not one */
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

/* The model argument, detoasted and checked to be of this kind (or, MODEL_ANY, of one) */
static const Model *
model_arg(FunctionCallInfo fcinfo, int argno, ModelKind kind)
{
	Model	   *m = (Model *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	/* values stored by 1.2 and 1.3 stay as they were on disk */
	if (VARSIZE(m) >= offsetof(Model, values) && m->version == 1)
		m = model_from_v1((const ModelV1 *) m);
	if (m == NULL || VARSIZE(m) < offsetof(Model, values) ||
		m->kind < 1 || m->kind > MODEL_KIND_MAX || VARSIZE(m) != MODEL_SIZE(m->nparams))
		elog(ERROR, "corrupt model value");
	if (kind == MODEL_ANY)
		kind = (ModelKind) m->kind;
	if (model_problem(m, kind) != NULL)
		elog(ERROR, "corrupt %s value", model_specs[kind].type_name);
	return m;
}

/* Predictions from a model whose fit did not converge would be numbers presented as right */
static void
require_converged(const Model *m, const char *fname)
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
static char *
interval_text(const Interval *unit)
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
static void
check_time_unit(FunctionCallInfo fcinfo, int nargs_without, const Model *m, const char *fname)
{
	const Interval *unit;

	if (PG_NARGS() <= nargs_without)
		return;
	unit = PG_GETARG_INTERVAL_P(nargs_without);
	if (!has_time_unit(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model does not record the time unit it was fitted in", fname),
				 errhint("Fit it with bgnbd_fit(frequency, recency, age, time_unit), or call %s without a time unit.",
						 fname)));
	if (unit->month != m->time_unit.month || unit->day != m->time_unit.day ||
		unit->time != m->time_unit.time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model was fitted in units of %s, not %s", fname,
						interval_text(&m->time_unit), interval_text(unit)),
				 errhint("Give times in the unit the model was fitted in.")));
}

/*
 * Text form: v2:bgnbd:r=..,alpha=..,a=..,b=..;se=..,..;log_likelihood=..;
 * customers=..;iterations=..;converged=true[;time_unit=7 days].  Format 1
 * (no time unit) still reads.
 */

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
	double		iterations;
	int			version;

	if (strncmp(p, "v1:", 3) == 0 || strncmp(p, "v2:", 3) == 0)
		version = p[1] - '0';
	else
		model_syntax_error(kind, input, psprintf("It must start with \"v1:\" or \"v%d:\", the format versions this release reads.",
												 MODEL_FORMAT));
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
	if (version == MODEL_FORMAT && strncmp(p, ";time_unit=", 11) == 0)
	{
		read_time_unit(kind, input, p + 11, &m->time_unit);
		if (!has_time_unit(m))
			model_syntax_error(kind, input, "The time unit must be a positive interval, such as '7 days'.");
	}
	else if (*p != '\0')
		model_syntax_error(kind, input, psprintf("Unexpected \"%s\" at the end.", p));
	if ((problem = model_problem(m, kind)) != NULL)
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
	appendStringInfoString(&buf, ";log_likelihood=");
	lk_append_double(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ";customers=");
	lk_append_double(&buf, m->customers);
	appendStringInfo(&buf, ";iterations=%d;converged=%s", m->iterations,
					 m->converged ? "true" : "false");
	if (has_time_unit(m))
		appendStringInfo(&buf, ";time_unit=%s", interval_text(&m->time_unit));
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, kind, nparams, converged (bytes), iterations
 * (int32), customers, log-likelihood, then (format 2) the time unit as
 * microseconds, days and months, then the estimate and standard error of
 * each parameter (float8).
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

	if (buf->len - buf->cursor < 4)
		lk_binary_error(model_specs[kind].type_name, psprintf("It is %d bytes long; the header alone takes 4.",
										  buf->len - buf->cursor));
	version = pq_getmsgbyte(buf);
	m->kind = pq_getmsgbyte(buf);
	nparams = pq_getmsgbyte(buf);
	converged = pq_getmsgbyte(buf);
	if (version != 1 && version != MODEL_FORMAT)
		lk_binary_error(model_specs[kind].type_name, psprintf("Format version %d is not one this release reads (it reads 1 and %d).",
										  version, MODEL_FORMAT));
	if (m->kind != kind || nparams != m->nparams)
		lk_binary_error(model_specs[kind].type_name, psprintf("It is not a %s.", model_specs[kind].type_name));
	else
	{
		int			expected_len = 4 + 4 + 8 + 8 + (version == 1 ? 0 : 16) + 16 * nparams;

		if (buf->len - buf->cursor != expected_len - 4)
			lk_binary_error(model_specs[kind].type_name, psprintf("Expected %d bytes, got %d.",
											  expected_len, buf->len - buf->cursor + 4));
		m->iterations = (int32) pq_getmsgint(buf, 4);
		m->customers = pq_getmsgfloat8(buf);
		m->log_likelihood = pq_getmsgfloat8(buf);
		if (version == MODEL_FORMAT)
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
	}
	if (converged > 1)
		problem = "The converged flag must be 0 or 1.";
	else
		problem = model_problem(m, kind);
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
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * jsonb: {"model": "bgnbd", "parameters": {"r": {"estimate": .., "standard_error": ..},
 * ...}, "log_likelihood": .., "customers": .., "evaluations": .., "converged": true,
 * "time_unit": "7 days"}; a standard error the information could not give is
 * null, and so is an unrecorded time unit.
 */
static void
append_json_number(StringInfo buf, double v)
{
	if (isnan(v))
		appendStringInfoString(buf, "null");
	else
		lk_append_double(buf, v);
}

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
		append_json_number(&buf, MODEL_ESTIMATE(m)[i]);
		appendStringInfoString(&buf, ", \"standard_error\": ");
		append_json_number(&buf, MODEL_STD_ERROR(m)[i]);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "}, \"log_likelihood\": ");
	append_json_number(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ", \"customers\": ");
	append_json_number(&buf, m->customers);
	appendStringInfo(&buf, ", \"evaluations\": %d, \"converged\": %s, \"time_unit\": ",
					 m->iterations, m->converged ? "true" : "false");
	if (has_time_unit(m))
		appendStringInfo(&buf, "\"%s\"}", interval_text(&m->time_unit));
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

	if (!has_time_unit(m))
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


/* ---------------------------------------------------------------------
 * Special functions
 * ---------------------------------------------------------------------
 */

/* psi(x) for x > 0: recurrence up to 6, then the asymptotic series (error < 1e-15) */
static double
digamma(double x)
{
	double		result = 0;
	double		f;

	while (x < 6)
	{
		result -= 1 / x;
		x += 1;
	}
	f = 1 / (x * x);
	return result + log(x) - 0.5 / x
		- f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

/* Terms the 2F1 series may take: z = 0.9999 needs about 4e5 */
#define HYP2F1_MAX_TERMS 10000000
/* Interrupts are checked this often (a term costs a few ns: well under 50 ms) */
#define HYP2F1_INTERRUPT_TERMS 4096
/* Relative error the predictions promise (README), or an error instead */
#define PREDICTION_TOLERANCE 1e-8

pg_noreturn static void
series_too_long(const char *fname, double z)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the horizon is too long for the model's time scale", fname),
			 errdetail("The hypergeometric series at z = %g did not converge in %d terms.",
					   z, HYP2F1_MAX_TERMS),
			 errhint("Use a horizon at most about 10000 times alpha + age.")));
}

pg_noreturn static void
accuracy_lost(const char *fname, double relative_error)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the prediction cannot be computed to a relative error of %g at these parameters",
					fname, PREDICTION_TOLERANCE),
			 errdetail("Rounding could change it by a relative %.1e.", relative_error),
			 errhint("This happens where a is within about 1e-7 of 1, or at horizons near 0.")));
}

/*
 * Sums a power series sum_{n>=1} u_n with u_1 = first and u_{n+1} = u_n
 * (A + n)(B + n) / ((C + n)(n + 1)) z, for 0 <= z < 1 and C > 0 (the
 * 2F1 series after its leading 1, or the same with one Pochhammer factor
 * shifted).  The terms are kept with a running scale: *log_scale (0 at
 * first) gathers what was taken out, so the sum is sum * e^log_scale and
 * neither it nor its terms overflow.  *magnitude is the sum of the terms'
 * absolute values (same scale); the rounding error is a few machine
 * epsilons of it per term's product, so *terms is returned too.
 */
static double
power_series(double first, double A, double B, double C, double z, double *magnitude,
			 double *log_scale, int *terms, const char *fname)
{
	double		term = first;
	double		sum = first;
	int			n;

	*magnitude = fabs(first);
	for (n = 1; n < HYP2F1_MAX_TERMS; n++)
	{
		double		ratio = (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
		double		bound;

		term *= ratio;
		sum += term;
		*magnitude += fabs(term);

		/*
		 * The rest of the series is at most |term| rho / (1 - rho), rho the
		 * larger of this ratio and z (the ratios tend to z): near z = 1
		 * the terms shrink slowly, and the last term alone would
		 * understate what is left.
		 */
		bound = Max(fabs(ratio), z);
		if (term == 0 || (bound < 1 && fabs(term) * bound / (1 - bound) <= 1e-17 * *magnitude))
			break;
		if (*magnitude > 1e200)
		{
			term *= 1e-200;
			sum *= 1e-200;
			*magnitude *= 1e-200;
			*log_scale += 200 * M_LN10;
		}
		if (n % HYP2F1_INTERRUPT_TERMS == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (n == HYP2F1_MAX_TERMS)
		series_too_long(fname, z);
	*terms = n;
	return sum;
}


/* ---------------------------------------------------------------------
 * The fitting state: distinct rows with their weights
 * ---------------------------------------------------------------------
 */

/* BG/NBD: (x, t_x, T); Gamma-Gamma: (x, zbar, 0) */
typedef struct FitKey
{
	double		v[3];
} FitKey;

typedef struct FitEntry
{
	FitKey		key;
	double		weight;
	uint32		hash;
	char		status;
} FitEntry;

static inline uint32
fit_key_hash(FitKey key)
{
	uint64		h = 0x9E3779B97F4A7C15;

	for (int i = 0; i < 3; i++)
	{
		uint64		bits;

		memcpy(&bits, &key.v[i], sizeof(bits));
		h = (h ^ bits) * 0xBF58476D1CE4E5B9;
		h ^= h >> 31;
	}
	return (uint32) (h ^ (h >> 32));
}

#define SH_PREFIX fitrows
#define SH_ELEMENT_TYPE FitEntry
#define SH_KEY_TYPE FitKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) fit_key_hash(k)
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(FitKey)) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct FitState
{
	LkStateHeader header;
	ModelKind	kind;
	Interval	time_unit;		/* bgnbd_fit's, when given; else all zero */
	fitrows_hash *rows;
	char		fname[NAMEDATALEN];
} FitState;

static FitState *
fit_state_new(MemoryContext context, ModelKind kind, const char *fname, uint32 size)
{
	FitState   *state = MemoryContextAllocZero(context, sizeof(FitState));

	state->kind = kind;
	strlcpy(state->fname, fname, NAMEDATALEN);
	state->rows = fitrows_create(context, Max(size, 64), NULL);
	return state;
}

static void
fit_state_add(FitState *state, FitKey key, double weight)
{
	bool		found;
	FitEntry   *e;

	/* -0.0 and 0.0 are one value, and must be one key */
	for (int i = 0; i < 3; i++)
		key.v[i] += 0.0;
	e = fitrows_insert(state->rows, key, &found);
	e->weight = found ? e->weight + weight : weight;
}

/* What a row of a summary may hold; ERROR 22023 naming the field otherwise */
pg_noreturn static void
row_error(const char *fname, const char *what, double value, const char *hint)
{
	lk_invalid_number(fname, ERRCODE_INVALID_PARAMETER_VALUE, what, value, hint);
}

static void
check_frequency(const char *fname, double x)
{
	lk_check_finite(fname, "frequency", x);
	if (!(x >= 0 && x == floor(x)))
		row_error(fname, "frequency", x,
				  "The frequency is the number of repeat purchases: a whole number, 0 or more.");
}

static void
check_customer(const char *fname, double x, double t_x, double T)
{
	check_frequency(fname, x);
	lk_check_finite(fname, "age", T);
	lk_check_finite(fname, "recency", t_x);
	if (!(T >= 0))
		row_error(fname, "age", T,
				  "The age (T) is the time from the first purchase to the end of observation, 0 or more.");
	if (!(t_x >= 0 && t_x <= T))
		row_error(fname, "recency", t_x,
				  "The recency (t_x) is the time from the first to the last purchase, from 0 to the age.");
}

static void
check_monetary_value(const char *fname, double zbar)
{
	lk_check_finite(fname, "monetary value", zbar);
	if (!(zbar > 0))
		row_error(fname, "monetary value", zbar,
				  "The monetary value is a repeat customer's mean spend per repeat purchase, above 0.");
}

/* Rows of a fit: what every summary row may hold, and a frequency a fit can sum over */
static void
check_fit_frequency(const char *fname, double x)
{
	check_frequency(fname, x);
	if (!(x < 1e9))
		row_error(fname, "frequency", x, "A fit takes frequencies below 1e9.");
}

static void
check_weight(const char *fname, double weight)
{
	if (!(weight > 0 && isfinite(weight)))
		row_error(fname, "weight", weight, "A weight is a number of customers, above 0.");
}

/* The optional weight argument, or 1 */
static double
weight_arg(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	double		weight;

	if (PG_NARGS() <= argno)
		return 1;
	weight = PG_GETARG_FLOAT8(argno);
	check_weight(fname, weight);
	return weight;
}

/*
 * bgnbd_fit(frequency, recency, age [, weight] [, time_unit]): one
 * customer's (x, t_x, T) in one time unit, or a weighted row standing for
 * `weight` customers; the model records the time unit when it is given.
 * Which form was called comes from the declared signature, once per query.
 */
typedef struct BgnbdCallForm
{
	bool		weighted;
	bool		has_unit;
} BgnbdCallForm;

static const BgnbdCallForm *
bgnbd_call_form(FunctionCallInfo fcinfo)
{
	BgnbdCallForm *form = fcinfo->flinfo->fn_extra;

	if (form == NULL)
	{
		form = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(BgnbdCallForm));
		form->has_unit = lk_declared_argtype(fcinfo, PG_NARGS() - 1) == INTERVALOID;
		form->weighted = PG_NARGS() - (form->has_unit ? 1 : 0) > 4;
		fcinfo->flinfo->fn_extra = form;
	}
	return form;
}

/* The time unit argument: not NULL, positive, and the same in every row */
static void
bgnbd_time_unit(FunctionCallInfo fcinfo, FitState *state, bool first)
{
	const Interval *unit;
	const char *problem;

	if (PG_ARGISNULL(PG_NARGS() - 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the time unit must not be NULL", state->fname),
				 errhint("Pass the unit recency and age are measured in, as btyd_summary was given it.")));
	unit = PG_GETARG_INTERVAL_P(PG_NARGS() - 1);
	if ((problem = time_unit_problem(unit)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid time unit %s", state->fname, interval_text(unit)),
				 errhint("%s", problem)));
	if (first)
		state->time_unit = *unit;
	else if (memcmp(unit, &state->time_unit, sizeof(Interval)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the time unit must be the same in every row", state->fname),
				 errhint("Pass the time unit as a constant.")));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_accum);
Datum
bgnbd_fit_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "bgnbd_fit_accum");
	const BgnbdCallForm *form = bgnbd_call_form(fcinfo);
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitKey		key;

	if (state == NULL)
	{
		state = fit_state_new(aggcontext, MODEL_BGNBD, "bgnbd_fit", 0);
		if (form->has_unit)
			bgnbd_time_unit(fcinfo, state, true);
	}
	else if (form->has_unit)
		bgnbd_time_unit(fcinfo, state, false);
	for (int i = 1; i <= (form->weighted ? 4 : 3); i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(state);

	key.v[0] = PG_GETARG_FLOAT8(1);
	key.v[1] = PG_GETARG_FLOAT8(2);
	key.v[2] = PG_GETARG_FLOAT8(3);
	check_fit_frequency(state->fname, key.v[0]);
	check_customer(state->fname, key.v[0], key.v[1], key.v[2]);
	if (key.v[0] == 0 && key.v[1] != 0)
		row_error(state->fname, "recency", key.v[1],
				  "A customer with no repeat purchase (frequency 0) has recency 0.");
	fit_state_add(state, key, form->weighted ? weight_arg(fcinfo, 4, state->fname) : 1);
	PG_RETURN_POINTER(state);
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
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "gamma_gamma_fit_accum");
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	bool		weighted = PG_NARGS() > 3;
	FitKey		key = {{0, 0, 0}};

	if (state == NULL)
		state = fit_state_new(aggcontext, MODEL_GAMMA_GAMMA, "gamma_gamma_fit", 0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	key.v[0] = PG_GETARG_FLOAT8(1);
	check_fit_frequency(state->fname, key.v[0]);
	if (key.v[0] == 0 || PG_ARGISNULL(2) || (weighted && PG_ARGISNULL(3)))
		PG_RETURN_POINTER(state);
	key.v[1] = PG_GETARG_FLOAT8(2);
	check_monetary_value(state->fname, key.v[1]);
	fit_state_add(state, key, weight_arg(fcinfo, 3, state->fname));
	PG_RETURN_POINTER(state);
}

static LkStateHeader *
fit_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const FitState *m = (const FitState *) model;
	MemoryContext own = lk_state_context(context);
	FitState   *state = fit_state_new(own, m->kind, m->fname, m->rows->members);

	state->time_unit = m->time_unit;
	state->header.own_context = own;
	return &state->header;
}

static void
fit_merge(LkStateHeader *into, const LkStateHeader *from)
{
	FitState   *a = (FitState *) into;
	const FitState *b = (const FitState *) from;
	fitrows_iterator it;
	FitEntry   *e;
	uint32		n = 0;

	if (a->kind != b->kind || memcmp(&a->time_unit, &b->time_unit, sizeof(Interval)) != 0)
		elog(ERROR, "%s: combining states of different models or time units", a->fname);
	fitrows_start_iterate(b->rows, &it);
	while ((e = fitrows_iterate(b->rows, &it)) != NULL)
	{
		fit_state_add(a, e->key, e->weight);
		if ((++n & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

static int64
fit_size(const LkStateHeader *state)
{
	return ((const FitState *) state)->rows->members;
}

static const LkStateOps fit_ops = {
	.combine_name = "fit_combine",
	.empty_like = fit_empty_like,
	.merge = fit_merge,
	.size = fit_size,
};

PG_FUNCTION_INFO_V1(fit_combine);
Datum
fit_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &fit_ops);
}

/* Serialized: a format byte, the model kind, the time unit, then the distinct rows with their weights */
#define FIT_SERIAL_FORMAT 2

PG_FUNCTION_INFO_V1(fit_serialize);
Datum
fit_serialize(PG_FUNCTION_ARGS)
{
	FitState   *state = (FitState *) PG_GETARG_POINTER(0);
	fitrows_iterator it;
	FitEntry   *e;
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "fit_serialize");
	lk_serial_begin(&buf, FIT_SERIAL_FORMAT);
	pq_sendbyte(&buf, state->kind);
	pq_sendint64(&buf, state->time_unit.time);
	pq_sendint32(&buf, state->time_unit.day);
	pq_sendint32(&buf, state->time_unit.month);
	pq_sendint32(&buf, (int32) state->rows->members);
	lk_serial_room(&buf, 32 * (Size) state->rows->members, state->fname,
				   "Run the fit without parallel workers (SET max_parallel_workers_per_gather = 0), or round the times to fewer distinct values.");
	fitrows_start_iterate(state->rows, &it);
	while ((e = fitrows_iterate(state->rows, &it)) != NULL)
	{
		for (int i = 0; i < 3; i++)
			pq_sendfloat8(&buf, e->key.v[i]);
		pq_sendfloat8(&buf, e->weight);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Into a memory context of its own under the current one, so combine can
 * keep the largest partial state whole and free the others once merged.
 * Rows are checked as the transition checks them.
 */
PG_FUNCTION_INFO_V1(fit_deserialize);
Datum
fit_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "fit_deserialize";
	StringInfoData buf;
	FitState   *state;
	MemoryContext own;
	int			kind;
	Interval	unit;
	int32		n;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, FIT_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 1 + 16)
		lk_serial_error(fname, "It ends before the model kind and time unit.");
	kind = pq_getmsgbyte(&buf);
	unit.time = pq_getmsgint64(&buf);
	unit.day = pq_getmsgint(&buf, 4);
	unit.month = pq_getmsgint(&buf, 4);
	if (kind < 1 || kind > MODEL_KIND_MAX)
		lk_serial_error(fname, psprintf("Model kind %d is unknown.", kind));
	if ((unit.time != 0 || unit.day != 0 || unit.month != 0) &&
		(kind != MODEL_BGNBD || time_unit_problem(&unit) != NULL))
		lk_serial_error(fname, "Its time unit is out of range.");
	n = lk_serial_count(&buf, 32, fname);
	if (buf.len - buf.cursor != 32 * n)
		lk_serial_error(fname, "Its rows are not whole.");
	own = lk_state_context(CurrentMemoryContext);
	state = fit_state_new(own, (ModelKind) kind, model_specs[kind].fit_name, n);
	state->time_unit = unit;
	state->header.own_context = own;
	state->header.adoptable = true;
	for (int32 i = 0; i < n; i++)
	{
		FitKey		key;
		double		weight;

		for (int k = 0; k < 3; k++)
			key.v[k] = pq_getmsgfloat8(&buf);
		weight = pq_getmsgfloat8(&buf);
		check_fit_frequency(fname, key.v[0]);
		if (kind == MODEL_BGNBD)
			check_customer(fname, key.v[0], key.v[1], key.v[2]);
		else
			check_monetary_value(fname, key.v[1]);
		check_weight(fname, weight);
		fit_state_add(state, key, weight);
		if ((i & 0xffff) == 0xffff)
			CHECK_FOR_INTERRUPTS();
	}
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(state);
}


/* ---------------------------------------------------------------------
 * Likelihoods with their gradients, over log-parameters
 * ---------------------------------------------------------------------
 */

/*
 * The rows of a fit, arranged so that an evaluation does each piece of
 * work once: per distinct x (lgamma, digamma), per distinct time (logs),
 * per row (what depends on both).
 */
typedef struct FitData
{
	ModelKind	kind;
	double		total_weight;
	int			evaluations;

	/* distinct x, the summed weight of their rows */
	int			nx;
	double	   *xs;
	double	   *x_weight;

	/* BG/NBD: distinct times (t_x and T values); x = 0 rows summed by T */
	int			ntimes;
	double	   *times;
	double	   *zero_weight;	/* per time: the weight of rows (0, 0, T = time) */
	double	   *log_at;			/* scratch: ln(alpha + time) */
	double	   *inv_at;			/* scratch: 1 / (alpha + time) */

	/* rows that need per-row work: BG/NBD x > 0; Gamma-Gamma all */
	int			nrows;
	int		   *row_x;			/* index into xs */
	int		   *row_recency;	/* BG/NBD: index into times */
	int		   *row_age;		/* BG/NBD: index into times */
	double	   *row_value;		/* Gamma-Gamma: zbar */
	double	   *row_const;		/* Gamma-Gamma: ln zbar + ln x, fixed per row */
	double	   *row_weight;
	double		weighted_log_value;	/* Gamma-Gamma: sum of weight * ln zbar, fixed */

	/* scratch per distinct x */
	double	   *x_scratch;
} FitData;

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Orders rows by (x, t_x, T) or (x, zbar) */
static int
cmp_fit_entry(const void *a, const void *b)
{
	const FitKey *x = &(*(FitEntry *const *) a)->key;
	const FitKey *y = &(*(FitEntry *const *) b)->key;

	for (int i = 0; i < 3; i++)
		if (x->v[i] != y->v[i])
			return x->v[i] < y->v[i] ? -1 : 1;
	return 0;
}

/* The index of v in the sorted array a[0..n) (v is there) */
static int
index_of(const double *a, int n, double v)
{
	const double *p = bsearch(&v, a, n, sizeof(double), cmp_double);

	Assert(p != NULL);
	return (int) (p - a);
}

/* Sorts and removes duplicates in place; returns the new length */
static int
sort_unique(double *a, int n)
{
	int			m = 0;

	qsort(a, n, sizeof(double), cmp_double);
	for (int i = 0; i < n; i++)
		if (m == 0 || a[m - 1] != a[i])
			a[m++] = a[i];
	return m;
}

static FitData *
fit_data_build(FitState *state)
{
	FitData    *d = palloc0(sizeof(FitData));
	int			n = state->rows->members;
	FitEntry  **entries = palloc(sizeof(FitEntry *) * Max(n, 1));
	fitrows_iterator it;
	FitEntry   *e;
	int			k = 0;
	bool		bgnbd = state->kind == MODEL_BGNBD;

	d->kind = state->kind;
	fitrows_start_iterate(state->rows, &it);
	while ((e = fitrows_iterate(state->rows, &it)) != NULL)
		entries[k++] = e;

	/*
	 * The hash table's order follows the input's (row order, plan, workers):
	 * sorted rows make every sum below, and so the fit, the same to the bit
	 * however the rows arrived.
	 */
	qsort(entries, n, sizeof(FitEntry *), cmp_fit_entry);
	for (int i = 0; i < n; i++)
		d->total_weight += entries[i]->weight;

	d->xs = palloc(sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
		d->xs[i] = entries[i]->key.v[0];
	d->nx = sort_unique(d->xs, n);
	d->x_weight = palloc0(sizeof(double) * Max(d->nx, 1));
	d->x_scratch = palloc0(sizeof(double) * 2 * Max(d->nx, 1));

	if (bgnbd)
	{
		d->times = palloc(sizeof(double) * 2 * Max(n, 1));
		for (int i = 0; i < n; i++)
		{
			d->times[2 * i] = entries[i]->key.v[1];
			d->times[2 * i + 1] = entries[i]->key.v[2];
		}
		d->ntimes = sort_unique(d->times, 2 * n);
		d->zero_weight = palloc0(sizeof(double) * d->ntimes);
		d->log_at = palloc(sizeof(double) * d->ntimes);
		d->inv_at = palloc(sizeof(double) * d->ntimes);
		d->row_recency = palloc(sizeof(int) * Max(n, 1));
		d->row_age = palloc(sizeof(int) * Max(n, 1));
	}
	else
	{
		d->row_value = palloc(sizeof(double) * Max(n, 1));
		d->row_const = palloc(sizeof(double) * Max(n, 1));
	}
	d->row_x = palloc(sizeof(int) * Max(n, 1));
	d->row_weight = palloc(sizeof(double) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		FitKey	   *key = &entries[i]->key;
		int			xi = index_of(d->xs, d->nx, key->v[0]);

		d->x_weight[xi] += entries[i]->weight;
		if (bgnbd && key->v[0] == 0)
		{
			/* only T matters for them: summed per T, no per-row work */
			d->zero_weight[index_of(d->times, d->ntimes, key->v[2])] += entries[i]->weight;
			continue;
		}
		d->row_x[d->nrows] = xi;
		d->row_weight[d->nrows] = entries[i]->weight;
		if (bgnbd)
		{
			d->row_recency[d->nrows] = index_of(d->times, d->ntimes, key->v[1]);
			d->row_age[d->nrows] = index_of(d->times, d->ntimes, key->v[2]);
		}
		else
		{
			d->row_value[d->nrows] = key->v[1];
			d->row_const[d->nrows] = log(key->v[1]) + log(key->v[0]);
			d->weighted_log_value += entries[i]->weight * log(key->v[1]);
		}
		d->nrows++;
	}
	pfree(entries);
	return d;
}

/*
 * BG/NBD: the summed log-likelihood at exp(theta) = (r, alpha, a, b), and
 * its gradient with respect to theta.
 */
static double
bgnbd_loglik(FitData *d, const double *theta, double *grad)
{
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
	double		lg_r = lgamma(r),
				lg_ab = lgamma(a + b),
				lg_b = lgamma(b);
	double		psi_r = digamma(r),
				psi_ab = digamma(a + b),
				psi_b = digamma(b);
	double		log_a = log(a);
	double	   *x_c4 = d->x_scratch;	/* ln a - ln(b+x-1) */
	double	   *x_inv_b = d->x_scratch + d->nx;	/* 1/(b+x-1) */

	for (int k = 0; k < d->ntimes; k++)
	{
		d->log_at[k] = log(alpha + d->times[k]);
		d->inv_at[k] = 1 / (alpha + d->times[k]);
	}

	/* the parts that depend on x alone, times the weight of that x */
	for (int j = 0; j < d->nx; j++)
	{
		double		x = d->xs[j];
		double		w = d->x_weight[j];

		ll += w * (lgamma(r + x) - lg_r + r * log_alpha
				   + lg_ab + lgamma(b + x) - lg_b - lgamma(a + b + x));
		g_r += w * (digamma(r + x) - psi_r + log_alpha);
		g_alpha += w * r / alpha;
		g_a += w * (psi_ab - digamma(a + b + x));
		g_b += w * (psi_ab + digamma(b + x) - psi_b - digamma(a + b + x));
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
		double		rx = r + d->xs[j];
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

/* Gamma-Gamma: the summed log-likelihood at exp(theta) = (p, q, gamma), and its gradient */
static double
gamma_gamma_loglik(FitData *d, const double *theta, double *grad)
{
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
	double	   *x_psi_sum = d->x_scratch;	/* psi(px+q) */
	double	   *x_psi_px = d->x_scratch + d->nx;	/* psi(px) */

	for (int j = 0; j < d->nx; j++)
	{
		double		px = p * d->xs[j];

		x_psi_sum[j] = digamma(px + q);
		x_psi_px[j] = digamma(px);
		ll += d->x_weight[j] * (lgamma(px + q) - lgamma(px) - lg_q + q * log_g);
		g_q += d->x_weight[j] * (x_psi_sum[j] - psi_q + log_g);
		g_g += d->x_weight[j] * q / g;
	}
	for (int i = 0; i < d->nrows; i++)
	{
		int			j = d->row_x[i];
		double		x = d->xs[j];
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

static double
fit_loglik(FitData *d, const double *theta, double *grad)
{
	return d->kind == MODEL_BGNBD ? bgnbd_loglik(d, theta, grad) : gamma_gamma_loglik(d, theta, grad);
}


/* ---------------------------------------------------------------------
 * Maximizing the likelihood
 * ---------------------------------------------------------------------
 */

/* Log-parameters stay in [-LOG_BOUND, LOG_BOUND]: e^-20 .. e^20 */
#define LOG_BOUND 20.0
/* A fit that ends with a log-parameter this near its bound has not found an interior maximum */
#define BOUND_MARGIN 0.01
#define MAX_EVALUATIONS 2000
/* Largest gradient (of the mean log-likelihood, per log-parameter) a maximum may have */
#define GRADIENT_TOLERANCE 1e-5
/*
 * Largest standard error of a log-parameter the data may leave: above it
 * the 95% interval spans more than a factor e^20, i.e. the data do not
 * identify that parameter (say a -> 0 when nobody seems to drop out).
 */
#define LOG_SE_LIMIT 5.0

typedef struct Optimization
{
	FitData    *data;
	nlopt_opt	opt;
	ErrorData  *error;			/* raised inside the objective, to re-raise after NLopt */
} Optimization;

/*
 * NLopt minimizes: the negative mean log-likelihood, so tolerances do not
 * depend on the row count.
 *
 * Nothing may jump out through NLopt (its workspace would leak and its
 * state would be left half-way), so an ERROR raised here, a cancel or
 * terminate among them, is caught: the optimizer is told to stop, and the
 * error is raised again once nlopt_optimize has returned and the optimizer
 * is destroyed.  Interrupts are processed here, at every evaluation; a
 * parallel worker's message is handled and does not stop the fit.
 */
static double
nlopt_objective(unsigned n, const double *theta, double *grad, void *arg)
{
	Optimization *o = (Optimization *) arg;
	MemoryContext context = CurrentMemoryContext;
	volatile double ll = 0;
	volatile bool failed = false;

	if (o->error != NULL)
	{
		nlopt_force_stop(o->opt);
		return HUGE_VAL;
	}
	PG_TRY();
	{
		CHECK_FOR_INTERRUPTS();
		ll = fit_loglik(o->data, theta, grad);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		o->error = CopyErrorData();
		FlushErrorState();
		failed = true;
	}
	PG_END_TRY();
	if (failed)
	{
		nlopt_force_stop(o->opt);
		return HUGE_VAL;
	}
	o->data->evaluations++;
	if (grad != NULL)
		for (unsigned i = 0; i < n; i++)
			grad[i] = -grad[i] / o->data->total_weight;
	return isfinite(ll) ? -ll / o->data->total_weight : HUGE_VAL;
}

static const char *
nlopt_result_name(nlopt_result result)
{
	switch (result)
	{
		case NLOPT_FAILURE:
			return "NLOPT_FAILURE";
		case NLOPT_INVALID_ARGS:
			return "NLOPT_INVALID_ARGS";
		case NLOPT_OUT_OF_MEMORY:
			return "NLOPT_OUT_OF_MEMORY";
		case NLOPT_ROUNDOFF_LIMITED:
			return "NLOPT_ROUNDOFF_LIMITED";
		case NLOPT_FORCED_STOP:
			return "NLOPT_FORCED_STOP";
		default:
			return "an NLopt result";
	}
}

/*
 * Inverts the symmetric matrix h (n x n) in place by Cholesky; false when
 * it is not positive definite.
 */
static bool
invert_positive_definite(double *h, int n)
{
	double		l[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS] = {0};
	double		inv[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS] = {0};

	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++)
		{
			double		s = h[i * n + j];

			for (int k = 0; k < j; k++)
				s -= l[i * n + k] * l[j * n + k];
			if (i == j)
			{
				if (!(s > 0))
					return false;
				l[i * n + i] = sqrt(s);
			}
			else
				l[i * n + j] = s / l[j * n + j];
		}
	/* columns of L^-T L^-1: solve L y = e_c, then L^T z = y */
	for (int c = 0; c < n; c++)
	{
		double		y[MODEL_MAX_PARAMS];

		for (int i = 0; i < n; i++)
		{
			double		s = (i == c);

			for (int k = 0; k < i; k++)
				s -= l[i * n + k] * y[k];
			y[i] = s / l[i * n + i];
		}
		for (int i = n - 1; i >= 0; i--)
		{
			double		s = y[i];

			for (int k = i + 1; k < n; k++)
				s -= l[k * n + i] * inv[k * n + c];
			inv[i * n + c] = s / l[i * n + i];
		}
	}
	memcpy(h, inv, sizeof(double) * n * n);
	return true;
}

/*
 * Standard errors of the parameters from the observed information: the
 * Hessian of -LL in log-parameters by central differences of the analytic
 * gradient, inverted; then se(param) = param * se(log param) (delta
 * method).  False when the information is not positive definite.
 */
static bool
standard_errors(FitData *d, const double *theta, int n, double *se)
{
	double		h[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS];
	const double step = 1e-5;

	for (int j = 0; j < n; j++)
	{
		double		up[MODEL_MAX_PARAMS],
					down[MODEL_MAX_PARAMS],
					g_up[MODEL_MAX_PARAMS],
					g_down[MODEL_MAX_PARAMS];

		memcpy(up, theta, sizeof(double) * n);
		memcpy(down, theta, sizeof(double) * n);
		up[j] += step;
		down[j] -= step;
		fit_loglik(d, up, g_up);
		fit_loglik(d, down, g_down);
		for (int i = 0; i < n; i++)
			h[i * n + j] = -(g_up[i] - g_down[i]) / (2 * step);
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			h[i * n + j] = h[j * n + i] = (h[i * n + j] + h[j * n + i]) / 2;
	if (!invert_positive_definite(h, n))
		return false;
	for (int i = 0; i < n; i++)
		se[i] = exp(theta[i]) * sqrt(h[i * n + i]);
	return true;
}

/* Fits the model to the rows, from all parameters 1 (as the papers and lifetimes start) */
static Model *
fit_model(FitData *d)
{
	const ModelSpec *spec = &model_specs[d->kind];
	int			n = spec->nparams;
	Model	   *m = model_new(d->kind);
	double		theta[MODEL_MAX_PARAMS] = {0};
	double		lower[MODEL_MAX_PARAMS],
				upper[MODEL_MAX_PARAMS];
	double		grad[MODEL_MAX_PARAMS];
	double		se[MODEL_MAX_PARAMS];
	double		min_value;
	Optimization o;
	nlopt_result result;
	bool		ok;
	instr_time	started,
				elapsed;

	for (int i = 0; i < n; i++)
	{
		lower[i] = -LOG_BOUND;
		upper[i] = LOG_BOUND;
	}
	o.data = d;
	o.error = NULL;
	o.opt = nlopt_create(NLOPT_LD_SLSQP, n);
	if (o.opt == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (nlopt_set_min_objective(o.opt, nlopt_objective, &o) < 0 ||
		nlopt_set_lower_bounds(o.opt, lower) < 0 ||
		nlopt_set_upper_bounds(o.opt, upper) < 0 ||
		nlopt_set_ftol_rel(o.opt, 1e-14) < 0 ||
		nlopt_set_xtol_rel(o.opt, 1e-10) < 0 ||
		nlopt_set_maxeval(o.opt, MAX_EVALUATIONS) < 0)
	{
		nlopt_destroy(o.opt);
		elog(ERROR, "%s: could not set up the optimizer", spec->fit_name);
	}
	INSTR_TIME_SET_CURRENT(started);
	result = nlopt_optimize(o.opt, theta, &min_value);
	nlopt_destroy(o.opt);
	if (o.error != NULL)
		ReThrowError(o.error);
	CHECK_FOR_INTERRUPTS();

	/*
	 * NLopt's failures are errors, not models.  Round-off is the exception:
	 * SLSQP reports it when it cannot improve a flat maximum any further,
	 * and the checks below decide whether that point is a maximum.
	 */
	if (result < 0 && result != NLOPT_ROUNDOFF_LIMITED)
		ereport(ERROR,
				(errcode(result == NLOPT_OUT_OF_MEMORY ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
				 errmsg("%s: the optimizer failed with NLopt result %d (%s)",
						spec->fit_name, (int) result, nlopt_result_name(result)),
				 errhint("Check the rows the model is fitted to.")));
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, started);
	/* for benchmarks: the cost of one likelihood evaluation, apart from the scan */
	elog(DEBUG1, "%s: %d rows with per-row work, %d distinct x, %d likelihood evaluations in %.3f ms (%.3f ms each), NLopt result %d",
		 spec->fit_name, d->nrows, d->nx, d->evaluations, INSTR_TIME_GET_MILLISEC(elapsed),
		 INSTR_TIME_GET_MILLISEC(elapsed) / Max(d->evaluations, 1), (int) result);

	m->iterations = d->evaluations;
	m->customers = d->total_weight;
	m->log_likelihood = fit_loglik(d, theta, grad);
	if (!isfinite(m->log_likelihood))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the likelihood could not be evaluated at the fitted parameters",
						spec->fit_name)));
	for (int i = 0; i < n; i++)
		MODEL_ESTIMATE(m)[i] = exp(theta[i]);

	/*
	 * Converged: stopped on a tolerance (or on rounding, which SLSQP reports
	 * near a flat maximum), at a stationary point inside the bounds, with a
	 * positive definite information matrix and every parameter identified.
	 */
	ok = result > 0 && result != NLOPT_MAXEVAL_REACHED && result != NLOPT_MAXTIME_REACHED;
	ok |= result == NLOPT_ROUNDOFF_LIMITED;
	for (int i = 0; i < n; i++)
	{
		ok &= fabs(grad[i]) / d->total_weight <= GRADIENT_TOLERANCE;
		ok &= fabs(theta[i]) < LOG_BOUND - BOUND_MARGIN;
	}
	if (standard_errors(d, theta, n, se))
	{
		memcpy(MODEL_STD_ERROR(m), se, sizeof(double) * n);
		for (int i = 0; i < n; i++)
			ok &= se[i] / MODEL_ESTIMATE(m)[i] <= LOG_SE_LIMIT;
	}
	else
		ok = false;
	m->converged = ok;
	return m;
}

pg_noreturn static void
cannot_identify(const char *fname, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the data cannot identify the model", fname),
			 errdetail("%s", detail),
			 errhint("%s", hint)));
}

PG_FUNCTION_INFO_V1(bgnbd_fit_final);
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;
	Model	   *m;

	if (state == NULL || state->rows->members == 0)
		PG_RETURN_NULL();
	d = fit_data_build(state);
	if (d->total_weight < 2)
		cannot_identify(state->fname, "It was given a single customer.",
						"Fit the model to many customers, usually all of one acquisition cohort.");
	if (d->nrows == 0)
		cannot_identify(state->fname, "No customer made a repeat purchase (every frequency is 0).",
						"The purchase rate and the dropout cannot be told apart without repeat purchases.");
	m = fit_model(d);
	m->time_unit = state->time_unit;
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(gamma_gamma_fit_final);
Datum
gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d;

	if (state == NULL || state->rows->members == 0)
		PG_RETURN_NULL();
	d = fit_data_build(state);
	if (d->total_weight < 2 || d->nrows < 2)
		cannot_identify(state->fname, "It needs at least two repeat customers with different spend.",
						"Fit the model to the repeat customers (frequency > 0) of a whole cohort.");
	PG_RETURN_POINTER(fit_model(d));
}

/* ---------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------
 */

static void
check_horizon(const char *fname, double t)
{
	if (!(t >= 0 && isfinite(t)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "horizon", t,
						  "The horizon is a time of 0 or more, in the unit the model was fitted in.");
}

/* ln of a/(b+x-1) ((A+T)/(A+t_x))^(r+x), the odds of having dropped out; -inf for x = 0 */
static double
bgnbd_log_dropout_odds(const Model *m, double x, double t_x, double T)
{
	double		r = MODEL_ESTIMATE(m)[0],
				alpha = MODEL_ESTIMATE(m)[1],
				a = MODEL_ESTIMATE(m)[2],
				b = MODEL_ESTIMATE(m)[3];

	if (x == 0)
		return -INFINITY;
	return log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + t_x));
}

/*
 * E[Y(t) | x, t_x, T], eq. 10 of FHL 2005: with z = t / (A+T+t),
 * L = ln((A+T) / (A+T+t)) = ln(1 - z) and c = a + b + x - 1,
 *	 E = c / (a - 1) (1 - F) P(alive),
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
 * cancellation gave 46 where 19 is right, and then negative numbers.  The
 * rounding error of what is left is bounded from the terms' magnitudes;
 * where it passes PREDICTION_TOLERANCE relative, an error, not a number.
 */
static double
expected_conditional(const Model *m, double t, double x, double t_x, double T, const char *fname)
{
	double		r = MODEL_ESTIMATE(m)[0],
				alpha = MODEL_ESTIMATE(m)[1],
				a = MODEL_ESTIMATE(m)[2],
				b = MODEL_ESTIMATE(m)[3];
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
	if (a + b - 1 - r >= 0)
	{
		double		head = d == 0 ? -L : -expm1(d * L) / d;
		double		first = (a + b - 1 - r) * z / c;	/* the n = 1 term without a - 1 */

		sum = power_series(first, a + b - 1 - r, a - 1, c, z, &magnitude, &log_scale, &terms, fname);
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
						   &magnitude, &log_scale, &terms, fname);
		F = exp((r + x) * L) + exp((r + x) * L + log_scale) * sum;
		/* each term's product of `terms` ratios, and the prefactor's exponent */
		error = DBL_EPSILON * ((8.0 + terms) * exp((r + x) * L + log_scale) * magnitude
							   + (4 + 4 * fabs((r + x) * L)) * F);
		ratio = (1 - F) / d;
		error /= fabs(d);
	}
	if (!(error <= PREDICTION_TOLERANCE * fabs(ratio)))
		accuracy_lost(fname, error / fabs(ratio));
	/* 1 / (1 + odds) is P(alive) */
	return c * ratio / (1 + exp(bgnbd_log_dropout_odds(m, x, t_x, T)));
}

/* expected_purchases(model, t, frequency, recency, age) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_BGNBD);
	double		t = PG_GETARG_FLOAT8(1);
	double		x = PG_GETARG_FLOAT8(2),
				t_x = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	require_converged(m, "expected_purchases");
	check_time_unit(fcinfo, 5, m, "expected_purchases");
	check_horizon("expected_purchases", t);
	check_customer("expected_purchases", x, t_x, T);
	PG_RETURN_FLOAT8(lk_finite_result("expected_purchases", expected_conditional(m, t, x, t_x, T, "expected_purchases")));
}

/* expected_purchases(model, t): E[X(t)] of a new customer, eq. 7 (x = t_x = T = 0 in eq. 10) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_BGNBD);
	double		t = PG_GETARG_FLOAT8(1);

	require_converged(m, "expected_purchases");
	check_time_unit(fcinfo, 2, m, "expected_purchases");
	check_horizon("expected_purchases", t);
	PG_RETURN_FLOAT8(lk_finite_result("expected_purchases", expected_conditional(m, t, 0, 0, 0, "expected_purchases")));
}

PG_FUNCTION_INFO_V1(bgnbd_probability_alive);
Datum
bgnbd_probability_alive(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_BGNBD);
	double		x = PG_GETARG_FLOAT8(1),
				t_x = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	require_converged(m, "probability_alive");
	check_time_unit(fcinfo, 4, m, "probability_alive");
	check_customer("probability_alive", x, t_x, T);
	PG_RETURN_FLOAT8(lk_finite_result("probability_alive",
									  1 / (1 + exp(bgnbd_log_dropout_odds(m, x, t_x, T)))));
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
	check_frequency(fname, *x);
	if (*x == 0)
	{
		*zbar = 0;
		return true;
	}
	if (PG_ARGISNULL(zbar_arg))
		return false;
	*zbar = PG_GETARG_FLOAT8(zbar_arg);
	check_monetary_value(fname, *zbar);
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
	require_converged(m, "expected_spend");
	PG_RETURN_FLOAT8(lk_finite_result("expected_spend", expected_spend(m, x, zbar, "expected_spend")));
}

/* expected_spend(model): the population mean spend per purchase */
PG_FUNCTION_INFO_V1(gamma_gamma_mean_spend);
Datum
gamma_gamma_mean_spend(PG_FUNCTION_ARGS)
{
	const Model *m = model_arg(fcinfo, 0, MODEL_GAMMA_GAMMA);

	require_converged(m, "expected_spend");
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
PG_FUNCTION_INFO_V1(predicted_clv);
Datum
predicted_clv(PG_FUNCTION_ARGS)
{
	const char *fname = "predicted_clv";
	const Model *bg;
	const Model *gg;
	double		x,
				t_x,
				T,
				zbar,
				spend,
				length,
				discount,
				previous = 0,
				value = 0;
	int32		periods;

	/* NULL anywhere but the mean spend (NULL when x = 0) gives NULL */
	for (int i = 0; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i) && i != 5)
			PG_RETURN_NULL();
	if (!spend_args(fcinfo, 2, 5, fname, &x, &zbar))
		PG_RETURN_NULL();
	bg = model_arg(fcinfo, 0, MODEL_BGNBD);
	gg = model_arg(fcinfo, 1, MODEL_GAMMA_GAMMA);
	require_converged(bg, fname);
	require_converged(gg, fname);
	check_time_unit(fcinfo, 9, bg, fname);
	t_x = PG_GETARG_FLOAT8(3);
	T = PG_GETARG_FLOAT8(4);
	check_customer(fname, x, t_x, T);
	periods = PG_GETARG_INT32(6);
	length = PG_GETARG_FLOAT8(7);
	discount = PG_GETARG_FLOAT8(8);
	if (periods < 0 || periods > 100000)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "number of periods", periods,
						  "The horizon is 0 to 100000 periods.");
	if (!(length > 0 && isfinite(length)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "period length", length,
						  "The period length is above 0, in the unit the purchase model was fitted in.");
	if (!(discount >= 0 && isfinite(discount)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "discount rate", discount,
						  "The discount rate is a percentage per period, 0 or more.");
	spend = expected_spend(gg, x, zbar, fname);
	for (int i = 1; i <= periods; i++)
	{
		double		cumulative = expected_conditional(bg, i * length, x, t_x, T, fname);

		value += (cumulative - previous) * spend / pow(1 + discount / 100, i);
		previous = cumulative;
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8(lk_finite_result(fname, value));
}
