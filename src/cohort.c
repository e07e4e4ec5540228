/*
 * cohort.c
 *		Cohort retention tables and lifecycle buckets from an activity (or
 *		orders) table, one row per activity, in one scan each.
 *
 * Definitions (README, "Cohorts and lifecycle"; issue 14):
 *	 cohort_retention	a customer's cohort is the calendar period of their
 *						first activity (or of an explicit acquisition);
 *						cell (cohort, k) counts the cohort's customers
 *						active in period k after it ('on'), in period k or
 *						any later one up to as_of ('on_or_after'), or in any
 *						period of a bracket [lo, hi].  With recurring
 *						cohorts a customer joins every cohort period in
 *						which they were active.  A cell whose period (the
 *						bracket's last) has not ended at as_of is not
 *						complete, and its rate is NULL, never a low one.
 *	 lifecycle_counts	per period of from + k * step: new (first activity
 *						ever, or acquisition, in the period), returning
 *						(active in it and in the previous one), resurrecting
 *						(active, not in the previous one, not new), dormant
 *						(active in the previous one, not in this one).
 *
 * The state is a hash table of customers (simplehash.h), ids of any type
 * through the kit.  Each customer holds a period (the cohort, or the
 * first activity) and a bitmap of the periods they were active in, inline
 * up to 64 periods and in the arena beyond: memory grows with customers,
 * not rows, at 32 bytes an entry (40-80 with the table's doubling) plus
 * the id's bytes when it is not an integer.
 */
#include "loyalty_kpi.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rangetypes.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

typedef struct ActivityEntry
{
	Datum		id;				/* integer ids: the value; otherwise a pointer into the arena */
	union
	{
		uint64		inline_bits;	/* nwords == 0 */
		uint64	   *words;
	}			bits;			/* bit j: active in period first + j (lifecycle: grid period j - 1) */
	uint32		hash;
	int32		first;			/* cohorts: the cohort's period; lifecycle: a period code */
	uint16		nwords;
	char		status;			/* simplehash's */
} ActivityEntry;

#define SH_PREFIX activity
#define SH_ELEMENT_TYPE ActivityEntry
#define SH_KEY_TYPE Datum
#define SH_KEY id
#define SH_HASH_KEY(tb, key) lk_id_hash((const LkIdType *) (tb)->private_data, key)
#define SH_EQUAL(tb, a, b) lk_id_equal((const LkIdType *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef enum CohortMode
{
	MODE_ON,					/* active in period k */
	MODE_ON_OR_AFTER,			/* active in period k or later, up to as_of */
	MODE_BRACKETS				/* active in any period of a bracket */
} CohortMode;

#define MAX_BRACKETS 1000
/* the triangle's cells, at most: a million customers' worth of a daily triangle is far less */
#define MAX_CELLS (10 * 1000 * 1000)

typedef struct Bracket
{
	int32		lo;
	int32		hi;				/* -1: no upper end */
} Bracket;

typedef enum ActivityKind
{
	KIND_COHORTS,
	KIND_LIFECYCLE
} ActivityKind;

typedef struct ActivityState
{
	LkStateHeader header;
	ActivityKind kind;
	bool		acquisition;	/* the form with an explicit acquired_at */
	LkIdType	id_type;
	activity_hash *table;
	MemoryContext context;
	LkArena		arena;
	char		fname[NAMEDATALEN];
	/* the call's settings, the same on every row */
	Interval	step;
	TimestampTz as_of;			/* cohorts: as_of; lifecycle: until */
	TimestampTz from;			/* lifecycle only */
	CohortMode	mode;
	bool		recurring;
	int32		nbrackets;
	Bracket	   *brackets;
	/* cohorts: the last period that starts before as_of; lifecycle: the number of periods */
	int32		last;
	/* the settings' arguments as last seen, to check the next rows cheaply */
	Datum		seen_mode;
	Datum		seen_cohorts;
} ActivityState;

/* Bits a customer needs: cohorts from their first period to the last; lifecycle the grid and the period before */
static inline int32
span_bits(const ActivityState *state, int32 first)
{
	return state->kind == KIND_COHORTS ? state->last - first + 1 : state->last + 1;
}

static inline uint64 *
entry_words(ActivityEntry *e)
{
	return e->nwords == 0 ? &e->bits.inline_bits : e->bits.words;
}

static inline int
entry_nwords(const ActivityEntry *e)
{
	return e->nwords == 0 ? 1 : e->nwords;
}

static inline bool
entry_bit(ActivityEntry *e, int32 j)
{
	return j >= 0 && j / 64 < entry_nwords(e) && (entry_words(e)[j / 64] >> (j % 64)) & 1;
}

/* An empty bitmap of `nbits` for an entry */
static void
entry_alloc_bits(ActivityState *state, ActivityEntry *e, int32 nbits)
{
	int			nwords = (Max(nbits, 1) + 63) / 64;

	if (nwords == 1)
	{
		e->nwords = 0;
		e->bits.inline_bits = 0;
	}
	else
	{
		e->nwords = (uint16) nwords;
		e->bits.words = lk_arena_alloc(&state->arena, sizeof(uint64) * nwords);
		memset(e->bits.words, 0, sizeof(uint64) * nwords);
	}
}

/* Moves a cohort entry's first period back to new_first, its bits with it */
static void
entry_rebase(ActivityState *state, ActivityEntry *e, int32 new_first)
{
	int32		delta = e->first - new_first;
	int			old_n = entry_nwords(e);
	uint64		old_inline = e->bits.inline_bits;
	const uint64 *old = e->nwords == 0 ? &old_inline : e->bits.words;
	uint64	   *words;
	int			word_shift = delta / 64;
	int			bit_shift = delta % 64;
	int			new_n;

	entry_alloc_bits(state, e, span_bits(state, new_first));
	words = entry_words(e);
	new_n = entry_nwords(e);
	for (int i = 0; i < old_n; i++)
	{
		if (i + word_shift < new_n)
			words[i + word_shift] |= old[i] << bit_shift;
		if (bit_shift != 0 && i + word_shift + 1 < new_n)
			words[i + word_shift + 1] |= old[i] >> (64 - bit_shift);
	}
	e->first = new_first;
}

static inline void
entry_set(ActivityEntry *e, int32 j)
{
	entry_words(e)[j / 64] |= UINT64CONST(1) << (j % 64);
}

/* The customer's entry, new ones with `first` and no bits */
static ActivityEntry *
entry_for(ActivityState *state, Datum id, uint32 hash, int32 first)
{
	bool		found;
	ActivityEntry *e = activity_insert_hash(state->table, id, hash, &found);

	if (!found)
	{
		e->id = lk_id_keep(&state->arena, &state->id_type, id);
		e->first = first;
		entry_alloc_bits(state, e, span_bits(state, first));
		return e;
	}
	if (first != e->first)
	{
		if (state->acquisition)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: one customer has acquired_at in two different periods", state->fname),
					 errhint("acquired_at is the customer's acquisition: give the same date on every row of a customer.")));
		if (first < e->first)
		{
			if (state->kind == KIND_COHORTS)
				entry_rebase(state, e, first);
			else
				e->first = first;
		}
	}
	return e;
}

/* Adds a customer's `first` period and bits from another state */
static void
entry_merge(ActivityState *state, Datum id, uint32 hash, int32 first, const uint64 *words, int nwords)
{
	ActivityEntry *e = entry_for(state, id, hash, first);
	int32		offset = state->kind == KIND_COHORTS ? first - e->first : 0;

	for (int i = 0; i < nwords; i++)
	{
		uint64		w = words[i];

		while (w != 0)
		{
			int			b = pg_rightmost_one_pos64(w);

			entry_set(e, i * 64 + b + offset);
			w &= w - 1;
		}
	}
}


/* ---------------------------------------------------------------------
 * The settings
 * ---------------------------------------------------------------------
 */

static CohortMode
parse_mode(const char *fname, text *mode)
{
	char	   *s = text_to_cstring(mode);

	if (strcmp(s, "on") == 0)
		return MODE_ON;
	if (strcmp(s, "on_or_after") == 0)
		return MODE_ON_OR_AFTER;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown mode \"%s\"", fname, s),
			 errhint("The mode is 'on' (active in period k), 'on_or_after' (in period k or later), or brackets of periods such as '{\"[1,3]\",\"[4,6]\"}'.")));
}

static bool
parse_recurring(const char *fname, text *cohorts)
{
	char	   *s = text_to_cstring(cohorts);

	if (strcmp(s, "first") == 0)
		return false;
	if (strcmp(s, "recurring") == 0)
		return true;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown cohorts \"%s\"", fname, s),
			 errhint("cohorts is 'first' (a customer's cohort is their first period) or 'recurring' (every period they were active in).")));
}

static void
parse_brackets(ActivityState *state, ArrayType *array)
{
	TypeCacheEntry *typcache = lookup_type_cache(ARR_ELEMTYPE(array), TYPECACHE_RANGE_INFO);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (typcache->rngelemtype == NULL || typcache->rngelemtype->type_id != INT4OID)
		elog(ERROR, "%s: brackets are not int4range", state->fname);
	get_typlenbyvalalign(ARR_ELEMTYPE(array), &typlen, &typbyval, &typalign);
	deconstruct_array(array, ARR_ELEMTYPE(array), typlen, typbyval, typalign, &elems, &nulls, &n);
	if (n < 1 || n > MAX_BRACKETS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %d brackets", state->fname, n),
				 errhint("Give from 1 to %d period ranges, such as '{\"[1,3]\",\"[4,6]\"}'.", MAX_BRACKETS)));
	state->brackets = MemoryContextAlloc(state->context, sizeof(Bracket) * n);
	for (int i = 0; i < n; i++)
	{
		RangeBound lower,
					upper;
		bool		empty;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: bracket %d is NULL", state->fname, i + 1),
					 errhint("Every bracket is a range of period offsets such as [1,3].")));
		range_deserialize(typcache, DatumGetRangeTypeP(elems[i]), &lower, &upper, &empty);
		if (empty || lower.infinite || DatumGetInt32(lower.val) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: bracket %d is empty or does not start at a period offset 0 or later",
							state->fname, i + 1),
					 errhint("A bracket [lo,hi] has 0 <= lo <= hi, such as [1,3]; [4,) has no upper end.")));
		/* int4range is canonical: [lower, upper) */
		state->brackets[i].lo = DatumGetInt32(lower.val);
		state->brackets[i].hi = upper.infinite ? -1 : DatumGetInt32(upper.val) - 1;
	}
	state->nbrackets = n;
}

/* ERROR unless a row's setting is the state's */
pg_noreturn static void
setting_changed(const ActivityState *state, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %s differs between rows of one group", state->fname, what),
			 errhint("Give the same %s on every row, such as a constant.", what)));
}

static ActivityState *
activity_new(MemoryContext context, const char *fname, ActivityKind kind, bool acquisition,
			 Oid id_type, Oid id_collation)
{
	MemoryContext old = MemoryContextSwitchTo(context);
	ActivityState *state = palloc0(sizeof(ActivityState));

	strlcpy(state->fname, fname, NAMEDATALEN);
	state->kind = kind;
	state->acquisition = acquisition;
	state->context = context;
	state->arena.context = context;
	lk_id_type_init(&state->id_type, id_type, id_collation, fname, "customer id");
	state->table = activity_create(context, 256, &state->id_type);
	MemoryContextSwitchTo(old);
	return state;
}


/* ---------------------------------------------------------------------
 * cohort_retention
 * ---------------------------------------------------------------------
 */

/*
 * Arguments: (state, customer_id, [acquired_at,] active_at, period, as_of
 * [, mode text | brackets int4range[] [, cohorts text]]).
 */
static Datum
cohort_transition(FunctionCallInfo fcinfo, bool acquisition)
{
	const char *fallback = acquisition ? "acquisition_cohort_retention" : "cohort_retention";
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fallback);
	ActivityState *state = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	int			a = acquisition ? 1 : 0;	/* arguments after the id move by one */
	int			period_arg = 3 + a;
	int			as_of_arg = 4 + a;
	int			mode_arg = 5 + a;
	LkCalendar *cal;
	TimestampTz as_of;
	TimestampTz t;
	int32		first;
	ActivityEntry *e;
	Datum		id;

	if (PG_ARGISNULL(period_arg) || PG_ARGISNULL(as_of_arg) ||
		(PG_NARGS() > mode_arg && PG_ARGISNULL(mode_arg)) ||
		(PG_NARGS() > mode_arg + 1 && PG_ARGISNULL(mode_arg + 1)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the period, as_of, mode and cohorts must not be NULL", fallback),
				 errhint("Give a period such as '1 month' and the date the data run to.")));
	as_of = PG_GETARG_TIMESTAMPTZ(as_of_arg);
	cal = lk_calendar((LkCalendar **) &fcinfo->flinfo->fn_extra, fcinfo->flinfo->fn_mcxt,
					  PG_GETARG_INTERVAL_P(period_arg), state != NULL ? state->fname : fallback);
	if (state == NULL)
	{
		char		fname[NAMEDATALEN];
		Oid			id_type;

		lk_aggregate_name(fcinfo, fallback, fname);
		id_type = lk_any_argtype(fcinfo, 1, fname);
		state = activity_new(aggcontext, fname, KIND_COHORTS, acquisition,
							 id_type, lk_arg_collation(fcinfo, 1, id_type));
		cal->fname = state->fname;
		state->step = *PG_GETARG_INTERVAL_P(period_arg);
		state->as_of = as_of;
		if (TIMESTAMP_NOT_FINITE(as_of))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: as_of must be a finite date", state->fname),
					 errhint("as_of is the date the data run to, such as now() or current_date.")));
		state->last = lk_calendar_period(cal, as_of - 1);
		state->mode = MODE_ON;
		if (PG_NARGS() > mode_arg)
		{
			MemoryContext old = MemoryContextSwitchTo(aggcontext);

			if (lk_declared_argtype(fcinfo, mode_arg) != TEXTOID)
			{
				state->mode = MODE_BRACKETS;
				parse_brackets(state, PG_GETARG_ARRAYTYPE_P(mode_arg));
			}
			else if (VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(mode_arg)) > 0 &&
					 *VARDATA_ANY(PG_GETARG_TEXT_PP(mode_arg)) == '{')
			{
				/* brackets written as a literal, which resolves to text: read as int4range[] */
				state->mode = MODE_BRACKETS;
				parse_brackets(state, DatumGetArrayTypeP(OidFunctionCall3(F_ARRAY_IN,
																		  CStringGetDatum(text_to_cstring(PG_GETARG_TEXT_PP(mode_arg))),
																		  ObjectIdGetDatum(INT4RANGEOID),
																		  Int32GetDatum(-1))));
			}
			else
				state->mode = parse_mode(state->fname, PG_GETARG_TEXT_PP(mode_arg));
			if (PG_NARGS() > mode_arg + 1)
				state->recurring = parse_recurring(state->fname, PG_GETARG_TEXT_PP(mode_arg + 1));
			state->seen_mode = datumCopy(PG_GETARG_DATUM(mode_arg), false, -1);
			if (PG_NARGS() > mode_arg + 1)
				state->seen_cohorts = datumCopy(PG_GETARG_DATUM(mode_arg + 1), false, -1);
			MemoryContextSwitchTo(old);
		}
	}
	else
	{
		/* the settings: constants arrive as the same datum on every row */
		if (as_of != state->as_of)
			setting_changed(state, "as_of");
		if (memcmp(PG_GETARG_INTERVAL_P(period_arg), &state->step, sizeof(Interval)) != 0)
			setting_changed(state, "period");
		if (PG_NARGS() > mode_arg && PG_GETARG_DATUM(mode_arg) != state->seen_mode &&
			!datumIsEqual(PG_GETARG_DATUM(mode_arg), state->seen_mode, false, -1))
			setting_changed(state, "mode");
		if (PG_NARGS() > mode_arg + 1 && PG_GETARG_DATUM(mode_arg + 1) != state->seen_cohorts &&
			!datumIsEqual(PG_GETARG_DATUM(mode_arg + 1), state->seen_cohorts, false, -1))
			setting_changed(state, "cohorts");
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	t = PG_GETARG_TIMESTAMPTZ(2);	/* active_at, or acquired_at */
	if (t >= as_of)
		PG_RETURN_POINTER(state);	/* after the data's end: left out */
	id = lk_id_from_row(&state->id_type, PG_GETARG_DATUM(1));
	first = lk_calendar_period(cal, t);
	e = entry_for(state, id, lk_id_hash(&state->id_type, id), first);
	if (!acquisition)
		entry_set(e, first - e->first);
	else if (!PG_ARGISNULL(3) && PG_GETARG_TIMESTAMPTZ(3) < as_of)
	{
		/* activity before the acquisition's period does not count */
		int32		p = lk_calendar_period(cal, PG_GETARG_TIMESTAMPTZ(3));

		if (p >= e->first)
			entry_set(e, p - e->first);
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(cohort_accum);
Datum
cohort_accum(PG_FUNCTION_ARGS)
{
	return cohort_transition(fcinfo, false);
}

PG_FUNCTION_INFO_V1(cohort_acquired_accum);
Datum
cohort_acquired_accum(PG_FUNCTION_ARGS)
{
	return cohort_transition(fcinfo, true);
}

/* Whether any bit in [lo, hi] (hi inclusive) is set */
static bool
any_bit(ActivityEntry *e, int32 lo, int32 hi)
{
	const uint64 *words = entry_words(e);
	int			n = entry_nwords(e);

	hi = Min(hi, n * 64 - 1);
	for (int32 j = lo; j <= hi;)
	{
		int			w = j / 64;
		int			b = j % 64;
		uint64		mask = ~UINT64CONST(0) << b;

		if (hi / 64 == w && hi % 64 != 63)
			mask &= (UINT64CONST(1) << (hi % 64 + 1)) - 1;
		if (words[w] & mask)
			return true;
		j = (w + 1) * 64;
	}
	return false;
}

/* The highest set bit, -1 when none */
static int32
highest_bit(ActivityEntry *e)
{
	const uint64 *words = entry_words(e);

	for (int w = entry_nwords(e) - 1; w >= 0; w--)
		if (words[w] != 0)
			return w * 64 + pg_leftmost_one_pos64(words[w]);
	return -1;
}

enum
{
	CELL_COHORT_START,
	CELL_PERIOD_OFFSET,
	CELL_LAST_OFFSET,
	CELL_PERIOD_START,
	CELL_PERIOD_END,
	CELL_COHORT_SIZE,
	CELL_RETAINED,
	CELL_RETENTION_RATE,
	CELL_COMPLETE,
	CELL_COLUMNS
};

/* Cells per cohort row: offsets 0 .. last - cohort, or one per bracket */
static inline int64
row_cells(const ActivityState *state, int32 cohort)
{
	return state->mode == MODE_BRACKETS ? state->nbrackets : (int64) state->last - cohort + 1;
}

/*
 * Counts one customer's membership of cohort `c` (bit j0 of the entry is
 * its period) into the row's cells; on_or_after counts as differences.
 */
static void
count_member(const ActivityState *state, ActivityEntry *e, int32 j0, int64 *row)
{
	int32		span = state->last - (e->first + j0);	/* the last offset there is */

	switch (state->mode)
	{
		case MODE_ON:
			{
				const uint64 *words = entry_words(e);

				for (int w = j0 / 64; w < entry_nwords(e); w++)
				{
					uint64		bits = words[w];

					if (w == j0 / 64)
						bits &= ~UINT64CONST(0) << (j0 % 64);
					while (bits != 0)
					{
						int32		k = w * 64 + pg_rightmost_one_pos64(bits) - j0;

						if (k <= span)
							row[k]++;
						bits &= bits - 1;
					}
				}
				break;
			}
		case MODE_ON_OR_AFTER:
			{
				int32		h = highest_bit(e) - j0;

				/* active in k or later for every k <= h: +1 at 0, -1 after h */
				if (h >= 0)
				{
					row[0]++;
					if (h + 1 <= span)
						row[h + 1]--;
				}
				break;
			}
		case MODE_BRACKETS:
			for (int b = 0; b < state->nbrackets; b++)
			{
				const Bracket *br = &state->brackets[b];
				int32		hi = br->hi < 0 ? span : Min(br->hi, span);

				if (br->lo <= span && any_bit(e, j0 + br->lo, j0 + hi))
					row[b]++;
			}
			break;
	}
}

PG_FUNCTION_INFO_V1(cohort_retention_final);
Datum
cohort_retention_final(PG_FUNCTION_ARGS)
{
	ActivityState *state = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	LkCalendar *cal;
	activity_iterator it;
	ActivityEntry *e;
	int32		cmin = PG_INT32_MAX;
	int32		ncohorts;
	int64	   *offsets;
	int64	   *sizes;
	int64	   *cells;
	int64		ncells = 0;
	TupleDesc	desc;
	Datum	   *rows;
	int			nrows = 0;

	if (state == NULL)
		PG_RETURN_NULL();
	/*
	 * No row before as_of: nothing to count, NULL as for a group of NULLs.
	 * Until 1.11 rows all at or after as_of were an error, which failed
	 * a whole GROUP BY over segments for one segment that began after as_of
	 * (issue 29).
	 */
	if (state->table->members == 0)
		PG_RETURN_NULL();
	cal = lk_calendar((LkCalendar **) &fcinfo->flinfo->fn_extra, fcinfo->flinfo->fn_mcxt,
					  &state->step, state->fname);

	activity_start_iterate(state->table, &it);
	while ((e = activity_iterate(state->table, &it)) != NULL)
		cmin = Min(cmin, e->first);
	ncohorts = state->last - cmin + 1;

	/* the cells of cohort row r start at offsets[r] */
	offsets = palloc(sizeof(int64) * (ncohorts + 1));
	for (int32 r = 0; r < ncohorts; r++)
	{
		offsets[r] = ncells;
		ncells += row_cells(state, cmin + r);
		if (ncells > MAX_CELLS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: the cohort table would have more than %d cells", state->fname, MAX_CELLS),
					 errhint("Use a longer period, or restrict the rows with WHERE.")));
	}
	offsets[ncohorts] = ncells;
	sizes = palloc0(sizeof(int64) * ncohorts);
	cells = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(ncells, 1));
	memset(cells, 0, sizeof(int64) * Max(ncells, 1));

	activity_start_iterate(state->table, &it);
	while ((e = activity_iterate(state->table, &it)) != NULL)
	{
		if (!state->recurring)
		{
			int32		r = e->first - cmin;

			sizes[r]++;
			count_member(state, e, 0, cells + offsets[r]);
		}
		else
		{
			/* a member of the cohort of every period they were active in */
			for (int w = 0; w < entry_nwords(e); w++)
			{
				uint64		bits = entry_words(e)[w];

				while (bits != 0)
				{
					int32		j0 = w * 64 + pg_rightmost_one_pos64(bits);
					int32		r = e->first + j0 - cmin;

					sizes[r]++;
					count_member(state, e, j0, cells + offsets[r]);
					bits &= bits - 1;
				}
			}
		}
		CHECK_FOR_INTERRUPTS();
	}

	desc = lk_result_row_desc(fcinfo, true, CELL_COLUMNS);
	rows = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * Max(ncells, 1));
	for (int32 r = 0; r < ncohorts; r++)
	{
		int32		c = cmin + r;
		int64	   *row = cells + offsets[r];
		int64		running = 0;

		if (sizes[r] == 0)
			continue;			/* no customer started in that period */
		for (int64 i = 0; i < offsets[r + 1] - offsets[r]; i++)
		{
			Datum		values[CELL_COLUMNS];
			bool		nulls[CELL_COLUMNS] = {0};
			int32		lo,
						hi;
			int64		retained;
			bool		complete;
			TimestampTz end;

			if (state->mode == MODE_BRACKETS)
			{
				lo = state->brackets[i].lo;
				hi = state->brackets[i].hi;
				if (lo > state->last - c)
					continue;	/* the bracket has not started */
				retained = row[i];
			}
			else
			{
				lo = (int32) i;
				hi = state->mode == MODE_ON ? lo : -1;
				running += row[i];
				retained = state->mode == MODE_ON ? row[i] : running;
			}
			values[CELL_COHORT_START] = TimestampTzGetDatum(lk_calendar_bound(cal, c));
			values[CELL_PERIOD_OFFSET] = Int32GetDatum(lo);
			values[CELL_LAST_OFFSET] = Int32GetDatum(hi);
			nulls[CELL_LAST_OFFSET] = hi < 0;
			values[CELL_PERIOD_START] = TimestampTzGetDatum(lk_calendar_bound(cal, c + lo));
			if (state->mode == MODE_BRACKETS && hi < 0)
			{
				nulls[CELL_PERIOD_END] = true;
				complete = false;
			}
			else
			{
				/* the window's end: period k's, or the bracket's last period's */
				end = lk_calendar_bound(cal, c + (state->mode == MODE_BRACKETS ? hi : lo) + 1);
				values[CELL_PERIOD_END] = TimestampTzGetDatum(end);
				complete = end <= state->as_of;
			}
			values[CELL_COHORT_SIZE] = Int64GetDatum(sizes[r]);
			values[CELL_RETAINED] = Int64GetDatum(retained);
			values[CELL_RETENTION_RATE] = Float8GetDatum(100.0 * (double) retained / (double) sizes[r]);
			nulls[CELL_RETENTION_RATE] = !complete;
			values[CELL_COMPLETE] = BoolGetDatum(complete);
			rows[nrows++] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
		}
	}
	PG_RETURN_ARRAYTYPE_P(lk_composite_array(fcinfo, rows, nrows));
}


/* ---------------------------------------------------------------------
 * lifecycle_counts
 * ---------------------------------------------------------------------
 */

/* Period codes: -2 before the period before the grid, -1 that period, 0..n-1 the grid, n after it */
#define CODE_EARLIER (-2)

typedef struct LifecycleGrid
{
	LkPeriodGrid *grid;
	TimestampTz previous_start; /* the period before the grid: [previous_start, from) */
	/* what previous_start was computed for */
	bool		valid;
	TimestampTz from;
	Interval	step;
	pg_tz	   *timezone;
} LifecycleGrid;

static int32
period_code(const LkPeriodGrid *grid, TimestampTz previous_start, TimestampTz t)
{
	if (t < previous_start)
		return CODE_EARLIER;
	if (t < grid->from)
		return -1;
	return lk_grid_first_after(grid, t) - 1;	/* n for t >= until */
}

static const LkPeriodGrid *
lifecycle_grid(FunctionCallInfo fcinfo, TimestampTz from, TimestampTz until, const Interval *step,
			   const char *fname, TimestampTz *previous_start)
{
	LifecycleGrid *cache = (LifecycleGrid *) fcinfo->flinfo->fn_extra;
	const LkPeriodGrid *grid;

	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LifecycleGrid));
	if (step->month == 0 && step->day == 0 && step->time == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the step must not be zero", fname),
				 errhint("Use a positive step such as '1 month' or '7 days'.")));
	grid = lk_period_grid(&cache->grid, fcinfo->flinfo->fn_mcxt, from, until, step, fname);
	if (!cache->valid || cache->from != from || cache->timezone != session_timezone ||
		memcmp(&cache->step, step, sizeof(Interval)) != 0)
	{
		cache->valid = false;
		cache->previous_start = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
																		TimestampTzGetDatum(from),
																		IntervalPGetDatum(step)));
		cache->from = from;
		cache->step = *step;
		cache->timezone = session_timezone;
		cache->valid = true;
	}
	*previous_start = cache->previous_start;
	return grid;
}

/* Arguments: (state, customer_id, [acquired_at,] active_at, first_start, last_end, step) */
static Datum
lifecycle_counts_transition(FunctionCallInfo fcinfo, bool acquisition)
{
	const char *fallback = "lifecycle_counts";
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fallback);
	ActivityState *state = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	int			a = acquisition ? 1 : 0;
	const LkPeriodGrid *grid;
	TimestampTz previous_start;
	TimestampTz from,
				until;
	ActivityEntry *e;
	Datum		id;
	int32		first;

	if (PG_ARGISNULL(3 + a) || PG_ARGISNULL(4 + a) || PG_ARGISNULL(5 + a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: first_start, last_end and step must not be NULL", fallback),
				 errhint("Give the periods as first_start, last_end and a step such as '1 month'.")));
	from = PG_GETARG_TIMESTAMPTZ(3 + a);
	until = PG_GETARG_TIMESTAMPTZ(4 + a);
	grid = lifecycle_grid(fcinfo, from, until, PG_GETARG_INTERVAL_P(5 + a),
						  state != NULL ? state->fname : fallback, &previous_start);
	if (state == NULL)
	{
		char		fname[NAMEDATALEN];
		Oid			id_type;

		lk_aggregate_name(fcinfo, fallback, fname);
		id_type = lk_any_argtype(fcinfo, 1, fname);
		state = activity_new(aggcontext, fname, KIND_LIFECYCLE, acquisition,
							 id_type, lk_arg_collation(fcinfo, 1, id_type));
		state->from = from;
		state->as_of = until;
		state->step = *PG_GETARG_INTERVAL_P(5 + a);
		state->last = grid->nperiods;
	}
	else if (from != state->from || until != state->as_of ||
			 memcmp(PG_GETARG_INTERVAL_P(5 + a), &state->step, sizeof(Interval)) != 0)
		setting_changed(state, "first_start, last_end or step");

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	id = lk_id_from_row(&state->id_type, PG_GETARG_DATUM(1));
	first = period_code(grid, previous_start, PG_GETARG_TIMESTAMPTZ(2));
	e = entry_for(state, id, lk_id_hash(&state->id_type, id), first);
	if (!acquisition)
	{
		if (first >= -1 && first < grid->nperiods)
			entry_set(e, first + 1);
	}
	else if (!PG_ARGISNULL(3))
	{
		int32		p = period_code(grid, previous_start, PG_GETARG_TIMESTAMPTZ(3));

		/* activity before the acquisition's period does not count */
		if (p >= -1 && p < grid->nperiods && p >= e->first)
			entry_set(e, p + 1);
	}
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(lifecycle_counts_accum);
Datum
lifecycle_counts_accum(PG_FUNCTION_ARGS)
{
	return lifecycle_counts_transition(fcinfo, false);
}

PG_FUNCTION_INFO_V1(lifecycle_counts_acquired_accum);
Datum
lifecycle_counts_acquired_accum(PG_FUNCTION_ARGS)
{
	return lifecycle_counts_transition(fcinfo, true);
}

enum
{
	LC_PERIOD_START,
	LC_PERIOD_END,
	LC_NEW,
	LC_RETURNING,
	LC_RESURRECTING,
	LC_DORMANT,
	LC_ACTIVE,
	LC_QUICK_RATIO,
	LC_COLUMNS
};

PG_FUNCTION_INFO_V1(lifecycle_counts_final);
Datum
lifecycle_counts_final(PG_FUNCTION_ARGS)
{
	ActivityState *state = PG_ARGISNULL(0) ? NULL : (ActivityState *) PG_GETARG_POINTER(0);
	const LkPeriodGrid *grid;
	TimestampTz previous_start;
	activity_iterator it;
	ActivityEntry *e;
	int32		n;
	int64	   *counts;			/* n rows of new, returning, resurrecting, dormant, active */
	TupleDesc	desc;
	Datum	   *rows;

	if (state == NULL || state->table->members == 0)
		PG_RETURN_NULL();
	grid = lifecycle_grid(fcinfo, state->from, state->as_of, &state->step, state->fname, &previous_start);
	n = grid->nperiods;
	if (n != state->last)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the rows were counted on other period boundaries than this session's", state->fname),
				 errhint("Every node must use the same TimeZone setting.")));
	counts = palloc0(sizeof(int64) * 5 * n);
	activity_start_iterate(state->table, &it);
	while ((e = activity_iterate(state->table, &it)) != NULL)
	{
		if (e->first >= 0 && e->first < n)
			counts[5 * e->first + 0]++;
		/* bit b: active in period b - 1 */
		for (int w = 0; w < entry_nwords(e); w++)
		{
			uint64		bits = entry_words(e)[w];

			while (bits != 0)
			{
				int32		b = w * 64 + pg_rightmost_one_pos64(bits);
				int32		p = b - 1;

				if (p >= 0)
				{
					counts[5 * p + 4]++;
					if (p != e->first)
						counts[5 * p + (entry_bit(e, b - 1) ? 1 : 2)]++;
				}
				/* active in p, and not in p + 1: dormant in p + 1 */
				if (p + 1 < n && !entry_bit(e, b + 1))
					counts[5 * (p + 1) + 3]++;
				bits &= bits - 1;
			}
		}
		CHECK_FOR_INTERRUPTS();
	}

	desc = lk_result_row_desc(fcinfo, true, LC_COLUMNS);
	rows = palloc(sizeof(Datum) * n);
	for (int32 p = 0; p < n; p++)
	{
		Datum		values[LC_COLUMNS];
		bool		nulls[LC_COLUMNS] = {0};
		int64	   *c = counts + 5 * p;

		values[LC_PERIOD_START] = TimestampTzGetDatum(grid->bounds[p]);
		values[LC_PERIOD_END] = TimestampTzGetDatum(grid->bounds[p + 1]);
		values[LC_NEW] = Int64GetDatum(c[0]);
		values[LC_RETURNING] = Int64GetDatum(c[1]);
		values[LC_RESURRECTING] = Int64GetDatum(c[2]);
		values[LC_DORMANT] = Int64GetDatum(c[3]);
		values[LC_ACTIVE] = Int64GetDatum(c[4]);
		values[LC_QUICK_RATIO] = Float8GetDatum(c[3] == 0 ? 0.0 : (double) (c[0] + c[2]) / (double) c[3]);
		nulls[LC_QUICK_RATIO] = c[3] == 0;
		rows[p] = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	}
	PG_RETURN_ARRAYTYPE_P(lk_composite_array(fcinfo, rows, n));
}


/* ---------------------------------------------------------------------
 * Combine, serialize, deserialize (parallel query)
 * ---------------------------------------------------------------------
 */

static void
copy_settings(ActivityState *to, const ActivityState *from)
{
	to->step = from->step;
	to->as_of = from->as_of;
	to->from = from->from;
	to->mode = from->mode;
	to->recurring = from->recurring;
	to->last = from->last;
	to->nbrackets = from->nbrackets;
	if (from->nbrackets > 0)
	{
		to->brackets = MemoryContextAlloc(to->context, sizeof(Bracket) * from->nbrackets);
		memcpy(to->brackets, from->brackets, sizeof(Bracket) * from->nbrackets);
	}
}

static LkStateHeader *
activity_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const ActivityState *m = (const ActivityState *) model;
	MemoryContext own = lk_state_context(context);
	ActivityState *state = activity_new(own, m->fname, m->kind, m->acquisition,
										m->id_type.type, m->id_type.collation);

	copy_settings(state, m);
	state->header.own_context = own;
	return &state->header;
}

static void
activity_merge(LkStateHeader *into, const LkStateHeader *from)
{
	ActivityState *a = (ActivityState *) into;
	const ActivityState *b = (const ActivityState *) from;
	activity_iterator it;
	ActivityEntry *e;

	if (a->kind != b->kind || a->acquisition != b->acquisition || a->id_type.type != b->id_type.type)
		elog(ERROR, "%s: combining states of different aggregates", a->fname);
	if (a->as_of != b->as_of || a->from != b->from ||
		memcmp(&a->step, &b->step, sizeof(Interval)) != 0 || a->last != b->last)
		setting_changed(a, a->kind == KIND_COHORTS ? "period or as_of" : "first_start, last_end or step");
	if (a->mode != b->mode || a->recurring != b->recurring || a->nbrackets != b->nbrackets ||
		(a->nbrackets > 0 && memcmp(a->brackets, b->brackets, sizeof(Bracket) * a->nbrackets) != 0))
		setting_changed(a, "mode");
	activity_start_iterate(b->table, &it);
	while ((e = activity_iterate(b->table, &it)) != NULL)
	{
		entry_merge(a, e->id, e->hash, e->first, entry_words(e), entry_nwords(e));
		CHECK_FOR_INTERRUPTS();
	}
}

static int64
activity_size(const LkStateHeader *header)
{
	return ((const ActivityState *) header)->table->members;
}

static const LkStateOps activity_ops = {
	.combine_name = "activity_combine",
	.empty_like = activity_empty_like,
	.merge = activity_merge,
	.size = activity_size,
};

PG_FUNCTION_INFO_V1(activity_combine);
Datum
activity_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &activity_ops);
}

/*
 * The serialized form: a format byte, the kind and settings, then each
 * customer (first period, words, the bitmap, the id).  No types and no
 * names: deserialize takes them from the aggregate call.
 */
#define ACTIVITY_SERIAL_FORMAT 2	/* 2: without 1's count of rows after as_of */
#define ACTIVITY_MIN_ENTRY_BYTES (4 + 2 + 8 + 4)

PG_FUNCTION_INFO_V1(activity_serialize);
Datum
activity_serialize(PG_FUNCTION_ARGS)
{
	ActivityState *state = (ActivityState *) PG_GETARG_POINTER(0);
	activity_iterator it;
	ActivityEntry *e;
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "activity_serialize");
	lk_serial_begin(&buf, ACTIVITY_SERIAL_FORMAT);
	pq_sendbyte(&buf, (uint8) state->kind);
	pq_sendbyte(&buf, state->acquisition);
	pq_sendbyte(&buf, (uint8) state->mode);
	pq_sendbyte(&buf, state->recurring);
	pq_sendint64(&buf, state->step.time);
	pq_sendint32(&buf, state->step.day);
	pq_sendint32(&buf, state->step.month);
	pq_sendint64(&buf, state->as_of);
	pq_sendint64(&buf, state->from);
	pq_sendint32(&buf, state->last);
	pq_sendint32(&buf, state->nbrackets);
	for (int i = 0; i < state->nbrackets; i++)
	{
		pq_sendint32(&buf, state->brackets[i].lo);
		pq_sendint32(&buf, state->brackets[i].hi);
	}
	pq_sendint32(&buf, (int32) state->table->members);
	activity_start_iterate(state->table, &it);
	while ((e = activity_iterate(state->table, &it)) != NULL)
	{
		lk_serial_room(&buf, 8 * (Size) entry_nwords(e) + 2 * (Size) lk_id_size(&state->id_type, e->id),
					   state->fname,
					   "Run the query without parallel workers (SET max_parallel_workers_per_gather = 0), or use a longer period.");
		pq_sendint32(&buf, e->first);
		pq_sendint16(&buf, (uint16) entry_nwords(e));
		for (int w = 0; w < entry_nwords(e); w++)
			pq_sendint64(&buf, (int64) entry_words(e)[w]);
		lk_id_send(&buf, &state->id_type, e->id);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(activity_deserialize);
Datum
activity_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "activity_deserialize";
	StringInfoData buf;
	Aggref	   *aggref;
	ActivityState *state;
	MemoryContext own;
	int			kind,
				acquisition,
				mode;
	int32		customers;
	char	   *scratch;
	Size		scratch_size = 64;
	uint64	   *words;
	Oid			id_type;

	lk_require_agg_context(fcinfo, fname);
	aggref = lk_call_aggref(fcinfo);
	if (aggref == NULL)
		elog(ERROR, "%s: called without an aggregate", fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, ACTIVITY_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 4 + 16 + 8 + 8 + 4 + 4)
		lk_serial_error(fname, "It ends inside the header.");
	kind = pq_getmsgbyte(&buf);
	acquisition = pq_getmsgbyte(&buf);
	mode = pq_getmsgbyte(&buf);
	if (kind > KIND_LIFECYCLE || acquisition > 1 || mode > MODE_BRACKETS)
		lk_serial_error(fname, "Its kind or mode is out of range.");
	id_type = linitial_oid(aggref->aggargtypes);
	own = lk_state_context(CurrentMemoryContext);
	state = activity_new(own, get_func_name(aggref->aggfnoid), (ActivityKind) kind, acquisition != 0,
						 id_type, lk_arg_collation(fcinfo, 1, id_type));
	state->header.own_context = own;
	state->header.adoptable = true;
	state->mode = (CohortMode) mode;
	state->recurring = pq_getmsgbyte(&buf) != 0;
	state->step.time = pq_getmsgint64(&buf);
	state->step.day = pq_getmsgint(&buf, 4);
	state->step.month = pq_getmsgint(&buf, 4);
	state->as_of = pq_getmsgint64(&buf);
	state->from = pq_getmsgint64(&buf);
	state->last = pq_getmsgint(&buf, 4);
	state->nbrackets = lk_serial_count(&buf, 8, fname);
	if (state->nbrackets > MAX_BRACKETS || (state->nbrackets > 0) != (state->mode == MODE_BRACKETS))
		lk_serial_error(fname, "Its brackets do not match its mode.");
	if (state->nbrackets > 0)
		state->brackets = MemoryContextAlloc(own, sizeof(Bracket) * state->nbrackets);
	for (int i = 0; i < state->nbrackets; i++)
	{
		state->brackets[i].lo = pq_getmsgint(&buf, 4);
		state->brackets[i].hi = pq_getmsgint(&buf, 4);
		if (state->brackets[i].lo < 0 || state->brackets[i].hi < -1 ||
			(state->brackets[i].hi >= 0 && state->brackets[i].hi < state->brackets[i].lo))
			lk_serial_error(fname, "A bracket is out of range.");
	}
	if (state->kind == KIND_LIFECYCLE && (state->last < 1 || state->last > LK_MAX_PERIODS))
		lk_serial_error(fname, "Its number of periods is out of range.");
	customers = lk_serial_count(&buf, ACTIVITY_MIN_ENTRY_BYTES, fname);
	scratch = MemoryContextAlloc(own, scratch_size);
	words = MemoryContextAlloc(own, sizeof(uint64) * PG_UINT16_MAX);
	for (int32 i = 0; i < customers; i++)
	{
		int32		first;
		int			nwords;
		Datum		id;

		if (buf.len - buf.cursor < 4 + 2)
			lk_serial_error(fname, "It ends inside a customer.");
		first = pq_getmsgint(&buf, 4);
		nwords = pq_getmsgint(&buf, 2);
		if (buf.len - buf.cursor < 8 * nwords)
			lk_serial_error(fname, "It ends inside a customer's periods.");
		for (int w = 0; w < nwords; w++)
			words[w] = (uint64) pq_getmsgint64(&buf);
		/* the bitmap must fit the customer's span, and the first period be one there is */
		if (state->kind == KIND_COHORTS
			? (first > state->last || (int64) state->last - first + 1 > LK_MAX_PERIODS)
			: (first < CODE_EARLIER || first > state->last))
			lk_serial_error(fname, "A customer's first period is out of range.");
		if (nwords < 1 || nwords != (Max(span_bits(state, first), 1) + 63) / 64 ||
			(span_bits(state, first) % 64 != 0 &&
			 (words[nwords - 1] >> (span_bits(state, first) % 64)) != 0))
			lk_serial_error(fname, "A customer's periods do not fit their span.");
		id = lk_id_receive(&buf, &state->id_type, &scratch, &scratch_size, fname);
		entry_merge(state, id, lk_id_hash(&state->id_type, id), first, words, nwords);
		CHECK_FOR_INTERRUPTS();
	}
	lk_serial_end(&buf, fname);
	pfree(words);
	PG_RETURN_POINTER(state);
}
