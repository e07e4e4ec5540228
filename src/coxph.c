/*
 * coxph.c
 *		What drives churn: Cox proportional-hazards regression, fitted by
 *		partial likelihood over (duration, event, covariates) rows in one
 *		aggregate call, stored as a coxph_model, read as a coefficient table
 *		and a summary, and used to score customers.
 *
 * The model (Cox 1972): the hazard of customer i at time t is
 * h0(t) exp(x_i' beta), so exp(beta_j) multiplies the churn hazard per unit
 * of covariate j whatever the baseline h0.  With distinct event times t_k,
 * d_k events there, D_k their set and R_k the customers at risk (time >=
 * t_k), eta_i = x_i' beta, and covariates centred at their means (what R
 * reports as the linear predictor; the fit is the same):
 *	 Breslow	log L = sum_k [ sum_{i in D_k} eta_i - d_k log S0_k ]
 *	 Efron		log L = sum_k [ sum_{i in D_k} eta_i
 *							- sum_{r=0}^{d_k-1} log(S0_k - (r/d_k) S0(D_k)) ]
 * with S0 = sum exp(eta_i), S1 = sum exp(eta_i) x_i, S2 = sum exp(eta_i)
 * x_i x_i' over R_k (or D_k); the score U and the information I are their
 * first and second derivatives (Therneau and Grambsch 2000, ch. 3).  Efron
 * is R's default and ours.
 *
 * Fitting is R's coxph (survival::coxph.fit, coxfit6), step for step, so
 * that the coefficients agree to rounding: beta = 0; Newton steps beta +=
 * I^-1 U; a step that lowers log L is halved; done when |1 - L_old / L_new|
 * <= 1e-9 after a full step, at most 20 steps.  Newton's method is the
 * same under centring and scaling of the covariates, so R's scaling is not
 * needed to follow its path.  The fit is flagged not converged where R
 * warns: out of steps, or a coefficient the last step still moves by more
 * than sqrt(1e-9) of itself ("coefficient may be infinite": separation).
 *	 standard errors	the square roots of the diagonal of I^-1 at the fit
 *	 likelihood ratio	2 (log L - log L(0)), chi-square on p df
 *	 Wald				beta' I beta
 *	 score				U(0)' I(0)^-1 U(0)
 *	 robust score		with clusters: U' B^-1 U, U and B from the score residuals at beta = 0
 *	 proportional		per term and globally, R's cox.zph: the score test of g(t) x added
 *	 hazards			to the model at the fit (see cox_ph_weights)
 *
 * The state keeps every row (p + 5 doubles); the final function sorts them
 * by time, event and covariates before any sum, so serial, parallel and
 * partitionwise plans give the same bits.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "catalog/pg_collation.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#define COX_FORMAT 1
#define COX_MAX_TERMS 100
#define COX_MAX_STEPS 20
#define COX_MAX_STRATA 1000		/* looked up by a linear search, the last one first */
#define COX_EPS 1e-9
#define COX_TOLER_INF 3.1622776601683795e-05	/* sqrt(COX_EPS), R's toler.inf */
#define COX_NO_TEST (-1.0)		/* a chi-square whose matrix is singular: read as NULL */
#define COX_TEXT_FORM "v1:coxph:ties=efron;strata=K;n=N;events=E;skipped=S;iterations=I;converged=true;loglik=L0,L;score=X;wald=W;concordance=C,SE;terms=\"a\",...[;strata_names=\"s\",...];means=M,...;coef=B,...;cov=V,...[;robust_cov=V,...;robust_score=X];ph_test=Z,...,G;baseline_rows=R,...;baseline=T,H,V,D,..."

typedef enum CoxTies
{
	COX_EFRON = 0,
	COX_BRESLOW = 1
} CoxTies;

static const char *const ties_names[2] = {"efron", "breslow"};

/*
 * The stored model: fixed fields, then the doubles: means, coefficients,
 * the covariance and the robust one (p + p + p * p + p * p, the robust
 * zeros without clusters), the proportional-hazards test's chi-squares
 * (each term's, then the global one), each stratum's number of baseline rows
 * (nstrata), and the baseline rows (nbaseline of p + 3: an event time, the
 * cumulative baseline hazard H0 at the means, the cumulative sum V0 of
 * its variance increments, and the cumulative D0 = sum of xbar dH0 that
 * the variance of a prediction needs); then the p term names and, when
 * stratified, the strata's names, each ending in a NUL.  About 8 (p + 4)
 * bytes per distinct event time: 721 kB for 10,000 times at five terms.
 */
typedef struct CoxModel
{
	int32		vl_len_;
	uint8		version;
	uint8		ties;
	uint8		converged;
	uint8		stratified;		/* the strata have names: predictions name one */
	int32		nterms;
	int32		iterations;
	int32		nstrata;		/* 1 without strata */
	int32		nbaseline;		/* baseline rows, over all strata */
	int32		robust;			/* a robust covariance: fitted with clusters */
	int64		n;				/* rows fitted */
	int64		events;
	int64		skipped;		/* rows with a NULL, left out */
	double		loglik_null;
	double		loglik;
	double		score_test;
	double		wald_test;
	double		concordance;	/* Harrell's C of the linear predictor, in [0, 1] */
	double		concordance_se; /* its standard error, R's infinitesimal jackknife */
	double		robust_score_test;	/* R's robust score test with clusters; 0 without, COX_NO_TEST if singular */
	double		values[FLEXIBLE_ARRAY_MEMBER];
} CoxModel;

#define COX_BASE_WIDTH(p) ((p) + 4)
#define COX_NDOUBLES(p, nstrata, nbase) (3 * (Size) (p) + 1 + 2 * (Size) (p) * (p) + (Size) (nstrata) + (Size) (nbase) * COX_BASE_WIDTH(p))
#define COX_MEANS(m) ((m)->values)
#define COX_COEF(m) ((m)->values + (m)->nterms)
#define COX_COV(m) ((m)->values + 2 * (m)->nterms)
#define COX_ROBUST_COV(m) (COX_COV(m) + (m)->nterms * (m)->nterms)	/* zeros when not robust */
#define COX_PH_TEST(m) (COX_ROBUST_COV(m) + (m)->nterms * (m)->nterms)	/* p + 1: each term's, the global */
#define COX_STRATUM_ROWS(m) (COX_PH_TEST(m) + (m)->nterms + 1)
#define COX_BASELINE(m) (COX_STRATUM_ROWS(m) + (m)->nstrata)
#define COX_NAMES(m) ((char *) ((m)->values + COX_NDOUBLES((m)->nterms, (m)->nstrata, (m)->nbaseline)))
#define COX_FIXED_SIZE(p, nstrata, nbase) (offsetof(CoxModel, values) + sizeof(double) * COX_NDOUBLES(p, nstrata, nbase))

static CoxModel *
cox_model_alloc(int32 nterms, int32 nstrata, int32 nbaseline, Size names_bytes)
{
	Size		size = COX_FIXED_SIZE(nterms, nstrata, nbaseline) + names_bytes;
	CoxModel   *m = palloc0(size);

	SET_VARSIZE(m, size);
	m->version = COX_FORMAT;
	m->nterms = nterms;
	m->nstrata = nstrata;
	m->nbaseline = nbaseline;
	return m;
}

/* The i-th name: the terms', then the strata's */
static const char *
cox_name(const CoxModel *m, int i)
{
	const char *name = COX_NAMES(m);

	while (i-- > 0)
		name += strlen(name) + 1;
	return name;
}

#define cox_term(m, i) cox_name(m, i)

/* Why m is not a model this library writes, or NULL */
static const char *
cox_problem(const CoxModel *m)
{
	const char *end = (const char *) m + VARSIZE(m);
	const char *name;
	int			p = m->nterms;
	int64		rows = 0;
	int			nnames;

	if (m->version != COX_FORMAT)
		return psprintf("Format version %d is not one this release reads (it reads %d).", m->version, COX_FORMAT);
	if (p < 1 || p > COX_MAX_TERMS || m->nstrata < 1 || m->nstrata > COX_MAX_STRATA || m->nbaseline < 1 ||
		m->stratified > 1 || (!m->stratified && m->nstrata != 1) ||
		VARSIZE(m) < COX_FIXED_SIZE(p, m->nstrata, m->nbaseline) + p)
		return "It has no terms, strata or baseline, or too many.";
	if (m->ties > COX_BRESLOW || m->converged > 1)
		return "Its ties method or convergence flag is out of range.";
	if (m->n < 1 || m->events < 1 || m->events > m->n || m->skipped < 0 || m->iterations < 0 ||
		m->iterations > COX_MAX_STEPS || m->nstrata > m->n || m->nbaseline > m->events)
		return "Its counts are not those of a fit.";
	if (!isfinite(m->loglik_null) || !isfinite(m->loglik) || !isfinite(m->score_test) ||
		!isfinite(m->wald_test) || m->loglik_null > 0 || m->loglik > 0 ||
		!(m->concordance >= 0 && m->concordance <= 1) || !(m->concordance_se >= 0) || isinf(m->concordance_se))
		return "Its log-likelihoods and tests are not finite.";
	for (Size i = 0; i < COX_NDOUBLES(p, m->nstrata, m->nbaseline); i++)
		if (!isfinite(m->values[i]))
			return "Its means, coefficients, covariance and baseline are finite.";
	for (int i = 0; i < p; i++)
		for (int j = 0; j < i; j++)
			if (COX_COV(m)[i * p + j] != COX_COV(m)[j * p + i])
				return "Its covariance is symmetric.";
	for (int i = 0; i < p; i++)
		if (!(COX_COV(m)[i * p + i] >= 0))
			return "Its variances are not negative.";
	if (m->robust < 0 || m->robust > 1)
		return "Its robust flag is out of range.";
	if (!(m->robust ? (m->robust_score_test >= 0 && !isinf(m->robust_score_test)) || m->robust_score_test == COX_NO_TEST
		  : m->robust_score_test == 0))
		return "Its robust score test is a chi-square with clusters, 0 without.";
	for (int i = 0; i <= p; i++)
		if (!(COX_PH_TEST(m)[i] >= 0 || COX_PH_TEST(m)[i] == COX_NO_TEST))
			return "Its proportional-hazards tests are chi-squares.";
	for (int i = 0; i < p; i++)
		for (int j = 0; j <= i; j++)
			if ((m->robust && (COX_ROBUST_COV(m)[i * p + j] != COX_ROBUST_COV(m)[j * p + i] ||
							   (i == j && !(COX_ROBUST_COV(m)[i * p + i] >= 0)))) ||
				(!m->robust && (COX_ROBUST_COV(m)[i * p + j] != 0 || COX_ROBUST_COV(m)[j * p + i] != 0)))
				return "Its robust covariance is symmetric with variances not negative, or zeros without clusters.";
	/* each stratum's rows: at least one, times increasing, H0 and V0 from above 0, not decreasing */
	for (int k = 0; k < m->nstrata; k++)
	{
		double		count = COX_STRATUM_ROWS(m)[k];

		if (!(count >= 0 && count == floor(count)) || rows + count > m->nbaseline)
			return "Its baseline rows do not add up.";
		for (int64 i = rows; i < rows + (int64) count; i++)
		{
			const double *b = COX_BASELINE(m) + COX_BASE_WIDTH(p) * i;
			const double *prev = b - COX_BASE_WIDTH(p);

			if (!(b[0] >= 0 && b[1] > 0 && b[2] > 0 && b[3] > 0) ||
				(i > rows && !(b[0] > prev[0] && b[1] >= prev[1] && b[2] >= prev[2])))
				return "Its baseline is not an increasing hazard at increasing times.";
		}
		rows += (int64) count;
	}
	if (rows != m->nbaseline)
		return "Its baseline rows do not add up.";
	name = COX_NAMES(m);
	nnames = p + (m->stratified ? m->nstrata : 0);
	for (int i = 0; i < nnames; i++)
	{
		const char *nul = memchr(name, '\0', end - name);

		if (nul == NULL || (nul == name && i < p))
			return "Its names are not p non-empty strings, then the strata's.";
		name = nul + 1;
	}
	if (name != end)
		return "Bytes follow its names.";
	return NULL;
}

static const CoxModel *
cox_arg(FunctionCallInfo fcinfo, int argno)
{
	const CoxModel *m = (const CoxModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (VARSIZE(m) < offsetof(CoxModel, values) || cox_problem(m) != NULL)
		elog(ERROR, "corrupt coxph_model value");
	return m;
}


/* ---------------------------------------------------------------------
 * Text, binary and jsonb forms
 * ---------------------------------------------------------------------
 */

/* a chi-square, null where its matrix was singular */
static void
append_test(StringInfo buf, double chisq)
{
	if (chisq == COX_NO_TEST)
		appendStringInfoString(buf, "null");
	else
		lk_append_double(buf, chisq);
}

/* count names from the first-th (see cox_name), quoted, comma-separated */
static void
append_names(StringInfo buf, const CoxModel *m, int first, int count)
{
	for (int i = 0; i < count; i++)
	{
		const char *name = cox_name(m, first + i);

		if (i > 0)
			appendStringInfoChar(buf, ',');
		lk_text_append_quoted(buf, name, strlen(name));
	}
}

PG_FUNCTION_INFO_V1(coxph_model_out);
Datum
coxph_model_out(PG_FUNCTION_ARGS)
{
	const CoxModel *m = cox_arg(fcinfo, 0);
	int			p = m->nterms;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d:coxph:ties=%s;strata=%d;n=" INT64_FORMAT ";events=" INT64_FORMAT ";skipped=" INT64_FORMAT
					 ";iterations=%d;converged=%s;loglik=", m->version, ties_names[m->ties], m->nstrata, m->n, m->events,
					 m->skipped, m->iterations, m->converged ? "true" : "false");
	lk_append_double(&buf, m->loglik_null);
	appendStringInfoChar(&buf, ',');
	lk_append_double(&buf, m->loglik);
	appendStringInfoString(&buf, ";score=");
	lk_append_double(&buf, m->score_test);
	appendStringInfoString(&buf, ";wald=");
	lk_append_double(&buf, m->wald_test);
	appendStringInfoString(&buf, ";concordance=");
	lk_append_double(&buf, m->concordance);
	appendStringInfoChar(&buf, ',');
	lk_append_double(&buf, m->concordance_se);
	appendStringInfoString(&buf, ";terms=");
	append_names(&buf, m, 0, p);
	if (m->stratified)
	{
		appendStringInfoString(&buf, ";strata_names=");
		append_names(&buf, m, p, m->nstrata);
	}
	appendStringInfoString(&buf, ";means=");
	lk_append_doubles(&buf, COX_MEANS(m), p);
	appendStringInfoString(&buf, ";coef=");
	lk_append_doubles(&buf, COX_COEF(m), p);
	appendStringInfoString(&buf, ";cov=");
	lk_append_doubles(&buf, COX_COV(m), p * p);
	if (m->robust)
	{
		appendStringInfoString(&buf, ";robust_cov=");
		lk_append_doubles(&buf, COX_ROBUST_COV(m), p * p);
		appendStringInfoString(&buf, ";robust_score=");
		lk_append_double(&buf, m->robust_score_test);
	}
	appendStringInfoString(&buf, ";ph_test=");
	lk_append_doubles(&buf, COX_PH_TEST(m), p + 1);
	appendStringInfoString(&buf, ";baseline_rows=");
	lk_append_doubles(&buf, COX_STRATUM_ROWS(m), m->nstrata);
	appendStringInfoString(&buf, ";baseline=");
	lk_append_doubles(&buf, COX_BASELINE(m), m->nbaseline * COX_BASE_WIDTH(p));
	PG_RETURN_CSTRING(buf.data);
}

static void
read_doubles(LkTextReader *r, const char *label, double *v, int n)
{
	lk_text_expect(r, label);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			lk_text_expect(r, ",");
		v[i] = lk_text_double(r);
	}
}

PG_FUNCTION_INFO_V1(coxph_model_in);
Datum
coxph_model_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	LkTextReader r;
	CoxModel	head = {0};
	StringInfoData names;
	CoxModel   *m;
	const char *problem;
	int			p = 0;
	double		loglik[2];

	lk_text_begin(&r, input, "coxph_model", COX_TEXT_FORM);
	lk_text_expect(&r, "v1:coxph:ties=");
	head.ties = lk_text_accept(&r, "efron") ? COX_EFRON : (lk_text_expect(&r, "breslow"), COX_BRESLOW);
	lk_text_expect(&r, ";strata=");
	head.nstrata = (int32) lk_text_int64(&r, 1, COX_MAX_STRATA);
	lk_text_expect(&r, ";n=");
	head.n = lk_text_int64(&r, 1, PG_INT64_MAX);
	lk_text_expect(&r, ";events=");
	head.events = lk_text_int64(&r, 1, PG_INT64_MAX);
	lk_text_expect(&r, ";skipped=");
	head.skipped = lk_text_int64(&r, 0, PG_INT64_MAX);
	lk_text_expect(&r, ";iterations=");
	head.iterations = (int32) lk_text_int64(&r, 0, COX_MAX_STEPS);
	lk_text_expect(&r, ";converged=");
	head.converged = lk_text_accept(&r, "true") ? 1 : (lk_text_expect(&r, "false"), 0);
	read_doubles(&r, ";loglik=", loglik, 2);
	read_doubles(&r, ";score=", &head.score_test, 1);
	read_doubles(&r, ";wald=", &head.wald_test, 1);
	read_doubles(&r, ";concordance=", &head.concordance, 1);
	read_doubles(&r, ",", &head.concordance_se, 1);
	lk_text_expect(&r, ";terms=");
	initStringInfo(&names);
	do
	{
		StringInfoData one;

		initStringInfo(&one);
		lk_text_quoted(&r, &one);
		if (one.len == 0 || memchr(one.data, '\0', one.len) != NULL)
			lk_text_error(&r, "A term name is a non-empty string.");
		appendBinaryStringInfo(&names, one.data, one.len + 1);
		if (++p > COX_MAX_TERMS)
			lk_text_error(&r, psprintf("A model has at most %d terms.", COX_MAX_TERMS));
	} while (lk_text_accept(&r, ","));
	if (lk_text_accept(&r, ";strata_names="))
	{
		int			k = 0;

		head.stratified = 1;
		do
		{
			StringInfoData one;

			initStringInfo(&one);
			lk_text_quoted(&r, &one);
			if (memchr(one.data, '\0', one.len) != NULL)
				lk_text_error(&r, "A stratum's name has no NUL.");
			appendBinaryStringInfo(&names, one.data, one.len + 1);
			if (++k > head.nstrata)
				lk_text_error(&r, "More strata names than strata.");
		} while (lk_text_accept(&r, ","));
		if (k != head.nstrata)
			lk_text_error(&r, "Fewer strata names than strata.");
	}
	{
		/* the baseline's size from the rows per stratum, read before the arrays they size */
		double		means_etc[2 * COX_MAX_TERMS];
		double	   *cov = palloc(sizeof(double) * p * p);
		double	   *robust_cov = palloc0(sizeof(double) * p * p);
		double	   *ph_test = palloc(sizeof(double) * (p + 1));
		double	   *stratum_rows = palloc(sizeof(double) * head.nstrata);
		int64		nbase = 0;

		read_doubles(&r, ";means=", means_etc, p);
		read_doubles(&r, ";coef=", means_etc + p, p);
		read_doubles(&r, ";cov=", cov, p * p);
		if (lk_text_accept(&r, ";robust_cov="))
		{
			head.robust = 1;
			read_doubles(&r, "", robust_cov, p * p);
			read_doubles(&r, ";robust_score=", &head.robust_score_test, 1);
		}
		read_doubles(&r, ";ph_test=", ph_test, p + 1);
		read_doubles(&r, ";baseline_rows=", stratum_rows, head.nstrata);
		for (int k = 0; k < head.nstrata; k++)
		{
			if (!(stratum_rows[k] >= 0 && stratum_rows[k] <= head.events && stratum_rows[k] == floor(stratum_rows[k])))
				lk_text_error(&r, "A stratum's baseline rows are out of range.");
			nbase += (int64) stratum_rows[k];
		}
		if (nbase > head.events || (Size) nbase * COX_BASE_WIDTH(p) * 2 > strlen(input))
			lk_text_error(&r, "More baseline rows than events, or than the text holds.");
		m = cox_model_alloc(p, head.nstrata, (int32) nbase, names.len);
		memcpy(m, &head, offsetof(CoxModel, values));
		SET_VARSIZE(m, COX_FIXED_SIZE(p, head.nstrata, nbase) + names.len);
		m->version = COX_FORMAT;
		m->nterms = p;
		m->nbaseline = (int32) nbase;
		m->loglik_null = loglik[0];
		m->loglik = loglik[1];
		memcpy(COX_MEANS(m), means_etc, sizeof(double) * 2 * p);
		memcpy(COX_COV(m), cov, sizeof(double) * p * p);
		memcpy(COX_ROBUST_COV(m), robust_cov, sizeof(double) * p * p);
		memcpy(COX_PH_TEST(m), ph_test, sizeof(double) * (p + 1));
		memcpy(COX_STRATUM_ROWS(m), stratum_rows, sizeof(double) * head.nstrata);
		read_doubles(&r, ";baseline=", COX_BASELINE(m), (int) (nbase * COX_BASE_WIDTH(p)));
	}
	memcpy(COX_NAMES(m), names.data, names.len);
	lk_text_end(&r);
	if ((problem = cox_problem(m)) != NULL)
		lk_text_error(&r, problem);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(coxph_model_send);
Datum
coxph_model_send(PG_FUNCTION_ARGS)
{
	const CoxModel *m = cox_arg(fcinfo, 0);
	Size		ndoubles = COX_NDOUBLES(m->nterms, m->nstrata, m->nbaseline);
	const char *names = COX_NAMES(m);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->ties);
	pq_sendbyte(&buf, m->converged);
	pq_sendbyte(&buf, m->stratified);
	pq_sendint32(&buf, m->nterms);
	pq_sendint32(&buf, m->iterations);
	pq_sendint32(&buf, m->nstrata);
	pq_sendint32(&buf, m->nbaseline);
	pq_sendint32(&buf, m->robust);
	pq_sendint64(&buf, m->n);
	pq_sendint64(&buf, m->events);
	pq_sendint64(&buf, m->skipped);
	pq_sendfloat8(&buf, m->loglik_null);
	pq_sendfloat8(&buf, m->loglik);
	pq_sendfloat8(&buf, m->score_test);
	pq_sendfloat8(&buf, m->wald_test);
	pq_sendfloat8(&buf, m->concordance);
	pq_sendfloat8(&buf, m->concordance_se);
	pq_sendfloat8(&buf, m->robust_score_test);
	for (Size i = 0; i < ndoubles; i++)
		pq_sendfloat8(&buf, m->values[i]);
	pq_sendbytes(&buf, names, (const char *) m + VARSIZE(m) - names);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(coxph_model_recv);
Datum
coxph_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CoxModel	head = {0};
	CoxModel   *m;
	const char *problem;
	Size		ndoubles;
	Size		names_bytes;

	if (buf->len - buf->cursor < 4 + 20 + 24 + 56)
		lk_binary_error("coxph_model", "The header takes 104 bytes.");
	head.version = pq_getmsgbyte(buf);
	if (head.version != COX_FORMAT)
		lk_binary_error("coxph_model", psprintf("Unknown format %d.", head.version));
	head.ties = pq_getmsgbyte(buf);
	head.converged = pq_getmsgbyte(buf);
	head.stratified = pq_getmsgbyte(buf);
	head.nterms = pq_getmsgint(buf, 4);
	head.iterations = pq_getmsgint(buf, 4);
	head.nstrata = pq_getmsgint(buf, 4);
	head.nbaseline = pq_getmsgint(buf, 4);
	head.robust = pq_getmsgint(buf, 4);
	if (head.nterms < 1 || head.nterms > COX_MAX_TERMS || head.nstrata < 1 || head.nstrata > COX_MAX_STRATA ||
		head.nbaseline < 1)
		lk_binary_error("coxph_model", "Its numbers of terms, strata or baseline rows are out of range.");
	head.n = pq_getmsgint64(buf);
	head.events = pq_getmsgint64(buf);
	head.skipped = pq_getmsgint64(buf);
	head.loglik_null = pq_getmsgfloat8(buf);
	head.loglik = pq_getmsgfloat8(buf);
	head.score_test = pq_getmsgfloat8(buf);
	head.wald_test = pq_getmsgfloat8(buf);
	head.concordance = pq_getmsgfloat8(buf);
	head.concordance_se = pq_getmsgfloat8(buf);
	head.robust_score_test = pq_getmsgfloat8(buf) + 0.0;
	ndoubles = COX_NDOUBLES(head.nterms, head.nstrata, head.nbaseline);
	if ((Size) (buf->len - buf->cursor) < 8 * ndoubles + head.nterms)
		lk_binary_error("coxph_model", "It ends before its values and names.");
	names_bytes = buf->len - buf->cursor - 8 * ndoubles;
	m = cox_model_alloc(head.nterms, head.nstrata, head.nbaseline, names_bytes);
	memcpy(m, &head, offsetof(CoxModel, values));
	SET_VARSIZE(m, COX_FIXED_SIZE(head.nterms, head.nstrata, head.nbaseline) + names_bytes);
	for (Size i = 0; i < ndoubles; i++)
		m->values[i] = pq_getmsgfloat8(buf) + 0.0;
	pq_copymsgbytes(buf, COX_NAMES(m), names_bytes);
	if ((problem = cox_problem(m)) != NULL)
		lk_binary_error("coxph_model", problem);
	for (int i = 0; i < head.nterms + (head.stratified ? head.nstrata : 0); i++)
	{
		const char *name = cox_name(m, i);

		if (!pg_verifymbstr(name, strlen(name), true))
			lk_binary_error("coxph_model", "A name is not valid in the database's encoding.");
	}
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(coxph_model_jsonb);
Datum
coxph_model_jsonb(PG_FUNCTION_ARGS)
{
	const CoxModel *m = cox_arg(fcinfo, 0);
	int			p = m->nterms;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"model\": \"coxph\", \"version\": %d, \"ties\": \"%s\", \"strata\": %d, \"n\": " INT64_FORMAT
					 ", \"events\": " INT64_FORMAT ", \"skipped\": " INT64_FORMAT ", \"iterations\": %d, \"converged\": %s, \"robust\": %s",
					 m->version, ties_names[m->ties], m->nstrata, m->n, m->events, m->skipped, m->iterations,
					 m->converged ? "true" : "false", m->robust ? "true" : "false");
	appendStringInfoString(&buf, ", \"loglik_null\": ");
	lk_append_double(&buf, m->loglik_null);
	appendStringInfoString(&buf, ", \"loglik\": ");
	lk_append_double(&buf, m->loglik);
	appendStringInfoString(&buf, ", \"score_test\": ");
	lk_append_double(&buf, m->score_test);
	appendStringInfoString(&buf, ", \"wald_test\": ");
	lk_append_double(&buf, m->wald_test);
	appendStringInfoString(&buf, ", \"concordance\": ");
	lk_append_double(&buf, m->concordance);
	appendStringInfoString(&buf, ", \"concordance_se\": ");
	lk_append_double(&buf, m->concordance_se);
	appendStringInfoString(&buf, ", \"terms\": [");
	for (int i = 0; i < p; i++)
	{
		const char *name = cox_term(m, i);

		appendStringInfoString(&buf, i > 0 ? ", {\"term\": " : "{\"term\": ");
		escape_json(&buf, name);
		appendStringInfoString(&buf, ", \"coef\": ");
		lk_append_double(&buf, COX_COEF(m)[i]);
		appendStringInfoString(&buf, ", \"std_error\": ");
		lk_append_double(&buf, sqrt(COX_COV(m)[i * p + i]));
		appendStringInfoString(&buf, ", \"mean\": ");
		lk_append_double(&buf, COX_MEANS(m)[i]);
		if (m->robust)
		{
			appendStringInfoString(&buf, ", \"robust_std_error\": ");
			lk_append_double(&buf, sqrt(COX_ROBUST_COV(m)[i * p + i]));
		}
		appendStringInfoString(&buf, ", \"ph_test_chisq\": ");
		append_test(&buf, COX_PH_TEST(m)[i]);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "], \"ph_test_global_chisq\": ");
	append_test(&buf, COX_PH_TEST(m)[p]);
	if (m->robust)
	{
		appendStringInfoString(&buf, ", \"robust_score_test\": ");
		append_test(&buf, m->robust_score_test);
	}
	appendStringInfoString(&buf, ", \"baseline_times\": ");
	appendStringInfo(&buf, "%d", m->nbaseline);
	if (m->stratified)
	{
		appendStringInfoString(&buf, ", \"strata_names\": [");
		for (int k = 0; k < m->nstrata; k++)
		{
			if (k > 0)
				appendStringInfoString(&buf, ", ");
			escape_json(&buf, cox_name(m, p + k));
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, ", \"covariance\": [");
	for (int i = 0; i < p; i++)
	{
		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		for (int j = 0; j < p; j++)
		{
			if (j > 0)
				appendStringInfoString(&buf, ", ");
			lk_append_double(&buf, COX_COV(m)[i * p + j]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "]}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}


/* ---------------------------------------------------------------------
 * coxph_fit: the aggregate's state, every row kept
 * ---------------------------------------------------------------------
 */

typedef struct CoxState
{
	LkStateHeader header;
	int32		nterms;			/* 0 until a row or the names say */
	int32		ties;
	int64		n;
	int64		capacity;
	int64		skipped;
	double	   *rows;			/* n rows of (time, event, x_1 .. x_p, cluster, weight, stratum) */
	bool		clustered;		/* the rows name clusters: a robust covariance */
	ArrayType  *names;			/* the names array as first given */
	int32		nstrata;		/* stratum names, in order of arrival; none without strata */
	int32		last_stratum;	/* the last one found: rows of one stratum come in runs */
	text	   *strata[COX_MAX_STRATA];
	MemoryContext context;
} CoxState;

/*
 * a row: time, event, the covariates, the cluster (0 without clusters),
 * the case weight (1 without weights), the stratum's number (0 without
 * strata)
 */
#define COX_ROW_WIDTH(s) ((s)->nterms + 5)
#define COX_WIDTH(p) ((p) + 5)
#define COX_MAX_CLUSTER 9007199254740992.0	/* 2^53: a double holds every cluster id to there */

static CoxState *
cox_state_new(MemoryContext context, int32 nterms, int32 ties, int64 capacity)
{
	CoxState   *s = MemoryContextAllocZero(context, sizeof(CoxState));

	s->context = context;
	s->nterms = nterms;
	s->ties = ties;
	s->capacity = Max(capacity, 64);
	s->rows = MemoryContextAllocHuge(context, sizeof(double) * COX_WIDTH(nterms) * s->capacity);
	return s;
}

static void
cox_state_reserve(CoxState *s, int64 more)
{
	if (s->n + more <= s->capacity)
		return;
	s->capacity = Max(2 * s->capacity, s->n + more);
	if ((Size) s->capacity * COX_ROW_WIDTH(s) * sizeof(double) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("coxph_fit: too many rows for one state")));
	s->rows = repalloc_huge(s->rows, sizeof(double) * COX_ROW_WIDTH(s) * s->capacity);
}

/* The number of a stratum by its name, added when new (up to COX_MAX_STRATA) */
static int32
cox_stratum_id(CoxState *s, const text *name)
{
	Size		len = VARSIZE_ANY_EXHDR(name);

	for (int32 k = 0; k < s->nstrata; k++)
	{
		int32		id = (s->last_stratum + k) % s->nstrata;
		const text *known = s->strata[id];

		if (VARSIZE_ANY_EXHDR(known) == len && memcmp(VARDATA_ANY(known), VARDATA_ANY(name), len) == 0)
			return s->last_stratum = id;
	}
	if (s->nstrata == COX_MAX_STRATA)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("coxph_fit: more than %d strata", COX_MAX_STRATA),
				 errhint("Stratify by a column of few values, such as a plan or a channel; a covariate takes many.")));
	s->strata[s->nstrata] = MemoryContextAlloc(s->context, VARHDRSZ + len);
	SET_VARSIZE(s->strata[s->nstrata], VARHDRSZ + len);
	memcpy(VARDATA(s->strata[s->nstrata]), VARDATA_ANY(name), len);
	return s->last_stratum = s->nstrata++;
}

/* The term names: a one-dimensional text array of distinct, non-empty names without NULLs */
static int
cox_check_names(ArrayType *names)
{
	Datum	   *items;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(names) != 1 || ARR_ELEMTYPE(names) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: the names are not a list of text"),
				 errhint("Name the covariates once, such as ARRAY['age', 'sex', 'plan_fee'].")));
	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	if (n < 1 || n > COX_MAX_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: %d covariates", n),
				 errhint("Fit 1 to %d covariates.", COX_MAX_TERMS)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i] || VARSIZE_ANY_EXHDR(DatumGetPointer(items[i])) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("coxph_fit: covariate name %d is NULL or empty", i + 1),
					 errhint("Name every covariate, in the order of the covariates array.")));
		for (int j = 0; j < i; j++)
			if (!nulls[j] && DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, items[i], items[j])))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("coxph_fit: covariate name \"%s\" is given twice", TextDatumGetCString(items[i])),
						 errhint("Give each covariate its own name.")));
	}
	return n;
}

/*
 * Which form was called and its ties method, read once per query (kept in
 * fn_extra): the event's declared type, and the ties text parsed again only
 * when a row gives another one.
 */
typedef struct CoxCallForm
{
	bool		dates;			/* (acquired_at, churned_at, as_of, time_unit, ...) */
	bool		event_is_integer;
	bool		stratified;		/* a stratum after the ties method */
	bool		weighted;		/* a case weight after the stratum */
	bool		clustered;		/* a cluster after the weight */
	int			covariates_arg; /* then the names, then the ties method */
	CoxTies		ties;
	text	   *ties_text;		/* a copy of the last ties argument parsed */
} CoxCallForm;

static CoxTies
cox_parse_ties(text *t)
{
	char	   *s = text_to_cstring(t);

	if (strcmp(s, "efron") == 0)
		return COX_EFRON;
	if (strcmp(s, "breslow") == 0)
		return COX_BRESLOW;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("coxph_fit: unknown ties method \"%s\"", s),
			 errhint("Use 'efron' (R's default) or 'breslow'.")));
}

static const CoxCallForm *
cox_call_form(FunctionCallInfo fcinfo)
{
	CoxCallForm *form = fcinfo->flinfo->fn_extra;

	if (form == NULL)
	{
		Oid			event_type = lk_declared_argtype(fcinfo, 2);

		form = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CoxCallForm));
		form->dates = event_type == TIMESTAMPTZOID;
		form->event_is_integer = event_type == INT4OID;
		form->covariates_arg = form->dates ? 5 : 3;
		form->stratified = PG_NARGS() > form->covariates_arg + 3;
		form->weighted = PG_NARGS() > form->covariates_arg + 4;
		form->clustered = PG_NARGS() > form->covariates_arg + 5;
		form->ties = COX_EFRON;
		fcinfo->flinfo->fn_extra = form;
	}
	if (PG_NARGS() > form->covariates_arg + 2)
	{
		int			ties_arg = form->covariates_arg + 2;
		text	   *t;

		if (PG_ARGISNULL(ties_arg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("coxph_fit: the ties method must not be NULL"),
					 errhint("Use 'efron' (R's default) or 'breslow'.")));
		t = PG_GETARG_TEXT_PP(ties_arg);
		if (form->ties_text == NULL || VARSIZE_ANY(t) != VARSIZE_ANY(form->ties_text) ||
			memcmp(t, form->ties_text, VARSIZE_ANY(t)) != 0)
		{
			form->ties = cox_parse_ties(t);
			if (form->ties_text != NULL)
				pfree(form->ties_text);
			form->ties_text = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(t));
			memcpy(form->ties_text, t, VARSIZE_ANY(t));
		}
	}
	return form;
}

/* The j-th covariate's name, for messages */
static const char *
cox_name_of(const CoxState *s, int j)
{
	Datum	   *items;
	bool	   *nulls;
	int			n;

	deconstruct_array(s->names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
	return TextDatumGetCString(items[j]);
}

/*
 * coxph_fit(duration, event boolean or integer, covariates, names [, ties]),
 * or (acquired_at, churned_at, as_of, time_unit, covariates, names [, ties])
 * with the tenure in whole units as survival_summary counts it
 */
PG_FUNCTION_INFO_V1(coxph_fit_accum);
Datum
coxph_fit_accum(PG_FUNCTION_ARGS)
{
	const char *fname = "coxph_fit";
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fname);
	CoxState   *s = PG_ARGISNULL(0) ? NULL : (CoxState *) PG_GETARG_POINTER(0);
	const CoxCallForm *form = cox_call_form(fcinfo);
	CoxTies		ties = form->ties;
	ArrayType  *names;
	ArrayType  *x;
	double	   *row;
	double		duration = 0;
	bool		event = false;
	double		weight = 1.0;
	double		cluster = 0.0;
	int32		stratum;
	int			names_arg;
	int			p;

	names_arg = form->covariates_arg + 1;
	if (PG_ARGISNULL(names_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("coxph_fit: the covariate names must not be NULL"),
				 errhint("Name the covariates once, such as ARRAY['age', 'sex', 'plan_fee'].")));
	names = PG_GETARG_ARRAYTYPE_P(names_arg);
	if (s == NULL)
	{
		p = cox_check_names(names);
		s = cox_state_new(aggcontext, p, ties, 0);
		s->names = MemoryContextAlloc(aggcontext, VARSIZE(names));
		memcpy(s->names, names, VARSIZE(names));
	}
	else if (VARSIZE(names) != VARSIZE(s->names) || memcmp(names, s->names, VARSIZE(names)) != 0 ||
			 (int32) ties != s->ties)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: the covariate names and the ties method must be the same in every row"),
				 errhint("Give the names as a constant array.")));
	p = s->nterms;
	if (form->dates)
	{
		/* no acquisition date: missing, skipped and counted; acquired after as_of: not a customer yet */
		if (PG_ARGISNULL(1) || PG_ARGISNULL(form->covariates_arg))
		{
			(void) lk_tenure_from_dates(fcinfo, 1, fname, &duration, &event);	/* its parameters' checks */
			s->skipped++;
			PG_RETURN_POINTER(s);
		}
		if (!lk_tenure_from_dates(fcinfo, 1, fname, &duration, &event))
			PG_RETURN_POINTER(s);
	}
	else
	{
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(form->covariates_arg))
		{
			s->skipped++;
			PG_RETURN_POINTER(s);
		}
		duration = PG_GETARG_FLOAT8(1);
		if (!isfinite(duration) || duration < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coxph_fit: duration %s is not a time", float8out_internal(duration)),
					 errhint("A duration is a finite number of time units, 0 or more.")));
		if (form->event_is_integer)
		{
			int32		e = PG_GETARG_INT32(2);

			if (e != 0 && e != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("coxph_fit: event %d is neither 0 nor 1", e),
						 errhint("An integer event is 1 for a churn and 0 for a customer still active (censored).")));
			event = e == 1;
		}
		else
			event = PG_GETARG_BOOL(2);
	}
	x = PG_GETARG_ARRAYTYPE_P(form->covariates_arg);
	if (ARR_NDIM(x) != 1 || ArrayGetNItems(ARR_NDIM(x), ARR_DIMS(x)) != p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: a row has %d covariates where the names are %d",
						ARR_NDIM(x) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(x), ARR_DIMS(x)), p),
				 errhint("Give every row one value per name, in the names' order.")));
	if (ARR_HASNULL(x) || (form->stratified && PG_ARGISNULL(form->covariates_arg + 3)) ||
		(form->weighted && PG_ARGISNULL(form->covariates_arg + 4)) ||
		(form->clustered && PG_ARGISNULL(form->covariates_arg + 5)))
	{
		s->skipped++;			/* R's na.omit */
		PG_RETURN_POINTER(s);
	}
	if (form->weighted)
	{
		weight = PG_GETARG_FLOAT8(form->covariates_arg + 4);
		if (!(weight > 0) || isinf(weight))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("coxph_fit: case weight %s is not positive", float8out_internal(weight)),
					 errhint("A case weight is how many customers a row stands for, above 0, as R's coxph requires.")));
	}
	stratum = form->stratified ? cox_stratum_id(s, PG_GETARG_TEXT_PP(form->covariates_arg + 3)) : 0;
	if (form->clustered)
	{
		int64		id = PG_GETARG_INT64(form->covariates_arg + 5);

		if (fabs((double) id) > COX_MAX_CLUSTER)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coxph_fit: cluster " INT64_FORMAT " is beyond 2^53", id),
					 errhint("Number the clusters (customers, accounts) from 0 or 1, as dense_rank() would.")));
		cluster = (double) id;
		s->clustered = true;
	}
	cox_state_reserve(s, 1);
	row = s->rows + COX_ROW_WIDTH(s) * s->n;
	row[0] = duration + 0.0;
	row[1] = event ? 1.0 : 0.0;
	/* one dimension, no NULLs: the data follow the short header (ARR_DATA_PTR's ?: warns in 15's header) */
	memcpy(row + 2, (char *) x + ARR_OVERHEAD_NONULLS(1), sizeof(double) * p);
	for (int j = 0; j < p; j++)
	{
		if (!isfinite(row[2 + j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coxph_fit: covariate \"%s\" is %s", cox_name_of(s, j), float8out_internal(row[2 + j])),
					 errhint("Covariates are finite numbers; leave the row out or give it a value.")));
		row[2 + j] += 0.0;		/* no -0 */
	}
	row[2 + p] = cluster;
	row[3 + p] = weight;
	row[4 + p] = stratum;
	s->n++;
	PG_RETURN_POINTER(s);
}

static LkStateHeader *
cox_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const CoxState *m = (const CoxState *) model;
	MemoryContext own = lk_state_context(context);
	CoxState   *s = cox_state_new(own, m->nterms, m->ties, m->n);

	s->names = MemoryContextAlloc(own, VARSIZE(m->names));
	memcpy(s->names, m->names, VARSIZE(m->names));
	s->header.own_context = own;
	return &s->header;
}

static void
cox_merge(LkStateHeader *into, const LkStateHeader *from)
{
	CoxState   *a = (CoxState *) into;
	const CoxState *b = (const CoxState *) from;
	int32		remap[COX_MAX_STRATA];
	int			width = COX_ROW_WIDTH(a);

	if (a->nterms != b->nterms || a->ties != b->ties || VARSIZE(a->names) != VARSIZE(b->names) ||
		memcmp(a->names, b->names, VARSIZE(a->names)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: the covariate names and the ties method must be the same in every row"),
				 errhint("Give the names as a constant array.")));
	for (int32 k = 0; k < b->nstrata; k++)
		remap[k] = cox_stratum_id(a, b->strata[k]);
	cox_state_reserve(a, b->n);
	memcpy(a->rows + width * a->n, b->rows, sizeof(double) * width * b->n);
	if (b->nstrata > 0)
		for (int64 i = a->n; i < a->n + b->n; i++)
			a->rows[width * i + width - 1] = remap[(int32) a->rows[width * i + width - 1]];
	a->n += b->n;
	a->clustered = a->clustered || b->clustered;
	lk_add_count(&a->skipped, b->skipped, "coxph_combine");
}

static int64
cox_size(const LkStateHeader *header)
{
	return ((const CoxState *) header)->n;
}

static const LkStateOps cox_ops = {
	.combine_name = "coxph_combine",
	.empty_like = cox_empty_like,
	.merge = cox_merge,
	.size = cox_size,
};

PG_FUNCTION_INFO_V1(coxph_combine);
Datum
coxph_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &cox_ops);
}

#define COX_SERIAL_FORMAT 1

PG_FUNCTION_INFO_V1(coxph_serialize);
Datum
coxph_serialize(PG_FUNCTION_ARGS)
{
	const CoxState *s = (const CoxState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	Size		strata_bytes = 0;

	lk_require_agg_context(fcinfo, "coxph_serialize");
	lk_serial_begin(&buf, COX_SERIAL_FORMAT);
	for (int32 k = 0; k < s->nstrata; k++)
		strata_bytes += 4 + VARSIZE_ANY_EXHDR(s->strata[k]);
	lk_serial_room(&buf, sizeof(double) * COX_ROW_WIDTH(s) * (Size) s->n + VARSIZE(s->names) + strata_bytes + 36, "coxph_fit",
				   "Run the query without parallel workers (SET max_parallel_workers_per_gather = 0).");
	pq_sendint32(&buf, s->nterms);
	pq_sendint32(&buf, s->ties | (s->clustered ? 2 : 0));
	pq_sendint64(&buf, s->skipped);
	pq_sendint32(&buf, VARSIZE(s->names));
	pq_sendbytes(&buf, (const char *) s->names, VARSIZE(s->names));
	pq_sendint32(&buf, s->nstrata);
	for (int32 k = 0; k < s->nstrata; k++)
	{
		pq_sendint32(&buf, VARSIZE_ANY_EXHDR(s->strata[k]));
		pq_sendbytes(&buf, VARDATA_ANY(s->strata[k]), VARSIZE_ANY_EXHDR(s->strata[k]));
	}
	pq_sendint32(&buf, (int32) s->n);
	for (int64 i = 0; i < COX_ROW_WIDTH(s) * s->n; i++)
		pq_sendfloat8(&buf, s->rows[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(coxph_deserialize);
Datum
coxph_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "coxph_deserialize";
	StringInfoData buf;
	MemoryContext own;
	CoxState   *s;
	int32		nterms,
				ties,
				names_size,
				nstrata,
				n;
	int64		skipped;
	bool		clustered;
	ArrayType  *names;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, COX_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 20)
		lk_serial_error(fname, "It ends inside the header.");
	nterms = pq_getmsgint(&buf, 4);
	ties = pq_getmsgint(&buf, 4);
	clustered = (ties & 2) != 0;
	ties &= ~2;
	skipped = pq_getmsgint64(&buf);
	names_size = pq_getmsgint(&buf, 4);
	if (nterms < 1 || nterms > COX_MAX_TERMS || ties < COX_EFRON || ties > COX_BRESLOW || skipped < 0 ||
		names_size < (int32) ARR_OVERHEAD_NONULLS(1) || names_size > buf.len - buf.cursor)
		lk_serial_error(fname, "Its header is out of range.");
	names = palloc(names_size);
	lk_serial_copy(&buf, names, names_size, fname);
	if (VARSIZE(names) != (Size) names_size || ARR_NDIM(names) != 1 || ARR_ELEMTYPE(names) != TEXTOID ||
		cox_check_names(names) != nterms)
		lk_serial_error(fname, "Its names do not match its terms.");
	own = lk_state_context(CurrentMemoryContext);
	s = cox_state_new(own, nterms, ties, 0);
	if (buf.len - buf.cursor < 4)
		lk_serial_error(fname, "It ends before its strata.");
	nstrata = pq_getmsgint(&buf, 4);
	if (nstrata < 0 || nstrata > COX_MAX_STRATA)
		lk_serial_error(fname, "Its number of strata is out of range.");
	for (int32 k = 0; k < nstrata; k++)
	{
		int32		len;
		text	   *name;

		if (buf.len - buf.cursor < 4)
			lk_serial_error(fname, "It ends inside its strata.");
		len = pq_getmsgint(&buf, 4);
		if (len < 0 || len > buf.len - buf.cursor)
			lk_serial_error(fname, "A stratum's name runs past the end.");
		name = palloc(VARHDRSZ + len);
		SET_VARSIZE(name, VARHDRSZ + len);
		lk_serial_copy(&buf, VARDATA(name), len, fname);
		if (cox_stratum_id(s, name) != k)
			lk_serial_error(fname, "A stratum is named twice.");
	}
	n = lk_serial_count(&buf, 8 * COX_WIDTH(nterms), fname);
	cox_state_reserve(s, n);
	s->header.own_context = own;
	s->header.adoptable = true;
	s->skipped = skipped;
	s->clustered = clustered;
	s->names = MemoryContextAlloc(own, names_size);
	memcpy(s->names, names, names_size);
	for (int64 i = 0; i < (int64) COX_WIDTH(nterms) * n; i++)
	{
		int64		col = i % COX_WIDTH(nterms);

		s->rows[i] = pq_getmsgfloat8(&buf) + 0.0;
		if (!isfinite(s->rows[i]) || (col == 0 && s->rows[i] < 0) ||
			(col == 1 && s->rows[i] != 0 && s->rows[i] != 1) ||
			(col == nterms + 2 && !(fabs(s->rows[i]) <= COX_MAX_CLUSTER && s->rows[i] == floor(s->rows[i]))) ||
			(col == nterms + 3 && !(s->rows[i] > 0)) ||
			(col == nterms + 4 && (s->rows[i] < 0 || s->rows[i] >= Max(nstrata, 1) || s->rows[i] != floor(s->rows[i]))))
			lk_serial_error(fname, "A row is not a duration, an event, finite covariates, a cluster, a weight and a stratum.");
	}
	s->n = n;
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(s);
}


/* ---------------------------------------------------------------------
 * The fit
 * ---------------------------------------------------------------------
 */

/*
 * The sorts, by radix: keys of 16 bytes, sorted by key (and, where asked,
 * first by aux, a less significant key), least significant 11-bit digit
 * first, so equal keys keep their order; every digit's counts come from
 * one read, and a digit all keys share is skipped, as the low bits of day
 * counts are.  A comparison sort spent most of its time in the heavy ties
 * of whole-day times; this is about six times faster on a million rows.
 */
typedef struct CoxRadixKey
{
	uint64		key;
	uint32		aux;			/* a key less significant than key, or data along */
	uint32		row;			/* where the key came from */
} CoxRadixKey;

/* 11-bit digits: 2,048 places to scatter to stay in cache, where 65,536 did not */
#define COX_RADIX_BITS 11
#define COX_RADIX_BUCKETS (1 << COX_RADIX_BITS)
#define COX_AUX_DIGITS ((32 + COX_RADIX_BITS - 1) / COX_RADIX_BITS)
#define COX_KEY_DIGITS ((64 + COX_RADIX_BITS - 1) / COX_RADIX_BITS)

#define COX_DIGIT(v, d) ((int) (((v) >> (COX_RADIX_BITS * (d))) & (COX_RADIX_BUCKETS - 1)))

/* keys sorted, into keys or spare, which is returned */
static CoxRadixKey *
cox_radix_sort(CoxRadixKey *keys, CoxRadixKey *spare, int64 n, bool by_aux)
{
	const int	digits = COX_AUX_DIGITS + COX_KEY_DIGITS;
	int64	   *count = palloc0(sizeof(int64) * digits * COX_RADIX_BUCKETS);

	/* digits 0 .. COX_AUX_DIGITS - 1 are aux's, the others key's */
	for (int64 i = 0; i < n; i++)
	{
		if (by_aux)
			for (int d = 0; d < COX_AUX_DIGITS; d++)
				count[d * COX_RADIX_BUCKETS + COX_DIGIT(keys[i].aux, d)]++;
		for (int d = 0; d < COX_KEY_DIGITS; d++)
			count[(COX_AUX_DIGITS + d) * COX_RADIX_BUCKETS + COX_DIGIT(keys[i].key, d)]++;
	}
	for (int d = by_aux ? 0 : COX_AUX_DIGITS; d < digits; d++)
	{
		int64	   *at = count + d * COX_RADIX_BUCKETS;
		bool		aux = d < COX_AUX_DIGITS;
		int			digit = aux ? d : d - COX_AUX_DIGITS;
		int64		sum = 0;
		CoxRadixKey *swap;

		CHECK_FOR_INTERRUPTS();
		if (at[aux ? COX_DIGIT(keys[0].aux, digit) : COX_DIGIT(keys[0].key, digit)] == n)
			continue;			/* one digit for all: nothing moves */
		for (int b = 0; b < COX_RADIX_BUCKETS; b++)
		{
			int64		c = at[b];

			at[b] = sum;
			sum += c;
		}
		if (aux)
			for (int64 i = 0; i < n; i++)
				spare[at[COX_DIGIT(keys[i].aux, digit)]++] = keys[i];
		else
			for (int64 i = 0; i < n; i++)
				spare[at[COX_DIGIT(keys[i].key, digit)]++] = keys[i];
		swap = keys;
		keys = spare;
		spare = swap;
	}
	pfree(count);
	return keys;
}

/*
 * The rows' canonical order, so that every plan sums them alike: by
 * stratum (its name's rank), time (a double of 0 or more sorts as its
 * bits), then a hash of the rest (event and covariates), then the rest
 * itself where two hashes meet
 */
#define COX_PREFETCH_AHEAD 16
static const double *cox_sorting_rows;
static int	cox_sorting_width;

/* rows of one (stratum, time, hash): by the rest itself, so a collision still orders them alike */
static int
cox_key_cmp(const void *a, const void *b)
{
	const double *x = cox_sorting_rows + (Size) cox_sorting_width * ((const CoxRadixKey *) a)->row;
	const double *y = cox_sorting_rows + (Size) cox_sorting_width * ((const CoxRadixKey *) b)->row;

	for (int i = 1; i < cox_sorting_width; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* strata by name, bytes then length, so every plan numbers them alike */
static const CoxState *cox_sorting_state;

static int
cox_stratum_cmp(const void *a, const void *b)
{
	const text *x = cox_sorting_state->strata[*(const int32 *) a];
	const text *y = cox_sorting_state->strata[*(const int32 *) b];
	Size		lx = VARSIZE_ANY_EXHDR(x),
				ly = VARSIZE_ANY_EXHDR(y);
	int			c = memcmp(VARDATA_ANY(x), VARDATA_ANY(y), Min(lx, ly));

	return c != 0 ? c : (lx > ly) - (lx < ly);
}

/*
 * The state's rows in the canonical order, in a new array whose stratum
 * column holds the stratum's rank; order gets the strata by rank.  keys
 * and spare: room for s->n keys each, which the caller may use after.
 */
static double *
cox_sorted_rows(const CoxState *s, int32 *order, CoxRadixKey *keys, CoxRadixKey *spare)
{
	int32		rank_of[COX_MAX_STRATA];
	int			width = COX_ROW_WIDTH(s);
	CoxRadixKey *sorted;
	double	   *out;

#define COX_RANK(k) (s->nstrata > 0 ? rank_of[(int32) s->rows[(Size) width * (k).row + width - 1]] : 0)
	for (int32 k = 0; k < s->nstrata; k++)
		order[k] = k;
	cox_sorting_state = s;
	qsort(order, s->nstrata, sizeof(int32), cox_stratum_cmp);
	for (int32 k = 0; k < s->nstrata; k++)
		rank_of[order[k]] = k;
	for (int64 i = 0; i < s->n; i++)
	{
		const double *row = s->rows + width * i;

		memcpy(&keys[i].key, &row[0], sizeof(uint64));	/* never -0: rows hold + 0.0 */
		keys[i].aux = hash_bytes((const unsigned char *) (row + 1), sizeof(double) * (width - 2));
		keys[i].row = (uint32) i;
	}
	sorted = cox_radix_sort(keys, spare, s->n, true);
	if (s->nstrata > 1)
	{
		/* then by stratum, a stable counting sort */
		CoxRadixKey *into = sorted == keys ? spare : keys;
		int64		at[COX_MAX_STRATA + 1] = {0};

		for (int64 i = 0; i < s->n; i++)
			at[COX_RANK(sorted[i]) + 1]++;
		for (int32 k = 1; k <= s->nstrata; k++)
			at[k] += at[k - 1];
		for (int64 i = 0; i < s->n; i++)
			into[at[COX_RANK(sorted[i])]++] = sorted[i];
		sorted = into;
	}
	/* a run of one (stratum, time, hash): two equal rows, or a collision, which the rows themselves order */
	cox_sorting_rows = s->rows;
	cox_sorting_width = width;
	for (int64 i = 0, j; i < s->n; i = j)
	{
		for (j = i + 1; j < s->n && sorted[j].key == sorted[i].key && sorted[j].aux == sorted[i].aux &&
			 COX_RANK(sorted[j]) == COX_RANK(sorted[i]); j++)
			;
		if (j - i > 1)
			qsort(sorted + i, j - i, sizeof(CoxRadixKey), cox_key_cmp);
	}
	out = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * width * s->n);
	for (int64 i = 0; i < s->n; i++)
	{
		/* the rows are read at random: ask for a later one's while this one is copied */
		if (i + COX_PREFETCH_AHEAD < s->n)
		{
			const double *ahead = s->rows + (Size) width * sorted[i + COX_PREFETCH_AHEAD].row;

			lk_prefetch(ahead);
			lk_prefetch(ahead + width - 1);
		}
		memcpy(out + width * i, s->rows + (Size) width * sorted[i].row, sizeof(double) * width);
		out[width * i + width - 1] = COX_RANK(sorted[i]);
	}
#undef COX_RANK
	return out;
}

/* log L, U and I at beta over rows sorted by time (ascending), covariates centred */
typedef struct CoxWork
{
	int			p;
	int64		n;
	CoxTies		ties;
	const double *rows;			/* n x (p + 3) */
	double	   *eta;			/* n: x' beta at the beta evaluated last, which the fit then reads */
	double	   *s1,
			   *s2,
			   *d1,
			   *d2,
			   *mean,
			   *du,
			   *di,
			   *c1,
			   *c2;				/* scratch: p, p * p, p, p * p, p, p, p * p, p, p * p */
	/*
	 * The proportional-hazards test (R's cox.zph) where ph_g is set: g(t)
	 * of each event time's block, in the order the evaluation meets them
	 * (from the last); the score of the g(t) x terms and their information
	 * against x and against themselves, at the beta evaluated last
	 */
	const double *ph_g;
	double	   *ph_u,
			   *ph_i12,
			   *ph_i22;			/* p, p * p, p * p */
} CoxWork;

static double
cox_evaluate(CoxWork *w, const double *beta, double *restrict u, double *restrict imat)
{
	const int	p = w->p;
	const int	width = COX_WIDTH(p);
	const double *restrict rows = w->rows;
	double	   *restrict eta = w->eta;
	double	   *restrict s1 = w->s1;
	double	   *restrict s2 = w->s2;
	double	   *restrict d1 = w->d1;
	double	   *restrict d2 = w->d2;
	double	   *restrict mean = w->mean;
	double	   *restrict du = w->du;
	double	   *restrict di = w->di;
	double	   *restrict c1 = w->c1;
	double	   *restrict c2 = w->c2;
	double		loglik = 0.0;
	double		s0 = 0.0;
	int64		i = w->n - 1;
	int64		event_block = 0;

	memset(u, 0, sizeof(double) * p);
	memset(imat, 0, sizeof(double) * p * p);
	if (w->ph_g)
	{
		memset(w->ph_u, 0, sizeof(double) * p);
		memset(w->ph_i12, 0, sizeof(double) * p * p);
		memset(w->ph_i22, 0, sizeof(double) * p * p);
	}
	memset(s1, 0, sizeof(double) * p);
	memset(s2, 0, sizeof(double) * p * p);
	/*
	 * From the last time back: the risk set grows by each time's rows,
	 * events and censored alike; a stratum starts its own (rows come by
	 * stratum, then time).
	 */
	while (i >= 0)
	{
		double		t = rows[width * i];
		double		stratum = rows[width * i + width - 1];
		double		c0 = 0.0;
		double		d0 = 0.0;
		double		eta_sum = 0.0;
		double		deadwt = 0.0;
		int			deaths = 0;

		if (i == w->n - 1 || stratum != rows[width * (i + 1) + width - 1])
		{
			s0 = 0.0;
			memset(s1, 0, sizeof(double) * p);
			memset(s2, 0, sizeof(double) * p * p);
		}
		memset(c1, 0, sizeof(double) * p);
		memset(c2, 0, sizeof(double) * p * p);
		memset(d1, 0, sizeof(double) * p);
		memset(d2, 0, sizeof(double) * p * p);
		memset(du, 0, sizeof(double) * p);
		/* this time's rows: the churners' sums (d) and the others' (c), each row in one */
		for (; i >= 0 && rows[width * i] == t && rows[width * i + width - 1] == stratum; i--)
		{
			const double *restrict x = rows + width * i + 2;
			double		wt = rows[width * i + width - 2];
			double		e = 0.0;
			double		r;
			double	   *sum1,
					   *sum2;

			/* x' beta as the row is met: one read of the rows per evaluation */
			for (int j = 0; j < p; j++)
				e += beta[j] * x[j];
			eta[i] = e;
			r = wt * exp(e);
			if (rows[width * i + 1] != 0)
			{
				deaths++;
				deadwt += wt;
				d0 += r;
				eta_sum += wt * e;
				for (int a = 0; a < p; a++)
					du[a] += wt * x[a];
				sum1 = d1;
				sum2 = d2;
			}
			else
			{
				c0 += r;
				sum1 = c1;
				sum2 = c2;
			}
			for (int a = 0; a < p; a++)
			{
				double		rx = r * x[a];

				sum1[a] += rx;
				for (int b = 0; b <= a; b++)
					sum2[a * p + b] += rx * x[b];
			}
		}
		/* the risk set grows by this time's rows */
		s0 += c0 + d0;
		for (int a = 0; a < p; a++)
		{
			s1[a] += c1[a] + d1[a];
			for (int b = 0; b <= a; b++)
				s2[a * p + b] += c2[a * p + b] + d2[a * p + b];
		}
		if (deaths == 0)
			continue;
		loglik += eta_sum;
		/* this time's terms of U and I (its lower triangle), in du and di */
		if (w->ties == COX_BRESLOW || deaths == 1)
		{
			for (int a = 0; a < p; a++)
				mean[a] = s1[a] / s0;
			loglik -= deadwt * log(s0);
			for (int a = 0; a < p; a++)
			{
				du[a] -= deadwt * mean[a];
				for (int b = 0; b <= a; b++)
					di[a * p + b] = deadwt * (s2[a * p + b] / s0 - mean[a] * mean[b]);
			}
		}
		else
		{
			/*
			 * each of the d steps r weighs the churners' mean weight (1
			 * without weights), with den_r = S0 - f_r D0, f_r = r / d, and
			 * xbar_r = (S1 - f_r D1) / den_r.  Every sum over the steps is a
			 * scalar sum times a vector or matrix known for the time:
			 * sum xbar_r = S1 sum 1/den - D1 sum f/den, sum xbar_r xbar_r' =
			 * S1 S1' sum 1/den^2 - (S1 D1' + D1 S1') sum f/den^2 + D1 D1' sum
			 * f^2/den^2, sum (S2 - f_r D2) / den_r = S2 sum 1/den - D2 sum
			 * f/den; and sum log den_r is the log of their product, kept
			 * as a mantissa and a power of 2.  So a churner costs a
			 * division, not p^2 of them.
			 */
			double		wtave = deadwt / deaths;
			double		inv_sum = 0.0,
						f_inv_sum = 0.0,
						inv2_sum = 0.0,
						f_inv2_sum = 0.0,
						ff_inv2_sum = 0.0,
						den_product = 1.0,
						log_den_sum = 0.0;
			int			den_exponent = 0;

			for (int r = 0; r < deaths; r++)
			{
				double		f = (double) r / deaths;
				double		den = s0 - f * d0;
				double		inv = 1.0 / den;
				int			e;

				inv_sum += inv;
				f_inv_sum += f * inv;
				inv2_sum += inv * inv;
				f_inv2_sum += f * inv * inv;
				ff_inv2_sum += f * f * inv * inv;
				den_product *= frexp(den, &e);	/* a mantissa in [0.5, 1) */
				den_exponent += e;
				if ((r & 255) == 255)
				{
					/* 256 mantissas multiply to 2^-256 at the least: no underflow */
					log_den_sum += log(den_product);
					den_product = 1.0;
				}
			}
			log_den_sum += log(den_product) + den_exponent * M_LN2;
			loglik -= wtave * log_den_sum;
			for (int a = 0; a < p; a++)
			{
				du[a] -= wtave * (s1[a] * inv_sum - d1[a] * f_inv_sum);
				for (int b = 0; b <= a; b++)
				{
					double		mean_products = s1[a] * s1[b] * inv2_sum
						- (s1[a] * d1[b] + d1[a] * s1[b]) * f_inv2_sum + d1[a] * d1[b] * ff_inv2_sum;

					di[a * p + b] = wtave * (s2[a * p + b] * inv_sum - d2[a * p + b] * f_inv_sum - mean_products);
				}
			}
		}
		for (int a = 0; a < p; a++)
		{
			u[a] += du[a];
			for (int b = 0; b <= a; b++)
				imat[a * p + b] += di[a * p + b];
		}
		if (w->ph_g)
		{
			double		g = w->ph_g[event_block];

			for (int a = 0; a < p; a++)
			{
				w->ph_u[a] += g * du[a];
				for (int b = 0; b <= a; b++)
				{
					w->ph_i12[a * p + b] += g * di[a * p + b];
					w->ph_i22[a * p + b] += g * g * di[a * p + b];
				}
			}
		}
		event_block++;
	}
	for (int a = 0; a < p; a++)
		for (int b = 0; b < a; b++)
			imat[b * p + a] = imat[a * p + b];
	return loglik;
}

/* Cholesky of the p x p matrix a in place (lower); false where it is not positive definite */
static bool
cox_cholesky(double *a, int p)
{
	double		largest = 0.0;

	for (int i = 0; i < p; i++)
		largest = Max(largest, fabs(a[i * p + i]));
	for (int j = 0; j < p; j++)
	{
		double		d = a[j * p + j];

		for (int k = 0; k < j; k++)
			d -= a[j * p + k] * a[j * p + k];
		/* R's toler.chol, eps^0.75 of the largest diagonal */
		if (!(d > 1.8189894035458617e-12 * largest))
			return false;
		d = sqrt(d);
		a[j * p + j] = d;
		for (int i = j + 1; i < p; i++)
		{
			double		v = a[i * p + j];

			for (int k = 0; k < j; k++)
				v -= a[i * p + k] * a[j * p + k];
			a[i * p + j] = v / d;
		}
	}
	return true;
}

/* Solves L L' x = b in place with the factor from cox_cholesky */
static void
cox_solve(const double *l, int p, double *b)
{
	for (int i = 0; i < p; i++)
	{
		double		v = b[i];

		for (int k = 0; k < i; k++)
			v -= l[i * p + k] * b[k];
		b[i] = v / l[i * p + i];
	}
	for (int i = p - 1; i >= 0; i--)
	{
		double		v = b[i];

		for (int k = i + 1; k < p; k++)
			v -= l[k * p + i] * b[k];
		b[i] = v / l[i * p + i];
	}
}


/*
 * The proportional-hazards test (Grambsch and Therneau 1994; R's cox.zph,
 * transform "km"): a score test, at the fitted beta, of the terms g(t) x_j
 * added to the model, with g(t) = 1 - S(t-), the Kaplan-Meier of all rows
 * (unweighted, strata pooled) just before t, centred at its mean over the
 * churners.  Here g for each block of churners at one time, in the order
 * cox_evaluate meets them (from the last row back).
 */
typedef struct CoxTimeCount
{
	double		time;
	double		rows;
	double		events;
	double		km_before;		/* 1 - S(t-) */
} CoxTimeCount;

static int
cox_time_cmp(const void *a, const void *b)
{
	double		x = ((const CoxTimeCount *) a)->time;
	double		y = ((const CoxTimeCount *) b)->time;

	return (x > y) - (x < y);
}

static double *
cox_ph_weights(const double *rows, int width, int64 n)
{
	CoxTimeCount *blocks = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(CoxTimeCount) * n);
	double	   *g;
	int64		nblocks = 0,
				ntimes = 0,
				nevent_blocks = 0;
	double		at_risk = n,
				before = 1.0,
				events = 0.0,
				mean = 0.0;

	for (int64 i = n - 1; i >= 0; nblocks++)
	{
		double		t = rows[width * i];
		double		stratum = rows[width * i + width - 1];

		blocks[nblocks] = (CoxTimeCount) {t, 0, 0, 0};
		for (; i >= 0 && rows[width * i] == t && rows[width * i + width - 1] == stratum; i--)
		{
			blocks[nblocks].rows++;
			blocks[nblocks].events += rows[width * i + 1];
		}
		nevent_blocks += blocks[nblocks].events > 0;
	}
	g = palloc(sizeof(double) * Max(nevent_blocks, 1));
	for (int64 k = 0, e = 0; k < nblocks; k++)
		if (blocks[k].events > 0)
			g[e++] = blocks[k].time;
	/* the Kaplan-Meier over the distinct times, strata pooled: g(t) = 1 - S(t-) */
	qsort(blocks, nblocks, sizeof(CoxTimeCount), cox_time_cmp);
	for (int64 k = 0; k < nblocks; k++)
	{
		if (ntimes > 0 && blocks[ntimes - 1].time == blocks[k].time)
		{
			blocks[ntimes - 1].rows += blocks[k].rows;
			blocks[ntimes - 1].events += blocks[k].events;
		}
		else
			blocks[ntimes++] = blocks[k];
	}
	for (int64 k = 0; k < ntimes; k++)
	{
		double		d = blocks[k].events;

		blocks[k].km_before = 1.0 - before;
		events += d;
		mean += d * blocks[k].km_before;
		before *= 1.0 - d / at_risk;
		at_risk -= blocks[k].rows;
	}
	mean /= events;
	/* each churners' block's time, found among the distinct ones */
	for (int64 e = 0; e < nevent_blocks; e++)
	{
		int64		lo = 0,
					hi = ntimes - 1;

		while (lo < hi)
		{
			int64		mid = (lo + hi) / 2;

			if (blocks[mid].time < g[e])
				lo = mid + 1;
			else
				hi = mid;
		}
		g[e] = blocks[lo].km_before - mean;
	}
	pfree(blocks);
	return g;
}

/*
 * u' M^-1 u for the terms x (information imat) and the g(t) x_j of those
 * in pick (count of them): u is 0 on x and ph_u on the added terms, M the
 * information of both at the fit; COX_NO_TEST where M is singular (a
 * single event time: g is 0)
 */
static double
cox_ph_chisq(const CoxWork *w, const double *imat, const int *pick, int count)
{
	int			p = w->p;
	int			q = p + count;
	double	   *mat = palloc(sizeof(double) * q * q);
	double	   *v = palloc0(sizeof(double) * q);
	double		chisq = 0.0;

#define COX_LOWER(a, i, j) ((i) >= (j) ? (a)[(i) * p + (j)] : (a)[(j) * p + (i)])
	for (int i = 0; i < q; i++)
		for (int j = 0; j < q; j++)
		{
			int			a = i < p ? i : pick[i - p];
			int			b = j < p ? j : pick[j - p];

			mat[i * q + j] = i < p && j < p ? imat[i * p + j]
				: i >= p && j >= p ? COX_LOWER(w->ph_i22, a, b) : COX_LOWER(w->ph_i12, a, b);
		}
#undef COX_LOWER
	for (int k = 0; k < count; k++)
		v[p + k] = w->ph_u[pick[k]];
	if (!cox_cholesky(mat, q))
		return COX_NO_TEST;
	cox_solve(mat, q, v);
	for (int k = 0; k < count; k++)
		chisq += w->ph_u[pick[k]] * v[p + k];
	pfree(mat);
	pfree(v);
	return Max(chisq, 0.0);
}

/*
 * Harrell's concordance of the linear predictor, as R's coxph reports it:
 * over the pairs where one customer churned before the other left the
 * data (a later time, or the same time censored), the share where the
 * earlier churner had the higher risk, a tie in risk counting one half;
 * two churns at one time are not compared; a pair weighs the product of
 * its case weights.  Its standard error is R's infinitesimal jackknife:
 * the root of the sum over customers of (w (dN - C dD) / D)^2, dN and dD
 * a customer's share of the concordant (ties half) and of all pairs.  A sweep in increasing risk
 * with a Fenwick tree over the distinct times (a few hundred, in cache):
 * each churner counts the comparable customers of lower risk met so far,
 * then those of equal risk once its group of equal risk is in.  The risk
 * order comes from a radix sort of the risks' bits.
 */


/*
 * Customers comparable with a churner at time block b: the later blocks of
 * its stratum (up to block last), and this block's censored
 */
static inline double
cox_comparable(const double *tree, int64 nblocks, const double *censored, int64 b, int64 last)
{
	double		later = 0;

	/* the tree (weights) is indexed from the last block: blocks after b are the first nblocks - 1 - b */
	for (int64 q = nblocks - 1 - b; q > 0; q -= q & -q)
		later += tree[q];
	for (int64 q = nblocks - 1 - last; q > 0; q -= q & -q)
		later -= tree[q];
	return later + censored[b];
}

static int	cox_cluster_width;
static const double *cox_cluster_rows;

static int
cox_cluster_cmp(const void *a, const void *b)
{
	double		x = cox_cluster_rows[cox_cluster_width * *(const int64 *) a + cox_cluster_width - 3];
	double		y = cox_cluster_rows[cox_cluster_width * *(const int64 *) b + cox_cluster_width - 3];

	if (x != y)
		return x < y ? -1 : 1;
	/* within a cluster, the canonical row order, so every plan sums alike */
	return (*(const int64 *) a > *(const int64 *) b) - (*(const int64 *) a < *(const int64 *) b);
}

/* the weights of the first b blocks in a tree indexed from the first */
static inline double
cox_prefix(const double *tree, int64 b)
{
	double		sum = 0;

	for (int64 q = b; q > 0; q -= q & -q)
		sum += tree[q];
	return sum;
}

/* keys and spare: room for n keys each */
static double
cox_concordance(const double *rows, int width, int64 n, const double *eta, bool clustered,
				CoxRadixKey *keys, CoxRadixKey *spare, double *std_error)
{
	CoxRadixKey *sorted;
	/* per customer in risk order: dN from each side of its pairs, dD as the churner */
	double	   *dn = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * n);
	double	   *dn2 = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * n);
	double	   *dd = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * n);
	double	   *wt = NULL;		/* case weights in risk order, where any is not 1 */
	double	   *tree,
			   *censored,
			   *events_in,
			   *rows_in;
	int64	   *last_of;
	int64		nblocks = 0;
	bool		weighted = false;
	double		below = 0,
				tied = 0,
				comparable = 0,
				later = 0;

	for (int64 k = 0; k < n; k++)
	{
		double		e = eta[k] + 0.0;	/* no -0 */
		uint64		bits;

		if (k == 0 || rows[width * k] != rows[width * (k - 1)] ||
			rows[width * k + width - 1] != rows[width * (k - 1) + width - 1])
			nblocks++;
		memcpy(&bits, &e, sizeof(bits));
		keys[k].key = (bits >> 63) ? ~bits : bits | (UINT64CONST(1) << 63);
		keys[k].aux = (uint32) ((nblocks - 1) << 1) | (rows[width * k + 1] != 0);	/* block << 1 | churn */
		keys[k].row = (uint32) k;
		weighted |= rows[width * k + width - 2] != 1.0;
	}
	sorted = cox_radix_sort(keys, spare, n, false);
	if (weighted)
	{
		wt = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * n);
		for (int64 k = 0; k < n; k++)
			wt[k] = rows[width * sorted[k].row + width - 2];
	}
#define COX_WT(k) (wt ? wt[k] : 1.0)
#define COX_BLOCK(k) ((int64) (sorted[k].aux >> 1))
#define COX_CHURN(k) (sorted[k].aux & 1)
	tree = palloc0(sizeof(double) * (nblocks + 1));
	censored = palloc0(sizeof(double) * nblocks);
	/* each block's stratum's last block */
	last_of = palloc(sizeof(int64) * nblocks);
	for (int64 k = n - 1, last = nblocks - 1, b = nblocks - 1; k >= 0; k--)
	{
		if (k < n - 1 && (rows[width * k] != rows[width * (k + 1)] ||
						  rows[width * k + width - 1] != rows[width * (k + 1) + width - 1]))
			b--;
		if (k == n - 1 || rows[width * k + width - 1] != rows[width * (k + 1) + width - 1])
			last = b;
		last_of[b] = last;
	}
	for (int64 i = 0, j; i < n; i = j)
	{
		for (j = i + 1; j < n && sorted[j].key == sorted[i].key; j++)
			;
		/* churners of this risk against the lower risks met so far */
		for (int64 k = i; k < j; k++)
			if (COX_CHURN(k))
			{
				double		lower = cox_comparable(tree, nblocks, censored, COX_BLOCK(k), last_of[COX_BLOCK(k)]);

				below += COX_WT(k) * lower;
				dn[k] = lower;
			}
			else
				dn[k] = 0;
		for (int64 k = i; k < j; k++)
		{
			int64		b = COX_BLOCK(k);

			for (int64 q = nblocks - b; q <= nblocks; q += q & -q)
				tree[q] += COX_WT(k);
			if (!COX_CHURN(k))
				censored[b] += COX_WT(k);
		}
		/* and against the equal risks, now in */
		for (int64 k = i; k < j; k++)
			if (COX_CHURN(k))
			{
				double		upto = cox_comparable(tree, nblocks, censored, COX_BLOCK(k), last_of[COX_BLOCK(k)]);

				tied += COX_WT(k) * upto;
				/* as the earlier churner: the lower risks, and half the equal ones */
				dn[k] = (dn[k] + upto) / 2;
			}
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	tied -= below;
	/* every churner's comparable customers, block by block from the last */
	events_in = palloc0(sizeof(double) * nblocks);
	rows_in = palloc0(sizeof(double) * nblocks);
	for (int64 k = 0; k < n; k++)
	{
		rows_in[COX_BLOCK(k)] += COX_WT(k);
		if (COX_CHURN(k))
			events_in[COX_BLOCK(k)] += COX_WT(k);
	}
	for (int64 b = nblocks - 1; b >= 0; b--)
	{
		if (last_of[b] == b)
			later = 0;			/* a stratum's last block: nothing later in it */
		comparable += events_in[b] * (later + censored[b]);
		later += rows_in[b];
	}
	/* a churner's comparable customers, with the complete tree */
	for (int64 k = 0; k < n; k++)
		dd[k] = COX_CHURN(k) ? cox_comparable(tree, nblocks, censored, COX_BLOCK(k), last_of[COX_BLOCK(k)]) : 0;

	/*
	 * The other side of each pair, for the standard error: a sweep in
	 * decreasing risk over a tree of the churners' weights by block, in
	 * time order.  A customer is the later one of a pair with each churner
	 * of its stratum at an earlier time, or at its own time when censored.
	 */
	{
		double	   *etree = palloc0(sizeof(double) * (nblocks + 1));
		double	   *eat = palloc0(sizeof(double) * nblocks);
		int64	   *first_of = palloc(sizeof(int64) * nblocks);
		double		c = (comparable == 0) ? 0.5 : (below + tied / 2) / comparable;
		double		var = 0.0;

		for (int64 b = 0, first = 0; b < nblocks; b++)
		{
			if (b > 0 && last_of[b] != last_of[b - 1])
				first = b;		/* a new stratum */
			first_of[b] = first;
		}
#define COX_EARLIER(k) (cox_prefix(etree, COX_BLOCK(k)) - cox_prefix(etree, first_of[COX_BLOCK(k)]) + \
						(COX_CHURN(k) ? 0 : eat[COX_BLOCK(k)]))
		for (int64 i = n, j; i > 0; i = j)
		{
			for (j = i - 1; j > 0 && sorted[j - 1].key == sorted[i - 1].key; j--)
				;
			/* sorted[j .. i - 1]: one risk; against the churners of higher risk met so far */
			for (int64 k = j; k < i; k++)
				dn2[k] = COX_EARLIER(k);
			for (int64 k = j; k < i; k++)
				if (COX_CHURN(k))
				{
					int64		b = COX_BLOCK(k);

					for (int64 q = b + 1; q <= nblocks; q += q & -q)
						etree[q] += COX_WT(k);
					eat[b] += COX_WT(k);
				}
			for (int64 k = j; k < i; k++)
				dn2[k] = (dn2[k] + COX_EARLIER(k)) / 2;
			if ((i & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
		}

		/*
		 * each customer's influence on C (infinitesimal jackknife): (dN - C
		 * dD) / D, times its weight; with clusters summed over each, as
		 * R's robust variance does
		 */
		for (int64 k = 0; k < n; k++)
			dn[k] = comparable == 0 ? 0 : COX_WT(k) * (dn[k] + dn2[k] - c * (dd[k] + COX_EARLIER(k))) / comparable;
		if (clustered)
		{
			int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * n);

			/* by row, then by cluster and row, so every plan sums alike */
			for (int64 k = 0; k < n; k++)
				dd[sorted[k].row] = dn[k];
			for (int64 k = 0; k < n; k++)
				order[k] = k;
			cox_cluster_width = width;
			cox_cluster_rows = rows;
			qsort(order, n, sizeof(int64), cox_cluster_cmp);
			for (int64 a = 0, z; a < n; a = z)
			{
				double		sum = 0;

				for (z = a; z < n && rows[width * order[z] + width - 3] == rows[width * order[a] + width - 3]; z++)
					sum += dd[order[z]];
				var += sum * sum;
			}
			pfree(order);
		}
		else
			for (int64 k = 0; k < n; k++)
				var += dn[k] * dn[k];
#undef COX_EARLIER
		*std_error = sqrt(var);
		pfree(etree);
		pfree(eat);
		pfree(first_of);
	}
#undef COX_WT
#undef COX_BLOCK
#undef COX_CHURN
	if (wt)
		pfree(wt);
	pfree(tree);
	pfree(censored);
	pfree(events_in);
	pfree(rows_in);
	pfree(last_of);
	pfree(dn);
	pfree(dn2);
	pfree(dd);
	if (comparable == 0)
		return 0.5;
	/* concordant = below; discordant = comparable - below - tied */
	return (below + tied / 2) / comparable;
}

/*
 * The baseline at the fit, per stratum, as R's survfit on a coxph builds
 * it (ctype 2 for Efron fits, 1 for Breslow): at each event time with d
 * churns, dH0 = sum over r < d of 1 / (S0 - (r / d) S0(D)) (Breslow: d /
 * S0), the variance increment the same with the squares of the
 * denominators, and xbar dH0 with xbar = (S1 - (r / d) S1(D)) / den, all
 * at the covariate means.  Cumulated in time: rows of (t, H0, V0, D0)
 * into base (room for the events), their count per stratum into
 * stratum_rows (0 for a stratum without a churn, whose hazard stays 0);
 * the number of rows is returned.
 */
static int64
cox_baseline(const CoxWork *w, double *base, double *stratum_rows)
{
	const int	p = w->p;
	const int	width = COX_WIDTH(p);
	const int	bw = COX_BASE_WIDTH(p);
	const double *rows = w->rows;
	double	   *s1 = palloc0(sizeof(double) * p);
	double	   *d1 = palloc(sizeof(double) * p);
	double		s0 = 0.0;
	int64		nbase = 0;
	int64		i = w->n - 1;
	int64		stratum_end = 0;	/* the first baseline row of the stratum being walked */
	int64		block_start[COX_MAX_STRATA];
	int			last_rank = w->n > 0 ? (int) rows[width * (w->n - 1) + width - 1] : 0;

	/* backwards, as the risk sets grow; each stratum's rows reversed and cumulated when it ends */
	while (i >= 0)
	{
		double		t = rows[width * i];
		double		stratum = rows[width * i + width - 1];
		double		d0 = 0.0;
		double		deadwt = 0.0;
		int			deaths = 0;
		double	   *b;

		if (i == w->n - 1 || stratum != rows[width * (i + 1) + width - 1])
		{
			s0 = 0.0;
			memset(s1, 0, sizeof(double) * p);
			stratum_end = nbase;
		}
		memset(d1, 0, sizeof(double) * p);
		for (; i >= 0 && rows[width * i] == t && rows[width * i + width - 1] == stratum; i--)
		{
			const double *x = rows + width * i + 2;
			double		r = rows[width * i + width - 2] * exp(w->eta[i]);
			s0 += r;
			for (int j = 0; j < p; j++)
				s1[j] += r * x[j];
			if (rows[width * i + 1] != 0)
			{
				deaths++;
				deadwt += rows[width * i + width - 2];
				d0 += r;
				for (int j = 0; j < p; j++)
					d1[j] += r * x[j];
			}
		}
		if (deaths > 0)
		{
			b = base + bw * nbase++;
			b[0] = t;
			b[1] = b[2] = b[3] = 0.0;
			memset(b + 4, 0, sizeof(double) * p);
			if (w->ties == COX_BRESLOW || deaths == 1)
			{
				b[1] = b[3] = deadwt / s0;
				b[2] = deadwt / (s0 * s0);
				for (int j = 0; j < p; j++)
					b[4 + j] = deadwt * s1[j] / (s0 * s0);
			}
			else
			{
				double		wtave = deadwt / deaths;
				double		inv_sum = 0.0,
							inv2_sum = 0.0,
							own_sum = 0.0,
							f_inv2_sum = 0.0;

				/* sum_r (S1 - f_r D1) / den_r^2 = S1 sum 1 / den_r^2 - D1 sum f_r / den_r^2 */
				for (int r = 0; r < deaths; r++)
				{
					double		f = (double) r / deaths;
					double		inv = 1.0 / (s0 - f * d0);

					inv_sum += inv;
					inv2_sum += inv * inv;
					own_sum += (1 - f) * inv;
					f_inv2_sum += f * inv * inv;
				}
				b[1] += wtave * inv_sum;
				b[2] += wtave * inv2_sum;
				b[3] += wtave * own_sum;
				for (int j = 0; j < p; j++)
					b[4 + j] += wtave * (s1[j] * inv2_sum - d1[j] * f_inv2_sum);
			}
		}
		/* the stratum ends: its rows in time order, cumulated */
		if (i < 0 || rows[width * i + width - 1] != stratum)
		{
			int64		count = nbase - stratum_end;

			for (int64 a = stratum_end, z = nbase - 1; a < z; a++, z--)
				for (int c = 0; c < bw; c++)
				{
					double		tmp = base[bw * a + c];

					base[bw * a + c] = base[bw * z + c];
					base[bw * z + c] = tmp;
				}
			for (int64 a = stratum_end + 1; a < nbase; a++)
				for (int c = 1; c < bw; c++)
					if (c != 3)	/* the own share is that time's alone */
						base[bw * a + c] += base[bw * (a - 1) + c];
			stratum_rows[(int) stratum] = count;	/* 0 for a stratum without a churn: its hazard stays 0 */
			block_start[(int) stratum] = stratum_end;
		}
	}
	/* walked from the last stratum back: the blocks in the strata's order */
	{
		double	   *ordered = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * bw * Max(nbase, 1));
		int64		at = 0;

		for (int k = 0; k <= last_rank; k++)
		{
			memcpy(ordered + bw * at, base + bw * block_start[k], sizeof(double) * bw * (int64) stratum_rows[k]);
			at += (int64) stratum_rows[k];
		}
		memcpy(base, ordered, sizeof(double) * bw * nbase);
		pfree(ordered);
	}
	pfree(s1);
	pfree(d1);
	return nbase;
}

/*
 * The robust (sandwich) covariance with clusters, as R's coxph with
 * cluster(): V B V, V the model's covariance and B the sum over clusters
 * of the outer products of their rows' weighted score residuals (R's
 * dfbeta residuals before V).  A row's score residual (Therneau and
 * Grambsch 2000, 3.7): for a churn, x - xbar at its time (Efron: the mean
 * of the d steps' xbar), less, over the event times up to its own, its
 * risk times x - xbar times the hazard increment; with Efron, a churner's
 * own time counts its steps r with the weight 1 - r / d.  From the
 * cumulative hazard C and M = sum of xbar dH, that is r (x C - M).
 * cox_cluster_scores sums them by cluster at the risks exp(eta) given
 * (all 1 where eta is NULL: beta = 0, for the robust score test).
 */
typedef struct CoxBlock
{
	int64		first,
				last;			/* its rows */
	int			deaths;
	double		dc,
				own_c;			/* the hazard increment, and a churner's share of it (Efron) */
	double	   *dm,
			   *own_m,
			   *xbar_event;		/* p each */
} CoxBlock;

static void
cox_cluster_scores(const CoxWork *w, const double *eta, double *bmat, double *usum)
{
	const int	p = w->p;
	const int	width = COX_WIDTH(p);
	const double *rows = w->rows;
	CoxBlock   *blocks = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(CoxBlock) * w->n);
	double	   *resid = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * p * w->n);
	double	   *risk = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * w->n);
	int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * w->n);
	double	   *s1 = palloc0(sizeof(double) * p);
	double	   *d1 = palloc(sizeof(double) * p);
	double	   *c_m = palloc(sizeof(double) * p);
	double	   *uc = palloc(sizeof(double) * p);
	double		s0 = 0.0,
				c_h = 0.0;
	int64		nblocks = 0;
	int64		i = w->n - 1;

	/* backwards: each block's increments, as the risk sets grow */
	while (i >= 0)
	{
		double		t = rows[width * i];
		double		stratum = rows[width * i + width - 1];
		double		d0 = 0.0,
					deadwt = 0.0;
		CoxBlock   *b = &blocks[nblocks++];

		if (i == w->n - 1 || stratum != rows[width * (i + 1) + width - 1])
		{
			s0 = 0.0;
			memset(s1, 0, sizeof(double) * p);
		}
		memset(d1, 0, sizeof(double) * p);
		b->last = i;
		b->deaths = 0;
		for (; i >= 0 && rows[width * i] == t && rows[width * i + width - 1] == stratum; i--)
		{
			const double *x = rows + width * i + 2;
			double		r;

			risk[i] = eta ? exp(eta[i]) : 1.0;
			r = rows[width * i + width - 2] * risk[i];
			s0 += r;
			for (int j = 0; j < p; j++)
				s1[j] += r * x[j];
			if (rows[width * i + 1] != 0)
			{
				b->deaths++;
				deadwt += rows[width * i + width - 2];
				d0 += r;
				for (int j = 0; j < p; j++)
					d1[j] += r * x[j];
			}
		}
		b->first = i + 1;
		b->dc = b->own_c = 0.0;
		b->dm = palloc0(sizeof(double) * p);
		b->own_m = palloc0(sizeof(double) * p);
		b->xbar_event = palloc0(sizeof(double) * p);
		if (b->deaths == 0)
			continue;
		if (w->ties == COX_BRESLOW || b->deaths == 1)
		{
			b->dc = b->own_c = deadwt / s0;
			for (int j = 0; j < p; j++)
			{
				b->xbar_event[j] = s1[j] / s0;
				b->dm[j] = b->own_m[j] = deadwt * s1[j] / (s0 * s0);
			}
		}
		else
		{
			double		wtave = deadwt / b->deaths;
			double		inv_sum = 0.0,
						f_inv_sum = 0.0,
						inv2_sum = 0.0,
						f_inv2_sum = 0.0,
						own2_sum = 0.0,
						f_own2_sum = 0.0;

			/* the steps' sums of xbar_r / den_r and the like, xbar_r = (S1 - f_r D1) / den_r, as scalar sums */
			for (int r = 0; r < b->deaths; r++)
			{
				double		f = (double) r / b->deaths;
				double		inv = 1.0 / (s0 - f * d0);

				b->dc += wtave * inv;
				b->own_c += wtave * (1 - f) * inv;
				inv_sum += inv;
				f_inv_sum += f * inv;
				inv2_sum += inv * inv;
				f_inv2_sum += f * inv * inv;
				own2_sum += (1 - f) * inv * inv;
				f_own2_sum += (1 - f) * f * inv * inv;
			}
			for (int j = 0; j < p; j++)
			{
				b->dm[j] = wtave * (s1[j] * inv2_sum - d1[j] * f_inv2_sum);
				b->own_m[j] = wtave * (s1[j] * own2_sum - d1[j] * f_own2_sum);
				b->xbar_event[j] = (s1[j] * inv_sum - d1[j] * f_inv_sum) / b->deaths;
			}
		}
		CHECK_FOR_INTERRUPTS();
	}
	/* forwards: each row's residual from the cumulative hazard up to its block */
	for (int64 k = nblocks - 1; k >= 0; k--)
	{
		CoxBlock   *b = &blocks[k];

		if (k == nblocks - 1 || rows[width * b->first + width - 1] != rows[width * blocks[k + 1].first + width - 1])
		{
			c_h = 0.0;
			memset(c_m, 0, sizeof(double) * p);
		}
		for (int64 r = b->first; r <= b->last; r++)
		{
			const double *x = rows + width * r + 2;
			bool		dead = rows[width * r + 1] != 0;
			bool		efron_own = dead && w->ties == COX_EFRON && b->deaths > 1;
			double		ch = c_h + (efron_own ? b->own_c : b->dc);

			for (int j = 0; j < p; j++)
			{
				double		mj = c_m[j] + (efron_own ? b->own_m[j] : b->dm[j]);
				double		v = -risk[r] * (x[j] * ch - mj);

				if (dead)
					v += x[j] - b->xbar_event[j];
				resid[p * r + j] = rows[width * r + width - 2] * v;
			}
		}
		c_h += b->dc;
		for (int j = 0; j < p; j++)
			c_m[j] += b->dm[j];
	}
	/* per cluster, in cluster order: B = sum of U_c U_c', and their sum */
	memset(bmat, 0, sizeof(double) * p * p);
	memset(usum, 0, sizeof(double) * p);
	for (int64 r = 0; r < w->n; r++)
		order[r] = r;
	cox_cluster_width = width;
	cox_cluster_rows = rows;
	qsort(order, w->n, sizeof(int64), cox_cluster_cmp);
	for (int64 a = 0, z; a < w->n; a = z)
	{
		double		id = rows[width * order[a] + width - 3];

		memset(uc, 0, sizeof(double) * p);
		for (z = a; z < w->n && rows[width * order[z] + width - 3] == id; z++)
			for (int j = 0; j < p; j++)
				uc[j] += resid[p * order[z] + j];
		for (int x = 0; x < p; x++)
		{
			usum[x] += uc[x];
			for (int y = 0; y < p; y++)
				bmat[x * p + y] += uc[x] * uc[y];
		}
	}
	pfree(blocks);
	pfree(resid);
	pfree(risk);
	pfree(order);
}

/* the robust (sandwich) covariance V B V, from the score residuals at the fit */
static void
cox_robust(const CoxWork *w, const double *cov, double *robust)
{
	const int	p = w->p;
	double	   *bmat = palloc(sizeof(double) * p * p);
	double	   *usum = palloc(sizeof(double) * p);

	cox_cluster_scores(w, w->eta, bmat, usum);
	/* V B V, symmetric by construction, made exactly so */
	for (int x = 0; x < p; x++)
		for (int y = 0; y < p; y++)
		{
			double		v = 0.0;

			for (int a = 0; a < p; a++)
				for (int b = 0; b < p; b++)
					v += cov[x * p + a] * bmat[a * p + b] * cov[b * p + y];
			robust[x * p + y] = v;
		}
	for (int x = 0; x < p; x++)
		for (int y = 0; y < x; y++)
			robust[x * p + y] = robust[y * p + x] = (robust[x * p + y] + robust[y * p + x]) / 2;
}

/*
 * R's robust score test: U' B^-1 U with U and B from the score residuals
 * at beta = 0, summed by cluster
 */
static double
cox_robust_score(const CoxWork *w)
{
	const int	p = w->p;
	double	   *bmat = palloc(sizeof(double) * p * p);
	double	   *usum = palloc(sizeof(double) * p);
	double	   *solved = palloc(sizeof(double) * p);
	double		test = 0.0;

	cox_cluster_scores(w, NULL, bmat, usum);
	memcpy(solved, usum, sizeof(double) * p);
	if (!cox_cholesky(bmat, p))
		return COX_NO_TEST;
	cox_solve(bmat, p, solved);
	for (int j = 0; j < p; j++)
		test += usum[j] * solved[j];
	return Max(test, 0.0);
}

pg_noreturn static void
cox_singular(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("coxph_fit: the covariates are collinear or constant among the customers at risk"),
			 errhint("Leave out a covariate that another one (or a sum of others) determines, or one with a single value.")));
}

PG_FUNCTION_INFO_V1(coxph_fit_final);
Datum
coxph_fit_final(PG_FUNCTION_ARGS)
{
	CoxState   *s = PG_ARGISNULL(0) ? NULL : (CoxState *) PG_GETARG_POINTER(0);
	int			p;
	int			width;
	double	   *rows;
	CoxWork		w;
	instr_time	started,
				sorted_at,
				fitted_at,
				done;
	double	   *beta,
			   *newbeta,
			   *u,
			   *imat,
			   *chol,
			   *means;
	double		loglik0,
				loglik_best,
				newlk,
				score;
	int64		events = 0;
	int			iter;
	bool		halving = false;
	bool		converged = false;
	CoxModel   *m;
	Size		names_bytes = 0;
	Datum	   *items;
	bool	   *nulls;
	int			nitems;
	double	   *base;
	double	   *stratum_rows;
	double		total_weight = 0.0;
	int64		nbase;
	int32		stratum_by_rank[COX_MAX_STRATA];
	CoxRadixKey *keys,
			   *spare;

	if (s == NULL || s->n == 0)
		PG_RETURN_NULL();
	p = s->nterms;
	width = COX_WIDTH(p);
	for (int64 i = 0; i < s->n; i++)
		events += s->rows[width * i + 1] != 0;
	if (events < Max(p, 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coxph_fit: " INT64_FORMAT " events for %d covariates", events, p),
				 errhint("The partial likelihood learns only from churns: fit fewer covariates, or more customers.")));
	/* rows are numbered in 32 bits in the sorts */
	if (s->n > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("coxph_fit: " INT64_FORMAT " rows are more than one fit takes (2^31 - 1)", s->n),
				 errhint("Fit distinct profiles with their counts as case weights, or a sample.")));
	INSTR_TIME_SET_CURRENT(started);
	keys = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(CoxRadixKey) * s->n);
	spare = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(CoxRadixKey) * s->n);
	rows = cox_sorted_rows(s, stratum_by_rank, keys, spare);
	INSTR_TIME_SET_CURRENT(sorted_at);
	CHECK_FOR_INTERRUPTS();

	/* centred at the means, summed in that order */
	means = palloc0(sizeof(double) * p);
	for (int64 i = 0; i < s->n; i++)
	{
		double		wt = rows[width * i + width - 2];

		total_weight += wt;
		for (int j = 0; j < p; j++)
			means[j] += wt * rows[width * i + 2 + j];
	}
	for (int j = 0; j < p; j++)
		means[j] /= total_weight;
	for (int64 i = 0; i < s->n; i++)
		for (int j = 0; j < p; j++)
			rows[width * i + 2 + j] -= means[j];

	w.p = p;
	w.n = s->n;
	w.ties = (CoxTies) s->ties;
	w.rows = rows;
	w.eta = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * s->n);
	w.s1 = palloc(sizeof(double) * p);
	w.s2 = palloc(sizeof(double) * p * p);
	w.d1 = palloc(sizeof(double) * p);
	w.d2 = palloc(sizeof(double) * p * p);
	w.mean = palloc(sizeof(double) * p);
	w.du = palloc(sizeof(double) * p);
	w.di = palloc(sizeof(double) * p * p);
	w.c1 = palloc(sizeof(double) * p);
	w.c2 = palloc(sizeof(double) * p * p);
	w.ph_g = NULL;
	w.ph_u = palloc(sizeof(double) * p);
	w.ph_i12 = palloc(sizeof(double) * p * p);
	w.ph_i22 = palloc(sizeof(double) * p * p);
	beta = palloc0(sizeof(double) * p);
	newbeta = palloc0(sizeof(double) * p);
	u = palloc(sizeof(double) * p);
	imat = palloc(sizeof(double) * p * p);
	chol = palloc(sizeof(double) * p * p);

	/* at beta = 0: the null log-likelihood and the score test, then R's first step */
	loglik0 = cox_evaluate(&w, beta, u, imat);
	memcpy(chol, imat, sizeof(double) * p * p);
	if (!cox_cholesky(chol, p))
		cox_singular();
	memcpy(newbeta, u, sizeof(double) * p);
	cox_solve(chol, p, newbeta);
	score = 0.0;
	for (int j = 0; j < p; j++)
		score += u[j] * newbeta[j];
	loglik_best = loglik0;
	newlk = loglik0;
	/* from here each evaluation also sums the proportional-hazards test's terms: the last one's are the fit's */
	w.ph_g = cox_ph_weights(rows, width, s->n);
	for (iter = 1; iter <= COX_MAX_STEPS; iter++)
	{
		CHECK_FOR_INTERRUPTS();
		newlk = cox_evaluate(&w, newbeta, u, imat);
		if (!isfinite(newlk))
			break;
		if (fabs(1.0 - loglik_best / newlk) <= COX_EPS && !halving)
		{
			converged = true;
			break;
		}
		if (iter == COX_MAX_STEPS)
			break;
		if (newlk < loglik_best)
		{
			halving = true;
			for (int j = 0; j < p; j++)
				newbeta[j] = (newbeta[j] + beta[j]) / 2;
		}
		else
		{
			halving = false;
			loglik_best = newlk;
			memcpy(chol, imat, sizeof(double) * p * p);
			if (!cox_cholesky(chol, p))
				cox_singular();
			cox_solve(chol, p, u);
			for (int j = 0; j < p; j++)
			{
				beta[j] = newbeta[j];
				newbeta[j] += u[j];
			}
		}
	}
	if (!isfinite(newlk))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("coxph_fit: the partial likelihood overflowed"),
				 errhint("Rescale large covariates (thousands of units: per thousand).")));
	if (iter > COX_MAX_STEPS)
		iter = COX_MAX_STEPS;

	/* the model at newbeta, where log L, U, I and w.eta were computed last */
	deconstruct_array(s->names, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &nitems);
	for (int j = 0; j < p; j++)
		names_bytes += VARSIZE_ANY_EXHDR(DatumGetPointer(items[j])) + 1;
	for (int k = 0; k < s->nstrata; k++)
		names_bytes += VARSIZE_ANY_EXHDR(s->strata[k]) + 1;
	/* the baseline at the fit: an event time at the most per churn */
	base = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * COX_BASE_WIDTH(p) * events);
	stratum_rows = palloc0(sizeof(double) * Max(s->nstrata, 1));
	nbase = cox_baseline(&w, base, stratum_rows);
	m = cox_model_alloc(p, Max(s->nstrata, 1), (int32) nbase, names_bytes);
	m->ties = (uint8) s->ties;
	m->stratified = s->nstrata > 0;
	m->iterations = iter;
	m->n = s->n;
	m->events = events;
	m->skipped = s->skipped;
	m->loglik_null = loglik0;
	m->loglik = newlk;
	m->score_test = score;
	memcpy(COX_MEANS(m), means, sizeof(double) * p);
	memcpy(COX_COEF(m), newbeta, sizeof(double) * p);
	memcpy(chol, imat, sizeof(double) * p * p);
	if (!cox_cholesky(chol, p))
		cox_singular();
	/* the covariance: I^-1, column by column */
	for (int j = 0; j < p; j++)
	{
		double	   *col = palloc0(sizeof(double) * p);

		col[j] = 1.0;
		cox_solve(chol, p, col);
		for (int i = 0; i < p; i++)
			COX_COV(m)[i * p + j] = col[i];
	}
	for (int i = 0; i < p; i++)
		for (int j = 0; j < i; j++)
			COX_COV(m)[i * p + j] = COX_COV(m)[j * p + i] = (COX_COV(m)[i * p + j] + COX_COV(m)[j * p + i]) / 2;
	m->wald_test = 0.0;
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			m->wald_test += newbeta[i] * imat[i * p + j] * newbeta[j];
	if (s->clustered)
	{
		/* R's Wald test then uses the robust covariance: beta' Vr^-1 beta */
		double	   *rchol = palloc(sizeof(double) * p * p);
		double	   *solved = palloc(sizeof(double) * p);

		cox_robust(&w, COX_COV(m), COX_ROBUST_COV(m));
		m->robust = 1;
		m->robust_score_test = cox_robust_score(&w);
		memcpy(rchol, COX_ROBUST_COV(m), sizeof(double) * p * p);
		memcpy(solved, newbeta, sizeof(double) * p);
		if (cox_cholesky(rchol, p))
		{
			cox_solve(rchol, p, solved);
			m->wald_test = 0.0;
			for (int i = 0; i < p; i++)
				m->wald_test += newbeta[i] * solved[i];
		}
	}
	/* R's check: the step the score still asks for, against the coefficient ("may be infinite") */
	if (converged)
		for (int i = 0; i < p; i++)
		{
			double		step = 0.0;

			for (int j = 0; j < p; j++)
				step += u[j] * COX_COV(m)[j * p + i];
			if (fabs(step) > COX_EPS && fabs(step) > COX_TOLER_INF * fabs(newbeta[i]))
				converged = false;
		}
	m->converged = converged;
	for (int j = 0; j <= p; j++)
	{
		int			all[COX_MAX_TERMS];

		for (int k = 0; k < p; k++)
			all[k] = k;
		COX_PH_TEST(m)[j] = j < p ? cox_ph_chisq(&w, imat, &j, 1) : cox_ph_chisq(&w, imat, all, p);
	}
	INSTR_TIME_SET_CURRENT(fitted_at);
	m->concordance = cox_concordance(rows, width, s->n, w.eta, s->clustered, keys, spare, &m->concordance_se);
	pfree(keys);
	pfree(spare);
	INSTR_TIME_SET_CURRENT(done);
	INSTR_TIME_SUBTRACT(done, fitted_at);
	INSTR_TIME_SUBTRACT(fitted_at, sorted_at);
	INSTR_TIME_SUBTRACT(sorted_at, started);
	elog(DEBUG1, "coxph_fit: " INT64_FORMAT " rows sorted in %.1f ms, fitted in %.1f ms (%d evaluations), concordance %.1f ms",
		 s->n, INSTR_TIME_GET_MILLISEC(sorted_at), INSTR_TIME_GET_MILLISEC(fitted_at), iter + 1,
		 INSTR_TIME_GET_MILLISEC(done));
	{
		char	   *dest = COX_NAMES(m);

		for (int j = 0; j < p; j++)
		{
			Size		len = VARSIZE_ANY_EXHDR(DatumGetPointer(items[j]));

			memcpy(dest, VARDATA_ANY(DatumGetPointer(items[j])), len);
			dest[len] = '\0';
			dest += len + 1;
		}
		/* the strata by name, the order of the baseline's strata */
		for (int k = 0; k < s->nstrata; k++)
		{
			const text *name = s->strata[stratum_by_rank[k]];
			Size		len = VARSIZE_ANY_EXHDR(name);

			memcpy(dest, VARDATA_ANY(name), len);
			dest[len] = '\0';
			dest += len + 1;
		}
	}
	memcpy(COX_STRATUM_ROWS(m), stratum_rows, sizeof(double) * m->nstrata);
	memcpy(COX_BASELINE(m), base, sizeof(double) * COX_BASE_WIDTH(p) * nbase);
	PG_RETURN_POINTER(m);
}


/* ---------------------------------------------------------------------
 * Reading the model
 * ---------------------------------------------------------------------
 */

/* coefficients(model, level): term, coef, hazard ratio, se, z, p, the hazard ratio's interval */
PG_FUNCTION_INFO_V1(coxph_coefficient_rows);
Datum
coxph_coefficient_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	const CoxModel *m;

	if (SRF_IS_FIRSTCALL())
	{
		const CoxModel *given = cox_arg(fcinfo, 0);

		lk_check_confidence_level("coefficients", PG_GETARG_FLOAT8(1));
		lk_srf_start(fcinfo, (const struct varlena *) given, given->nterms, "coefficients");
	}
	funcctx = SRF_PERCALL_SETUP();
	m = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		int			p = m->nterms;
		double		coef = COX_COEF(m)[i];
		double		se = sqrt(COX_COV(m)[i * p + i]);
		/* with clusters, R's z, p and interval use the robust standard error */
		double		used = m->robust ? sqrt(COX_ROBUST_COV(m)[i * p + i]) : se;
		double		z = lk_normal_quantile(0.5 + PG_GETARG_FLOAT8(1) / 2);
		Datum		values[9];
		bool		nulls[9] = {false, false, false, false, false, false, false, false, !m->robust};

		values[0] = CStringGetTextDatum(cox_term(m, i));
		values[1] = Float8GetDatum(coef);
		values[2] = Float8GetDatum(exp(coef));
		values[3] = Float8GetDatum(se);
		if (used > 0)
		{
			values[4] = Float8GetDatum(coef / used);
			values[5] = Float8GetDatum(lk_two_sided_p(coef / used));
		}
		else
			nulls[4] = nulls[5] = true;
		values[6] = Float8GetDatum(exp(coef - z * used));
		values[7] = Float8GetDatum(exp(coef + z * used));
		values[8] = Float8GetDatum(used);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* proportional_hazards_test(model): term, chisq, df, p; then GLOBAL (R's cox.zph) */
PG_FUNCTION_INFO_V1(coxph_ph_test_rows);
Datum
coxph_ph_test_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	const CoxModel *m;

	if (SRF_IS_FIRSTCALL())
	{
		const CoxModel *given = cox_arg(fcinfo, 0);

		lk_srf_start(fcinfo, (const struct varlena *) given, given->nterms + 1, "proportional_hazards_test");
	}
	funcctx = SRF_PERCALL_SETUP();
	m = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		int			df = i < m->nterms ? 1 : m->nterms;
		double		chisq = COX_PH_TEST(m)[i];
		Datum		values[4];
		bool		nulls[4] = {false, chisq == COX_NO_TEST, false, chisq == COX_NO_TEST};

		values[0] = CStringGetTextDatum(i < m->nterms ? cox_term(m, i) : "GLOBAL");
		values[1] = Float8GetDatum(chisq);
		values[2] = Int32GetDatum(df);
		values[3] = Float8GetDatum(lk_chi_square_upper_p(Max(chisq, 0.0), df));
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* coxph_summary(model): the fit as one row */
PG_FUNCTION_INFO_V1(coxph_summary_row);
Datum
coxph_summary_row(PG_FUNCTION_ARGS)
{
	const CoxModel *m = cox_arg(fcinfo, 0);
	int			p = m->nterms;
	double		lr = 2.0 * (m->loglik - m->loglik_null);
	Datum		values[21];
	bool		nulls[21] = {false};
	TupleDesc	desc = lk_result_row_desc(fcinfo, false, 21);

	values[0] = Int64GetDatum(m->n);
	values[1] = Int64GetDatum(m->events);
	values[2] = Int64GetDatum(m->skipped);
	values[3] = CStringGetTextDatum(ties_names[m->ties]);
	values[4] = Float8GetDatum(m->loglik_null);
	values[5] = Float8GetDatum(m->loglik);
	values[6] = Int32GetDatum(p);
	values[7] = Float8GetDatum(lr);
	values[8] = Float8GetDatum(lk_chi_square_upper_p(Max(lr, 0.0), p));
	values[9] = Float8GetDatum(m->wald_test);
	values[10] = Float8GetDatum(lk_chi_square_upper_p(Max(m->wald_test, 0.0), p));
	values[11] = Float8GetDatum(m->score_test);
	values[12] = Float8GetDatum(lk_chi_square_upper_p(Max(m->score_test, 0.0), p));
	values[13] = Int32GetDatum(m->iterations);
	values[14] = BoolGetDatum(m->converged);
	values[15] = Float8GetDatum(m->concordance);
	values[16] = Int32GetDatum(m->nstrata);
	values[17] = BoolGetDatum(m->robust != 0);
	values[18] = Float8GetDatum(m->concordance_se);
	nulls[19] = nulls[20] = !m->robust || m->robust_score_test == COX_NO_TEST;
	values[19] = Float8GetDatum(m->robust_score_test);
	values[20] = Float8GetDatum(lk_chi_square_upper_p(Max(m->robust_score_test, 0.0), p));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* The covariates argument: p finite values (NULL where an element is NULL) */
static bool
cox_covariates_arg(FunctionCallInfo fcinfo, int argno, const CoxModel *m, const char *fname, double *x)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(argno);

	if (ARR_NDIM(a) != 1 || ArrayGetNItems(1, ARR_DIMS(a)) != m->nterms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %d covariates where the model has %d", fname,
						ARR_NDIM(a) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)), m->nterms),
				 errhint("Give one value per term, in the order coefficients(model) lists them.")));
	if (ARR_HASNULL(a))
		return false;
	memcpy(x, (char *) a + ARR_OVERHEAD_NONULLS(1), sizeof(double) * m->nterms);
	for (int j = 0; j < m->nterms; j++)
		lk_check_finite(fname, "a covariate", x[j]);
	return true;
}

/*
 * The model of a per-customer function, kept for the query: a model with
 * its baseline is tens of kilobytes, stored out of line, and detoasting
 * and checking it once per customer cost more than the prediction (15 s
 * for a million customers).  The same value is known by its toast pointer
 * (or compressed bytes), or, passed in memory, by its address and leading
 * fields.  Kept in fn_extra, with the result rows of survival_at_interval.
 */
typedef struct CoxCallCache
{
	struct varlena *raw;		/* a toasted argument's bytes as given */
	const void *address;		/* a plain argument's address */
	CoxModel   *model;			/* detoasted and checked */
	LkRowMaker *rows;
} CoxCallCache;

static const CoxModel *
cox_arg_cached(FunctionCallInfo fcinfo, CoxCallCache **cache_out)
{
	CoxCallCache *c = fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));
	const CoxModel *m;
	MemoryContext old;

	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CoxCallCache));
	if (cache_out != NULL)
		*cache_out = c;
	if (c->model != NULL)
	{
		if (VARATT_IS_EXTENDED(raw))
		{
			if (c->raw != NULL && VARSIZE_ANY(raw) == VARSIZE_ANY(c->raw) && memcmp(raw, c->raw, VARSIZE_ANY(raw)) == 0)
				return c->model;
		}
		else if ((const void *) raw == c->address && VARSIZE(raw) == VARSIZE(c->model) &&
				 memcmp(raw, c->model, offsetof(CoxModel, values) + sizeof(double) * 2 * c->model->nterms) == 0)
			return c->model;
	}
	m = cox_arg(fcinfo, 0);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c->model != NULL)
		pfree(c->model);
	if (c->raw != NULL)
		pfree(c->raw);
	c->model = palloc(VARSIZE(m));
	memcpy(c->model, m, VARSIZE(m));
	c->raw = NULL;
	c->address = NULL;
	if (VARATT_IS_EXTENDED(raw))
	{
		c->raw = palloc(VARSIZE_ANY(raw));
		memcpy(c->raw, raw, VARSIZE_ANY(raw));
	}
	else
		c->address = raw;
	MemoryContextSwitchTo(old);
	return c->model;
}

/* (x - means)' beta, R's predict(type = "lp"); false for a NULL covariate */
static bool
cox_linear_predictor(FunctionCallInfo fcinfo, const char *fname, double *lp)
{
	const CoxModel *m = cox_arg_cached(fcinfo, NULL);
	double		x[COX_MAX_TERMS];

	if (!cox_covariates_arg(fcinfo, 1, m, fname, x))
		return false;
	*lp = 0.0;
	for (int j = 0; j < m->nterms; j++)
		*lp += (x[j] - COX_MEANS(m)[j]) * COX_COEF(m)[j];
	return true;
}

PG_FUNCTION_INFO_V1(coxph_linear_predictor);
Datum
coxph_linear_predictor(PG_FUNCTION_ARGS)
{
	double		lp;

	if (!cox_linear_predictor(fcinfo, "linear_predictor", &lp))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(lp);
}

/* exp of the linear predictor, R's predict(type = "risk"): the hazard against a customer at the means */
PG_FUNCTION_INFO_V1(coxph_relative_risk);
Datum
coxph_relative_risk(PG_FUNCTION_ARGS)
{
	double		lp;

	if (!cox_linear_predictor(fcinfo, "relative_risk", &lp))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(lk_finite_result("relative_risk", exp(lp)));
}


/* ---------------------------------------------------------------------
 * Predictions: a customer's survival curve (R's survfit on a coxph)
 * ---------------------------------------------------------------------
 */

/* The stratum's number from its name (argno), or 0 for a model without strata */
static int
cox_stratum_arg(FunctionCallInfo fcinfo, const CoxModel *m, int argno, const char *fname)
{
	char	   *given;

	if (argno < 0)
	{
		if (m->stratified)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the model has %d strata; name the customer's", fname, m->nstrata),
					 errhint("Pass the stratum after the time, as coxph_fit was given it.")));
		return 0;
	}
	given = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (!m->stratified)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model has no strata", fname),
				 errhint("Call it without a stratum.")));
	for (int k = 0; k < m->nstrata; k++)
		if (strcmp(cox_name(m, m->nterms + k), given) == 0)
			return k;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the model has no stratum \"%s\"", fname, given),
			 errhint("Name one of the strata the model was fitted with (model::jsonb -> 'strata_names').")));
}

/*
 * The stratum's last baseline row at or before t (before: strictly before
 * t), or NULL before its first event time; *index its place in the stratum
 * (0-based)
 */
static const double *
cox_baseline_row(const CoxModel *m, int stratum, double t, bool before, int64 *index)
{
	int			bw = COX_BASE_WIDTH(m->nterms);
	int64		first = 0,
				lo = 0,
				hi;

	for (int k = 0; k < stratum; k++)
		first += (int64) COX_STRATUM_ROWS(m)[k];
	hi = (int64) COX_STRATUM_ROWS(m)[stratum];
	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (before ? COX_BASELINE(m)[bw * (first + mid)] < t : COX_BASELINE(m)[bw * (first + mid)] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*index = lo - 1;
	return lo == 0 ? NULL : COX_BASELINE(m) + bw * (first + lo - 1);
}

/*
 * S(t | x, T >= from) = exp(-exp(lp) (H0(t) - H0(from-))) in the stratum
 * (from < 0: S(t | x)), and the standard error of that hazard: exp(lp)
 * sqrt(dV0 + d' V d), d = dD0 - (x - means) dH0 (Tsiatis), each d the
 * increment of the baseline's cumulative columns over the event times
 * from `from` (churns at `from` included) to t, as R's survfit gives
 * std.err, with start.time for a conditional curve
 */
static void
cox_survival_after(const CoxModel *m, const double *x, int stratum, double from, double t, double *surv,
				   double *se_h)
{
	int			p = m->nterms;
	int64		index;
	double		lp = 0.0,
				r,
				zc[COX_MAX_TERMS],
				d[COX_MAX_TERMS],
				q = 0.0;
	const double *b = cox_baseline_row(m, stratum, t, false, &index);
	const double *a = from < 0 ? NULL : cox_baseline_row(m, stratum, from, true, &index);
	double		dh,
				dv;

	if (b == NULL || b == a)
	{
		*surv = 1.0;
		*se_h = 0.0;
		return;
	}
	for (int j = 0; j < p; j++)
	{
		zc[j] = x[j] - COX_MEANS(m)[j];
		lp += zc[j] * COX_COEF(m)[j];
	}
	r = exp(lp);
	dh = b[1] - (a ? a[1] : 0.0);
	dv = b[2] - (a ? a[2] : 0.0);
	for (int j = 0; j < p; j++)
		d[j] = b[4 + j] - (a ? a[4 + j] : 0.0) - zc[j] * dh;
	for (int i = 0; i < p; i++)
		for (int j = 0; j < p; j++)
			q += d[i] * COX_COV(m)[i * p + j] * d[j];
	*surv = exp(-r * dh);
	*se_h = r * sqrt(Max(dv + q, 0.0));
}

#define cox_survival(m, x, stratum, t, surv, se_h) cox_survival_after(m, x, stratum, -1.0, t, surv, se_h)

/* The arguments every prediction takes: model, covariates, a time of 0 or more */
static bool
cox_prediction_args(FunctionCallInfo fcinfo, const char *fname, const CoxModel **m, double *x, double *t)
{
	*m = cox_arg_cached(fcinfo, NULL);
	if (!cox_covariates_arg(fcinfo, 1, *m, fname, x))
		return false;
	*t = PG_GETARG_FLOAT8(2);
	if (!(*t >= 0) || isinf(*t))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: time %s is not a time", fname, float8out_internal(*t)),
				 errhint("A time is a finite number of the durations' units, 0 or more.")));
	return true;
}

/* a prediction_interval row, its row maker kept with the model for the query */
static Datum
cox_interval_row(FunctionCallInfo fcinfo, double estimate, double se, double lower, double upper)
{
	CoxCallCache *cache;
	Datum		values[4] = {Float8GetDatum(estimate), Float8GetDatum(se), Float8GetDatum(lower), Float8GetDatum(upper)};
	bool		nulls[4] = {false, false, false, false};

	cox_arg_cached(fcinfo, &cache);
	if (cache->rows == NULL)
		cache->rows = lk_row_maker(fcinfo, 4);
	PG_RETURN_DATUM(lk_make_row(cache->rows, values, nulls));
}

/* survival_at(model, covariates, t [, stratum]) */
PG_FUNCTION_INFO_V1(coxph_survival_at);
Datum
coxph_survival_at(PG_FUNCTION_ARGS)
{
	const CoxModel *m;
	double		x[COX_MAX_TERMS],
				t,
				surv,
				se_h;

	if (!cox_prediction_args(fcinfo, "survival_at", &m, x, &t))
		PG_RETURN_NULL();
	cox_survival(m, x, cox_stratum_arg(fcinfo, m, PG_NARGS() > 3 ? 3 : -1, "survival_at"), t, &surv, &se_h);
	PG_RETURN_FLOAT8(surv);
}

/*
 * survival_at_interval(model, covariates, t [, stratum], level): S(t | x)
 * with its standard error (S se(H)) and R's log interval, S exp(-+ z se(H)),
 * the upper at most 1
 */
PG_FUNCTION_INFO_V1(coxph_survival_at_interval);
Datum
coxph_survival_at_interval(PG_FUNCTION_ARGS)
{
	const CoxModel *m;
	double		x[COX_MAX_TERMS],
				t,
				surv,
				se_h,
				level = PG_GETARG_FLOAT8(PG_NARGS() - 1),
				z;

	lk_check_confidence_level("survival_at_interval", level);
	if (!cox_prediction_args(fcinfo, "survival_at_interval", &m, x, &t))
		PG_RETURN_NULL();
	cox_survival(m, x, cox_stratum_arg(fcinfo, m, PG_NARGS() > 4 ? 3 : -1, "survival_at_interval"), t, &surv, &se_h);
	z = lk_normal_quantile(0.5 + level / 2);
	return cox_interval_row(fcinfo, surv, surv * se_h, surv * exp(-z * se_h), Min(surv * exp(z * se_h), 1.0));
}

/*
 * churn_probability(model, covariates, t, survived [, stratum]): the chance
 * that a customer who has stayed `survived` churns within the next t,
 * 1 - S(survived + t | x) / S(survived | x), from the hazard between the
 * two; churn_probability_interval(..., level) adds its standard error and
 * the interval of R's survfit(..., start.time = survived) turned around,
 * 1 - S exp(+-z se(H))
 */
static Datum
cox_churn(FunctionCallInfo fcinfo, bool interval)
{
	const char *fname = interval ? "churn_probability_interval" : "churn_probability";
	int			nargs = PG_NARGS() - (interval ? 1 : 0);
	const CoxModel *m;
	double		x[COX_MAX_TERMS],
				t,
				survived = PG_GETARG_FLOAT8(3),
				conditional,
				se_h,
				level = interval ? PG_GETARG_FLOAT8(PG_NARGS() - 1) : 0,
				z;

	if (interval)
		lk_check_confidence_level(fname, level);
	if (!cox_prediction_args(fcinfo, fname, &m, x, &t))
		PG_RETURN_NULL();
	if (!(survived >= 0) || isinf(survived))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: tenure %s is not a time", fname, float8out_internal(survived)),
				 errhint("The tenure so far is a finite number of the durations' units, 0 or more.")));
	cox_survival_after(m, x, cox_stratum_arg(fcinfo, m, nargs > 4 ? 4 : -1, fname), survived, survived + t,
					   &conditional, &se_h);
	if (!interval)
		PG_RETURN_FLOAT8(lk_share_result(fname, 1.0 - conditional, 1.0));
	z = lk_normal_quantile(0.5 + level / 2);
	return cox_interval_row(fcinfo, lk_share_result(fname, 1.0 - conditional, 1.0), conditional * se_h,
							Max(1.0 - conditional * exp(z * se_h), 0.0), 1.0 - conditional * exp(-z * se_h));
}

PG_FUNCTION_INFO_V1(coxph_churn_probability);
Datum
coxph_churn_probability(PG_FUNCTION_ARGS)
{
	return cox_churn(fcinfo, false);
}

PG_FUNCTION_INFO_V1(coxph_churn_probability_interval);
Datum
coxph_churn_probability_interval(PG_FUNCTION_ARGS)
{
	return cox_churn(fcinfo, true);
}

/*
 * martingale_residual(model, covariates, duration, event [, stratum]): the
 * customer's event (1 or 0) less the hazard the model gave them up to
 * their time, exp(lp) H0(duration), R's residuals(fit, "martingale"): with
 * Efron's ties a churner's own time counts its share of the increment.
 * For the customers the model was fitted to, their sum is 0.
 */
PG_FUNCTION_INFO_V1(coxph_martingale);
Datum
coxph_martingale(PG_FUNCTION_ARGS)
{
	const CoxModel *m;
	double		x[COX_MAX_TERMS],
				t,
				lp = 0.0,
				h0 = 0.0;
	bool		event = PG_GETARG_BOOL(3);
	int			p;
	int64		index;
	const double *b;

	if (!cox_prediction_args(fcinfo, "martingale_residual", &m, x, &t))
		PG_RETURN_NULL();
	p = m->nterms;
	b = cox_baseline_row(m, cox_stratum_arg(fcinfo, m, PG_NARGS() > 4 ? 4 : -1, "martingale_residual"), t, false, &index);
	if (b != NULL)
	{
		h0 = b[1];
		/* a churn at an event time: its own share of that time's increment */
		if (event && b[0] == t)
			h0 -= (index > 0 ? b[1] - b[1 - COX_BASE_WIDTH(p)] : b[1]) - b[3];
	}
	for (int j = 0; j < p; j++)
		lp += (x[j] - COX_MEANS(m)[j]) * COX_COEF(m)[j];
	PG_RETURN_FLOAT8((event ? 1.0 : 0.0) - exp(lp) * h0);
}
