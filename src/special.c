/*
 * special.c
 *		Special functions of the customer-base models: digamma, and the
 *		power series behind the Gauss hypergeometric function 2F1, summed
 *		with a running scale and a bound on its rounding error.
 */
#include "model.h"

#include <math.h>

#include "miscadmin.h"

/* psi(x) for x > 0: recurrence up to 6, then the asymptotic series (error < 1e-15) */
double
digamma(double x)
{
	double		result = 0;
	double		f;

	while (x < 6)
	{
		result -= 1 / x;
		x += 1;
	}
	f = 1 / (x * x);
	return result + log(x) - 0.5 / x
		- f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

/*
 * lgamma(x + d) - lgamma(x) for x > 0, x + d > 0.  Written as that
 * difference it loses everything past x of about 1e15: each lgamma is
 * near x ln x and rounds by more than the difference.  Past 1e5 it is
 * Stirling's series subtracted term by term,
 *	 (x - 1/2) ln(1 + d/x) + d ln(x + d) - d + c(x + d) - c(x),
 * c(z) = 1/(12 z) - 1/(360 z^3) + 1/(1260 z^5), whose next term is below
 * 1e-38; below 1e5 the plain difference is within 1e-10 of it.
 */
double
lgamma_difference(double x, double d)
{
	double		z = x + d;

	if (x < 1e5 || z < 1e5)
		return lgamma(z) - lgamma(x);
	return (x - 0.5) * log1p(d / x) + d * log(z) - d
		+ (1 / (12 * z) - 1 / (360 * z * z * z) + 1 / (1260 * z * z * z * z * z))
		- (1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x * x * x * x * x));
}

/*
 * digamma(x + d) - digamma(x) for x > 0, x + d > 0: for large x the
 * difference of two numbers near ln x, which a likelihood's gradient
 * multiplies by x (BG/NBD's a and b of a covariate fit reach 1e13).  Past
 * 1e5 the asymptotic series subtracted term by term,
 *	 ln(1 + d/x) - 1/(2z) + 1/(2x) - 1/(12 z^2) + 1/(12 x^2) + 1/(120 z^4) - 1/(120 x^4),
 * z = x + d, whose next terms are below 1e-30; below it the plain difference.
 */
double
digamma_difference(double x, double d)
{
	double		z = x + d;

	if (x < 1e5 || z < 1e5)
		return digamma(z) - digamma(x);
	return log1p(d / x) - 0.5 / z + 0.5 / x - 1 / (12 * z * z) + 1 / (12 * x * x)
		+ 1 / (120 * z * z * z * z) - 1 / (120 * x * x * x * x);
}

/* Terms the 2F1 series may take: z = 0.9999 needs about 4e5 */
#define HYP2F1_MAX_TERMS 10000000
/* Interrupts are checked this often (a term costs a few ns: well under 50 ms) */
#define HYP2F1_INTERRUPT_TERMS 4096

pg_noreturn static void
series_too_long(const char *fname, double z, const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s", fname, message),
			 errdetail("The hypergeometric series at z = %g did not converge in %d terms.",
					   z, HYP2F1_MAX_TERMS),
			 errhint("%s", hint)));
}

void
prediction_accuracy_lost(const char *fname, double relative_error, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the prediction cannot be computed to a relative error of %g at these parameters",
					fname, PREDICTION_TOLERANCE),
			 errdetail("Rounding could change it by a relative %.1e.", relative_error),
			 errhint("%s", hint)));
}

/*
 * Sums a power series sum_{n>=1} u_n with u_1 = first and u_{n+1} = u_n
 * (A + n)(B + n) / ((C + n)(n + 1)) z, for 0 <= z < 1 and C > 0 (the
 * 2F1 series after its leading 1, or the same with one Pochhammer factor
 * shifted).  The terms are kept with a running scale: *log_scale (0 at
 * first) gathers what was taken out, so the sum is sum * e^log_scale and
 * neither it nor its terms overflow.  *magnitude is the sum of the terms'
 * absolute values (same scale); the rounding error is a few machine
 * epsilons of it per term's product, so *terms is returned too.
 */
double
power_series(double first, double A, double B, double C, double z, double *magnitude,
			 double *log_scale, int *terms, const char *fname,
			 const char *too_long_message, const char *too_long_hint)
{
	double		term = first;
	double		sum = first;
	int			n;

	*magnitude = fabs(first);
	for (n = 1; n < HYP2F1_MAX_TERMS; n++)
	{
		double		ratio = (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
		double		bound;

		term *= ratio;
		sum += term;
		*magnitude += fabs(term);

		/*
		 * The rest of the series is at most |term| rho / (1 - rho), rho the
		 * larger of this ratio and z (the ratios tend to z): near z = 1
		 * the terms shrink slowly, and the last term alone would
		 * understate what is left.
		 */
		bound = Max(fabs(ratio), z);
		if (term == 0 || (bound < 1 && fabs(term) * bound / (1 - bound) <= 1e-17 * *magnitude))
			break;
		if (*magnitude > 1e200)
		{
			term *= 1e-200;
			sum *= 1e-200;
			*magnitude *= 1e-200;
			*log_scale += 200 * M_LN10;
		}
		if (n % HYP2F1_INTERRUPT_TERMS == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (n == HYP2F1_MAX_TERMS)
		series_too_long(fname, z, too_long_message, too_long_hint);
	*terms = n;
	return sum;
}

/*
 * 2F1(1, b; c; z) for 0 <= z < 1, b, c > 0: sum_{j>=0} (b)_j / (c)_j z^j,
 * the discounted sums of the retention models (z = 1 / (1 + rate)).  Terms
 * are all positive, so the rounding error is a few epsilons per term.
 */
double
hyp2f1_unit_a(double b, double c, double z, const char *fname)
{
	double		magnitude,
				log_scale = 0,
				sum;
	int			terms;

	if (z == 0)
		return 1;
	sum = power_series(b * z / c, 1, b, c, z, &magnitude, &log_scale, &terms, fname,
					   "the discount rate is too close to 0 for the series",
					   "Use a discount rate of 0.01 percent per period or more.");
	return 1 + exp(log_scale) * sum;
}

/*
 * The same, remembered per query: the customers of one query share the
 * model and the rate, so 2F1(1, b; c; z) takes few distinct (b, c, z)
 * (one per renewal count or opportunity count).  A small table in the
 * call's cache (model_call_cache), replaced round-robin when full.
 */
#define HYP2F1_CACHE_SIZE 64

typedef struct Hyp2f1Cache
{
	int			used;
	int			next;
	double		key[HYP2F1_CACHE_SIZE][3];
	double		value[HYP2F1_CACHE_SIZE];
} Hyp2f1Cache;

double
hyp2f1_unit_a_cached(FunctionCallInfo fcinfo, double b, double c, double z, const char *fname)
{
	ModelCallCache *call = model_call_cache(fcinfo);
	Hyp2f1Cache *cache;
	double		value;
	int			slot;

	if (call->memo == NULL)
		call->memo = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Hyp2f1Cache));
	cache = (Hyp2f1Cache *) call->memo;
	for (int i = 0; i < cache->used; i++)
		if (cache->key[i][0] == b && cache->key[i][1] == c && cache->key[i][2] == z)
			return cache->value[i];
	value = hyp2f1_unit_a(b, c, z, fname);
	slot = cache->used < HYP2F1_CACHE_SIZE ? cache->used++ : cache->next++ % HYP2F1_CACHE_SIZE;
	cache->key[slot][0] = b;
	cache->key[slot][1] = c;
	cache->key[slot][2] = z;
	cache->value[slot] = value;
	return value;
}
