/*
 * program.c
 *		Loyalty-program KPIs: enrollment, activity, redemption, breakage,
 *		points liability, tier distribution and the members' lift in spend.
 *
 * Formulas (KPI-SPEC.md, "Loyalty-program KPIs"; seed 002):
 *	 enrollment rate			enrolled / customers who saw the program * 100
 *	 active rate				members with activity in [as_of - window, as_of)
 *								/ all members * 100; a member whose last
 *								activity is NULL never acted and counts as
 *								inactive (the row is a member, so it is not
 *								skipped)
 *	 redemption participation	members who redeemed at least once / members * 100
 *	 redemption frequency		redemptions / members (not a share)
 *	 redemption rate			basis 'members': the participation above;
 *								'points' or 'value': redeemed / issued * 100
 *	 breakage					(issued - redeemed) / issued * 100, over the
 *								same points (a cohort of issued points)
 *	 points liability			outstanding points * cost per point *
 *								expected redemption rate / 100
 *	 tier distribution			members in each tier / members * 100
 *	 member lift				(mean spend of members - of the others)
 *								/ mean spend of the others * 100, with
 *								Welch's t test (unequal variances) and its
 *								two-sided p-value
 *
 * States: counts are an int8[] (no serialization needed, an exact inverse
 * for window frames); float sums are compensated (Neumaier) so that the
 * order in which parallel workers combine them does not change the result
 * beyond the last bit; spend uses the Youngs-Cramer updates PostgreSQL's
 * own variance aggregates use.
 */
#include "loyalty_kpi.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/syscache.h"
#include "catalog/pg_enum.h"
#include "common/int.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/jsonb.h"
#include "utils/json.h"
#include "utils/pg_locale.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/varlena.h"

/*
 * A state held in a one-dimensional array without NULLs, updated in place
 * when called as an aggregate (as int8_avg_accum does).  Outside an
 * aggregate, or for the first row, it is copied first.
 */
static ArrayType *
array_state(FunctionCallInfo fcinfo, int argno, int nelems, Oid elemtype)
{
	ArrayType  *state;

	/* the support functions are callable from SQL: never trust the shape */
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("expected an aggregate state of %d %s values, got NULL",
						nelems, format_type_be(elemtype))));
	state = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(state) != 1 || ARR_DIMS(state)[0] != nelems ||
		ARR_HASNULL(state) || ARR_ELEMTYPE(state) != elemtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected an aggregate state of %d %s values without NULLs",
						nelems, format_type_be(elemtype))));
	return state;
}

static ArrayType *
writable_array_state(FunctionCallInfo fcinfo, int argno, int nelems, Oid elemtype)
{
	ArrayType  *state = array_state(fcinfo, argno, nelems, elemtype);

	if (lk_agg_context(fcinfo) == NULL)
		state = PG_GETARG_ARRAYTYPE_P_COPY(argno);
	return state;
}

/*
 * A row that changes nothing: the state as it came (SQL NULL for a direct
 * call with no state, never a NULL pointer as a value).
 */
static Datum
state_unchanged(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/* The slots of such a state: one dimension and no NULL bitmap, as checked */
#define SLOTS(state) ((void *) ((char *) (state) + ARR_OVERHEAD_NONULLS(1)))

/* ---------------------------------------------------------------------
 * Member counts: int8[3] = {members, hits, total}
 *	 enrollment_rate:			hits = enrolled
 *	 redemption_participation:	hits = members with redemptions > 0,
 *	 redemption_frequency:		total = redemptions
 * ---------------------------------------------------------------------
 */

#define COUNT_ROWS 0
#define COUNT_HITS 1
#define COUNT_TOTAL 2
#define COUNT_SLOTS 3

static Datum
member_counts_step(FunctionCallInfo fcinfo, int sign, int64 hit, int64 total)
{
	ArrayType  *state = writable_array_state(fcinfo, 0, COUNT_SLOTS, INT8OID);
	int64	   *c = (int64 *) SLOTS(state);

	lk_add_count(&c[COUNT_ROWS], sign, "member count");
	c[COUNT_HITS] += sign * hit;
	lk_add_count(&c[COUNT_TOTAL], sign * total, "member count");
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(enrollment_accum);
Datum
enrollment_accum(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return member_counts_step(fcinfo, +1, PG_GETARG_BOOL(1) ? 1 : 0, 0);
}

PG_FUNCTION_INFO_V1(enrollment_retract);
Datum
enrollment_retract(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return member_counts_step(fcinfo, -1, PG_GETARG_BOOL(1) ? 1 : 0, 0);
}

static int64
redemptions_arg(FunctionCallInfo fcinfo)
{
	int64		redemptions = PG_GETARG_INT64(1);

	if (redemptions < 0)
	{
		char		fname[NAMEDATALEN];

		lk_aggregate_name(fcinfo, "redemption_frequency", fname);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: redemption count %lld is negative", fname, (long long) redemptions),
				 errhint("Pass each member's number of redemptions, 0 or more.")));
	}
	return redemptions;
}

PG_FUNCTION_INFO_V1(redemptions_accum);
Datum
redemptions_accum(PG_FUNCTION_ARGS)
{
	int64		redemptions;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	redemptions = redemptions_arg(fcinfo);
	return member_counts_step(fcinfo, +1, redemptions > 0 ? 1 : 0, redemptions);
}

PG_FUNCTION_INFO_V1(redemptions_retract);
Datum
redemptions_retract(PG_FUNCTION_ARGS)
{
	int64		redemptions;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	redemptions = redemptions_arg(fcinfo);
	return member_counts_step(fcinfo, -1, redemptions > 0 ? 1 : 0, redemptions);
}

/* Adds b's counts to a's */
PG_FUNCTION_INFO_V1(member_counts_combine);
Datum
member_counts_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *b = array_state(fcinfo, 1, COUNT_SLOTS, INT8OID);
	int			n = COUNT_SLOTS;
	ArrayType  *a = writable_array_state(fcinfo, 0, n, INT8OID);
	int64	   *ca = (int64 *) SLOTS(a);
	const int64 *cb = (const int64 *) SLOTS(b);

	for (int i = 0; i < n; i++)
		lk_add_count(&ca[i], cb[i], "member count");
	PG_RETURN_ARRAYTYPE_P(a);
}

static const int64 *
member_counts(FunctionCallInfo fcinfo)
{
	ArrayType  *state = array_state(fcinfo, 0, COUNT_SLOTS, INT8OID);
	const int64 *c = (const int64 *) SLOTS(state);

	return c[COUNT_ROWS] == 0 ? NULL : c;
}

PG_FUNCTION_INFO_V1(member_share_final);
Datum
member_share_final(PG_FUNCTION_ARGS)
{
	const int64 *c = member_counts(fcinfo);

	if (c == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) c[COUNT_HITS] / (double) c[COUNT_ROWS]);
}

PG_FUNCTION_INFO_V1(member_mean_final);
Datum
member_mean_final(PG_FUNCTION_ARGS)
{
	const int64 *c = member_counts(fcinfo);

	if (c == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) c[COUNT_TOTAL] / (double) c[COUNT_ROWS]);
}


/* ---------------------------------------------------------------------
 * Active rate: int8[7] = {members, active, as_of, window start, and the
 * window interval's time, day and month, to check every row repeats them}
 * ---------------------------------------------------------------------
 */

enum
{
	ACTIVE_MEMBERS,
	ACTIVE_ACTIVE,
	ACTIVE_AS_OF,
	ACTIVE_FROM,
	ACTIVE_WIN_TIME,
	ACTIVE_WIN_DAY,
	ACTIVE_WIN_MONTH,
	ACTIVE_SLOTS
};

static Datum
active_step(FunctionCallInfo fcinfo, int sign)
{
	ArrayType  *state;
	int64	   *c;
	TimestampTz as_of;
	Interval   *window;
	char		fname[NAMEDATALEN];

	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		lk_aggregate_name(fcinfo, "active_rate", fname);
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the as-of date and the window must not be NULL", fname),
				 errhint("Pass constants such as now() and '90 days'.")));
	}
	state = writable_array_state(fcinfo, 0, ACTIVE_SLOTS, INT8OID);
	c = (int64 *) SLOTS(state);
	as_of = PG_GETARG_TIMESTAMPTZ(2);
	window = PG_GETARG_INTERVAL_P(3);
	if (c[ACTIVE_MEMBERS] == 0 && c[ACTIVE_AS_OF] == 0 && c[ACTIVE_FROM] == 0)
	{
		/* the first row: work out the window once */
		TimestampTz from = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
																   TimestampTzGetDatum(as_of),
																   IntervalPGetDatum(window)));

		if (TIMESTAMP_NOT_FINITE(as_of) || from >= as_of)
		{
			lk_aggregate_name(fcinfo, "active_rate", fname);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: window %s before %s is empty", fname,
							DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(window))),
							lk_timestamptz_text(as_of)),
					 errhint("Pass a finite as-of date and a positive window such as '90 days'.")));
		}
		c[ACTIVE_AS_OF] = as_of;
		c[ACTIVE_FROM] = from;
		c[ACTIVE_WIN_TIME] = window->time;
		c[ACTIVE_WIN_DAY] = window->day;
		c[ACTIVE_WIN_MONTH] = window->month;
	}
	else if (c[ACTIVE_AS_OF] != as_of || c[ACTIVE_WIN_TIME] != window->time ||
			 c[ACTIVE_WIN_DAY] != window->day || c[ACTIVE_WIN_MONTH] != window->month)
	{
		lk_aggregate_name(fcinfo, "active_rate", fname);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the as-of date and window must be the same in every row of a group", fname),
				 errhint("Pass constants, or GROUP BY the as-of date.")));
	}
	lk_add_count(&c[ACTIVE_MEMBERS], sign, "active_rate");
	if (!PG_ARGISNULL(1))
	{
		TimestampTz activity = PG_GETARG_TIMESTAMPTZ(1);

		if (activity >= c[ACTIVE_FROM] && activity < c[ACTIVE_AS_OF])
			c[ACTIVE_ACTIVE] += sign;
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(active_accum);
Datum
active_accum(PG_FUNCTION_ARGS)
{
	return active_step(fcinfo, +1);
}

PG_FUNCTION_INFO_V1(active_retract);
Datum
active_retract(PG_FUNCTION_ARGS)
{
	return active_step(fcinfo, -1);
}

PG_FUNCTION_INFO_V1(active_combine);
Datum
active_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = writable_array_state(fcinfo, 0, ACTIVE_SLOTS, INT8OID);
	ArrayType  *b = array_state(fcinfo, 1, ACTIVE_SLOTS, INT8OID);
	int64	   *ca = (int64 *) SLOTS(a);
	const int64 *cb = (const int64 *) SLOTS(b);

	if (cb[ACTIVE_MEMBERS] == 0)
		PG_RETURN_ARRAYTYPE_P(a);
	if (ca[ACTIVE_MEMBERS] == 0)
		memcpy(ca, cb, sizeof(int64) * ACTIVE_SLOTS);
	else
	{
		if (memcmp(ca + ACTIVE_AS_OF, cb + ACTIVE_AS_OF,
				   sizeof(int64) * (ACTIVE_SLOTS - ACTIVE_AS_OF)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("active_rate: the as-of date and window must be the same in every row of a group")));
		lk_add_count(&ca[ACTIVE_MEMBERS], cb[ACTIVE_MEMBERS], "active_rate");
		ca[ACTIVE_ACTIVE] += cb[ACTIVE_ACTIVE];
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(active_rate_final);
Datum
active_rate_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = array_state(fcinfo, 0, ACTIVE_SLOTS, INT8OID);
	const int64 *c = (const int64 *) SLOTS(state);

	if (c[ACTIVE_MEMBERS] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) c[ACTIVE_ACTIVE] / (double) c[ACTIVE_MEMBERS]);
}


/* ---------------------------------------------------------------------
 * Points: float8[7] = {rows, redeemers, issued, its compensation,
 * redeemed, its compensation, basis}
 * ---------------------------------------------------------------------
 */

enum
{
	POINTS_ROWS,
	POINTS_REDEEMERS,
	POINTS_ISSUED,
	POINTS_ISSUED_C,
	POINTS_REDEEMED,
	POINTS_REDEEMED_C,
	POINTS_BASIS,
	POINTS_SLOTS
};

typedef enum RedemptionBasis
{
	BASIS_UNSET = 0,
	BASIS_MEMBERS = 1,
	BASIS_POINTS = 2,			/* 'points' and 'value' compute the same ratio */
	BASIS_VALUE = 3
} RedemptionBasis;

/* A sum and its compensation, side by side in the state, as the kit's LkSum */
#define POINTS_SUM(c, slot) ((LkSum *) &(c)[slot])
StaticAssertDecl(sizeof(LkSum) == 2 * sizeof(double), "LkSum is two doubles");

static double
points_arg(FunctionCallInfo fcinfo, int argno, const char *fallback, const char *what)
{
	double		v = PG_GETARG_FLOAT8(argno);

	if (!(v >= 0.0) || isinf(v))
	{
		char		fname[NAMEDATALEN];

		lk_aggregate_name(fcinfo, fallback, fname);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %g is not a finite amount of 0 or more", fname, what, v),
				 errhint("Points and values issued or redeemed are 0 or more.")));
	}
	return v;
}

static RedemptionBasis
redemption_basis(FunctionCallInfo fcinfo, int argno)
{
	char	   *name;
	char		fname[NAMEDATALEN];

	if (PG_ARGISNULL(argno))
		name = "(null)";
	else
	{
		name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
		if (strcmp(name, "members") == 0)
			return BASIS_MEMBERS;
		if (strcmp(name, "points") == 0)
			return BASIS_POINTS;
		if (strcmp(name, "value") == 0)
			return BASIS_VALUE;
	}
	lk_aggregate_name(fcinfo, "redemption_rate", fname);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown redemption basis \"%s\"", fname, name),
			 errhint("Use 'members' (redeemers / members), 'points' (points redeemed / issued) or 'value' (value redeemed / issued).")));
	pg_unreachable();
}

/*
 * The basis of a row.  The text of the last basis seen is kept in fn_extra
 * with its meaning, so the usual constant basis costs a short memcmp per
 * row.  (Whether the argument is a constant cannot be asked here: in an
 * aggregate's transition call the arguments are executor parameters.)
 */
typedef struct BasisCache
{
	RedemptionBasis basis;
	int			len;
	char		text[16];
} BasisCache;

static RedemptionBasis
redemption_basis_cached(FunctionCallInfo fcinfo, int argno)
{
	BasisCache *cache = fcinfo->flinfo->fn_extra;
	text	   *arg;

	if (PG_ARGISNULL(argno))
		return redemption_basis(fcinfo, argno);		/* raises the error */
	arg = PG_GETARG_TEXT_PP(argno);
	if (cache != NULL && cache->len == (int) VARSIZE_ANY_EXHDR(arg) &&
		memcmp(cache->text, VARDATA_ANY(arg), cache->len) == 0)
		return cache->basis;
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(BasisCache));
	cache->basis = redemption_basis(fcinfo, argno);
	/* every valid basis name fits */
	cache->len = (int) VARSIZE_ANY_EXHDR(arg);
	memcpy(cache->text, VARDATA_ANY(arg), cache->len);
	return cache->basis;
}

/* args: (state, issued, redeemed[, basis]) */
PG_FUNCTION_INFO_V1(points_accum);
Datum
points_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state = writable_array_state(fcinfo, 0, POINTS_SLOTS, FLOAT8OID);
	double	   *c = (double *) SLOTS(state);
	const char *fallback = PG_NARGS() > 3 ? "redemption_rate" : "breakage";
	double		issued;
	double		redeemed;

	if (PG_NARGS() > 3)
	{
		RedemptionBasis basis = redemption_basis_cached(fcinfo, 3);

		if (c[POINTS_BASIS] == BASIS_UNSET)
			c[POINTS_BASIS] = basis;
		else if (c[POINTS_BASIS] != basis)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("redemption_rate: the basis must be the same in every row of a group")));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_ARRAYTYPE_P(state);
	issued = points_arg(fcinfo, 1, fallback, "issued");
	redeemed = points_arg(fcinfo, 2, fallback, "redeemed");
	c[POINTS_ROWS] += 1.0;
	if (redeemed > 0.0)
		c[POINTS_REDEEMERS] += 1.0;
	lk_sum_add(POINTS_SUM(c, POINTS_ISSUED), issued, fallback);
	lk_sum_add(POINTS_SUM(c, POINTS_REDEEMED), redeemed, fallback);
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(points_combine);
Datum
points_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = writable_array_state(fcinfo, 0, POINTS_SLOTS, FLOAT8OID);
	ArrayType  *b = array_state(fcinfo, 1, POINTS_SLOTS, FLOAT8OID);
	double	   *ca = (double *) SLOTS(a);
	const double *cb = (const double *) SLOTS(b);

	if (ca[POINTS_BASIS] == BASIS_UNSET)
		ca[POINTS_BASIS] = cb[POINTS_BASIS];
	else if (cb[POINTS_BASIS] != BASIS_UNSET && ca[POINTS_BASIS] != cb[POINTS_BASIS])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("redemption_rate: the basis must be the same in every row of a group")));
	ca[POINTS_ROWS] += cb[POINTS_ROWS];
	ca[POINTS_REDEEMERS] += cb[POINTS_REDEEMERS];
	lk_sum_merge(POINTS_SUM(ca, POINTS_ISSUED), POINTS_SUM(cb, POINTS_ISSUED), "points_combine");
	lk_sum_merge(POINTS_SUM(ca, POINTS_REDEEMED), POINTS_SUM(cb, POINTS_REDEEMED), "points_combine");
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * part / whole * 100 as (100 part) / whole, the order every release has
 * used, unless 100 part overflows (points near 1e308): then part / whole
 * first, so a share of huge totals is a share, not Infinity
 */
static double
percent_of(double part, double whole)
{
	double		scaled = 100.0 * part;

	return isinf(scaled) ? 100.0 * (part / whole) : scaled / whole;
}

/* More redeemed than issued is no share of the issued points */
pg_noreturn static void
points_redeemed_past_issued(const char *fname, double redeemed, double issued)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %g points redeemed is more than the %g issued", fname, redeemed, issued),
			 errhint("%s compares issued points with what became of those same points: "
					 "restrict the rows to one issue cohort, not to a period of redemptions.",
					 strcmp(fname, "breakage") == 0 ? "Breakage" : "The redemption rate")));
}

PG_FUNCTION_INFO_V1(redemption_rate_final);
Datum
redemption_rate_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = array_state(fcinfo, 0, POINTS_SLOTS, FLOAT8OID);
	const double *c = (const double *) SLOTS(state);
	double		issued = lk_sum_value(POINTS_SUM(c, POINTS_ISSUED));
	double		redeemed = lk_sum_value(POINTS_SUM(c, POINTS_REDEEMED));

	if (c[POINTS_ROWS] == 0.0)
		PG_RETURN_NULL();
	if (c[POINTS_BASIS] == BASIS_MEMBERS)
		PG_RETURN_FLOAT8(100.0 * c[POINTS_REDEEMERS] / c[POINTS_ROWS]);
	if (issued == 0.0)
		PG_RETURN_NULL();
	if (redeemed > issued)
		points_redeemed_past_issued("redemption_rate", redeemed, issued);
	PG_RETURN_FLOAT8(lk_share_result("redemption_rate", percent_of(redeemed, issued), 100));
}

PG_FUNCTION_INFO_V1(breakage_final);
Datum
breakage_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = array_state(fcinfo, 0, POINTS_SLOTS, FLOAT8OID);
	const double *c = (const double *) SLOTS(state);
	double		issued = lk_sum_value(POINTS_SUM(c, POINTS_ISSUED));
	double		redeemed = lk_sum_value(POINTS_SUM(c, POINTS_REDEEMED));

	if (c[POINTS_ROWS] == 0.0 || issued == 0.0)
		PG_RETURN_NULL();
	if (redeemed > issued)
		points_redeemed_past_issued("breakage", redeemed, issued);
	PG_RETURN_FLOAT8(lk_share_result("breakage", percent_of(issued - redeemed, issued), 100));
}

PG_FUNCTION_INFO_V1(points_liability);
Datum
points_liability(PG_FUNCTION_ARGS)
{
	double		outstanding = PG_GETARG_FLOAT8(0);
	double		cost = PG_GETARG_FLOAT8(1);
	double		rate = PG_GETARG_FLOAT8(2);

	if (!(outstanding >= 0.0) || isinf(outstanding) || !(cost >= 0.0) || isinf(cost))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("points_liability: outstanding points %g and cost per point %g must be finite and 0 or more",
						outstanding, cost),
				 errhint("Pass the unredeemed points and what one point costs the program when redeemed.")));
	if (!(rate >= 0.0 && rate <= 100.0))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("points_liability: expected redemption rate %g is out of range", rate),
				 errhint("The rate is a percentage from 0 to 100, such as 100 - breakage.")));
	/* a fraction where a percent belongs gives a liability 100 times too small: say so */
	if (rate > 0.0 && rate < 1.0)
		ereport(NOTICE,
				(errmsg("points_liability: expected redemption rate %g is read as %g %%", rate, rate),
				 errhint("The rate is a percentage: for 80 %% pass 80, not 0.8.")));
	PG_RETURN_FLOAT8(lk_finite_result("points_liability", outstanding * cost * (rate / 100.0)));
}


/* ---------------------------------------------------------------------
 * Tier distribution: the state is the type tier_state, a short list of
 * tiers and their counts, so that Citus can combine it across nodes.  It
 * is updated in place; a new tier makes a longer copy, which the executor
 * keeps (programs have a handful of tiers, so that is rare).
 * ---------------------------------------------------------------------
 */

/* Programs have a handful of tiers; more than this is a misuse (use GROUP BY). */
#define MAX_TIERS 1000
#define TIER_STATE_FORMAT 1

typedef struct TierState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		format;			/* TIER_STATE_FORMAT */
	uint8		unused[3];
	int32		ntiers;
	int64		members;		/* sum of the counts */
	char		entries[FLEXIBLE_ARRAY_MEMBER]; /* TierEntry, each 8-aligned */
} TierState;

typedef struct TierEntry
{
	int64		count;
	int32		len;			/* of the name */
	char		name[FLEXIBLE_ARRAY_MEMBER];
} TierEntry;

#define TIER_ENTRY_SIZE(len)	TYPEALIGN(8, offsetof(TierEntry, name) + (Size) (len))
#define TIER_HEADER_SIZE		offsetof(TierState, entries)
#define TIER_FIRST(s)			((TierEntry *) (s)->entries)
#define TIER_NEXT(e)			((TierEntry *) ((char *) (e) + TIER_ENTRY_SIZE((e)->len)))

/* Enum tiers: the labels of the values seen, so a label is looked up once per query */
#define TIER_ENUM_CACHE 16

/* How a query compares tier names, looked up once (fn_extra) */
typedef struct TierCallCache
{
	Oid			collation;
	bool		bytewise;		/* deterministic collation: equal iff bytes equal */
	bool		internal_state; /* declared so by a database still at 1.3 */
	bool		is_enum;		/* tier_distribution(anyenum): tiers are enum labels */
	int			nlabels;
	Oid			label_oid[TIER_ENUM_CACHE];
	char	   *label[TIER_ENUM_CACHE];
} TierCallCache;

static TierCallCache *
tier_call_cache(FunctionCallInfo fcinfo)
{
	TierCallCache *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TierCallCache));
		cache->collation = lk_arg_collation(fcinfo, 1, TEXTOID);
		cache->bytewise = get_collation_isdeterministic(cache->collation);
		cache->internal_state = lk_declared_argtype(fcinfo, 0) == INTERNALOID;
		/* the transition functions say whether tiers are an enum's; others read the state */
		cache->is_enum = PG_NARGS() > 1 && lk_declared_argtype(fcinfo, 1) == ANYENUMOID;
		if (cache->is_enum)
			cache->bytewise = true; /* labels are equal when their bytes are */
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

static TierState *
tiers_new(MemoryContext context)
{
	TierState  *state = MemoryContextAllocZero(context, TIER_HEADER_SIZE);

	SET_VARSIZE(state, TIER_HEADER_SIZE);
	state->format = TIER_STATE_FORMAT;
	return state;
}

static bool
tier_equal(const TierCallCache *cache, const TierEntry *e, const char *name, int len)
{
	if (cache->bytewise)
		return e->len == len && memcmp(e->name, name, len) == 0;
	return varstr_cmp(e->name, e->len, name, len, cache->collation) == 0;
}

/*
 * Adds count members of tier `name`; returns the state, which is a new,
 * longer copy in `context` when the tier is new.
 */
static TierState *
tiers_add(TierState *state, const TierCallCache *cache, const char *name, int len,
		  int64 count, MemoryContext context)
{
	TierEntry  *e = TIER_FIRST(state);
	int			i;

	for (i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
		if (tier_equal(cache, e, name, len))
			break;
	if (i == state->ntiers)
	{
		TierState  *longer;

		if (count < 0)
			elog(ERROR, "tier_distribution: taking back a member of an unknown tier");
		if (state->ntiers >= MAX_TIERS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("tier_distribution: more than %d distinct tiers", MAX_TIERS),
					 errhint("For many distinct values use GROUP BY and count(*).")));
		longer = MemoryContextAllocZero(context, VARSIZE(state) + TIER_ENTRY_SIZE(len));
		memcpy(longer, state, VARSIZE(state));
		SET_VARSIZE(longer, VARSIZE(state) + TIER_ENTRY_SIZE(len));
		e = (TierEntry *) ((char *) longer + VARSIZE(state));
		e->len = len;
		memcpy(e->name, name, len);
		longer->ntiers++;
		state = longer;
	}
	lk_add_count(&e->count, count, "tier_distribution");
	lk_add_count(&state->members, count, "tier_distribution");
	return state;
}

/*
 * An enum tier is kept by its label, not its OID: the state's text form
 * must mean the same on every node, and OIDs differ between databases.
 */
static const char *
tier_enum_label(FunctionCallInfo fcinfo, TierCallCache *cache, Oid value)
{
	char	   *label;

	for (int i = 0; i < cache->nlabels; i++)
		if (cache->label_oid[i] == value)
			return cache->label[i];
	label = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt,
								DatumGetCString(DirectFunctionCall1(enum_out, ObjectIdGetDatum(value))));
	if (cache->nlabels < TIER_ENUM_CACHE)
	{
		cache->label_oid[cache->nlabels] = value;
		cache->label[cache->nlabels++] = label;
	}
	return label;
}

static Datum
tier_step(FunctionCallInfo fcinfo, int sign)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "tier_distribution");
	TierCallCache *cache = tier_call_cache(fcinfo);
	/* the executor copies a new state value into its context; an internal one it keeps */
	MemoryContext context = cache->internal_state ? aggcontext : CurrentMemoryContext;
	TierState  *state = PG_ARGISNULL(0) ? NULL : LK_GETARG_VARLENA_STATE(TierState, 0);

	if (state == NULL)
		state = tiers_new(context);
	if (!PG_ARGISNULL(1))
	{
		if (cache->is_enum)
		{
			const char *label = tier_enum_label(fcinfo, cache, PG_GETARG_OID(1));

			state = tiers_add(state, cache, label, strlen(label), sign, context);
		}
		else
		{
			text	   *name = PG_GETARG_TEXT_PP(1);

			state = tiers_add(state, cache, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), sign, context);
		}
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(tier_accum);
Datum
tier_accum(PG_FUNCTION_ARGS)
{
	return tier_step(fcinfo, +1);
}

PG_FUNCTION_INFO_V1(tier_retract);
Datum
tier_retract(PG_FUNCTION_ARGS)
{
	return tier_step(fcinfo, -1);
}

/*
 * STRICT, so the executor handles the NULL cases; under a database still
 * at 1.3 (internal state, not strict) they come here.
 */
PG_FUNCTION_INFO_V1(tier_combine);
Datum
tier_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "tier_combine");
	TierCallCache *cache = tier_call_cache(fcinfo);
	MemoryContext context = cache->internal_state ? aggcontext : CurrentMemoryContext;
	TierState  *a;
	TierState  *b;
	TierEntry  *e;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = LK_GETARG_VARLENA_STATE(TierState, 1);
	a = PG_ARGISNULL(0) ? tiers_new(context) : LK_GETARG_VARLENA_STATE(TierState, 0);
	e = TIER_FIRST(b);
	for (int i = 0; i < b->ntiers; i++, e = TIER_NEXT(e))
		a = tiers_add(a, cache, e->name, e->len, e->count, context);
	PG_RETURN_POINTER(a);
}


/* ---------------------------------------------------------------------
 * The type tier_state: text and binary I/O
 *
 * Text: v1;members=N;tiers=T;COUNT:"NAME";COUNT:"NAME"... with \" and \\
 * escaped in names.  Binary: format byte, the number of tiers, then each
 * one's count, name length and name.
 * ---------------------------------------------------------------------
 */

#define TIER_TEXT_FORM "v1;members=N;tiers=T;COUNT:\"NAME\";... such as v1;members=3;tiers=2;2:\"gold\";1:\"silver\""

/*
 * Why a state read from outside is not one the aggregate makes, or NULL:
 * the counts must sum to members, and names must be distinct bytes (a
 * nondeterministic collation may still merge two of them, which only adds
 * their counts).
 */
static const char *
tier_state_problem(const TierState *state)
{
	const TierEntry *e = TIER_FIRST(state);
	int64		sum = 0;

	if (state->ntiers < 0 || state->ntiers > MAX_TIERS)
		return "The number of tiers is out of range.";
	for (int i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
	{
		const TierEntry *f = TIER_FIRST(state);

		if (e->count < 0 || pg_add_s64_overflow(sum, e->count, &sum))
			return "A tier's count is out of range.";
		for (int j = 0; j < i; j++, f = TIER_NEXT(f))
			if (f->len == e->len && memcmp(f->name, e->name, e->len) == 0)
				return "A tier appears twice.";
	}
	if (sum != state->members)
		return "The counts do not sum to the members.";
	return NULL;
}

/* Appends one tier read from outside (no collation: names are kept as given) */
static TierState *
tier_append_read(TierState *state, const char *name, int len, int64 count)
{
	TierState  *longer = repalloc(state, VARSIZE(state) + TIER_ENTRY_SIZE(len));
	TierEntry  *e = (TierEntry *) ((char *) longer + VARSIZE(longer));

	memset(e, 0, TIER_ENTRY_SIZE(len));
	e->count = count;
	e->len = len;
	memcpy(e->name, name, len);
	SET_VARSIZE(longer, VARSIZE(longer) + TIER_ENTRY_SIZE(len));
	longer->ntiers++;
	return longer;
}

PG_FUNCTION_INFO_V1(tier_state_in);
Datum
tier_state_in(PG_FUNCTION_ARGS)
{
	LkTextReader r;
	TierState  *state = tiers_new(CurrentMemoryContext);
	StringInfoData name;
	const char *problem;
	int64		ntiers;

	lk_text_begin(&r, PG_GETARG_CSTRING(0), "tier_state", TIER_TEXT_FORM);
	lk_text_expect(&r, "v1;members=");
	state->members = lk_text_int64(&r, 0, PG_INT64_MAX);
	lk_text_expect(&r, ";tiers=");
	ntiers = lk_text_int64(&r, 0, MAX_TIERS);
	initStringInfo(&name);
	for (int i = 0; i < ntiers; i++)
	{
		int64		count;

		lk_text_expect(&r, ";");
		count = lk_text_int64(&r, 0, PG_INT64_MAX);
		lk_text_expect(&r, ":");
		resetStringInfo(&name);
		lk_text_quoted(&r, &name);
		state = tier_append_read(state, name.data, name.len, count);
	}
	lk_text_end(&r);
	if ((problem = tier_state_problem(state)) != NULL)
		lk_text_error(&r, problem);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(tier_state_out);
Datum
tier_state_out(PG_FUNCTION_ARGS)
{
	const TierState *state = LK_GETARG_VARLENA_STATE(TierState, 0);
	const TierEntry *e = TIER_FIRST(state);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d;members=" INT64_FORMAT ";tiers=%d",
					 state->format, state->members, state->ntiers);
	for (int i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
	{
		appendStringInfo(&buf, ";" INT64_FORMAT ":", e->count);
		lk_text_append_quoted(&buf, e->name, e->len);
	}
	PG_RETURN_CSTRING(buf.data);
}

static void
tier_send_fields(StringInfo buf, const void *arg)
{
	const TierState *state = arg;
	const TierEntry *e = TIER_FIRST(state);

	pq_sendbyte(buf, state->format);
	pq_sendint32(buf, state->ntiers);
	for (int i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
	{
		pq_sendint64(buf, e->count);
		pq_sendint32(buf, e->len);
		pq_sendbytes(buf, e->name, e->len);
	}
}

/* fname names the caller for errors (recv or deserialize) */
static void *
tier_recv_fields(StringInfo buf, const char *fname)
{
	TierState  *state = tiers_new(CurrentMemoryContext);
	const char *problem;
	int			ntiers;

	if (buf->len - buf->cursor < 1 || pq_getmsgbyte(buf) != TIER_STATE_FORMAT)
		lk_serial_error(fname, psprintf("It does not start with format %d.", TIER_STATE_FORMAT));
	ntiers = lk_serial_count(buf, 8 + 4, fname);
	if (ntiers > MAX_TIERS)
		lk_serial_error(fname, "It has more tiers than a state may hold.");
	for (int i = 0; i < ntiers; i++)
	{
		int64		count;
		int			len;

		if (buf->len - buf->cursor < 8 + 4)
			lk_serial_error(fname, "It ends inside a tier.");
		count = pq_getmsgint64(buf);
		len = (int) pq_getmsgint(buf, 4);
		if (count < 0 || len < 0 || len > buf->len - buf->cursor ||
			pg_add_s64_overflow(state->members, count, &state->members))
			lk_serial_error(fname, "A tier's count or name length is out of range.");
		/* a name the text form could not write back: dumped, it would not restore */
		if (memchr(buf->data + buf->cursor, '\0', len) != NULL ||
			!pg_verifymbstr(buf->data + buf->cursor, len, true))
			lk_serial_error(fname, "A tier's name holds a NUL byte or is not valid in the database's encoding.");
		state = tier_append_read(state, buf->data + buf->cursor, len, count);
		buf->cursor += len;
	}
	lk_serial_end(buf, fname);
	if ((problem = tier_state_problem(state)) != NULL)
		lk_serial_error(fname, problem);
	return state;
}

/* the type's binary I/O, and the 1.1 to 1.3 internal state's, kept for a database not yet updated */
LK_STATE_BINARY_IO(tier)

/* jsonb: {"version": 1, "members": 10, "tiers": {"gold": 3, ...}} */
PG_FUNCTION_INFO_V1(tier_state_jsonb);
Datum
tier_state_jsonb(PG_FUNCTION_ARGS)
{
	const TierState *state = LK_GETARG_VARLENA_STATE(TierState, 0);
	const TierEntry *e = TIER_FIRST(state);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"members\": " INT64_FORMAT ", \"tiers\": {",
					 state->format, state->members);
	for (int i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, pnstrdup(e->name, e->len));
		appendStringInfo(&buf, ": " INT64_FORMAT, e->count);
	}
	appendStringInfoString(&buf, "}}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* qsort_arg comparator: tiers by name, in the aggregate's collation */
static int
tier_order(const void *a, const void *b, void *arg)
{
	const TierEntry *x = *(const TierEntry *const *) a;
	const TierEntry *y = *(const TierEntry *const *) b;

	return varstr_cmp(x->name, x->len, y->name, y->len, *(const Oid *) arg);
}

/* A tier and where its label stands in the enum */
typedef struct EnumTier
{
	TierEntry  *entry;
	float4		sort_order;
} EnumTier;

static int
enum_tier_order(const void *a, const void *b)
{
	float4		x = ((const EnumTier *) a)->sort_order;
	float4		y = ((const EnumTier *) b)->sort_order;

	return (x > y) - (x < y);
}

/*
 * The enum type of tier_distribution(anyenum), whose final function is
 * called with an extra argument of the input type (FINALFUNC_EXTRA), in
 * plain and window aggregation alike; InvalidOid for text tiers, or when
 * the call has no expression to tell (Citus): then labels sort as text.
 */
static Oid
tier_enum_type(FunctionCallInfo fcinfo)
{
	Oid			type;

	if (PG_NARGS() < 2)
		return InvalidOid;
	type = get_fn_expr_argtype(fcinfo->flinfo, 1);
	return OidIsValid(type) && type_is_enum(type) ? type : InvalidOid;
}

/* Sorts order[] (the state's tiers) by the enum's order of their labels */
static void
sort_by_enum(TierEntry **order, int ntiers, Oid enum_type)
{
	EnumTier   *tiers = palloc(sizeof(EnumTier) * ntiers);

	for (int i = 0; i < ntiers; i++)
	{
		char	   *label = pnstrdup(order[i]->name, order[i]->len);
		HeapTuple	tuple = SearchSysCache2(ENUMTYPOIDNAME, ObjectIdGetDatum(enum_type),
											CStringGetDatum(label));

		tiers[i].entry = order[i];
		/* a label the enum no longer has goes last */
		tiers[i].sort_order = HeapTupleIsValid(tuple)
			? ((Form_pg_enum) GETSTRUCT(tuple))->enumsortorder : FLT_MAX;
		if (HeapTupleIsValid(tuple))
			ReleaseSysCache(tuple);
	}
	qsort(tiers, ntiers, sizeof(EnumTier), enum_tier_order);
	for (int i = 0; i < ntiers; i++)
		order[i] = tiers[i].entry;
}

PG_FUNCTION_INFO_V1(tier_distribution_final);
Datum
tier_distribution_final(PG_FUNCTION_ARGS)
{
	TierState  *state = PG_ARGISNULL(0) ? NULL : LK_GETARG_VARLENA_STATE(TierState, 0);
	TierCallCache *cache;
	TupleDesc	desc;
	TierEntry **order;
	TierEntry  *e;
	Datum	   *rows;
	int			nrows = 0;
	Oid			enum_type;

	if (state == NULL || state->members == 0)
		PG_RETURN_NULL();
	cache = tier_call_cache(fcinfo);
	desc = lk_result_row_desc(fcinfo, true, 3);
	/* sort pointers, not the state: it stays as it is for window frames */
	order = palloc(sizeof(TierEntry *) * state->ntiers);
	e = TIER_FIRST(state);
	for (int i = 0; i < state->ntiers; i++, e = TIER_NEXT(e))
		order[i] = e;
	if (OidIsValid(enum_type = tier_enum_type(fcinfo)))
		sort_by_enum(order, state->ntiers, enum_type);
	else
		qsort_arg(order, state->ntiers, sizeof(TierEntry *), tier_order, &cache->collation);
	rows = palloc(sizeof(Datum) * state->ntiers);
	for (int k = 0; k < state->ntiers; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {0};

		e = order[k];
		if (e->count == 0)
			continue;			/* every member of it left the window frame */
		values[0] = PointerGetDatum(cstring_to_text_with_len(e->name, e->len));
		values[1] = Int64GetDatum(e->count);
		values[2] = Float8GetDatum(100.0 * (double) e->count / (double) state->members);
		rows[nrows++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(lk_composite_array(fcinfo, rows, nrows));
}


/* ---------------------------------------------------------------------
 * Member lift in spend: float8[6] = {n, sum, Sxx} for members, then for
 * the others; Sxx is the sum of squared deviations (Youngs-Cramer)
 * ---------------------------------------------------------------------
 */

#define LIFT_SLOTS 6

pg_noreturn static void
spend_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("member_lift: value out of range: overflow"),
			 errhint("The spend, summed or squared, passes the largest double precision number.")));
}

/* as float8_accum: finite spend that sums or squares to infinity is an error */
static void
youngs_cramer_add(double *arm, double x)
{
	double		n = arm[0] + 1.0;

	arm[1] += x;
	if (arm[0] > 0.0)
	{
		double		d = x * n - arm[1];

		arm[2] += d * d / (n * arm[0]);
	}
	if (isinf(arm[1]) || isinf(arm[2]))
		spend_overflow();
	arm[0] = n;
}

/* Chan et al.'s merge, as float8_combine does it */
static void
youngs_cramer_merge(double *a, const double *b)
{
	double		n;
	double		d;

	if (b[0] == 0.0)
		return;
	if (a[0] == 0.0)
	{
		memcpy(a, b, sizeof(double) * 3);
		return;
	}
	n = a[0] + b[0];
	d = a[1] / a[0] - b[1] / b[0];
	a[2] += b[2] + a[0] * b[0] * d * d / n;
	a[1] += b[1];
	if (isinf(a[1]) || isinf(a[2]))
		spend_overflow();
	a[0] = n;
}

PG_FUNCTION_INFO_V1(lift_accum);
Datum
lift_accum(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double	   *c;
	double		spend;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	spend = PG_GETARG_FLOAT8(1);
	if (isnan(spend) || isinf(spend))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("member_lift: spend %g is not a finite number", spend),
				 errhint("Pass each customer's spend over the period as a finite amount.")));
	state = writable_array_state(fcinfo, 0, LIFT_SLOTS, FLOAT8OID);
	c = (double *) SLOTS(state);
	youngs_cramer_add(PG_GETARG_BOOL(2) ? c : c + 3, spend);
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(lift_combine);
Datum
lift_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = writable_array_state(fcinfo, 0, LIFT_SLOTS, FLOAT8OID);
	ArrayType  *b = array_state(fcinfo, 1, LIFT_SLOTS, FLOAT8OID);
	double	   *ca = (double *) SLOTS(a);
	const double *cb = (const double *) SLOTS(b);

	youngs_cramer_merge(ca, cb);
	youngs_cramer_merge(ca + 3, cb + 3);
	PG_RETURN_ARRAYTYPE_P(a);
}

enum
{
	LIFT_MEMBERS,
	LIFT_OTHERS,
	LIFT_MEMBER_MEAN,
	LIFT_OTHER_MEAN,
	LIFT_PCT,
	LIFT_T,
	LIFT_DF,
	LIFT_P,
	LIFT_COLUMNS
};

PG_FUNCTION_INFO_V1(member_lift_final);
Datum
member_lift_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = array_state(fcinfo, 0, LIFT_SLOTS, FLOAT8OID);
	const double *m = (const double *) SLOTS(state);
	const double *o = m + 3;
	Datum		values[LIFT_COLUMNS];
	bool		nulls[LIFT_COLUMNS] = {0};
	TupleDesc	desc;
	double		member_mean;
	double		other_mean;

	if (m[0] == 0.0 && o[0] == 0.0)
		PG_RETURN_NULL();
	desc = lk_result_row_desc(fcinfo, false, LIFT_COLUMNS);
	member_mean = m[0] > 0 ? m[1] / m[0] : 0.0;
	other_mean = o[0] > 0 ? o[1] / o[0] : 0.0;
	values[LIFT_MEMBERS] = Int64GetDatum((int64) m[0]);
	values[LIFT_OTHERS] = Int64GetDatum((int64) o[0]);
	values[LIFT_MEMBER_MEAN] = Float8GetDatum(member_mean);
	nulls[LIFT_MEMBER_MEAN] = (m[0] == 0);
	values[LIFT_OTHER_MEAN] = Float8GetDatum(other_mean);
	nulls[LIFT_OTHER_MEAN] = (o[0] == 0);
	values[LIFT_PCT] = Float8GetDatum(other_mean == 0.0 ? 0.0 :
									  100.0 * (member_mean - other_mean) / other_mean);
	nulls[LIFT_PCT] = (m[0] == 0 || o[0] == 0 || other_mean == 0.0);
	nulls[LIFT_T] = nulls[LIFT_DF] = nulls[LIFT_P] = true;
	if (m[0] >= 2 && o[0] >= 2)
	{
		/* Welch: each arm's variance of the mean, and Welch-Satterthwaite df */
		double		vm = m[2] / (m[0] - 1.0) / m[0];
		double		vo = o[2] / (o[0] - 1.0) / o[0];
		double		se2 = vm + vo;

		if (se2 > 0.0)
		{
			double		t = (member_mean - other_mean) / sqrt(se2);
			double		df = se2 * se2 / (vm * vm / (m[0] - 1.0) + vo * vo / (o[0] - 1.0));

			values[LIFT_T] = Float8GetDatum(t);
			values[LIFT_DF] = Float8GetDatum(df);
			values[LIFT_P] = Float8GetDatum(lk_student_t_two_sided_p(t, df));
			nulls[LIFT_T] = nulls[LIFT_DF] = nulls[LIFT_P] = false;
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
