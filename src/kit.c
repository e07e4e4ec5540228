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
#include "common/hashfn.h"
#include "common/int.h"
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
	return AllocSetContextCreate(parent, "loyalty_kpi state", ALLOCSET_DEFAULT_SIZES);
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
