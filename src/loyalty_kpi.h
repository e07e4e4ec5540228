/*
 * loyalty_kpi.h
 *		What every KPI family shares: the stored-format version, argument
 *		checks that raise the spec's errors, and the normal-distribution
 *		helpers behind confidence intervals and tests.
 *
 * Each family lives in its own file (survey.c, ...); anything two families
 * need is declared here and defined once, in common.c.
 */
#ifndef LOYALTY_KPI_H
#define LOYALTY_KPI_H

#include "postgres.h"
#include "fmgr.h"
#include "access/tupdesc.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"

#include "compat.h"
#include "kit.h"

/*
 * Version byte written at the front of every stored summary value (on disk,
 * in text and in binary form).  Readers accept every version they know, so a
 * value stored by an older release stays readable after an upgrade.
 */
#define LK_FORMAT_VERSION 1

/* ERROR 22023 unless 0 < level < 1; fname names the SQL function. */
extern void lk_check_confidence_level(const char *fname, double level);

/* Standard normal distribution: lower-tail probability and its inverse. */
extern double lk_normal_cdf(double z);
extern double lk_normal_quantile(double p);

/* Two-sided p-value of a z statistic. */
extern double lk_two_sided_p(double z);

/* Two-sided p-value of a Student t statistic with df degrees of freedom. */
extern double lk_student_t_two_sided_p(double t, double df);

/* P(X > x) for a chi-square variable with df degrees of freedom */
extern double lk_chi_square_upper_p(double x, double df);
/* Gamma(a, x) = e^-x x^a h: h by Legendre's continued fraction, x > 0, any a; false if unsettled */
extern bool lk_upper_gamma_fraction(double a, double x, int max_iterations, double *h);

/*
 * Copies into buf (NAMEDATALEN bytes) the name of the aggregate that called
 * a transition function, for messages.  A window call has no Aggref, so it
 * gets `fallback`, which should name the aggregate usually behind it.
 */
extern void lk_aggregate_name(FunctionCallInfo fcinfo, const char *fallback, char *buf);

/* A timestamptz as the user sees it (DateStyle, TimeZone, fractions), for messages */
extern const char *lk_timestamptz_text(int64 t);

/*
 * ERROR with sqlerrcode (22003 or 22023): "fname: invalid WHAT VALUE" and
 * the hint, for a number outside a function's domain.
 */
pg_noreturn extern void lk_invalid_number(const char *fname, int sqlerrcode, const char *what,
										  double value, const char *hint);

/* ERROR 22003 naming fname and the value unless it is finite (not NaN or +-Infinity) */
extern void lk_check_finite(const char *fname, const char *what, double value);
/* An amount paid (clv's orders, btyd_summary's purchases): finite and 0 or more, else ERROR 22003 */
extern void lk_check_amount(const char *fname, double amount);

/*
 * result, or ERROR 22003 when it is not finite: float.c's rule (finite
 * inputs, an infinite result is an overflow), and a NaN from finite inputs
 * is one that happened on the way.
 */
extern double lk_finite_result(const char *fname, double result);

/*
 * A probability (whole 1) or a percentage (whole 100): result, or ERROR
 * 22003 when it is outside 0 to whole by more than rounding (which is
 * clamped), so no computation returns a share that cannot be one.
 */
extern double lk_share_result(const char *fname, double result, double whole);

/* *count += delta, or ERROR 22003 naming fname when int64 would overflow. */
extern void lk_add_count(int64 *count, int64 delta, const char *fname);

/*
 * A customer's tenure from lifecycle dates, the arguments acquired_at,
 * churned_at, as_of and time_unit at argno .. argno + 3 (survival_summary's
 * and coxph_fit's date forms): whole units of the time unit completed up to
 * the churn or, still active (churned_at NULL or after as_of), up to as_of,
 * where it is censored; a day is 24 hours.  False for a row to skip: no
 * acquisition date, or acquired after as_of.  ERROR for a NULL as_of or
 * unit (22004), an infinite as_of or a unit of months (22023), churned
 * before acquired (22003).
 */
extern bool lk_tenure_from_dates(FunctionCallInfo fcinfo, int argno, const char *fname, double *duration,
								 bool *event);

/*
 * For final functions that return a composite type, or an array of one
 * (one row per period, per tier, ...): the blessed TupleDesc of that type,
 * checked to have natts columns, and the array built from formed rows.
 * Both read the type from the function's declaration in pg_proc.
 */
extern TupleDesc lk_result_row_desc(FunctionCallInfo fcinfo, bool array_of, int natts);

/*
 * Rows of a function's composite result type made once a customer or
 * group: lk_make_row gives heap_form_tuple's bytes.  Where every column
 * is fixed-width (numbers, intervals), it copies a row
 * heap_form_tuple made for the same pattern of NULLs and writes the values
 * in: heap_form_tuple sizes and fills each column through its length,
 * alignment and kind, about 700 instructions for four numbers.
 */
typedef struct LkRowMaker LkRowMaker;

extern LkRowMaker *lk_row_maker(FunctionCallInfo fcinfo, int natts);
extern Datum lk_make_row(LkRowMaker *maker, const Datum *values, const bool *nulls);
/* The maker kept in fn_extra, for a function that keeps nothing else there */
extern LkRowMaker *lk_row_maker_cached(FunctionCallInfo fcinfo, int natts);
/*
 * The same for a result type a release grew by its last column: a catalog
 * not yet updated (before ALTER EXTENSION ... UPDATE) has natts - 1, and
 * lk_row_maker_columns says which; the caller leaves the new column out.
 */
extern LkRowMaker *lk_row_maker_cached_grown(FunctionCallInfo fcinfo, int natts);
extern int	lk_row_maker_columns(const LkRowMaker *maker);
extern ArrayType *lk_composite_array(FunctionCallInfo fcinfo, Datum *rows, int nrows);

/*
 * The first call of a set-returning function that shows one stored value
 * (a summary, a model) as a table: a copy of the value in the SRF's memory
 * as user_fctx, the function's row type blessed, and its number of rows.
 */
extern FuncCallContext *lk_srf_start(FunctionCallInfo fcinfo, const struct varlena *value, uint64 rows,
									 const char *fname);

#endif							/* LOYALTY_KPI_H */
