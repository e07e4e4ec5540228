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

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
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
	PG_RETURN_FLOAT8(100.0 * redeemed / issued);
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
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("breakage: %g points redeemed is more than the %g issued", redeemed, issued),
				 errhint("Breakage compares issued points with what became of those same points: "
						 "restrict the rows to one issue cohort, not to a period of redemptions.")));
	PG_RETURN_FLOAT8(100.0 * (issued - redeemed) / issued);
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
	PG_RETURN_FLOAT8(outstanding * cost * rate / 100.0);
}


/* ---------------------------------------------------------------------
 * Tier distribution: internal state, a short list of tiers and counts
 * ---------------------------------------------------------------------
 */

/* Programs have a handful of tiers; more than this is a misuse (use GROUP BY). */
#define MAX_TIERS 1000

typedef struct TierState
{
	LkStateHeader header;
	MemoryContext context;		/* where names and arrays live */
	Oid			collation;
	bool		bytewise;		/* deterministic collation: equal iff bytes equal */
	int			ntiers;
	int			capacity;
	int64		members;
	text	  **names;
	int64	   *counts;
} TierState;

static TierState *
tiers_new(MemoryContext context, Oid collation)
{
	TierState  *state = MemoryContextAllocZero(context, sizeof(TierState));

	state->context = context;
	state->collation = collation;
	state->bytewise = !OidIsValid(collation) || get_collation_isdeterministic(collation);
	state->capacity = 8;
	state->names = MemoryContextAlloc(context, sizeof(text *) * state->capacity);
	state->counts = MemoryContextAlloc(context, sizeof(int64) * state->capacity);
	return state;
}

static bool
tier_equal(const TierState *state, const text *a, const text *b)
{
	if (state->bytewise)
		return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
			memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
	return varstr_cmp(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
					  VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), state->collation) == 0;
}

static void
tiers_add(TierState *state, const text *name, int64 count)
{
	int			i;

	for (i = 0; i < state->ntiers; i++)
		if (tier_equal(state, state->names[i], name))
			break;
	if (i == state->ntiers)
	{
		if (count < 0)
			elog(ERROR, "tier_distribution: taking back a member of an unknown tier");
		if (state->ntiers >= MAX_TIERS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("tier_distribution: more than %d distinct tiers", MAX_TIERS),
					 errhint("For many distinct values use GROUP BY and count(*).")));
		if (state->ntiers == state->capacity)
		{
			state->capacity *= 2;
			state->names = repalloc(state->names, sizeof(text *) * state->capacity);
			state->counts = repalloc(state->counts, sizeof(int64) * state->capacity);
		}
		state->names[i] = MemoryContextAlloc(state->context, VARSIZE_ANY(name));
		memcpy(state->names[i], name, VARSIZE_ANY(name));
		state->counts[i] = 0;
		state->ntiers++;
	}
	lk_add_count(&state->counts[i], count, "tier_distribution");
	lk_add_count(&state->members, count, "tier_distribution");
}

static Datum
tier_step(FunctionCallInfo fcinfo, int sign)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "tier_distribution");
	TierState  *state = PG_ARGISNULL(0) ? NULL : (TierState *) PG_GETARG_POINTER(0);

	if (state == NULL)
		state = tiers_new(aggcontext, lk_arg_collation(fcinfo, 1, TEXTOID));
	if (!PG_ARGISNULL(1))
		tiers_add(state, PG_GETARG_TEXT_PP(1), sign);
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

static LkStateHeader *
tiers_empty_like(const LkStateHeader *model, MemoryContext context)
{
	return &tiers_new(context, ((const TierState *) model)->collation)->header;
}

static void
tiers_merge(LkStateHeader *into, const LkStateHeader *from)
{
	TierState  *a = (TierState *) into;
	const TierState *b = (const TierState *) from;

	for (int i = 0; i < b->ntiers; i++)
		tiers_add(a, b->names[i], b->counts[i]);
}

static const LkStateOps tiers_ops = {
	.combine_name = "tier_combine",
	.empty_like = tiers_empty_like,
	.merge = tiers_merge,
};

PG_FUNCTION_INFO_V1(tier_combine);
Datum
tier_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &tiers_ops);
}

/* Serialized: a format byte, the number of tiers, then each one's count and name */
#define TIERS_SERIAL_FORMAT 1

PG_FUNCTION_INFO_V1(tier_serialize);
Datum
tier_serialize(PG_FUNCTION_ARGS)
{
	TierState  *state = (TierState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "tier_serialize");
	lk_serial_begin(&buf, TIERS_SERIAL_FORMAT);
	pq_sendint32(&buf, state->ntiers);
	for (int i = 0; i < state->ntiers; i++)
	{
		pq_sendint64(&buf, state->counts[i]);
		pq_sendint32(&buf, VARSIZE_ANY_EXHDR(state->names[i]));
		pq_sendbytes(&buf, VARDATA_ANY(state->names[i]), VARSIZE_ANY_EXHDR(state->names[i]));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Into the current (per-input-tuple) context: combine copies what it keeps */
PG_FUNCTION_INFO_V1(tier_deserialize);
Datum
tier_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "tier_deserialize";
	StringInfoData buf;
	TierState  *state;
	int			ntiers;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, TIERS_SERIAL_FORMAT, fname);
	state = tiers_new(CurrentMemoryContext, lk_arg_collation(fcinfo, 1, TEXTOID));
	ntiers = lk_serial_count(&buf, 8 + 4, fname);
	for (int i = 0; i < ntiers; i++)
	{
		int64		count;
		int			len;
		text	   *name;

		if (buf.len - buf.cursor < 8 + 4)
			lk_serial_error(fname, "It ends inside a tier.");
		count = pq_getmsgint64(&buf);
		len = (int) pq_getmsgint(&buf, 4);
		if (count < 0 || len < 0 || len > buf.len - buf.cursor)
			lk_serial_error(fname, "A tier's count or name length is out of range.");
		name = (text *) palloc(VARHDRSZ + len);
		SET_VARSIZE(name, VARHDRSZ + len);
		lk_serial_copy(&buf, VARDATA(name), len, fname);
		tiers_add(state, name, count);
	}
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(state);
}

/* qsort_arg comparator: tier indexes by tier name, in the aggregate's collation */
static int
tier_order(const void *a, const void *b, void *arg)
{
	const TierState *state = arg;
	const text *x = state->names[*(const int *) a];
	const text *y = state->names[*(const int *) b];

	return varstr_cmp(VARDATA_ANY(x), VARSIZE_ANY_EXHDR(x),
					  VARDATA_ANY(y), VARSIZE_ANY_EXHDR(y),
					  OidIsValid(state->collation) ? state->collation : DEFAULT_COLLATION_OID);
}

PG_FUNCTION_INFO_V1(tier_distribution_final);
Datum
tier_distribution_final(PG_FUNCTION_ARGS)
{
	TierState  *state = PG_ARGISNULL(0) ? NULL : (TierState *) PG_GETARG_POINTER(0);
	TupleDesc	desc;
	int		   *order;
	Datum	   *rows;
	int			nrows = 0;

	if (state == NULL || state->members == 0)
		PG_RETURN_NULL();
	desc = lk_result_row_desc(fcinfo, true, 3);
	/* sort indexes, not the state: it stays as it is for window frames */
	order = palloc(sizeof(int) * state->ntiers);
	for (int i = 0; i < state->ntiers; i++)
		order[i] = i;
	qsort_arg(order, state->ntiers, sizeof(int), tier_order, state);
	rows = palloc(sizeof(Datum) * state->ntiers);
	for (int k = 0; k < state->ntiers; k++)
	{
		int			i = order[k];
		Datum		values[3];
		bool		nulls[3] = {0};

		if (state->counts[i] == 0)
			continue;			/* every member of it left the window frame */
		values[0] = PointerGetDatum(state->names[i]);
		values[1] = Int64GetDatum(state->counts[i]);
		values[2] = Float8GetDatum(100.0 * (double) state->counts[i] / (double) state->members);
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
