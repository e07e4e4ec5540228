/*
 * kit.h
 *		The aggregate-state kit: what every family's aggregates do with
 *		their state, written once.  Version 1.2 wrote it six times, and two
 *		bug classes came with the copies (a NULL pointer returned as a
 *		value, and merged worker states never freed); the kit rules both
 *		out.  Survival, cohorts and more models build on it.
 *
 *	 - getting the aggregate context, or a clean ERROR for a direct call;
 *	 - combine: the four NULL cases in one place, partial states adopted
 *	   or merged (the smaller into the larger) and freed once merged;
 *	 - serialized states: a format byte, no names or OIDs, every count
 *	   checked against the bytes left, aligned copies of what is read;
 *	 - the aggregate call's declared argument types and collations, which
 *	   do not need a call expression (Citus calls without one);
 *	 - checked sums: int64 counts (common.c) and compensated float sums
 *	   that raise float.c's overflow error;
 *	 - the calendar period grid from + k * step, built once per query,
 *	   and the open-ended calendar anchor + k * step of the cohorts;
 *	 - customer ids of any type: hashed, compared and kept in an arena.
 */
#ifndef LOYALTY_KPI_KIT_H
#define LOYALTY_KPI_KIT_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/primnodes.h"
#include "datatype/timestamp.h"
#include "pgtime.h"

#include "compat.h"

/* ---------------------------------------------------------------------
 * The aggregate context
 * ---------------------------------------------------------------------
 */

/* The aggregate's memory context, or NULL when called as a plain function */
extern MemoryContext lk_agg_context(FunctionCallInfo fcinfo);

/*
 * The aggregate's memory context; ERROR 0A000 when fname (a support
 * function that keeps state in memory only an aggregate has) is called
 * directly.
 */
extern MemoryContext lk_require_agg_context(FunctionCallInfo fcinfo, const char *fname);

/* ---------------------------------------------------------------------
 * Internal states and combine
 * ---------------------------------------------------------------------
 */

/*
 * Every internal state starts with this header.  A state with its own
 * memory context (own_context) can be freed whole once merged, or kept
 * whole by moving that context under the aggregate's: deserialize makes
 * such states (adoptable) in the current, per-input-tuple context, so one
 * that is neither kept nor freed goes with that context's next reset.
 */
typedef struct LkStateHeader
{
	MemoryContext own_context;	/* NULL: lives in some other context */
	bool		adoptable;		/* made by deserialize; combine may keep it */
} LkStateHeader;

typedef struct LkStateOps
{
	const char *combine_name;	/* the SQL combine function, for messages */
	/* an empty state with model's parameters, living under `context` */
	LkStateHeader *(*empty_like) (const LkStateHeader *model, MemoryContext context);
	/* adds all that `from` holds to `into` (ERROR when they do not fit together) */
	void		(*merge) (LkStateHeader *into, const LkStateHeader *from);
	/* how much a state holds, to merge the smaller into the larger; may be NULL */
	int64		(*size) (const LkStateHeader *state);
	/*
	 * Makes a deserialized state whole before the aggregate keeps it; may
	 * be NULL.  Lets deserialize leave a state half-read when it will
	 * mostly be merged into another and freed (orders.c).
	 */
	void		(*keep) (LkStateHeader *state);
} LkStateOps;

/*
 * The combine function of an internal state.  Never returns a NULL pointer
 * as a value: both NULL gives SQL NULL, one NULL gives the other (adopted,
 * or copied into the aggregate's context when it belongs to another node).
 */
extern Datum lk_combine(FunctionCallInfo fcinfo, const LkStateOps *ops);

/*
 * A memory context of its own for a state, under `parent`: deserialize
 * passes CurrentMemoryContext (see the header), empty_like the aggregate's.
 */
extern MemoryContext lk_state_context(MemoryContext parent);

/* ---------------------------------------------------------------------
 * Serialized states (between a parallel worker and its leader)
 * ---------------------------------------------------------------------
 */

/* Starts a serialized state with its format byte */
extern void lk_serial_begin(StringInfo buf, uint8 format);

/*
 * Before `more` bytes are appended: one serialized state is one bytea, which
 * cannot pass 1 GB, so ERROR 54000 naming fname, with `hint` (what the user
 * can do instead), rather than the string buffer's bare out-of-memory.
 */
extern void lk_serial_room(StringInfo buf, Size more, const char *fname, const char *hint);

/*
 * Opens a serialized state for reading; ERROR 22P03 unless it starts with
 * `format`.  The bytea must stay alive while buf is read.
 */
extern void lk_serial_open(bytea *bytes, StringInfo buf, uint8 format, const char *fname);

/* A count of items to follow, each at least min_item_bytes long: checked against what is left */
extern int32 lk_serial_count(StringInfo buf, int min_item_bytes, const char *fname);

/* `len` bytes copied into dest (which must hold them), so they are aligned */
extern void lk_serial_copy(StringInfo buf, void *dest, int len, const char *fname);

/* ERROR 22P03 unless every byte was read */
extern void lk_serial_end(StringInfo buf, const char *fname);

/* ERROR 22P03 naming the function, for any other malformed serialized state */
pg_noreturn extern void lk_serial_error(const char *fname, const char *detail);

/* ---------------------------------------------------------------------
 * Stored state types: their text form
 *
 * A non-internal state type (what Citus ships between nodes as text) is
 * read by a small scanner: literals, whole numbers and quoted strings in a
 * fixed order.  Every mistake is ERROR 22P02 naming the type, with the
 * form expected as the hint.
 * ---------------------------------------------------------------------
 */

typedef struct LkTextReader
{
	const char *input;			/* all of it, for messages */
	const char *p;				/* what is left */
	const char *type_name;
	const char *form;			/* the text form, as the hint shows it */
} LkTextReader;

extern void lk_text_begin(LkTextReader *r, const char *input, const char *type_name,
						  const char *form);
pg_noreturn extern void lk_text_error(LkTextReader *r, const char *detail);
/* Consumes `literal`, or ERROR naming it */
extern void lk_text_expect(LkTextReader *r, const char *literal);
/* True, and consumes it, when what is left starts with `literal` */
extern bool lk_text_accept(LkTextReader *r, const char *literal);
/* A decimal integer (optional minus sign) in [min, max] */
extern int64 lk_text_int64(LkTextReader *r, int64 min, int64 max);
/* A double-quoted string (\" and \\ escaped) appended to out */
extern void lk_text_quoted(LkTextReader *r, StringInfo out);
/* A finite number in decimal notation (as float8out writes it) */
extern double lk_text_double(LkTextReader *r);
/* ERROR unless everything was read */
extern void lk_text_end(LkTextReader *r);
/*
 * Appends the shortest text that reads back to the same double, whatever
 * extra_float_digits says ("NaN" for a NaN)
 */
extern void lk_append_double(StringInfo buf, double v);
/* n of them, comma-separated, as the text forms write a list */
extern void lk_append_doubles(StringInfo buf, const double *v, int n);
/* A number in a jsonb form: null for a NaN (an unknown standard error or covariance) */
extern void lk_append_json_number(StringInfo buf, double v);
/* Appends s double-quoted, as lk_text_quoted reads it */
extern void lk_text_append_quoted(StringInfo buf, const char *s, int len);

/* ERROR 22P03: a stored type's binary form is not one it reads */
pg_noreturn extern void lk_binary_error(const char *type_name, const char *detail);

/*
 * Binary I/O of a varlena state type, written once: a family gives the
 * functions that write and read its fields (recv validates, raising 22P03
 * naming fname).  The same pair serves the serialize and deserialize
 * functions that 1.1 to 1.3 declared for the internal state, kept so that
 * a database not yet updated works with this library.
 */
typedef void (*LkStateSend) (StringInfo buf, const void *state);
typedef void *(*LkStateRecv) (StringInfo buf, const char *fname);

extern Datum lk_state_send(FunctionCallInfo fcinfo, LkStateSend send);
extern Datum lk_state_recv(FunctionCallInfo fcinfo, LkStateRecv recv, const char *fname);
extern Datum lk_state_serialize(FunctionCallInfo fcinfo, LkStateSend send, const char *fname);
extern Datum lk_state_deserialize(FunctionCallInfo fcinfo, LkStateRecv recv, const char *fname);

/*
 * The SQL-callable binary I/O of a state type named PREFIX_state
 * (PREFIX_state_recv, PREFIX_state_send) and the serialize and deserialize
 * functions 1.1 to 1.3 declared (PREFIX_serialize, PREFIX_deserialize),
 * from the family's static PREFIX_send_fields and PREFIX_recv_fields.
 */
#define LK_STATE_BINARY_IO(prefix) \
PG_FUNCTION_INFO_V1(prefix##_state_recv); \
Datum prefix##_state_recv(PG_FUNCTION_ARGS) \
{ return lk_state_recv(fcinfo, prefix##_recv_fields, #prefix "_state_recv"); } \
PG_FUNCTION_INFO_V1(prefix##_state_send); \
Datum prefix##_state_send(PG_FUNCTION_ARGS) \
{ return lk_state_send(fcinfo, prefix##_send_fields); } \
PG_FUNCTION_INFO_V1(prefix##_serialize); \
Datum prefix##_serialize(PG_FUNCTION_ARGS) \
{ return lk_state_serialize(fcinfo, prefix##_send_fields, #prefix "_serialize"); } \
PG_FUNCTION_INFO_V1(prefix##_deserialize); \
Datum prefix##_deserialize(PG_FUNCTION_ARGS) \
{ return lk_state_deserialize(fcinfo, prefix##_recv_fields, #prefix "_deserialize"); }

/*
 * A varlena state argument ready to update in place: PostgreSQL hands an
 * aggregate its own state untoasted, but a partial state that crossed a
 * tuple (parallel workers, Citus) may arrive with a short header, and is
 * then copied into the current context.
 */
#define LK_GETARG_VARLENA_STATE(type, n) ((type *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* ---------------------------------------------------------------------
 * The aggregate call
 * ---------------------------------------------------------------------
 */

/*
 * The Aggref of the aggregate this support function works for, from a
 * transition, combine, final, serialize or deserialize call; NULL when
 * called without one (directly, or by Citus).
 */
extern Aggref *lk_call_aggref(FunctionCallInfo fcinfo);

/*
 * Type of argument argno (1-based: the state is argument 0) as the SQL
 * function declares it, read from pg_proc by OID, so it works without a
 * call expression.  Callers look it up once per query (fn_extra).
 */
extern Oid	lk_declared_argtype(FunctionCallInfo fcinfo, int argno);

/*
 * Collation of the aggregate's argument argno (1-based), even where two
 * arguments' collations conflict and the call as a whole has none; the
 * database default for a collatable type otherwise.
 */
extern Oid	lk_arg_collation(FunctionCallInfo fcinfo, int argno, Oid argtype);

/* ---------------------------------------------------------------------
 * Checked sums
 * ---------------------------------------------------------------------
 */

/* A compensated (Neumaier) sum: sum + compensation is the total */
typedef struct LkSum
{
	double		sum;
	double		compensation;
} LkSum;

/*
 * Adds x; ERROR 22003 naming fname, as float.c's float_overflow_error,
 * when finite values add up to an infinite sum.
 */
extern void lk_sum_add(LkSum *s, double x, const char *fname);
extern void lk_sum_merge(LkSum *into, const LkSum *from, const char *fname);

static inline double
lk_sum_value(const LkSum *s)
{
	return s->sum + s->compensation;
}

/* ---------------------------------------------------------------------
 * Numeric arguments read without the numeric library
 * ---------------------------------------------------------------------
 *
 * A numeric column's everyday values (a score of 7, an amount of 12.35)
 * are short-format numerics of a few base-10000 digits.  These read them
 * from their bytes, without the copy a packed varlena costs to detoast and
 * without the text round trip of the numeric-to-float8 cast; inline, as a
 * survey answer's reader is.  They return false for anything else (long
 * format, NaN, infinities, more digits, a compressed or toasted value),
 * and the caller takes the general path.
 *
 * The on-disk format (numeric.c; the same in PostgreSQL 9.1 to 18, since
 * pg_upgrade keeps stored values): after the varlena header a uint16
 * header and then the base-10000 digits as int16, most significant first,
 * with leading and trailing zero digits stripped.  In the short format the
 * header's top bits are 10; bit 0x2000 is the sign, bits 0x003F the
 * weight (the power of 10000 of the first digit) and 0x0040 its sign.
 */
#define LK_NUMERIC_FORM_MASK 0xC000
#define LK_NUMERIC_SHORT 0x8000
#define LK_NUMERIC_SHORT_NEGATIVE 0x2000
#define LK_NUMERIC_SHORT_WEIGHT_NEGATIVE 0x0040
#define LK_NUMERIC_SHORT_WEIGHT_MASK 0x003F
#define LK_NUMERIC_MAX_DIGITS 4	/* 16 decimal digits fit an int64 */

/*
 * The digits as one integer, the decimal exponent of its last digit and
 * the sign, for a short-format numeric of at most LK_NUMERIC_MAX_DIGITS
 */
static inline bool
lk_numeric_short_parts(Datum d, int64 *digits, int *exponent, bool *negative)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	const char *data;
	Size		len;
	uint16		header;
	int			ndigits,
				weight;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		return false;			/* compressed or out of line */
	data = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < sizeof(uint16) || (len - sizeof(uint16)) % sizeof(int16) != 0)
		return false;
	memcpy(&header, data, sizeof(uint16));
	if ((header & LK_NUMERIC_FORM_MASK) != LK_NUMERIC_SHORT)
		return false;
	ndigits = (len - sizeof(uint16)) / sizeof(int16);
	if (ndigits > LK_NUMERIC_MAX_DIGITS)
		return false;
	weight = header & LK_NUMERIC_SHORT_WEIGHT_MASK;
	if (header & LK_NUMERIC_SHORT_WEIGHT_NEGATIVE)
		weight -= LK_NUMERIC_SHORT_WEIGHT_MASK + 1;
	*digits = 0;
	for (int i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, data + sizeof(uint16) + i * sizeof(int16), sizeof(int16));
		if (digit < 0 || digit >= 10000)
			return false;
		*digits = *digits * 10000 + digit;
	}
	*exponent = ndigits == 0 ? 0 : 4 * (weight - ndigits + 1);
	*negative = (header & LK_NUMERIC_SHORT_NEGATIVE) != 0;
	return true;
}

/*
 * The value, when it is a whole number of at most four base-10000 digits
 * (times at most 10^8) that fits an int64.  Survey answers are one
 * base-10000 digit (or none, for 0) in a packed varlena: that case is
 * tested first, in a few instructions.
 */
static pg_attribute_always_inline bool
lk_numeric_whole(Datum d, int64 *value)
{
	static const int64 powers[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
	const uint8 *p = (const uint8 *) DatumGetPointer(d);
	int64		digits;
	int			exponent;
	bool		negative;

	if (likely(VARATT_IS_1B(p) && !VARATT_IS_1B_E(p) && VARSIZE_1B(p) >= VARHDRSZ_SHORT + sizeof(uint16)))
	{
		uint16		header;

		memcpy(&header, p + VARHDRSZ_SHORT, sizeof(uint16));
		/* short format, weight 0 (an integer part only), any sign and scale */
		if ((header & (LK_NUMERIC_FORM_MASK | LK_NUMERIC_SHORT_WEIGHT_NEGATIVE | LK_NUMERIC_SHORT_WEIGHT_MASK))
			== LK_NUMERIC_SHORT)
		{
			int16		digit = 0;

			if (VARSIZE_1B(p) == VARHDRSZ_SHORT + sizeof(uint16) + sizeof(int16))
				memcpy(&digit, p + VARHDRSZ_SHORT + sizeof(uint16), sizeof(int16));
			else if (VARSIZE_1B(p) != VARHDRSZ_SHORT + sizeof(uint16))
				goto general;
			*value = (header & LK_NUMERIC_SHORT_NEGATIVE) ? -digit : digit;
			return digit >= 0 && digit < 10000;
		}
	}
general:
	if (!lk_numeric_short_parts(d, &digits, &exponent, &negative))
		return false;
	/*
	 * A negative exponent is a fraction (stored stripped: its last digit is
	 * not 0), and the general path says so; 10^9 and more times a digit
	 * is more than any caller's range, and the general path says that too.
	 */
	if (exponent < 0 || exponent > 8 || digits > PG_INT64_MAX / powers[exponent])
		return false;
	*value = digits * powers[exponent];
	if (negative)
		*value = -*value;
	return true;
}

/*
 * The value as the cast to double precision gives it (correctly rounded:
 * the integer of its digits and the power of ten are both exact doubles,
 * so one multiplication or division rounds once), when its digits make
 * an integer below 2^53
 */
static inline bool
lk_numeric_double(Datum d, double *value)
{
	/* the powers of ten that are exact doubles */
	static const double exact_powers[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	int64		digits;
	int			exponent;
	bool		negative;
	double		v;

	if (!lk_numeric_short_parts(d, &digits, &exponent, &negative) ||
		digits >= (INT64CONST(1) << 53) || exponent > 22 || exponent < -22)
		return false;
	v = exponent >= 0 ? (double) digits * exact_powers[exponent] : (double) digits / exact_powers[-exponent];
	*value = negative && digits != 0 ? -v : v;
	return true;
}

/* ---------------------------------------------------------------------
 * The calendar period grid
 * ---------------------------------------------------------------------
 */

/*
 * The period boundaries from + k * step (k = 0..nperiods - 1, the
 * interval arithmetic of timestamptz + interval in the session's time
 * zone), then until.  A zero step is the single period [from, until).
 */
typedef struct LkPeriodGrid
{
	TimestampTz from;
	TimestampTz until;
	Interval	step;
	pg_tz	   *timezone;		/* the session's, when it was built */
	int			nperiods;
	uint32		fingerprint;	/* hash of the boundaries, to tell grids apart */
	TimestampTz *bounds;		/* nperiods + 1 */
} LkPeriodGrid;

#define LK_MAX_PERIODS 100000

/*
 * The grid, built once per query: *cache (NULL at first) keeps the last
 * one, allocated in `context` (a per-query one, such as fn_mcxt).  ERROR 22023
 * for an infinite bound, until <= from, or a step that does not move
 * forward; 54000 past LK_MAX_PERIODS.
 */
extern const LkPeriodGrid *lk_period_grid(LkPeriodGrid **cache, MemoryContext context,
										  TimestampTz from, TimestampTz until,
										  const Interval *step, const char *fname);

/* Index of the first boundary strictly after t (0..nperiods + 1) */
extern int	lk_grid_first_after(const LkPeriodGrid *grid, TimestampTz t);

/*
 * The open-ended calendar of cohorts: period k is [bound(k), bound(k + 1))
 * with bound(k) = anchor + k * step, in the session's time zone, for any k
 * the data reach.  The anchor is local midnight of 2000-01-01 for steps
 * with months (so '1 month' periods are calendar months, '3 months'
 * quarters) and of Monday 2000-01-03 otherwise (so '7 days' periods are
 * ISO weeks, as date_trunc('week') gives).  Every bound is computed from
 * the anchor, never from a neighbour, so a worker that saw other rows
 * numbers the periods the same.  Bounds are kept for the range of k seen
 * (LK_MAX_PERIODS at most), and found by binary search.
 */
typedef struct LkCalendar
{
	Interval	step;
	TimestampTz anchor;
	pg_tz	   *timezone;		/* the session's, when it was made */
	double		approx_step;	/* microseconds, to guess k before searching */
	int32		kmin;			/* bounds[i] = bound(kmin + i) */
	int32		nbounds;
	int32		capacity;
	TimestampTz *bounds;
	MemoryContext context;
	const char *fname;
} LkCalendar;

/*
 * The calendar of `step`, kept in *cache (allocated in `context`, a
 * per-query one) while the step and the time zone stay the same.  ERROR
 * 22023 for a step that is zero or has a negative part.
 */
extern LkCalendar *lk_calendar(LkCalendar **cache, MemoryContext context, const Interval *step,
							   const char *fname);
/* The period k holding t; ERROR 22008 for an infinite t, 54000 past LK_MAX_PERIODS */
extern int32 lk_calendar_period(LkCalendar *cal, TimestampTz t);
/* bound(k), the start of period k */
extern TimestampTz lk_calendar_bound(LkCalendar *cal, int32 k);

/* ---------------------------------------------------------------------
 * Customer ids of any type
 *
 * The per-customer aggregates take the id as "any": integer ids are the
 * key itself; text, varchar, bytea (deterministic collation) and uuid ids
 * are compared as bytes; every other type goes through its hash opclass.
 * ---------------------------------------------------------------------
 */

typedef enum LkIdKind
{
	LK_ID_INTEGER,				/* int2/int4/int8: the value, widened to int8, is the key */
	LK_ID_BYTES,				/* varlena or fixed-length bytes compared with memcmp */
	LK_ID_OPCLASS				/* the type's hash and equality functions */
} LkIdKind;

typedef struct LkIdType
{
	Oid			type;
	Oid			collation;
	LkIdKind	kind;
	int16		typlen;
	bool		typbyval;
	FmgrInfo   *hash;			/* LK_ID_OPCLASS only */
	FmgrInfo   *equal;			/* LK_ID_OPCLASS only */
} LkIdType;

/* ERROR 42P18 for an unknown-type literal, 42883 for a type without hashing */
extern void lk_id_type_init(LkIdType *t, Oid type, Oid collation, const char *fname, const char *what);

/*
 * The type of "any" argument argno (1-based) of an aggregate's transition
 * call: from the call expression, or from the Aggref where a caller
 * (Citus, a window) gives none.
 */
extern Oid	lk_any_argtype(FunctionCallInfo fcinfo, int argno, const char *fname);

/* A row's id as the table compares it: integers widened, varlenas detoasted */
extern Datum lk_id_from_row(const LkIdType *t, Datum value);

static inline Size
lk_id_size(const LkIdType *t, Datum id)
{
	return t->typlen > 0 ? (Size) t->typlen : VARSIZE_ANY(DatumGetPointer(id));
}

/* The splitmix64 finalizer: every input bit reaches the low 32 */
static inline uint32
lk_mix64(uint64 h)
{
	h = (h ^ (h >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return (uint32) (h ^ (h >> 31));
}

/*
 * A hash of an id's bytes, eight at a time: customer ids are short (codes,
 * uuids), where this takes a fraction of hash_bytes's instructions, and
 * the finalizer mixes every byte into the bits a table uses.  The last
 * (partial) word is read as the id's last eight bytes, overlapping the one
 * before, and ids under eight bytes as two overlapping halves (length
 * mixed in), so no byte is read one at a time.  Nothing stores these
 * hashes: a deserialized state computes them again.
 */
static inline uint64
lk_load64(const unsigned char *p)
{
	uint64		word;

	memcpy(&word, p, 8);
	return word;
}

static inline uint32
lk_load32(const unsigned char *p)
{
	uint32		word;

	memcpy(&word, p, 4);
	return word;
}

static inline uint32
lk_id_bytes_hash(const unsigned char *p, Size len)
{
	uint64		h = UINT64CONST(0x9e3779b97f4a7c15) ^ len;
	uint64		last;

	if (len >= 8)
	{
		for (Size done = 8; done < len; p += 8, done += 8)
		{
			h = (h ^ lk_load64(p)) * UINT64CONST(0xff51afd7ed558ccd);
			h ^= h >> 32;
		}
		last = lk_load64(p + (len - 1) % 8 + 1 - 8);
	}
	else if (len >= 4)
		last = ((uint64) lk_load32(p) << 32) | lk_load32(p + len - 4);
	else
	{
		last = 0;
		for (Size i = 0; i < len; i++)
			last |= (uint64) p[i] << (8 * i);
	}
	return lk_mix64(h ^ last);
}

/* Whether len bytes at a and b are the same: short ids in two overlapping loads */
static inline bool
lk_id_bytes_equal(const unsigned char *a, const unsigned char *b, Size len)
{
	if (len >= 8 && len <= 16)
		return lk_load64(a) == lk_load64(b) && lk_load64(a + len - 8) == lk_load64(b + len - 8);
	if (len >= 4 && len < 8)
		return lk_load32(a) == lk_load32(b) && lk_load32(a + len - 4) == lk_load32(b + len - 4);
	return memcmp(a, b, len) == 0;
}

static inline uint32
lk_id_hash(const LkIdType *t, Datum id)
{
	switch (t->kind)
	{
		case LK_ID_INTEGER:
			return lk_mix64((uint64) DatumGetInt64(id));
		case LK_ID_BYTES:
			if (t->typlen > 0)
				return lk_id_bytes_hash((const unsigned char *) DatumGetPointer(id), t->typlen);
			return lk_id_bytes_hash((const unsigned char *) VARDATA_ANY(DatumGetPointer(id)),
									VARSIZE_ANY_EXHDR(DatumGetPointer(id)));
		case LK_ID_OPCLASS:
			return DatumGetUInt32(FunctionCall1Coll(t->hash, t->collation, id));
	}
	pg_unreachable();
}

static inline bool
lk_id_equal(const LkIdType *t, Datum a, Datum b)
{
	switch (t->kind)
	{
		case LK_ID_INTEGER:
			return a == b;
		case LK_ID_BYTES:
			if (t->typlen > 0)
				return lk_id_bytes_equal((const unsigned char *) DatumGetPointer(a),
										 (const unsigned char *) DatumGetPointer(b), t->typlen);
			return VARSIZE_ANY_EXHDR(DatumGetPointer(a)) == VARSIZE_ANY_EXHDR(DatumGetPointer(b)) &&
				lk_id_bytes_equal((const unsigned char *) VARDATA_ANY(DatumGetPointer(a)),
								  (const unsigned char *) VARDATA_ANY(DatumGetPointer(b)),
								  VARSIZE_ANY_EXHDR(DatumGetPointer(a)));
		case LK_ID_OPCLASS:
			return DatumGetBool(FunctionCall2Coll(t->equal, t->collation, a, b));
	}
	pg_unreachable();
}

/* Ids that are not integers are copied into an arena of 64 kB blocks */
typedef struct LkArena
{
	MemoryContext context;
	char	   *next;
	Size		left;
} LkArena;

extern void *lk_arena_alloc(LkArena *arena, Size size);

/* The id as a table keeps it: by-reference values copied into the arena */
extern Datum lk_id_keep(LkArena *arena, const LkIdType *t, Datum id);

/* Serialized ids: by-value ones as 8 bytes, others as a 4-byte length and the bytes */
extern void lk_id_send(StringInfo buf, const LkIdType *t, Datum id);

/*
 * The id as lk_id_send wrote it.  By-reference ids are copied into
 * *scratch (grown as needed), aligned, and checked to be the length their
 * type says; ERROR 22P03 naming fname otherwise.
 */
extern Datum lk_id_receive(StringInfo buf, const LkIdType *t, char **scratch, Size *scratch_size,
						   const char *fname);

/* A time unit in days: an interval of days and time, never months (ERROR 22023 naming fname) */
extern double lk_interval_days(const char *fname, const Interval *unit);

#endif							/* LOYALTY_KPI_KIT_H */
