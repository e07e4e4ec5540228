/*
 * survival.c
 *		How long customers stay: the Kaplan-Meier (product-limit) estimate of
 *		the survival curve from customers' tenures, with customers still
 *		active counted as censored, not lost.  One stored summary type,
 *		survival_summary, holds for each distinct tenure the number of
 *		customers who churned then (events) and who were still active then
 *		(censored); every statistic below is read from it, and summaries
 *		merge exactly, so per-day or per-segment summaries in a materialized
 *		view roll up later.
 *
 * Formulas (distinct times t_1 < ... < t_m, d_i events and c_i censored at
 * t_i, n_i = customers whose time is t_i or later, so that a customer
 * censored at t_i still counts at risk at t_i):
 *	 S(t)		product over t_i <= t of (n_i - d_i) / n_i (Kaplan and Meier
 *				1958); 1 before the first time, its last value after the last.
 *	 Var S(t)	Greenwood: S(t)^2 * sum over t_i <= t of d_i / (n_i (n_i - d_i)).
 *				Where every customer at risk churns (n_i = d_i) S falls to 0
 *				and the sum is infinite; the standard error and intervals
 *				are then NULL, as R's survfit gives NA.
 *	 intervals	pointwise at z = the normal quantile of (1 + level) / 2, with
 *				R survival's conf.type conventions, g = the Greenwood sum:
 *				'log'		S exp(+-z sqrt(g)), the upper clamped to 1
 *							(R's default; NULL at S = 0);
 *				'log-log'	exp(-exp(log(-log S) -+ z sqrt(g) / -log S))
 *							(lifelines' default; NULL at S = 0 and S = 1);
 *				'plain'		S +- z S sqrt(g), clamped to [0, 1].
 *	 quantiles	R's quantile.survfit: the time where F = 1 - S first reaches
 *				p; where the curve is flat at exactly p (within sqrt of the
 *				machine epsilon) the midpoint of that flat stretch, or of the
 *				stretch to the last time when it ends the curve; NULL when F
 *				never reaches p.  The interval of a quantile is the same
 *				search on the bands (lower limit from the lower band).
 *	 RMST		restricted mean survival time, the area under S from 0 to tau;
 *				its variance (Klein and Moeschberger 2003, eq. 4.4.4; survRM2
 *				computes the same) sum over t_i <= tau of A_i^2 d_i /
 *				(n_i (n_i - d_i)), A_i the area under S from t_i to tau, a
 *				term left out where n_i = d_i, as survRM2 does.
 *	 log-rank	Mantel-Haenszel over the union of the groups' times: for
 *				group g, O_g - E_g = sum of d_gi - d_i n_gi / n_i, and the
 *				hypergeometric covariance sum of d_i (n_i - d_i) / (n_i - 1)
 *				* n_gi / n_i * (delta_gh - n_hi / n_i); chi-square = (O - E)'
 *				V^-1 (O - E) over all groups but one, on (groups with E > 0)
 *				- 1 degrees of freedom (R's survdiff with rho = 0).
 *
 * The summary is the aggregates' transition state (not internal), so
 * parallel query, Citus and materialized views move the same value.  While
 * aggregating it keeps a sorted run of distinct times and an unsorted tail
 * of new ones: a row whose time is already there is a binary search and two
 * additions in place; new times are appended and merged into the sorted
 * run once the tail is as long as the run, so a column of all-distinct
 * times costs O(log n) per row, not O(n).  The final function returns the
 * canonical form (sorted, distinct, no empty times, no spare room), which
 * is also what the text and binary forms hold.
 */
#include "loyalty_kpi.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#define SURVIVAL_FORMAT 1

typedef struct SurvivalTime
{
	double		time;
	int64		events;			/* customers who churned at this time */
	int64		censored;		/* customers still active at this time */
} SurvivalTime;

/*
 * The stored value.  The canonical form (on disk, in text and in binary)
 * has ntail = 0, strictly increasing times, no time with both counts 0, and
 * no spare room; a state inside an aggregate may have a tail, empty times
 * (taken back by a window) and spare room.  The layout is the on-disk
 * format SURVIVAL_FORMAT.
 */
typedef struct SurvivalSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		format;			/* SURVIVAL_FORMAT */
	uint8		unused1;
	uint16		unused2;
	int32		nsorted;		/* times[0 .. nsorted - 1]: strictly increasing */
	int32		ntail;			/* times[nsorted ..]: in arrival order */
	int64		customers;		/* sum of all events and censored */
	SurvivalTime times[FLEXIBLE_ARRAY_MEMBER];
} SurvivalSummary;

#define SURVIVAL_HEADER offsetof(SurvivalSummary, times)
#define SURVIVAL_SIZE(n) (SURVIVAL_HEADER + (Size) (n) * sizeof(SurvivalTime))
#define SURVIVAL_CAPACITY(s) ((int) ((VARSIZE(s) - SURVIVAL_HEADER) / sizeof(SurvivalTime)))
#define SURVIVAL_MAX_TIMES ((int) ((MaxAllocSize - SURVIVAL_HEADER) / sizeof(SurvivalTime)))
/* the tail is merged once it is this long, or as long as the sorted run */
#define SURVIVAL_TAIL_MIN 64

#define SURVIVAL_TEXT_FORM "v1, then ;TIME:EVENTS:CENSORED for each time in increasing order, such as v1;3:1:0;5:2:1"

/* 2^53: the largest whole durations a double holds exactly */
#define SURVIVAL_EXACT_MAX 9007199254740992.0

static SurvivalSummary *
survival_alloc(int capacity, MemoryContext context)
{
	SurvivalSummary *s;

	if (capacity > SURVIVAL_MAX_TIMES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survival_summary: more than %d distinct times", SURVIVAL_MAX_TIMES),
				 errhint("Round the durations, to whole days for instance.")));
	s = MemoryContextAllocZero(context, SURVIVAL_SIZE(capacity));
	SET_VARSIZE(s, SURVIVAL_SIZE(capacity));
	s->format = SURVIVAL_FORMAT;
	return s;
}

static int
survival_time_cmp(const void *a, const void *b)
{
	double		x = ((const SurvivalTime *) a)->time;
	double		y = ((const SurvivalTime *) b)->time;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * Sorts the tail into the sorted run, adding the counts of equal times and
 * dropping times left with no customer.  Never grows the value.
 */
static void
survival_merge_tail(SurvivalSummary *s)
{
	int			n = s->nsorted + s->ntail;
	SurvivalTime *tail = s->times + s->nsorted;
	SurvivalTime *merged = palloc(Max(n, 1) * sizeof(SurvivalTime));
	int			i = 0,
				j = 0,
				k = 0;

	qsort(tail, s->ntail, sizeof(SurvivalTime), survival_time_cmp);
	while (i < s->nsorted || j < s->ntail)
	{
		SurvivalTime next;

		if (j >= s->ntail || (i < s->nsorted && s->times[i].time <= tail[j].time))
			next = s->times[i++];
		else
			next = tail[j++];
		if (k > 0 && merged[k - 1].time == next.time)
		{
			/* both parts of a sum already counted in s->customers: no overflow */
			merged[k - 1].events += next.events;
			merged[k - 1].censored += next.censored;
		}
		else
			merged[k++] = next;
	}
	/* drop the times a window took back to nothing */
	n = 0;
	for (i = 0; i < k; i++)
		if (merged[i].events != 0 || merged[i].censored != 0)
			merged[n++] = merged[i];
	memcpy(s->times, merged, n * sizeof(SurvivalTime));
	s->nsorted = n;
	s->ntail = 0;
	pfree(merged);
}

/*
 * Index of `time` in the sorted run, or -1.  Tenures are mostly whole
 * days or weeks with few gaps, so the index is first guessed from the
 * run's first time (exact when the run holds every whole value from it)
 * and from where the time falls between the first and last; the binary
 * search is the fallback.
 */
static inline int
survival_find(const SurvivalSummary *s, double time)
{
	int			n = s->nsorted;
	int			lo = 0,
				hi = n - 1;

	if (n > 0)
	{
		double		first = s->times[0].time,
					last = s->times[n - 1].time;
		double		offset = time - first;

		if (offset >= 0 && offset < n && s->times[(int) offset].time == time)
			return (int) offset;
		if (time >= first && time <= last && last > first)
		{
			int			guess = (int) ((n - 1) * (offset / (last - first)));

			guess = Min(Max(guess, 0), n - 1);
			if (s->times[guess].time == time)
				return guess;
			/* the run is sorted: the time is on one side of the guess */
			if (s->times[guess].time < time)
				lo = guess + 1;
			else
				hi = guess - 1;
		}
	}
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (s->times[mid].time < time)
			lo = mid + 1;
		else if (s->times[mid].time > time)
			hi = mid - 1;
		else
			return mid;
	}
	return -1;
}

/*
 * Room for `extra` more tail entries: a longer copy, made in `context`,
 * when the value is full.  The executor copies a new state value into its
 * own context and frees the old one, so the copy goes in the per-call
 * context; the old value is not freed here.
 */
static SurvivalSummary *
survival_reserve(SurvivalSummary *s, int extra, MemoryContext context)
{
	int			used = s->nsorted + s->ntail;
	int			capacity = SURVIVAL_CAPACITY(s);
	SurvivalSummary *longer;

	if (used + extra <= capacity)
		return s;
	/*
	 * Twice the room, sized to fill a power-of-two allocation, which is
	 * what the memory context hands out for small ones anyway.
	 */
	capacity = (int) Min(((Size) pg_nextpower2_64(SURVIVAL_SIZE(Max(capacity * 2, used + extra))) -
						  SURVIVAL_HEADER) / sizeof(SurvivalTime), (Size) SURVIVAL_MAX_TIMES);
	capacity = Max(capacity, used + extra);
	longer = survival_alloc(capacity, context);
	memcpy(longer, s, SURVIVAL_SIZE(used));
	SET_VARSIZE(longer, SURVIVAL_SIZE(capacity));
	return longer;
}

/*
 * Adds (sign +1) or takes back (sign -1) `events` churned and `censored`
 * active customers at `time`.  Returns the value, which may have moved.
 */
static SurvivalSummary *
survival_add(SurvivalSummary *s, double time, int64 events, int64 censored, int sign,
			 MemoryContext context, const char *fname)
{
	int			i = survival_find(s, time);
	SurvivalTime *t;

	/*
	 * Most rows: one more customer at a time the run already holds.  Every
	 * count is at most the total, so checking the total is enough.
	 */
	if (i >= 0 && sign > 0 && ((events == 1 && censored == 0) || (events == 0 && censored == 1)) &&
		likely(s->customers < PG_INT64_MAX))
	{
		s->times[i].events += events;
		s->times[i].censored += censored;
		s->customers++;
		return s;
	}
	if (i < 0 && sign < 0 && s->ntail > 0)
	{
		survival_merge_tail(s);
		i = survival_find(s, time);
	}
	if (i < 0)
	{
		if (sign < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: taking back customers at a time the summary does not hold", fname),
					 errhint("Only a summary that was merged in can be taken out again.")));
		s = survival_reserve(s, 1, context);
		t = &s->times[s->nsorted + s->ntail++];
		t->time = time;
		t->events = 0;
		t->censored = 0;
	}
	else
		t = &s->times[i];
	if (sign > 0)
	{
		lk_add_count(&t->events, events, fname);
		lk_add_count(&t->censored, censored, fname);
		lk_add_count(&s->customers, events, fname);
		lk_add_count(&s->customers, censored, fname);
	}
	else
	{
		if (t->events < events || t->censored < censored)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: taking back more customers than the summary holds", fname),
					 errhint("Only a summary that was merged in can be taken out again.")));
		t->events -= events;
		t->censored -= censored;
		s->customers -= events + censored;
	}
	if (s->ntail >= Max(SURVIVAL_TAIL_MIN, s->nsorted))
		survival_merge_tail(s);
	return s;
}

/* The canonical form of s, a new value in the current context */
static SurvivalSummary *
survival_canonical(const SurvivalSummary *s)
{
	int			used = s->nsorted + s->ntail;
	SurvivalSummary *c = survival_alloc(used, CurrentMemoryContext);

	memcpy(c, s, SURVIVAL_SIZE(used));
	survival_merge_tail(c);
	SET_VARSIZE(c, SURVIVAL_SIZE(c->nsorted));
	return c;
}

static bool
survival_is_canonical(const SurvivalSummary *s)
{
	if (s->ntail != 0 || VARSIZE(s) != SURVIVAL_SIZE(s->nsorted))
		return false;
	for (int i = 0; i < s->nsorted; i++)
		if (s->times[i].events == 0 && s->times[i].censored == 0)
			return false;
	return true;
}

/* ERROR unless a summary is in the format this library reads */
static inline void
survival_check_format(const SurvivalSummary *s, const char *fname)
{
	if (s->format != SURVIVAL_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s: unknown survival_summary format %d", fname, s->format)));
}

/* A summary argument, detoasted, and canonical for the readers below */
static const SurvivalSummary *
survival_getarg(FunctionCallInfo fcinfo, int n)
{
	SurvivalSummary *s = (SurvivalSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n));

	survival_check_format(s, "survival_summary");
	return survival_is_canonical(s) ? s : survival_canonical(s);
}


/* ---------------------------------------------------------------------
 * The aggregates' rows
 * ---------------------------------------------------------------------
 */

typedef struct SurvivalCallCache
{
	Oid			duration_type;	/* of the (duration, event) form */
	bool		event_is_integer;	/* an event column of 0 and 1 (1.12) */
	char		fname[NAMEDATALEN];
} SurvivalCallCache;

static SurvivalCallCache *
survival_call_cache(FunctionCallInfo fcinfo)
{
	SurvivalCallCache *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		/* once per call site: a direct call has a call site of its own */
		lk_require_agg_context(fcinfo, "survival_summary");
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SurvivalCallCache));
		if (PG_NARGS() == 3)
		{
			cache->duration_type = lk_declared_argtype(fcinfo, 1);
			cache->event_is_integer = lk_declared_argtype(fcinfo, 2) == INT4OID;
		}
		lk_aggregate_name(fcinfo, "survival_summary", cache->fname);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

pg_noreturn static void
survival_duration_error(const SurvivalCallCache *cache, const char *value, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: duration %s %s", cache->fname, value, problem),
			 errhint("A duration is a finite number of time units, 0 or more (up to 2^53).")));
}

/* The duration in argument 1, checked */
static double
survival_read_duration(FunctionCallInfo fcinfo, const SurvivalCallCache *cache)
{
	Datum		d = PG_GETARG_DATUM(1);
	double		v;

	switch (cache->duration_type)
	{
		case INT4OID:
			v = DatumGetInt32(d);
			break;
		case INT8OID:
			{
				int64		i = DatumGetInt64(d);

				/* a double holds every whole number up to 2^53, not beyond */
				if (i > (int64) SURVIVAL_EXACT_MAX)
					survival_duration_error(cache, psprintf(INT64_FORMAT, i), "is too large to count exactly");
				v = (double) i;
				break;
			}
		case NUMERICOID:
			{
				Numeric		num = DatumGetNumeric(d);

				if (numeric_is_nan(num) || lk_numeric_is_inf(num))
					survival_duration_error(cache, numeric_normalize(num), "is not a finite number");
				v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
				if (isinf(v))
					survival_duration_error(cache, numeric_normalize(num), "is out of range");
				break;
			}
		case FLOAT8OID:
			v = DatumGetFloat8(d);
			if (isnan(v) || isinf(v))
				survival_duration_error(cache, float8out_internal(v), "is not a finite number");
			break;
		default:
			elog(ERROR, "%s: unexpected duration type %u", cache->fname, cache->duration_type);
	}
	if (v < 0)
		survival_duration_error(cache, float8out_internal(v), "is negative");
	if (v > SURVIVAL_EXACT_MAX)
		survival_duration_error(cache, float8out_internal(v), "is too large to count exactly");
	return v + 0.0;				/* no -0 */
}

/* An event given as an integer: 1 a churn, 0 still active, anything else refused */
static bool
survival_read_integer_event(FunctionCallInfo fcinfo, const SurvivalCallCache *cache)
{
	int32		v = PG_GETARG_INT32(2);

	if (v != 0 && v != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: event %d is neither 0 nor 1", cache->fname, v),
				 errhint("An integer event is 1 for a churn and 0 for a customer still active (censored).")));
	return v == 1;
}

static Datum
survival_step(FunctionCallInfo fcinfo, int sign)
{
	SurvivalCallCache *cache;
	SurvivalSummary *s;
	double		duration;
	bool		event;

	cache = survival_call_cache(fcinfo);
	s = PG_ARGISNULL(0) ? NULL : LK_GETARG_VARLENA_STATE(SurvivalSummary, 0);
	if (PG_NARGS() == 5)
	{
		if (!lk_tenure_from_dates(fcinfo, 1, cache->fname, &duration, &event))
			goto skip;
	}
	else
	{
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
			goto skip;
		duration = survival_read_duration(fcinfo, cache);
		event = cache->event_is_integer ? survival_read_integer_event(fcinfo, cache) : PG_GETARG_BOOL(2);
	}
	if (s == NULL)
		s = survival_alloc(16, CurrentMemoryContext);
	s = survival_add(s, duration, event ? 1 : 0, event ? 0 : 1, sign, CurrentMemoryContext, cache->fname);
	PG_RETURN_POINTER(s);

skip:
	/* an empty summary, not NULL: a window's moving transition must not return NULL */
	if (s == NULL)
		s = survival_alloc(16, CurrentMemoryContext);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(survival_accum);
Datum
survival_accum(PG_FUNCTION_ARGS)
{
	return survival_step(fcinfo, +1);
}

PG_FUNCTION_INFO_V1(survival_retract);
Datum
survival_retract(PG_FUNCTION_ARGS)
{
	return survival_step(fcinfo, -1);
}

/*
 * Merging summaries: the combine function of the aggregates and the
 * transition of rollup(); survival_uncombine is rollup's window inverse.
 * STRICT, so the executor handles NULLs.
 */
static Datum
survival_merge(FunctionCallInfo fcinfo, int sign, const char *fname)
{
	SurvivalSummary *a;
	const SurvivalSummary *b;

	lk_require_agg_context(fcinfo, fname);
	a = LK_GETARG_VARLENA_STATE(SurvivalSummary, 0);
	b = (const SurvivalSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	survival_check_format(a, fname);
	survival_check_format(b, fname);
	for (int i = 0; i < b->nsorted + b->ntail; i++)
		a = survival_add(a, b->times[i].time, b->times[i].events, b->times[i].censored, sign,
						 CurrentMemoryContext, fname);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(survival_combine);
Datum
survival_combine(PG_FUNCTION_ARGS)
{
	return survival_merge(fcinfo, +1, "survival_combine");
}

PG_FUNCTION_INFO_V1(survival_uncombine);
Datum
survival_uncombine(PG_FUNCTION_ARGS)
{
	return survival_merge(fcinfo, -1, "survival_uncombine");
}

/* The canonical summary; NULL when a window took every customer back */
PG_FUNCTION_INFO_V1(survival_summary_final);
Datum
survival_summary_final(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (const SurvivalSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (s->customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(survival_canonical(s));
}


/* ---------------------------------------------------------------------
 * Text, binary and jsonb forms
 * ---------------------------------------------------------------------
 */

/* Why a value read from outside is not a canonical summary, or NULL */
static const char *
survival_problem(const SurvivalSummary *s)
{
	int64		customers = 0;

	for (int i = 0; i < s->nsorted; i++)
	{
		const SurvivalTime *t = &s->times[i];

		if (!(t->time >= 0 && t->time <= SURVIVAL_EXACT_MAX))
			return "A time is negative, not finite or too large.";
		if (i > 0 && !(t->time > s->times[i - 1].time))
			return "The times are not in strictly increasing order.";
		if (t->events < 0 || t->censored < 0)
			return "A count is negative.";
		if (t->events == 0 && t->censored == 0)
			return "A time has no customer.";
		if (pg_add_s64_overflow(customers, t->events, &customers) ||
			pg_add_s64_overflow(customers, t->censored, &customers))
			return "The counts add up past 2^63 - 1.";
	}
	return NULL;
}

PG_FUNCTION_INFO_V1(survival_summary_out);
Datum
survival_summary_out(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", SURVIVAL_FORMAT);
	for (int i = 0; i < s->nsorted; i++)
	{
		appendStringInfoChar(&buf, ';');
		lk_append_double(&buf, s->times[i].time);
		appendStringInfo(&buf, ":" INT64_FORMAT ":" INT64_FORMAT, s->times[i].events, s->times[i].censored);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(survival_summary_in);
Datum
survival_summary_in(PG_FUNCTION_ARGS)
{
	LkTextReader r;
	SurvivalSummary *s = survival_alloc(16, CurrentMemoryContext);
	const char *problem;

	lk_text_begin(&r, PG_GETARG_CSTRING(0), "survival_summary", SURVIVAL_TEXT_FORM);
	lk_text_expect(&r, "v1");
	while (lk_text_accept(&r, ";"))
	{
		SurvivalTime *t;

		s = survival_reserve(s, 1, CurrentMemoryContext);
		t = &s->times[s->nsorted++];
		t->time = lk_text_double(&r) + 0.0;
		lk_text_expect(&r, ":");
		t->events = lk_text_int64(&r, 0, PG_INT64_MAX);
		lk_text_expect(&r, ":");
		t->censored = lk_text_int64(&r, 0, PG_INT64_MAX);
	}
	lk_text_end(&r);
	if ((problem = survival_problem(s)) != NULL)
		lk_text_error(&r, problem);
	for (int i = 0; i < s->nsorted; i++)
		s->customers += s->times[i].events + s->times[i].censored;
	SET_VARSIZE(s, SURVIVAL_SIZE(s->nsorted));
	PG_RETURN_POINTER(s);
}

/* Binary: format byte, number of times, then each time's float8 and two int64 */
PG_FUNCTION_INFO_V1(survival_summary_send);
Datum
survival_summary_send(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SURVIVAL_FORMAT);
	pq_sendint32(&buf, s->nsorted);
	for (int i = 0; i < s->nsorted; i++)
	{
		pq_sendfloat8(&buf, s->times[i].time);
		pq_sendint64(&buf, s->times[i].events);
		pq_sendint64(&buf, s->times[i].censored);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}


PG_FUNCTION_INFO_V1(survival_summary_recv);
Datum
survival_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	SurvivalSummary *s;
	const char *problem;
	int			format;
	int32		n;

	if (buf->len - buf->cursor < 5)
		lk_binary_error("survival_summary", "The header takes 5 bytes.");
	format = pq_getmsgbyte(buf);
	if (format != SURVIVAL_FORMAT)
		lk_binary_error("survival_summary", psprintf("Unknown format %d.", format));
	n = pq_getmsgint(buf, 4);
	if (n < 0 || n > (buf->len - buf->cursor) / 24)
		lk_binary_error("survival_summary", psprintf("%d times do not fit in the %d bytes left.", n, buf->len - buf->cursor));
	s = survival_alloc(n, CurrentMemoryContext);
	for (int i = 0; i < n; i++)
	{
		s->times[i].time = pq_getmsgfloat8(buf) + 0.0;
		s->times[i].events = pq_getmsgint64(buf);
		s->times[i].censored = pq_getmsgint64(buf);
	}
	s->nsorted = n;
	if (buf->cursor != buf->len)
		lk_binary_error("survival_summary", "There are bytes after the last time.");
	if ((problem = survival_problem(s)) != NULL)
		lk_binary_error("survival_summary", problem);
	for (int i = 0; i < n; i++)
		s->customers += s->times[i].events + s->times[i].censored;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(survival_summary_jsonb);
Datum
survival_summary_jsonb(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	StringInfoData buf;
	int64		events = 0;

	for (int i = 0; i < s->nsorted; i++)
		events += s->times[i].events;
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"customers\": " INT64_FORMAT ", \"events\": " INT64_FORMAT
					 ", \"censored\": " INT64_FORMAT ", \"times\": [",
					 SURVIVAL_FORMAT, s->customers, events, s->customers - events);
	for (int i = 0; i < s->nsorted; i++)
	{
		appendStringInfoString(&buf, i ? ", {\"time\": " : "{\"time\": ");
		lk_append_double(&buf, s->times[i].time);
		appendStringInfo(&buf, ", \"events\": " INT64_FORMAT ", \"censored\": " INT64_FORMAT "}",
						 s->times[i].events, s->times[i].censored);
	}
	appendStringInfoString(&buf, "]}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}


/* ---------------------------------------------------------------------
 * The curve and what is read from it
 * ---------------------------------------------------------------------
 */

typedef enum SurvivalTransform
{
	TRANSFORM_LOG,
	TRANSFORM_LOG_LOG,
	TRANSFORM_PLAIN
} SurvivalTransform;

/* The product-limit curve at each distinct time of a canonical summary */
typedef struct SurvivalCurve
{
	int			n;
	const SurvivalTime *times;
	int64	   *at_risk;		/* n_i */
	double	   *surv;			/* S just after t_i */
	double	   *greenwood;		/* sum up to t_i of d / (n (n - d)); +inf once S is 0 */
} SurvivalCurve;

static void
survival_curve(const SurvivalSummary *s, SurvivalCurve *c)
{
	int64		at_risk = s->customers;
	double		surv = 1.0;
	double		greenwood = 0.0;

	c->n = s->nsorted;
	c->times = s->times;
	c->at_risk = palloc(Max(c->n, 1) * sizeof(int64));
	c->surv = palloc(Max(c->n, 1) * sizeof(double));
	c->greenwood = palloc(Max(c->n, 1) * sizeof(double));
	for (int i = 0; i < c->n; i++)
	{
		int64		d = s->times[i].events;

		c->at_risk[i] = at_risk;
		if (d > 0)
		{
			surv *= (double) (at_risk - d) / (double) at_risk;
			greenwood = at_risk > d ? greenwood + (double) d / ((double) at_risk * (double) (at_risk - d))
				: INFINITY;
		}
		c->surv[i] = surv;
		c->greenwood[i] = greenwood;
		at_risk -= d + s->times[i].censored;
	}
}

/* Index of the last time <= t, or -1 before the first */
static int
survival_index(const SurvivalCurve *c, double t)
{
	int			lo = 0,
				hi = c->n - 1,
				found = -1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (c->times[mid].time <= t)
		{
			found = mid;
			lo = mid + 1;
		}
		else
			hi = mid - 1;
	}
	return found;
}

static double
survival_read_time(const char *fname, const char *what, double t)
{
	if (isnan(t) || isinf(t))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, t,
						  "Pass a finite time, in the units of the durations.");
	return t;
}

static SurvivalTransform
survival_read_transform(const char *fname, text *transform)
{
	char	   *name = text_to_cstring(transform);

	if (strcmp(name, "log") == 0)
		return TRANSFORM_LOG;
	if (strcmp(name, "log-log") == 0)
		return TRANSFORM_LOG_LOG;
	if (strcmp(name, "plain") == 0)
		return TRANSFORM_PLAIN;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown transform \"%s\"", fname, name),
			 errhint("Use 'log' (R's default), 'log-log' (lifelines' default) or 'plain'.")));
}

/* z for a two-sided interval at `level` */
static double
survival_z(const char *fname, double level)
{
	lk_check_confidence_level(fname, level);
	return lk_normal_quantile(0.5 + 0.5 * level);
}

/*
 * The pointwise interval of S = surv with Greenwood sum g; false where it
 * is undefined (R's NA).
 */
static bool
survival_band(double surv, double g, double z, SurvivalTransform transform,
			  double *lower, double *upper)
{
	if (surv <= 0.0 || isinf(g))
		return false;
	switch (transform)
	{
		case TRANSFORM_LOG:
			*lower = surv * exp(-z * sqrt(g));
			*upper = Min(1.0, surv * exp(z * sqrt(g)));
			return true;
		case TRANSFORM_LOG_LOG:
			{
				double		u,
							se;

				if (surv >= 1.0)
					return false;
				u = log(-log(surv));
				se = sqrt(g) / -log(surv);
				*lower = exp(-exp(u + z * se));
				*upper = exp(-exp(u - z * se));
				return true;
			}
		case TRANSFORM_PLAIN:
			*lower = Max(0.0, surv - z * surv * sqrt(g));
			*upper = Min(1.0, surv + z * surv * sqrt(g));
			return true;
	}
	return false;
}

/*
 * The curve of the summary in argument 0 and the index of the last time at
 * or before the time in argument 1 (-1 before the first); false for an
 * empty summary, which reads as NULL.
 */
static bool
survival_read_point(FunctionCallInfo fcinfo, const char *fname, SurvivalCurve *c, int *i)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	double		t = survival_read_time(fname, "time", PG_GETARG_FLOAT8(1));

	if (s->customers == 0)
		return false;
	survival_curve(s, c);
	*i = survival_index(c, t);
	return true;
}

PG_FUNCTION_INFO_V1(survival_at);
Datum
survival_at(PG_FUNCTION_ARGS)
{
	SurvivalCurve c;
	int			i;

	if (!survival_read_point(fcinfo, "survival_at", &c, &i))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(i < 0 ? 1.0 : c.surv[i]);
}

PG_FUNCTION_INFO_V1(survival_stderr);
Datum
survival_stderr(PG_FUNCTION_ARGS)
{
	SurvivalCurve c;
	int			i;

	if (!survival_read_point(fcinfo, "survival_stderr", &c, &i))
		PG_RETURN_NULL();
	if (i < 0)
		PG_RETURN_FLOAT8(0.0);
	if (c.surv[i] <= 0.0 || isinf(c.greenwood[i]))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(c.surv[i] * sqrt(c.greenwood[i]));
}

static Datum
survival_ci(FunctionCallInfo fcinfo, bool upper, const char *fname)
{
	double		z = survival_z(fname, PG_GETARG_FLOAT8(2));
	SurvivalTransform transform = survival_read_transform(fname, PG_GETARG_TEXT_PP(3));
	SurvivalCurve c;
	double		lo,
				hi;
	int			i;

	if (!survival_read_point(fcinfo, fname, &c, &i))
		PG_RETURN_NULL();
	if (!survival_band(i < 0 ? 1.0 : c.surv[i], i < 0 ? 0.0 : c.greenwood[i], z, transform, &lo, &hi))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(upper ? hi : lo);
}

PG_FUNCTION_INFO_V1(survival_ci_lower);
Datum
survival_ci_lower(PG_FUNCTION_ARGS)
{
	return survival_ci(fcinfo, false, "survival_ci_lower");
}

PG_FUNCTION_INFO_V1(survival_ci_upper);
Datum
survival_ci_upper(PG_FUNCTION_ARGS)
{
	return survival_ci(fcinfo, true, "survival_ci_upper");
}

/* Customers whose time is t or later */
PG_FUNCTION_INFO_V1(survival_at_risk);
Datum
survival_at_risk(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	double		t = survival_read_time("at_risk", "time", PG_GETARG_FLOAT8(1));
	int64		at_risk = s->customers;

	for (int i = 0; i < s->nsorted && s->times[i].time < t; i++)
		at_risk -= s->times[i].events + s->times[i].censored;
	PG_RETURN_INT64(at_risk);
}

/*
 * R's findq: where the cumulative curve y (F = 1 - S, or 1 - a band) at
 * the points x first reaches p.  y[k] is NaN where undefined; xmax is the
 * last time of the curve.  NaN when it never does.
 */
static double
survival_find_quantile(const double *x, const double *y, int n, double xmax, double p)
{
	const double tol = sqrt(DBL_EPSILON);
	double	   *xs = palloc(n * sizeof(double));
	double	   *ys = palloc(n * sizeof(double));
	double		ymax = -INFINITY,
				last = NAN;
	int			m = 0,
				i1 = -1,
				i2 = -1;

	for (int k = 0; k < n; k++)
		if (!isnan(y[k]))
			ymax = Max(ymax, y[k]);
	if (ymax < p)
		return NAN;
	if (p == 0.0)
		return x[0];
	/*
	 * The first point of each value (a repeated value is a censoring; the
	 * curves here do not come back to a value once left), then only the
	 * defined ones; `last` is the curve's last value, defined or not.
	 */
	for (int k = 0; k < n; k++)
	{
		if (k > 0 && (y[k] == y[k - 1] || (isnan(y[k]) && isnan(y[k - 1]))))
			continue;
		last = y[k];
		if (!isnan(y[k]))
		{
			xs[m] = x[k];
			ys[m++] = y[k];
		}
	}
	/* the first point at or above p, with the tolerance either way */
	for (int k = 0; k < m && i1 < 0; k++)
		if (ys[k] + tol >= p)
			i1 = k;
	for (int k = 0; k < m && i2 < 0; k++)
		if (ys[k] - tol >= p)
			i2 = k;
	if (i1 < 0)
		return NAN;
	/* flat at p to the end of the curve: the midpoint up to its last time */
	if (!isnan(last) && fabs(p - last) < tol)
		return (xs[i1] + xmax) / 2.0;
	if (i2 < 0)
		return NAN;
	return (xs[i1] + xs[i2]) / 2.0;
}

/* Which curve a quantile is read from */
typedef enum QuantileCurve
{
	QUANTILE_ESTIMATE,
	QUANTILE_LOWER,				/* the quantile's lower limit: from S's lower band */
	QUANTILE_UPPER
} QuantileCurve;

static Datum
survival_quantile_of(FunctionCallInfo fcinfo, double p, QuantileCurve which, double z,
					 SurvivalTransform transform)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	SurvivalCurve c;
	double	   *x,
			   *y;
	double		q;

	if (s->customers == 0)
		PG_RETURN_NULL();
	survival_curve(s, &c);
	x = palloc((c.n + 1) * sizeof(double));
	y = palloc((c.n + 1) * sizeof(double));
	x[0] = 0.0;					/* R's start time */
	y[0] = 0.0;
	for (int i = 0; i < c.n; i++)
	{
		double		lo,
					hi;

		x[i + 1] = c.times[i].time;
		if (which == QUANTILE_ESTIMATE)
			y[i + 1] = 1.0 - c.surv[i];
		else if (survival_band(c.surv[i], c.greenwood[i], z, transform, &lo, &hi))
			y[i + 1] = 1.0 - (which == QUANTILE_LOWER ? lo : hi);
		else
			y[i + 1] = NAN;
	}
	q = survival_find_quantile(x, y, c.n + 1, c.times[c.n - 1].time, p);
	if (isnan(q))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(q);
}

static double
survival_read_probability(const char *fname, double p)
{
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: probability %g is out of range", fname, p),
				 errhint("Pass the share of customers churned by the time sought, from 0 to 1: 0.5 for the median.")));
	return p;
}

PG_FUNCTION_INFO_V1(survival_quantile);
Datum
survival_quantile(PG_FUNCTION_ARGS)
{
	return survival_quantile_of(fcinfo, survival_read_probability("survival_quantile", PG_GETARG_FLOAT8(1)),
								QUANTILE_ESTIMATE, 0.0, TRANSFORM_LOG);
}

PG_FUNCTION_INFO_V1(median_survival);
Datum
median_survival(PG_FUNCTION_ARGS)
{
	return survival_quantile_of(fcinfo, 0.5, QUANTILE_ESTIMATE, 0.0, TRANSFORM_LOG);
}

PG_FUNCTION_INFO_V1(median_survival_ci_lower);
Datum
median_survival_ci_lower(PG_FUNCTION_ARGS)
{
	const char *fname = "median_survival_ci_lower";

	return survival_quantile_of(fcinfo, 0.5, QUANTILE_LOWER, survival_z(fname, PG_GETARG_FLOAT8(1)),
								survival_read_transform(fname, PG_GETARG_TEXT_PP(2)));
}

PG_FUNCTION_INFO_V1(median_survival_ci_upper);
Datum
median_survival_ci_upper(PG_FUNCTION_ARGS)
{
	const char *fname = "median_survival_ci_upper";

	return survival_quantile_of(fcinfo, 0.5, QUANTILE_UPPER, survival_z(fname, PG_GETARG_FLOAT8(1)),
								survival_read_transform(fname, PG_GETARG_TEXT_PP(2)));
}

/*
 * The area under S up to tau and the variance of that estimate (the file
 * header).  Segments: [0, b_1), [b_1, b_2), ..., [b_m, tau) over the times
 * b_k <= tau; A_k is the area from b_k to tau.
 */
static void
survival_rmst(const SurvivalSummary *s, double tau, double *rmst, double *variance)
{
	SurvivalCurve c;
	double		var = 0.0,
				tail_area = 0.0;
	int			m;

	survival_curve(s, &c);
	m = survival_index(&c, tau) + 1;	/* times b_1 .. b_m are c.times[0 .. m - 1] */
	/* from the end: the area after each time, and its variance term */
	for (int k = m - 1; k >= -1; k--)
	{
		double		from = k < 0 ? 0.0 : c.times[k].time;
		double		to = k + 1 < m ? c.times[k + 1].time : tau;
		double		level = k < 0 ? 1.0 : c.surv[k];

		tail_area += level * (to - from);
		if (k >= 0)
		{
			int64		d = c.times[k].events,
						n = c.at_risk[k];

			if (d > 0 && n > d)
				var += tail_area * tail_area * (double) d / ((double) n * (double) (n - d));
		}
	}
	*rmst = tail_area;
	*variance = var;
}

static double
survival_read_tau(const char *fname, double tau)
{
	if (isnan(tau) || isinf(tau) || tau < 0)
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "tau", tau,
						  "tau is the finite horizon of the mean, 0 or more, in the units of the durations.");
	return tau;
}

PG_FUNCTION_INFO_V1(survival_rmst_value);
Datum
survival_rmst_value(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	double		tau = survival_read_tau("rmst", PG_GETARG_FLOAT8(1));
	double		rmst,
				variance;

	if (s->customers == 0)
		PG_RETURN_NULL();
	survival_rmst(s, tau, &rmst, &variance);
	PG_RETURN_FLOAT8(lk_finite_result("rmst", rmst));
}

PG_FUNCTION_INFO_V1(survival_rmst_stderr);
Datum
survival_rmst_stderr(PG_FUNCTION_ARGS)
{
	const SurvivalSummary *s = survival_getarg(fcinfo, 0);
	double		tau = survival_read_tau("rmst_stderr", PG_GETARG_FLOAT8(1));
	double		rmst,
				variance;

	if (s->customers == 0)
		PG_RETURN_NULL();
	survival_rmst(s, tau, &rmst, &variance);
	PG_RETURN_FLOAT8(lk_finite_result("rmst_stderr", sqrt(variance)));
}

/* survival_curve(s, level, transform): one row per distinct time */
typedef struct CurveRows
{
	SurvivalCurve c;
	double		z;
	SurvivalTransform transform;
} CurveRows;

PG_FUNCTION_INFO_V1(survival_curve_rows);
Datum
survival_curve_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	CurveRows  *rows;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	desc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		rows = palloc0(sizeof(CurveRows));
		rows->z = survival_z("survival_curve", PG_GETARG_FLOAT8(1));
		rows->transform = survival_read_transform("survival_curve", PG_GETARG_TEXT_PP(2));
		survival_curve(survival_getarg(fcinfo, 0), &rows->c);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "survival_curve: the result is not a row type");
		funcctx->tuple_desc = BlessTupleDesc(desc);
		funcctx->max_calls = rows->c.n;
		funcctx->user_fctx = rows;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	rows = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		const SurvivalCurve *c = &rows->c;
		Datum		values[8];
		bool		nulls[8] = {false};
		double		lo,
					hi;

		values[0] = Float8GetDatum(c->times[i].time);
		values[1] = Int64GetDatum(c->at_risk[i]);
		values[2] = Int64GetDatum(c->times[i].events);
		values[3] = Int64GetDatum(c->times[i].censored);
		values[4] = Float8GetDatum(c->surv[i]);
		if (c->surv[i] > 0.0 && !isinf(c->greenwood[i]))
			values[5] = Float8GetDatum(c->surv[i] * sqrt(c->greenwood[i]));
		else
			nulls[5] = true;
		if (survival_band(c->surv[i], c->greenwood[i], rows->z, rows->transform, &lo, &hi))
		{
			values[6] = Float8GetDatum(lo);
			values[7] = Float8GetDatum(hi);
		}
		else
			nulls[6] = nulls[7] = true;
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}


/* ---------------------------------------------------------------------
 * The log-rank test over the groups' summaries
 * ---------------------------------------------------------------------
 */

/* An order of summaries that does not depend on how they arrived */
static int
survival_summary_cmp(const void *a, const void *b)
{
	const SurvivalSummary *x = *(const SurvivalSummary *const *) a;
	const SurvivalSummary *y = *(const SurvivalSummary *const *) b;

	if (x->nsorted != y->nsorted)
		return x->nsorted < y->nsorted ? -1 : 1;
	for (int i = 0; i < x->nsorted; i++)
	{
		int			c = survival_time_cmp(&x->times[i], &y->times[i]);

		if (c != 0)
			return c;
		if (x->times[i].events != y->times[i].events)
			return x->times[i].events < y->times[i].events ? -1 : 1;
		if (x->times[i].censored != y->times[i].censored)
			return x->times[i].censored < y->times[i].censored ? -1 : 1;
	}
	return 0;
}

/*
 * Solves V x = u for the symmetric positive semi-definite V (k x k, row
 * major, overwritten) by Gaussian elimination with partial pivoting; false
 * when V is singular.
 */
static bool
solve_linear(double *v, double *u, int k)
{
	for (int col = 0; col < k; col++)
	{
		int			pivot = col;
		double		scale = 0.0;

		CHECK_FOR_INTERRUPTS();	/* k^3 / 3 steps: a cancel must not wait for them */

		for (int r = 0; r < k; r++)
			scale = Max(scale, fabs(v[(Size) r * k + col]));
		for (int r = col + 1; r < k; r++)
			if (fabs(v[(Size) r * k + col]) > fabs(v[(Size) pivot * k + col]))
				pivot = r;
		if (fabs(v[(Size) pivot * k + col]) <= 1e-12 * Max(scale, 1e-300))
			return false;
		if (pivot != col)
		{
			for (int j = 0; j < k; j++)
			{
				double		tmp = v[(Size) col * k + j];

				v[(Size) col * k + j] = v[(Size) pivot * k + j];
				v[(Size) pivot * k + j] = tmp;
			}
			{
				double		tmp = u[col];

				u[col] = u[pivot];
				u[pivot] = tmp;
			}
		}
		for (int r = col + 1; r < k; r++)
		{
			double		f = v[(Size) r * k + col] / v[(Size) col * k + col];

			for (int j = col; j < k; j++)
				v[(Size) r * k + j] -= f * v[(Size) col * k + j];
			u[r] -= f * u[col];
		}
	}
	for (int r = k - 1; r >= 0; r--)
	{
		for (int j = r + 1; j < k; j++)
			u[r] -= v[(Size) r * k + j] * u[j];
		u[r] /= v[(Size) r * k + r];
	}
	return true;
}

/*
 * logrank_test's state is the array of the groups' summaries, built by
 * these two rather than PostgreSQL's array_append and array_cat: those are
 * polymorphic and, on the first row (no state yet), read the element type
 * from the call expression, which Citus's partial aggregation does not
 * pass.  Here the element type is the declared one.  The array is an
 * expanded object in the aggregate's context, grown in place, so n groups
 * cost O(n), not the O(n^2) of copying the state each row.  NULL summaries
 * are skipped.
 */
static Datum
logrank_state_append(FunctionCallInfo fcinfo, Datum state, bool have_state, Datum summary, Oid elemtype)
{
	MemoryContext aggcontext;
	ExpandedArrayHeader *eah;
	int			index;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;	/* a direct call: the result is the caller's */
	if (!have_state)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);
		ArrayType  *empty = construct_empty_array(elemtype);

		state = expand_array(PointerGetDatum(empty), aggcontext, NULL);
		MemoryContextSwitchTo(old);
	}
	else if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(state)) ||
			 MemoryContextGetParent(DatumGetEOHP(state)->eoh_context) != aggcontext)
		state = expand_array(state, aggcontext, NULL);
	eah = (ExpandedArrayHeader *) DatumGetEOHP(state);
	index = eah->ndims == 0 ? 1 : eah->lbound[0] + eah->dims[0];
	return array_set_element(EOHPGetRWDatum(&eah->hdr), 1, &index, summary, false,
							 -1, eah->typlen, eah->typbyval, eah->typalign);
}

PG_FUNCTION_INFO_V1(logrank_accum);
Datum
logrank_accum(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	PG_RETURN_DATUM(logrank_state_append(fcinfo, PG_GETARG_DATUM(0), !PG_ARGISNULL(0), PG_GETARG_DATUM(1),
										 lk_declared_argtype(fcinfo, 1)));
}

PG_FUNCTION_INFO_V1(logrank_combine);
Datum
logrank_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *other;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	Datum		state = PG_GETARG_DATUM(0);
	bool		have_state = !PG_ARGISNULL(0);

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(other) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logrank_test: the groups' summaries must be a one-dimensional array")));
	deconstruct_array(other, ARR_ELEMTYPE(other), -1, false, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (!nulls[i])
		{
			state = logrank_state_append(fcinfo, state, have_state, elems[i], ARR_ELEMTYPE(other));
			have_state = true;
		}
	if (!have_state)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(state);
}

/* One time of one group, in the walk over the union of the groups' times */
typedef struct LogrankEntry
{
	double		time;
	int			group;
	int64		events;
	int64		left;			/* events + censored: who leave the risk set after it */
} LogrankEntry;

static int
logrank_entry_cmp(const void *a, const void *b)
{
	const LogrankEntry *x = a;
	const LogrankEntry *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

/*
 * The covariance's updates wait in chunks of event times: at each, every
 * group's share of the risk set (0 out of it) and the spread
 * d (n - d) / (n - 1).  Entry (j, h) of the covariance gets, time by
 * time, spread * share_j * ([j = h] - share_h), as in the textbook loop;
 * taken a block of rows at a time over a chunk of times, the block stays
 * in the cache where a whole g x g pass a time (32 MB at 2,000 groups)
 * went to memory, and each row's update is a contiguous loop.
 */
#define LOGRANK_CHUNK_SHARES (1 << 21)	/* 16 MB of shares a chunk */
#define LOGRANK_BLOCK_ROWS 16

typedef struct LogrankChunk
{
	int			capacity;
	int			ntimes;
	double	   *spread;			/* [ntimes] */
	double	   *share;			/* [ntimes][g] */
} LogrankChunk;

static void
logrank_add_chunk(LogrankChunk *chunk, double *var, int g)
{
	for (int first = 0; first < g; first += LOGRANK_BLOCK_ROWS)
	{
		int			last = Min(g, first + LOGRANK_BLOCK_ROWS);

		CHECK_FOR_INTERRUPTS();
		for (int t = 0; t < chunk->ntimes; t++)
		{
			const double *restrict share = chunk->share + (Size) t * g;

			for (int j = first; j < last; j++)
			{
				double		sj,
							diagonal;
				double	   *restrict row;

				if (share[j] == 0)
					continue;	/* out of the risk set: adds exact zeros */
				sj = chunk->spread[t] * share[j];
				row = var + (Size) j * g;
				/* the loop adds sj * (0 - share_j) at j too: the diagonal is put back after */
				diagonal = row[j] + sj * (1.0 - share[j]);
				for (int h = 0; h < g; h++)
					row[h] += sj * (0.0 - share[h]);
				row[j] = diagonal;
			}
		}
	}
	chunk->ntimes = 0;
}

/*
 * The final function of logrank_test: its state is the array of the
 * groups' summaries, NULLs skipped.  Result: (chi_square,
 * degrees_of_freedom, p_value, groups).
 *
 * The walk goes over the union of the groups' times once, in order (a
 * sort of every group's times), and at each time touches only the groups
 * still at risk: a group out of the risk set adds exact zeros, so leaving
 * it out changes no bit.  The covariance's g x g entries get the same
 * products in the same order as the textbook loop, so the statistic is
 * the same to the bit; the shares are divided once per group and time,
 * not once per entry (logrank_add_chunk).  Memory is the g x g
 * covariance (8 g^2 bytes: 1 GB at 11,600 groups), allocated past 1 GB
 * where the machine has it, else ERROR 54000.
 */
PG_FUNCTION_INFO_V1(logrank_final);
Datum
logrank_final(PG_FUNCTION_ARGS)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems,
				g = 0,
				df = 0,
				nentries = 0,
				nactive;
	const SurvivalSummary **groups;
	LogrankEntry *entries;
	int		   *active,			/* the groups at risk, in no particular order */
			   *slot;			/* each group's place in active */
	int64	   *at_risk,
			   *events_now,		/* each group's events at the current time */
				n = 0;
	double	   *observed_minus_expected,
			   *expected,
			   *var;
	LogrankChunk chunk;
	double		chi_square = 0.0;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	array = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logrank_test: the groups' summaries must be a one-dimensional array")));
	deconstruct_array(array, ARR_ELEMTYPE(array), -1, false, TYPALIGN_DOUBLE, &elems, &elem_nulls, &nelems);
	groups = palloc(Max(nelems, 1) * sizeof(SurvivalSummary *));
	for (int i = 0; i < nelems; i++)
		if (!elem_nulls[i])
		{
			const SurvivalSummary *s = (const SurvivalSummary *) PG_DETOAST_DATUM(elems[i]);

			survival_check_format(s, "logrank_test");
			if (!survival_is_canonical(s))
				s = survival_canonical(s);
			if (s->customers > 0)
			{
				groups[g++] = s;
				if (pg_add_s32_overflow(nentries, s->nsorted, &nentries) ||
					(Size) nentries > MaxAllocHugeSize / sizeof(LogrankEntry))
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("logrank_test: the groups hold more than %d distinct times in all", INT_MAX),
							 errhint("Compare fewer groups, or group the times coarser (whole days).")));
			}
		}
	if (g == 0)
		PG_RETURN_NULL();
	qsort(groups, g, sizeof(SurvivalSummary *), survival_summary_cmp);

	var = palloc_extended((Size) g * g * sizeof(double), MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
	if (var == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("logrank_test: %d groups need a %d x %d covariance, more memory than this server can give",
						g, g, g),
				 errhint("Compare fewer groups at a time: the memory grows as the square of their number.")));

	entries = palloc_extended((Size) Max(nentries, 1) * sizeof(LogrankEntry), MCXT_ALLOC_HUGE);
	nentries = 0;
	for (int j = 0; j < g; j++)
		for (int i = 0; i < groups[j]->nsorted; i++)
		{
			const SurvivalTime *at = &groups[j]->times[i];

			entries[nentries].time = at->time;
			entries[nentries].group = j;
			entries[nentries].events = at->events;
			entries[nentries].left = at->events + at->censored;
			nentries++;
		}
	qsort(entries, nentries, sizeof(LogrankEntry), logrank_entry_cmp);

	active = palloc(g * sizeof(int));
	slot = palloc(g * sizeof(int));
	at_risk = palloc(g * sizeof(int64));
	events_now = palloc0(g * sizeof(int64));
	observed_minus_expected = palloc0(g * sizeof(double));
	expected = palloc0(g * sizeof(double));
	chunk.capacity = Max(1, LOGRANK_CHUNK_SHARES / g);
	chunk.ntimes = 0;
	chunk.spread = palloc(sizeof(double) * chunk.capacity);
	chunk.share = palloc_extended(sizeof(double) * chunk.capacity * (Size) g, MCXT_ALLOC_HUGE);
	for (int j = 0; j < g; j++)
	{
		at_risk[j] = groups[j]->customers;
		n += at_risk[j];
		active[j] = slot[j] = j;
	}
	nactive = g;

	for (int e = 0; e < nentries;)
	{
		double		t = entries[e].time;
		int			end = e;
		int64		d = 0;

		CHECK_FOR_INTERRUPTS();
		for (; end < nentries && entries[end].time == t; end++)
		{
			events_now[entries[end].group] = entries[end].events;
			d += entries[end].events;
		}
		if (d > 0)
		{
			double		dn = (double) d / (double) n;
			double	   *share = chunk.share + (Size) chunk.ntimes * g;

			chunk.spread[chunk.ntimes++] = n > 1 ? (double) d * (double) (n - d) / (double) (n - 1) : 0.0;
			memset(share, 0, sizeof(double) * g);
			for (int a = 0; a < nactive; a++)
			{
				int			j = active[a];

				share[j] = (double) at_risk[j] / (double) n;
				expected[j] += at_risk[j] * dn;
				observed_minus_expected[j] += (double) events_now[j] - at_risk[j] * dn;
			}
			if (chunk.ntimes == chunk.capacity)
				logrank_add_chunk(&chunk, var, g);
		}
		/* who leave the risk set after t: events and censored */
		for (; e < end; e++)
		{
			int			j = entries[e].group;

			events_now[j] = 0;
			at_risk[j] -= entries[e].left;
			n -= entries[e].left;
			if (at_risk[j] == 0)
			{
				int			last = active[--nactive];

				active[slot[j]] = last;
				slot[last] = slot[j];
			}
		}
	}
	logrank_add_chunk(&chunk, var, g);

	/* as R's survdiff: the groups with an expected count, all but the first */
	{
		int		   *keep = palloc(g * sizeof(int));
		int			k = 0;

		for (int j = 0; j < g; j++)
			if (expected[j] > 0)
				keep[k++] = j;
		df = k - 1;
		if (df >= 1)
		{
			/*
			 * V is the kept rows and columns of var, gathered in place: each
			 * entry comes from a later place than the one it goes to
			 */
			double	   *v = var;
			double	   *u = palloc(df * sizeof(double));
			double	   *x = palloc(df * sizeof(double));

			for (int a = 0; a < df; a++)
			{
				u[a] = x[a] = observed_minus_expected[keep[a + 1]];
				for (int b = 0; b < df; b++)
					v[(Size) a * df + b] = var[(Size) keep[a + 1] * g + keep[b + 1]];
			}
			if (solve_linear(v, x, df))
				for (int a = 0; a < df; a++)
					chi_square += u[a] * x[a];
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("logrank_test: the groups' covariance is singular"),
						 errhint("A group whose customers are never at risk together with another's cannot be compared.")));
		}
	}
	pfree(var);

	desc = lk_result_row_desc(fcinfo, false, 4);
	values[0] = Float8GetDatum(Max(chi_square, 0.0));
	values[1] = Int32GetDatum(Max(df, 0));
	if (df >= 1)
		values[2] = Float8GetDatum(lk_chi_square_upper_p(Max(chi_square, 0.0), df));
	else
		nulls[2] = true;
	values[3] = Int32GetDatum(g);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
