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

/*
 * Version byte written at the front of every stored summary value (on disk,
 * in text and in binary form).  Readers accept every version they know, so a
 * value stored by an older release stays readable after an upgrade.
 */
#define LK_FORMAT_VERSION 1

/* The aggregate memory context, or NULL when called as a plain function. */
extern MemoryContext lk_agg_context(FunctionCallInfo fcinfo);

/* ERROR 22023 unless 0 < level < 1; fname names the SQL function. */
extern void lk_check_confidence_level(const char *fname, double level);

/* Standard normal distribution: lower-tail probability and its inverse. */
extern double lk_normal_cdf(double z);
extern double lk_normal_quantile(double p);

/* Two-sided p-value of a z statistic. */
extern double lk_two_sided_p(double z);

#endif							/* LOYALTY_KPI_H */
