/*
 * model_fit.c
 *		What every model's fit shares: the aggregate state, combine,
 *		serialize and deserialize, the rows sorted for a fit that does not
 *		depend on their order, and maximum likelihood with standard errors.
 *
 * The aggregates collapse identical rows into one weighted row (a hash
 * table), so memory grows with distinct rows, not customers, and partial
 * states from parallel workers merge.  The final function maximizes the
 * summed log-likelihood over log-parameters with NLopt's SLSQP
 * (BSD-licensed; the library is Debian's libnlopt0, see the README), using
 * the model's analytic gradient.  Standard errors come from the inverse of
 * the observed information (a central difference of the analytic
 * gradient).  A model is "converged" only when the optimizer stopped on a
 * tolerance, the gradient is near zero, no parameter sits on its bound,
 * the information is positive definite and every parameter is identified
 * (LOG_SE_LIMIT); predictions refuse a model that is not.
 */
#include "model.h"

#include <math.h>
#include <nlopt.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/timestamp.h"

/* ---------------------------------------------------------------------
 * The fitting state: distinct rows with their weights
 * ---------------------------------------------------------------------
 */

typedef struct FitEntry
{
	FitKey		key;
	double		weight;
	uint32		hash;
	char		status;
} FitEntry;

#define SH_PREFIX fitrows
#define SH_ELEMENT_TYPE FitEntry
#define SH_KEY_TYPE FitKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) key3_hash((k).v)
#define SH_EQUAL(tb, a, b) key3_equal((a).v, (b).v)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * Rows wait in a batch of this many before they reach the table, each
 * one's bucket prefetched when it arrives (as orders.c does for
 * customers): past a hundred thousand distinct rows the table outgrows the
 * CPU caches, and a miss a row paid one after another was most of the
 * transition's time.  The batch keeps the rows' order, so the weights add
 * up in the same order as without it.
 */
#define FIT_BATCH 16

struct FitState
{
	LkStateHeader header;
	ModelKind	kind;
	Interval	time_unit;		/* a purchase model's, when given; else all zero */
	double		penalizer;		/* lifetimes' penalizer_coef, when given; else -1 */
	fitrows_hash *rows;			/* read through fit_state_rows, which adds the waiting rows */
	char		fname[NAMEDATALEN];
	int			nwaiting;
	uint32		waiting_hash[FIT_BATCH];
	FitKey		waiting_key[FIT_BATCH];
	double		waiting_weight[FIT_BATCH];
};

static FitState *
fit_state_new(MemoryContext context, ModelKind kind, const char *fname, uint32 size)
{
	FitState   *state = MemoryContextAllocZero(context, sizeof(FitState));

	state->kind = kind;
	state->penalizer = -1;
	strlcpy(state->fname, fname, NAMEDATALEN);
	state->rows = fitrows_create(context, Max(size, 64), NULL);
	return state;
}

/* The transition's state (argument 0), new in the aggregate's context when NULL */
FitState *
fit_state_get(FunctionCallInfo fcinfo, ModelKind kind, const char *accum_name)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, accum_name);

	if (!PG_ARGISNULL(0))
		return (FitState *) PG_GETARG_POINTER(0);
	return fit_state_new(aggcontext, kind, model_specs[kind].fit_name, 0);
}

const char *
fit_state_fname(const FitState *state)
{
	return state->fname;
}

bool
fit_state_is_empty(const FitState *state)
{
	return state == NULL || (state->rows->members == 0 && state->nwaiting == 0);
}

const Interval *
fit_state_time_unit(const FitState *state)
{
	return &state->time_unit;
}

double
fit_state_penalizer(const FitState *state)
{
	return Max(state->penalizer, 0);
}

/* The first penalizer a state sees is its penalizer; any other is refused */
static void
fit_adopt_penalizer(FitState *state, double penalizer)
{
	if (state->penalizer < 0)
		state->penalizer = penalizer;
	else if (state->penalizer != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the penalizer must be the same in every row", state->fname),
				 errhint("Pass penalizer_coef as a constant.")));
}

/* The penalizer argument: not NULL, 0 or more, and the same in every row */
void
fit_penalizer_arg(FunctionCallInfo fcinfo, int argno, FitState *state)
{
	double		penalizer;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the penalizer must not be NULL", state->fname),
				 errhint("Pass 0 for an unpenalized fit.")));
	penalizer = PG_GETARG_FLOAT8(argno) + 0.0;
	if (!(penalizer >= 0) || isinf(penalizer))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: penalizer %s is not a number 0 or more", state->fname, float8out_internal(penalizer)),
				 errhint("penalizer_coef is lifetimes': 0 for none, such as 0.001 to 0.1 to keep the parameters from running off.")));
	fit_adopt_penalizer(state, penalizer);
}

/* Adds the waiting rows to the table */
static void
fit_state_flush(FitState *state)
{
	for (int i = 0; i < state->nwaiting; i++)
	{
		bool		found;
		FitEntry   *e = fitrows_insert_hash(state->rows, state->waiting_key[i], state->waiting_hash[i], &found);

		e->weight = found ? e->weight + state->waiting_weight[i] : state->waiting_weight[i];
	}
	state->nwaiting = 0;
}

/* The table with every row added so far */
static fitrows_hash *
fit_state_rows(FitState *state)
{
	fit_state_flush(state);
	return state->rows;
}

void
fit_state_add(FitState *state, FitKey key, double weight)
{
	uint32		hash;

	/* -0.0 and 0.0 are one value, and must be one key */
	for (int i = 0; i < 3; i++)
		key.v[i] += 0.0;
	hash = key3_hash(key.v);
	lk_prefetch_for_write(&state->rows->data[hash & state->rows->sizemask]);
	state->waiting_hash[state->nwaiting] = hash;
	state->waiting_key[state->nwaiting] = key;
	state->waiting_weight[state->nwaiting] = weight;
	if (++state->nwaiting == FIT_BATCH)
		fit_state_flush(state);
}

/* What a row of a summary may hold; ERROR 22023 naming the field otherwise */
void
fit_row_error(const char *fname, const char *what, double value, const char *hint)
{
	lk_invalid_number(fname, ERRCODE_INVALID_PARAMETER_VALUE, what, value, hint);
}

/* The error of a frequency fit_check_frequency refused */
void
fit_frequency_error(const char *fname, double x)
{
	lk_check_finite(fname, "frequency", x);
	fit_row_error(fname, "frequency", x,
				  "The frequency is the number of repeat purchases: a whole number, 0 or more.");
}

/* The error of a customer fit_check_customer refused: the first field that fails */
void
fit_customer_error(const char *fname, double x, double t_x, double T)
{
	fit_check_frequency(fname, x);
	lk_check_finite(fname, "age", T);
	lk_check_finite(fname, "recency", t_x);
	if (!(T >= 0))
		fit_row_error(fname, "age", T,
				  "The age (T) is the time from the first purchase to the end of observation, 0 or more.");
	if (x == 0 && t_x >= 0 && t_x <= T)
		fit_row_error(fname, "recency", t_x,
					  "A customer with no repeat purchase (frequency 0) has recency 0.");
	fit_row_error(fname, "recency", t_x,
				  "The recency (t_x) is the time from the first to the last purchase, from 0 to the age.");
}

void
fit_check_monetary_value(const char *fname, double zbar)
{
	lk_check_finite(fname, "monetary value", zbar);
	if (!(zbar > 0))
		fit_row_error(fname, "monetary value", zbar,
				  "The monetary value is a repeat customer's mean spend per repeat purchase, above 0.");
}

/* Rows of a fit: what every summary row may hold, and a frequency a fit can sum over */
void
fit_check_fit_frequency(const char *fname, double x)
{
	fit_check_frequency(fname, x);
	if (!(x < 1e9))
		fit_row_error(fname, "frequency", x, "A fit takes frequencies below 1e9.");
}

void
fit_check_weight(const char *fname, double weight)
{
	if (!(weight > 0 && isfinite(weight)))
		fit_row_error(fname, "weight", weight, "A weight is a number of customers, above 0.");
}

/* The optional weight argument, or 1 */
double
fit_weight_arg(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	double		weight;

	if (PG_NARGS() <= argno)
		return 1;
	weight = PG_GETARG_FLOAT8(argno);
	fit_check_weight(fname, weight);
	return weight;
}

/*
 * A purchase model's fit (frequency, recency, age [, weight] [, time_unit]):
 * which form was called comes from the declared signature, once per query.
 */
FitCallForm *
fit_call_form(FunctionCallInfo fcinfo)
{
	FitCallForm *form = fcinfo->flinfo->fn_extra;

	if (form == NULL)
	{
		Oid			last;

		form = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FitCallForm));
		/* the penalized form is the one of six arguments: weight, time unit, penalizer */
		form->penalized = PG_NARGS() == 7;
		form->unit_arg = PG_NARGS() - (form->penalized ? 2 : 1);
		last = lk_declared_argtype(fcinfo, form->unit_arg);
		form->unit_is_text = last == TEXTOID;
		form->has_unit = last == INTERVALOID || form->unit_is_text;
		form->weighted = PG_NARGS() - (form->has_unit ? 1 : 0) - (form->penalized ? 1 : 0) > 4;
		fcinfo->flinfo->fn_extra = form;
	}
	return form;
}

/* The time unit argument (the last): not NULL, positive, and the same in every row */
static void fit_adopt_time_unit(FitState *state, const Interval *unit);

void
fit_time_unit_arg(FunctionCallInfo fcinfo, FitState *state)
{
	FitCallForm *form;
	const Interval *unit;
	const char *problem;

	form = fit_call_form(fcinfo);
	if (PG_ARGISNULL(form->unit_arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the time unit must not be NULL", state->fname),
				 errhint("Pass the unit recency and age are measured in, as btyd_summary was given it.")));
	/*
	 * The text form exists for the bare literal: fit(frequency, recency, age,
	 * '7 days') would otherwise be ambiguous with the weight (an integer
	 * frequency) or read as a weight.  It is parsed again only when the
	 * text differs from the last row's.
	 */
	if (form->unit_is_text)
	{
		text	   *given = PG_GETARG_TEXT_PP(form->unit_arg);

		if (form->unit_text == NULL || VARSIZE_ANY_EXHDR(given) != VARSIZE_ANY_EXHDR(form->unit_text) ||
			memcmp(VARDATA_ANY(given), VARDATA_ANY(form->unit_text), VARSIZE_ANY_EXHDR(given)) != 0)
		{
			form->unit_read = *DatumGetIntervalP(DirectFunctionCall3(interval_in,
																	 CStringGetDatum(text_to_cstring(given)),
																	 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
			if (form->unit_text != NULL)
				pfree(form->unit_text);
			form->unit_text = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(given));
			memcpy(form->unit_text, given, VARSIZE_ANY(given));
		}
		unit = &form->unit_read;
	}
	else
		unit = PG_GETARG_INTERVAL_P(form->unit_arg);
	if ((problem = model_time_unit_problem(unit)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid time unit %s", state->fname, model_interval_text(unit)),
				 errhint("%s", problem)));
	fit_adopt_time_unit(state, unit);
}

/*
 * The first unit a state sees is its unit (all zero until then, never a
 * valid unit); any other is refused.  Rows whose data are NULL (a
 * customer without a summary) are skipped before their unit is read, so a
 * partial state may have none yet.
 */
static void
fit_adopt_time_unit(FitState *state, const Interval *unit)
{
	if (state->time_unit.month == 0 && state->time_unit.day == 0 && state->time_unit.time == 0)
		state->time_unit = *unit;
	else if (memcmp(unit, &state->time_unit, sizeof(Interval)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the time unit must be the same in every row", state->fname),
				 errhint("Pass the time unit as a constant.")));
}

static LkStateHeader *
fit_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const FitState *m = (const FitState *) model;
	MemoryContext own = lk_state_context(context);
	FitState   *state = fit_state_new(own, m->kind, m->fname, m->rows->members + m->nwaiting);

	state->time_unit = m->time_unit;
	state->penalizer = m->penalizer;
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

	if (a->kind != b->kind)
		elog(ERROR, "%s: combining states of different models", a->fname);
	if (b->time_unit.month != 0 || b->time_unit.day != 0 || b->time_unit.time != 0)
		fit_adopt_time_unit(a, &b->time_unit);
	if (b->penalizer >= 0)
		fit_adopt_penalizer(a, b->penalizer);
	fitrows_start_iterate(b->rows, &it);
	while ((e = fitrows_iterate(b->rows, &it)) != NULL)
	{
		fit_state_add(a, e->key, e->weight);
		if ((++n & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int i = 0; i < b->nwaiting; i++)
		fit_state_add(a, b->waiting_key[i], b->waiting_weight[i]);
}

static int64
fit_size(const LkStateHeader *state)
{
	return ((const FitState *) state)->rows->members + ((const FitState *) state)->nwaiting;
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

/* Serialized: a format byte, the model kind, the time unit, the penalizer, then the distinct rows with their weights */
#define FIT_SERIAL_FORMAT 3

PG_FUNCTION_INFO_V1(fit_serialize);
Datum
fit_serialize(PG_FUNCTION_ARGS)
{
	FitState   *state = (FitState *) PG_GETARG_POINTER(0);
	fitrows_hash *rows = fit_state_rows(state);
	fitrows_iterator it;
	FitEntry   *e;
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "fit_serialize");
	lk_serial_begin(&buf, FIT_SERIAL_FORMAT);
	pq_sendbyte(&buf, state->kind);
	pq_sendint64(&buf, state->time_unit.time);
	pq_sendint32(&buf, state->time_unit.day);
	pq_sendint32(&buf, state->time_unit.month);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint32(&buf, (int32) rows->members);
	lk_serial_room(&buf, 32 * (Size) rows->members, state->fname,
				   "Run the fit without parallel workers (SET max_parallel_workers_per_gather = 0), or round the times to fewer distinct values.");
	fitrows_start_iterate(rows, &it);
	while ((e = fitrows_iterate(rows, &it)) != NULL)
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
	double		penalizer;
	int32		n;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, FIT_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 1 + 16 + 8)
		lk_serial_error(fname, "It ends before the model kind, time unit and penalizer.");
	kind = pq_getmsgbyte(&buf);
	unit.time = pq_getmsgint64(&buf);
	unit.day = pq_getmsgint(&buf, 4);
	unit.month = pq_getmsgint(&buf, 4);
	penalizer = pq_getmsgfloat8(&buf);
	if (!(penalizer == -1 || penalizer >= 0) || isinf(penalizer))
		lk_serial_error(fname, "Its penalizer is out of range.");
	if (kind < 1 || kind > MODEL_KIND_MAX)
		lk_serial_error(fname, psprintf("Model kind %d is unknown.", kind));
	if ((unit.time != 0 || unit.day != 0 || unit.month != 0) &&
		(!model_specs[kind].has_time_unit || model_time_unit_problem(&unit) != NULL))
		lk_serial_error(fname, "Its time unit is out of range.");
	n = lk_serial_count(&buf, 32, fname);
	if (buf.len - buf.cursor != 32 * n)
		lk_serial_error(fname, "Its rows are not whole.");
	own = lk_state_context(CurrentMemoryContext);
	state = fit_state_new(own, (ModelKind) kind, model_specs[kind].fit_name, n);
	state->time_unit = unit;
	state->penalizer = penalizer;
	state->header.own_context = own;
	state->header.adoptable = true;
	for (int32 i = 0; i < n; i++)
	{
		FitKey		key;
		double		weight;

		for (int k = 0; k < 3; k++)
			key.v[k] = pq_getmsgfloat8(&buf);
		weight = pq_getmsgfloat8(&buf);
		model_specs[kind].check_row(fname, &key);
		fit_check_weight(fname, weight);
		fit_state_add(state, key, weight);
		if ((i & 0xffff) == 0xffff)
			CHECK_FOR_INTERRUPTS();
	}
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(state);
}

/* ---------------------------------------------------------------------
 * The rows of a fit, sorted
 * ---------------------------------------------------------------------
 *
 * By radix, on the numbers' bits: a fit of a million customers sorts its
 * distinct rows and their times once, and a comparison sort's 17 steps an
 * element, each a branch it mispredicts half the time, were a tenth of the
 * CLV pipeline.  The order is the comparison's, so sums over the rows
 * come out the same to the bit.
 */

/* A number and where it came from */
typedef struct RankPair
{
	uint64		key;			/* ordered_bits of the number */
	uint32		index;
} RankPair;

/*
 * A finite double's bits as an unsigned integer of the same order: the
 * sign bit set for positives, every bit flipped for negatives.  0.0 and
 * -0.0 differ here; the callers fold -0.0 into 0.0 first.
 */
static inline uint64
ordered_bits(double v)
{
	uint64		bits;

	memcpy(&bits, &v, sizeof(bits));
	return (bits >> 63) ? ~bits : bits | (UINT64CONST(1) << 63);
}

/*
 * Sorts pairs by key, stably: a pass a byte, least significant first,
 * skipping the bytes every key shares (a whole number's low bytes, say).
 * Returns a or scratch, whichever ends sorted.
 */
static RankPair *
radix_sort_pairs(RankPair *a, RankPair *scratch, int n)
{
	uint32		counts[8][256];

	memset(counts, 0, sizeof(counts));
	for (int i = 0; i < n; i++)
	{
		uint64		key = a[i].key;

		counts[0][key & 0xff]++;
		counts[1][(key >> 8) & 0xff]++;
		counts[2][(key >> 16) & 0xff]++;
		counts[3][(key >> 24) & 0xff]++;
		counts[4][(key >> 32) & 0xff]++;
		counts[5][(key >> 40) & 0xff]++;
		counts[6][(key >> 48) & 0xff]++;
		counts[7][key >> 56]++;
	}
	for (int b = 0; b < 8 && n > 0; b++)
	{
		uint32	   *slot = counts[b];
		int			shift = 8 * b;
		uint32		offset = 0;
		RankPair   *swap;

		if (slot[(a[0].key >> shift) & 0xff] == (uint32) n)
			continue;
		for (int v = 0; v < 256; v++)
		{
			uint32		count = slot[v];

			slot[v] = offset;
			offset += count;
		}
		for (int i = 0; i < n; i++)
		{
			RankPair	pair = a[i];

			scratch[slot[(pair.key >> shift) & 0xff]++] = pair;
		}
		swap = a;
		a = scratch;
		scratch = swap;
	}
	return a;
}

void
fit_order_rows(const void *rows, Size stride, const int *columns, int ncolumns, int n, uint32 *order)
{
	RankPair   *pairs = palloc(sizeof(RankPair) * Max(n, 1));
	RankPair   *scratch = palloc(sizeof(RankPair) * Max(n, 1));

	for (int i = 0; i < n; i++)
		pairs[i].index = i;
	/* stable passes from the least significant column: the order of all of them */
	for (int c = ncolumns - 1; c >= 0; c--)
	{
		RankPair   *sorted;

		for (int i = 0; i < n; i++)
		{
			double		v;

			memcpy(&v, (const char *) rows + stride * pairs[i].index + sizeof(double) * columns[c], sizeof(double));
			pairs[i].key = ordered_bits(v);
		}
		sorted = radix_sort_pairs(pairs, scratch, n);
		scratch = sorted == pairs ? scratch : pairs;
		pairs = sorted;
	}
	for (int i = 0; i < n; i++)
		order[i] = pairs[i].index;
	pfree(pairs);
	pfree(scratch);
}

int
fit_rank(const double *values, int n, int *ranks, double *distinct)
{
	RankPair   *pairs = palloc(sizeof(RankPair) * Max(n, 1));
	RankPair   *scratch = palloc(sizeof(RankPair) * Max(n, 1));
	RankPair   *sorted;
	int			m = 0;

	for (int i = 0; i < n; i++)
	{
		pairs[i].key = ordered_bits(values[i] + 0.0);
		pairs[i].index = i;
	}
	sorted = radix_sort_pairs(pairs, scratch, n);
	for (int i = 0; i < n; i++)
	{
		if (i == 0 || sorted[i].key != sorted[i - 1].key)
			distinct[m++] = values[sorted[i].index] + 0.0;
		ranks[sorted[i].index] = m - 1;
	}
	pfree(pairs);
	pfree(scratch);
	return m;
}

/* Binary search, written out: bsearch's call of the comparison per step costs more than the step */
int
fit_index_of(const double *a, int n, double v)
{
	int			lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	Assert(n > 0 && a[lo] == v);
	return lo;
}

void
fit_distinct_x(const FitData *fit, FitDistinctX *x)
{
	double	   *values = palloc(sizeof(double) * Max(fit->n, 1));

	for (int i = 0; i < fit->n; i++)
		values[i] = fit->keys[i].v[0];
	x->xs = palloc(sizeof(double) * Max(fit->n, 1));
	x->row_index = palloc(sizeof(int) * Max(fit->n, 1));
	x->nx = fit_rank(values, fit->n, x->row_index, x->xs);
	pfree(values);
	x->weight = palloc0(sizeof(double) * Max(x->nx, 1));
	x->scratch = palloc0(sizeof(double) * 2 * Max(x->nx, 1));
	for (int i = 0; i < fit->n; i++)
		x->weight[x->row_index[i]] += fit->weights[i];
}

FitData *
fit_data_build(FitState *state)
{
	fitrows_hash *rows = fit_state_rows(state);
	int			n = rows->members;
	FitEntry   *entries = palloc(sizeof(FitEntry) * Max(n, 1));
	static const int key_columns[3] = {0, 1, 2};
	uint32	   *order;
	fitrows_iterator it;
	FitEntry   *e;
	FitKey	   *keys;
	double	   *weights;
	int			k = 0;

	fitrows_start_iterate(rows, &it);
	while ((e = fitrows_iterate(rows, &it)) != NULL)
		entries[k++] = *e;

	/*
	 * The hash table's order follows the input's (row order, plan, workers):
	 * rows sorted by (v[0], v[1], v[2]) make every sum of a likelihood, and
	 * so the fit, the same to the bit however the rows arrived.
	 */
	order = palloc(sizeof(uint32) * Max(n, 1));
	fit_order_rows(entries, sizeof(FitEntry), key_columns, 3, n, order);
	keys = palloc(sizeof(FitKey) * Max(n, 1));
	weights = palloc(sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		const FitEntry *e = &entries[order[i]];

		keys[i] = e->key;
		weights[i] = e->weight;
	}
	pfree(order);
	pfree(entries);
	return fit_data_of(state->kind, state->fname, keys, weights, n);
}

FitData *
fit_data_of(ModelKind kind, const char *fname, FitKey *keys, double *weights, int n)
{
	FitData    *d = palloc0(sizeof(FitData));

	d->kind = kind;
	d->fname = fname;
	d->nparams = model_specs[kind].nparams;
	d->loglik = model_specs[kind].loglik;
	d->sample = fit_data_sample;
	d->n = n;
	d->keys = keys;
	d->weights = weights;
	for (int i = 0; i < n; i++)
		d->total_weight += weights[i];
	model_specs[kind].arrange(d);
	return d;
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

	/*
	 * NULL, or the optimizer's variables are z with theta = origin + scale
	 * z, scale lower triangular (n x n, row-major): a warm start's
	 * preconditioning
	 */
	const double *origin;
	const double *scale;
} Optimization;

/* theta = origin + scale z */
static void
preconditioned_theta(const Optimization *o, int n, const double *z, double *theta)
{
	for (int i = 0; i < n; i++)
	{
		theta[i] = o->origin[i];
		for (int j = 0; j <= i; j++)
			theta[i] += o->scale[i * n + j] * z[j];
	}
}

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
nlopt_objective(unsigned n, const double *variables, double *grad, void *arg)
{
	Optimization *o = (Optimization *) arg;
	MemoryContext context = CurrentMemoryContext;
	volatile double ll = 0;
	volatile bool failed = false;
	double		theta[FIT_MAX_PARAMS],
				grad_theta[FIT_MAX_PARAMS];

	if (o->scale != NULL)
		preconditioned_theta(o, n, variables, theta);
	else
		memcpy(theta, variables, sizeof(double) * n);

	if (o->error != NULL)
	{
		nlopt_force_stop(o->opt);
		return HUGE_VAL;
	}
	PG_TRY();
	{
		CHECK_FOR_INTERRUPTS();
		ll = o->data->loglik(o->data, theta, grad ? grad_theta : NULL);
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
	/* d/dz = scale^T d/dtheta */
	if (grad != NULL)
		for (unsigned j = 0; j < n; j++)
		{
			if (o->scale == NULL)
				grad[j] = grad_theta[j];
			else
			{
				grad[j] = 0;
				for (unsigned i = j; i < n; i++)
					grad[j] += o->scale[i * n + j] * grad_theta[i];
			}
			grad[j] = -grad[j] / o->data->total_weight;
		}
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
 * The Cholesky factor of the symmetric matrix a (n x n): l lower
 * triangular (zero above) with l l^T = a; false when a is not positive
 * definite.
 */
static bool
cholesky(const double *a, int n, double *l)
{
	memset(l, 0, sizeof(double) * n * n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++)
		{
			double		s = a[i * n + j];

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
	return true;
}

/*
 * Inverts the symmetric matrix h (n x n) in place by Cholesky; false when
 * it is not positive definite.
 */
static bool
invert_positive_definite(double *h, int n)
{
	double		l[FIT_MAX_PARAMS * FIT_MAX_PARAMS];
	double		inv[FIT_MAX_PARAMS * FIT_MAX_PARAMS] = {0};

	if (!cholesky(h, n, l))
		return false;
	/* columns of L^-T L^-1: solve L y = e_c, then L^T z = y */
	for (int c = 0; c < n; c++)
	{
		double		y[FIT_MAX_PARAMS];

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
 * gradient, inverted (cov, the covariance of the log-parameters, made
 * exactly symmetric); then se(param) = param * se(log param) (delta
 * method).  False when the information is not positive definite.
 */
void
fit_information_by_differences(FitData *d, const double *theta, double *h)
{
	int			n = d->nparams;
	const double step = 1e-5;

	for (int j = 0; j < n; j++)
	{
		double		up[FIT_MAX_PARAMS],
					down[FIT_MAX_PARAMS],
					g_up[FIT_MAX_PARAMS],
					g_down[FIT_MAX_PARAMS];

		memcpy(up, theta, sizeof(double) * n);
		memcpy(down, theta, sizeof(double) * n);
		up[j] += step;
		down[j] -= step;
		d->loglik(d, up, g_up);
		d->loglik(d, down, g_down);
		for (int i = 0; i < n; i++)
			h[i * n + j] = -(g_up[i] - g_down[i]) / (2 * step);
	}
}

static bool
standard_errors(FitData *d, const double *theta, int n, double *se, double *cov)
{
	double		h[FIT_MAX_PARAMS * FIT_MAX_PARAMS] = {0};

	Assert(n == d->nparams);
	if (d->information != NULL)
		d->information(d, theta, h);
	else
		fit_information_by_differences(d, theta, h);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			h[i * n + j] = h[j * n + i] = (h[i * n + j] + h[j * n + i]) / 2;
	if (!invert_positive_definite(h, n))
		return false;
	for (int i = 0; i < n; i++)
		for (int j = 0; j <= i; j++)
			cov[i * n + j] = cov[j * n + i] = (h[i * n + j] + h[j * n + i]) / 2;
	for (int i = 0; i < n; i++)
		se[i] = exp(theta[i]) * sqrt(cov[i * n + i]);
	return true;
}

/*
 * Maximizes the likelihood of d's rows from theta (log-parameters), which
 * it leaves at the maximum: SLSQP with the analytic gradient.  With scale
 * (not NULL; lower triangular, n x n), over z with theta = start + scale z
 * from z = 0, in a box of z that keeps theta inside the bounds; *at_box
 * then says whether the fit ended on that box.  An ERROR raised in the
 * objective is raised again here, once NLopt is done.
 */
static nlopt_result
maximize(FitData *d, double *theta, const double *scale, bool *at_box)
{
	int			n = d->nparams;
	double		lower[FIT_MAX_PARAMS],
				upper[FIT_MAX_PARAMS],
				origin[FIT_MAX_PARAMS],
				z[FIT_MAX_PARAMS] = {0};
	double		box = LOG_BOUND;
	double		min_value;
	Optimization o;
	nlopt_result result;

	memcpy(origin, theta, sizeof(double) * n);
	if (scale != NULL)
	{
		/* |theta_i - start_i| <= box sum_j |scale_ij| stays within the bounds */
		for (int i = 0; i < n; i++)
		{
			double		row = 0;

			for (int j = 0; j <= i; j++)
				row += fabs(scale[i * n + j]);
			box = Min(box, (LOG_BOUND - fabs(origin[i])) / Max(row, 1e-300));
		}
	}
	for (int i = 0; i < n; i++)
	{
		lower[i] = scale ? -box : -LOG_BOUND;
		upper[i] = scale ? box : LOG_BOUND;
	}
	o.data = d;
	o.error = NULL;
	o.origin = origin;
	o.scale = scale;
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
		elog(ERROR, "%s: could not set up the optimizer", d->fname);
	}
	result = nlopt_optimize(o.opt, scale ? z : theta, &min_value);
	nlopt_destroy(o.opt);
	if (o.error != NULL)
		ReThrowError(o.error);
	CHECK_FOR_INTERRUPTS();
	if (scale != NULL)
	{
		preconditioned_theta(&o, n, z, theta);
		*at_box = false;
		for (int j = 0; j < n; j++)
			*at_box |= fabs(z[j]) >= box * (1 - 1e-9);
	}
	return result;
}

/*
 * A systematic sample of d's sorted rows for a warm start: blocks of up to
 * `stride` consecutive rows of one first key (x), each the row at its
 * middle with the block's summed weight; a row that alone weighs as much
 * as a block of average rows (the many customers of x = 0 and one age,
 * say) stays as it is.  The sample keeps the total weight and the spread
 * of every key.
 */
FitData *
fit_data_sample(const FitData *d, int stride)
{
	FitKey	   *keys = palloc(sizeof(FitKey) * d->n);
	double	   *weights = palloc(sizeof(double) * d->n);
	double		heavy = d->total_weight / d->n * stride;
	int			first = 0,
				n = 0;

	while (first < d->n)
	{
		int			last = first + 1;
		double		weight = d->weights[first];

		if (weight < heavy)
			while (last < d->n && last - first < stride && d->weights[last] < heavy &&
				   d->keys[last].v[0] == d->keys[first].v[0])
				weight += d->weights[last++];
		keys[n] = d->keys[(first + last - 1) / 2];
		weights[n++] = weight;
		first = last;
	}
	return fit_data_of(d->kind, d->fname, keys, weights, n);
}

/*
 * Newton steps from the sample's Hessian (cov, the covariance of the
 * log-parameters, the inverse of -LL's Hessian): theta += H grad LL, H
 * starting as cov.  Near the maximum the full Hessian differs from the
 * sample's by the sample's noise, so each step divides the distance to the
 * maximum by about the square root of the sample's size; where the data
 * hardly tell a direction (s and beta of Pareto/NBD), the sample's
 * curvature there can be off by a factor of two or more, and fixed steps
 * would overshoot.  So each evaluation also corrects H by the secant of
 * the gradients between it and the best point (BFGS's update of the
 * inverse, kept when the curvature it sees is positive); a step that
 * lowers the likelihood is retaken from the best point with the corrected
 * H, and halved only when there was nothing to correct.  True once the
 * gain the next step promises (grad' H grad / 2, the Newton decrement) is
 * below CHORD_TOLERANCE of the log-likelihood, i.e. near the rounding of
 * its sum: theta is then the best point plus that last step, which
 * divides the distance once more.  False after CHORD_STEPS evaluations,
 * theta at the best point seen.
 */
#define CHORD_STEPS 12
#define CHORD_TOLERANCE 1e-15

/*
 * BFGS's update of h (n x n, the inverse Hessian of -LL) by the step s
 * between two points and the change y of -LL's gradient between them:
 * h = (I - s y'/y's) h (I - y s'/y's) + s s'/y's.  False, h unchanged,
 * where y's is not positive (no curvature to learn).
 */
static bool
bfgs_update(double *h, int n, const double *s, const double *y)
{
	double		ys = 0,
				hy[FIT_MAX_PARAMS],
				yhy = 0;

	for (int i = 0; i < n; i++)
		ys += y[i] * s[i];
	if (!(ys > 0))
		return false;
	for (int i = 0; i < n; i++)
	{
		hy[i] = 0;
		for (int j = 0; j < n; j++)
			hy[i] += h[i * n + j] * y[j];
		yhy += y[i] * hy[i];
	}
	/* expanded: h - (hy s' + s hy')/ys + (1 + y'hy/ys) s s'/ys */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			h[i * n + j] += (-(hy[i] * s[j] + s[i] * hy[j]) + (1 + yhy / ys) * s[i] * s[j]) / ys;
	return true;
}

static bool
chord_steps(FitData *d, double *theta, const double *cov)
{
	int			n = d->nparams;
	double		best = -INFINITY,
				best_grad[FIT_MAX_PARAMS],
				best_theta[FIT_MAX_PARAMS],
				h[FIT_MAX_PARAMS * FIT_MAX_PARAMS],
				shrink = 1;

	memcpy(h, cov, sizeof(double) * n * n);
	memcpy(best_theta, theta, sizeof(double) * n);
	for (int k = 0; k < CHORD_STEPS; k++)
	{
		double		grad[FIT_MAX_PARAMS],
					step[FIT_MAX_PARAMS],
					gain = 0;
		double		ll = d->loglik(d, theta, grad);
		bool		learned = false;

		d->evaluations++;
		CHECK_FOR_INTERRUPTS();
		if (best > -INFINITY && isfinite(ll))
		{
			double		s[FIT_MAX_PARAMS],
						y[FIT_MAX_PARAMS];

			for (int i = 0; i < n; i++)
			{
				s[i] = theta[i] - best_theta[i];
				y[i] = best_grad[i] - grad[i];
			}
			learned = bfgs_update(h, n, s, y);
		}
		if (isfinite(ll) && ll >= best)
		{
			best = ll;
			memcpy(best_theta, theta, sizeof(double) * n);
			memcpy(best_grad, grad, sizeof(double) * n);
		}
		else if (!learned)
			shrink /= 2;
		if (best == -INFINITY)
			break;
		for (int i = 0; i < n; i++)
		{
			step[i] = 0;
			for (int j = 0; j < n; j++)
				step[i] += h[i * n + j] * best_grad[j];
			gain += step[i] * best_grad[i] / 2;
		}
		for (int i = 0; i < n; i++)
			theta[i] = best_theta[i] + shrink * step[i];
		elog(DEBUG2, "chord step %d: log-likelihood %.10f, gain promised %.3g", k, ll, gain);
		if (gain <= CHORD_TOLERANCE * fabs(best))
			return true;
	}
	memcpy(theta, best_theta, sizeof(double) * n);
	return false;
}

/*
 * Above WARM_START_ROWS distinct rows (a million customers with times to
 * the second, say), a fit first maximizes on a sample of about
 * WARM_START_SAMPLE of them and takes the sample's observed information,
 * which has the full data's scale (the sample keeps the total weight).
 * From the sample's maximum, chord_steps walks to the full maximum with
 * that Hessian (corrected by the gradients it sees), in 3 to 10
 * evaluations where from all parameters 1 SLSQP needed thirty to forty.
 * Where it does not get there, SLSQP goes on preconditioned by it: in z,
 * theta = start + C z with C C^T the sample's covariance, the likelihood
 * is nearly a unit bowl for SLSQP, whose first Hessian guess is the
 * identity.  A fit of fewer rows is untouched.
 */
#define WARM_START_ROWS 50000
#define WARM_START_SAMPLE 10000

FitData *
fit_data_warm_sample(FitData *d)
{
	if (d->sample == NULL || d->n <= WARM_START_ROWS)
		return d;
	return d->sample(d, (d->n + WARM_START_SAMPLE - 1) / WARM_START_SAMPLE);
}

/*
 * Maximizes d's likelihood from theta (log-parameters, or a covariate
 * fit's coefficients), which it leaves at the maximum; out gets the
 * log-likelihood there, the covariance of theta (NaN where the
 * information is singular) and whether the fit converged: stopped on a
 * tolerance (or on rounding, which SLSQP reports near a flat maximum), at
 * a stationary point inside the bounds, with a positive definite
 * information matrix and every parameter identified.
 */
void
fit_maximum(FitData *d, double *theta, FitOutcome *out)
{
	int			n = d->nparams;
	double		start[FIT_MAX_PARAMS];
	double		grad[FIT_MAX_PARAMS];
	double		se[FIT_MAX_PARAMS];
	double		cov[FIT_MAX_PARAMS * FIT_MAX_PARAMS],
				scale[FIT_MAX_PARAMS * FIT_MAX_PARAMS];
	bool		warm = false,
				stationary = false,
				at_box = false;
	nlopt_result result;
	bool		ok;
	int			sample_evaluations = 0;
	instr_time	started,
				elapsed,
				sample_elapsed;

	Assert(n <= FIT_MAX_PARAMS);
	memcpy(start, theta, sizeof(double) * n);
	INSTR_TIME_SET_ZERO(sample_elapsed);
	if (d->sample != NULL && d->n > WARM_START_ROWS)
	{
		FitData    *sample = fit_data_warm_sample(d);
		nlopt_result sampled;

		INSTR_TIME_SET_CURRENT(started);
		sampled = maximize(sample, theta, NULL, NULL);
		warm = sampled > 0 || sampled == NLOPT_ROUNDOFF_LIMITED;
		for (int i = 0; i < n; i++)
			warm &= fabs(theta[i]) < LOG_BOUND - BOUND_MARGIN;
		warm = warm && standard_errors(sample, theta, n, se, cov);
		sample_evaluations = sample->evaluations;
		INSTR_TIME_SET_CURRENT(sample_elapsed);
		INSTR_TIME_SUBTRACT(sample_elapsed, started);
	}
	/* the full rows' evaluations from here, the chord steps' too: what the DEBUG1 line times */
	INSTR_TIME_SET_CURRENT(started);
	if (warm)
	{
		stationary = chord_steps(d, theta, cov);
		/* the objective is the mean log-likelihood: its inverse Hessian is total weight x cov */
		for (int i = 0; i < n * n; i++)
			cov[i] *= d->total_weight;
		warm = cholesky(cov, n, scale);
	}
	if (stationary)
		result = NLOPT_SUCCESS;
	else if (warm)
		result = maximize(d, theta, scale, &at_box);
	/* no interior maximum of the sample's, or the full fit's beyond its box: start cold */
	if (!warm || at_box)
	{
		memcpy(theta, start, sizeof(double) * n);
		result = maximize(d, theta, NULL, NULL);
	}

	/*
	 * NLopt's failures are errors, not models.  Round-off is the exception:
	 * SLSQP reports it when it cannot improve a flat maximum any further,
	 * and the checks below decide whether that point is a maximum.
	 */
	if (result < 0 && result != NLOPT_ROUNDOFF_LIMITED)
		ereport(ERROR,
				(errcode(result == NLOPT_OUT_OF_MEMORY ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
				 errmsg("%s: the optimizer failed with NLopt result %d (%s)",
						d->fname, (int) result, nlopt_result_name(result)),
				 errhint("Check the rows the model is fitted to.")));
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, started);
	/* for benchmarks: the cost of one likelihood evaluation, apart from the scan */
	elog(DEBUG1, "%s: %d distinct rows, %d likelihood evaluations in %.3f ms (%.3f ms each), NLopt result %d; warm start: %d evaluations on a sample in %.3f ms",
		 d->fname, d->n, d->evaluations, INSTR_TIME_GET_MILLISEC(elapsed),
		 INSTR_TIME_GET_MILLISEC(elapsed) / Max(d->evaluations, 1), (int) result, sample_evaluations,
		 INSTR_TIME_GET_MILLISEC(sample_elapsed));

	out->log_likelihood = d->loglik(d, theta, grad);
	if (!isfinite(out->log_likelihood))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the likelihood could not be evaluated at the fitted parameters",
						d->fname)));
	ok = result > 0 && result != NLOPT_MAXEVAL_REACHED && result != NLOPT_MAXTIME_REACHED;
	ok |= result == NLOPT_ROUNDOFF_LIMITED;
	for (int i = 0; i < n; i++)
	{
		ok &= fabs(grad[i]) / d->total_weight <= GRADIENT_TOLERANCE;
		ok &= fabs(theta[i]) < LOG_BOUND - BOUND_MARGIN;
	}
	if (!out->want_covariance)
	{
		/* a start for another fit: its information is not needed */
		out->converged = ok;
		return;
	}
	/* se of theta is sqrt(cov_ii): what standard_errors writes times e^-theta */
	INSTR_TIME_SET_CURRENT(started);
	if (standard_errors(d, theta, n, se, out->covariance))
		for (int i = 0; i < n; i++)
			ok &= sqrt(out->covariance[i * n + i]) <= LOG_SE_LIMIT;
	else
	{
		for (int i = 0; i < n * n; i++)
			out->covariance[i] = get_float8_nan();
		ok = false;
	}
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, started);
	elog(DEBUG1, "%s: the information for the standard errors in %.3f ms", d->fname,
		 INSTR_TIME_GET_MILLISEC(elapsed));
	out->converged = ok;
}

/*
 * lifetimes' penalizer_coef c.  lifetimes minimizes, with its purchase
 * models' times divided by the longest age (so alpha, and Pareto/NBD's
 * beta, are alpha / T_max):
 *	 BG/NBD, MBG/NBD, Gamma-Gamma, BG/BB: -sum w LL / sum w + c sum p^2
 *	 Pareto/NBD:						  -sum w LL / mean w + c sum p^2
 * i.e. the log-likelihood less (customers x c) sum p^2, and for Pareto/NBD,
 * whose rows lifetimes takes one a customer, less c sum p^2.  The weights
 * are per log-parameter: w_j p_j^2 = w_j e^(2 theta_j).
 */
double
fit_penalty(const FitData *d, const double *theta)
{
	double		penalty = 0;

	for (int j = 0; j < d->nparams; j++)
		penalty += d->penalty[j] * exp(2 * theta[j]);
	return penalty;
}

static double
penalized_loglik(FitData *d, const double *theta, double *grad)
{
	double		ll = model_specs[d->kind].loglik(d, theta, grad);

	if (grad != NULL)
		for (int j = 0; j < d->nparams; j++)
			grad[j] -= 2 * d->penalty[j] * exp(2 * theta[j]);
	return ll - fit_penalty(d, theta);
}

void
fit_penalize(FitData *d, double penalizer)
{
	double		longest = 0,
				per;
	/* which parameters are times, by the models' parameter order: alpha, and Pareto/NBD's beta */
	bool		purchase_model = d->kind == MODEL_BGNBD || d->kind == MODEL_MBGNBD || d->kind == MODEL_PARETO_NBD;
	bool		beta_is_time = d->kind == MODEL_PARETO_NBD;

	if (penalizer == 0)
		return;
	Assert(purchase_model || d->kind == MODEL_GAMMA_GAMMA || d->kind == MODEL_BGBB);
	for (int i = 0; purchase_model && i < d->n; i++)
		longest = Max(longest, d->keys[i].v[2]);
	if (!(longest > 0))
		longest = 1;
	per = d->kind == MODEL_PARETO_NBD ? penalizer : penalizer * d->total_weight;
	for (int j = 0; j < d->nparams; j++)
		d->penalty[j] = purchase_model && (j == 1 || (j == 3 && beta_is_time)) ? per / (longest * longest) : per;
	d->loglik = penalized_loglik;
}

/*
 * The fit with lifetimes' penalizer (fit_model when it is 0): the model
 * keeps the likelihood itself, not the penalized objective, and records
 * the penalizer (format 4)
 */
Model *
fit_penalized_model(FitData *d, double penalizer)
{
	Model	   *m;
	double		theta[MODEL_MAX_PARAMS];

	fit_penalize(d, penalizer);
	m = fit_model(d);
	if (penalizer == 0)
		return m;
	/* fit_model's log-likelihood is the penalized one: the penalty put back */
	for (int j = 0; j < m->nparams; j++)
		theta[j] = log(MODEL_ESTIMATE(m)[j]);
	m->log_likelihood += fit_penalty(d, theta);
	return model_with_penalizer(m, penalizer);
}

/* Fits the model to the rows, from all parameters 1 (as the papers and lifetimes start) */
Model *
fit_model(FitData *d)
{
	int			n = d->nparams;
	Model	   *m = model_new(d->kind);
	double		theta[FIT_MAX_PARAMS] = {0};
	FitOutcome *out = palloc0(sizeof(FitOutcome));

	out->want_covariance = true;
	fit_maximum(d, theta, out);
	m->iterations = d->evaluations;
	m->customers = d->total_weight;
	m->log_likelihood = out->log_likelihood;
	m->converged = out->converged;
	for (int i = 0; i < n; i++)
	{
		MODEL_ESTIMATE(m)[i] = exp(theta[i]);
		MODEL_STD_ERROR(m)[i] = MODEL_ESTIMATE(m)[i] * sqrt(out->covariance[i * n + i]);
	}
	memcpy(MODEL_COVARIANCE(m), out->covariance, sizeof(double) * n * n);
	pfree(out);
	return m;
}

void
fit_cannot_identify(const char *fname, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the data cannot identify the model", fname),
			 errdetail("%s", detail),
			 errhint("%s", hint)));
}
