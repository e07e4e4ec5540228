/*
 * clv.c
 *		Customer lifetime value from the seeds' formulas, and the
 *		per-customer summary that the probabilistic models (models.c) are
 *		fitted to.
 *
 * The seeds' forms (KPI-SPEC.md, "Customer lifetime value"):
 *	 clv_basic(v, n)			v x n: average order value x average lifespan
 *								in orders (seed 001), or yearly value x years
 *								retained (seed 003: 150 x 2 = 300)
 *	 clv_from_churn(v, c, d, k)	the refinement seed 003 describes: value v per
 *								period, lifespan from churn (1 / c per period),
 *								future periods discounted at d, minus the
 *								acquisition cost k.  With v received at the
 *								start of each period a customer is retained:
 *								  sum_{i>=0} v (1-c)^i / (1+d)^i - k
 *								  = v (1 + d) / (d + c) - k
 *								which is v x 1/c - k when d = 0.
 *	 clv_net(R, k, s)			revenue minus acquisition and service cost
 *								(seed 000)
 *	 clv(customer, amount)		(orders.c) historical value per customer
 *
 * btyd_summary(purchased_at, amount, observation_end, time_unit), with
 * GROUP BY customer, is the summary of the BTYD literature (Fader, Hardie
 * and Lee 2005) that the lifetimes package calls summary_data_from_
 * transaction_data: purchases on one calendar day are one purchase of
 * their summed value; with d_1 < ... < d_k the customer's distinct purchase
 * days up to observation_end (inclusive):
 *	 frequency x		k - 1 (the first purchase is not a repeat)
 *	 recency t_x		(d_k - d_1) / unit
 *	 age T				(observation_end - d_1) / unit
 *	 monetary_value		mean value of the repeat days d_2..d_k (NULL when x = 0)
 * Purchases after observation_end are left out, so one call over all
 * transactions gives the calibration summary of a calibration/holdout split.
 *
 * btyd_summary(purchased_at, amount, calibration_end, holdout_end,
 * time_unit) gives that split in one call, as the lifetimes package's
 * calibration_and_holdout_data: the calibration summary above (to
 * calibration_end), and of the holdout (calibration_end, holdout_end]
 *	 holdout_purchases	distinct purchase days in the holdout
 *	 holdout_spend		what they summed to (NULL if an amount is NULL)
 *	 holdout_length		(holdout_end - calibration_end) / unit
 * NULL for a customer whose first purchase falls after calibration_end:
 * not of the calibrated customers.  Purchases after holdout_end are left out.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

pg_noreturn static void
out_of_range(const char *fname, const char *what, double value, const char *hint)
{
	lk_invalid_number(fname, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, what, value, hint);
}

static void
check_cost(const char *fname, const char *what, double value)
{
	if (!(value >= 0 && isfinite(value)))
		out_of_range(fname, what, value, "A cost is a finite number, 0 or more.");
}

PG_FUNCTION_INFO_V1(clv_basic);
Datum
clv_basic(PG_FUNCTION_ARGS)
{
	double		value = PG_GETARG_FLOAT8(0);
	double		periods = PG_GETARG_FLOAT8(1);

	lk_check_finite("clv_basic", "value per period", value);
	if (!(periods >= 0 && isfinite(periods)))
		out_of_range("clv_basic", "lifespan", periods,
					 "The lifespan is a finite number of periods (or orders), 0 or more.");
	PG_RETURN_FLOAT8(lk_finite_result("clv_basic", value * periods));
}

PG_FUNCTION_INFO_V1(clv_from_churn);
Datum
clv_from_churn(PG_FUNCTION_ARGS)
{
	double		value = PG_GETARG_FLOAT8(0);
	double		churn = PG_GETARG_FLOAT8(1);
	double		discount = PG_GETARG_FLOAT8(2);
	double		acquisition = PG_GETARG_FLOAT8(3);

	lk_check_finite("clv_from_churn", "value per period", value);
	if (!(churn > 0 && churn <= 100))
		out_of_range("clv_from_churn", "churn rate", churn,
					 "The churn rate is a percentage per period above 0 and at most 100 (the lifespan is 100 / churn periods).");
	if (!(discount >= 0 && isfinite(discount)))
		out_of_range("clv_from_churn", "discount rate", discount,
					 "The discount rate is a percentage per period, 0 or more.");
	check_cost("clv_from_churn", "acquisition cost", acquisition);
	/* a fraction where a percent belongs gives a lifespan 100 times too long: say so */
	if (churn < 1)
		ereport(NOTICE,
				(errmsg("clv_from_churn: churn rate %g is read as %g %% per period, a lifespan of %g periods",
						churn, churn, 100 / churn),
				 errhint("The churn rate is a percentage: for 20 %% pass 20, not 0.2.")));
	churn /= 100;
	discount /= 100;
	/* no value per period is no value over any lifespan, however long */
	if (value == 0)
		PG_RETURN_FLOAT8(0.0 - acquisition);
	PG_RETURN_FLOAT8(lk_finite_result("clv_from_churn", value / (discount + churn) * (1 + discount) - acquisition));
}

PG_FUNCTION_INFO_V1(clv_net);
Datum
clv_net(PG_FUNCTION_ARGS)
{
	double		revenue = PG_GETARG_FLOAT8(0);
	double		acquisition = PG_GETARG_FLOAT8(1);
	double		service = PG_GETARG_FLOAT8(2);

	lk_check_finite("clv_net", "revenue", revenue);
	check_cost("clv_net", "acquisition cost", acquisition);
	check_cost("clv_net", "service cost", service);
	PG_RETURN_FLOAT8(lk_finite_result("clv_net", revenue - acquisition - service));
}


/* ---------------------------------------------------------------------
 * btyd_summary: one customer's transactions -> (x, t_x, T, monetary value)
 * ---------------------------------------------------------------------
 */

/*
 * One customer's state.  The days of a customer who bought on at most
 * SUMMARY_INLINE_DAYS distinct days (most customers) stay inside it, so a
 * customer costs one 128-byte allocation; more days move to an array of
 * their own.
 */
#define SUMMARY_INLINE_DAYS 6

typedef struct SummaryState
{
	LkStateHeader header;
	/* the arguments that must not change within a group */
	DateADT		end_day;		/* of the calibration */
	DateADT		holdout_end;	/* end_day when there is no holdout */
	double		unit_days;
	/* the earliest calibration purchase day and what was spent on it; the rest */
	DateADT		first_day;
	bool		has_first;		/* a calibration purchase was seen */
	bool		amount_missing; /* a calibration purchase with a NULL amount */
	bool		holdout_amount_missing;
	LkSum		first_day_amount;
	LkSum		later_amount;
	LkSum		holdout_amount;
	/* every purchase day seen, calibration then holdout (with repeats until compacted) */
	int			ndays;
	int			capacity;
	DateADT    *days;			/* inline_days, or an array of its own */
	DateADT		inline_days[SUMMARY_INLINE_DAYS];
} SummaryState;

/* the state's size is declared to the planner (SSPACE in src/clv.sql) */
StaticAssertDecl(sizeof(SummaryState) <= 128, "btyd_summary's state outgrew its 128 bytes");

static int
cmp_day(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/* Sorts the days (by insertion when they are few, as they mostly are) and drops repeats */
static void
compact_days(SummaryState *state)
{
	int			m = 0;

	if (state->ndays <= 16)
	{
		for (int i = 1; i < state->ndays; i++)
		{
			DateADT		day = state->days[i];
			int			j = i;

			for (; j > 0 && state->days[j - 1] > day; j--)
				state->days[j] = state->days[j - 1];
			state->days[j] = day;
		}
	}
	else
		qsort(state->days, state->ndays, sizeof(DateADT), cmp_day);
	for (int i = 0; i < state->ndays; i++)
		if (m == 0 || state->days[m - 1] != state->days[i])
			state->days[m++] = state->days[i];
	state->ndays = m;
}

static void
add_day(SummaryState *state, DateADT day)
{
	/* a customer's rows often come in day order: a repeat of the last day adds nothing */
	if (state->ndays > 0 && state->days[state->ndays - 1] == day)
		return;
	if (state->ndays == state->capacity)
	{
		compact_days(state);
		if (state->ndays * 2 > state->capacity)
		{
			DateADT    *grown = MemoryContextAlloc(GetMemoryChunkContext(state),
												   sizeof(DateADT) * state->capacity * 2);

			memcpy(grown, state->days, sizeof(DateADT) * state->ndays);
			if (state->days != state->inline_days)
				pfree(state->days);
			state->days = grown;
			state->capacity *= 2;
		}
	}
	state->days[state->ndays++] = day;
}

/* Adds what was spent on `day` (amount_known false: unknown), a calibration or a holdout day */
static void
add_purchase(SummaryState *state, DateADT day, bool amount_known, double amount)
{
	const char *fname = "btyd_summary";

	if (day > state->end_day)
	{
		if (!amount_known)
			state->holdout_amount_missing = true;
		else
			lk_sum_add(&state->holdout_amount, amount, fname);
		add_day(state, day);
		return;
	}
	if (!amount_known)
		state->amount_missing = true;
	else if (!state->has_first || day == state->first_day)
		lk_sum_add(&state->first_day_amount, amount, fname);
	else if (day > state->first_day)
		lk_sum_add(&state->later_amount, amount, fname);
	if (!state->has_first || day < state->first_day)
	{
		/* a new first day: what was the first day's spend becomes a repeat day's */
		if (state->has_first)
			lk_sum_merge(&state->later_amount, &state->first_day_amount, fname);
		state->first_day_amount.sum = amount_known ? amount : 0;
		state->first_day_amount.compensation = 0;
		state->first_day = day;
		state->has_first = true;
	}
	add_day(state, day);
}

static SummaryState *
summary_new(MemoryContext context, DateADT end_day, DateADT holdout_end, double unit_days)
{
	SummaryState *state = MemoryContextAllocZero(context, sizeof(SummaryState));

	state->end_day = end_day;
	state->holdout_end = holdout_end;
	state->unit_days = unit_days;
	state->capacity = SUMMARY_INLINE_DAYS;
	state->days = state->inline_days;
	return state;
}

/* ERROR 22023 unless a row (or a partial state) has the group's observation ends and time unit */
static void
check_same_window(const SummaryState *state, DateADT end_day, DateADT holdout_end, double unit_days)
{
	/* the form with a holdout has a holdout end after the calibration end */
	if (state->end_day != end_day || state->holdout_end != holdout_end || state->unit_days != unit_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("btyd_summary: the %s and the time unit must be the same for every row of a customer",
						state->holdout_end != state->end_day ? "calibration end, the holdout end" : "observation end")));
}

/*
 * Which form was called, as the transition's SQL declaration says (looked
 * up once per query, kept in fn_extra): the amount a double precision or a
 * numeric, the observation ends dates or timestamptz (now()).
 */
typedef struct SummaryCallForm
{
	Oid			amount_type;
	bool		ends_timestamptz;
	/* the last timestamptz end given at each end's place, and its day */
	bool		end_seen[2];
	TimestampTz end_given[2];
	DateADT		end_day[2];
} SummaryCallForm;

static inline SummaryCallForm *
summary_call_form(FunctionCallInfo fcinfo)
{
	if (unlikely(fcinfo->flinfo->fn_extra == NULL))
	{
		SummaryCallForm *form = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SummaryCallForm));

		form->amount_type = lk_declared_argtype(fcinfo, 2);
		form->ends_timestamptz = lk_declared_argtype(fcinfo, 3) == TIMESTAMPTZOID;
		fcinfo->flinfo->fn_extra = form;
	}
	return (SummaryCallForm *) fcinfo->flinfo->fn_extra;
}

/*
 * An observation end (argno 3, or 4 for a holdout's): a date, or the
 * calendar day of a timestamptz in the session's time zone (so that now()
 * ends the window today, as current_date).  The conversion, a stable
 * function, runs once per distinct end a query gives, not once a row
 * (where it cost a tenth of the aggregate's time).
 */
static inline DateADT
summary_end_arg(FunctionCallInfo fcinfo, int argno)
{
	SummaryCallForm *form = summary_call_form(fcinfo);
	int			place = argno - 3;
	TimestampTz given;

	if (!form->ends_timestamptz)
		return PG_GETARG_DATEADT(argno);
	given = PG_GETARG_TIMESTAMPTZ(argno);
	if (!form->end_seen[place] || form->end_given[place] != given)
	{
		form->end_day[place] = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, TimestampTzGetDatum(given)));
		form->end_given[place] = given;
		form->end_seen[place] = true;
	}
	return form->end_day[place];
}

/*
 * The amount; a numeric amount is read from its bytes where it can be, the
 * same number as the cast to double precision gives.
 */
static inline double
summary_amount(FunctionCallInfo fcinfo)
{
	Datum		d = PG_GETARG_DATUM(2);
	double		amount;

	if (summary_call_form(fcinfo)->amount_type != NUMERICOID)
		return DatumGetFloat8(d);
	if (lk_numeric_double(d, &amount))
		return amount;
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
}

/*
 * Both forms' transition: (state, purchased_at, amount, observation_end
 * [, holdout_end], time_unit)
 */
static Datum
summary_transition(FunctionCallInfo fcinfo, bool with_time_zone)
{
	const char *fname = "btyd_summary";
	SummaryState *state = PG_ARGISNULL(0) ? NULL : (SummaryState *) PG_GETARG_POINTER(0);
	bool		holdout = PG_NARGS() == 6;
	int			unit_arg = holdout ? 5 : 4;
	DateADT		day;
	DateADT		end_day;
	DateADT		holdout_end;
	double		unit_days;
	double		amount = 0;

	/* no state yet and nothing to add: SQL NULL, never a NULL pointer as a value */
	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (PG_ARGISNULL(3) || PG_ARGISNULL(4) || (holdout && PG_ARGISNULL(5)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: the %s and the time unit must not be NULL", fname,
						holdout ? "calibration end, the holdout end" : "observation end")));
	end_day = summary_end_arg(fcinfo, 3);
	holdout_end = holdout ? summary_end_arg(fcinfo, 4) : end_day;
	unit_days = lk_interval_days(fname, PG_GETARG_INTERVAL_P(unit_arg));
	if (DATE_NOT_FINITE(end_day) || DATE_NOT_FINITE(holdout_end))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 holdout ? errmsg("%s: the calibration end and the holdout end must be finite dates", fname)
				 : errmsg("%s: the observation end must be a finite date", fname)));
	if (holdout && holdout_end <= end_day)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the holdout must end after the calibration", fname),
				 errhint("The holdout is the days after the calibration end, up to and including the holdout end.")));
	/* a state (an internal pointer) only ever comes from the aggregate: check the context once, here */
	if (state == NULL)
		state = summary_new(lk_require_agg_context(fcinfo, fname), end_day, holdout_end, unit_days);
	else
		check_same_window(state, end_day, holdout_end, unit_days);

	day = with_time_zone
		? DatumGetDateADT(DirectFunctionCall1(timestamptz_date, PG_GETARG_DATUM(1)))
		: PG_GETARG_DATEADT(1);
	if (DATE_NOT_FINITE(day))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a purchase time must be finite", fname)));
	if (day > holdout_end)
		PG_RETURN_POINTER(state);	/* after the observation window */
	if (!PG_ARGISNULL(2))
	{
		amount = summary_amount(fcinfo);
		lk_check_amount(fname, amount);
	}
	add_purchase(state, day, !PG_ARGISNULL(2), amount);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(btyd_summary_accum_date);
Datum
btyd_summary_accum_date(PG_FUNCTION_ARGS)
{
	return summary_transition(fcinfo, false);
}

/* Purchase times are taken to calendar days in the session's time zone */
PG_FUNCTION_INFO_V1(btyd_summary_accum_timestamptz);
Datum
btyd_summary_accum_timestamptz(PG_FUNCTION_ARGS)
{
	return summary_transition(fcinfo, true);
}

static LkStateHeader *
summary_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const SummaryState *m = (const SummaryState *) model;

	return &summary_new(context, m->end_day, m->holdout_end, m->unit_days)->header;
}

static void
summary_merge(LkStateHeader *into, const LkStateHeader *from)
{
	SummaryState *a = (SummaryState *) into;
	const SummaryState *b = (const SummaryState *) from;

	if (b->ndays == 0)
		return;
	check_same_window(a, b->end_day, b->holdout_end, b->unit_days);
	/* b's first day with its spend, then its other days with theirs as one later amount */
	if (b->has_first)
		add_purchase(a, b->first_day, true, lk_sum_value(&b->first_day_amount));
	lk_sum_merge(&a->later_amount, &b->later_amount, "btyd_summary");
	lk_sum_merge(&a->holdout_amount, &b->holdout_amount, "btyd_summary");
	a->amount_missing |= b->amount_missing;
	a->holdout_amount_missing |= b->holdout_amount_missing;
	for (int i = 0; i < b->ndays; i++)
		add_day(a, b->days[i]);
}

static const LkStateOps summary_ops = {
	.combine_name = "btyd_summary_combine",
	.empty_like = summary_empty_like,
	.merge = summary_merge,
};

PG_FUNCTION_INFO_V1(btyd_summary_combine);
Datum
btyd_summary_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &summary_ops);
}

/* 2 (1.8): the holdout */
#define SUMMARY_SERIAL_FORMAT 2

PG_FUNCTION_INFO_V1(btyd_summary_serialize);
Datum
btyd_summary_serialize(PG_FUNCTION_ARGS)
{
	SummaryState *state = (SummaryState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "btyd_summary_serialize");
	lk_serial_begin(&buf, SUMMARY_SERIAL_FORMAT);
	pq_sendint32(&buf, state->end_day);
	pq_sendint32(&buf, state->holdout_end);
	pq_sendfloat8(&buf, state->unit_days);
	pq_sendbyte(&buf, state->has_first);
	pq_sendint32(&buf, state->first_day);
	pq_sendfloat8(&buf, state->first_day_amount.sum);
	pq_sendfloat8(&buf, state->first_day_amount.compensation);
	pq_sendfloat8(&buf, state->later_amount.sum);
	pq_sendfloat8(&buf, state->later_amount.compensation);
	pq_sendbyte(&buf, state->amount_missing);
	pq_sendfloat8(&buf, state->holdout_amount.sum);
	pq_sendfloat8(&buf, state->holdout_amount.compensation);
	pq_sendbyte(&buf, state->holdout_amount_missing);
	pq_sendint32(&buf, state->ndays);
	for (int i = 0; i < state->ndays; i++)
		pq_sendint32(&buf, state->days[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Into the current (per-input-tuple) context: combine copies what it keeps */
PG_FUNCTION_INFO_V1(btyd_summary_deserialize);
Datum
btyd_summary_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "btyd_summary_deserialize";
	StringInfoData buf;
	SummaryState *state;
	DateADT		end_day;
	DateADT		holdout_end;
	double		unit_days;
	int			ndays;

	lk_require_agg_context(fcinfo, fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, SUMMARY_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 4 + 4 + 8 + 1 + 4 + 4 * 8 + 1 + 2 * 8 + 1)
		lk_serial_error(fname, "It ends inside the header.");
	end_day = pq_getmsgint(&buf, 4);
	holdout_end = pq_getmsgint(&buf, 4);
	unit_days = pq_getmsgfloat8(&buf);
	if (!(unit_days > 0 && isfinite(unit_days)) || DATE_NOT_FINITE(end_day) || DATE_NOT_FINITE(holdout_end) ||
		holdout_end < end_day)
		lk_serial_error(fname, "Its observation ends or time unit are out of range.");
	state = summary_new(CurrentMemoryContext, end_day, holdout_end, unit_days);
	state->has_first = pq_getmsgbyte(&buf) != 0;
	state->first_day = pq_getmsgint(&buf, 4);
	state->first_day_amount.sum = pq_getmsgfloat8(&buf);
	state->first_day_amount.compensation = pq_getmsgfloat8(&buf);
	state->later_amount.sum = pq_getmsgfloat8(&buf);
	state->later_amount.compensation = pq_getmsgfloat8(&buf);
	state->amount_missing = pq_getmsgbyte(&buf) != 0;
	state->holdout_amount.sum = pq_getmsgfloat8(&buf);
	state->holdout_amount.compensation = pq_getmsgfloat8(&buf);
	state->holdout_amount_missing = pq_getmsgbyte(&buf) != 0;
	if (state->has_first && (DATE_NOT_FINITE(state->first_day) || state->first_day > end_day))
		lk_serial_error(fname, "Its first purchase day lies outside the calibration.");
	ndays = lk_serial_count(&buf, 4, fname);
	for (int i = 0; i < ndays; i++)
	{
		DateADT		day = pq_getmsgint(&buf, 4);

		/* a calibration day from the first on, or a holdout day */
		if (day > holdout_end || (day <= end_day && (!state->has_first || day < state->first_day)))
			lk_serial_error(fname, "A purchase day lies outside the customer's window.");
		add_day(state, day);
	}
	lk_serial_end(&buf, fname);
	if (ndays == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(state);
}

/*
 * The summary row.  Compacting the days changes how the state keeps them,
 * not what it holds, so the final function stays READ_ONLY.
 */
static Datum
summary_result(FunctionCallInfo fcinfo, bool holdout)
{
	SummaryState *state = PG_ARGISNULL(0) ? NULL : (SummaryState *) PG_GETARG_POINTER(0);
	int			columns = holdout ? 7 : 5;
	LkRowMaker *rows = holdout ? lk_row_maker_cached(fcinfo, columns) : lk_row_maker_cached_grown(fcinfo, columns);
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	Interval	unit;
	int			calibration_days = 0;
	int			repeats;

	/* no calibration purchase: not a calibrated customer */
	if (state == NULL || !state->has_first)
		PG_RETURN_NULL();
	compact_days(state);
	while (calibration_days < state->ndays && state->days[calibration_days] <= state->end_day)
		calibration_days++;
	repeats = calibration_days - 1;
	values[0] = Int32GetDatum(repeats);
	values[1] = Float8GetDatum((state->days[calibration_days - 1] - state->first_day) / state->unit_days);
	values[2] = Float8GetDatum((state->end_day - state->first_day) / state->unit_days);
	if (repeats == 0 || state->amount_missing)
		nulls[3] = true;
	else
		values[3] = Float8GetDatum(lk_sum_value(&state->later_amount) / repeats);
	if (holdout)
	{
		values[4] = Int32GetDatum(state->ndays - calibration_days);
		if (state->holdout_amount_missing)
			nulls[5] = true;
		else
			values[5] = Float8GetDatum(lk_sum_value(&state->holdout_amount));
		values[6] = Float8GetDatum((state->holdout_end - state->end_day) / state->unit_days);
	}
	/*
	 * The plain summary's time unit last (1.12), so that a fit reads it from
	 * the summary's columns.  Not the holdout form's: analysts build its rows
	 * by hand from published summaries for holdout_by_frequency, and a new
	 * column would make their ROW(...)::btyd_holdout_customer fail.
	 */
	if (!holdout && lk_row_maker_columns(rows) == columns)
	{
		unit.month = 0;
		/* the days an interval holds, the rest as time (an interval's time reaches 10^8 days) */
		unit.day = (int32) Min(floor(state->unit_days), (double) PG_INT32_MAX);
		unit.time = (int64) rint((state->unit_days - unit.day) * USECS_PER_DAY);
		values[columns - 1] = IntervalPGetDatum(&unit);
	}
	PG_RETURN_DATUM(lk_make_row(rows, values, nulls));
}

PG_FUNCTION_INFO_V1(btyd_summary_final);
Datum
btyd_summary_final(PG_FUNCTION_ARGS)
{
	return summary_result(fcinfo, false);
}

/* The summary with the holdout's columns */
PG_FUNCTION_INFO_V1(btyd_summary_holdout_final);
Datum
btyd_summary_holdout_final(PG_FUNCTION_ARGS)
{
	return summary_result(fcinfo, true);
}
