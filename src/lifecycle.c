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
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

typedef enum ChurnBasis
{
	CHURN_BASIS_ALL = 0,		/* lost / (S + N), seed 001 */
	CHURN_BASIS_START = 1		/* lost / S, seed 002 */
} ChurnBasis;

/*
 * Transition state: counts only, a real type (lifecycle_state) so that
 * Citus can combine partial states from its workers, and updated in place
 * inside the aggregate.  `from`, `until`, `step` and `basis` are the row
 * arguments every row of a group must repeat, kept to check that; the
 * period boundaries are the query's period grid (kit.h), shared by every
 * group, and `fingerprint` tells whether two states were counted on the
 * same grid (it differs when their time zones put the steps apart).
 * counts[] holds, for K periods, in_base (K + 2: difference array of "in
 * the base at boundary b_k"), kept (K + 1: of "at b_k and b_k+1") and
 * acquired (K: N per period).
 */
typedef struct LifecycleState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		format;			/* LIFECYCLE_STATE_FORMAT */
	uint8		basis;			/* ChurnBasis */
	uint16		unused;
	int32		nperiods;		/* K */
	uint32		fingerprint;	/* of the grid the rows were counted on */
	int64		rows;			/* rows with a non-NULL acquired_at */
	TimestampTz from;
	TimestampTz until;
	Interval	step;			/* zero for a single period */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];
} LifecycleState;

#define LIFECYCLE_STATE_FORMAT 1
#define LIFECYCLE_SIZE(k)	(offsetof(LifecycleState, counts) + sizeof(int64) * (3 * (Size) (k) + 3))
#define IN_BASE(s)			((s)->counts)
#define KEPT(s)				((s)->counts + (s)->nperiods + 2)
#define ACQUIRED(s)			((s)->counts + 2 * (s)->nperiods + 3)

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

/*
 * Lost over S + N (or S), in double precision: S + N and S + N - E would
 * wrap in int64 for counts near 2^63 (1.2 returned -100), while s - e and
 * e - n cannot, and a rate needs no more than double's 16 digits.
 */
static double
churn_from_counts(int64 s, int64 e, int64 n, ChurnBasis basis, bool *isnull)
{
	double		lost = (double) (s - e) + (double) n;
	double		denominator = basis == CHURN_BASIS_START ? (double) s : (double) s + (double) n;

	*isnull = (denominator == 0);
	return *isnull ? 0.0 : 100.0 * lost / denominator;
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

/* A new state, zeroed, for nperiods periods, in `context` */
static LifecycleState *
lifecycle_new(MemoryContext context, TimestampTz from, TimestampTz until, const Interval *step,
			  ChurnBasis basis, int nperiods, uint32 fingerprint)
{
	LifecycleState *state = MemoryContextAllocZero(context, LIFECYCLE_SIZE(nperiods));

	SET_VARSIZE(state, LIFECYCLE_SIZE(nperiods));
	state->format = LIFECYCLE_STATE_FORMAT;
	state->from = from;
	state->until = until;
	state->step = *step;
	state->basis = basis;
	state->nperiods = nperiods;
	state->fingerprint = fingerprint;
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
		IN_BASE(state)[first] += sign;
		IN_BASE(state)[last + 1] -= sign;
		if (first < last)
		{
			KEPT(state)[first] += sign;
			KEPT(state)[last] -= sign;
		}
	}
	/* acquired in period first - 1 when that is a period */
	if (first >= 1 && first <= state->nperiods)
		ACQUIRED(state)[first - 1] += sign;
}

/* S, N, E and kept of every period: prefix sums of the difference arrays */
static PeriodCounts *
lifecycle_counts(const LifecycleState *state)
{
	PeriodCounts *counts = palloc(sizeof(PeriodCounts) * state->nperiods);
	int64		in_base = IN_BASE(state)[0];
	int64		kept = 0;

	for (int k = 0; k < state->nperiods; k++)
	{
		kept += KEPT(state)[k];
		counts[k].start = in_base;
		in_base += IN_BASE(state)[k + 1];
		counts[k].end = in_base;
		counts[k].acquired = ACQUIRED(state)[k];
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
	bool		internal_state; /* declared so by a database still at 1.3 */
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
		cache->internal_state = lk_declared_argtype(fcinfo, 0) == INTERNALOID;
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
	LifecycleState *state = PG_ARGISNULL(0) ? NULL : LK_GETARG_VARLENA_STATE(LifecycleState, 0);
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
		/*
		 * The executor copies a new state value into its own context; an
		 * internal one (a database not yet updated from 1.3) it keeps as is.
		 */
		state = lifecycle_new(cache->internal_state ? aggcontext : CurrentMemoryContext,
							  from, until, step, basis, grid->nperiods, grid->fingerprint);
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
 * Combine (parallel query, partitionwise aggregation, Citus)
 * ---------------------------------------------------------------------
 */

static void
lifecycle_merge(LifecycleState *a, const LifecycleState *b)
{
	if (!same_parameters(a, b->from, b->until, &b->step, b->basis))
		parameters_changed("lifecycle_combine");
	if (a->nperiods != b->nperiods || a->fingerprint != b->fingerprint)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lifecycle_combine: partial results were counted on different period boundaries"),
				 errhint("Every node must use the same TimeZone setting.")));
	lk_add_count(&a->rows, b->rows, "lifecycle_combine");
	/* every count is bounded by rows (checked on input), so these cannot overflow */
	for (int i = 0; i < 3 * a->nperiods + 3; i++)
		a->counts[i] += b->counts[i];
}

/*
 * STRICT, so the executor handles the NULL cases and copies the first
 * partial state it keeps.  Under a database still at 1.3 (internal state,
 * not strict) the NULL cases come here: the other state is then copied
 * into the aggregate's context, as the executor would.
 */
PG_FUNCTION_INFO_V1(lifecycle_combine);
Datum
lifecycle_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "lifecycle_combine");
	LifecycleState *a;
	LifecycleState *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = LK_GETARG_VARLENA_STATE(LifecycleState, 1);
	if (PG_ARGISNULL(0))
	{
		a = MemoryContextAlloc(aggcontext, VARSIZE(b));
		memcpy(a, b, VARSIZE(b));
		PG_RETURN_POINTER(a);
	}
	a = LK_GETARG_VARLENA_STATE(LifecycleState, 0);
	lifecycle_merge(a, b);
	PG_RETURN_POINTER(a);
}


/* ---------------------------------------------------------------------
 * The type lifecycle_state: text and binary I/O
 *
 * Text: v1;rows=R;from=F;until=U;step=M,D,T;basis=all;grid=H;in_base=..;
 * kept=..;acquired=.. -- from and until in microseconds since 2000-01-01
 * 00:00 UTC (PostgreSQL's own count, so no DateStyle or TimeZone touches
 * them), the step as months, days and microseconds, the grid fingerprint,
 * then the three count arrays, comma-separated.  Binary: the same fields
 * in network order, after the format byte.
 * ---------------------------------------------------------------------
 */

#define LIFECYCLE_TEXT_FORM "v1;rows=R;from=F;until=U;step=M,D,T;basis=all|start;grid=H;in_base=..;kept=..;acquired=.. (see the README)"

/*
 * Why a state read from outside cannot be one the aggregates make, or
 * NULL.  Checking that every period's counts are what rows could give
 * (0 <= S, N; S + N <= rows; E <= S + N; kept <= S, E) also keeps every
 * sum of merged states within int64.
 */
static const char *
lifecycle_state_problem(const LifecycleState *state)
{
	int64		start = 0;
	int64		kept = 0;
	int			k = state->nperiods;

	if (state->format != LIFECYCLE_STATE_FORMAT)
		return psprintf("Format %d is not one this release reads (it reads %d).",
						state->format, LIFECYCLE_STATE_FORMAT);
	if (state->basis > CHURN_BASIS_START)
		return "The churn basis is unknown.";
	if (k < 1 || k > LK_MAX_PERIODS || VARSIZE(state) != LIFECYCLE_SIZE(k))
		return "The number of periods does not match the counts.";
	if (state->rows < 0 || state->from >= state->until ||
		TIMESTAMP_NOT_FINITE(state->from) || TIMESTAMP_NOT_FINITE(state->until))
		return "The rows or the period bounds are out of range.";
	if (k > 1 && state->step.month == 0 && state->step.day == 0 && state->step.time == 0)
		return "A series of periods needs a step.";
	for (int i = 0; i <= k; i++)
	{
		int64		end = start;
		int64		next_kept = kept;

		if (pg_add_s64_overflow(start, IN_BASE(state)[i], &end) ||
			pg_add_s64_overflow(kept, KEPT(state)[i], &next_kept) || end < 0 || next_kept < 0 ||
			end > state->rows || next_kept > state->rows)
			return "A count runs outside 0 to rows.";
		if (i > 0)
		{
			int64		acquired = ACQUIRED(state)[i - 1];

			/* period i - 1 runs from boundary i - 1 (start) to i (end) */
			if (acquired < 0 || acquired > state->rows - start || end - acquired > start ||
				kept > start || kept > end)
				return "A period's counts are not ones its customers could give.";
		}
		start = end;
		kept = next_kept;
	}
	if (IN_BASE(state)[k + 1] != -start || kept != 0)
		return "The difference arrays do not sum to zero.";
	return NULL;
}

static void
append_counts(StringInfo buf, const char *name, const int64 *counts, int n)
{
	appendStringInfo(buf, ";%s=", name);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, i ? "," INT64_FORMAT : INT64_FORMAT, counts[i]);
}

static void
read_counts(LkTextReader *r, const char *name, int64 *counts, int n)
{
	lk_text_expect(r, psprintf(";%s=", name));
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			lk_text_expect(r, ",");
		counts[i] = lk_text_int64(r, PG_INT64_MIN, PG_INT64_MAX);
	}
}

/* Counts the periods of the text form: one more than the commas of acquired */
static int
text_periods(LkTextReader *r)
{
	const char *acquired = strstr(r->p, ";acquired=");
	int			k = 1;

	if (acquired == NULL)
		lk_text_error(r, "It has no acquired counts.");
	for (const char *c = acquired; *c; c++)
		if (*c == ',' && ++k > LK_MAX_PERIODS)
			lk_text_error(r, "It has more periods than a series may have.");
	return k;
}

PG_FUNCTION_INFO_V1(lifecycle_state_in);
Datum
lifecycle_state_in(PG_FUNCTION_ARGS)
{
	LkTextReader r;
	LifecycleState head = {0};
	LifecycleState *state;
	const char *problem;

	lk_text_begin(&r, PG_GETARG_CSTRING(0), "lifecycle_state", LIFECYCLE_TEXT_FORM);
	lk_text_expect(&r, "v");
	head.format = (uint8) lk_text_int64(&r, 0, 255);
	if (head.format != LIFECYCLE_STATE_FORMAT)
		lk_text_error(&r, psprintf("Format %d is not one this release reads (it reads %d).",
								   head.format, LIFECYCLE_STATE_FORMAT));
	lk_text_expect(&r, ";rows=");
	head.rows = lk_text_int64(&r, 0, PG_INT64_MAX);
	lk_text_expect(&r, ";from=");
	head.from = lk_text_int64(&r, PG_INT64_MIN, PG_INT64_MAX);
	lk_text_expect(&r, ";until=");
	head.until = lk_text_int64(&r, PG_INT64_MIN, PG_INT64_MAX);
	lk_text_expect(&r, ";step=");
	head.step.month = (int32) lk_text_int64(&r, PG_INT32_MIN, PG_INT32_MAX);
	lk_text_expect(&r, ",");
	head.step.day = (int32) lk_text_int64(&r, PG_INT32_MIN, PG_INT32_MAX);
	lk_text_expect(&r, ",");
	head.step.time = lk_text_int64(&r, PG_INT64_MIN, PG_INT64_MAX);
	lk_text_expect(&r, ";basis=");
	if (lk_text_accept(&r, churn_basis_names[CHURN_BASIS_ALL]))
		head.basis = CHURN_BASIS_ALL;
	else if (lk_text_accept(&r, churn_basis_names[CHURN_BASIS_START]))
		head.basis = CHURN_BASIS_START;
	else
		lk_text_error(&r, "The basis must be all or start.");
	lk_text_expect(&r, ";grid=");
	head.fingerprint = (uint32) lk_text_int64(&r, 0, PG_UINT32_MAX);

	state = lifecycle_new(CurrentMemoryContext, head.from, head.until, &head.step, head.basis,
						  text_periods(&r), head.fingerprint);
	state->rows = head.rows;
	read_counts(&r, "in_base", IN_BASE(state), state->nperiods + 2);
	read_counts(&r, "kept", KEPT(state), state->nperiods + 1);
	read_counts(&r, "acquired", ACQUIRED(state), state->nperiods);
	lk_text_end(&r);
	if ((problem = lifecycle_state_problem(state)) != NULL)
		lk_text_error(&r, problem);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(lifecycle_state_out);
Datum
lifecycle_state_out(PG_FUNCTION_ARGS)
{
	const LifecycleState *state = LK_GETARG_VARLENA_STATE(LifecycleState, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d;rows=" INT64_FORMAT ";from=" INT64_FORMAT ";until=" INT64_FORMAT
					 ";step=%d,%d," INT64_FORMAT ";basis=%s;grid=%u",
					 state->format, state->rows, state->from, state->until,
					 state->step.month, state->step.day, state->step.time,
					 churn_basis_names[state->basis], state->fingerprint);
	append_counts(&buf, "in_base", IN_BASE(state), state->nperiods + 2);
	append_counts(&buf, "kept", KEPT(state), state->nperiods + 1);
	append_counts(&buf, "acquired", ACQUIRED(state), state->nperiods);
	PG_RETURN_CSTRING(buf.data);
}

static void
lifecycle_send_fields(StringInfo buf, const void *arg)
{
	const LifecycleState *state = arg;

	pq_sendbyte(buf, state->format);
	pq_sendbyte(buf, state->basis);
	pq_sendint32(buf, state->nperiods);
	pq_sendint32(buf, state->fingerprint);
	pq_sendint64(buf, state->rows);
	pq_sendint64(buf, state->from);
	pq_sendint64(buf, state->until);
	pq_sendint32(buf, state->step.month);
	pq_sendint32(buf, state->step.day);
	pq_sendint64(buf, state->step.time);
	for (int i = 0; i < 3 * state->nperiods + 3; i++)
		pq_sendint64(buf, state->counts[i]);
}

/* The binary form; fname names the caller for errors (recv or deserialize) */
static void *
lifecycle_recv_fields(StringInfo buf, const char *fname)
{
	LifecycleState head = {0};
	LifecycleState *state;
	const char *problem;
	int			left = buf->len - buf->cursor;

	if (left < 2 + 4 * 2 + 8 * 3 + 4 * 2 + 8)
		lk_serial_error(fname, "It ends inside the header.");
	head.format = pq_getmsgbyte(buf);
	head.basis = pq_getmsgbyte(buf);
	head.nperiods = pq_getmsgint(buf, 4);
	head.fingerprint = pq_getmsgint(buf, 4);
	head.rows = pq_getmsgint64(buf);
	head.from = pq_getmsgint64(buf);
	head.until = pq_getmsgint64(buf);
	head.step.month = pq_getmsgint(buf, 4);
	head.step.day = pq_getmsgint(buf, 4);
	head.step.time = pq_getmsgint64(buf);
	if (head.format != LIFECYCLE_STATE_FORMAT)
		lk_serial_error(fname, psprintf("Format %d is not %d.", head.format, LIFECYCLE_STATE_FORMAT));
	if (head.nperiods < 1 || head.nperiods > LK_MAX_PERIODS ||
		buf->len - buf->cursor != 8 * (3 * head.nperiods + 3))
		lk_serial_error(fname, "Its number of periods does not match its length.");
	state = lifecycle_new(CurrentMemoryContext, head.from, head.until, &head.step, head.basis,
						  head.nperiods, head.fingerprint);
	state->rows = head.rows;
	for (int i = 0; i < 3 * state->nperiods + 3; i++)
		state->counts[i] = pq_getmsgint64(buf);
	if ((problem = lifecycle_state_problem(state)) != NULL)
		lk_serial_error(fname, problem);
	return state;
}

/* the type's binary I/O, and the 1.1 to 1.3 internal state's, kept for a database not yet updated */
LK_STATE_BINARY_IO(lifecycle)

/*
 * jsonb: the fields by name, times as in the text form (microseconds since
 * 2000-01-01 UTC): {"version": 1, "rows": .., "from": .., "until": ..,
 * "step": {"months": .., "days": .., "microseconds": ..}, "basis": "all",
 * "grid": .., "in_base": [..], "kept": [..], "acquired": [..]}
 */
static void
append_json_counts(StringInfo buf, const char *name, const int64 *counts, int n)
{
	appendStringInfo(buf, ", \"%s\": [", name);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, i ? ", " INT64_FORMAT : INT64_FORMAT, counts[i]);
	appendStringInfoChar(buf, ']');
}

PG_FUNCTION_INFO_V1(lifecycle_state_jsonb);
Datum
lifecycle_state_jsonb(PG_FUNCTION_ARGS)
{
	const LifecycleState *state = LK_GETARG_VARLENA_STATE(LifecycleState, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"rows\": " INT64_FORMAT ", \"from\": " INT64_FORMAT
					 ", \"until\": " INT64_FORMAT ", \"step\": {\"months\": %d, \"days\": %d, \"microseconds\": "
					 INT64_FORMAT "}, \"basis\": \"%s\", \"grid\": %u",
					 state->format, state->rows, state->from, state->until, state->step.month,
					 state->step.day, state->step.time, churn_basis_names[state->basis], state->fingerprint);
	append_json_counts(&buf, "in_base", IN_BASE(state), state->nperiods + 2);
	append_json_counts(&buf, "kept", KEPT(state), state->nperiods + 1);
	append_json_counts(&buf, "acquired", ACQUIRED(state), state->nperiods);
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}


/* ---------------------------------------------------------------------
 * Final functions (read-only: window frames keep the state)
 * ---------------------------------------------------------------------
 */

/* The state of a final function's call, or NULL when no row had an acquisition date */
static LifecycleState *
final_state(FunctionCallInfo fcinfo)
{
	LifecycleState *state = PG_ARGISNULL(0) ? NULL : LK_GETARG_VARLENA_STATE(LifecycleState, 0);

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


/* ---------------------------------------------------------------------
 * retention_after(acquired_at, churned_at, after, as_of) (1.12): the
 * N-period retention of a signup cohort, "what share of the customers we
 * signed in January were still customers 3 months after signing up".
 * Each customer is measured at their own mark, acquired_at + after
 * (calendar arithmetic in the session's time zone, so '1 month' is a
 * month); a customer whose mark is after as_of is not measurable yet and
 * left out.  Retained: churned_at NULL or after the mark, the lifecycle's
 * "in the base at t".  The state is float8[2] (measured, retained), a
 * built-in type whose text reads back exactly, counted exactly up to 2^53.
 * ---------------------------------------------------------------------
 */

#define AFTER_STATE_LEN 2

/* the counts of a checked state: one dimension, no NULLs (ARR_DATA_PTR's ?: warns in PostgreSQL 15's header) */
#define AFTER_COUNTS(a) ((float8 *) ((char *) (a) + ARR_OVERHEAD_NONULLS(1)))

/* The state's two counts, checked: a direct call may pass any array */
static float8 *
after_state_counts(ArrayType *a, const char *fname)
{
	float8	   *c;

	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != AFTER_STATE_LEN || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the state is not two counts", fname),
				 errhint("The state of retention_after is float8[2]: customers measured, customers retained.")));
	c = AFTER_COUNTS(a);
	if (!(c[0] >= 0 && c[1] >= 0 && c[1] <= c[0] && c[0] <= 9007199254740992.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the state's counts %g and %g are not counts of customers", fname, c[0], c[1]),
				 errhint("Measured and retained are whole numbers, retained at most measured.")));
	return c;
}

/* The state to update: in place inside an aggregate, else a copy */
static ArrayType *
after_state_for_update(FunctionCallInfo fcinfo, const char *fname)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);

	if (!AggCheckCallContext(fcinfo, NULL))
		a = DatumGetArrayTypePCopy(PointerGetDatum(a));
	(void) after_state_counts(a, fname);
	return a;
}

static Datum
after_transition(FunctionCallInfo fcinfo, int sign)
{
	const char *fname = "retention_after";
	ArrayType  *a;
	float8	   *c;
	TimestampTz acquired,
				mark,
				as_of;
	Interval   *after;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the state must not be NULL", fname)));
	a = after_state_for_update(fcinfo, fname);
	c = AFTER_COUNTS(a);
	if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: %s must not be NULL", fname, PG_ARGISNULL(3) ? "after" : "as_of"),
				 errhint("after is how long after acquisition retention is measured, such as '3 months'; as_of the last day the data cover, such as now().")));
	after = PG_GETARG_INTERVAL_P(3);
	as_of = PG_GETARG_TIMESTAMPTZ(4);
	if (after->month < 0 || after->day < 0 || after->time < 0 ||
		(after->month == 0 && after->day == 0 && after->time == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: after %s is not a positive interval", fname,
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(after)))),
				 errhint("Measure retention some time after acquisition, such as '3 months' or '90 days'.")));
	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: as_of must be finite", fname),
				 errhint("Pass the last day the data cover, such as now().")));
	if (PG_ARGISNULL(1))
		PG_RETURN_ARRAYTYPE_P(a);	/* no acquisition date: not a customer yet */
	acquired = PG_GETARG_TIMESTAMPTZ(1);
	if (TIMESTAMP_NOT_FINITE(acquired))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: acquired_at must be finite", fname),
				 errhint("Leave a customer's row out rather than give it an infinite date.")));
	if (!PG_ARGISNULL(2) && PG_GETARG_TIMESTAMPTZ(2) < acquired)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: churned_at %s is before acquired_at %s", fname,
						lk_timestamptz_text(PG_GETARG_TIMESTAMPTZ(2)), lk_timestamptz_text(acquired)),
				 errhint("A customer churns at or after being acquired; check the row.")));
	/* calendar arithmetic in the session's time zone; past the calendar's end it is never measurable */
	mark = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(acquired),
												   IntervalPGetDatum(after)));
	if (TIMESTAMP_NOT_FINITE(mark) || mark > as_of)
		PG_RETURN_ARRAYTYPE_P(a);
	c[0] += sign;
	if (PG_ARGISNULL(2) || PG_GETARG_TIMESTAMPTZ(2) > mark)
		c[1] += sign;
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(retention_after_accum);
Datum
retention_after_accum(PG_FUNCTION_ARGS)
{
	return after_transition(fcinfo, +1);
}

PG_FUNCTION_INFO_V1(retention_after_retract);
Datum
retention_after_retract(PG_FUNCTION_ARGS)
{
	return after_transition(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(retention_after_combine);
Datum
retention_after_combine(PG_FUNCTION_ARGS)
{
	const char *fname = "retention_after_combine";
	ArrayType  *a = after_state_for_update(fcinfo, fname);
	float8	   *c = AFTER_COUNTS(a);
	const float8 *d = after_state_counts(PG_GETARG_ARRAYTYPE_P(1), fname);

	c[0] += d[0];
	c[1] += d[1];
	if (c[0] > 9007199254740992.0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: more than 2^53 customers", fname)));
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(retention_after_final);
Datum
retention_after_final(PG_FUNCTION_ARGS)
{
	const float8 *c = after_state_counts(PG_GETARG_ARRAYTYPE_P(0), "retention_after");

	if (c[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(c[1] / c[0] * 100.0);
}
