/*
 * special.c
 *		Special functions of the customer-base models: digamma, and the
 *		power series behind the Gauss hypergeometric function 2F1, summed
 *		with a running scale and a bound on its rounding error.
 */
#include "model.h"

#include <float.h>
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

/*
 * Adaptive Gauss-Kronrod quadrature (the 7-point Gauss rule inside the
 * 15-point Kronrod rule, QUADPACK's QAG): the panel with the largest error
 * estimate is halved until the estimates add up to rel_tol of the first
 * integral.  Every integrand rides on the first's panels: a likelihood's
 * gradient costs no more nodes than the likelihood.
 */
#define QUAD_MAX_PANELS 200

/* the Kronrod nodes in (0, 1] of the half panel, descending, then the centre */
static const double kronrod_node[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0
};
static const double kronrod_weight[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714
};
/* the Gauss weights of the odd Kronrod nodes 1, 3, 5 and of the centre */
static const double gauss_weight[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327
};

typedef struct QuadPanel
{
	double		lo,
				hi,
				error;
	double		sums[QUAD_MAX_VALUES];
} QuadPanel;

static void
quad_panel(QuadIntegrand f, const void *arg, int nvalues, QuadPanel *p)
{
	double		centre = (p->lo + p->hi) / 2,
				half = (p->hi - p->lo) / 2,
				gauss = 0,
				mean,
				spread = 0,
				difference;
	double		values[QUAD_MAX_VALUES];
	double		first[15];		/* the first integrand at the nodes */
	int			node = 0;

	memset(p->sums, 0, sizeof(double) * nvalues);
	for (int k = 0; k < 8; k++)
		for (int side = (k == 7 ? 1 : -1); side <= 1; side += 2)
		{
			f(centre + side * half * kronrod_node[k], arg, values);
			for (int j = 0; j < nvalues; j++)
				p->sums[j] += kronrod_weight[k] * values[j];
			if (k % 2 == 1)
				gauss += gauss_weight[k / 2] * values[0];
			first[node++] = values[0];
		}
	/*
	 * QUADPACK's error estimate: the rules' difference scaled by the
	 * integrand's spread about its mean, (200 |K - G| / spread)^1.5 of it,
	 * which for a smooth integrand is far below the difference itself (the
	 * difference bounds the 7-point rule's error, not the 15-point's)
	 */
	mean = p->sums[0] / 2;
	node = 0;
	for (int k = 0; k < 8; k++)
		for (int side = (k == 7 ? 1 : -1); side <= 1; side += 2)
			spread += kronrod_weight[k] * fabs(first[node++] - mean);
	for (int j = 0; j < nvalues; j++)
		p->sums[j] *= half;
	spread *= fabs(half);
	difference = fabs(p->sums[0] - gauss * half);
	p->error = spread > 0 && difference > 0 ? spread * Min(1, pow(200 * difference / spread, 1.5)) : difference;
	/* not below the rounding of the sum */
	p->error = Max(p->error, 50 * DBL_EPSILON * fabs(p->sums[0]));
}

static bool
quad_integrate(QuadIntegrand f, const void *arg, int nvalues, double lo, double hi, double rel_tol,
			   double *integrals)
{
	QuadPanel	panels[QUAD_MAX_PANELS];
	int			npanels = 1;

	Assert(nvalues >= 1 && nvalues <= QUAD_MAX_VALUES);
	memset(integrals, 0, sizeof(double) * nvalues);
	if (!(hi > lo))
		return true;
	panels[0].lo = lo;
	panels[0].hi = hi;
	quad_panel(f, arg, nvalues, &panels[0]);
	for (;;)
	{
		double		total = 0,
					error = 0;
		int			worst = 0;

		for (int i = 0; i < npanels; i++)
		{
			total += panels[i].sums[0];
			error += panels[i].error;
			if (panels[i].error > panels[worst].error)
				worst = i;
		}
		if (!isfinite(total) || !isfinite(error))
			return false;
		if (error <= rel_tol * fabs(total))
			break;
		if (npanels + 1 > QUAD_MAX_PANELS)
			return false;
		/* halve the worst: its upper half becomes a new panel */
		panels[npanels] = panels[worst];
		panels[npanels].lo = panels[worst].hi = (panels[worst].lo + panels[worst].hi) / 2;
		quad_panel(f, arg, nvalues, &panels[worst]);
		quad_panel(f, arg, nvalues, &panels[npanels]);
		npanels++;
	}
	for (int i = 0; i < npanels; i++)
		for (int j = 0; j < nvalues; j++)
			integrals[j] += panels[i].sums[j];
	return true;
}

/*
 * The same over [lo, hi] in pieces that double in width away from `peak`
 * (where the integrand's mass is, within [lo, hi]) on each side, the first
 * `width` wide: a panel spanning many times the width of the mass could
 * have all its nodes miss it and call the integral 0.  A width of a
 * sixteenth of the range or more is one adaptive range, as the plain
 * form; widths below 1e-12 of the range are taken as that, so there are at
 * most about 45 pieces a side.
 */
bool
quad_integrate_around(QuadIntegrand f, const void *arg, int nvalues, double lo, double hi, double peak,
					  double width, double rel_tol, double *integrals)
{
	double		piece[QUAD_MAX_VALUES];

	memset(integrals, 0, sizeof(double) * nvalues);
	if (!(hi > lo))
		return true;
	/* a mass a sixteenth of the range wide or wider: the panels' own halving finds it */
	if (width * 16 >= hi - lo)
		return quad_integrate(f, arg, nvalues, lo, hi, rel_tol, integrals);
	peak = Min(Max(peak, lo), hi);
	if (!(width >= (hi - lo) * 1e-12))
		width = (hi - lo) * 1e-12;
	for (int side = -1; side <= 1; side += 2)
	{
		double		from = peak,
					w = width;

		while (side > 0 ? from < hi : from > lo)
		{
			double		to = side > 0 ? Min(hi, from + w) : Max(lo, from - w);

			if (!quad_integrate(f, arg, nvalues, Min(from, to), Max(from, to), rel_tol, piece))
				return false;
			for (int j = 0; j < nvalues; j++)
				integrals[j] += piece[j];
			from = to;
			w *= 2;
		}
	}
	return true;
}
