/*
 * common.c
 *		Helpers shared by every KPI family (see loyalty_kpi.h).
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "nodes/primnodes.h"
#include "utils/lsyscache.h"

PG_MODULE_MAGIC;

void
lk_check_confidence_level(const char *fname, double level)
{
	/* written so that NaN fails too */
	if (!(level > 0.0 && level < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: confidence level %g is out of range", fname, level),
				 errhint("The level is a probability strictly between 0 and 1, such as 0.95.")));
}

double
lk_normal_cdf(double z)
{
	/* erfc keeps full relative precision in the lower tail, 1 - erf does not */
	return 0.5 * erfc(-z / M_SQRT2);
}

/*
 * Inverse of lk_normal_cdf.  Bisection on erfc: slower than a rational
 * approximation, but it needs no tables of coefficients, is exact to the
 * last bit erfc gives, and runs once per call of a CI accessor, not per row.
 */
double
lk_normal_quantile(double p)
{
	double		lo = -40.0;
	double		hi = 40.0;

	Assert(p > 0.0 && p < 1.0);
	for (int i = 0; i < 200; i++)
	{
		double		mid = 0.5 * (lo + hi);

		if (mid == lo || mid == hi)
			break;
		if (lk_normal_cdf(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

double
lk_two_sided_p(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/*
 * Continued fraction of the regularized incomplete beta function, evaluated
 * by the modified Lentz method (Press et al., Numerical Recipes, 6.4).  It
 * converges fast for x < (a + 1) / (a + b + 2); the caller uses the
 * symmetry I_x(a, b) = 1 - I_{1-x}(b, a) for the other side.
 */
static double
incomplete_beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		c = 1.0;
	double		d = 1.0 - (a + b) * x / (a + 1.0);
	double		h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 1000; m++)
	{
		double		m2 = 2.0 * m;
		double		step;
		double		num;

		/* even term */
		num = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		/* odd term */
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		step = d * c;
		h *= step;
		if (fabs(step - 1.0) < 1e-15)
			break;
	}
	return h;
}

/*
 * lgamma(a + b) - lgamma(a) for a > 0, b >= 0, to a few units in the last
 * place even where both lgammas are huge beside their difference (a large,
 * b small: a Student t with millions of degrees of freedom has a = df / 2
 * and b = 1/2).  From Stirling's series lgamma(z) = (z - 1/2) ln z - z +
 * ln(2 pi) / 2 + S(z), the difference is
 *	 (a - 1/2) log1p(b / a) + b (ln(a + b) - 1) + S(a + b) - S(a),
 * every piece of it small; S to z^-9, exact to double precision for z >= 10.
 */
static double
stirling_tail(double z)
{
	double		f = 1.0 / (z * z);

	return (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f * (1.0 / 1188))))) / z;
}

static double
lgamma_difference(double a, double b)
{
	if (a < 10)
		return lgamma(a + b) - lgamma(a);
	return (a - 0.5) * log1p(b / a) + b * (log(a + b) - 1.0) + (stirling_tail(a + b) - stirling_tail(a));
}

/*
 * Regularized incomplete beta function I_x(a, b), for a, b > 0, given both
 * x and y = 1 - x as the caller can compute them: near x = 1 the logarithm
 * of x is taken from y, which keeps the digits that 1 - y would lose.
 */
static double
incomplete_beta(double a, double b, double x, double y)
{
	double		log_x = x < 0.5 ? log(x) : log1p(-y);
	double		log_y = y < 0.5 ? log(y) : log1p(-x);
	double		log_front;

	if (x <= 0.0)
		return 0.0;
	if (y <= 0.0)
		return 1.0;
	/* ln B(a, b) through the difference from the larger argument, which keeps its digits */
	log_front = lgamma_difference(Max(a, b), Min(a, b)) - lgamma(Min(a, b)) + a * log_x + b * log_y;
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(log_front) * incomplete_beta_fraction(a, b, x) / a;
	return 1.0 - exp(log_front) * incomplete_beta_fraction(b, a, y) / b;
}

double
lk_student_t_two_sided_p(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0.0)
		return NAN;
	if (isinf(t))
		return 0.0;
	/* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2), a probability */
	return Min(1.0, Max(0.0, incomplete_beta(0.5 * df, 0.5, df / (df + t * t), t * t / (df + t * t))));
}

/*
 * Legendre's continued fraction for the upper incomplete gamma function,
 * Gamma(a, x) = e^-x x^a h, evaluated by the modified Lentz method on its
 * even contraction (Press et al., Numerical Recipes, 6.2): h, for x > 0
 * and any real a (fast where x > a + 1).  False if it did not settle in
 * max_iterations.
 */
bool
lk_upper_gamma_fraction(double a, double x, int max_iterations, double *h)
{
	const double tiny = 1e-300;
	double		b = x + 1.0 - a;
	double		c = 1.0 / tiny;
	double		d = 1.0 / b;

	*h = d;
	for (int n = 1; n < max_iterations; n++)
	{
		double		an = -n * (n - a);
		double		delta;

		b += 2.0;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		delta = d * c;
		*h *= delta;
		if (fabs(delta - 1.0) < 1e-16)
			return true;
		if ((n & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return false;
}

/*
 * Regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a),
 * for a > 0 and x > 0: below x = a + 1 through the series of the lower
 * function P = 1 - Q, above it through Legendre's continued fraction for Q
 * (lk_upper_gamma_fraction), each on the side where it converges fast and
 * loses no digits.
 */
static double
incomplete_gamma_upper(double a, double x)
{
	double		log_front = a * log(x) - x - lgamma(a);
	double		h;

	if (x < a + 1.0)
	{
		double		term = 1.0 / a;
		double		sum = term;

		for (int n = 1; n < 10000; n++)
		{
			term *= x / (a + n);
			sum += term;
			if (fabs(term) < fabs(sum) * 1e-17)
				break;
		}
		return 1.0 - sum * exp(log_front);
	}
	/* past x = a + 1 it settles in a few dozen steps */
	(void) lk_upper_gamma_fraction(a, x, 10000, &h);
	return exp(log_front) * h;
}

double
lk_chi_square_upper_p(double x, double df)
{
	if (isnan(x) || isnan(df) || df <= 0.0)
		return NAN;
	if (x <= 0.0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	return Min(1.0, Max(0.0, incomplete_gamma_upper(0.5 * df, 0.5 * x)));
}

void
lk_aggregate_name(FunctionCallInfo fcinfo, const char *fallback, char *buf)
{
	fmAggrefPtr aggref = AggGetAggref(fcinfo);
	char	   *name = aggref ? get_func_name(aggref->aggfnoid) : NULL;

	strlcpy(buf, name ? name : fallback, NAMEDATALEN);
}

void
lk_invalid_number(const char *fname, int sqlerrcode, const char *what, double value, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg("%s: invalid %s %g", fname, what, value),
			 errhint("%s", hint)));
}

void
lk_check_finite(const char *fname, const char *what, double value)
{
	if (!isfinite(value))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, value,
						  "It must be a finite number.");
}

void
lk_check_amount(const char *fname, double amount)
{
	if (!(amount >= 0 && isfinite(amount)))
		lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "amount", amount,
						  "A purchase's amount is a finite number, 0 or more; leave refunds out or net them into their purchase.");
}

double
lk_finite_result(const char *fname, double result)
{
	if (!isfinite(result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: value out of range: overflow", fname),
				 errhint("The result passes the largest double precision number.")));
	return result;
}

double
lk_share_result(const char *fname, double result, double whole)
{
	/* rounding may step a few ulps past either end: that is the end */
	if (result < 0 && result > -1e-12 * whole)
		return 0;
	if (result > whole && result < whole * (1 + 1e-12))
		return whole;
	if (!(result >= 0 && result <= whole))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: result %g is outside 0 to %g", fname, result, whole),
				 errhint("The inputs are past where this computation keeps its precision: "
						 "check them for values that are extreme for what they measure.")));
	return result;
}

void
lk_add_count(int64 *count, int64 delta, const char *fname)
{
	if (pg_add_s64_overflow(*count, delta, count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: a count went past %lld", fname, (long long) PG_INT64_MAX)));
}

ArrayType *
lk_composite_array(FunctionCallInfo fcinfo, Datum *rows, int nrows)
{
	Oid			row_type = get_element_type(get_func_rettype(fcinfo->flinfo->fn_oid));
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(row_type, &typlen, &typbyval, &typalign);
	return construct_array(rows, nrows, row_type, typlen, typbyval, typalign);
}

TupleDesc
lk_result_row_desc(FunctionCallInfo fcinfo, bool array_of, int natts)
{
	Oid			rettype = get_func_rettype(fcinfo->flinfo->fn_oid);
	TupleDesc	desc = lookup_rowtype_tupdesc_copy(array_of ? get_element_type(rettype) : rettype, -1);

	if (desc->natts != natts)
		elog(ERROR, "result type has %d columns, expected %d", desc->natts, natts);
	return BlessTupleDesc(desc);
}

/* Rows of at most this many columns are made from templates: a template per pattern of NULLs */
#define ROW_TEMPLATE_COLUMNS 8

typedef struct RowTemplate
{
	Size		len;
	uint16		offset[ROW_TEMPLATE_COLUMNS];	/* a present column's place in the row */
	char		bytes[FLEXIBLE_ARRAY_MEMBER];	/* the row heap_form_tuple made */
} RowTemplate;

struct LkRowMaker
{
	TupleDesc	desc;
	MemoryContext context;		/* the templates' (the function's) */
	bool		templates_apply;	/* fixed-width columns only, and their layout as computed here */
	int16		attlen[ROW_TEMPLATE_COLUMNS];
	bool		attbyval[ROW_TEMPLATE_COLUMNS];
	RowTemplate *templates[1 << ROW_TEMPLATE_COLUMNS];	/* by NULL pattern, made on first use */
};

LkRowMaker *
lk_row_maker(FunctionCallInfo fcinfo, int natts)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	LkRowMaker *maker = palloc0(sizeof(LkRowMaker));

	maker->desc = lk_result_row_desc(fcinfo, false, natts);
	maker->context = fcinfo->flinfo->fn_mcxt;
	maker->templates_apply = natts <= ROW_TEMPLATE_COLUMNS;
	for (int i = 0; i < natts && maker->templates_apply; i++)
	{
		Form_pg_attribute att = TupleDescAttr(maker->desc, i);

		maker->templates_apply = att->attlen > 0 && !att->attisdropped;
		maker->attlen[i] = att->attlen;
		maker->attbyval[i] = att->attbyval;
	}
	MemoryContextSwitchTo(old);
	return maker;
}

LkRowMaker *
lk_row_maker_cached(FunctionCallInfo fcinfo, int natts)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = lk_row_maker(fcinfo, natts);
	return (LkRowMaker *) fcinfo->flinfo->fn_extra;
}

LkRowMaker *
lk_row_maker_cached_grown(FunctionCallInfo fcinfo, int natts)
{
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(get_func_rettype(fcinfo->flinfo->fn_oid), -1);
		int			have = desc->natts;

		ReleaseTupleDesc(desc);
		fcinfo->flinfo->fn_extra = lk_row_maker(fcinfo, have == natts - 1 ? have : natts);
	}
	return (LkRowMaker *) fcinfo->flinfo->fn_extra;
}

int
lk_row_maker_columns(const LkRowMaker *maker)
{
	return maker->desc->natts;
}

/*
 * The first row of a NULL pattern: heap_form_tuple's, kept as the
 * pattern's template with each present column's offset, computed as
 * heap_fill_tuple aligns them.  The row itself checks those offsets: should
 * a release lay rows out otherwise, the values are not where computed, and
 * the maker goes back to heap_form_tuple for good.
 */
static Datum
row_from_heap_form_tuple(LkRowMaker *maker, unsigned pattern, const Datum *values, const bool *nulls)
{
	Datum		row = HeapTupleGetDatum(heap_form_tuple(maker->desc, (Datum *) values, (bool *) nulls));
	HeapTupleHeader td = DatumGetHeapTupleHeader(row);
	Size		len = HeapTupleHeaderGetDatumLength(td);
	RowTemplate *t = MemoryContextAlloc(maker->context, offsetof(RowTemplate, bytes) + len);
	Size		offset = td->t_hoff;

	t->len = len;
	memcpy(t->bytes, td, len);
	for (int i = 0; i < maker->desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(maker->desc, i);

		if (nulls[i])
			continue;
		offset = att_align_nominal(offset, att->attalign);
		t->offset[i] = offset;
		if (offset + att->attlen > len ||
			(att->attbyval ? fetch_att(t->bytes + offset, true, att->attlen) != values[i]
			 : memcmp(t->bytes + offset, DatumGetPointer(values[i]), att->attlen) != 0))
			maker->templates_apply = false;
		offset += att->attlen;
	}
	if (offset != len)
		maker->templates_apply = false;
	if (maker->templates_apply)
		maker->templates[pattern] = t;
	else
		pfree(t);
	return row;
}

Datum
lk_make_row(LkRowMaker *maker, const Datum *values, const bool *nulls)
{
	int			natts = maker->desc->natts;
	unsigned	pattern = 0;
	const RowTemplate *t;
	char	   *row;

	if (!maker->templates_apply)
		return HeapTupleGetDatum(heap_form_tuple(maker->desc, (Datum *) values, (bool *) nulls));
	for (int i = 0; i < natts; i++)
		pattern |= (unsigned) nulls[i] << i;
	t = maker->templates[pattern];
	if (t == NULL)
		return row_from_heap_form_tuple(maker, pattern, values, nulls);
	row = palloc(t->len);
	memcpy(row, t->bytes, t->len);
	for (int i = 0; i < natts; i++)
		if (nulls[i])
			continue;
		else if (maker->attbyval[i])
			store_att_byval(row + t->offset[i], values[i], maker->attlen[i]);
		else
			memcpy(row + t->offset[i], DatumGetPointer(values[i]), maker->attlen[i]);
	return PointerGetDatum(row);
}

const char *
lk_timestamptz_text(int64 t)
{
	/* timestamptz_to_str() drops fractional seconds, which hides the reason */
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, Int64GetDatum(t)));
}

FuncCallContext *
lk_srf_start(FunctionCallInfo fcinfo, const struct varlena *value, uint64 rows, const char *fname)
{
	FuncCallContext *funcctx = SRF_FIRSTCALL_INIT();
	MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
	TupleDesc	desc;
	void	   *copy = palloc(VARSIZE(value));

	memcpy(copy, value, VARSIZE(value));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: the result is not a row type", fname);
	funcctx->tuple_desc = BlessTupleDesc(desc);
	funcctx->max_calls = rows;
	funcctx->user_fctx = copy;
	MemoryContextSwitchTo(old);
	return funcctx;
}

bool
lk_tenure_from_dates(FunctionCallInfo fcinfo, int argno, const char *fname, double *duration, bool *event)
{
	TimestampTz acquired,
				end,
				as_of;
	Interval   *unit;
	int64		unit_usec;

	if (PG_ARGISNULL(argno + 2) || PG_ARGISNULL(argno + 3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: %s must not be NULL", fname, PG_ARGISNULL(argno + 2) ? "as_of" : "time_unit"),
				 errhint("as_of is when the active customers are censored, such as now(); time_unit the unit of the durations, such as '1 day'.")));
	as_of = PG_GETARG_TIMESTAMPTZ(argno + 2);
	unit = PG_GETARG_INTERVAL_P(argno + 3);
	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: as_of must be finite", fname),
				 errhint("Pass the date the active customers were last seen active, such as now().")));
	/* a unit past int64 microseconds is longer than any tenure: INT64_MAX */
	if (pg_mul_s64_overflow(unit->day, USECS_PER_DAY, &unit_usec) ||
		pg_add_s64_overflow(unit_usec, unit->time, &unit_usec))
		unit_usec = (unit->day > 0 || (unit->day == 0 && unit->time > 0)) ? PG_INT64_MAX : -1;
	if (unit->month != 0 || unit_usec <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: time unit %s is not a fixed positive length", fname,
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(unit)))),
				 errhint("Use days or shorter units, such as '1 day' or '7 days'; months and years have no fixed length.")));
	if (PG_ARGISNULL(argno))
		return false;
	acquired = PG_GETARG_TIMESTAMPTZ(argno);
	if (TIMESTAMP_NOT_FINITE(acquired))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: acquired_at must be finite", fname),
				 errhint("Leave a customer's row out rather than give it an infinite date.")));
	if (acquired > as_of)
		return false;
	*event = !PG_ARGISNULL(argno + 1) && PG_GETARG_TIMESTAMPTZ(argno + 1) <= as_of;
	end = *event ? PG_GETARG_TIMESTAMPTZ(argno + 1) : as_of;
	if (end < acquired)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: churned_at %s is before acquired_at %s", fname,
						lk_timestamptz_text(end), lk_timestamptz_text(acquired)),
				 errhint("A customer churns at or after being acquired; check the row.")));
	/*
	 * Whole units completed, as survival tables and R fits on day counts
	 * count them: a partial unit is not counted, so the summary holds one
	 * entry per distinct whole tenure.  Finite timestamps are within 2^62
	 * microseconds of each other, so the difference does not overflow.
	 */
	*duration = (double) ((end - acquired) / unit_usec);
	return true;
}
