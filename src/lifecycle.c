/*
 * lifecycle.c
 *		Customer-base KPIs from a customers table with lifecycle dates:
 *		retention and churn for one period, and for a whole series of
 *		periods from one scan.
 *
 * A customer is one row (acquired_at, churned_at); churned_at is NULL while
 * the customer stays.  The customer belongs to the base over the half-open
 * interval [acquired_at, churned_at).  For a period [start, end)
 * (KPI-SPEC.md, "Customer-base KPIs"; seeds 000, 001, 002, 003):
 *	 S = customers at the start:	acquired_at < start <= churned_at
 *	 N = customers acquired in it:	start <= acquired_at < end
 *	 E = customers at the end:		acquired_at < end <= churned_at
 *	 (churned_at NULL counts as later than any date)
 * so E of one period is S of the next, a customer acquired exactly at
 * `start` is new (N), not part of S, and one who churns exactly at `start`
 * was still there when the period began (S) and is lost in it.
 *	 retention rate	CRR = (E - N) / S * 100 (seeds 000, 001, 003)
 *	 churn rate		CCR = (S + N - E) / (S + N) * 100, lost over all the
 *					customers the period had (seed 001; basis 'all', the
 *					default), or lost / S * 100 (seed 002; basis 'start').
 * CRR + CCR is not 100 under these definitions, and CRR goes below 0 when
 * customers acquired in the period leave within it (the formula assumes
 * they stay); retained_count in the series counts S-customers still there
 * at the end, the share an analyst may want instead.
 *
 * One scan for K periods: a customer is in the base at boundary b_k for a
 * contiguous run of k (from the first boundary after acquired_at to the
 * last one not after churned_at), so each row adds +1/-1 at the two ends of
 * that run in a difference array, found by binary search: O(log K) per row
 * and O(K) at the end, not K scans.  The same arrays give N per period and
 * the S-customers kept to the end.  Every step can be undone exactly, so
 * window frames get an O(1) inverse transition.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

typedef enum ChurnBasis
{
	CHURN_BASIS_ALL = 0,		/* lost / (S + N), seed 001 */
	CHURN_BASIS_START = 1		/* lost / S, seed 002 */
} ChurnBasis;

/*
 * Transition state: counts only.  `from`, `until`, `step` and `basis` are
 * the row arguments every row of a group must repeat, kept to check that;
 * the period boundaries are the query's period grid (kit.h), shared by
 * every group, and `fingerprint` tells whether two states were counted on
 * the same grid (it differs when their time zones put the steps apart).
 */
typedef struct LifecycleState
{
	LkStateHeader header;
	int64		rows;			/* rows with a non-NULL acquired_at */
	TimestampTz from;
	TimestampTz until;
	Interval	step;			/* zero for a single period */
	int32		basis;			/* ChurnBasis */
	int32		nperiods;		/* K */
	uint32		fingerprint;	/* of the grid the rows were counted on */
	int64	   *in_base;		/* K + 2: difference array of "in base at b_k" */
	int64	   *kept;			/* K + 1: difference array of "at b_k and b_k+1" */
	int64	   *acquired;		/* K: N per period */
} LifecycleState;

/* What the final functions read: S, N, E and kept for each period */
typedef struct PeriodCounts
{
	int64		start;
	int64		acquired;
	int64		end;
	int64		kept;
} PeriodCounts;


/* ---------------------------------------------------------------------
 * The formulas, shared by the aggregates and the count-only functions
 * ---------------------------------------------------------------------
 */

/* CRR, or NULL (isnull) when S = 0 */
static double
retention_from_counts(int64 s, int64 e, int64 n, bool *isnull)
{
	*isnull = (s == 0);
	return *isnull ? 0.0 : 100.0 * (double) (e - n) / (double) s;
}

static double
churn_from_counts(int64 s, int64 e, int64 n, ChurnBasis basis, bool *isnull)
{
	int64		denominator = basis == CHURN_BASIS_START ? s : s + n;

	*isnull = (denominator == 0);
	return *isnull ? 0.0 : 100.0 * (double) (s + n - e) / (double) denominator;
}

static const char *const churn_basis_names[] = {
	[CHURN_BASIS_ALL] = "all",
	[CHURN_BASIS_START] = "start",
};

/* Compares without copying: the aggregates check the basis on every row */
static bool
basis_is(const text *basis, ChurnBasis which)
{
	const char *name = churn_basis_names[which];

	return VARSIZE_ANY_EXHDR(basis) == strlen(name) &&
		memcmp(VARDATA_ANY(basis), name, strlen(name)) == 0;
}

static ChurnBasis
churn_basis_from_text(const char *fname, text *basis)
{
	if (basis_is(basis, CHURN_BASIS_ALL))
		return CHURN_BASIS_ALL;
	if (basis_is(basis, CHURN_BASIS_START))
		return CHURN_BASIS_START;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown churn basis \"%s\"", fname, text_to_cstring(basis)),
			 errhint("Use 'all' (lost / (start + new), the default) or 'start' (lost / start).")));
	pg_unreachable();
}


/* ---------------------------------------------------------------------
 * The formula alone, from counts: retention_rate(S, E, N), churn_rate(...)
 * ---------------------------------------------------------------------
 */

static void
check_counts(const char *fname, int64 s, int64 e, int64 n)
{
	if (s < 0 || e < 0 || n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: counts must not be negative (start %lld, end %lld, new %lld)",
						fname, (long long) s, (long long) e, (long long) n),
				 errhint("Pass the customers at the start, at the end, and acquired in the period.")));
	/* written so that s + n cannot overflow: e <= s + n */
	if (e - n > s)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: end count %lld is more than start %lld plus new %lld",
						fname, (long long) e, (long long) s, (long long) n),
				 errhint("Customers at the end come from those at the start or those acquired in the period.")));
}

static void
no_base(const char *fname, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DIVISION_BY_ZERO),
			 errmsg("%s: %s is 0, so the rate is undefined", fname, what),
			 errhint("The aggregate form returns NULL for such a period.")));
}

PG_FUNCTION_INFO_V1(retention_rate_from_counts);
Datum
retention_rate_from_counts(PG_FUNCTION_ARGS)
{
	int64		s = PG_GETARG_INT64(0);
	int64		e = PG_GETARG_INT64(1);
	int64		n = PG_GETARG_INT64(2);
	bool		isnull;
	double		rate;

	check_counts("retention_rate", s, e, n);
	rate = retention_from_counts(s, e, n, &isnull);
	if (isnull)
		no_base("retention_rate", "the start count");
	PG_RETURN_FLOAT8(rate);
}

PG_FUNCTION_INFO_V1(churn_rate_from_counts);
Datum
churn_rate_from_counts(PG_FUNCTION_ARGS)
{
	int64		s,
				e,
				n;
	ChurnBasis	basis = CHURN_BASIS_ALL;
	bool		isnull;
	double		rate;

	/* NULL counts give NULL; a NULL basis is an error, as in the aggregate */
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("churn_rate: the basis must not be NULL"),
					 errhint("Use 'all' (lost / (start + new), the default) or 'start' (lost / start).")));
		basis = churn_basis_from_text("churn_rate", PG_GETARG_TEXT_PP(3));
	}
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	s = PG_GETARG_INT64(0);
	e = PG_GETARG_INT64(1);
	n = PG_GETARG_INT64(2);

	check_counts("churn_rate", s, e, n);
	rate = churn_from_counts(s, e, n, basis, &isnull);
	if (isnull)
		no_base("churn_rate", basis == CHURN_BASIS_START ? "the start count" : "start plus new");
	PG_RETURN_FLOAT8(rate);
}


/* ---------------------------------------------------------------------
 * The aggregate state
 * ---------------------------------------------------------------------
 */

/* A new state, zeroed, for nperiods periods, in the current memory context */
static LifecycleState *
lifecycle_new(TimestampTz from, TimestampTz until, const Interval *step, ChurnBasis basis,
			  int nperiods, uint32 fingerprint)
{
	LifecycleState *state = palloc0(sizeof(LifecycleState));

	state->from = from;
	state->until = until;
	state->step = *step;
	state->basis = basis;
	state->nperiods = nperiods;
	state->fingerprint = fingerprint;
	state->in_base = palloc0(sizeof(int64) * (nperiods + 2));
	state->kept = palloc0(sizeof(int64) * (nperiods + 1));
	state->acquired = palloc0(sizeof(int64) * nperiods);
	return state;
}

static bool
same_parameters(const LifecycleState *a, TimestampTz from, TimestampTz until,
				const Interval *step, ChurnBasis basis)
{
	return a->from == from && a->until == until && a->basis == (int32) basis &&
		a->step.time == step->time && a->step.day == step->day &&
		a->step.month == step->month;
}

pg_noreturn static void
parameters_changed(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the period must be the same in every row of a group", fname),
			 errhint("Pass constants for the period, or GROUP BY the period.")));
}

/* Adds (sign = +1) or takes back (sign = -1) one customer */
static void
lifecycle_add(LifecycleState *state, const LkPeriodGrid *grid, TimestampTz acquired,
			  bool active, TimestampTz churned, int sign, const char *fname)
{
	int			first;			/* first boundary the customer is in the base at */
	int			last;			/* last such boundary */

	if (active)
		churned = DT_NOEND;
	else if (churned < acquired)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: churned_at %s is before acquired_at %s", fname,
						lk_timestamptz_text(churned), lk_timestamptz_text(acquired)),
				 errhint("A customer churns at or after acquisition; leave churned_at NULL while the customer stays.")));

	lk_add_count(&state->rows, sign, fname);
	first = lk_grid_first_after(grid, acquired);
	last = lk_grid_first_after(grid, churned) - 1;
	if (first <= last)
	{
		state->in_base[first] += sign;
		state->in_base[last + 1] -= sign;
		if (first < last)
		{
			state->kept[first] += sign;
			state->kept[last] -= sign;
		}
	}
	/* acquired in period first - 1 when that is a period */
	if (first >= 1 && first <= state->nperiods)
		state->acquired[first - 1] += sign;
}

/* S, N, E and kept of every period: prefix sums of the difference arrays */
static PeriodCounts *
lifecycle_counts(const LifecycleState *state)
{
	PeriodCounts *counts = palloc(sizeof(PeriodCounts) * state->nperiods);
	int64		in_base = state->in_base[0];
	int64		kept = 0;

	for (int k = 0; k < state->nperiods; k++)
	{
		kept += state->kept[k];
		counts[k].start = in_base;
		in_base += state->in_base[k + 1];
		counts[k].end = in_base;
		counts[k].acquired = state->acquired[k];
		counts[k].kept = kept;
	}
	return counts;
}


/* ---------------------------------------------------------------------
 * Transition functions
 * ---------------------------------------------------------------------
 */

/*
 * The three SQL signatures share the C functions: (period) for
 * retention_rate and churn_rate, (period, basis) for churn_rate and
 * (period, step) for retention_series.  What the sixth argument is comes
 * from the declared signature, looked up once per query: a call expression
 * is not always there (Citus calls transition functions without one).
 */
typedef enum LifecycleShape
{
	SHAPE_PERIOD,
	SHAPE_BASIS,
	SHAPE_SERIES
} LifecycleShape;

typedef struct LifecycleCallCache
{
	LifecycleShape shape;
	char		fname[NAMEDATALEN];
	LkPeriodGrid *grid;			/* the query's period grid (kit.h) */
} LifecycleCallCache;

static const char *const shape_names[] = {
	[SHAPE_PERIOD] = "retention_rate",
	[SHAPE_BASIS] = "churn_rate",
	[SHAPE_SERIES] = "retention_series",
};

static LifecycleCallCache *
lifecycle_call_cache(FunctionCallInfo fcinfo)
{
	LifecycleCallCache *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LifecycleCallCache));
		if (PG_NARGS() <= 5)
			cache->shape = SHAPE_PERIOD;
		else
			cache->shape = lk_declared_argtype(fcinfo, 5) == INTERVALOID ? SHAPE_SERIES : SHAPE_BASIS;
		lk_aggregate_name(fcinfo, shape_names[cache->shape], cache->fname);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * Shared by every transition: args are (state, acquired_at, churned_at,
 * from, until[, step | basis]).  The state is created on the first row
 * even when acquired_at is NULL, because a moving-aggregate transition may
 * not return NULL.
 */
static Datum
lifecycle_transition(FunctionCallInfo fcinfo, int sign)
{
	LifecycleCallCache *cache = lifecycle_call_cache(fcinfo);
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, shape_names[cache->shape]);
	LifecycleState *state = PG_ARGISNULL(0) ? NULL : (LifecycleState *) PG_GETARG_POINTER(0);
	Interval	no_step = {0};
	const Interval *step = &no_step;
	ChurnBasis	basis = CHURN_BASIS_ALL;
	const LkPeriodGrid *grid;
	TimestampTz from;
	TimestampTz until;

	for (int i = 3; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: the period and its options must not be NULL", cache->fname),
					 errhint("Pass the period's start and end (and step or basis) as constants.")));
	from = PG_GETARG_TIMESTAMPTZ(3);
	until = PG_GETARG_TIMESTAMPTZ(4);
	if (cache->shape == SHAPE_SERIES)
	{
		step = PG_GETARG_INTERVAL_P(5);
		if (step->time == 0 && step->day == 0 && step->month == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the step must not be zero", cache->fname),
					 errhint("Use a positive step such as '1 month' or '7 days'.")));
	}
	else if (cache->shape == SHAPE_BASIS)
		basis = churn_basis_from_text(cache->fname, PG_GETARG_TEXT_PP(5));

	grid = lk_period_grid(&cache->grid, fcinfo->flinfo->fn_mcxt, from, until, step, cache->fname);
	if (state == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		state = lifecycle_new(from, until, step, basis, grid->nperiods, grid->fingerprint);
		MemoryContextSwitchTo(old);
	}
	else if (!same_parameters(state, from, until, step, basis))
		parameters_changed(cache->fname);

	if (!PG_ARGISNULL(1))
		lifecycle_add(state, grid, PG_GETARG_TIMESTAMPTZ(1), PG_ARGISNULL(2),
					  PG_ARGISNULL(2) ? 0 : PG_GETARG_TIMESTAMPTZ(2), sign, cache->fname);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(lifecycle_accum);
Datum
lifecycle_accum(PG_FUNCTION_ARGS)
{
	return lifecycle_transition(fcinfo, +1);
}

PG_FUNCTION_INFO_V1(lifecycle_retract);
Datum
lifecycle_retract(PG_FUNCTION_ARGS)
{
	return lifecycle_transition(fcinfo, -1);
}


/* ---------------------------------------------------------------------
 * Combine, serialize, deserialize (parallel query)
 * ---------------------------------------------------------------------
 */

static LkStateHeader *
lifecycle_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const LifecycleState *m = (const LifecycleState *) model;
	MemoryContext old = MemoryContextSwitchTo(context);
	LifecycleState *state = lifecycle_new(m->from, m->until, &m->step, m->basis,
										  m->nperiods, m->fingerprint);

	MemoryContextSwitchTo(old);
	return &state->header;
}

static void
lifecycle_merge(LkStateHeader *into, const LkStateHeader *from)
{
	LifecycleState *a = (LifecycleState *) into;
	const LifecycleState *b = (const LifecycleState *) from;
	int			k = a->nperiods;

	if (!same_parameters(a, b->from, b->until, &b->step, b->basis))
		parameters_changed("lifecycle_combine");
	if (a->nperiods != b->nperiods || a->fingerprint != b->fingerprint)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lifecycle_combine: partial results were counted on different period boundaries"),
				 errhint("Every node must use the same TimeZone setting.")));
	lk_add_count(&a->rows, b->rows, "lifecycle_combine");
	/* every count below is bounded by rows, so these cannot overflow */
	for (int i = 0; i < k + 2; i++)
		a->in_base[i] += b->in_base[i];
	for (int i = 0; i < k + 1; i++)
		a->kept[i] += b->kept[i];
	for (int i = 0; i < k; i++)
		a->acquired[i] += b->acquired[i];
}

static const LkStateOps lifecycle_ops = {
	.combine_name = "lifecycle_combine",
	.empty_like = lifecycle_empty_like,
	.merge = lifecycle_merge,
};

PG_FUNCTION_INFO_V1(lifecycle_combine);
Datum
lifecycle_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &lifecycle_ops);
}

/* Serialized form: format, parameters, grid, then the three arrays */
#define LIFECYCLE_SERIAL_FORMAT 1

PG_FUNCTION_INFO_V1(lifecycle_serialize);
Datum
lifecycle_serialize(PG_FUNCTION_ARGS)
{
	LifecycleState *state = (LifecycleState *) PG_GETARG_POINTER(0);
	int			k = state->nperiods;
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "lifecycle_serialize");
	lk_serial_begin(&buf, LIFECYCLE_SERIAL_FORMAT);
	pq_sendint64(&buf, state->rows);
	pq_sendint64(&buf, state->from);
	pq_sendint64(&buf, state->until);
	pq_sendint64(&buf, state->step.time);
	pq_sendint32(&buf, state->step.day);
	pq_sendint32(&buf, state->step.month);
	pq_sendint32(&buf, state->basis);
	pq_sendint32(&buf, state->fingerprint);
	pq_sendint32(&buf, k);
	for (int i = 0; i < k + 2; i++)
		pq_sendint64(&buf, state->in_base[i]);
	for (int i = 0; i < k + 1; i++)
		pq_sendint64(&buf, state->kept[i]);
	for (int i = 0; i < k; i++)
		pq_sendint64(&buf, state->acquired[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Into the current (per-input-tuple) context: combine copies what it keeps */
PG_FUNCTION_INFO_V1(lifecycle_deserialize);
Datum
lifecycle_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "lifecycle_deserialize";
	StringInfoData buf;
	LifecycleState *state;
	int64		rows;
	TimestampTz from,
				until;
	Interval	step;
	int32		basis;
	uint32		fingerprint;
	int			k;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, LIFECYCLE_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 8 * 4 + 4 * 4)
		lk_serial_error(fname, "It ends inside the header.");
	rows = pq_getmsgint64(&buf);
	from = pq_getmsgint64(&buf);
	until = pq_getmsgint64(&buf);
	step.time = pq_getmsgint64(&buf);
	step.day = pq_getmsgint(&buf, 4);
	step.month = pq_getmsgint(&buf, 4);
	basis = pq_getmsgint(&buf, 4);
	fingerprint = pq_getmsgint(&buf, 4);
	k = lk_serial_count(&buf, 3 * 8, fname);
	if (k < 1 || k > LK_MAX_PERIODS || basis < CHURN_BASIS_ALL || basis > CHURN_BASIS_START ||
		rows < 0 || buf.len - buf.cursor != 8 * (3 * k + 3))
		lk_serial_error(fname, "Its header does not describe its counts.");
	state = lifecycle_new(from, until, &step, basis, k, fingerprint);
	state->rows = rows;
	for (int i = 0; i < k + 2; i++)
		state->in_base[i] = pq_getmsgint64(&buf);
	for (int i = 0; i < k + 1; i++)
		state->kept[i] = pq_getmsgint64(&buf);
	for (int i = 0; i < k; i++)
		state->acquired[i] = pq_getmsgint64(&buf);
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(state);
}


/* ---------------------------------------------------------------------
 * Final functions (read-only: window frames keep the state)
 * ---------------------------------------------------------------------
 */

/* The state of a final function's call, or NULL when no row had an acquisition date */
static LifecycleState *
final_state(FunctionCallInfo fcinfo)
{
	LifecycleState *state = PG_ARGISNULL(0) ? NULL : (LifecycleState *) PG_GETARG_POINTER(0);

	return (state == NULL || state->rows == 0) ? NULL : state;
}

PG_FUNCTION_INFO_V1(retention_rate_final);
Datum
retention_rate_final(PG_FUNCTION_ARGS)
{
	LifecycleState *state = final_state(fcinfo);
	PeriodCounts *c;
	bool		isnull;
	double		rate;

	if (state == NULL)
		PG_RETURN_NULL();
	c = lifecycle_counts(state);
	rate = retention_from_counts(c->start, c->end, c->acquired, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(rate);
}

PG_FUNCTION_INFO_V1(churn_rate_final);
Datum
churn_rate_final(PG_FUNCTION_ARGS)
{
	LifecycleState *state = final_state(fcinfo);
	PeriodCounts *c;
	bool		isnull;
	double		rate;

	if (state == NULL)
		PG_RETURN_NULL();
	c = lifecycle_counts(state);
	rate = churn_from_counts(c->start, c->end, c->acquired, state->basis, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(rate);
}

/* Columns of the composite type customer_period, in order */
enum
{
	COL_PERIOD_START,
	COL_PERIOD_END,
	COL_START_COUNT,
	COL_NEW_COUNT,
	COL_END_COUNT,
	COL_LOST_COUNT,
	COL_RETAINED_COUNT,
	COL_RETENTION_RATE,
	COL_CHURN_RATE,
	COL_CHURN_RATE_START,
	COL_CHURN_REDUCTION,
	COL_GROWTH_RATE,
	PERIOD_COLUMNS
};

PG_FUNCTION_INFO_V1(retention_series_final);
Datum
retention_series_final(PG_FUNCTION_ARGS)
{
	LifecycleState *state = final_state(fcinfo);
	const LkPeriodGrid *grid;
	TupleDesc	desc;
	PeriodCounts *c;
	Datum	   *rows;
	bool		have_previous_churn = false;
	double		previous_churn = 0.0;

	if (state == NULL)
		PG_RETURN_NULL();
	grid = lk_period_grid((LkPeriodGrid **) &fcinfo->flinfo->fn_extra, fcinfo->flinfo->fn_mcxt,
						  state->from, state->until, &state->step,
						  "retention_series");
	if (grid->nperiods != state->nperiods || grid->fingerprint != state->fingerprint)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention_series: the rows were counted on other period boundaries than this session's"),
				 errhint("Every node must use the same TimeZone setting.")));
	desc = lk_result_row_desc(fcinfo, true, PERIOD_COLUMNS);
	c = lifecycle_counts(state);
	rows = palloc(sizeof(Datum) * state->nperiods);
	for (int k = 0; k < state->nperiods; k++)
	{
		Datum		values[PERIOD_COLUMNS];
		bool		nulls[PERIOD_COLUMNS] = {0};
		bool		isnull;
		double		churn;

		values[COL_PERIOD_START] = TimestampTzGetDatum(grid->bounds[k]);
		values[COL_PERIOD_END] = TimestampTzGetDatum(grid->bounds[k + 1]);
		values[COL_START_COUNT] = Int64GetDatum(c[k].start);
		values[COL_NEW_COUNT] = Int64GetDatum(c[k].acquired);
		values[COL_END_COUNT] = Int64GetDatum(c[k].end);
		values[COL_LOST_COUNT] = Int64GetDatum(c[k].start + c[k].acquired - c[k].end);
		values[COL_RETAINED_COUNT] = Int64GetDatum(c[k].kept);
		values[COL_RETENTION_RATE] =
			Float8GetDatum(retention_from_counts(c[k].start, c[k].end, c[k].acquired, &isnull));
		nulls[COL_RETENTION_RATE] = isnull;
		churn = churn_from_counts(c[k].start, c[k].end, c[k].acquired, CHURN_BASIS_ALL, &isnull);
		values[COL_CHURN_RATE] = Float8GetDatum(churn);
		nulls[COL_CHURN_RATE] = isnull;
		/* churn reduction: last period's churn minus this one's, in points */
		values[COL_CHURN_REDUCTION] = Float8GetDatum(previous_churn - churn);
		nulls[COL_CHURN_REDUCTION] = isnull || !have_previous_churn;
		have_previous_churn = !isnull;
		previous_churn = churn;
		values[COL_CHURN_RATE_START] =
			Float8GetDatum(churn_from_counts(c[k].start, c[k].end, c[k].acquired,
											 CHURN_BASIS_START, &isnull));
		nulls[COL_CHURN_RATE_START] = isnull;
		values[COL_GROWTH_RATE] = Float8GetDatum(c[k].start == 0 ? 0.0 :
												 100.0 * (double) (c[k].end - c[k].start) / (double) c[k].start);
		nulls[COL_GROWTH_RATE] = (c[k].start == 0);
		rows[k] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(lk_composite_array(fcinfo, rows, state->nperiods));
}
