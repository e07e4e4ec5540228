/*
 * model_covariates.c
 *		Pareto/NBD, BG/NBD and GGompertz/NBD with time-invariant
 *		covariates, in CLVTools' parameterisation (Fader and Hardie,
 *		"Incorporating time-invariant covariates into the Pareto/NBD and
 *		BG/NBD models", 2007): each customer's covariates scale the gamma
 *		mixing distributions, one coefficient vector per process,
 *		  Pareto/NBD: alpha_i = alpha e^(-g_p'z_p), beta_i = beta e^(-g_d'z_d)
 *		  BG/NBD:	  alpha_i = alpha e^(-g_p'z_p), a_i = a e^(g_d'z_d),
 *					  b_i = b e^(g_d'z_d)
 *		  GGompertz/NBD: as Pareto/NBD (its beta scales the Gompertz hazard)
 *		so a positive purchase coefficient means more purchases, and a
 *		customer is the model without covariates at its own parameters.
 *		A tied covariate (CLVTools' names.cov.constr) has one coefficient
 *		for both processes: the fit's parameters are the base ones, the
 *		purchase coefficients and the untied dropout ones.
 *
 * The fit groups the customers by their covariates (a profile): each
 * profile's rows are a fit of the base model, arranged once, and the
 * likelihood is the sum of the profiles' base likelihoods at the profile's
 * parameters, its gradient the base gradients carried by the chain rule.
 * So every model's own fast, accurate likelihood serves unchanged; the
 * cost grows with the number of profiles, which segment-like covariates
 * (channel, gender, plan) keep small.
 *
 * The fit works on covariates centred and scaled over the customers,
 * where the coefficients are of one size and the base parameters stay
 * those of the average customer, and starts from the fit without
 * covariates (on the warm start's sample); it reports on the covariates'
 * own scale.  The stored model
 * keeps the estimates, standard errors and the covariance of (log base
 * parameters, coefficients); customer_model() gives a customer's model
 * without covariates, whose every prediction and interval then applies.
 *
 * The Pareto/NBD with time-varying covariates (the last section) keeps
 * per customer its repeat purchases, t_x, T and its stretches of equal
 * covariates (its rows in the same state), and fits all of them at once
 * by pnbd_dyncov_loglik; its model is the same type, format 2.
 */
#include "model.h"

#include <math.h>

#include "catalog/pg_collation_d.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "libpq/pqformat.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

/* A covariate model's base parameters: its base model's (model_specs), up to MODEL_MAX_PARAMS */
#define COV_NBASE_OF(kind) (model_specs[kind].nparams)
#define COV_NBASE(m) COV_NBASE_OF((m)->kind)

/*
 * How a base parameter's logarithm moves with each process's linear
 * predictor g'z: -1, 0 or +1 (CLVTools' signs), and which process it
 * belongs to in the coefficient table
 */
typedef struct CovariateLinks
{
	ModelKind	kind;
	const char *type_name;
	int8		purchase[MODEL_MAX_PARAMS];
	int8		dropout[MODEL_MAX_PARAMS];
	const char *process[MODEL_MAX_PARAMS];
} CovariateLinks;

static const CovariateLinks covariate_links[] = {
	{MODEL_PARETO_NBD, "pareto_nbd_covariate_model", {0, -1, 0, 0}, {0, 0, 0, -1},
	{"purchase", "purchase", "dropout", "dropout"}},
	{MODEL_BGNBD, "bgnbd_covariate_model", {0, -1, 0, 0}, {0, 0, 1, 1},
	{"purchase", "purchase", "dropout", "dropout"}},
	/* (r, alpha, b, s, beta): beta_i = beta e^(-g_d'z), as CLVTools' ggomnbd_staticcov_beta_i */
	{MODEL_GGOMPERTZ_NBD, "ggompertz_nbd_covariate_model", {0, -1, 0, 0, 0}, {0, 0, 0, 0, -1},
	{"purchase", "purchase", "dropout", "dropout", "dropout"}},
};

static const CovariateLinks *
links_of(int kind)
{
	for (int i = 0; i < (int) lengthof(covariate_links); i++)
		if ((int) covariate_links[i].kind == kind)
			return &covariate_links[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * The stored model
 * ---------------------------------------------------------------------
 */

#define COVMODEL_FORMAT 1
/* Format 2 is format 1 written by a fit with time-varying covariates (a Pareto/NBD's) */
#define COVMODEL_FORMAT_TIME_VARYING 2

/*
 * The estimates (n = base parameters, purchase coefficients, dropout
 * coefficients; base parameters as themselves), their standard errors,
 * the covariance of (log base parameters, coefficients), n x n row-major,
 * NaN where the information is singular; then the purchase names, the
 * dropout names and the tied names, each ending in a NUL.  A tied name is
 * a covariate of both processes fitted with one coefficient (CLVTools'
 * names.cov.constr): its two coefficients, their errors and covariance
 * rows are equal.
 */
typedef struct CovariateModel
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		kind;			/* the base model's ModelKind */
	uint8		npurchase;
	uint8		ndropout;
	uint8		converged;
	uint8		ntied;
	uint8		padding[2];
	int32		iterations;
	double		customers;
	double		skipped;		/* rows left out for a NULL covariate */
	double		log_likelihood; /* without the penalty */
	double		penalty[2];		/* L2 penalties on the purchase and dropout coefficients, 0: none */
	double		values[FLEXIBLE_ARRAY_MEMBER];
} CovariateModel;

#define COV_NPARAMS(m) (COV_NBASE(m) + (m)->npurchase + (m)->ndropout)
#define COV_NDOUBLES(n) ((Size) (n) * (2 + (n)))
#define COV_FIXED_SIZE(n) (offsetof(CovariateModel, values) + sizeof(double) * COV_NDOUBLES(n))
#define COV_ESTIMATE(m) ((m)->values)
#define COV_STD_ERROR(m) ((m)->values + COV_NPARAMS(m))
#define COV_COVARIANCE(m) ((m)->values + 2 * COV_NPARAMS(m))
#define COV_NAMES(m) ((const char *) ((m)->values + COV_NDOUBLES(COV_NPARAMS(m))))

#define COV_TEXT_FORM "v1:pareto_nbd:purchase=\"a\",...;dropout=\"b\",...[;tied=\"a\",...];estimates=E,...;se=S,...;cov=V,...;log_likelihood=L;penalty=P,D;customers=N;skipped=K;iterations=I;converged=true"

static CovariateModel *
cov_model_alloc(ModelKind kind, int np, int nd, int ntied, Size names_bytes)
{
	int			n = COV_NBASE_OF(kind) + np + nd;
	CovariateModel *m = palloc0(COV_FIXED_SIZE(n) + names_bytes);

	SET_VARSIZE(m, COV_FIXED_SIZE(n) + names_bytes);
	m->version = COVMODEL_FORMAT;
	m->kind = kind;
	m->npurchase = np;
	m->ndropout = nd;
	m->ntied = ntied;
	return m;
}

/* The i-th covariate name: the purchase covariates', the dropout covariates', then the tied ones */
static const char *
cov_name(const CovariateModel *m, int i)
{
	const char *name = COV_NAMES(m);

	while (i-- > 0)
		name += strlen(name) + 1;
	return name;
}

/* Where name is among the count names from the first-th, or -1 */
static int
cov_index(const CovariateModel *m, int first, int count, const char *name)
{
	for (int k = 0; k < count; k++)
		if (strcmp(cov_name(m, first + k), name) == 0)
			return k;
	return -1;
}

static bool
same_double(double x, double y)
{
	return isnan(x) ? isnan(y) : x == y;
}

/* Whether parameters a and b are one: equal estimates, errors and covariance rows */
static bool
cov_tie_holds(const CovariateModel *m, int a, int b)
{
	int			n = COV_NPARAMS(m);

	if (!same_double(COV_ESTIMATE(m)[a], COV_ESTIMATE(m)[b]) ||
		!same_double(COV_STD_ERROR(m)[a], COV_STD_ERROR(m)[b]))
		return false;
	for (int j = 0; j < n; j++)
		if (!same_double(COV_COVARIANCE(m)[a * n + j], COV_COVARIANCE(m)[b * n + j]))
			return false;
	return true;
}

/* Parameter from's estimate, error and covariance row and column made to's too */
static void
cov_copy_parameter(CovariateModel *m, int from, int to)
{
	int			n = COV_NPARAMS(m);

	COV_ESTIMATE(m)[to] = COV_ESTIMATE(m)[from];
	COV_STD_ERROR(m)[to] = COV_STD_ERROR(m)[from];
	for (int j = 0; j < n; j++)
		COV_COVARIANCE(m)[to * n + j] = COV_COVARIANCE(m)[from * n + j];
	for (int j = 0; j < n; j++)
		COV_COVARIANCE(m)[j * n + to] = COV_COVARIANCE(m)[to * n + j];
	COV_COVARIANCE(m)[to * n + to] = COV_COVARIANCE(m)[from * n + from];
}

/*
 * ERROR unless both processes have the same covariates, as a call giving
 * one covariates array for both needs
 */
static void
cov_require_shared(const CovariateModel *m, const char *fname, const char *hint)
{
	bool		same = m->npurchase == m->ndropout;

	for (int k = 0; same && k < m->npurchase; k++)
		same = strcmp(cov_name(m, k), cov_name(m, m->npurchase + k)) == 0;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model's purchase and dropout covariates differ", fname),
				 errhint("%s", hint)));
}

/* Why m is not a model this library writes (of kind, or of any), or NULL */
static const char *
cov_problem(const CovariateModel *m, ModelKind kind)
{
	const char *end = (const char *) m + VARSIZE(m);
	const char *name;
	int			n;

	if (VARSIZE(m) < offsetof(CovariateModel, values))
		return "It is shorter than its header.";
	if (m->version != COVMODEL_FORMAT && m->version != COVMODEL_FORMAT_TIME_VARYING)
		return psprintf("Format version %d is not one this release reads (it reads %d and %d).", m->version,
						COVMODEL_FORMAT, COVMODEL_FORMAT_TIME_VARYING);
	if (m->version == COVMODEL_FORMAT_TIME_VARYING && (m->kind != MODEL_PARETO_NBD || m->ntied > 0))
		return "Only a Pareto/NBD without tied covariates is fitted with time-varying covariates.";
	if (links_of(m->kind) == NULL || (kind != MODEL_ANY && m->kind != kind))
		return "Its model kind is not this type's.";
	if (m->npurchase > COVARIATE_MAX || m->ndropout > COVARIATE_MAX || m->npurchase + m->ndropout == 0)
		return psprintf("It has no covariates, or more than %d for a process.", COVARIATE_MAX);
	n = COV_NPARAMS(m);
	if (VARSIZE(m) < COV_FIXED_SIZE(n) + m->npurchase + m->ndropout)
		return "It is shorter than its values and names.";
	if (m->converged > 1 || m->iterations < 0 || !(m->customers >= 2) || isinf(m->customers) ||
		!(m->skipped >= 0) || isinf(m->skipped) || !isfinite(m->log_likelihood) ||
		!(m->penalty[0] >= 0) || isinf(m->penalty[0]) || !(m->penalty[1] >= 0) || isinf(m->penalty[1]))
		return "Its counts and log-likelihood are not those of a fit.";
	for (int i = 0; i < n; i++)
		if (!isfinite(COV_ESTIMATE(m)[i]) || (i < COV_NBASE(m) && !(COV_ESTIMATE(m)[i] > 0)))
			return "Its estimates are not finite, or a base parameter is not positive.";
	for (int i = 0; i < n; i++)
	{
		double		se = COV_STD_ERROR(m)[i];

		if (!(isnan(se) || (se >= 0 && isfinite(se))))
			return "Its standard errors are not finite and not negative (or NaN).";
		for (int j = 0; j < n; j++)
		{
			double		c = COV_COVARIANCE(m)[i * n + j];
			double		t = COV_COVARIANCE(m)[j * n + i];

			if (!(isnan(c) ? isnan(t) : c == t) || isinf(c) || (i == j && c < 0))
				return "Its covariance is not symmetric with variances not negative (or NaN).";
		}
	}
	name = COV_NAMES(m);
	for (int i = 0; i < m->npurchase + m->ndropout; i++)
	{
		const char *nul = memchr(name, '\0', end - name);

		if (nul == NULL || nul == name)
			return "Its names are not one non-empty string per covariate.";
		name = nul + 1;
	}
	if (m->ntied > Min(m->npurchase, m->ndropout))
		return "It ties more covariates than a process has.";
	for (int t = 0; t < m->ntied; t++)
	{
		const char *nul = memchr(name, '\0', end - name);
		int			kp,
					kd;

		if (nul == NULL)
			return "Its tied names are not one string each.";
		kp = cov_index(m, 0, m->npurchase, name);
		kd = cov_index(m, m->npurchase, m->ndropout, name);
		if (kp < 0 || kd < 0 || cov_index(m, m->npurchase + m->ndropout, t, name) >= 0)
			return "Its tied names are not distinct covariates of both processes.";
		if (!cov_tie_holds(m, COV_NBASE(m) + kp, COV_NBASE(m) + m->npurchase + kd))
			return "A tied covariate's two coefficients differ.";
		name = nul + 1;
	}
	if (name != end)
		return "Bytes follow its names.";
	return NULL;
}

static const CovariateModel *
cov_model_arg(FunctionCallInfo fcinfo, int argno)
{
	const CovariateModel *m = (const CovariateModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (cov_problem(m, MODEL_ANY) != NULL)
		elog(ERROR, "corrupt covariate model value");
	return m;
}

static void
append_names(StringInfo buf, const CovariateModel *m, int first, int count)
{
	for (int i = 0; i < count; i++)
	{
		const char *name = cov_name(m, first + i);

		if (i > 0)
			appendStringInfoChar(buf, ',');
		lk_text_append_quoted(buf, name, strlen(name));
	}
}

static Datum
cov_model_out(FunctionCallInfo fcinfo)
{
	const CovariateModel *m = cov_model_arg(fcinfo, 0);
	int			n = COV_NPARAMS(m);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d:%s:purchase=", m->version, model_specs[m->kind].name);
	append_names(&buf, m, 0, m->npurchase);
	appendStringInfoString(&buf, ";dropout=");
	append_names(&buf, m, m->npurchase, m->ndropout);
	if (m->ntied > 0)
	{
		appendStringInfoString(&buf, ";tied=");
		append_names(&buf, m, m->npurchase + m->ndropout, m->ntied);
	}
	appendStringInfoString(&buf, ";estimates=");
	lk_append_doubles(&buf, COV_ESTIMATE(m), n);
	appendStringInfoString(&buf, ";se=");
	lk_append_doubles(&buf, COV_STD_ERROR(m), n);
	appendStringInfoString(&buf, ";cov=");
	lk_append_doubles(&buf, COV_COVARIANCE(m), n * n);
	appendStringInfoString(&buf, ";log_likelihood=");
	lk_append_double(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ";penalty=");
	lk_append_doubles(&buf, m->penalty, 2);
	appendStringInfoString(&buf, ";customers=");
	lk_append_double(&buf, m->customers);
	appendStringInfoString(&buf, ";skipped=");
	lk_append_double(&buf, m->skipped);
	appendStringInfo(&buf, ";iterations=%d;converged=%s", m->iterations, m->converged ? "true" : "false");
	PG_RETURN_CSTRING(buf.data);
}

/* count numbers, comma-separated, each finite or NaN */
static void
read_doubles(LkTextReader *r, double *v, int count)
{
	for (int i = 0; i < count; i++)
	{
		if (i > 0)
			lk_text_expect(r, ",");
		v[i] = lk_text_accept(r, "NaN") ? get_float8_nan() : lk_text_double(r);
	}
}

/* A list of quoted names (none: an empty list), appended NUL-terminated; how many */
static int
read_names(LkTextReader *r, StringInfo names)
{
	int			count = 0;

	if (*r->p != '"')
		return 0;
	do
	{
		StringInfoData one;

		initStringInfo(&one);
		lk_text_quoted(r, &one);
		if (one.len == 0 || memchr(one.data, '\0', one.len) != NULL)
			lk_text_error(r, "A covariate name is a non-empty string.");
		appendBinaryStringInfo(names, one.data, one.len + 1);
		if (++count > COVARIATE_MAX)
			lk_text_error(r, psprintf("A process has at most %d covariates.", COVARIATE_MAX));
	} while (lk_text_accept(r, ","));
	return count;
}

static Datum
cov_model_in(FunctionCallInfo fcinfo, ModelKind kind)
{
	const char *input = PG_GETARG_CSTRING(0);
	const CovariateLinks *links = links_of(kind);
	LkTextReader r;
	StringInfoData names;
	CovariateModel *m;
	const char *problem;
	int			np,
				nd,
				ntied = 0,
				n,
				version;
	double		head[3];

	lk_text_begin(&r, input, links->type_name, COV_TEXT_FORM);
	version = lk_text_accept(&r, "v2:") ? COVMODEL_FORMAT_TIME_VARYING : (lk_text_expect(&r, "v1:"), COVMODEL_FORMAT);
	lk_text_expect(&r, psprintf("%s:purchase=", model_specs[kind].name));
	initStringInfo(&names);
	np = read_names(&r, &names);
	lk_text_expect(&r, ";dropout=");
	nd = read_names(&r, &names);
	if (np + nd == 0)
		lk_text_error(&r, "A covariate model has covariates.");
	if (lk_text_accept(&r, ";tied=") && (ntied = read_names(&r, &names)) == 0)
		lk_text_error(&r, "A tied list names a covariate.");
	n = COV_NBASE_OF(kind) + np + nd;
	m = cov_model_alloc(kind, np, nd, ntied, names.len);
	m->version = version;
	memcpy((char *) COV_NAMES(m), names.data, names.len);
	lk_text_expect(&r, ";estimates=");
	read_doubles(&r, COV_ESTIMATE(m), n);
	lk_text_expect(&r, ";se=");
	read_doubles(&r, COV_STD_ERROR(m), n);
	lk_text_expect(&r, ";cov=");
	read_doubles(&r, COV_COVARIANCE(m), n * n);
	lk_text_expect(&r, ";log_likelihood=");
	read_doubles(&r, &head[0], 1);
	lk_text_expect(&r, ";penalty=");
	read_doubles(&r, m->penalty, 2);
	lk_text_expect(&r, ";customers=");
	read_doubles(&r, &head[1], 1);
	lk_text_expect(&r, ";skipped=");
	read_doubles(&r, &head[2], 1);
	m->log_likelihood = head[0];
	m->customers = head[1];
	m->skipped = head[2];
	lk_text_expect(&r, ";iterations=");
	m->iterations = (int32) lk_text_int64(&r, 0, PG_INT32_MAX);
	lk_text_expect(&r, ";converged=");
	m->converged = lk_text_accept(&r, "true") ? 1 : (lk_text_expect(&r, "false"), 0);
	lk_text_end(&r);
	if ((problem = cov_problem(m, kind)) != NULL)
		lk_text_error(&r, problem);
	PG_RETURN_POINTER(m);
}

static Datum
cov_model_send(FunctionCallInfo fcinfo)
{
	const CovariateModel *m = cov_model_arg(fcinfo, 0);
	StringInfoData buf;
	const char *names = COV_NAMES(m);

	pq_begintypsend(&buf);
	pq_sendint8(&buf, m->version);
	pq_sendint8(&buf, m->kind);
	pq_sendint8(&buf, m->npurchase);
	pq_sendint8(&buf, m->ndropout);
	pq_sendint8(&buf, m->converged);
	pq_sendint8(&buf, m->ntied);
	pq_sendint32(&buf, m->iterations);
	pq_sendfloat8(&buf, m->customers);
	pq_sendfloat8(&buf, m->skipped);
	pq_sendfloat8(&buf, m->log_likelihood);
	pq_sendfloat8(&buf, m->penalty[0]);
	pq_sendfloat8(&buf, m->penalty[1]);
	for (Size i = 0; i < COV_NDOUBLES(COV_NPARAMS(m)); i++)
		pq_sendfloat8(&buf, m->values[i]);
	pq_sendbytes(&buf, names, (const char *) m + VARSIZE(m) - names);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static Datum
cov_model_recv(FunctionCallInfo fcinfo, ModelKind kind)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const char *type_name = links_of(kind)->type_name;
	CovariateModel head = {0};
	CovariateModel *m;
	const char *problem;
	Size		ndoubles;
	int			names_bytes;

	if (buf->len - buf->cursor < 10 + 5 * 8)
		lk_binary_error(type_name, "It ends inside its header.");
	head.version = pq_getmsgint(buf, 1);
	head.kind = pq_getmsgint(buf, 1);
	head.npurchase = pq_getmsgint(buf, 1);
	head.ndropout = pq_getmsgint(buf, 1);
	head.converged = pq_getmsgint(buf, 1);
	head.ntied = pq_getmsgint(buf, 1);
	head.iterations = pq_getmsgint(buf, 4);
	head.customers = pq_getmsgfloat8(buf);
	head.skipped = pq_getmsgfloat8(buf);
	head.log_likelihood = pq_getmsgfloat8(buf);
	head.penalty[0] = pq_getmsgfloat8(buf);
	head.penalty[1] = pq_getmsgfloat8(buf);
	if ((head.version != COVMODEL_FORMAT && head.version != COVMODEL_FORMAT_TIME_VARYING) || head.kind != kind ||
		head.npurchase > COVARIATE_MAX || head.ndropout > COVARIATE_MAX)
		lk_binary_error(type_name, "Its header is not one this release writes.");
	ndoubles = COV_NDOUBLES(COV_NBASE_OF(kind) + head.npurchase + head.ndropout);
	if ((Size) (buf->len - buf->cursor) < 8 * ndoubles)
		lk_binary_error(type_name, "It ends before its values and names.");
	names_bytes = buf->len - buf->cursor - 8 * ndoubles;
	m = cov_model_alloc(kind, head.npurchase, head.ndropout, head.ntied, names_bytes);
	memcpy((char *) m + VARHDRSZ, (char *) &head + VARHDRSZ, offsetof(CovariateModel, values) - VARHDRSZ);
	for (Size i = 0; i < ndoubles; i++)
	{
		m->values[i] = pq_getmsgfloat8(buf);
		/* one NaN, as the text form reads it, so both forms round-trip */
		if (isnan(m->values[i]))
			m->values[i] = get_float8_nan();
	}
	pq_copymsgbytes(buf, (char *) COV_NAMES(m), names_bytes);
	if ((problem = cov_problem(m, kind)) != NULL)
		lk_binary_error(type_name, problem);
	PG_RETURN_POINTER(m);
}

static void
append_json_names(StringInfo buf, const CovariateModel *m, int first, int count)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < count; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, cov_name(m, first + i));
	}
	appendStringInfoChar(buf, ']');
}

/*
 * {"model": ..., "purchase_covariates": [...], "dropout_covariates": [...],
 *  "tied_covariates": [...], "parameters": {name: estimate}, "coefficients": {"purchase": {name:
 *  estimate}, "dropout": {...}}, "standard_errors": [...], "covariance":
 *  [[...]], "log_likelihood", "penalty": {"purchase", "dropout"},
 *  "customers", "skipped", "iterations",
 *  "converged"}
 */
PG_FUNCTION_INFO_V1(covariate_model_jsonb);
Datum
covariate_model_jsonb(PG_FUNCTION_ARGS)
{
	const CovariateModel *m = cov_model_arg(fcinfo, 0);
	const ModelSpec *spec = &model_specs[m->kind];
	int			n = COV_NPARAMS(m);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"model\": \"%s\", \"purchase_covariates\": ", spec->name);
	append_json_names(&buf, m, 0, m->npurchase);
	appendStringInfoString(&buf, ", \"dropout_covariates\": ");
	append_json_names(&buf, m, m->npurchase, m->ndropout);
	appendStringInfoString(&buf, ", \"tied_covariates\": ");
	append_json_names(&buf, m, m->npurchase + m->ndropout, m->ntied);
	if (m->version == COVMODEL_FORMAT_TIME_VARYING)
		appendStringInfoString(&buf, ", \"time_varying\": true");
	appendStringInfoString(&buf, ", \"parameters\": {");
	for (int i = 0; i < spec->nparams; i++)
	{
		appendStringInfo(&buf, "%s\"%s\": ", i > 0 ? ", " : "", spec->params[i]);
		lk_append_json_number(&buf, COV_ESTIMATE(m)[i]);
	}
	appendStringInfoString(&buf, "}, \"coefficients\": {\"purchase\": {");
	for (int i = 0; i < m->npurchase + m->ndropout; i++)
	{
		if (i == m->npurchase)
			appendStringInfoString(&buf, "}, \"dropout\": {");
		else if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, cov_name(m, i));
		appendStringInfoString(&buf, ": ");
		lk_append_json_number(&buf, COV_ESTIMATE(m)[spec->nparams + i]);
	}
	if (m->ndropout == 0)
		appendStringInfoString(&buf, "}, \"dropout\": {");
	appendStringInfoString(&buf, "}}, \"standard_errors\": [");
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		lk_append_json_number(&buf, COV_STD_ERROR(m)[i]);
	}
	appendStringInfoString(&buf, "], \"covariance\": [");
	for (int i = 0; i < n; i++)
	{
		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		for (int j = 0; j < n; j++)
		{
			if (j > 0)
				appendStringInfoString(&buf, ", ");
			lk_append_json_number(&buf, COV_COVARIANCE(m)[i * n + j]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"log_likelihood\": ");
	lk_append_json_number(&buf, m->log_likelihood);
	appendStringInfoString(&buf, ", \"penalty\": {\"purchase\": ");
	lk_append_json_number(&buf, m->penalty[0]);
	appendStringInfoString(&buf, ", \"dropout\": ");
	lk_append_json_number(&buf, m->penalty[1]);
	appendStringInfoString(&buf, "}, \"customers\": ");
	lk_append_json_number(&buf, m->customers);
	appendStringInfoString(&buf, ", \"skipped\": ");
	lk_append_json_number(&buf, m->skipped);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s}", m->iterations,
					 m->converged ? "true" : "false");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

#define COV_IO_FUNCTIONS(prefix, kind) \
PG_FUNCTION_INFO_V1(prefix##_in); \
Datum prefix##_in(PG_FUNCTION_ARGS) { return cov_model_in(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_out); \
Datum prefix##_out(PG_FUNCTION_ARGS) { return cov_model_out(fcinfo); } \
PG_FUNCTION_INFO_V1(prefix##_recv); \
Datum prefix##_recv(PG_FUNCTION_ARGS) { return cov_model_recv(fcinfo, kind); } \
PG_FUNCTION_INFO_V1(prefix##_send); \
Datum prefix##_send(PG_FUNCTION_ARGS) { return cov_model_send(fcinfo); }

COV_IO_FUNCTIONS(pareto_nbd_covariate_model, MODEL_PARETO_NBD)
COV_IO_FUNCTIONS(bgnbd_covariate_model, MODEL_BGNBD)
COV_IO_FUNCTIONS(ggompertz_nbd_covariate_model, MODEL_GGOMPERTZ_NBD)

/* ---------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(covariate_model_log_likelihood);
Datum
covariate_model_log_likelihood(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(cov_model_arg(fcinfo, 0)->log_likelihood);
}

PG_FUNCTION_INFO_V1(covariate_model_customers);
Datum
covariate_model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(cov_model_arg(fcinfo, 0)->customers);
}

PG_FUNCTION_INFO_V1(covariate_model_iterations);
Datum
covariate_model_iterations(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(cov_model_arg(fcinfo, 0)->iterations);
}

PG_FUNCTION_INFO_V1(covariate_model_converged);
Datum
covariate_model_converged(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(cov_model_arg(fcinfo, 0)->converged);
}

/*
 * coefficients(model, level): one row per parameter, (process, term,
 * estimate, standard_error, z, p_value, lower, upper).  The base
 * parameters first, with their interval on the log scale the fit works on
 * (and no test: they are positive); then each covariate's coefficient
 * with its Wald test against 0.  NULL standard error, test and interval
 * where the information is singular.
 */
PG_FUNCTION_INFO_V1(covariate_model_coefficients);
Datum
covariate_model_coefficients(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	const CovariateModel *m;

	if (SRF_IS_FIRSTCALL())
	{
		const CovariateModel *given = (const CovariateModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

		if (cov_problem(given, MODEL_ANY) != NULL)
			elog(ERROR, "corrupt covariate model value");
		lk_check_confidence_level("coefficients", PG_GETARG_FLOAT8(1));
		lk_srf_start(fcinfo, (const struct varlena *) given, COV_NPARAMS(given), "coefficients");
	}
	funcctx = SRF_PERCALL_SETUP();
	m = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		int			nb = COV_NBASE(m);
		double		estimate = COV_ESTIMATE(m)[i];
		double		se = COV_STD_ERROR(m)[i];
		double		q = lk_normal_quantile(0.5 + PG_GETARG_FLOAT8(1) / 2);
		Datum		values[8];
		bool		nulls[8] = {false};

		if (i < nb)
		{
			values[0] = CStringGetTextDatum(links_of(m->kind)->process[i]);
			values[1] = CStringGetTextDatum(model_specs[m->kind].params[i]);
		}
		else
		{
			values[0] = CStringGetTextDatum(i < nb + m->npurchase ? "purchase" : "dropout");
			values[1] = CStringGetTextDatum(cov_name(m, i - nb));
		}
		values[2] = Float8GetDatum(estimate);
		if (isnan(se))
			nulls[3] = nulls[4] = nulls[5] = nulls[6] = nulls[7] = true;
		else if (i < nb)
		{
			double		half = q * se / estimate;

			values[3] = Float8GetDatum(se);
			nulls[4] = nulls[5] = true;
			values[6] = Float8GetDatum(estimate * exp(-half));
			values[7] = Float8GetDatum(estimate * exp(half));
		}
		else
		{
			values[3] = Float8GetDatum(se);
			nulls[4] = nulls[5] = se == 0;
			if (se > 0)
			{
				values[4] = Float8GetDatum(estimate / se);
				values[5] = Float8GetDatum(lk_two_sided_p(estimate / se));
			}
			values[6] = Float8GetDatum(estimate - q * se);
			values[7] = Float8GetDatum(estimate + q * se);
		}
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* ---------------------------------------------------------------------
 * Covariate arrays: the names once, the values per row
 * ---------------------------------------------------------------------
 */

/*
 * The names of one process's covariates: a one-dimensional text array
 * (or empty) of distinct, non-empty names without NULLs; how many
 */
static int
check_names(const char *fname, ArrayType *names, const char *process)	/* "purchase ", "dropout " or "" */
{
	Datum	   *items;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(names) > 1 || ARR_ELEMTYPE(names) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the %scovariate names are not a list of text", fname, process),
				 errhint("Name the covariates once, such as ARRAY['gender', 'channel'].")));
	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	if (n > COVARIATE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: %d %scovariates", fname, n, process),
				 errhint("Fit at most %d covariates per process.", COVARIATE_MAX)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i] || VARSIZE_ANY_EXHDR(DatumGetPointer(items[i])) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %scovariate name %d is NULL or empty", fname, process, i + 1),
					 errhint("Name every covariate, in the order of the covariates array.")));
		if (memchr(VARDATA_ANY(DatumGetPointer(items[i])), '\0', VARSIZE_ANY_EXHDR(DatumGetPointer(items[i]))))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %scovariate name %d holds a NUL", fname, process, i + 1)));
		for (int j = 0; j < i; j++)
			if (DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, items[i], items[j])))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: %scovariate name \"%s\" is given twice", fname, process,
								TextDatumGetCString(items[i])),
						 errhint("Give each covariate its own name.")));
	}
	return n;
}

/* The number of values of a covariate array (ERROR unless one-dimensional) */
static int
covariate_count(const ArrayType *values)
{
	if (ARR_NDIM(values) == 0)
		return 0;
	if (ARR_NDIM(values) != 1)
		return -1;
	return ArrayGetNItems(ARR_NDIM(values), ARR_DIMS(values));
}

/*
 * Copies one process's covariate values into z (count of them, checked
 * finite); false when one is NULL (the row is skipped, as R's na.omit).
 * process: "purchase ", "dropout " or "", for messages.
 */
static bool
read_covariates(const char *fname, ArrayType *values, int count, const char *process, double *z)
{
	int			given = covariate_count(values);

	if (given != count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %d %scovariates where the names are %d", fname, Max(given, 0), process, count),
				 errhint("Give every row one value per name, in the names' order.")));
	if (count <= 0)
		return true;
	if (ARR_HASNULL(values))
		return false;
	/* one dimension, no NULLs: the data follow the short header (ARR_DATA_PTR's ?: warns in 15's header) */
	memcpy(z, (char *) values + ARR_OVERHEAD_NONULLS(1), sizeof(double) * (Size) count);
	for (int k = 0; k < count; k++)
	{
		if (!isfinite(z[k]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: %scovariate %d is %s", fname, process, k + 1, float8out_internal(z[k])),
					 errhint("Covariates are finite numbers; leave the row out or give it a value.")));
		z[k] += 0.0;			/* no -0 */
	}
	return true;
}

/* ---------------------------------------------------------------------
 * The fit's state: every row kept, (x, t_x, T, purchase z, dropout z)
 * ---------------------------------------------------------------------
 */

typedef struct CovFitState
{
	LkStateHeader header;
	int32		kind;
	int32		npurchase;
	int32		ndropout;
	bool		shared;			/* one covariates array for both processes */
	double		penalty[2];		/* purchase, dropout: the same in every row */
	int64		n;
	int64		capacity;
	int64		skipped;
	double	   *rows;
	ArrayType  *purchase_names;
	ArrayType  *dropout_names;	/* the same array when shared */
	ArrayType  *tied_names;		/* covariates of both processes with one coefficient; empty for none */
	/*
	 * A time-varying fit's time unit in days (0: a time-invariant fit);
	 * its rows are then per customer, as dyncov_history makes them
	 */
	double		unit_days;
	MemoryContext context;
} CovFitState;

/* a row: x, t_x, T, the purchase covariates, then the dropout covariates unless shared */
#define COV_ROW_WIDTH(s) (3 + (s)->npurchase + ((s)->shared ? 0 : (s)->ndropout))
#define COV_DROPOUT_AT(s) (3 + ((s)->shared ? 0 : (s)->npurchase))

static ArrayType *
copy_array(MemoryContext context, const ArrayType *a)
{
	ArrayType  *copy = MemoryContextAlloc(context, VARSIZE(a));

	memcpy(copy, a, VARSIZE(a));
	return copy;
}

static bool
same_array(const ArrayType *a, const ArrayType *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

static CovFitState *
cov_state_new(MemoryContext context, int kind, bool shared, ArrayType *purchase_names,
			  ArrayType *dropout_names, ArrayType *tied_names, int np, int nd, int64 capacity)
{
	CovFitState *s = MemoryContextAllocZero(context, sizeof(CovFitState));

	s->context = context;
	s->kind = kind;
	s->shared = shared;
	s->npurchase = np;
	s->ndropout = nd;
	s->purchase_names = copy_array(context, purchase_names);
	s->dropout_names = shared ? s->purchase_names : copy_array(context, dropout_names);
	s->tied_names = copy_array(context, tied_names);
	s->capacity = Max(capacity, 64);
	s->rows = MemoryContextAllocHuge(context, sizeof(double) * COV_ROW_WIDTH(s) * s->capacity);
	return s;
}

static void
cov_state_reserve(CovFitState *s, int64 more)
{
	if (s->n + more <= s->capacity)
		return;
	s->capacity = Max(2 * s->capacity, s->n + more);
	if ((Size) s->capacity * COV_ROW_WIDTH(s) * sizeof(double) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: too many rows for one state", model_specs[s->kind].fit_name)));
	s->rows = repalloc_huge(s->rows, sizeof(double) * COV_ROW_WIDTH(s) * s->capacity);
}

pg_noreturn static void
names_differ(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the covariate names and penalties must be the same in every row", fname),
			 errhint("Give the names as a constant array, and the penalties as constants.")));
}

/* How a call gives its covariates, read once a query */
typedef struct CovCallForm
{
	bool		shared;			/* one covariates array for both processes */
	bool		tied;			/* a last argument naming the tied covariates */
	int			nargs;			/* the arguments before it, the state's included */
	ArrayType  *no_tied;		/* the tied names of a call without them: none */
} CovCallForm;

/*
 * Without tied names a call has 5, 7 or 9 arguments after the state, with
 * them one more; one covariates array for both processes is 5 arguments,
 * or 7 whose sixth is a penalty, not dropout covariates (the declared
 * type, as a call may come without a call expression)
 */
static const CovCallForm *
cov_call_form(FunctionCallInfo fcinfo)
{
	CovCallForm *form = fcinfo->flinfo->fn_extra;

	if (form == NULL)
	{
		form = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CovCallForm));
		form->tied = PG_NARGS() % 2 == 1;
		form->nargs = PG_NARGS() - form->tied;
		form->shared = form->nargs == 6 || (form->nargs == 8 && lk_declared_argtype(fcinfo, 6) == FLOAT8OID);
		form->no_tied = copy_array(fcinfo->flinfo->fn_mcxt, construct_empty_array(TEXTOID));
		fcinfo->flinfo->fn_extra = form;
	}
	return form;
}

/* Where names holds name, or -1 */
static int
names_index(ArrayType *names, Datum name)
{
	Datum	   *items;
	bool	   *nulls;
	int			n;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (!nulls[i] && DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, items[i], name)))
			return i;
	return -1;
}

/* The tied names checked: distinct names of covariates of both processes; how many */
static int
check_tied(const char *fname, ArrayType *tied, ArrayType *purchase_names, ArrayType *dropout_names)
{
	Datum	   *items;
	bool	   *nulls;
	int			n;

	check_names(fname, tied, "tied ");
	deconstruct_array(tied, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (names_index(purchase_names, items[i]) < 0 || names_index(dropout_names, items[i]) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: tied covariate \"%s\" is not a covariate of both processes", fname,
							TextDatumGetCString(items[i])),
					 errhint("Tie a covariate that both the purchase and the dropout names hold; its coefficient is then one for both.")));
	return n;
}

/*
 * pareto_nbd_fit and bgnbd_fit(frequency, recency, age, covariates, names):
 * the same covariates on both processes; or (frequency, recency, age,
 * purchase_covariates, purchase_names, dropout_covariates, dropout_names);
 * either with the L2 penalties on the purchase and the dropout
 * coefficients after them; any of these with the names of the covariates
 * whose coefficient is one for both processes last.  A row with a NULL is
 * skipped (a NULL covariate value: counted as skipped); the names and
 * penalties must not be NULL.
 */
static Datum
cov_fit_accum(FunctionCallInfo fcinfo, ModelKind kind)
{
	const char *fname = model_specs[kind].fit_name;
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fname);
	CovFitState *s = PG_ARGISNULL(0) ? NULL : (CovFitState *) PG_GETARG_POINTER(0);
	const CovCallForm *form = cov_call_form(fcinfo);
	bool		shared = form->shared;
	int			dropout_arg = shared ? 4 : 6;
	int			penalty_arg = shared ? 6 : 8;	/* when form->nargs says so */
	double		penalty[2] = {0, 0};
	ArrayType  *purchase_names,
			   *dropout_names,
			   *tied_names = form->no_tied;
	FitKey		key;
	double	   *row;

	if (PG_ARGISNULL(5) || PG_ARGISNULL(dropout_arg + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the covariate names must not be NULL", fname),
				 errhint("Name the covariates once, such as ARRAY['gender', 'channel']; an empty array for none.")));
	purchase_names = PG_GETARG_ARRAYTYPE_P(5);
	dropout_names = PG_GETARG_ARRAYTYPE_P(dropout_arg + 1);
	if (form->tied)
	{
		if (PG_ARGISNULL(form->nargs))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: the tied covariate names must not be NULL", fname),
					 errhint("Name the covariates whose coefficient is one for both processes, such as ARRAY['gender']; an empty array for none.")));
		tied_names = PG_GETARG_ARRAYTYPE_P(form->nargs);
	}
	if (form->nargs > penalty_arg)
		for (int i = 0; i < 2; i++)
		{
			if (PG_ARGISNULL(penalty_arg + i))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s: the penalties must not be NULL", fname),
						 errhint("Pass 0 for a process without a penalty.")));
			penalty[i] = PG_GETARG_FLOAT8(penalty_arg + i) + 0.0;
			if (!(penalty[i] >= 0) || isinf(penalty[i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: %s penalty %s is not a number 0 or more", fname, i == 0 ? "purchase" : "dropout",
								float8out_internal(penalty[i])),
						 errhint("An L2 penalty is lambda of CLVTools' reg.lambdas: 0 for none, larger to pull the coefficients harder to 0.")));
		}
	if (s == NULL)
	{
		int			np = check_names(fname, purchase_names, shared ? "" : "purchase ");
		int			nd = shared ? np : check_names(fname, dropout_names, "dropout ");

		if (np + nd == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: no covariates are named", fname),
					 errhint("Fit without covariates: %s(frequency, recency, age).", fname)));
		check_tied(fname, tied_names, purchase_names, dropout_names);
		s = cov_state_new(aggcontext, kind, shared, purchase_names, dropout_names, tied_names, np, nd, 0);
		memcpy(s->penalty, penalty, sizeof(penalty));
	}
	else if (!same_array(purchase_names, s->purchase_names) || !same_array(dropout_names, s->dropout_names) ||
			 !same_array(tied_names, s->tied_names) || s->penalty[0] != penalty[0] || s->penalty[1] != penalty[1])
		names_differ(fname);

	for (int i = 1; i <= 3; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_POINTER(s);
	key.v[0] = PG_GETARG_FLOAT8(1);
	key.v[1] = PG_GETARG_FLOAT8(2);
	key.v[2] = PG_GETARG_FLOAT8(3);
	model_specs[kind].check_row(fname, &key);
	if (PG_ARGISNULL(4) || PG_ARGISNULL(dropout_arg))
	{
		s->skipped++;
		PG_RETURN_POINTER(s);
	}
	cov_state_reserve(s, 1);
	row = s->rows + COV_ROW_WIDTH(s) * s->n;
	for (int i = 0; i < 3; i++)
		row[i] = key.v[i] + 0.0;
	if (!read_covariates(fname, PG_GETARG_ARRAYTYPE_P(4), s->npurchase, shared ? "" : "purchase ", row + 3) ||
		(!shared && !read_covariates(fname, PG_GETARG_ARRAYTYPE_P(dropout_arg), s->ndropout, "dropout ",
									 row + COV_DROPOUT_AT(s))))
	{
		s->skipped++;
		PG_RETURN_POINTER(s);
	}
	s->n++;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(pareto_nbd_covariate_fit_accum);
Datum
pareto_nbd_covariate_fit_accum(PG_FUNCTION_ARGS)
{
	return cov_fit_accum(fcinfo, MODEL_PARETO_NBD);
}

PG_FUNCTION_INFO_V1(bgnbd_covariate_fit_accum);
Datum
bgnbd_covariate_fit_accum(PG_FUNCTION_ARGS)
{
	return cov_fit_accum(fcinfo, MODEL_BGNBD);
}

PG_FUNCTION_INFO_V1(ggompertz_nbd_covariate_fit_accum);
Datum
ggompertz_nbd_covariate_fit_accum(PG_FUNCTION_ARGS)
{
	return cov_fit_accum(fcinfo, MODEL_GGOMPERTZ_NBD);
}

static LkStateHeader *
cov_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const CovFitState *m = (const CovFitState *) model;
	MemoryContext own = lk_state_context(context);
	CovFitState *s = cov_state_new(own, m->kind, m->shared, m->purchase_names, m->dropout_names,
								   m->tied_names, m->npurchase, m->ndropout, m->n);

	memcpy(s->penalty, m->penalty, sizeof(s->penalty));
	s->unit_days = m->unit_days;
	s->header.own_context = own;
	return &s->header;
}

static void
cov_merge(LkStateHeader *into, const LkStateHeader *from)
{
	CovFitState *a = (CovFitState *) into;
	const CovFitState *b = (const CovFitState *) from;

	if (a->kind != b->kind || a->shared != b->shared || !same_array(a->purchase_names, b->purchase_names) ||
		!same_array(a->dropout_names, b->dropout_names) || !same_array(a->tied_names, b->tied_names) ||
		a->penalty[0] != b->penalty[0] ||
		a->penalty[1] != b->penalty[1] || a->unit_days != b->unit_days)
		names_differ(model_specs[a->kind].fit_name);
	cov_state_reserve(a, b->n);
	memcpy(a->rows + COV_ROW_WIDTH(a) * a->n, b->rows, sizeof(double) * COV_ROW_WIDTH(b) * b->n);
	a->n += b->n;
	lk_add_count(&a->skipped, b->skipped, "covariate_fit_combine");
}

static int64
cov_size(const LkStateHeader *header)
{
	return ((const CovFitState *) header)->n;
}

static const LkStateOps cov_ops = {
	.combine_name = "covariate_fit_combine",
	.empty_like = cov_empty_like,
	.merge = cov_merge,
	.size = cov_size,
};

PG_FUNCTION_INFO_V1(covariate_fit_combine);
Datum
covariate_fit_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &cov_ops);
}

#define COV_SERIAL_FORMAT 3

PG_FUNCTION_INFO_V1(covariate_fit_serialize);
Datum
covariate_fit_serialize(PG_FUNCTION_ARGS)
{
	const CovFitState *s = (const CovFitState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "covariate_fit_serialize");
	lk_serial_begin(&buf, COV_SERIAL_FORMAT);
	lk_serial_room(&buf, sizeof(double) * COV_ROW_WIDTH(s) * (Size) s->n + VARSIZE(s->purchase_names) +
				   VARSIZE(s->dropout_names) + VARSIZE(s->tied_names) + 52, model_specs[s->kind].fit_name,
				   "Run the query without parallel workers (SET max_parallel_workers_per_gather = 0).");
	pq_sendint32(&buf, s->kind);
	pq_sendint32(&buf, s->shared ? 1 : 0);
	pq_sendint64(&buf, s->skipped);
	pq_sendfloat8(&buf, s->penalty[0]);
	pq_sendfloat8(&buf, s->penalty[1]);
	pq_sendfloat8(&buf, s->unit_days);
	pq_sendint32(&buf, VARSIZE(s->purchase_names));
	pq_sendbytes(&buf, (const char *) s->purchase_names, VARSIZE(s->purchase_names));
	pq_sendint32(&buf, VARSIZE(s->dropout_names));
	pq_sendbytes(&buf, (const char *) s->dropout_names, VARSIZE(s->dropout_names));
	pq_sendint32(&buf, VARSIZE(s->tied_names));
	pq_sendbytes(&buf, (const char *) s->tied_names, VARSIZE(s->tied_names));
	pq_sendint64(&buf, s->n);
	for (int64 i = 0; i < COV_ROW_WIDTH(s) * s->n; i++)
		pq_sendfloat8(&buf, s->rows[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* A names array of a serialized state, checked as the transition checks it */
static ArrayType *
receive_names(StringInfo buf, const char *fname, const char *process, int *count)
{
	int32		size = pq_getmsgint(buf, 4);
	ArrayType  *names;

	if (size < (int32) ARR_OVERHEAD_NONULLS(0) || size > buf->len - buf->cursor)
		lk_serial_error(fname, "Its names are out of range.");
	names = palloc(size);
	lk_serial_copy(buf, names, size, fname);
	if (VARSIZE(names) != (Size) size || ARR_NDIM(names) > 1 || ARR_ELEMTYPE(names) != TEXTOID)
		lk_serial_error(fname, "Its names are not a text array.");
	*count = check_names(fname, names, process);
	return names;
}

PG_FUNCTION_INFO_V1(covariate_fit_deserialize);
Datum
covariate_fit_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "covariate_fit_deserialize";
	StringInfoData buf;
	MemoryContext own;
	CovFitState *s;
	int32		kind,
				shared;
	int64		skipped,
				n;
	double		penalty[2],
				unit_days;
	int			np,
				nd,
				nt;
	ArrayType  *purchase_names,
			   *dropout_names,
			   *tied_names;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, COV_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 16)
		lk_serial_error(fname, "It ends inside the header.");
	kind = pq_getmsgint(&buf, 4);
	shared = pq_getmsgint(&buf, 4);
	skipped = pq_getmsgint64(&buf);
	if (buf.len - buf.cursor < 16)
		lk_serial_error(fname, "It ends inside the header.");
	penalty[0] = pq_getmsgfloat8(&buf);
	penalty[1] = pq_getmsgfloat8(&buf);
	if (buf.len - buf.cursor < 8)
		lk_serial_error(fname, "It ends inside the header.");
	unit_days = pq_getmsgfloat8(&buf);
	if (links_of(kind) == NULL || kind == MODEL_ANY || (shared != 0 && shared != 1) || skipped < 0 ||
		!(penalty[0] >= 0) || isinf(penalty[0]) || !(penalty[1] >= 0) || isinf(penalty[1]) ||
		!(unit_days >= 0) || isinf(unit_days) || (unit_days > 0 && kind != MODEL_PARETO_NBD))
		lk_serial_error(fname, "Its header is out of range.");
	purchase_names = receive_names(&buf, fname, "purchase ", &np);
	dropout_names = receive_names(&buf, fname, "dropout ", &nd);
	if (np + nd == 0 || (shared && !same_array(purchase_names, dropout_names)))
		lk_serial_error(fname, "Its names do not match its form.");
	tied_names = receive_names(&buf, fname, "tied ", &nt);
	check_tied(fname, tied_names, purchase_names, dropout_names);
	if (buf.len - buf.cursor < 8)
		lk_serial_error(fname, "It ends before its rows.");
	n = pq_getmsgint64(&buf);
	own = lk_state_context(CurrentMemoryContext);
	s = cov_state_new(own, kind, shared, purchase_names, dropout_names, tied_names, np, nd, 0);
	if (n < 0 || (uint64) n > (uint64) (buf.len - buf.cursor) / (8 * COV_ROW_WIDTH(s)))
		lk_serial_error(fname, "Its row count is out of range.");
	cov_state_reserve(s, n);
	for (int64 i = 0; i < COV_ROW_WIDTH(s) * n; i++)
		s->rows[i] = pq_getmsgfloat8(&buf);
	s->n = n;
	s->skipped = skipped;
	memcpy(s->penalty, penalty, sizeof(penalty));
	s->unit_days = unit_days;
	lk_serial_end(&buf, fname);
	s->header.own_context = own;
	s->header.adoptable = true;
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

/* The customers of one covariate profile, as a fit of the base model */
typedef struct CovProfile
{
	FitData    *rows;
	const double *zp;			/* the profile's standardized covariates */
	const double *zd;
} CovProfile;

typedef struct CovFit
{
	const CovariateLinks *links;
	const ModelSpec *base;
	int			nbase;			/* the base model's parameters, base->nparams */
	int			np,
				nd;
	int			nprofiles;
	CovProfile *profiles;

	/*
	 * Per coefficient (np + nd of them, on the scaled covariates), the fit
	 * parameter it is and the factor it is of it: its own, 1, or a tied
	 * dropout coefficient's purchase partner, sd_dropout / sd_purchase,
	 * so that the two are one on the covariates' own scale
	 */
	int		   *param_of;
	double	   *scale_of;

	/*
	 * Per coefficient (np + nd of them), the L2 penalty's weight on the
	 * scaled coefficient: customers x lambda / sd^2, as CLVTools penalizes
	 * the mean log-likelihood by lambda |g|^2 on the covariates' own scale
	 */
	double	   *ridge;
} CovFit;

/* Coefficient k (scaled) at the fit's parameters theta */
static inline double
coefficient(const CovFit *c, const double *theta, int k)
{
	return c->scale_of[k] * theta[c->param_of[k]];
}

/* The penalty at theta: sum of ridge_k g'_k^2 */
static double
cov_penalty(const CovFit *c, const double *theta)
{
	double		penalty = 0;

	for (int k = 0; k < c->np + c->nd; k++)
		penalty += c->ridge[k] * coefficient(c, theta, k) * coefficient(c, theta, k);
	return penalty;
}

/*
 * J (nb x n row-major, n = nb + np + nd, nb the base parameters): how the
 * base log-parameters of a customer with covariates zp and zd move with
 * the fit's parameters (base log-parameters, then the coefficients)
 */
static void
link_map(const CovariateLinks *links, int nb, int np, int nd, const double *zp, const double *zd, double *jmap)
{
	int			n = nb + np + nd;

	memset(jmap, 0, sizeof(double) * nb * n);
	for (int j = 0; j < nb; j++)
	{
		jmap[j * n + j] = 1;
		for (int k = 0; k < np; k++)
			jmap[j * n + nb + k] = links->purchase[j] * zp[k];
		for (int k = 0; k < nd; k++)
			jmap[j * n + nb + np + k] = links->dropout[j] * zd[k];
	}
}

/* A profile's base log-parameters: theta's, moved by the linear predictors */
static void
profile_theta(const CovFit *c, const CovProfile *p, const double *theta, double *t)
{
	double		lp = 0,
				ld = 0;

	for (int k = 0; k < c->np; k++)
		lp += coefficient(c, theta, k) * p->zp[k];
	for (int k = 0; k < c->nd; k++)
		ld += coefficient(c, theta, c->np + k) * p->zd[k];
	for (int j = 0; j < c->nbase; j++)
		t[j] = theta[j] + c->links->purchase[j] * lp + c->links->dropout[j] * ld;
}

/* The summed base likelihood of the profiles, its gradient by the chain rule; less the penalty */
static double
cov_loglik(FitData *d, const double *theta, double *grad)
{
	const CovFit *c = d->arranged;
	double		ll = 0;

	if (grad != NULL)
		memset(grad, 0, sizeof(double) * d->nparams);
	for (int i = 0; i < c->nprofiles; i++)
	{
		const CovProfile *p = &c->profiles[i];
		double		t[MODEL_MAX_PARAMS],
					g[MODEL_MAX_PARAMS],
					gp = 0,
					gd = 0;
		double		one;

		/* many profiles (a continuous covariate) make an evaluation long */
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		profile_theta(c, p, theta, t);
		one = c->base->loglik(p->rows, t, grad ? g : NULL);
		if (!isfinite(one))
			return -INFINITY;
		ll += one;
		if (grad == NULL)
			continue;
		for (int j = 0; j < c->nbase; j++)
		{
			grad[j] += g[j];
			gp += c->links->purchase[j] * g[j];
			gd += c->links->dropout[j] * g[j];
		}
		for (int k = 0; k < c->np; k++)
			grad[c->param_of[k]] += c->scale_of[k] * gp * p->zp[k];
		for (int k = 0; k < c->nd; k++)
			grad[c->param_of[c->np + k]] += c->scale_of[c->np + k] * gd * p->zd[k];
	}
	if (grad != NULL)
		for (int k = 0; k < c->np + c->nd; k++)
			grad[c->param_of[k]] -= 2 * c->ridge[k] * coefficient(c, theta, k) * c->scale_of[k];
	return ll - cov_penalty(c, theta);
}

/*
 * The sum of the profiles' base information, each carried by J_p' H_p J_p
 * (the map is linear; J_p's coefficient columns gathered onto the fit's
 * parameters)
 */
static void
cov_information(FitData *d, const double *theta, double *h)
{
	const CovFit *c = d->arranged;
	int			n = d->nparams;
	int			nall = c->nbase + c->np + c->nd;

	memset(h, 0, sizeof(double) * n * n);
	for (int i = 0; i < c->nprofiles; i++)
	{
		const CovProfile *p = &c->profiles[i];
		int			nb = c->nbase;
		double		t[MODEL_MAX_PARAMS],
					hp[MODEL_MAX_PARAMS * MODEL_MAX_PARAMS],
					jall[MODEL_MAX_PARAMS * FIT_MAX_PARAMS],
					jmap[MODEL_MAX_PARAMS * FIT_MAX_PARAMS] = {0};

		CHECK_FOR_INTERRUPTS();
		profile_theta(c, p, theta, t);
		fit_information_by_differences(p->rows, t, hp);
		link_map(c->links, nb, c->np, c->nd, p->zp, p->zd, jall);
		for (int j = 0; j < nb; j++)
		{
			jmap[j * n + j] = 1;
			for (int k = 0; k < c->np + c->nd; k++)
				jmap[j * n + c->param_of[k]] += c->scale_of[k] * jall[j * nall + nb + k];
		}
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
			{
				double		v = 0;

				for (int j = 0; j < nb; j++)
					for (int l = 0; l < nb; l++)
						v += jmap[j * n + a] * hp[j * nb + l] * jmap[l * n + b];
				h[a * n + b] += v;
			}
	}
	for (int k = 0; k < c->np + c->nd; k++)
		h[c->param_of[k] * n + c->param_of[k]] += 2 * c->ridge[k] * c->scale_of[k] * c->scale_of[k];
}

/*
 * A warm start's sample: a profile of more than stride rows sampled as a
 * fit without covariates samples its rows; of the smaller ones (a
 * continuous covariate makes every customer one), one in stride in their
 * sorted order, standing for stride times its customers, so the sample
 * keeps about the total weight and the covariates' spread
 */
static FitData *
cov_sample(const FitData *d, int stride)
{
	const CovFit *c = d->arranged;
	CovFit	   *sc = palloc(sizeof(CovFit));
	FitData    *sample = palloc(sizeof(FitData));
	int			small = 0;

	*sc = *c;
	sc->profiles = palloc(sizeof(CovProfile) * c->nprofiles);
	sc->nprofiles = 0;
	*sample = *d;
	sample->arranged = sc;
	sample->sample = NULL;
	sample->evaluations = 0;
	sample->n = 0;
	sample->total_weight = 0;
	for (int i = 0; i < c->nprofiles; i++)
	{
		const FitData *rows = c->profiles[i].rows;
		CovProfile *p = &sc->profiles[sc->nprofiles];

		*p = c->profiles[i];
		if (rows->n > stride)
			p->rows = fit_data_sample(rows, stride);
		else if (small++ % stride == stride / 2)
		{
			FitKey	   *keys = palloc(sizeof(FitKey) * rows->n);
			double	   *weights = palloc(sizeof(double) * rows->n);

			memcpy(keys, rows->keys, sizeof(FitKey) * rows->n);
			for (int k = 0; k < rows->n; k++)
				weights[k] = rows->weights[k] * stride;
			p->rows = fit_data_of(rows->kind, rows->fname, keys, weights, rows->n);
		}
		else
			continue;
		sample->n += p->rows->n;
		sample->total_weight += p->rows->total_weight;
		sc->nprofiles++;
	}
	/* nothing kept (cannot happen above the warm start's threshold): the rows themselves */
	if (sc->nprofiles == 0)
		return unconstify(FitData *, d);
	return sample;
}

/*
 * The rows sorted as (covariates, x, t_x, T) and laid out in that order,
 * so the profiles and their distinct rows come in runs and every sum of
 * the fit is taken in one order, whatever order the rows came in
 */
static double *
sorted_rows(const CovFitState *s, int *width)
{
	int			in_width = COV_ROW_WIDTH(s);
	int			ncov = in_width - 3;
	int			columns[3 + 2 * COVARIATE_MAX];
	uint32	   *order = palloc_extended(sizeof(uint32) * Max(s->n, 1), MCXT_ALLOC_HUGE);
	double	   *rows = palloc_extended(sizeof(double) * in_width * Max(s->n, 1), MCXT_ALLOC_HUGE);

	for (int k = 0; k < ncov; k++)
		columns[k] = 3 + k;
	for (int k = 0; k < 3; k++)
		columns[ncov + k] = k;
	fit_order_rows(s->rows, sizeof(double) * in_width, columns, in_width, (int) s->n, order);
	for (int64 i = 0; i < s->n; i++)
	{
		const double *from = s->rows + (Size) in_width * order[i];
		double	   *to = rows + (Size) in_width * i;

		memcpy(to, from + 3, sizeof(double) * ncov);
		memcpy(to + ncov, from, sizeof(double) * 3);
	}
	pfree(order);
	*width = in_width;
	return rows;
}

/* A names array's names, each ending in a NUL, as the stored model keeps them */
static void
append_nul_terminated(StringInfo buf, ArrayType *names)
{
	Datum	   *items;
	bool	   *nulls;
	int			count;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &count);
	for (int i = 0; i < count; i++)
	{
		char	   *name = TextDatumGetCString(items[i]);

		appendBinaryStringInfo(buf, name, strlen(name) + 1);
	}
}

pg_noreturn static void
constant_covariate(const char *fname, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the data cannot identify the model", fname),
			 errdetail("Covariate \"%s\" has the same value for every customer.", name),
			 errhint("Leave out a covariate that does not vary; its effect is the base parameters'.")));
}

/*
 * The stored estimates and covariance from a fit on standardized
 * covariates (mean and sd per column; the dropout columns after the
 * purchase ones unless shared): g_k = g'_k / sd_k, and a base
 * log-parameter moved by a process takes that process's sum of
 * g'_k mean_k / sd_k.  theta = A E theta', covariance A E C (A E)^T,
 * E taking the fit's nfit parameters to every coefficient (param_of,
 * scale_of: a tied one twice).
 */
static void
cov_model_finish(CovariateModel *m, const CovariateLinks *links, bool shared, int nfit, const int *param_of,
				 const double *scale_of, const double *mean, const double *sd, const double *theta,
				 const FitOutcome *out)
{
	int			nb = COV_NBASE(m),
				np = m->npurchase,
				nd = m->ndropout,
				n = COV_NPARAMS(m);
	double		a[FIT_MAX_PARAMS * FIT_MAX_PARAMS] = {0};
	double		ae[FIT_MAX_PARAMS * FIT_MAX_PARAMS] = {0};

	for (int i = 0; i < n; i++)
		a[i * n + i] = 1;
	for (int k = 0; k < np + nd; k++)
	{
		bool		purchase = k < np;
		int			column = shared && !purchase ? k - np : k;

		a[(nb + k) * n + nb + k] = 1 / sd[column];
		for (int j = 0; j < nb; j++)
		{
			int			sign = purchase ? links->purchase[j] : links->dropout[j];

			a[j * n + nb + k] = -sign * mean[column] / sd[column];
		}
	}
	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < nb; j++)
			ae[i * nfit + j] = a[i * n + j];
		for (int k = 0; k < np + nd; k++)
			ae[i * nfit + param_of[k]] += a[i * n + nb + k] * scale_of[k];
	}
	for (int i = 0; i < n; i++)
	{
		double		v = 0;

		for (int j = 0; j < nfit; j++)
			v += ae[i * nfit + j] * theta[j];
		COV_ESTIMATE(m)[i] = i < nb ? exp(v) : v;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
		{
			double		v = 0;

			for (int k = 0; k < nfit; k++)
				for (int l = 0; l < nfit; l++)
					v += ae[i * nfit + k] * out->covariance[k * nfit + l] * ae[j * nfit + l];
			COV_COVARIANCE(m)[i * n + j] = v;
		}
	/* exactly symmetric */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			COV_COVARIANCE(m)[j * n + i] = COV_COVARIANCE(m)[i * n + j];
	for (int i = 0; i < n; i++)
	{
		double		sd_theta = sqrt(COV_COVARIANCE(m)[i * n + i]);

		COV_STD_ERROR(m)[i] = i < nb ? COV_ESTIMATE(m)[i] * sd_theta : sd_theta;
	}
	/* a tied dropout coefficient is its purchase partner's, to the last bit */
	for (int k = np; k < np + nd; k++)
		if (param_of[k] < nb + np)
			cov_copy_parameter(m, param_of[k], nb + k);
}

/*
 * The base model's fit over n rows (keys, and their weights: whole
 * counts, so the order of their sums does not matter), each distinct key
 * once
 */
static FitData *
cov_merged_rows(ModelKind kind, const char *fname, const FitKey *all_keys, const double *all_weights, int n)
{
	static const int key_columns[3] = {0, 1, 2};
	int			k = 0;
	uint32	   *order = palloc_extended(sizeof(uint32) * Max(n, 1), MCXT_ALLOC_HUGE);
	FitKey	   *keys = palloc_extended(sizeof(FitKey) * Max(n, 1), MCXT_ALLOC_HUGE);
	double	   *weights = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);

	fit_order_rows(all_keys, sizeof(FitKey), key_columns, 3, n, order);
	for (int i = 0; i < n; i++)
	{
		const FitKey *key = &all_keys[order[i]];

		if (k > 0 && memcmp(keys[k - 1].v, key->v, sizeof(double) * 3) == 0)
			weights[k - 1] += all_weights[order[i]];
		else
		{
			keys[k] = *key;
			weights[k++] = all_weights[order[i]];
		}
	}
	pfree(order);
	return fit_data_of(kind, fname, keys, weights, k);
}

/*
 * Maximizes the covariate fit d.  The start is the maximum without
 * covariates of the warm start's sample of base (of all its rows when they
 * are few), which d's own sample then refines (the full rows' maximum
 * would be walked past), with every coefficient 0 (theta comes zeroed).
 * Where the data leave that start on a ridge (a parameter running off with
 * its partner, no interior maximum without covariates), the covariates may
 * still find one: tries again from all base parameters 1, as CLVTools
 * starts, and keeps the higher.  theta is left at the maximum; returns its
 * outcome, the evaluations of both fits in *evaluations.
 */
static FitOutcome *
cov_maximum(FitData *base, FitData *d, double *theta, int32 *evaluations)
{
	double		again[FIT_MAX_PARAMS] = {0};
	FitOutcome *out = palloc0(sizeof(FitOutcome)),
			   *other;
	FitData    *start = fit_data_warm_sample(base);

	fit_maximum(start, theta, out);
	out->want_covariance = true;
	fit_maximum(d, theta, out);
	if (!out->converged)
	{
		other = palloc0(sizeof(FitOutcome));
		other->want_covariance = true;
		fit_maximum(d, again, other);
		elog(DEBUG1, "%s: from the fit without covariates %.10f, from parameters 1 %.10f", d->fname,
			 out->log_likelihood, other->log_likelihood);
		if (other->log_likelihood > out->log_likelihood)
		{
			memcpy(theta, again, sizeof(double) * d->nparams);
			out = other;
		}
	}
	*evaluations = start->evaluations + d->evaluations;
	return out;
}

static Datum
cov_fit_final(FunctionCallInfo fcinfo)
{
	CovFitState *s = PG_ARGISNULL(0) ? NULL : (CovFitState *) PG_GETARG_POINTER(0);
	ModelKind	kind;
	const char *fname;
	const CovariateLinks *links;
	int			nb,
				np,
				nd,
				ncov,
				width,
				ntied,
				n,
				nfit;
	double	   *rows;
	double	   *mean,
			   *sd;
	FitKey	   *all_keys;
	double	   *all_weights;
	int			nall = 0;
	CovFit	   *c;
	FitData    *merged,
			   *d;
	double		theta[FIT_MAX_PARAMS] = {0};
	FitOutcome *out;
	CovariateModel *m;
	StringInfoData names;
	instr_time	started,
				elapsed;

	if (s == NULL || s->n == 0)
		PG_RETURN_NULL();
	INSTR_TIME_SET_CURRENT(started);
	kind = s->kind;
	fname = model_specs[kind].fit_name;
	links = links_of(kind);
	np = s->npurchase;
	nd = s->ndropout;
	ncov = COV_ROW_WIDTH(s) - 3;
	nb = COV_NBASE_OF(kind);
	n = nb + np + nd;
	ntied = ArrayGetNItems(ARR_NDIM(s->tied_names), ARR_DIMS(s->tied_names));
	nfit = n - ntied;
	if (s->n > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: more than %d customers", fname, PG_INT32_MAX / 2)));
	rows = sorted_rows(s, &width);

	/* the covariates' weighted means and standard deviations (every row one customer) */
	mean = palloc0(sizeof(double) * Max(ncov, 1));
	sd = palloc0(sizeof(double) * Max(ncov, 1));
	for (int64 i = 0; i < s->n; i++)
		for (int k = 0; k < ncov; k++)
			mean[k] += rows[width * i + k];
	for (int k = 0; k < ncov; k++)
		mean[k] /= s->n;
	for (int64 i = 0; i < s->n; i++)
		for (int k = 0; k < ncov; k++)
			sd[k] += (rows[width * i + k] - mean[k]) * (rows[width * i + k] - mean[k]);

	/* the names in one list: purchase, then dropout */
	initStringInfo(&names);
	append_nul_terminated(&names, s->purchase_names);
	append_nul_terminated(&names, s->dropout_names);
	append_nul_terminated(&names, s->tied_names);
	m = cov_model_alloc(kind, np, nd, ntied, names.len);
	memcpy((char *) COV_NAMES(m), names.data, names.len);
	for (int k = 0; k < ncov; k++)
	{
		sd[k] = sqrt(sd[k] / s->n);
		/* a spread below rounding of the mean's size is no spread */
		if (!(sd[k] > 1e-12 * Max(fabs(mean[k]), 1e-300)))
			constant_covariate(fname, cov_name(m, k));
	}

	/* profiles: runs of equal covariates; in each, distinct (x, t_x, T) with their counts */
	c = palloc0(sizeof(CovFit));
	c->links = links;
	c->base = &model_specs[kind];
	c->nbase = nb;
	c->np = np;
	c->nd = nd;
	c->ridge = palloc(sizeof(double) * Max(np + nd, 1));
	for (int k = 0; k < np + nd; k++)
	{
		int			column = s->shared && k >= np ? k - np : k;

		c->ridge[k] = (double) s->n * s->penalty[k < np ? 0 : 1] / (sd[column] * sd[column]);
	}
	c->param_of = palloc(sizeof(int) * Max(np + nd, 1));
	c->scale_of = palloc(sizeof(double) * Max(np + nd, 1));
	for (int k = 0, free_at = nb + np; k < np + nd; k++)
	{
		int			partner = k < np ? -1 : cov_index(m, 0, np, cov_name(m, k));

		if (partner >= 0 && cov_index(m, np + nd, ntied, cov_name(m, k)) >= 0)
		{
			int			column = s->shared ? k - np : k;

			c->param_of[k] = nb + partner;
			c->scale_of[k] = sd[column] / sd[partner];
		}
		else
		{
			c->param_of[k] = k < np ? nb + k : free_at++;
			c->scale_of[k] = 1;
		}
	}
	c->profiles = palloc(sizeof(CovProfile) * s->n);
	all_keys = palloc_extended(sizeof(FitKey) * s->n, MCXT_ALLOC_HUGE);
	all_weights = palloc_extended(sizeof(double) * s->n, MCXT_ALLOC_HUGE);
	for (int64 first = 0; first < s->n;)
	{
		int64		last = first;
		int			nkeys = 0;
		FitKey	   *keys;
		double	   *weights;
		double	   *z = palloc(sizeof(double) * Max(ncov, 1));
		CovProfile *p = &c->profiles[c->nprofiles++];

		if ((c->nprofiles & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		while (last < s->n && memcmp(rows + width * last, rows + width * first, sizeof(double) * ncov) == 0)
			last++;
		keys = palloc(sizeof(FitKey) * (last - first));
		weights = palloc(sizeof(double) * (last - first));
		for (int64 i = first; i < last; i++)
		{
			const double *key = rows + width * i + ncov;

			if (nkeys > 0 && memcmp(keys[nkeys - 1].v, key, sizeof(double) * 3) == 0)
				weights[nkeys - 1] += 1;
			else
			{
				memcpy(keys[nkeys].v, key, sizeof(double) * 3);
				weights[nkeys++] = 1;
			}
		}
		memcpy(all_keys + nall, keys, sizeof(FitKey) * nkeys);
		memcpy(all_weights + nall, weights, sizeof(double) * nkeys);
		nall += nkeys;
		for (int k = 0; k < ncov; k++)
			z[k] = (rows[width * first + k] - mean[k]) / sd[k];
		p->zp = z;
		p->zd = z + (s->shared ? 0 : np);
		p->rows = fit_data_of(kind, fname, keys, weights, nkeys);
		first = last;
	}
	pfree(rows);

	/* the customers without covariates, for the start */
	merged = cov_merged_rows(kind, fname, all_keys, all_weights, nall);
	nbd_check_identifiable(merged);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, started);
	elog(DEBUG1, "%s: " INT64_FORMAT " customers in %d profiles, sorted and arranged in %.3f ms", fname, s->n,
		 c->nprofiles, INSTR_TIME_GET_MILLISEC(elapsed));
	d = palloc0(sizeof(FitData));
	d->kind = kind;
	d->fname = fname;
	d->nparams = nfit;
	d->loglik = cov_loglik;
	d->sample = cov_sample;
	d->information = cov_information;
	d->n = nall;
	d->total_weight = merged->total_weight;
	d->arranged = c;
	out = cov_maximum(merged, d, theta, &m->iterations);

	cov_model_finish(m, links, s->shared, nfit, c->param_of, c->scale_of, mean, sd, theta, out);
	m->customers = d->total_weight;
	m->skipped = (double) s->skipped;
	/* the likelihood itself: the penalty's maximum is not the likelihood's */
	m->log_likelihood = out->log_likelihood + cov_penalty(c, theta);
	memcpy(m->penalty, s->penalty, sizeof(m->penalty));
	m->converged = out->converged;
	PG_RETURN_POINTER(m);
}

/* ---------------------------------------------------------------------
 * The Pareto/NBD with time-varying covariates
 * ---------------------------------------------------------------------
 */

/* A customer's history (DyncovHistory) starts with two rows; in the fit's state, with no pieces past T */
#define DYNCOV_HEAD_ROWS 2
#define DYNCOV_MAX_PIECES (PG_INT32_MAX / (2 * COVARIATE_MAX))

/* The days of a date array (one-dimensional, no NULLs), or ERROR naming what */
static DateADT *
dyncov_days(const char *fname, ArrayType *a, const char *what, int *count)
{
	Datum	   *items;
	bool	   *nulls;
	DateADT    *days;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: the %s are not a list of dates", fname, what)));
	deconstruct_array(a, DATEOID, sizeof(DateADT), true, TYPALIGN_INT, &items, &nulls, count);
	days = palloc(sizeof(DateADT) * Max(*count, 1));
	for (int i = 0; i < *count; i++)
	{
		if (nulls[i] || DATE_NOT_FINITE(DatumGetDateADT(items[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %s %d is NULL or infinite", fname, what, i + 1),
					 errhint("Give every date; leave the customer out otherwise.")));
		days[i] = DatumGetDateADT(items[i]);
	}
	return days;
}

/*
 * One process's covariates of a customer's periods: periods x count
 * values (a two-dimensional array, or one-dimensional for one covariate),
 * into z at stride; false when one is NULL
 */
static bool
dyncov_values(const char *fname, ArrayType *a, int periods, int count, const char *process, double *z,
			  int stride)
{
	int			ndim = ARR_NDIM(a);
	const double *v;

	if (count == 0)
		return true;
	if (!(ndim == 2 && ARR_DIMS(a)[0] == periods && ARR_DIMS(a)[1] == count) &&
		!(ndim == 1 && count == 1 && ARR_DIMS(a)[0] == periods))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s: the %scovariates are not %d periods of %d values", fname, process, periods, count),
				 errhint("Give one row of covariates per period start, one value per name: array_agg(ARRAY[...] ORDER BY period_start).")));
	if (ARR_HASNULL(a))
		return false;
	/* no NULLs: the data follow the short header (ARR_DATA_PTR's ?: warns in 15's header) */
	v = (const double *) ((const char *) a + ARR_OVERHEAD_NONULLS(ndim));
	for (int i = 0; i < periods; i++)
		for (int k = 0; k < count; k++)
		{
			double		x = v[i * count + k];

			if (!isfinite(x))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("%s: %scovariate %d of period %d is %s", fname, process, k + 1, i + 1,
								float8out_internal(x)),
						 errhint("Covariates are finite numbers; leave the customer out or give them values.")));
			z[i * stride + k] = x + 0.0;
		}
	return true;
}

static int
day_cmp(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a,
				y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/* A period's start and its place in the call's arrays, for sorting */
typedef struct DyncovStart
{
	DateADT		start;
	int			index;
} DyncovStart;

static int
dyncov_start_cmp(const void *a, const void *b)
{
	const DyncovStart *x = a,
			   *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* The order of the periods by their start; ERROR for a start given twice */
static int *
dyncov_period_order(const char *fname, const DateADT *starts, int n)
{
	int		   *order = palloc(sizeof(int) * Max(n, 1));
	DyncovStart *sorted = palloc(sizeof(DyncovStart) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		sorted[i].start = starts[i];
		sorted[i].index = i;
	}
	qsort(sorted, n, sizeof(DyncovStart), dyncov_start_cmp);
	for (int i = 0; i < n; i++)
	{
		if (i > 0 && sorted[i - 1].start == sorted[i].start)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: period start %s is given twice", fname,
							DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(sorted[i].start)))),
					 errhint("Give each covariate period once per customer.")));
		order[i] = sorted[i].index;
	}
	pfree(sorted);
	return order;
}

/*
 * A customer's history as the likelihood takes it, in rows of width
 * numbers (3 + ncov): head, two rows, (x, t_x, T, its covariates summed
 * over its repeat purchases) and (pieces before t_x, pieces from t_x to
 * T, pieces from T to the horizon, 0...); then the pieces, each (length,
 * 0, 0, its covariates), times in time units from the first purchase.
 */
typedef struct DyncovHistory
{
	int			npre;
	int			npost;
	int			nfuture;
	double	   *rows;			/* the head's two rows, then the pieces */
} DyncovHistory;

/*
 * Appends the piece [from, to) of covariates z (ncov) to the pieces,
 * merged into the last piece when it has the same covariates (merge_any:
 * into any of them, the pieces before t_x, which enter by their sum)
 */
static void
dyncov_piece(double *pieces, int *count, int width, double length, const double *z, bool merge_any)
{
	int			ncov = width - 3;

	for (int j = merge_any ? 0 : Max(*count - 1, 0); j < *count; j++)
		if (memcmp(pieces + j * width + 3, z, sizeof(double) * ncov) == 0)
		{
			pieces[j * width] += length;
			return;
		}
	memset(pieces + *count * width, 0, sizeof(double) * 3);
	pieces[*count * width] = length;
	memcpy(pieces + *count * width + 3, z, sizeof(double) * ncov);
	(*count)++;
}

/*
 * A customer's history from its periods (starts, and ncov covariates
 * each) and purchase days (any order, a day counted once) up to the
 * calibration end, with the pieces on to horizon (the end itself for a
 * fit); the covariates of a day are those of the last period starting on
 * or before it.  False when the customer has no purchase by the end.
 */
static bool
dyncov_history(const char *fname, int ncov, const DateADT *starts, int nperiods, const double *periods,
			   DateADT *buys, int nbuys, DateADT end, DateADT horizon, double unit, DyncovHistory *h)
{
	int			width = 3 + ncov,
				nbought = 0;
	int		   *order = dyncov_period_order(fname, starts, nperiods);
	double	   *pre,
			   *post,
			   *future,
			   *head;
	DateADT		first,
				last;
	int			k0;

	qsort(buys, nbuys, sizeof(DateADT), day_cmp);
	for (int i = 0; i < nbuys && buys[i] <= end; i++)
		if (nbought == 0 || buys[i] != buys[nbought - 1])
			buys[nbought++] = buys[i];
	if (nbought == 0)
		return false;
	first = buys[0];
	last = buys[nbought - 1];
	if (nperiods == 0 || starts[order[0]] > first)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a customer's covariates start after its first purchase on %s", fname,
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(first)))),
				 errhint("Give the covariates of the period holding each customer's first purchase, and every later period to the calibration end.")));

	/* the period holding the first purchase */
	k0 = 0;
	while (k0 + 1 < nperiods && starts[order[k0 + 1]] <= first)
		k0++;

	head = palloc0(sizeof(double) * width * 2);
	pre = palloc(sizeof(double) * width * (nperiods + 1));
	post = palloc(sizeof(double) * width * (nperiods + 1));
	future = palloc(sizeof(double) * width * (nperiods + 1));
	h->npre = h->npost = h->nfuture = 0;
	head[0] = nbought - 1;
	head[1] = (last - first) / unit;
	head[2] = (end - first) / unit;

	/* the covariates summed over the repeat purchases */
	for (int i = 1, k = k0; i < nbought; i++)
	{
		while (k + 1 < nperiods && starts[order[k + 1]] <= buys[i])
			k++;
		for (int c = 0; c < ncov; c++)
			head[3 + c] += periods[order[k] * ncov + c];
	}

	/* each period's days from the first purchase to the horizon, split at the last purchase and the end */
	for (int k = k0; k < nperiods; k++)
	{
		DateADT		from = Max(starts[order[k]], first),
					to = k + 1 < nperiods ? Min(starts[order[k + 1]], horizon) : horizon;
		const double *z = periods + order[k] * ncov;

		if (from >= to)
			break;
		if (from < last)
		{
			DateADT		upto = Min(to, last);

			dyncov_piece(pre, &h->npre, width, (upto - from) / unit, z, true);
			from = upto;
		}
		if (from < Min(to, end))
		{
			DateADT		upto = Min(to, end);

			dyncov_piece(post, &h->npost, width, (upto - from) / unit, z, false);
			from = upto;
		}
		if (from < to)
			dyncov_piece(future, &h->nfuture, width, (to - from) / unit, z, false);
	}
	head[width] = h->npre;
	head[width + 1] = h->npost;
	head[width + 2] = h->nfuture;
	h->rows = palloc(sizeof(double) * width * (DYNCOV_HEAD_ROWS + h->npre + h->npost + h->nfuture));
	memcpy(h->rows, head, sizeof(double) * width * DYNCOV_HEAD_ROWS);
	memcpy(h->rows + width * DYNCOV_HEAD_ROWS, pre, sizeof(double) * width * h->npre);
	memcpy(h->rows + width * (DYNCOV_HEAD_ROWS + h->npre), post, sizeof(double) * width * h->npost);
	memcpy(h->rows + width * (DYNCOV_HEAD_ROWS + h->npre + h->npost), future,
		   sizeof(double) * width * h->nfuture);
	pfree(head);
	pfree(pre);
	pfree(post);
	pfree(future);
	pfree(order);
	return true;
}

/*
 * pareto_nbd_fit(period_starts, covariates, names, purchases,
 * calibration_end, time_unit), or (period_starts, purchase_covariates,
 * purchase_names, dropout_covariates, dropout_names, purchases,
 * calibration_end, time_unit): one row per customer, its covariate
 * periods (each lasting until the next one starts) and its purchase days.
 * A customer with a NULL covariate, period list or purchase list is
 * skipped and counted.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_fit_accum);
Datum
pareto_nbd_dyncov_fit_accum(PG_FUNCTION_ARGS)
{
	const char *fname = "pareto_nbd_fit";
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fname);
	CovFitState *s = PG_ARGISNULL(0) ? NULL : (CovFitState *) PG_GETARG_POINTER(0);
	bool		shared = PG_NARGS() == 7;
	int			dropout_arg = shared ? 2 : 4,
				buys_arg = shared ? 4 : 6;
	ArrayType  *purchase_names,
			   *dropout_names;
	double		unit_days;
	DateADT	   *starts,
			   *buys;
	int			nperiods,
				nbuys;
	double	   *periods;
	DyncovHistory h;

	if (PG_ARGISNULL(3) || PG_ARGISNULL(dropout_arg + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the covariate names must not be NULL", fname),
				 errhint("Name the covariates once, such as ARRAY['high_season', 'gender'].")));
	if (PG_ARGISNULL(buys_arg + 1) || PG_ARGISNULL(buys_arg + 2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the calibration end and the time unit must not be NULL", fname),
				 errhint("Give the last day of the calibration period and the time unit, such as '7 days'.")));
	purchase_names = PG_GETARG_ARRAYTYPE_P(3);
	dropout_names = PG_GETARG_ARRAYTYPE_P(dropout_arg + 1);
	unit_days = lk_interval_days(fname, PG_GETARG_INTERVAL_P(buys_arg + 2));
	if (s == NULL)
	{
		int			np = check_names(fname, purchase_names, shared ? "" : "purchase ");
		int			nd = shared ? np : check_names(fname, dropout_names, "dropout ");

		if (np + nd == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: no covariates are named", fname),
					 errhint("Fit without covariates: %s(frequency, recency, age).", fname)));
		s = cov_state_new(aggcontext, MODEL_PARETO_NBD, shared, purchase_names, dropout_names,
						  construct_empty_array(TEXTOID), np, nd, 0);
		s->unit_days = unit_days;
	}
	else if (!same_array(purchase_names, s->purchase_names) || !same_array(dropout_names, s->dropout_names) ||
			 s->unit_days != unit_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the covariate names and the time unit must be the same in every row", fname),
				 errhint("Give the names as a constant array and the time unit as a constant.")));

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(dropout_arg) || PG_ARGISNULL(buys_arg))
	{
		s->skipped++;
		PG_RETURN_POINTER(s);
	}
	starts = dyncov_days(fname, PG_GETARG_ARRAYTYPE_P(1), "period starts", &nperiods);
	buys = dyncov_days(fname, PG_GETARG_ARRAYTYPE_P(buys_arg), "purchase days", &nbuys);
	periods = palloc(sizeof(double) * Max(nperiods * (COV_ROW_WIDTH(s) - 3), 1));
	if (!dyncov_values(fname, PG_GETARG_ARRAYTYPE_P(2), nperiods, s->npurchase, shared ? "" : "purchase ",
					   periods, COV_ROW_WIDTH(s) - 3) ||
		(!shared && !dyncov_values(fname, PG_GETARG_ARRAYTYPE_P(dropout_arg), nperiods, s->ndropout,
								   "dropout ", periods + s->npurchase, COV_ROW_WIDTH(s) - 3)) ||
		!dyncov_history(fname, COV_ROW_WIDTH(s) - 3, starts, nperiods, periods, buys, nbuys,
						PG_GETARG_DATEADT(buys_arg + 1), PG_GETARG_DATEADT(buys_arg + 1), s->unit_days, &h))
		s->skipped++;
	else
	{
		int64		nrows = DYNCOV_HEAD_ROWS + h.npre + h.npost;

		cov_state_reserve(s, nrows);
		memcpy(s->rows + COV_ROW_WIDTH(s) * s->n, h.rows, sizeof(double) * COV_ROW_WIDTH(s) * nrows);
		s->n += nrows;
		pfree(h.rows);
	}
	pfree(starts);
	pfree(buys);
	pfree(periods);
	PG_RETURN_POINTER(s);
}

/*
 * Customer b of d from its history (two head rows, then its pieces before
 * t_x, from t_x to T and after T; width numbers a row, as dyncov_history
 * makes them), its pieces from q on: covariates standardized by mean and
 * sd (0 and 1 keep them as given), the dropout ones from column
 * dropout_at of the covariates.  Returns the piece after its last.
 */
static int
dyncov_add_customer(DyncovData *d, int b, const double *h, int width, int npre, int npost, int nfuture, int q,
					const double *mean, const double *sd, int dropout_at)
{
	DyncovCustomer *c = &d->customers[b];
	int			np = d->np,
				nd = d->nd;

	c->x = h[0];
	c->t_x = h[1];
	c->T = h[2];
	c->npre = npre;
	c->npost = npost;
	c->nfuture = nfuture;
	c->pre = q;
	c->post = q + npre;
	c->future = q + npre + npost;
	for (int k = 0; k < np; k++)
		d->purchase_sum[b * np + k] = (h[3 + k] - c->x * mean[k]) / sd[k];
	for (int j = 0; j < npre + npost + nfuture; j++, q++)
	{
		const double *p = h + width * (DYNCOV_HEAD_ROWS + j);

		d->piece_vector[q] = q;
		d->piece_length[q] = p[0];
		for (int k = 0; k < np; k++)
			d->zp[q * np + k] = (p[3 + k] - mean[k]) / sd[k];
		for (int k = 0; k < nd; k++)
			d->zd[q * nd + k] = (p[3 + dropout_at + k] - mean[dropout_at + k]) / sd[dropout_at + k];
	}
	return q;
}

/* A customer's block of rows: where it starts, how many rows */
typedef struct DyncovBlock
{
	const double *rows;
	int64		nrows;
} DyncovBlock;

static int	dyncov_block_width;

/* By x, then by every number of the block, so the fit does not depend on the rows' order */
static int
dyncov_block_cmp(const void *pa, const void *pb)
{
	const DyncovBlock *a = pa,
			   *b = pb;

	if (a->rows[0] != b->rows[0])
		return a->rows[0] < b->rows[0] ? -1 : 1;
	if (a->nrows != b->nrows)
		return a->nrows < b->nrows ? -1 : 1;
	return memcmp(a->rows, b->rows, sizeof(double) * dyncov_block_width * a->nrows);
}

/* The fit of the Pareto/NBD with time-varying covariates, from the customers' rows */
static Datum
dyncov_fit_final(FunctionCallInfo fcinfo, CovFitState *s)
{
	const char *fname = "pareto_nbd_fit";
	const CovariateLinks *links = links_of(MODEL_PARETO_NBD);
	int			width = COV_ROW_WIDTH(s),
				ncov = width - 3,
				np = s->npurchase,
				nd = s->ndropout,
				nb = 4,
				n = nb + np + nd,
				nblocks = 0,
				npieces = 0;
	DyncovBlock *blocks;
	DyncovData *dd;
	double	   *mean = palloc0(sizeof(double) * ncov),
			   *sd = palloc0(sizeof(double) * ncov),
				total = 0;
	double		theta[FIT_MAX_PARAMS] = {0};
	int			param_of[2 * COVARIATE_MAX];
	double		scale_of[2 * COVARIATE_MAX];
	FitKey	   *keys;
	double	   *weights;
	FitData    *start,
			   *d;
	FitOutcome *out;
	CovariateModel *m;
	StringInfoData names;

	/* the customers' blocks, checked (a state comes from the transition or from deserialization) */
	blocks = palloc_extended(sizeof(DyncovBlock) * Max(s->n / DYNCOV_HEAD_ROWS, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < s->n;)
	{
		const double *h = s->rows + width * i;
		double		npre,
					npost;

		if (i + DYNCOV_HEAD_ROWS > s->n)
			elog(ERROR, "%s: corrupt state", fname);
		npre = h[width];
		npost = h[width + 1];
		if (!(npre >= 0 && npost >= 0 && npre == floor(npre) && npost == floor(npost) &&
			  npre + npost <= s->n - i - DYNCOV_HEAD_ROWS && h[width + 2] == 0) ||
			!fit_is_frequency(h[0]) || !(h[1] >= 0 && h[1] <= h[2] && isfinite(h[2])))
			elog(ERROR, "%s: corrupt state", fname);
		for (int64 q = i + DYNCOV_HEAD_ROWS; q < i + DYNCOV_HEAD_ROWS + (int64) (npre + npost); q++)
			for (int k = 0; k < width; k++)
				if (!isfinite(s->rows[width * q + k]) || (k == 0 && !(s->rows[width * q] > 0)))
					elog(ERROR, "%s: corrupt state", fname);
		/* so that an index times the covariates stays an int */
		if (nblocks >= DYNCOV_MAX_PIECES || npieces + npre + npost > DYNCOV_MAX_PIECES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: more than %d customers or stretches of covariates", fname, DYNCOV_MAX_PIECES)));
		blocks[nblocks].rows = h;
		blocks[nblocks].nrows = DYNCOV_HEAD_ROWS + (int64) (npre + npost);
		npieces += (int) (npre + npost);
		i += blocks[nblocks++].nrows;
	}
	dyncov_block_width = width;
	qsort(blocks, nblocks, sizeof(DyncovBlock), dyncov_block_cmp);

	/* the covariates' means and standard deviations over the customers' time */
	for (int b = 0; b < nblocks; b++)
		for (int64 q = DYNCOV_HEAD_ROWS; q < blocks[b].nrows; q++)
		{
			const double *p = blocks[b].rows + width * q;

			total += p[0];
			for (int k = 0; k < ncov; k++)
				mean[k] += p[0] * p[3 + k];
		}
	for (int k = 0; k < ncov; k++)
		mean[k] /= total;
	for (int b = 0; b < nblocks; b++)
		for (int64 q = DYNCOV_HEAD_ROWS; q < blocks[b].nrows; q++)
		{
			const double *p = blocks[b].rows + width * q;

			for (int k = 0; k < ncov; k++)
				sd[k] += p[0] * (p[3 + k] - mean[k]) * (p[3 + k] - mean[k]);
		}

	initStringInfo(&names);
	append_nul_terminated(&names, s->purchase_names);
	append_nul_terminated(&names, s->dropout_names);
	m = cov_model_alloc(MODEL_PARETO_NBD, np, nd, 0, names.len);
	m->version = COVMODEL_FORMAT_TIME_VARYING;
	memcpy((char *) COV_NAMES(m), names.data, names.len);
	for (int k = 0; k < ncov; k++)
	{
		sd[k] = sqrt(sd[k] / total);
		if (!(total > 0) || !(sd[k] > 1e-12 * Max(fabs(mean[k]), 1e-300)))
			constant_covariate(fname, cov_name(m, k));
	}

	/* the customers, their pieces' covariates standardized; each piece its own vector */
	dd = palloc0(sizeof(DyncovData));
	dd->np = np;
	dd->nd = nd;
	dd->ncustomers = nblocks;
	dd->customers = palloc_extended(sizeof(DyncovCustomer) * Max(nblocks, 1), MCXT_ALLOC_HUGE);
	dd->purchase_sum = palloc_extended(sizeof(double) * Max((Size) nblocks * np, 1), MCXT_ALLOC_HUGE);
	dd->nvectors = npieces;
	dd->zp = palloc_extended(sizeof(double) * Max((Size) npieces * np, 1), MCXT_ALLOC_HUGE);
	dd->zd = palloc_extended(sizeof(double) * Max((Size) npieces * nd, 1), MCXT_ALLOC_HUGE);
	dd->piece_vector = palloc_extended(sizeof(int) * Max(npieces, 1), MCXT_ALLOC_HUGE);
	dd->piece_length = palloc_extended(sizeof(double) * Max(npieces, 1), MCXT_ALLOC_HUGE);
	dd->rate = palloc_extended(sizeof(double) * 2 * Max(npieces, 1), MCXT_ALLOC_HUGE);
	keys = palloc_extended(sizeof(FitKey) * Max(nblocks, 1), MCXT_ALLOC_HUGE);
	weights = palloc_extended(sizeof(double) * Max(nblocks, 1), MCXT_ALLOC_HUGE);
	for (int b = 0, q = 0; b < nblocks; b++)
	{
		const double *h = blocks[b].rows;

		q = dyncov_add_customer(dd, b, h, width, (int) h[width], (int) h[width + 1], 0, q, mean, sd,
								s->shared ? 0 : np);
		memcpy(keys[b].v, h, sizeof(double) * 3);
	}

	/* the start: the Pareto/NBD without covariates, over the customers' (x, t_x, T) */
	for (int b = 0; b < nblocks; b++)
		weights[b] = 1;
	start = cov_merged_rows(MODEL_PARETO_NBD, fname, keys, weights, nblocks);
	nbd_check_identifiable(start);

	d = palloc0(sizeof(FitData));
	d->kind = MODEL_PARETO_NBD;
	d->fname = fname;
	d->nparams = n;
	d->loglik = pnbd_dyncov_loglik;
	d->n = nblocks;
	d->total_weight = nblocks;
	d->arranged = dd;
	out = cov_maximum(start, d, theta, &m->iterations);

	for (int k = 0; k < np + nd; k++)
	{
		param_of[k] = nb + k;
		scale_of[k] = 1;
	}
	cov_model_finish(m, links, s->shared, n, param_of, scale_of, mean, sd, theta, out);
	m->customers = nblocks;
	m->skipped = (double) s->skipped;
	m->log_likelihood = out->log_likelihood;
	m->converged = out->converged;
	PG_RETURN_POINTER(m);
}

/*
 * The predictions of a Pareto/NBD with time-varying covariates for one
 * customer's history: probability_alive(model, period_starts, covariates,
 * purchase_days, calibration_end, time_unit) and expected_purchases(model,
 * period_starts, covariates, purchase_days, calibration_end, horizon_end,
 * time_unit), discounted_expected_transactions(model, discount_rate, and
 * expected_purchases' arguments), each also with purchase and dropout
 * covariates apart (after covariates, the dropout covariates), and their
 * _interval forms with the level before the time unit.  The periods run
 * on past the end to the horizon (their covariates are the future's).
 */
typedef struct DyncovCall
{
	bool		horizon_given;	/* expected_purchases: a horizon after the end */
	bool		interval;		/* an _interval form: the level before the time unit */
	bool		apart;			/* purchase and dropout covariates apart */
	bool		discounted;		/* discounted_expected_transactions: the rate before the history */
} DyncovCall;

/* The customer of a prediction call, arranged as a fit of one customer on the covariates' own scale */
static DyncovData *
dyncov_prediction_customer(FunctionCallInfo fcinfo, const CovariateModel *cm, const char *fname,
						   const DyncovCall *call)
{
	int			np = cm->npurchase,
				nd = cm->ndropout,
				ncov = np + nd,
				width = 3 + ncov;
	int			first = call->discounted ? 2 : 1,	/* the period starts */
				buys_arg = first + (call->apart ? 3 : 2);
	DateADT		end = PG_GETARG_DATEADT(buys_arg + 1),
				horizon = call->horizon_given ? PG_GETARG_DATEADT(buys_arg + 2) : end;
	double		unit = lk_interval_days(fname, PG_GETARG_INTERVAL_P(PG_NARGS() - 1));
	DateADT    *starts,
			   *buys;
	int			nperiods,
				nbuys,
				npieces;
	double	   *periods;
	double		mean[2 * COVARIATE_MAX],
				sd[2 * COVARIATE_MAX];
	DyncovHistory h;
	DyncovData *d = palloc0(sizeof(DyncovData));

	if (!cm->converged)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model's fit did not converge", fname),
				 errhint("Its estimates are not a maximum; see converged(model) and fit again.")));
	if (!call->apart)
		cov_require_shared(cm, fname,
						   "Give the purchase and the dropout covariates apart, the dropout covariates after the purchase ones.");
	if (horizon < end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the horizon ends before the calibration end", fname),
				 errhint("Purchases are expected from the calibration end to a later horizon end.")));
	starts = dyncov_days(fname, PG_GETARG_ARRAYTYPE_P(first), "period starts", &nperiods);
	buys = dyncov_days(fname, PG_GETARG_ARRAYTYPE_P(buys_arg), "purchase days", &nbuys);
	periods = palloc(sizeof(double) * Max(nperiods * ncov, 1));
	if (!dyncov_values(fname, PG_GETARG_ARRAYTYPE_P(first + 1), nperiods, np, call->apart ? "purchase " : "", periods,
					   ncov) ||
		!dyncov_values(fname, PG_GETARG_ARRAYTYPE_P(call->apart ? first + 2 : first + 1), nperiods, nd,
					   call->apart ? "dropout " : "", periods + np, ncov))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a covariate is NULL", fname),
				 errhint("A prediction needs every period's covariates.")));
	if (!dyncov_history(fname, ncov, starts, nperiods, periods, buys, nbuys, end, horizon, unit, &h))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the customer has no purchase by the calibration end", fname),
				 errhint("A customer's history starts at its first purchase.")));

	npieces = h.npre + h.npost + h.nfuture;
	d->np = np;
	d->nd = nd;
	d->nvectors = npieces;
	d->ncustomers = 1;
	d->customers = palloc0(sizeof(DyncovCustomer));
	d->zp = palloc(sizeof(double) * Max(npieces * np, 1));
	d->zd = palloc(sizeof(double) * Max(npieces * nd, 1));
	d->piece_vector = palloc(sizeof(int) * Max(npieces, 1));
	d->piece_length = palloc(sizeof(double) * Max(npieces, 1));
	d->rate = palloc(sizeof(double) * 2 * Max(npieces, 1));
	d->purchase_sum = palloc(sizeof(double) * Max(np, 1));
	for (int k = 0; k < ncov; k++)
	{
		mean[k] = 0;
		sd[k] = 1;
	}
	dyncov_add_customer(d, 0, h.rows, width, h.npre, h.npost, h.nfuture, 0, mean, sd, np);
	return d;
}

/* What a prediction from a history gives */
typedef enum DyncovWhat
{
	DYNCOV_ALIVE,				/* P(alive) at the calibration end */
	DYNCOV_PURCHASES,			/* the purchases expected to the horizon */
	DYNCOV_DISCOUNTED			/* the same discounted continuously (CLVTools' DECT) */
} DyncovWhat;

/* The prediction at theta */
static double
dyncov_predict(DyncovData *d, const double *theta, const char *fname, DyncovWhat what, double delta)
{
	double		alive;
	double		expected = pnbd_dyncov_expected(d, theta, delta, fname, &alive);

	return what == DYNCOV_ALIVE ? alive : expected;
}

static Datum
dyncov_prediction(FunctionCallInfo fcinfo, const char *fname, DyncovWhat what, bool interval)
{
	const CovariateModel *cm = cov_model_arg(fcinfo, 0);
	int			n = COV_NPARAMS(cm);
	DyncovCall	call;
	DyncovData *d;
	double		theta[FIT_MAX_PARAMS],
				g[FIT_MAX_PARAMS],
				delta = 0,
				estimate,
				level = 0,
				variance = 0;

	call.horizon_given = what != DYNCOV_ALIVE;
	call.interval = interval;
	call.discounted = what == DYNCOV_DISCOUNTED;
	call.apart = PG_NARGS() - (interval ? 1 : 0) - (call.discounted ? 1 : 0) == (call.horizon_given ? 8 : 7);
	if (interval)
		level = model_level_arg_at(fcinfo, PG_NARGS() - 2, fname);
	if (call.discounted)
		delta = model_continuous_discount(fname, PG_GETARG_FLOAT8(1));
	d = dyncov_prediction_customer(fcinfo, cm, fname, &call);
	/* the fit's parameters: log base parameters, then the coefficients */
	for (int j = 0; j < n; j++)
		theta[j] = j < COV_NBASE(cm) ? log(COV_ESTIMATE(cm)[j]) : COV_ESTIMATE(cm)[j];
	estimate = dyncov_predict(d, theta, fname, what, delta);
	if (!interval)
		PG_RETURN_FLOAT8(estimate);

	/* the delta method: the gradient in theta by central differences, g' C g */
	for (int j = 0; j < n; j++)
	{
		double		up,
					down;

		theta[j] += MODEL_DELTA_STEP;
		up = dyncov_predict(d, theta, fname, what, delta);
		theta[j] -= 2 * MODEL_DELTA_STEP;
		down = dyncov_predict(d, theta, fname, what, delta);
		theta[j] += MODEL_DELTA_STEP;
		g[j] = (up - down) / (2 * MODEL_DELTA_STEP);
	}
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			variance += g[a] * COV_COVARIANCE(cm)[a * n + b] * g[b];
	return model_interval_result(fcinfo, estimate, sqrt(Max(variance, 0)), level,
								 what == DYNCOV_ALIVE ? INTERVAL_PROBABILITY : INTERVAL_POSITIVE);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_probability_alive);
Datum
pareto_nbd_dyncov_probability_alive(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "probability_alive", DYNCOV_ALIVE, false);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_expected_purchases);
Datum
pareto_nbd_dyncov_expected_purchases(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "expected_purchases", DYNCOV_PURCHASES, false);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_discounted_transactions);
Datum
pareto_nbd_dyncov_discounted_transactions(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "discounted_expected_transactions", DYNCOV_DISCOUNTED, false);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_probability_alive_interval);
Datum
pareto_nbd_dyncov_probability_alive_interval(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "probability_alive_interval", DYNCOV_ALIVE, true);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_expected_purchases_interval);
Datum
pareto_nbd_dyncov_expected_purchases_interval(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "expected_purchases_interval", DYNCOV_PURCHASES, true);
}

PG_FUNCTION_INFO_V1(pareto_nbd_dyncov_discounted_transactions_interval);
Datum
pareto_nbd_dyncov_discounted_transactions_interval(PG_FUNCTION_ARGS)
{
	return dyncov_prediction(fcinfo, "discounted_expected_transactions_interval", DYNCOV_DISCOUNTED, true);
}

/* The models' final function: the state says which */
PG_FUNCTION_INFO_V1(covariate_fit_final);
Datum
covariate_fit_final(PG_FUNCTION_ARGS)
{
	CovFitState *s = PG_ARGISNULL(0) ? NULL : (CovFitState *) PG_GETARG_POINTER(0);

	if (s != NULL && s->n > 0 && s->unit_days > 0)
		return dyncov_fit_final(fcinfo, s);
	return cov_fit_final(fcinfo);
}

/* ---------------------------------------------------------------------
 * A customer's model
 * ---------------------------------------------------------------------
 */

/*
 * customer_model(model, purchase_covariates, dropout_covariates), or
 * (model, covariates) for a model whose processes have the same names: the
 * base model at this customer's parameters, with the covariance of its
 * log-parameters (J C J^T, J the linear map from the fit's parameters), so
 * every prediction and interval of the base model applies.  The customer
 * model keeps the fit's log-likelihood, customers and convergence.
 */
PG_FUNCTION_INFO_V1(covariate_customer_model);
Datum
covariate_customer_model(PG_FUNCTION_ARGS)
{
	const char *fname = "customer_model";
	const CovariateModel *cm = cov_model_arg(fcinfo, 0);
	const CovariateLinks *links = links_of(cm->kind);
	int			nb = COV_NBASE(cm),
				np = cm->npurchase,
				nd = cm->ndropout,
				n = COV_NPARAMS(cm);
	double		zp[COVARIATE_MAX],
				zd[COVARIATE_MAX];
	double		j_map[MODEL_MAX_PARAMS * FIT_MAX_PARAMS];
	double		lp = 0,
				ld = 0;
	Model	   *m;

	if (PG_NARGS() == 2)
		cov_require_shared(cm, fname,
						   "Give the purchase and the dropout covariates: customer_model(model, purchase_covariates, dropout_covariates).");
	if (!read_covariates(fname, PG_GETARG_ARRAYTYPE_P(1), np, PG_NARGS() == 2 ? "" : "purchase ", zp) ||
		!read_covariates(fname, PG_GETARG_ARRAYTYPE_P(PG_NARGS() == 2 ? 1 : 2), nd, PG_NARGS() == 2 ? "" : "dropout ", zd))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a covariate is NULL", fname),
				 errhint("A customer model needs every covariate's value.")));
	for (int k = 0; k < np; k++)
		lp += COV_ESTIMATE(cm)[nb + k] * zp[k];
	for (int k = 0; k < nd; k++)
		ld += COV_ESTIMATE(cm)[nb + np + k] * zd[k];
	m = model_new((ModelKind) cm->kind);
	for (int j = 0; j < nb; j++)
	{
		double		v = log(COV_ESTIMATE(cm)[j]) + links->purchase[j] * lp + links->dropout[j] * ld;

		MODEL_ESTIMATE(m)[j] = exp(v);
		if (!(MODEL_ESTIMATE(m)[j] > 0 && isfinite(MODEL_ESTIMATE(m)[j])))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: parameter %s is out of range at these covariates", fname,
							model_specs[cm->kind].params[j]),
					 errhint("Give covariates on the scale the model was fitted on.")));
	}
	link_map(links, nb, np, nd, zp, zd, j_map);
	for (int i = 0; i < nb; i++)
		for (int j = 0; j <= i; j++)
		{
			double		v = 0;

			for (int k = 0; k < n; k++)
				for (int l = 0; l < n; l++)
					v += j_map[i * n + k] * COV_COVARIANCE(cm)[k * n + l] * j_map[j * n + l];
			MODEL_COVARIANCE(m)[i * nb + j] = MODEL_COVARIANCE(m)[j * nb + i] = v;
		}
	for (int j = 0; j < nb; j++)
		MODEL_STD_ERROR(m)[j] = MODEL_ESTIMATE(m)[j] * sqrt(MODEL_COVARIANCE(m)[j * nb + j]);
	m->converged = cm->converged;
	m->iterations = cm->iterations;
	m->customers = cm->customers;
	m->log_likelihood = cm->log_likelihood;
	PG_RETURN_POINTER(m);
}
