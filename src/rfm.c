/*
 * rfm.c
 *		RFM scores and segments: a stored model of each dimension's cut
 *		points, the scores of a customer against it, and a named segment
 *		from a user's map.
 *
 * Definitions (README, "RFM scores and segments"; issue 14):
 *	 rfm_fit		over one (recency, frequency, monetary) row per customer,
 *					the cut points of each dimension at the quantiles i / bins
 *					(i = 1 .. bins - 1), continuous as percentile_cont.
 *					Recency is the time since the last purchase: lower is
 *					better (the BTYD models' "recency" is the opposite).
 *	 rfm_score		frequency and monetary: 1 + the number of cut points
 *					strictly below the value; recency reversed, bins minus
 *					that number; so 1..bins, bins the best, and tied values
 *					always score the same.
 *	 rfm_segment	the first entry of a user's map whose score ranges hold
 *					the scores.
 *
 * The fit's state holds every row's three values (24 bytes a customer),
 * since quantiles need them all; the final function sorts each dimension,
 * so the model does not depend on the order of the rows.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#define RFM_FORMAT 1
#define RFM_DEFAULT_BINS 5
#define RFM_MAX_BINS 100
#define RFM_TEXT_FORM "v1;bins=B;customers=N;r=CUT,...;f=CUT,...;m=CUT,..."

static const char *const dimension_names[3] = {"r", "f", "m"};

/* The stored model: bins - 1 cut points of each dimension, recency first */
typedef struct RfmModel
{
	int32		vl_len_;
	int32		bins;
	int64		customers;
	double		cuts[FLEXIBLE_ARRAY_MEMBER];	/* 3 * (bins - 1) */
} RfmModel;

#define RFM_SIZE(bins) (offsetof(RfmModel, cuts) + sizeof(double) * 3 * ((bins) - 1))
#define RFM_CUTS(m, d) ((m)->cuts + (d) * ((m)->bins - 1))

static RfmModel *
rfm_alloc(int32 bins)
{
	RfmModel   *m = palloc0(RFM_SIZE(bins));

	SET_VARSIZE(m, RFM_SIZE(bins));
	m->bins = bins;
	return m;
}

static void
check_bins(const char *fname, int64 bins)
{
	if (bins < 2 || bins > RFM_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid number of bins " INT64_FORMAT, fname, bins),
				 errhint("Use from 2 to %d bins; 5 (quintiles) is the usual.", RFM_MAX_BINS)));
}

/* Why m is not a model this library writes, or NULL */
static const char *
rfm_problem(const RfmModel *m)
{
	if (m->customers < 1)
		return "A model has at least one customer.";
	for (int d = 0; d < 3; d++)
		for (int i = 0; i < m->bins - 1; i++)
		{
			double		c = RFM_CUTS(m, d)[i];

			if (!isfinite(c))
				return "Cut points are finite.";
			if (i > 0 && c < RFM_CUTS(m, d)[i - 1])
				return "Cut points do not decrease.";
		}
	return NULL;
}


/* ---------------------------------------------------------------------
 * Text, binary and jsonb forms
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(rfm_model_out);
Datum
rfm_model_out(PG_FUNCTION_ARGS)
{
	const RfmModel *m = (const RfmModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d;bins=%d;customers=" INT64_FORMAT, RFM_FORMAT, m->bins, m->customers);
	for (int d = 0; d < 3; d++)
	{
		appendStringInfo(&buf, ";%s=", dimension_names[d]);
		for (int i = 0; i < m->bins - 1; i++)
		{
			if (i > 0)
				appendStringInfoChar(&buf, ',');
			lk_append_double(&buf, RFM_CUTS(m, d)[i]);
		}
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(rfm_model_in);
Datum
rfm_model_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	LkTextReader r;
	RfmModel   *m;
	const char *problem;
	int32		bins;
	int64		customers;

	lk_text_begin(&r, input, "rfm_model", RFM_TEXT_FORM);
	lk_text_expect(&r, "v1;bins=");
	bins = (int32) lk_text_int64(&r, 2, RFM_MAX_BINS);
	lk_text_expect(&r, ";customers=");
	customers = lk_text_int64(&r, 1, PG_INT64_MAX);
	m = rfm_alloc(bins);
	m->customers = customers;
	for (int d = 0; d < 3; d++)
	{
		lk_text_expect(&r, d == 0 ? ";r=" : d == 1 ? ";f=" : ";m=");
		for (int i = 0; i < bins - 1; i++)
		{
			if (i > 0)
				lk_text_expect(&r, ",");
			RFM_CUTS(m, d)[i] = lk_text_double(&r);
		}
	}
	lk_text_end(&r);
	if ((problem = rfm_problem(m)) != NULL)
		lk_text_error(&r, problem);
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(rfm_model_send);
Datum
rfm_model_send(PG_FUNCTION_ARGS)
{
	const RfmModel *m = (const RfmModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RFM_FORMAT);
	pq_sendint32(&buf, m->bins);
	pq_sendint64(&buf, m->customers);
	for (int i = 0; i < 3 * (m->bins - 1); i++)
		pq_sendfloat8(&buf, m->cuts[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(rfm_model_recv);
Datum
rfm_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RfmModel   *m;
	const char *problem;
	int			format;
	int32		bins;

	if (buf->len - buf->cursor < 1 + 4 + 8)
		lk_binary_error("rfm_model", "The header takes 13 bytes.");
	format = pq_getmsgbyte(buf);
	if (format != RFM_FORMAT)
		lk_binary_error("rfm_model", psprintf("Unknown format %d.", format));
	bins = pq_getmsgint(buf, 4);
	if (bins < 2 || bins > RFM_MAX_BINS)
		lk_binary_error("rfm_model", psprintf("%d bins is out of range.", bins));
	if (buf->len - buf->cursor != 8 + 8 * 3 * (bins - 1))
		lk_binary_error("rfm_model", "The cut points do not fill the bytes left.");
	m = rfm_alloc(bins);
	m->customers = pq_getmsgint64(buf);
	for (int i = 0; i < 3 * (bins - 1); i++)
		m->cuts[i] = pq_getmsgfloat8(buf) + 0.0;
	if ((problem = rfm_problem(m)) != NULL)
		lk_binary_error("rfm_model", problem);
	PG_RETURN_POINTER(m);
}

/*
 * rfm_bins(model): the model as a table a person reads (1.12), one row per
 * dimension and score: the values that score it, above `above` (NULL: no
 * lower bound) and up to `up_to` inclusive (NULL: none), as rfm_score
 * counts cut points strictly below a value.  Recency is reversed: the
 * lowest recency scores best.
 */
PG_FUNCTION_INFO_V1(rfm_bin_rows);
Datum
rfm_bin_rows(PG_FUNCTION_ARGS)
{
	static const char *const long_names[3] = {"recency", "frequency", "monetary"};
	FuncCallContext *funcctx;
	RfmModel   *m;

	if (SRF_IS_FIRSTCALL())
	{
		const RfmModel *given = (const RfmModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

		lk_srf_start(fcinfo, (const struct varlena *) given, 3 * given->bins, "rfm_bins");
	}
	funcctx = SRF_PERCALL_SETUP();
	m = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			d = (int) funcctx->call_cntr / m->bins;
		int			k = (int) funcctx->call_cntr % m->bins;	/* the range above k cut points */
		const double *cuts = RFM_CUTS(m, d);
		Datum		values[4];
		bool		nulls[4] = {false, false, k == 0, k == m->bins - 1};

		values[0] = CStringGetTextDatum(long_names[d]);
		values[1] = Int32GetDatum(d == 0 ? m->bins - k : k + 1);
		if (k > 0)
			values[2] = Float8GetDatum(cuts[k - 1]);
		if (k < m->bins - 1)
			values[3] = Float8GetDatum(cuts[k]);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

PG_FUNCTION_INFO_V1(rfm_model_jsonb);
Datum
rfm_model_jsonb(PG_FUNCTION_ARGS)
{
	const RfmModel *m = (const RfmModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	static const char *const long_names[3] = {"recency", "frequency", "monetary"};
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"bins\": %d, \"customers\": " INT64_FORMAT,
					 RFM_FORMAT, m->bins, m->customers);
	for (int d = 0; d < 3; d++)
	{
		appendStringInfo(&buf, ", \"%s\": [", long_names[d]);
		for (int i = 0; i < m->bins - 1; i++)
		{
			if (i > 0)
				appendStringInfoString(&buf, ", ");
			lk_append_double(&buf, RFM_CUTS(m, d)[i]);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}


/* ---------------------------------------------------------------------
 * rfm_fit: the aggregate
 * ---------------------------------------------------------------------
 */

typedef struct RfmState
{
	LkStateHeader header;
	int32		bins;
	int64		n;
	int64		capacity;
	double	   *values;			/* n rows of (recency, frequency, monetary) */
	MemoryContext context;
} RfmState;

static RfmState *
rfm_state_new(MemoryContext context, int32 bins, int64 capacity)
{
	RfmState   *s = MemoryContextAllocZero(context, sizeof(RfmState));

	s->context = context;
	s->bins = bins;
	s->capacity = Max(capacity, 64);
	s->values = MemoryContextAllocHuge(context, sizeof(double) * 3 * s->capacity);
	return s;
}

static void
rfm_state_reserve(RfmState *s, int64 more)
{
	if (s->n + more <= s->capacity)
		return;
	s->capacity = Max(2 * s->capacity, s->n + more);
	if ((Size) s->capacity * 3 * sizeof(double) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rfm_fit: too many customers for one state")));
	s->values = repalloc_huge(s->values, sizeof(double) * 3 * s->capacity);
}

PG_FUNCTION_INFO_V1(rfm_accum);
Datum
rfm_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, "rfm_fit");
	RfmState   *s = PG_ARGISNULL(0) ? NULL : (RfmState *) PG_GETARG_POINTER(0);
	int32		bins = RFM_DEFAULT_BINS;
	double	   *row;

	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("rfm_fit: the number of bins must not be NULL"),
					 errhint("Give a number of bins such as 5, or leave it out.")));
		bins = PG_GETARG_INT32(4);
		check_bins("rfm_fit", bins);
	}
	if (s == NULL)
		s = rfm_state_new(aggcontext, bins, 0);
	else if (s->bins != bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rfm_fit: the number of bins differs between rows of one group"),
				 errhint("Give the same number of bins on every row, such as a constant.")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(s);
	rfm_state_reserve(s, 1);
	row = s->values + 3 * s->n;
	for (int d = 0; d < 3; d++)
	{
		row[d] = PG_GETARG_FLOAT8(1 + d);
		lk_check_finite("rfm_fit", d == 0 ? "recency" : d == 1 ? "frequency" : "monetary value", row[d]);
	}
	s->n++;
	PG_RETURN_POINTER(s);
}

static LkStateHeader *
rfm_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const RfmState *m = (const RfmState *) model;
	MemoryContext own = lk_state_context(context);
	RfmState   *s = rfm_state_new(own, m->bins, m->n);

	s->header.own_context = own;
	return &s->header;
}

static void
rfm_merge(LkStateHeader *into, const LkStateHeader *from)
{
	RfmState   *a = (RfmState *) into;
	const RfmState *b = (const RfmState *) from;

	if (a->bins != b->bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rfm_fit: the number of bins differs between rows of one group"),
				 errhint("Give the same number of bins on every row, such as a constant.")));
	rfm_state_reserve(a, b->n);
	memcpy(a->values + 3 * a->n, b->values, sizeof(double) * 3 * b->n);
	a->n += b->n;
}

static int64
rfm_size(const LkStateHeader *header)
{
	return ((const RfmState *) header)->n;
}

static const LkStateOps rfm_ops = {
	.combine_name = "rfm_combine",
	.empty_like = rfm_empty_like,
	.merge = rfm_merge,
	.size = rfm_size,
};

PG_FUNCTION_INFO_V1(rfm_combine);
Datum
rfm_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &rfm_ops);
}

#define RFM_SERIAL_FORMAT 1

PG_FUNCTION_INFO_V1(rfm_serialize);
Datum
rfm_serialize(PG_FUNCTION_ARGS)
{
	const RfmState *s = (const RfmState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "rfm_serialize");
	lk_serial_begin(&buf, RFM_SERIAL_FORMAT);
	lk_serial_room(&buf, 24 * (Size) s->n + 8, "rfm_fit",
				   "Run the query without parallel workers (SET max_parallel_workers_per_gather = 0).");
	pq_sendint32(&buf, s->bins);
	pq_sendint32(&buf, (int32) s->n);
	for (int64 i = 0; i < 3 * s->n; i++)
		pq_sendfloat8(&buf, s->values[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(rfm_deserialize);
Datum
rfm_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "rfm_deserialize";
	StringInfoData buf;
	MemoryContext own;
	RfmState   *s;
	int32		bins;
	int32		n;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, RFM_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 4)
		lk_serial_error(fname, "It ends inside the header.");
	bins = pq_getmsgint(&buf, 4);
	if (bins < 2 || bins > RFM_MAX_BINS)
		lk_serial_error(fname, "Its number of bins is out of range.");
	n = lk_serial_count(&buf, 24, fname);
	own = lk_state_context(CurrentMemoryContext);
	s = rfm_state_new(own, bins, n);
	s->header.own_context = own;
	s->header.adoptable = true;
	for (int64 i = 0; i < 3 * (int64) n; i++)
	{
		s->values[i] = pq_getmsgfloat8(&buf) + 0.0;
		if (!isfinite(s->values[i]))
			lk_serial_error(fname, "A value is not finite.");
	}
	s->n = n;
	lk_serial_end(&buf, fname);
	PG_RETURN_POINTER(s);
}

/*
 * Puts the values at the ascending positions wanted[0 .. nwanted - 1] of
 * a[lo .. hi - 1] where a sort would put them, in O(n log nwanted): the
 * quantiles need a few order statistics, not the whole order, and a
 * sort of ten million values ran 1.4 s between two interrupt checks.
 * Each pass partitions around a pivot into less, equal and greater (so
 * repeated values take one pass) and checks for interrupts: a pass over
 * ten million values takes tens of milliseconds.  The pivot is the median
 * of three places a fixed sequence picks, so the passes do not depend on
 * the rows' order and a sorted column is no worst case.
 */
static void
select_positions(double *a, int64 lo, int64 hi, const int64 *wanted, int nwanted, uint64 *seed)
{
	while (nwanted > 0 && hi - lo > 1)
	{
		double		pivot,
					p[3];
		int64		lt = lo,
					gt = hi,
					i = lo;
		int			left;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < 3; k++)
		{
			*seed = *seed * UINT64CONST(6364136223846793005) + UINT64CONST(1442695040888963407);
			p[k] = a[lo + (int64) ((*seed >> 33) % (uint64) (hi - lo))];
		}
		pivot = Max(Min(p[0], p[1]), Min(Max(p[0], p[1]), p[2]));
		/* a[lo, lt) < pivot, a[lt, i) == pivot, a[gt, hi) > pivot */
		while (i < gt)
		{
			double		v = a[i];

			if (v < pivot)
			{
				a[i++] = a[lt];
				a[lt++] = v;
			}
			else if (v > pivot)
			{
				a[i] = a[--gt];
				a[gt] = v;
			}
			else
				i++;
		}
		/* the positions below lt are in the lower part, those at gt and past in the upper */
		for (left = 0; left < nwanted && wanted[left] < lt; left++)
			;
		select_positions(a, lo, lt, wanted, left, seed);
		while (left < nwanted && wanted[left] < gt)
			left++;
		wanted += left;
		nwanted -= left;
		lo = gt;
	}
}

PG_FUNCTION_INFO_V1(rfm_fit_final);
Datum
rfm_fit_final(PG_FUNCTION_ARGS)
{
	const RfmState *s = PG_ARGISNULL(0) ? NULL : (const RfmState *) PG_GETARG_POINTER(0);
	RfmModel   *m;
	double	   *sorted;
	int64	   *wanted;

	if (s == NULL || s->n == 0)
		PG_RETURN_NULL();
	m = rfm_alloc(s->bins);
	m->customers = s->n;
	sorted = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * s->n);
	wanted = palloc(sizeof(int64) * 2 * s->bins);
	for (int d = 0; d < 3; d++)
	{
		int			nwanted = 0;
		uint64		seed = 1;

		for (int64 i = 0; i < s->n; i++)
			sorted[i] = s->values[3 * i + d];
		/* percentile_cont: between the two rows around (n - 1) * q, as float8_lerp */
		for (int i = 1; i < s->bins; i++)
		{
			double		position = (double) (s->n - 1) * ((double) i / (double) s->bins);
			int64		lower = (int64) floor(position);
			int64		upper = (int64) ceil(position);

			if (nwanted == 0 || wanted[nwanted - 1] != lower)
				wanted[nwanted++] = lower;
			if (upper != lower)
				wanted[nwanted++] = upper;
		}
		select_positions(sorted, 0, s->n, wanted, nwanted, &seed);
		for (int i = 1; i < s->bins; i++)
		{
			double		position = (double) (s->n - 1) * ((double) i / (double) s->bins);
			int64		lower = (int64) floor(position);
			int64		upper = (int64) ceil(position);
			double		lo = sorted[lower];
			double		hi = sorted[upper];

			RFM_CUTS(m, d)[i - 1] = lower == upper ? lo : lo + (position - (double) lower) * (hi - lo);
		}
	}
	pfree(wanted);
	pfree(sorted);
	PG_RETURN_POINTER(m);
}


/* ---------------------------------------------------------------------
 * Scores and segments
 * ---------------------------------------------------------------------
 */

/* How many of the dimension's cut points lie strictly below v */
static int
cuts_below(const RfmModel *m, int d, double v)
{
	const double *cuts = RFM_CUTS(m, d);
	int			n = 0;

	while (n < m->bins - 1 && cuts[n] < v)
		n++;
	return n;
}

PG_FUNCTION_INFO_V1(rfm_score);
Datum
rfm_score(PG_FUNCTION_ARGS)
{
	const RfmModel *m = (const RfmModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	LkRowMaker *rows = lk_row_maker_cached(fcinfo, 3);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	for (int d = 0; d < 3; d++)
	{
		double		v = PG_GETARG_FLOAT8(1 + d);
		int			below;

		lk_check_finite("rfm_score", d == 0 ? "recency" : d == 1 ? "frequency" : "monetary value", v);
		below = cuts_below(m, d, v);
		/* recency: lower is better, so the score runs the other way */
		values[d] = Int32GetDatum(d == 0 ? m->bins - below : 1 + below);
	}
	PG_RETURN_DATUM(lk_make_row(rows, values, nulls));
}

pg_noreturn static void
segment_map_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("rfm_segment: invalid segment map"),
			 errdetail("%s", detail),
			 errhint("The map is a jsonb array of {\"segment\": \"Champions\", \"r\": [4, 5], \"f\": [4, 5], \"m\": [1, 5]}; a missing dimension matches every score.")));
}

/* The integer of a jsonb number, or ERROR */
static int
jsonb_score(JsonbValue *v)
{
	int64		n;

	if (v->type != jbvNumeric)
		segment_map_error("A score range holds something other than numbers.");
	n = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric)));
	return (int) Max(Min(n, PG_INT32_MAX), PG_INT32_MIN);
}

/* Whether score lies in the entry's range for `key` (absent: every score) */
static bool
in_range(JsonbContainer *entry, const char *key, int score)
{
	JsonbValue *range = getKeyJsonValueFromContainer(entry, key, strlen(key), NULL);
	JsonbValue *lo;
	JsonbValue *hi;

	if (range == NULL)
		return true;
	if (range->type != jbvBinary || !JsonContainerIsArray(range->val.binary.data) ||
		JsonContainerSize(range->val.binary.data) != 2)
		segment_map_error(psprintf("\"%s\" is not a range [lowest, highest].", key));
	lo = getIthJsonbValueFromContainer(range->val.binary.data, 0);
	hi = getIthJsonbValueFromContainer(range->val.binary.data, 1);
	return jsonb_score(lo) <= score && score <= jsonb_score(hi);
}

PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	Jsonb	   *map = PG_GETARG_JSONB_P(3);
	int			scores[3] = {PG_GETARG_INT32(0), PG_GETARG_INT32(1), PG_GETARG_INT32(2)};
	int			n;

	if (!JB_ROOT_IS_ARRAY(map) || JB_ROOT_IS_SCALAR(map))
		segment_map_error("The map is not an array.");
	n = JB_ROOT_COUNT(map);
	for (int i = 0; i < n; i++)
	{
		JsonbValue *entry = getIthJsonbValueFromContainer(&map->root, i);
		JsonbValue *name;
		bool		match = true;

		if (entry->type != jbvBinary || !JsonContainerIsObject(entry->val.binary.data))
			segment_map_error(psprintf("Entry %d is not an object.", i + 1));
		name = getKeyJsonValueFromContainer(entry->val.binary.data, "segment", 7, NULL);
		if (name == NULL || name->type != jbvString)
			segment_map_error(psprintf("Entry %d has no \"segment\" name.", i + 1));
		/* all three ranges are read, so a malformed entry fails whatever the scores */
		for (int d = 0; d < 3; d++)
			match &= in_range(entry->val.binary.data, dimension_names[d], scores[d]);
		if (match)
			PG_RETURN_TEXT_P(cstring_to_text_with_len(name->val.string.val, name->val.string.len));
	}
	PG_RETURN_NULL();
}
