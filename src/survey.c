/*
 * survey.c
 *		Survey KPIs: Net Promoter Score, CSAT, customer effort (CES) and the
 *		Customer Loyalty Index (CLI), all read out of one stored summary type,
 *		survey_summary, which holds how many answers took each value.
 *
 * Formulas (KPI-SPEC.md, "Survey KPIs"; seeds 000, 001, 003):
 *	 NPS  = 100 * (promoters - detractors) / responses, scores 0..10:
 *			promoters 9-10, passives 7-8, detractors 0-6.
 *	 CSAT = 100 * answers in the top two boxes / responses, answers 1..scale
 *			(scale 4..10; on 1-5 the top two boxes are 4 and 5).
 *	 CES  = mean answer to a 1..7 "how easy was it" question; answers 5-7
 *			count as easy.
 *	 CLI  = mean over respondents of (recommend + repurchase + try_other) / 3,
 *			each answer 1..6.  A respondent missing any of the three answers
 *			is skipped whole, as corr() and regr_*() skip a row with a NULL.
 * Statistics on NPS (x = promoter share, d = detractor share, n responses):
 *	 standard error  100 * sqrt((x + d - (x - d)^2) / n)
 *	 interval		 adjusted Wald (Rocks 2016, The American Statistician):
 *					 n + 3 responses with 3/4 added to promoters and to
 *					 detractors, then the Wald interval, clamped to
 *					 [-100, 100].  Plain Wald under-covers for small n and
 *					 for scores near +-100; a score interval for a difference
 *					 of multinomial shares has no closed form.
 *	 difference		 two-sided z test on the two adjusted-Wald estimates and
 *					 variances (the adjustment keeps the variance above zero
 *					 when a sample is all promoters).
 *
 * Why one type: every KPI here is a function of the answer distribution, so
 * one set of counts, one rollup(), one I/O format and one set of tests serve
 * them all.  The kind and scale in the header keep an NPS summary from being
 * merged with, or read as, a CSAT one.
 *
 * The summary is the aggregates' transition state itself (not internal), so
 * parallel query, Citus and materialized views all move the same value.
 * Transition functions update it in place in the aggregate's memory context,
 * and each count can be taken back exactly, which gives window frames an
 * O(1) inverse transition.  Counts are int64; the running total is kept so
 * that overflow is checked once per row, and every count is bounded by it.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

typedef enum SurveyKind
{
	SURVEY_NPS = 1,
	SURVEY_CSAT = 2,
	SURVEY_CES = 3,
	SURVEY_CLI = 4
} SurveyKind;

#define SURVEY_KIND_MAX SURVEY_CLI

/*
 * The stored value.  counts[i] is the number of answers (for CLI: of
 * respondents whose three answers add up to) lo + i.  The layout is the
 * on-disk format of LK_FORMAT_VERSION, so it must not change; a new layout
 * gets a new version number and readers keep accepting the old one.
 */
typedef struct SurveySummary
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		kind;			/* SurveyKind */
	uint8		lo;				/* value counted in counts[0] */
	uint8		hi;				/* value counted in the last slot */
	int64		total;			/* sum of counts */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];
} SurveySummary;

#define SURVEY_SLOTS(s)		((s)->hi - (s)->lo + 1)
#define SURVEY_SIZE(nslots) (offsetof(SurveySummary, counts) + (nslots) * sizeof(int64))

/* What each kind accepts: answers lo..scale, `answers` of them per respondent */
typedef struct SurveyKindInfo
{
	const char *name;			/* in the text form and in messages */
	const char *aggname;		/* direct aggregate, named in row errors */
	int			answer_lo;
	int			scale_min;		/* the highest answer: fixed unless CSAT */
	int			scale_max;
	int			answers;		/* answers per respondent (CLI: 3) */
	const char *what;			/* "score" or "answer", for messages */
} SurveyKindInfo;

static const SurveyKindInfo survey_kinds[SURVEY_KIND_MAX + 1] = {
	[SURVEY_NPS] = {"nps", "nps_agg", 0, 10, 10, 1, "score"},
	[SURVEY_CSAT] = {"csat", "csat_agg", 1, 4, 10, 1, "answer"},
	[SURVEY_CES] = {"ces", "ces_agg", 1, 7, 7, 1, "answer"},
	[SURVEY_CLI] = {"cli", "cli_score", 1, 6, 6, 3, "answer"},
};

/* no kind accepts an answer above this */
#define SURVEY_ANSWER_MAX 10

/* NPS buckets, as answer values */
#define NPS_PASSIVE_MIN 7
#define NPS_PROMOTER_MIN 9
/* CES answers at or above this count as easy */
#define CES_EASY_MIN 5

/*
 * The range of values a summary counts: answers lo..scale, or for CLI the
 * respondent's total of three such answers.
 */
static inline int
survey_slot_lo(SurveyKind kind)
{
	return survey_kinds[kind].answers * survey_kinds[kind].answer_lo;
}

static inline int
survey_slot_hi(SurveyKind kind, int scale)
{
	return survey_kinds[kind].answers * scale;
}

/* the inverse: the scale whose highest value is hi */
static inline int
survey_scale_of(SurveyKind kind, int hi)
{
	return hi / survey_kinds[kind].answers;
}

static SurveySummary *
survey_from_datum(Datum d)
{
	SurveySummary *s = (SurveySummary *) PG_DETOAST_DATUM(d);

	/* values are validated on input; this catches a corrupted page */
	if (s->version != LK_FORMAT_VERSION || s->kind < 1 || s->kind > SURVEY_KIND_MAX ||
		s->hi < s->lo || VARSIZE(s) != SURVEY_SIZE(SURVEY_SLOTS(s)))
		elog(ERROR, "corrupted survey_summary value (version %d, kind %d, size %d)",
			 s->version, s->kind, (int) VARSIZE(s));
	return s;
}

#define PG_GETARG_SURVEY(n) survey_from_datum(PG_GETARG_DATUM(n))

static SurveySummary *
survey_new(MemoryContext cxt, SurveyKind kind, int scale)
{
	int			lo = survey_slot_lo(kind);
	int			hi = survey_slot_hi(kind, scale);
	Size		size = SURVEY_SIZE(hi - lo + 1);
	SurveySummary *s = MemoryContextAllocZero(cxt, size);

	SET_VARSIZE(s, size);
	s->version = LK_FORMAT_VERSION;
	s->kind = kind;
	s->lo = lo;
	s->hi = hi;
	return s;
}

static SurveySummary *
survey_copy(const SurveySummary *s)
{
	SurveySummary *c = palloc(VARSIZE(s));

	memcpy(c, s, VARSIZE(s));
	return c;
}

/* "nps (0-10)", for messages about mismatched summaries */
static char *
survey_describe(int kind, int lo, int hi)
{
	return psprintf("%s (%d-%d)", survey_kinds[kind].name, lo, hi);
}

/*
 * NULL if (kind, lo, hi) is a shape some aggregate produces, else why not.
 * Shared by text and binary input, which raise it with their own SQLSTATE.
 */
static const char *
survey_shape_problem(int kind, int lo, int hi)
{
	const SurveyKindInfo *info;

	if (kind < 1 || kind > SURVEY_KIND_MAX)
		return psprintf("Unknown summary kind %d.", kind);
	info = &survey_kinds[kind];
	if (lo != survey_slot_lo(kind) ||
		hi < survey_slot_hi(kind, info->scale_min) || hi > survey_slot_hi(kind, info->scale_max))
	{
		if (info->scale_min == info->scale_max)
			return psprintf("A summary of kind %s spans %d-%d, not %d-%d.", info->name,
							survey_slot_lo(kind), survey_slot_hi(kind, info->scale_min), lo, hi);
		return psprintf("A summary of kind %s spans %d-%d up to %d-%d, not %d-%d.", info->name,
						info->answer_lo, info->scale_min,
						info->answer_lo, info->scale_max, lo, hi);
	}
	return NULL;
}

/* Sets s->total from the counts; ERROR if they pass int64. */
static void
survey_set_total(SurveySummary *s)
{
	int64		total = 0;

	for (int i = 0; i < SURVEY_SLOTS(s); i++)
	{
		if (pg_add_s64_overflow(total, s->counts[i], &total))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("survey_summary: counts add up to more than %lld",
							(long long) PG_INT64_MAX)));
	}
	s->total = total;
}

static void
survey_require_kind(const SurveySummary *s, SurveyKind kind, const char *fname)
{
	if (s->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: expected a summary of kind %s, got %s",
						fname, survey_kinds[kind].name, survey_describe(s->kind, s->lo, s->hi)),
				 errhint("Build it with %s_summary().", survey_kinds[kind].name)));
}

/* Answers lo..hi (answer values, not slots) */
static int64
survey_count_range(const SurveySummary *s, int lo, int hi)
{
	int64		n = 0;

	for (int v = Max(lo, s->lo); v <= Min(hi, s->hi); v++)
		n += s->counts[v - s->lo];
	return n;
}

static double
survey_share(const SurveySummary *s, int lo, int hi)
{
	return 100.0 * (double) survey_count_range(s, lo, hi) / (double) s->total;
}


/* ---------------------------------------------------------------------
 * Reading answers from rows
 * ---------------------------------------------------------------------
 */

/*
 * Looked up once per call site and kept in fn_extra, so that a row costs
 * none of it.  A call site is either always inside an aggregate or never
 * (a direct call), so that is looked up once too.
 */
typedef struct SurveyCallCache
{
	Oid			argtype[4];		/* type of each answer argument (1..3) */
	bool		in_aggregate;	/* the state is the aggregate's own */
	char		fname[NAMEDATALEN]; /* the aggregate, for messages */
	Numeric		whole[SURVEY_ANSWER_MAX + 1];	/* 0..max as numeric, to compare with */
} SurveyCallCache;

static pg_noinline SurveyCallCache *
survey_call_cache_init(FunctionCallInfo fcinfo, SurveyKind kind, int nanswers)
{
	SurveyCallCache *cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SurveyCallCache));

	cache->in_aggregate = lk_agg_context(fcinfo) != NULL;
	/*
	 * Each overload has its own SQL transition function, so the declared
	 * signature names the answer type; a call expression need not be
	 * there (Citus calls transition functions without one).
	 */
	for (int i = 1; i <= nanswers; i++)
		cache->argtype[i] = lk_declared_argtype(fcinfo, i);
	if (cache->argtype[1] == NUMERICOID)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		for (int v = 0; v <= SURVEY_ANSWER_MAX; v++)
			cache->whole[v] = DatumGetNumeric(DirectFunctionCall1(int4_numeric, Int32GetDatum(v)));
		MemoryContextSwitchTo(old);
	}
	lk_aggregate_name(fcinfo, survey_kinds[kind].aggname, cache->fname);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

static inline SurveyCallCache *
survey_call_cache(FunctionCallInfo fcinfo, SurveyKind kind, int nanswers)
{
	SurveyCallCache *cache = fcinfo->flinfo->fn_extra;

	if (likely(cache != NULL))
		return cache;
	return survey_call_cache_init(fcinfo, kind, nanswers);
}

pg_noreturn static void
survey_answer_error(const SurveyCallCache *cache, SurveyKind kind, int scale,
					const char *value, const char *problem)
{
	const SurveyKindInfo *info = &survey_kinds[kind];

	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s %s %s", cache->fname, info->what, value, problem),
			 errhint("%s %ss are whole numbers from %d to %d.",
					 kind == SURVEY_NPS ? "NPS" : kind == SURVEY_CSAT ? "CSAT" :
					 kind == SURVEY_CES ? "CES" : "CLI",
					 info->what, info->answer_lo, scale)));
}

static inline int
numeric_cmp_whole(Datum a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, NumericGetDatum(b)));
}

/* A numeric or float answer, checked to be a whole number lo..scale */
static pg_noinline int
survey_read_fractional_answer(Datum d, Oid argtype, const SurveyCallCache *cache,
							  SurveyKind kind, int scale)
{
	int			lo = survey_kinds[kind].answer_lo;

	switch (argtype)
	{
		case NUMERICOID:
			{
				Numeric		num = DatumGetNumeric(d);
				Datum		rounded;
				int			whole;

				if (numeric_is_nan(num) || lk_numeric_is_inf(num))
					survey_answer_error(cache, kind, scale,
										numeric_normalize(num), "is not a number");
				/* an answer is whole if it equals its rounding to the nearest integer */
				rounded = DirectFunctionCall2(numeric_round, d, Int32GetDatum(0));
				if (numeric_cmp_whole(rounded, cache->whole[lo]) < 0 ||
					numeric_cmp_whole(rounded, cache->whole[scale]) > 0)
					survey_answer_error(cache, kind, scale,
										numeric_normalize(num), "is out of range");
				whole = DatumGetInt32(DirectFunctionCall1(numeric_int4, rounded));
				if (numeric_cmp_whole(d, cache->whole[whole]) != 0)
					survey_answer_error(cache, kind, scale,
										numeric_normalize(num), "is not a whole number");
				return whole;
			}
		case FLOAT4OID:
		case FLOAT8OID:
			{
				/* the same checks as numeric: 7.5 is an error, not 8 */
				double		f = argtype == FLOAT4OID
					? (double) DatumGetFloat4(d) : DatumGetFloat8(d);

				if (isnan(f) || isinf(f))
					survey_answer_error(cache, kind, scale, float8out_internal(f), "is not a number");
				if (f < lo || f > scale)
					survey_answer_error(cache, kind, scale, float8out_internal(f), "is out of range");
				if (f != floor(f))
					survey_answer_error(cache, kind, scale, float8out_internal(f), "is not a whole number");
				return (int) f;
			}
		default:
			elog(ERROR, "%s: unexpected argument type %u", cache->fname, argtype);
	}
}

/*
 * The answer in argument argno, checked to be a whole number lo..scale.
 * Inline, so that an integer answer costs a switch and a range check per
 * row, and a whole float or short numeric answer a test more; anything
 * else goes to the function above.
 */
static pg_attribute_always_inline int
survey_read_answer(FunctionCallInfo fcinfo, int argno, const SurveyCallCache *cache,
				   SurveyKind kind, int scale)
{
	int			lo = survey_kinds[kind].answer_lo;
	Datum		d = PG_GETARG_DATUM(argno);
	int64		v;

	switch (cache->argtype[argno])
	{
		case INT4OID:
			v = DatumGetInt32(d);
			break;
		case INT2OID:
			v = DatumGetInt16(d);
			break;
		case INT8OID:
			v = DatumGetInt64(d);
			break;
		case NUMERICOID:
			/* a short whole number from its bytes; anything else says what is wrong below */
			if (likely(lk_numeric_whole(d, &v)))
				break;
			return survey_read_fractional_answer(d, cache->argtype[argno], cache, kind, scale);
		case FLOAT8OID:
		case FLOAT4OID:
			{
				double		f = cache->argtype[argno] == FLOAT8OID
					? DatumGetFloat8(d) : (double) DatumGetFloat4(d);

				/* NaN fails the first test; the function below says what is wrong */
				if (likely(f >= lo && f <= scale && f == (double) (int) f))
					return (int) f;
				return survey_read_fractional_answer(d, cache->argtype[argno], cache, kind, scale);
			}
		default:
			return survey_read_fractional_answer(d, cache->argtype[argno], cache, kind, scale);
	}
	if (unlikely(v < lo || v > scale))
		survey_answer_error(cache, kind, scale, psprintf(INT64_FORMAT, v), "is out of range");
	return (int) v;
}

/*
 * The scale argument of the CSAT aggregates, not yet checked to be in
 * range: survey_check_scale does that where a state is made from it or
 * handed in from outside; a state of the aggregate's own was made from a
 * checked scale, so one equal to its scale needs no other check per row
 */
static inline int
survey_read_scale(FunctionCallInfo fcinfo, int argno, const SurveyCallCache *cache)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: scale must not be NULL", cache->fname),
				 errhint("Pass the highest answer of the question, such as 5 for a 1-5 scale.")));
	return PG_GETARG_INT32(argno);
}

static void
survey_check_scale(int scale, const SurveyCallCache *cache)
{
	const SurveyKindInfo *info = &survey_kinds[SURVEY_CSAT];

	if (scale < info->scale_min || scale > info->scale_max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: scale %d is out of range", cache->fname, scale),
				 errhint("CSAT scales run from 1-%d to 1-%d.", info->scale_min, info->scale_max)));
}

/*
 * One transition step: count (delta = +1) or take back (delta = -1) one
 * respondent.  Arguments: state, then nanswers answers, then for CSAT the
 * scale.  A respondent with any NULL answer changes nothing.
 */
static pg_attribute_always_inline Datum
survey_step(FunctionCallInfo fcinfo, SurveyKind kind, int nanswers, int delta)
{
	SurveyCallCache *cache = survey_call_cache(fcinfo, kind, nanswers);
	bool		in_aggregate = cache->in_aggregate;
	int			scale = survey_kinds[kind].scale_min;
	SurveySummary *s;
	int			value = 0;
	bool		skip = false;

	if (kind == SURVEY_CSAT)
		scale = survey_read_scale(fcinfo, nanswers + 1, cache);
	for (int i = 1; i <= nanswers; i++)
		skip |= PG_ARGISNULL(i);

	if (PG_ARGISNULL(0))
	{
		/* nothing to take back from: NULL makes the executor recompute */
		if (delta < 0)
			PG_RETURN_NULL();

		/*
		 * Created even for a skipped respondent: a window's moving transition
		 * may never return NULL, and a frame can start with NULL answers.
		 * Made in the current (per-row) context: the executor copies a new
		 * state value into the aggregate context itself, so making it there
		 * too would keep two copies of every group's state.
		 */
		if (kind == SURVEY_CSAT)
			survey_check_scale(scale, cache);
		s = survey_new(CurrentMemoryContext, kind, scale);
	}
	else
	{
		/*
		 * Inside an aggregate the state is the one this function allocated
		 * (from a checked scale): no detoasting or validation on the
		 * per-row path.
		 */
		if (in_aggregate)
			s = (SurveySummary *) PG_GETARG_POINTER(0);
		else
		{
			if (kind == SURVEY_CSAT)
				survey_check_scale(scale, cache);
			s = PG_GETARG_SURVEY(0);
		}
		/*
		 * A state of the aggregate's own is of its kind, and of its scale
		 * unless the scale changed within the group (CSAT); one from
		 * outside may be anything
		 */
		if (unlikely(in_aggregate ? kind == SURVEY_CSAT && s->hi != survey_slot_hi(kind, scale)
					 : s->kind != kind || s->hi != survey_slot_hi(kind, scale)))
		{
			/* a scale out of range says so, not that it differs */
			if (kind == SURVEY_CSAT)
				survey_check_scale(scale, cache);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot add an answer of kind %s to a summary of kind %s",
							cache->fname,
							survey_describe(kind, survey_slot_lo(kind), survey_slot_hi(kind, scale)),
							survey_describe(s->kind, s->lo, s->hi)),
					 errhint("Every row of one group must use the same scale.")));
		}
		/* outside an aggregate we may not scribble on our input */
		if (!in_aggregate)
			s = survey_copy(s);
	}
	if (skip)
		PG_RETURN_POINTER(s);

	for (int i = 1; i <= nanswers; i++)
		value += survey_read_answer(fcinfo, i, cache, kind, scale);

	if (delta > 0)
	{
		if (unlikely(s->total == PG_INT64_MAX))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: more than %lld responses", cache->fname,
							(long long) PG_INT64_MAX)));
		s->counts[value - s->lo]++;
		s->total++;
	}
	else
	{
		/* a window takes back only what it added: this is a direct call */
		if (unlikely(s->counts[value - s->lo] == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot take back an answer %d the summary does not count",
							cache->fname, value),
					 errhint("It is a support function of the aggregate's window form; call the aggregate instead.")));
		s->counts[value - s->lo]--;
		s->total--;
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(nps_accum);
Datum
nps_accum(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_NPS, 1, 1);
}

PG_FUNCTION_INFO_V1(nps_retract);
Datum
nps_retract(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_NPS, 1, -1);
}

PG_FUNCTION_INFO_V1(csat_accum);
Datum
csat_accum(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CSAT, 1, 1);
}

PG_FUNCTION_INFO_V1(csat_retract);
Datum
csat_retract(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CSAT, 1, -1);
}

PG_FUNCTION_INFO_V1(ces_accum);
Datum
ces_accum(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CES, 1, 1);
}

PG_FUNCTION_INFO_V1(ces_retract);
Datum
ces_retract(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CES, 1, -1);
}

PG_FUNCTION_INFO_V1(cli_accum);
Datum
cli_accum(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CLI, 3, 1);
}

PG_FUNCTION_INFO_V1(cli_retract);
Datum
cli_retract(PG_FUNCTION_ARGS)
{
	return survey_step(fcinfo, SURVEY_CLI, 3, -1);
}


/* ---------------------------------------------------------------------
 * Merging summaries: combine function, rollup() and its window inverse
 * ---------------------------------------------------------------------
 */

static Datum
survey_merge(FunctionCallInfo fcinfo, int sign)
{
	SurveySummary *a = PG_GETARG_SURVEY(0);
	SurveySummary *b = PG_GETARG_SURVEY(1);

	if (a->kind != b->kind || a->lo != b->lo || a->hi != b->hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rollup: cannot merge summaries of kinds %s and %s",
						survey_describe(a->kind, a->lo, a->hi), survey_describe(b->kind, b->lo, b->hi)),
				 errhint("Roll up summaries of one kind and scale at a time.")));

	/* the state is ours to update only inside an aggregate */
	if (lk_agg_context(fcinfo) == NULL)
		a = survey_copy(a);

	for (int i = 0; i < SURVEY_SLOTS(a); i++)
	{
		if (sign > 0)
		{
			if (pg_add_s64_overflow(a->counts[i], b->counts[i], &a->counts[i]))
				goto overflow;
		}
		else
		{
			a->counts[i] -= b->counts[i];
			/* only a direct call can get here: a window takes back what it added */
			if (a->counts[i] < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("rollup: cannot take back a summary that is not part of the other"),
						 errhint("The second summary's counts must each be at most the first's.")));
		}
	}
	if (sign > 0)
	{
		if (pg_add_s64_overflow(a->total, b->total, &a->total))
			goto overflow;
	}
	else
		a->total -= b->total;
	PG_RETURN_POINTER(a);

overflow:
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("rollup: merged survey_summary counts pass %lld",
					(long long) PG_INT64_MAX)));
	PG_RETURN_NULL();			/* keep the compiler quiet */
}

PG_FUNCTION_INFO_V1(survey_combine);
Datum
survey_combine(PG_FUNCTION_ARGS)
{
	return survey_merge(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(survey_uncombine);
Datum
survey_uncombine(PG_FUNCTION_ARGS)
{
	return survey_merge(fcinfo, -1);
}

/*
 * Final function of the summary aggregates and rollup(): a group that saw no
 * answer gives NULL, as every aggregate here does.  Returns a copy, so the
 * state stays untouched for windows (FINALFUNC_MODIFY = READ_ONLY).
 */
PG_FUNCTION_INFO_V1(survey_summary_final);
Datum
survey_summary_final(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(survey_copy(s));
}


/* ---------------------------------------------------------------------
 * Accessors (also the final functions of the direct aggregates)
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(survey_responses);
Datum
survey_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_SURVEY(0)->total);
}

/* Mean answer; for CLI the mean respondent CLI (total of three / 3) */
PG_FUNCTION_INFO_V1(survey_mean_score);
Datum
survey_mean_score(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	double		sum = 0.0;

	if (s->total == 0)
		PG_RETURN_NULL();
	/* each product is exact in a double (counts < 2^53 in practice, values <= 18) */
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
		sum += (double) (s->lo + i) * (double) s->counts[i];
	PG_RETURN_FLOAT8(sum / (double) s->total / survey_kinds[s->kind].answers);
}

/* ---- NPS ---- */

PG_FUNCTION_INFO_V1(nps);
Datum
nps(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	int64		promoters,
				detractors;

	survey_require_kind(s, SURVEY_NPS, "nps");
	if (s->total == 0)
		PG_RETURN_NULL();
	promoters = survey_count_range(s, NPS_PROMOTER_MIN, 10);
	detractors = survey_count_range(s, 0, NPS_PASSIVE_MIN - 1);
	PG_RETURN_FLOAT8(100.0 * (double) (promoters - detractors) / (double) s->total);
}

PG_FUNCTION_INFO_V1(nps_promoters);
Datum
nps_promoters(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	survey_require_kind(s, SURVEY_NPS, "promoters");
	PG_RETURN_INT64(survey_count_range(s, NPS_PROMOTER_MIN, 10));
}

PG_FUNCTION_INFO_V1(nps_passives);
Datum
nps_passives(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	survey_require_kind(s, SURVEY_NPS, "passives");
	PG_RETURN_INT64(survey_count_range(s, NPS_PASSIVE_MIN, NPS_PROMOTER_MIN - 1));
}

PG_FUNCTION_INFO_V1(nps_detractors);
Datum
nps_detractors(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	survey_require_kind(s, SURVEY_NPS, "detractors");
	PG_RETURN_INT64(survey_count_range(s, 0, NPS_PASSIVE_MIN - 1));
}

PG_FUNCTION_INFO_V1(nps_stderr);
Datum
nps_stderr(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	double		n,
				x,
				d;

	survey_require_kind(s, SURVEY_NPS, "nps_stderr");
	if (s->total == 0)
		PG_RETURN_NULL();
	n = (double) s->total;
	x = survey_count_range(s, NPS_PROMOTER_MIN, 10) / n;
	d = survey_count_range(s, 0, NPS_PASSIVE_MIN - 1) / n;
	/* x + d >= (x - d)^2 always; Max() only absorbs rounding */
	PG_RETURN_FLOAT8(100.0 * sqrt(Max(0.0, x + d - (x - d) * (x - d)) / n));
}

/* Adjusted-Wald estimate and variance of NPS/100 (see the file header) */
static void
nps_adjusted_wald(const SurveySummary *s, double *estimate, double *variance)
{
	double		n = (double) s->total + 3.0;
	double		x = ((double) survey_count_range(s, NPS_PROMOTER_MIN, 10) + 0.75) / n;
	double		d = ((double) survey_count_range(s, 0, NPS_PASSIVE_MIN - 1) + 0.75) / n;

	*estimate = x - d;
	*variance = (x + d - (x - d) * (x - d)) / n;
}

static Datum
nps_ci_bound(FunctionCallInfo fcinfo, const char *fname, int side)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	double		level = PG_GETARG_FLOAT8(1);
	double		estimate,
				variance,
				bound;

	survey_require_kind(s, SURVEY_NPS, fname);
	lk_check_confidence_level(fname, level);
	if (s->total == 0)
		PG_RETURN_NULL();
	nps_adjusted_wald(s, &estimate, &variance);
	bound = estimate + side * lk_normal_quantile(0.5 + level / 2.0) * sqrt(variance);
	PG_RETURN_FLOAT8(100.0 * Max(-1.0, Min(1.0, bound)));
}

PG_FUNCTION_INFO_V1(nps_ci_lower);
Datum
nps_ci_lower(PG_FUNCTION_ARGS)
{
	return nps_ci_bound(fcinfo, "nps_ci_lower", -1);
}

PG_FUNCTION_INFO_V1(nps_ci_upper);
Datum
nps_ci_upper(PG_FUNCTION_ARGS)
{
	return nps_ci_bound(fcinfo, "nps_ci_upper", 1);
}

PG_FUNCTION_INFO_V1(nps_diff_pvalue);
Datum
nps_diff_pvalue(PG_FUNCTION_ARGS)
{
	SurveySummary *a = PG_GETARG_SURVEY(0);
	SurveySummary *b = PG_GETARG_SURVEY(1);
	double		est_a,
				var_a,
				est_b,
				var_b;

	survey_require_kind(a, SURVEY_NPS, "nps_diff_pvalue");
	survey_require_kind(b, SURVEY_NPS, "nps_diff_pvalue");
	if (a->total == 0 || b->total == 0)
		PG_RETURN_NULL();
	nps_adjusted_wald(a, &est_a, &var_a);
	nps_adjusted_wald(b, &est_b, &var_b);
	/*
	 * With billions of answers all of one kind the variances round to 0:
	 * then equal estimates are no evidence of a difference (p = 1), and
	 * different ones all the evidence there is (p = 0), never 0 / 0.
	 */
	if (!(var_a + var_b > 0))
		PG_RETURN_FLOAT8(est_a == est_b ? 1.0 : 0.0);
	PG_RETURN_FLOAT8(Min(1.0, Max(0.0, lk_two_sided_p((est_a - est_b) / sqrt(var_a + var_b)))));
}

/* ---- CSAT, CES, CLI ---- */

PG_FUNCTION_INFO_V1(csat);
Datum
csat(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	survey_require_kind(s, SURVEY_CSAT, "csat");
	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(survey_share(s, s->hi - 1, s->hi));
}

PG_FUNCTION_INFO_V1(ces);
Datum
ces(PG_FUNCTION_ARGS)
{
	survey_require_kind(PG_GETARG_SURVEY(0), SURVEY_CES, "ces");
	return survey_mean_score(fcinfo);
}

PG_FUNCTION_INFO_V1(ces_easy_share);
Datum
ces_easy_share(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	survey_require_kind(s, SURVEY_CES, "ces_easy_share");
	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(survey_share(s, CES_EASY_MIN, s->hi));
}

PG_FUNCTION_INFO_V1(cli);
Datum
cli(PG_FUNCTION_ARGS)
{
	survey_require_kind(PG_GETARG_SURVEY(0), SURVEY_CLI, "cli");
	return survey_mean_score(fcinfo);
}


/* ---------------------------------------------------------------------
 * Text and binary I/O
 *
 * Text: v1:nps:0-10:c0,c1,...,c10 -- format version, kind, value range, then
 * one count per value.  The total is not written: it is derived, and checked
 * for overflow, on input.  Binary: version, kind, lo, hi (one byte each),
 * then the counts as int64 in network order.
 * ---------------------------------------------------------------------
 */

pg_noreturn static void
survey_syntax_error(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type survey_summary: \"%s\"", input),
			 errdetail("%s", detail),
			 errhint("The text form is v1:KIND:LO-HI:COUNTS, such as v1:nps:0-10:0,0,0,0,0,0,1,2,3,4,5.")));
}

/* Reads an unsigned decimal number at *p; false if none or past max. */
static bool
parse_uint(const char **p, int64 max, int64 *result)
{
	const char *c = *p;
	int64		v = 0;

	if (!isdigit((unsigned char) *c))
		return false;
	for (; isdigit((unsigned char) *c); c++)
	{
		if (pg_mul_s64_overflow(v, 10, &v) || pg_add_s64_overflow(v, *c - '0', &v) || v > max)
			return false;
	}
	*p = c;
	*result = v;
	return true;
}

static void
expect_char(const char *input, const char **p, char c, const char *detail)
{
	if (**p != c)
		survey_syntax_error(input, detail);
	(*p)++;
}

PG_FUNCTION_INFO_V1(survey_summary_in);
Datum
survey_summary_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	int64		version,
				lo,
				hi;
	int			kind = 0;
	const char *problem;
	SurveySummary *s;

	expect_char(input, &p, 'v', "It must start with a format version such as \"v1\".");
	if (!parse_uint(&p, 255, &version))
		survey_syntax_error(input, "It must start with a format version such as \"v1\".");
	if (version != LK_FORMAT_VERSION)
		survey_syntax_error(input, psprintf("Format version %d is not one this release reads (it reads v%d).",
											(int) version, LK_FORMAT_VERSION));
	expect_char(input, &p, ':', "Expected \":\" after the format version.");

	for (int k = 1; k <= SURVEY_KIND_MAX; k++)
	{
		size_t		len = strlen(survey_kinds[k].name);

		if (strncmp(p, survey_kinds[k].name, len) == 0 && p[len] == ':')
		{
			kind = k;
			p += len;
			break;
		}
	}
	if (kind == 0)
		survey_syntax_error(input, "The kind must be one of nps, csat, ces, cli.");
	expect_char(input, &p, ':', "Expected \":\" after the kind.");

	if (!parse_uint(&p, 255, &lo))
		survey_syntax_error(input, "Expected the lowest value of the range.");
	expect_char(input, &p, '-', "Expected \"-\" between the lowest and highest value.");
	if (!parse_uint(&p, 255, &hi))
		survey_syntax_error(input, "Expected the highest value of the range.");
	if ((problem = survey_shape_problem(kind, (int) lo, (int) hi)) != NULL)
		survey_syntax_error(input, problem);
	expect_char(input, &p, ':', "Expected \":\" before the counts.");

	s = survey_new(CurrentMemoryContext, kind, survey_scale_of(kind, (int) hi));
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
	{
		if (i > 0)
			expect_char(input, &p, ',',
						psprintf("Expected %d comma-separated counts, one for each value %d-%d.",
								 SURVEY_SLOTS(s), s->lo, s->hi));
		if (!isdigit((unsigned char) *p))
			survey_syntax_error(input, "Counts are whole numbers of zero or more.");
		if (!parse_uint(&p, PG_INT64_MAX, &s->counts[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("survey_summary: count %d is out of range in \"%s\"", i + 1, input),
					 errhint("Counts run up to %lld.", (long long) PG_INT64_MAX)));
	}
	if (*p != '\0')
		survey_syntax_error(input,
							psprintf("Expected exactly %d counts, one for each value %d-%d, and nothing after them.",
									 SURVEY_SLOTS(s), s->lo, s->hi));
	survey_set_total(s);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(survey_summary_out);
Datum
survey_summary_out(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d:%s:%d-%d:", s->version, survey_kinds[s->kind].name, s->lo, s->hi);
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
		appendStringInfo(&buf, i ? "," INT64_FORMAT : INT64_FORMAT, s->counts[i]);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * jsonb: the summary's fields by name, for clients that want structure
 * rather than the text form: {"version": 1, "kind": "nps", "low": 0,
 * "high": 10, "total": 4, "counts": {"0": 1, ..., "10": 4}} (for CLI, the
 * counts are of the respondent's total of three answers).
 */
PG_FUNCTION_INFO_V1(survey_summary_jsonb);
Datum
survey_summary_jsonb(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"kind\": \"%s\", \"low\": %d, \"high\": %d, \"total\": " INT64_FORMAT ", \"counts\": {",
					 s->version, survey_kinds[s->kind].name, s->lo, s->hi, s->total);
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
		appendStringInfo(&buf, "%s\"%d\": " INT64_FORMAT, i ? ", " : "", s->lo + i, s->counts[i]);
	appendStringInfoString(&buf, "}}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/*
 * answer_counts(summary): the summary as a table a person reads, one row
 * per answer of its scale with its count and its share of the answers, %
 * (1.12).  Every answer of the scale, the ones nobody gave included.
 */
PG_FUNCTION_INFO_V1(survey_answer_rows);
Datum
survey_answer_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	SurveySummary *s;

	if (SRF_IS_FIRSTCALL())
	{
		SurveySummary *given = PG_GETARG_SURVEY(0);

		lk_srf_start(fcinfo, (const struct varlena *) given, SURVEY_SLOTS(given), "answer_counts");
	}
	funcctx = SRF_PERCALL_SETUP();
	s = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		Datum		values[3];
		bool		nulls[3] = {false, false, s->total == 0};

		values[0] = Int32GetDatum(s->lo + i);
		values[1] = Int64GetDatum(s->counts[i]);
		values[2] = Float8GetDatum(s->total == 0 ? 0 : (double) s->counts[i] / (double) s->total * 100.0);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

PG_FUNCTION_INFO_V1(survey_summary_recv);
Datum
survey_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version,
				kind,
				lo,
				hi;
	const char *problem;
	SurveySummary *s;

	if (buf->len - buf->cursor < 4)
		lk_binary_error("survey_summary", psprintf("It is %d bytes long; the header alone takes 4.",
									 buf->len - buf->cursor));
	version = pq_getmsgbyte(buf);
	kind = pq_getmsgbyte(buf);
	lo = pq_getmsgbyte(buf);
	hi = pq_getmsgbyte(buf);
	if (version != LK_FORMAT_VERSION)
		lk_binary_error("survey_summary", psprintf("Format version %d is not one this release reads (it reads %d).",
									 version, LK_FORMAT_VERSION));
	if ((problem = survey_shape_problem(kind, lo, hi)) != NULL)
		lk_binary_error("survey_summary", problem);
	if (buf->len - buf->cursor != (hi - lo + 1) * (int) sizeof(int64))
		lk_binary_error("survey_summary", psprintf("Expected %d bytes of counts after the header, got %d.",
									 (hi - lo + 1) * (int) sizeof(int64),
									 buf->len - buf->cursor));

	s = survey_new(CurrentMemoryContext, kind, survey_scale_of(kind, hi));
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
	{
		s->counts[i] = pq_getmsgint64(buf);
		if (s->counts[i] < 0)
			lk_binary_error("survey_summary", psprintf("Count %d is negative.", i + 1));
	}
	pq_getmsgend(buf);
	survey_set_total(s);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(survey_summary_send);
Datum
survey_summary_send(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, s->version);
	pq_sendbyte(&buf, s->kind);
	pq_sendbyte(&buf, s->lo);
	pq_sendbyte(&buf, s->hi);
	for (int i = 0; i < SURVEY_SLOTS(s); i++)
		pq_sendint64(&buf, s->counts[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}


/* ---------------------------------------------------------------------
 * Equality and hashing: the stored form is canonical (the header, the
 * derived total and the counts say everything), so two summaries are equal
 * exactly when their bytes are.  Gives =, <>, DISTINCT, GROUP BY and UNION.
 * ---------------------------------------------------------------------
 */

static bool
survey_equal(const SurveySummary *a, const SurveySummary *b)
{
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

PG_FUNCTION_INFO_V1(survey_summary_eq);
Datum
survey_summary_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(survey_equal(PG_GETARG_SURVEY(0), PG_GETARG_SURVEY(1)));
}

PG_FUNCTION_INFO_V1(survey_summary_ne);
Datum
survey_summary_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!survey_equal(PG_GETARG_SURVEY(0), PG_GETARG_SURVEY(1)));
}

PG_FUNCTION_INFO_V1(survey_summary_hash);
Datum
survey_summary_hash(PG_FUNCTION_ARGS)
{
	SurveySummary *s = PG_GETARG_SURVEY(0);

	return hash_any((unsigned char *) VARDATA(s), VARSIZE(s) - VARHDRSZ);
}
