/*
 * kit.c
 *		The aggregate-state kit (see kit.h).
 */
#include "kit.h"
#include "loyalty_kpi.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "executor/nodeAgg.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/timestamp.h"

MemoryContext
lk_agg_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	if (AggCheckCallContext(fcinfo, &aggcontext))
		return aggcontext;
	return NULL;
}

MemoryContext
lk_require_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s can only be called by an aggregate", fname),
				 errhint("It is a support function of loyalty_kpi's aggregates; call the aggregate instead.")));
	return aggcontext;
}


/* ---------------------------------------------------------------------
 * Internal states and combine
 * ---------------------------------------------------------------------
 */

MemoryContext
lk_state_context(MemoryContext parent)
{
	/* small at first: with many small groups an 8 kB first block would be most of a state */
	return AllocSetContextCreate(parent, "loyalty_kpi state", ALLOCSET_START_SMALL_SIZES);
}

/* Keeps a state made by deserialize for the rest of the aggregate */
static void
adopt(LkStateHeader *state, MemoryContext aggcontext, const LkStateOps *ops)
{
	if (ops->keep != NULL)
		ops->keep(state);
	MemoryContextSetParent(state->own_context, aggcontext);
	state->adoptable = false;
}

Datum
lk_combine(FunctionCallInfo fcinfo, const LkStateOps *ops)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, ops->combine_name);
	LkStateHeader *a = PG_ARGISNULL(0) ? NULL : (LkStateHeader *) PG_GETARG_POINTER(0);
	LkStateHeader *b = PG_ARGISNULL(1) ? NULL : (LkStateHeader *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		if (b->adoptable)
		{
			adopt(b, aggcontext, ops);
			PG_RETURN_POINTER(b);
		}

		/*
		 * A state handed up within one process (partitionwise aggregation)
		 * belongs to its node's context, which is reset under it: copy it.
		 */
		a = ops->empty_like(b, aggcontext);
	}
	else if (b->adoptable && a->own_context != NULL && ops->size != NULL &&
			 ops->size(b) > ops->size(a))
	{
		/* the larger one takes the smaller: less to insert, nothing copied twice */
		LkStateHeader *swap = a;

		adopt(b, aggcontext, ops);
		a = b;
		b = swap;
		ops->merge(a, b);
		MemoryContextDelete(b->own_context);
		PG_RETURN_POINTER(a);
	}
	ops->merge(a, b);
	/* merged: free it now rather than at the next reset */
	if (b->adoptable)
		MemoryContextDelete(b->own_context);
	PG_RETURN_POINTER(a);
}


/* ---------------------------------------------------------------------
 * Serialized states
 * ---------------------------------------------------------------------
 */

void
lk_serial_error(const char *fname, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("%s: invalid serialized aggregate state", fname),
			 errdetail("%s", detail)));
}

void
lk_serial_begin(StringInfo buf, uint8 format)
{
	pq_begintypsend(buf);
	pq_sendbyte(buf, format);
}

void
lk_serial_room(StringInfo buf, Size more, const char *fname, const char *hint)
{
	/* the margin leaves room for pq_endtypsend's header and what ends the state */
	if (unlikely((Size) buf->len + more > MaxAllocSize - 2 * BLCKSZ))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: a parallel worker's state passes 1 GB, more than one message between processes can hold",
						fname),
				 errhint("%s", hint)));
}

void
lk_serial_open(bytea *bytes, StringInfo buf, uint8 format, const char *fname)
{
	initReadOnlyStringInfo(buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	if (buf->len < 1)
		lk_serial_error(fname, "It is empty.");
	if ((uint8) buf->data[0] != format)
		lk_serial_error(fname, psprintf("Format %d is not %d.", (uint8) buf->data[0], format));
	buf->cursor = 1;
}

/* Bytes left to read */
static int
serial_left(StringInfo buf)
{
	return buf->len - buf->cursor;
}

int32
lk_serial_count(StringInfo buf, int min_item_bytes, const char *fname)
{
	int32		n;

	if (serial_left(buf) < 4)
		lk_serial_error(fname, "It ends before a count.");
	n = (int32) pq_getmsgint(buf, 4);
	if (n < 0 || (int64) n * Max(min_item_bytes, 1) > serial_left(buf))
		lk_serial_error(fname, psprintf("A count of %d does not fit in the %d bytes left.",
										n, serial_left(buf)));
	return n;
}

void
lk_serial_copy(StringInfo buf, void *dest, int len, const char *fname)
{
	if (len < 0 || len > serial_left(buf))
		lk_serial_error(fname, psprintf("A length of %d does not fit in the %d bytes left.",
										len, serial_left(buf)));
	memcpy(dest, buf->data + buf->cursor, len);
	buf->cursor += len;
}

void
lk_serial_end(StringInfo buf, const char *fname)
{
	if (buf->cursor != buf->len)
		lk_serial_error(fname, psprintf("%d bytes are left over.", serial_left(buf)));
}


/* ---------------------------------------------------------------------
 * Stored state types: their text form
 * ---------------------------------------------------------------------
 */

/* Up to 40 bytes of what is left, cut at a character boundary, for messages */
static char *
excerpt(const char *p)
{
	return pnstrdup(p, pg_mbcliplen(p, strlen(p), 40));
}

void
lk_text_begin(LkTextReader *r, const char *input, const char *type_name, const char *form)
{
	r->input = input;
	r->p = input;
	r->type_name = type_name;
	r->form = form;
}

void
lk_text_error(LkTextReader *r, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", r->type_name, r->input),
			 errdetail("%s", detail),
			 errhint("The text form is %s.", r->form)));
}

bool
lk_text_accept(LkTextReader *r, const char *literal)
{
	size_t		len = strlen(literal);

	if (strncmp(r->p, literal, len) != 0)
		return false;
	r->p += len;
	return true;
}

void
lk_text_expect(LkTextReader *r, const char *literal)
{
	if (!lk_text_accept(r, literal))
		lk_text_error(r, psprintf("Expected \"%s\" at \"%s\".", literal, excerpt(r->p)));
}

int64
lk_text_int64(LkTextReader *r, int64 min, int64 max)
{
	const char *c = r->p;
	bool		negative = (*c == '-');
	int64		v = 0;

	if (negative)
		c++;
	if (!isdigit((unsigned char) *c))
		lk_text_error(r, psprintf("Expected a whole number at \"%s\".", excerpt(r->p)));
	/* accumulated negatively, so that PG_INT64_MIN reads too */
	for (; isdigit((unsigned char) *c); c++)
		if (pg_mul_s64_overflow(v, 10, &v) || pg_sub_s64_overflow(v, *c - '0', &v))
			lk_text_error(r, psprintf("The number at \"%s\" is out of range.", excerpt(r->p)));
	if (!negative && pg_mul_s64_overflow(v, -1, &v))
		lk_text_error(r, psprintf("The number at \"%s\" is out of range.", excerpt(r->p)));
	if (v < min || v > max)
		lk_text_error(r, psprintf("The number at \"%s\" is not between " INT64_FORMAT " and " INT64_FORMAT ".",
								  excerpt(r->p), min, max));
	r->p = c;
	return v;
}

void
lk_text_quoted(LkTextReader *r, StringInfo out)
{
	const char *c = r->p;

	if (*c++ != '"')
		lk_text_error(r, psprintf("Expected a double-quoted string at \"%s\".", excerpt(r->p)));
	for (; *c != '"'; c++)
	{
		if (*c == '\\')
			c++;
		if (*c == '\0')
			lk_text_error(r, "A quoted string is not closed.");
		appendStringInfoChar(out, *c);
	}
	r->p = c + 1;
}

void
lk_binary_error(const char *type_name, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary %s value", type_name),
			 errdetail("%s", detail)));
}

double
lk_text_double(LkTextReader *r)
{
	const char *c = r->p;
	char	   *end;
	double		v;

	/* strtod would also take spaces, "inf", "nan" and hexadecimal */
	if (!(isdigit((unsigned char) *c) ||
		  ((*c == '-' || *c == '.') && (isdigit((unsigned char) c[1]) || c[1] == '.'))))
		lk_text_error(r, psprintf("Expected a number at \"%s\".", excerpt(r->p)));
	errno = 0;
	v = strtod(c, &end);
	if (end == c || (c[0] == '0' && (c[1] == 'x' || c[1] == 'X')))
		lk_text_error(r, psprintf("Expected a number at \"%s\".", excerpt(r->p)));
	/* as float8in: an overflow, or an underflow to zero, is out of range */
	if (isinf(v) || isnan(v) || (errno == ERANGE && v == 0.0))
		lk_text_error(r, psprintf("The number at \"%s\" is out of range.", excerpt(r->p)));
	r->p = end;
	return v;
}

void
lk_text_end(LkTextReader *r)
{
	if (*r->p != '\0')
		lk_text_error(r, psprintf("Unexpected \"%s\" at the end.", excerpt(r->p)));
}

void
lk_append_double(StringInfo buf, double v)
{
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isnan(v))
		appendStringInfoString(buf, "NaN");
	else
	{
		double_to_shortest_decimal_buf(v, digits);
		appendStringInfoString(buf, digits);
	}
}

void
lk_append_doubles(StringInfo buf, const double *v, int n)
{
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		lk_append_double(buf, v[i]);
	}
}

void
lk_append_json_number(StringInfo buf, double v)
{
	if (isnan(v))
		appendStringInfoString(buf, "null");
	else
		lk_append_double(buf, v);
}

void
lk_text_append_quoted(StringInfo buf, const char *s, int len)
{
	appendStringInfoChar(buf, '"');
	for (int i = 0; i < len; i++)
	{
		if (s[i] == '"' || s[i] == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, s[i]);
	}
	appendStringInfoChar(buf, '"');
}


Datum
lk_state_send(FunctionCallInfo fcinfo, LkStateSend send)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	send(&buf, PG_DETOAST_DATUM(PG_GETARG_DATUM(0)));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
lk_state_recv(FunctionCallInfo fcinfo, LkStateRecv recv, const char *fname)
{
	PG_RETURN_POINTER(recv((StringInfo) PG_GETARG_POINTER(0), fname));
}

Datum
lk_state_serialize(FunctionCallInfo fcinfo, LkStateSend send, const char *fname)
{
	lk_require_agg_context(fcinfo, fname);
	return lk_state_send(fcinfo, send);
}

Datum
lk_state_deserialize(FunctionCallInfo fcinfo, LkStateRecv recv, const char *fname)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;

	lk_require_agg_context(fcinfo, fname);
	initReadOnlyStringInfo(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	PG_RETURN_POINTER(recv(&buf, fname));
}


/* ---------------------------------------------------------------------
 * The aggregate call
 * ---------------------------------------------------------------------
 */

Aggref *
lk_call_aggref(FunctionCallInfo fcinfo)
{
	/*
	 * (De)serialize calls first: AggGetAggref tells only transition and
	 * final calls apart, and may name another aggregate during them.
	 */
	if (fcinfo->context != NULL && IsA(fcinfo->context, AggState))
	{
		AggState   *aggstate = (AggState *) fcinfo->context;

		for (int i = 0; i < aggstate->numtrans; i++)
		{
			AggStatePerTrans pertrans = &aggstate->pertrans[i];

			if (pertrans->serialfn_fcinfo == fcinfo || pertrans->deserialfn_fcinfo == fcinfo)
				return pertrans->aggref;
		}
	}
	return AggGetAggref(fcinfo);
}

Oid
lk_declared_argtype(FunctionCallInfo fcinfo, int argno)
{
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	Form_pg_proc proc;
	Oid			type;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	if (argno < 0 || argno >= proc->pronargs)
		elog(ERROR, "function %u has no argument %d", fcinfo->flinfo->fn_oid, argno);
	type = proc->proargtypes.values[argno];
	ReleaseSysCache(tuple);
	return type;
}

Oid
lk_arg_collation(FunctionCallInfo fcinfo, int argno, Oid argtype)
{
	Aggref	   *aggref = lk_call_aggref(fcinfo);
	Oid			collation = InvalidOid;

	if (!type_is_collatable(argtype))
		return InvalidOid;
	/* aggregated arguments only: aggref->args holds them as TargetEntries */
	if (aggref != NULL && aggref->aggdirectargs == NIL && argno >= 1 &&
		argno <= list_length(aggref->args))
	{
		TargetEntry *tle = list_nth_node(TargetEntry, aggref->args, argno - 1);

		collation = exprCollation((Node *) tle->expr);
	}
	if (!OidIsValid(collation))
		collation = PG_GET_COLLATION();
	return OidIsValid(collation) ? collation : DEFAULT_COLLATION_OID;
}


/* ---------------------------------------------------------------------
 * Checked sums
 * ---------------------------------------------------------------------
 */

static void
sum_overflow(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: value out of range: overflow", fname),
			 errhint("The sum of the values passes the largest double precision number.")));
}

void
lk_sum_add(LkSum *s, double x, const char *fname)
{
	double		t = s->sum + x;

	if (unlikely(isinf(t)) && !isinf(s->sum) && !isinf(x))
		sum_overflow(fname);
	if (fabs(s->sum) >= fabs(x))
		s->compensation += (s->sum - t) + x;
	else
		s->compensation += (x - t) + s->sum;
	s->sum = t;
}

void
lk_sum_merge(LkSum *into, const LkSum *from, const char *fname)
{
	lk_sum_add(into, from->sum, fname);
	lk_sum_add(into, from->compensation, fname);
}


/* ---------------------------------------------------------------------
 * The calendar period grid
 * ---------------------------------------------------------------------
 */

static bool
interval_equal(const Interval *a, const Interval *b)
{
	return a->time == b->time && a->day == b->day && a->month == b->month;
}

static TimestampTz
boundary_at(TimestampTz from, const Interval *step, int k)
{
	Datum		offset = DirectFunctionCall2(interval_mul, IntervalPGetDatum(step),
											 Float8GetDatum((double) k));

	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
												   TimestampTzGetDatum(from), offset));
}

static void
grid_build(LkPeriodGrid *grid, MemoryContext context, const char *fname)
{
	const Interval *step = &grid->step;
	int			capacity = 16;
	TimestampTz *bounds = MemoryContextAlloc(context, sizeof(TimestampTz) * capacity);
	int			n = 0;

	if (TIMESTAMP_NOT_FINITE(grid->from) || TIMESTAMP_NOT_FINITE(grid->until))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the period must have finite bounds", fname),
				 errhint("Give real dates for the period's start and end.")));
	if (grid->until <= grid->from)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period end %s is not after its start %s", fname,
						lk_timestamptz_text(grid->until), lk_timestamptz_text(grid->from)),
				 errhint("A period [start, end) needs end > start.")));

	bounds[n++] = grid->from;
	if (step->time != 0 || step->day != 0 || step->month != 0)
	{
		/* each period's start, checking that every step moves forward */
		for (TimestampTz next = grid->from;;)
		{
			TimestampTz after = boundary_at(grid->from, step, n);

			CHECK_FOR_INTERRUPTS();
			if (after <= next)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: step %s does not move forward from %s", fname,
								DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(step))),
								lk_timestamptz_text(next)),
						 errhint("Use a positive step such as '1 month' or '7 days'.")));
			if (after >= grid->until)
				break;
			if (n >= LK_MAX_PERIODS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("%s: more than %d periods between %s and %s", fname,
								LK_MAX_PERIODS, lk_timestamptz_text(grid->from),
								lk_timestamptz_text(grid->until)),
						 errhint("Use a longer step or a shorter range.")));
			if (n == capacity)
			{
				capacity *= 2;
				bounds = repalloc(bounds, sizeof(TimestampTz) * capacity);
			}
			bounds[n++] = after;
			next = after;
		}
	}
	if (n == capacity)
		bounds = repalloc(bounds, sizeof(TimestampTz) * (capacity + 1));
	bounds[n] = grid->until;
	grid->nperiods = n;
	grid->bounds = bounds;
	grid->fingerprint = hash_bytes((const unsigned char *) bounds, sizeof(TimestampTz) * (n + 1));
}

const LkPeriodGrid *
lk_period_grid(LkPeriodGrid **cache, MemoryContext context, TimestampTz from, TimestampTz until,
			   const Interval *step, const char *fname)
{
	LkPeriodGrid *grid = *cache;

	if (grid != NULL && grid->from == from && grid->until == until &&
		interval_equal(&grid->step, step) && grid->timezone == session_timezone)
		return grid;
	if (grid == NULL)
		grid = *cache = MemoryContextAllocZero(context, sizeof(LkPeriodGrid));
	else if (grid->bounds != NULL)
		pfree(grid->bounds);
	grid->bounds = NULL;
	grid->from = from;
	grid->until = until;
	grid->step = *step;
	/* a failed build leaves no grid that a later call could take for valid */
	grid->timezone = NULL;
	grid_build(grid, context, fname);
	grid->timezone = session_timezone;
	return grid;
}

int
lk_grid_first_after(const LkPeriodGrid *grid, TimestampTz t)
{
	int			lo = 0;
	int			hi = grid->nperiods + 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (grid->bounds[mid] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}


/* ---------------------------------------------------------------------
 * The open-ended calendar of cohorts
 * ---------------------------------------------------------------------
 */

LkCalendar *
lk_calendar(LkCalendar **cache, MemoryContext context, const Interval *step, const char *fname)
{
	LkCalendar *cal = *cache;

	if (cal != NULL && interval_equal(&cal->step, step) && cal->timezone == session_timezone)
	{
		cal->fname = fname;
		return cal;
	}
	if (step->month < 0 || step->day < 0 || step->time < 0 ||
		(step->month == 0 && step->day == 0 && step->time == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid period %s", fname,
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(step)))),
				 errhint("Use a positive period such as '1 month', '7 days' or '1 day', with no negative part.")));
	if (cal == NULL)
		cal = *cache = MemoryContextAllocZero(context, sizeof(LkCalendar));
	else if (cal->bounds != NULL)
		pfree(cal->bounds);
	cal->step = *step;
	cal->context = context;
	cal->fname = fname;
	/* local midnight of 2000-01-01, or of Monday 2000-01-03 for steps of days and times */
	cal->anchor = DatumGetTimestampTz(DirectFunctionCall1(timestamp_timestamptz,
														  TimestampGetDatum(step->month != 0 ? 0 : 2 * USECS_PER_DAY)));
	cal->approx_step = step->month * (DAYS_PER_YEAR / MONTHS_PER_YEAR) * USECS_PER_DAY +
		(double) step->day * USECS_PER_DAY + (double) step->time;
	cal->kmin = 0;
	cal->nbounds = 0;
	cal->capacity = 0;
	cal->bounds = NULL;
	cal->timezone = session_timezone;
	return cal;
}

/* Makes bound(k) known for every k in [lo, hi], growing by half again at least */
static void
calendar_cover(LkCalendar *cal, int64 lo, int64 hi)
{
	int64		old_lo = cal->kmin;
	int64		old_hi = (int64) cal->kmin + cal->nbounds - 1;
	int64		new_lo = lo;
	int64		new_hi = hi;
	TimestampTz *bounds;

	if (cal->nbounds > 0)
	{
		if (lo >= old_lo && hi <= old_hi)
			return;
		new_lo = Min(lo, old_lo);
		new_hi = Max(hi, old_hi);
		if (new_lo < old_lo)
			new_lo = Min(new_lo, old_lo - cal->nbounds / 2);
		if (new_hi > old_hi)
			new_hi = Max(new_hi, old_hi + cal->nbounds / 2);
		/* growing for amortization alone must not pass the limit */
		if (new_hi - new_lo + 1 > LK_MAX_PERIODS && hi - Min(lo, old_lo) < LK_MAX_PERIODS &&
			Max(hi, old_hi) - lo < LK_MAX_PERIODS)
		{
			new_lo = Min(lo, old_lo);
			new_hi = Max(hi, old_hi);
		}
	}
	if (new_hi - new_lo + 1 > LK_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: the data span more than %d periods of %s", cal->fname, LK_MAX_PERIODS,
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&cal->step)))),
				 errhint("Use a longer period, or restrict the rows with WHERE.")));
	bounds = MemoryContextAlloc(cal->context, sizeof(TimestampTz) * (new_hi - new_lo + 1));
	for (int64 k = new_lo; k <= new_hi; k++)
	{
		if (cal->nbounds > 0 && k >= old_lo && k <= old_hi)
			bounds[k - new_lo] = cal->bounds[k - old_lo];
		else
		{
			CHECK_FOR_INTERRUPTS();
			bounds[k - new_lo] = boundary_at(cal->anchor, &cal->step, (int) k);
		}
		if (k > new_lo && bounds[k - new_lo] <= bounds[k - new_lo - 1])
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s: periods of %s do not move forward near %s", cal->fname,
							DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&cal->step))),
							lk_timestamptz_text(bounds[k - new_lo - 1])),
					 errhint("Dates this far from the year 2000 are out of the calendar's range.")));
	}
	if (cal->bounds != NULL)
		pfree(cal->bounds);
	cal->bounds = bounds;
	cal->kmin = (int32) new_lo;
	cal->nbounds = (int32) (new_hi - new_lo + 1);
}

int32
lk_calendar_period(LkCalendar *cal, TimestampTz t)
{
	int			lo,
				hi;

	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: an infinite timestamp has no period", cal->fname),
				 errhint("Filter out rows with infinite dates.")));
	if (cal->nbounds < 2 || t < cal->bounds[0] || t >= cal->bounds[cal->nbounds - 1])
	{
		/*
		 * A guess from the mean step, then as many periods as the mean step
		 * says are still missing (at least one) until t is inside: a walk
		 * of one period per step would copy the bounds each time.
		 */
		double		guess = floor(((double) t - (double) cal->anchor) / cal->approx_step);

		if (fabs(guess) > PG_INT32_MAX / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: %s is more than %d periods of %s from the year 2000", cal->fname,
							lk_timestamptz_text(t), PG_INT32_MAX / 2,
							DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(&cal->step)))),
					 errhint("Use a longer period.")));
		calendar_cover(cal, (int64) guess - 2, (int64) guess + 2);
		while (t < cal->bounds[0])
			calendar_cover(cal, (int64) cal->kmin - Max(1, (int64) (((double) cal->bounds[0] - (double) t) / cal->approx_step)),
						   cal->kmin);
		while (t >= cal->bounds[cal->nbounds - 1])
			calendar_cover(cal, cal->kmin,
						   (int64) cal->kmin + cal->nbounds - 1 +
						   Max(1, (int64) (((double) t - (double) cal->bounds[cal->nbounds - 1]) / cal->approx_step)));
	}
	/* the last bound <= t */
	lo = 0;
	hi = cal->nbounds - 1;
	while (hi - lo > 1)
	{
		int			mid = (lo + hi) / 2;

		if (cal->bounds[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return cal->kmin + lo;
}

TimestampTz
lk_calendar_bound(LkCalendar *cal, int32 k)
{
	calendar_cover(cal, k, k);
	return cal->bounds[k - cal->kmin];
}


/* ---------------------------------------------------------------------
 * Customer ids of any type
 * ---------------------------------------------------------------------
 */

void
lk_id_type_init(LkIdType *t, Oid type, Oid collation, const char *fname, const char *what)
{
	t->type = type;
	t->collation = collation;
	get_typlenbyval(type, &t->typlen, &t->typbyval);
	t->hash = t->equal = NULL;
	if (type == INT2OID || type == INT4OID || type == INT8OID)
		t->kind = LK_ID_INTEGER;
	else if (type == UNKNOWNOID)
		ereport(ERROR,
				(errcode(ERRCODE_INDETERMINATE_DATATYPE),
				 errmsg("%s: could not determine the %s's data type", fname, what),
				 errhint("Cast it, such as NULL::bigint or 'c-17'::text.")));
	else if (type == UUIDOID || type == BYTEAOID ||
			 ((type == TEXTOID || type == VARCHAROID) &&
			  OidIsValid(collation) && get_collation_isdeterministic(collation)))
		t->kind = LK_ID_BYTES;	/* equal exactly when the bytes are equal */
	else
	{
		TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_HASH_PROC_FINFO |
											   TYPECACHE_EQ_OPR_FINFO);

		if (!OidIsValid(tc->hash_proc) || !OidIsValid(tc->eq_opr))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("%s: %s type %s has no hash function", fname, what,
							format_type_be(type)),
					 errhint("Cast the %s to text or to an integer type.", what)));
		t->kind = LK_ID_OPCLASS;
		t->hash = &tc->hash_proc_finfo;
		t->equal = &tc->eq_opr_finfo;
	}
}

Oid
lk_any_argtype(FunctionCallInfo fcinfo, int argno, const char *fname)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (!OidIsValid(type))
	{
		Aggref	   *aggref = lk_call_aggref(fcinfo);

		if (aggref != NULL && argno >= 1 && argno <= list_length(aggref->aggargtypes))
			type = list_nth_oid(aggref->aggargtypes, argno - 1);
	}
	if (!OidIsValid(type))
		elog(ERROR, "%s: could not determine the type of argument %d", fname, argno);
	return type;
}

Datum
lk_id_from_row(const LkIdType *t, Datum value)
{
	if (t->kind == LK_ID_INTEGER)
	{
		switch (t->type)
		{
			case INT2OID:
				return Int64GetDatum((int64) DatumGetInt16(value));
			case INT4OID:
				return Int64GetDatum((int64) DatumGetInt32(value));
			default:
				return value;
		}
	}
	if (!t->typbyval && t->typlen == -1)
		return PointerGetDatum(PG_DETOAST_DATUM_PACKED(value));
	return value;
}

#define ARENA_BLOCK (64 * 1024)

void *
lk_arena_alloc(LkArena *arena, Size size)
{
	void	   *p;

	size = MAXALIGN(size);
	if (size > arena->left)
	{
		Size		block = Max(ARENA_BLOCK, size);

		arena->next = MemoryContextAllocHuge(arena->context, block);
		arena->left = block;
	}
	p = arena->next;
	arena->next += size;
	arena->left -= size;
	return p;
}

Datum
lk_id_keep(LkArena *arena, const LkIdType *t, Datum id)
{
	Size		size;
	void	   *copy;

	if (t->kind == LK_ID_INTEGER || t->typbyval)
		return id;
	size = lk_id_size(t, id);
	copy = lk_arena_alloc(arena, size);
	memcpy(copy, DatumGetPointer(id), size);
	return PointerGetDatum(copy);
}

void
lk_id_send(StringInfo buf, const LkIdType *t, Datum id)
{
	if (t->kind == LK_ID_INTEGER || t->typbyval)
		pq_sendint64(buf, (int64) id);
	else
	{
		Size		size = lk_id_size(t, id);

		pq_sendint32(buf, (uint32) size);
		pq_sendbytes(buf, DatumGetPointer(id), size);
	}
}

Datum
lk_id_receive(StringInfo buf, const LkIdType *t, char **scratch, Size *scratch_size,
			  const char *fname)
{
	int			size;

	if (t->kind == LK_ID_INTEGER || t->typbyval)
	{
		if (buf->len - buf->cursor < 8)
			lk_serial_error(fname, "It ends inside an id.");
		return (Datum) pq_getmsgint64(buf);
	}
	if (buf->len - buf->cursor < 4)
		lk_serial_error(fname, "It ends before an id's length.");
	size = (int) pq_getmsgint(buf, 4);
	if (size < 1 || (t->typlen > 0 && size != t->typlen) ||
		(t->typlen == -1 && size < (int) VARHDRSZ_SHORT))
		lk_serial_error(fname, psprintf("An id has length %d.", size));
	if ((Size) size > *scratch_size)
	{
		*scratch_size = Max((Size) size, 2 * *scratch_size);
		*scratch = repalloc(*scratch, *scratch_size);
	}
	lk_serial_copy(buf, *scratch, size, fname);
	if (t->typlen == -1 && VARSIZE_ANY(*scratch) != (Size) size)
		lk_serial_error(fname, "An id's length does not match its header.");
	return PointerGetDatum(*scratch);
}

/* The time unit in days: an interval of days and time, never months (they have no fixed length) */
double
lk_interval_days(const char *fname, const Interval *unit)
{
	double		days = unit->day + (double) unit->time / USECS_PER_DAY;

	if (unit->month != 0 || !(days > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid time unit", fname),
				 errhint("The time unit is a positive interval of days or hours, such as '1 day' or '7 days'; months and years have no fixed length.")));
	return days;
}
