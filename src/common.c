/*
 * common.c
 *		Helpers shared by every KPI family (see loyalty_kpi.h).
 */
#include "loyalty_kpi.h"

#include <math.h>

PG_MODULE_MAGIC;

MemoryContext
lk_agg_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	if (AggCheckCallContext(fcinfo, &aggcontext))
		return aggcontext;
	return NULL;
}

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
