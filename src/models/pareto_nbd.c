/*
 * pareto_nbd.c
 *		The Pareto/NBD purchase model (Schmittlein, Morrison and Colombo
 *		1987; as fitted in Fader, Hardie and Lee 2005): its likelihood with
 *		gradient, and its predictions.  Its fit takes the rows of BG/NBD
 *		(bgnbd.c arranges them and reads the fit's calls).
 *
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and
 * stays alive for an exponential time of rate mu ~ Gamma(s, beta).  From a
 * customer's (x, t_x, T):
 *	 L = Gamma(r+x) alpha^r beta^s / Gamma(r) * (D + s I),
 *	 D = (alpha+T)^-(r+x) (beta+T)^-s				(alive at T)
 *	 I = int_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du	(gone in between)
 *	 P(alive | x, t_x, T) = D / (D + s I)
 *	 E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1))
 *						  * (1 - ((beta+T)/(beta+T+t))^(s-1)) * P(alive)
 * The papers write s I with Gauss's 2F1 at the two ends of the interval,
 * a difference of two numbers that are nearly equal when t_x is near T and
 * that overflow for large x.  Here I is summed as one series whose terms
 * are each a positive difference taken without cancellation (see
 * pnbd_integral), so it keeps its relative accuracy in every corner: large
 * x, large T, alpha equal to or near beta.  Where one of alpha and beta is
 * far below the other near t_x (one-time buyers with beta some 50 alpha),
 * that series falls slowly, and the interval is split where a second
 * series, in a variable small below the split, takes the lower part
 * (pnbd_integral_split): the cost no longer grows with beta/alpha.
 * The last section fits the model with correlated lambda and mu
 * (pareto_nbd_correlation), whose likelihood is four of these.
 */
#include "model.h"

#include <math.h>

#include "access/htup_details.h"
#include "miscadmin.h"

/*
 * Terms the series may take in a prediction: it needs about 40 / (1 - w)
 * (4e4 at w = 0.999), so this allows one of alpha and beta to be some
 * 25,000 times the other, at a few milliseconds a call at worst
 */
#define PNBD_MAX_TERMS 1000000

/*
 * In a fit, fewer: where the optimizer tries parameters so far apart that
 * the series is that long, the likelihood is taken as not computable
 * there (-inf) and the optimizer steps back, rather than the fit failing
 */
#define PNBD_FIT_MAX_TERMS 2000

/*
 * Whether a series whose terms fall like w^k (w < 1) can be summed in
 * max_terms: it needs about 40 / (1 - w) of them
 */
static bool
pnbd_series_fits(double w, int max_terms)
{
	return (1 - w) * max_terms >= 40;
}

/* ERROR 22003 for a prediction whose series is too long to sum */
pg_noreturn static void
pnbd_out_of_reach(const char *fname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the Pareto/NBD prediction cannot be computed at these parameters", fname),
			 errdetail("Its series would take more than %d terms.", PNBD_MAX_TERMS),
			 errhint("This happens where one of alpha and beta is many thousand times the other.")));
}

/*
 * The step factors of the series for one pair of exponents (pc, po): 1/k
 * with k = pc + po - 1 + n, (po + n)/(n + 1), po + n and 1/(po + n).  They
 * depend on the exponents alone, and the rows of one x share the
 * exponents, so they are kept rather than taken by three divisions a term
 * a row: filled as far as a series has needed them (entry n holds 1/k for
 * n + 1), up to PNBD_STEP_TABLE terms; later terms compute theirs.
 */
#define PNBD_STEP_TABLE 128
#define PNBD_LOW_TABLE 256
#define PNBD_STEP_CHUNK 16

typedef struct PnbdSteps
{
	double		pc,
				po;				/* the exponents the table is for */
	int			filled;			/* entries 0 .. filled - 1 hold their factors */
	double		inv_k_next[PNBD_STEP_TABLE];
	double		growth[PNBD_STEP_TABLE];
	double		po_n[PNBD_STEP_TABLE];
	double		inv_po_n[PNBD_STEP_TABLE];
	/* the lower part's (pnbd_integral_low, whose comment has them) */
	bool		low_rho;		/* in rho, not tau */
	int			low_filled;
	double		low_coef[PNBD_LOW_TABLE];
	double		low_dcoef[PNBD_LOW_TABLE];
	double		low_center[PNBD_LOW_TABLE];
	double		low_other[PNBD_LOW_TABLE];
	double		low_inv_e[PNBD_LOW_TABLE];
} PnbdSteps;

/* The table for (pc, po): kept when it is for them, else emptied for them */
static void
pnbd_steps_for(PnbdSteps *steps, double pc, double po)
{
	if (steps->pc == pc && steps->po == po)
		return;
	steps->pc = pc;
	steps->po = po;
	steps->filled = 0;
	steps->low_filled = 0;
	/* the lower part's variable: the one with less cancellation (see pnbd_integral_split) */
	steps->low_rho = po > 2;
}

/*
 * Term n's factors, the one place they are computed: a term takes them from
 * the table or, past it, from here, the same numbers either way
 */
static inline void
pnbd_step_factors(double pc, double po, int n, double *inv_k_next, double *growth, double *po_n,
				  double *inv_po_n)
{
	*inv_k_next = 1 / (pc + po + n);
	*po_n = po + n;
	*growth = *po_n / (n + 1);
	*inv_po_n = 1 / *po_n;
}

/* Fills PNBD_STEP_CHUNK more entries (n is the first one missing) */
static pg_noinline void
pnbd_steps_extend(PnbdSteps *steps)
{
	int			upto = Min(steps->filled + PNBD_STEP_CHUNK, PNBD_STEP_TABLE);

	for (int n = steps->filled; n < upto; n++)
		pnbd_step_factors(steps->pc, steps->po, n, &steps->inv_k_next[n], &steps->growth[n],
						  &steps->po_n[n], &steps->inv_po_n[n]);
	steps->filled = upto;
}

/*
 * Predictions' tables, kept by the backend between calls: the slot of
 * x mod PNBD_PREDICTION_TABLES (x the frequency: r + x is one exponent),
 * remade when a call has other exponents (another x or another model)
 */
#define PNBD_PREDICTION_TABLES 16

static PnbdSteps *
pnbd_prediction_steps(double x)
{
	/* zeroed: no exponents are 0, and an empty table is right for any */
	static PnbdSteps tables[PNBD_PREDICTION_TABLES];

	return &tables[x >= 0 && x < 1e15 ? (int) fmod(x, PNBD_PREDICTION_TABLES) : 0];
}

/*
 * J = int_{t_x}^{T} (c+u)^-pc (o+u)^-po du for c >= o > 0, pc + po > 1,
 * with its derivatives in pc and po, and the same integral with pc + 1
 * (center_plus) and with po + 1 (other_plus), which the gradient needs:
 * value and derivatives are e^log_scale times the fields, the two others
 * e^(log_scale - ln(c+t_x)) times theirs.
 */
typedef struct PnbdIntegral
{
	double		log_scale;
	double		value;
	double		d_center;		/* dJ/dpc */
	double		d_other;		/* dJ/dpo */
	double		center_plus;	/* J at pc + 1 */
	double		other_plus;		/* J at po + 1 */
} PnbdIntegral;

/*
 * Expanding (o+u)^-po = (c+u)^-po (1 - w(u))^-po, w(u) = (c-o)/(c+u) < 1, by
 * the binomial series and integrating term by term, with k = pc + po - 1 + n
 * and L = ln((c+t_x)/(c+T)) <= 0:
 *	 J = (c+t_x)^-(pc+po-1) sum_n (po)_n/n! w^n h(k),  w = w(t_x),
 *	 h(k) = ((c+t_x)^-k - (c+T)^-k) (c+t_x)^k / k = (1 - e^(kL)) / k.
 * Every term is positive, and so is every step of 1 - e^(kL): it is taken
 * by expm1 for the first k, then by 1 - e^((k+1)L) = (1 - e^(kL)) + e^(kL)
 * (1 - e^L), 1 - e^L = (T - t_x)/(c + T), a sum of positive numbers, so
 * nothing cancels (re-anchored by expm1 every 32 terms against drift).
 * The derivatives follow term by term: d/dk of (c+t_x)^-k h(k), and d/dpo
 * of (po)_n = (po)_n sum_{j<n} 1/(po+j).  J at pc + 1 is the same sum with
 * h(k+1) (the next term's h) and one more factor 1/(c+t_x); at po + 1 also
 * with (po+1)_n = (po)_n (po+n)/po.  The terms' ratio is at most
 * w max(1, (po+n)/(n+1)) (h falls with k), which bounds what is left of
 * the series.  A term costs a few multiplications and additions, and no
 * division once steps, the table for (pc, po), holds the term's factors.
 */
static bool
pnbd_integral(double c, double o, double pc, double po, double t_x, double T, double log_c_tx,
			  int max_terms, PnbdSteps *steps, PnbdIntegral *out)
{
	double		w = (c - o) / (c + t_x);	/* 0 <= w < 1 */
	double		L = -log1p((T - t_x) / (c + t_x));
	double		e_step = (c + t_x) / (c + T);	/* e^L */
	double		one_minus_step = (T - t_x) / (c + T);	/* 1 - e^L */
	double		log_p = -log_c_tx;
	double		k0 = pc + po - 1;
	double		tail_factor = 2 + fabs(log_p) + 2 / k0;
	double		coef = 1;		/* (po)_n / n! w^n, rescaled with log_scale */
	double		harmonic = 0;	/* sum_{j<n} 1 / (po + j) */
	double		e = exp(k0 * L);	/* e^(kL) */
	double		m = e > 0.5 ? -expm1(k0 * L) : 1 - e;	/* 1 - e^(kL) */
	double		inv_k = 1 / k0;
	double		h = m * inv_k;

	/*
	 * The sums, in locals (stores through out could alias the table's
	 * loads): J's, sum coef h'(k), sum coef h harmonic, J at pc + 1, and J
	 * at po + 1 times po.  d_center = ln p J + sum coef h'(k), and d_other
	 * = d_center + sum coef h harmonic, which saves registers in the loop.
	 */
	double		value = 0,
				slope = 0,
				harmonic_sum = 0,
				center_plus = 0,
				other_plus = 0,
				log_scale = k0 * log_p;
	int			n;

	Assert(steps->pc == pc && steps->po == po);
	memset(out, 0, sizeof(PnbdIntegral));
	out->log_scale = log_scale;
	if (T == t_x)
		return true;
	/* too long to sum: said at once rather than after max_terms terms */
	if (!pnbd_series_fits(w, max_terms))
		return false;
	for (n = 0; n < max_terms; n++)
	{
		double		inv_k_next,
					growth,		/* the next coefficient's, over w */
					po_n,
					inv_po_n;
		double		e_next = e * e_step;
		double		m_next,
					h_next;
		double		term = coef * h;

		if (n >= steps->filled && n < PNBD_STEP_TABLE)
			pnbd_steps_extend(steps);
		if (n < steps->filled)
		{
			inv_k_next = steps->inv_k_next[n];
			growth = steps->growth[n];
			po_n = steps->po_n[n];
			inv_po_n = steps->inv_po_n[n];
		}
		else
			pnbd_step_factors(pc, po, n, &inv_k_next, &growth, &po_n, &inv_po_n);
		if (e_next <= 0.5)
			m_next = 1 - e_next;
		else if ((n & 31) == 31)
			m_next = -expm1((k0 + n + 1) * L);
		else
			m_next = m + e * one_minus_step;
		h_next = m_next * inv_k_next;

		value += term;
		slope -= coef * (L * e + h) * inv_k;	/* h'(k) = -(L e^(kL) + h) / k */
		harmonic_sum += term * harmonic;
		center_plus += coef * h_next;
		other_plus += coef * po_n * h_next;

		coef *= w * growth;
		harmonic += inv_po_n;
		e = e_next;
		m = m_next;
		h = h_next;
		inv_k = inv_k_next;
		if (coef == 0)
			break;

		/*
		 * What is left, once the terms are small: |d_term| <= term (|ln p|
		 * + 2/k), the harmonic sum grows by at most 1/(1 - ratio) over a
		 * geometric tail, and other_plus's factor by (po + n)/po
		 */
		if (term < 1e-15 * value)
		{
			double		ratio = w * Max(1.0, growth);

			if (ratio < 1 &&
				term * ratio / (1 - ratio) * (tail_factor + harmonic + 1 / (1 - ratio) + po_n / po)
				<= 1e-17 * value)
				break;
		}
		if (value > 1e200)
		{
			coef *= 1e-200;
			value *= 1e-200;
			slope *= 1e-200;
			harmonic_sum *= 1e-200;
			center_plus *= 1e-200;
			other_plus *= 1e-200;
			log_scale += 200 * M_LN10;
		}
		if ((n & 4095) == 4095)
			CHECK_FOR_INTERRUPTS();
	}
	out->log_scale = log_scale;
	out->value = value;
	out->d_center = log_p * value + slope;
	out->d_other = out->d_center + harmonic_sum;
	out->center_plus = center_plus;
	out->other_plus = other_plus / po;
	return n < max_terms;
}

/*
 * Where the smaller base is far below the larger near t_x, the series
 * above falls slowly: its ratio is w = 1 - tau(t_x), tau(u) = (o+u)/(c+u),
 * so it needs about 40 / tau(t_x) terms (2,000 at beta = 50 alpha for a
 * customer without repeat purchases), more with a large po.  There J is
 * split: above the split the series above falls at least as 1 - tau at the
 * split; below it, J is a series in a variable v that is small there,
 * each term integrated exactly (pnbd_integral_low), so the cost no longer
 * grows with c/o.  With J = (c-o)^-k0 int ... dv:
 *	 tau:				  int tau^-po (1-tau)^m dtau,  m = pc + po - 2
 *	 rho = (o+u)/(c-o):  int rho^-po (1+rho)^-pc drho
 * and the second factor expanded in powers of v.  The coefficients change
 * sign, which costs up to ((1+v)/(1-v))^M of accuracy, M = m or pc: so
 * rho where pc < m (po > 2, purchases far below the other rate), tau
 * otherwise, and the split at v = min(1/2, 3.45/M), which keeps that near
 * 1e3.  A sum that lost more than 1e4 is not used (the first series then
 * takes all of J).
 */
#define PNBD_SPLIT_AT 0.5
#define PNBD_SPLIT_AT_TIMES_M 3.45
#define PNBD_SPLIT_CANCELLATION 1e4

/*
 * With rho, the series above the split falls only as 1 - tau = 1/(1 + rho)
 * there (2/3), so where T itself is below rho = 0.7 (and the cancellation
 * bound allows) the lower part runs to T alone: about 110 terms where the
 * two parts would take 60 and 100
 */
#define PNBD_STRETCH_RHO 0.7

/*
 * H(e) = expm1(y)/e and H'(e) = D^2 (y e^y - expm1(y))/y^2, y = e D, near
 * y = 0 (|y| < PNBD_H_NEAR), where the differences lose digits (there
 * about 1e-15 and 2e-14 of H and H'): by their Taylor polynomials, H = D
 * sum y^k/(k+1)!, H' = D^2 sum (k+1) y^k/(k+2)!, whose terms past degree
 * 10 are below 3e-20
 */
#define PNBD_H_NEAR 0.1
#define PNBD_H_DEGREE 10

static inline void
pnbd_h_series(double y, double *h, double *hd)
{
#define F(k) (1.0 / (k))
	static const double coef[PNBD_H_DEGREE + 1] = {	/* 1/(k+1)! */
		1, F(2), F(6), F(24), F(120), F(720), F(5040), F(40320), F(362880), F(3628800), F(39916800)
	};
	static const double dcoef[PNBD_H_DEGREE + 1] = {	/* (k+1)/(k+2)! */
		F(2), 2 * F(6), 3 * F(24), 4 * F(120), 5 * F(720), 6 * F(5040), 7 * F(40320), 8 * F(362880),
		9 * F(3628800), 10 * F(39916800), 11 * F(479001600)
	};
#undef F
	double		a = coef[PNBD_H_DEGREE],
				b = dcoef[PNBD_H_DEGREE];

	for (int k = PNBD_H_DEGREE - 1; k >= 0; k--)
	{
		a = a * y + coef[k];
		b = b * y + dcoef[k];
	}
	*h = a;
	*hd = b;
}

/*
 * P(e) = int v^(e-1) dv over the lower part, scaled by v_ref^(1-po), with
 * e = j - po: v_ref^(j-1) H(e), H(e) = expm1(e D)/e, D = ln(v_other /
 * v_ref), signed for the integral's direction; and dP/de less ln(v_ref) P,
 * v_ref^(j-1) H'(e).  pow_ref is v_ref^(j-1), pow_other v_other^(j-1)
 * e^((1-po) D), that is v_ref^(j-1) e^(e D): away from e D = 0 H is their
 * difference over e, near it pnbd_h_series.
 */
static inline void
pnbd_low_power(double e, double inv_e, double D, double pow_ref, double pow_other, double *p, double *dp)
{
	double		y = e * D;

	if (fabs(y) < PNBD_H_NEAR)
	{
		double		h,
					hd;

		pnbd_h_series(y, &h, &hd);
		*p = pow_ref * D * h;
		*dp = pow_ref * D * D * hd;
	}
	else
	{
		*p = (pow_other - pow_ref) * inv_e;
		*dp = (D * pow_other - *p) * inv_e;
	}
}

/*
 * The lower part's coefficients for the table's exponents, PNBD_STEP_CHUNK
 * more: with k_n those of the second factor's powers of v, the sums are
 *	 J = (c-o)^-k0 sum k_n P(n+1-po)
 *	 dJ/dpc = -ln(c-o) J + (c-o)^-k0 sum k'_n P(n+1-po), k'_n = dk_n/dpc
 *	 dJ/dpo = -ln(c-o) J - (c-o)^-k0 sum k_n dP(n+1-po)/de (the moment of
 *			  ln v), and with tau, whose m has po in it, + the sum of k'_n
 *	 J at pc + 1 = (c-o)^-(k0+1) sum center_n P(n+1-po)
 *	 J at po + 1 = (c-o)^-(k0+1) sum other_n P(n-po)
 * (c + u = (c-o)/(1-tau) = (c-o)(1+rho), o + u = (c-o) tau/(1-tau) = (c-o) rho):
 *	 tau: k_n = (-m)_n/n!, center_n = other_n = k_n - k_(n-1) ((1-tau)^(m+1))
 *	 rho: k_n = (-1)^n (pc)_n/n!, center_n = (-1)^n (pc+1)_n/n!, other_n = k_n
 * and 1/(n + 1 - po) (0 at e = 0, where pnbd_low_power takes the series).
 */
static pg_noinline void
pnbd_low_extend(PnbdSteps *steps)
{
	double		pc = steps->pc,
				m = steps->pc + steps->po - 2;
	int			upto = Min(steps->low_filled + 2 * PNBD_STEP_CHUNK, PNBD_LOW_TABLE);

	for (int n = steps->low_filled; n < upto; n++)
	{
		double		e = n + 1 - steps->po;

		if (n == 0)
		{
			steps->low_coef[0] = steps->low_center[0] = steps->low_other[0] = 1;
			steps->low_dcoef[0] = 0;
		}
		else if (steps->low_rho)
		{
			steps->low_coef[n] = -steps->low_coef[n - 1] * (pc + n - 1) / n;
			steps->low_dcoef[n] = -(steps->low_dcoef[n - 1] * (pc + n - 1) + steps->low_coef[n - 1]) / n;
			steps->low_center[n] = -steps->low_center[n - 1] * (pc + n) / n;
			steps->low_other[n] = steps->low_coef[n];
		}
		else
		{
			steps->low_coef[n] = steps->low_coef[n - 1] * (n - 1 - m) / n;
			steps->low_dcoef[n] = (steps->low_dcoef[n - 1] * (n - 1 - m) - steps->low_coef[n - 1]) / n;
			steps->low_center[n] = steps->low_other[n] = steps->low_coef[n] - steps->low_coef[n - 1];
		}
		steps->low_inv_e[n] = e == 0 ? 0 : 1 / e;
	}
	steps->low_filled = upto;
}

/*
 * The lower part, J from t_x to where v = v_hi (0 < v_lo = v(t_x) < v_hi <=
 * 1/2, or 0.7 for rho; v tau or rho as steps, the table for (pc, po),
 * says), in pnbd_integral's form: the scale in log_scale, the shifted integrals one
 * factor 1/(c+t_x) below it.  The powers are anchored at v_ref, the end
 * whose v^(1-po) is the larger (v_lo when po >= 1), so every scaled power
 * is at most 1.  Past the last of the coefficients' rise (n > M + 1 with
 * tau, 3 pc with rho, whose v may reach 0.7) each term is below 0.95 of
 * the one before.  log_gap is ln(c - o), which the caller has.  False
 * where the sum lost too much to cancellation or did not converge in the
 * table's terms.
 */
static bool
pnbd_integral_low(double c, double o, double pc, double po, double t_x, double v_lo, double v_hi,
				  double log_gap, PnbdSteps *steps, PnbdIntegral *out)
{
	bool		rho = steps->low_rho;
	bool		anchor_lo = po >= 1;
	double		v_ref = anchor_lo ? v_lo : v_hi,
				v_other = anchor_lo ? v_hi : v_lo;
	double		log_ref = log(v_ref);
	double		D = log(v_other) - log_ref;
	double		sign = anchor_lo ? 1 : -1;	/* the integral runs from v_ref, or to it */
	double		pow_ref = 1 / v_ref,	/* at j = 0 */
				pow_other = exp((1 - po) * D) / v_other;
	double		falling_from = rho ? 3 * pc : pc + po - 1;
	double		p_n,			/* P(n - po), scaled */
				p_next,			/* P(n + 1 - po) */
				dp_next;
	double		value = 0,
				coef_moment = 0,	/* sum k'_n P */
				log_moment = 0, /* sum k_n dP/de */
				center_plus = 0,
				other_plus = 0,
				magnitude = 0;	/* sum |k_n P|: the cancellation's measure */
	int			n;

	Assert(steps->pc == pc && steps->po == po);
	pnbd_low_power(-po, po == 0 ? 0 : -1 / po, D, pow_ref, pow_other, &p_n, &dp_next);
	p_n *= sign;
	for (n = 0; n < PNBD_LOW_TABLE; n++)
	{
		double		k;

		if (n >= steps->low_filled)
			pnbd_low_extend(steps);
		k = steps->low_coef[n];
		pow_ref *= v_ref;
		pow_other *= v_other;
		pnbd_low_power(n + 1 - po, steps->low_inv_e[n], D, pow_ref, pow_other, &p_next, &dp_next);
		p_next *= sign;
		dp_next = sign * dp_next + log_ref * p_next;

		value += k * p_next;
		coef_moment += steps->low_dcoef[n] * p_next;
		log_moment += k * dp_next;
		center_plus += steps->low_center[n] * p_next;
		other_plus += steps->low_other[n] * p_n;
		magnitude += fabs(k * p_next);

		if ((n & 3) == 3 && n > falling_from &&
			fabs(k * p_next) + fabs(steps->low_dcoef[n] * p_next) + fabs(k * dp_next)
			+ fabs(steps->low_center[n] * p_next) + fabs(steps->low_other[n] * p_n)
			<= 1e-17 * (fabs(value) + fabs(coef_moment) + fabs(log_moment) + fabs(center_plus) + fabs(other_plus)))
			break;
		p_n = p_next;
	}
	/* a sum that overflowed anywhere is left to the first series, which rescales as it goes */
	if (n == PNBD_LOW_TABLE || !(value > 0) || !(magnitude <= PNBD_SPLIT_CANCELLATION * value) ||
		!isfinite(coef_moment + log_moment + center_plus + other_plus))
		return false;
	out->log_scale = (1 - pc - po) * log_gap + (1 - po) * log_ref;
	out->value = value;
	out->d_center = -log_gap * value + coef_moment;
	out->d_other = -log_gap * value + (rho ? 0 : coef_moment) - log_moment;
	out->center_plus = center_plus * (c + t_x) / (c - o);
	out->other_plus = other_plus * (c + t_x) / (c - o);
	return true;
}

/*
 * J, split where pnbd_integral alone would fall slowly (see above); the
 * arguments and result are pnbd_integral's
 */
static bool
pnbd_integral_split(double c, double o, double pc, double po, double t_x, double T, double log_c_tx,
					int max_terms, PnbdSteps *steps, PnbdIntegral *out)
{
	bool		rho = steps->low_rho;
	double		cancelling = rho ? pc : pc + po - 2;
	double		v_split = cancelling * PNBD_SPLIT_AT > PNBD_SPLIT_AT_TIMES_M
		? PNBD_SPLIT_AT_TIMES_M / cancelling : PNBD_SPLIT_AT;
	double		tau_split = rho ? v_split / (1 + v_split) : v_split;
	double		v_lo = (o + t_x) / (rho ? c - o : c + t_x);
	double		v_T,
				log_gap,
				u_split,
				v_hi,
				log_low,
				log_high,
				log_scale,
				to_low,
				to_high;
	PnbdIntegral low,
				high;

	if (T == t_x || !(v_lo < v_split))
		return pnbd_integral(c, o, pc, po, t_x, T, log_c_tx, max_terms, steps, out);
	u_split = rho ? (c - o) * v_split - o : (c * v_split - o) / (1 - v_split);
	v_T = (o + T) / (rho ? c - o : c + T);
	if (u_split >= T || (rho && v_T <= Min(PNBD_STRETCH_RHO, PNBD_SPLIT_AT_TIMES_M / cancelling)))
	{
		u_split = T;
		v_hi = v_T;
	}
	else
		v_hi = v_split;
	log_gap = log(c - o);
	if (!(u_split > t_x && v_hi > v_lo) ||
		!pnbd_integral_low(c, o, pc, po, t_x, v_lo, v_hi, log_gap, steps, &low))
		return pnbd_integral(c, o, pc, po, t_x, T, log_c_tx, max_terms, steps, out);
	if (u_split == T)
	{
		*out = low;
		return true;
	}
	/* c + u_split = (c-o)/(1 - tau_split) */
	if (!pnbd_integral(c, o, pc, po, u_split, T, log_gap - log1p(-tau_split), max_terms, steps, &high))
		return false;

	/* the sum on the scale of the larger part */
	log_low = low.log_scale + log(low.value);
	log_high = high.value > 0 ? high.log_scale + log(high.value) : -INFINITY;
	log_scale = Max(log_low, log_high);
	to_low = exp(low.log_scale - log_scale);
	to_high = exp(high.log_scale - log_scale);
	out->log_scale = log_scale;
	out->value = low.value * to_low + high.value * to_high;
	out->d_center = low.d_center * to_low + high.d_center * to_high;
	out->d_other = low.d_other * to_low + high.d_other * to_high;
	/* the upper part's shifted integrals are one factor 1/(c + u_split) below its scale */
	to_high *= (c + t_x) * (1 - tau_split) / (c - o);
	out->center_plus = low.center_plus * to_low + high.center_plus * to_high;
	out->other_plus = low.other_plus * to_low + high.other_plus * to_high;
	return true;
}

/*
 * int_{t_x}^{T} (alpha+u)^-pa (beta+u)^-pb du, expanded around the larger of
 * alpha and beta, whose ln(. + t_x) the caller gives (the fit has them per
 * distinct time); d_center and center_plus are then alpha's (d/dpa, at
 * pa + 1), d_other and other_plus beta's.  False when the series did not
 * converge in max_terms.  steps is the caller's table of step factors,
 * emptied here when it is for other exponents.
 */
static bool
pnbd_integral_ab(double alpha, double beta, double pa, double pb, double t_x, double T,
				 double log_larger_tx, int max_terms, PnbdSteps *steps, PnbdIntegral *out)
{
	if (alpha >= beta)
	{
		pnbd_steps_for(steps, pa, pb);
		return pnbd_integral_split(alpha, beta, pa, pb, t_x, T, log_larger_tx, max_terms, steps, out);
	}
	else
	{
		double		swap;
		bool		ok;

		pnbd_steps_for(steps, pb, pa);
		ok = pnbd_integral_split(beta, alpha, pb, pa, t_x, T, log_larger_tx, max_terms, steps, out);

		swap = out->d_center;
		out->d_center = out->d_other;
		out->d_other = swap;
		swap = out->center_plus;
		out->center_plus = out->other_plus;
		out->other_plus = swap;
		return ok;
	}
}

/*
 * ln(s I / D), the log-odds of having gone (pnbd_log_odds_gone), with its
 * gradient in the log-parameters when asked; false when the series would
 * take more than max_terms
 */
static bool
pnbd_log_odds_within(double r, double alpha, double s, double beta, double x, double t_x, double T,
					 int max_terms, double *log_odds, double *gradient)
{
	PnbdIntegral I;

	if (gradient != NULL)
		memset(gradient, 0, sizeof(double) * 4);
	if (!pnbd_integral_ab(alpha, beta, r + x, s + 1, t_x, T, log(Max(alpha, beta) + t_x), max_terms,
						  pnbd_prediction_steps(x), &I))
		return false;
	if (I.value == 0)
	{
		*log_odds = -INFINITY;
		return true;
	}
	if (gradient != NULL)
	{
		/* the shifted integrals are one factor 1/(larger + t_x) further down the scale */
		double		shifted = I.value * (Max(alpha, beta) + t_x);

		gradient[0] = r * (I.d_center / I.value + log(alpha + T));
		gradient[1] = alpha * (-(r + x) * I.center_plus / shifted + (r + x) / (alpha + T));
		gradient[2] = s * (1 / s + I.d_other / I.value + log(beta + T));
		gradient[3] = beta * (-(s + 1) * I.other_plus / shifted + s / (beta + T));
	}
	*log_odds = log(s) + I.log_scale + log(I.value) + (r + x) * log(alpha + T) + s * log(beta + T);
	return true;
}

/*
 * ln of s I / D: the odds of having left between t_x and T against being
 * alive at T; with gradient (not NULL), its gradient in the
 * log-parameters, from the series' own derivatives:
 *	 d/dr = r (I_r / I + ln(alpha+T)),  d/ds = s (1/s + I_s / I + ln(beta+T)),
 *	 d/dalpha = alpha (-(r+x) J(r+x+1, s+1) / I + (r+x)/(alpha+T)),
 *	 d/dbeta = beta (-(s+1) J(r+x, s+2) / I + s/(beta+T))
 * (zero where I is: at t_x = T nothing could have happened)
 */
static double
pnbd_log_odds_gone(double r, double alpha, double s, double beta, double x, double t_x, double T,
				   const char *fname, double *gradient)
{
	double		odds;

	if (!pnbd_log_odds_within(r, alpha, s, beta, x, t_x, T, PNBD_MAX_TERMS, &odds, gradient))
		pnbd_out_of_reach(fname);
	return odds;
}

/*
 * The summed log-likelihood at exp(theta) = (r, alpha, s, beta), and its
 * gradient with respect to theta
 */
double
pnbd_loglik(FitData *fit, const double *theta, double *grad)
{
	BgnbdData  *d = (BgnbdData *) fit->arranged;
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				s = exp(theta[2]),
				beta = exp(theta[3]);
	double		ll = 0,
				g_r = 0,
				g_alpha = 0,
				g_s = 0,
				g_beta = 0;
	double		log_alpha = log(alpha),
				log_beta = log(beta),
				log_s = log(s),
				lg_r = lgamma(r),
				psi_r = digamma(r);
	int			zero_time = -1;	/* the index of time 0, found at the first x = 0 row */
	PnbdSteps	steps = {0};		/* for the rows' x (rows come sorted by x) */

	/* the parts that depend on x alone */
	for (int j = 0; j < d->x.nx; j++)
	{
		double		x = d->x.xs[j];
		double		w = d->x.weight[j];

		ll += w * (lgamma(r + x) - lg_r + r * log_alpha + s * log_beta);
		g_r += w * (digamma(r + x) - psi_r + log_alpha);
		g_alpha += w * r / alpha;
		g_s += w * log_beta;
		g_beta += w * s / beta;
	}

	/* the logs of every distinct time, once */
	for (int k = 0; k < d->ntimes; k++)
	{
		d->log_at[k] = log(alpha + d->times[k]);
		d->log_bt[k] = log(beta + d->times[k]);
	}

	/*
	 * ln(D + s I) per row, x = 0 rows (t_x = 0) once per T; the rows with
	 * x > 0 follow, numbered after them
	 */
	for (int i = -d->ntimes; i < d->nrows; i++)
	{
		double		x,
					w;
		int			kr,
					kt;
		double		log_d,
					log_odds,
					base,
					dd,
					si,
					sum,
					plus_scale;
		PnbdIntegral I;

		/* a heavy row's series runs to thousands of terms: a cancel waits for 16k rows at most */
		if ((i & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i < 0)
		{
			w = d->zero_weight[i + d->ntimes];
			if (w == 0)
				continue;
			x = 0;
			/* t_x = 0 is among the times whenever such a row is */
			if (zero_time < 0)
				zero_time = fit_index_of(d->times, d->ntimes, 0);
			kr = zero_time;
			kt = i + d->ntimes;
		}
		else
		{
			w = d->row_weight[i];
			x = d->x.xs[d->row_x[i]];
			kr = d->row_recency[i];
			kt = d->row_age[i];
		}
		log_d = -(r + x) * d->log_at[kt] - s * d->log_bt[kt];
		if (!pnbd_integral_ab(alpha, beta, r + x, s + 1, d->times[kr], d->times[kt],
							  alpha >= beta ? d->log_at[kr] : d->log_bt[kr], PNBD_FIT_MAX_TERMS, &steps, &I))
		{
			/* not computable here: the optimizer steps back (nlopt_objective) */
			if (grad != NULL)
				memset(grad, 0, sizeof(double) * 4);
			return -INFINITY;
		}

		/*
		 * D and s I relative to e^base, D's scale unless s I's is far
		 * above it: dd = D e^-base, si = s e^(I.log_scale - base)
		 */
		log_odds = log_s + I.log_scale - log_d;
		if (log_odds < 600)
		{
			base = log_d;
			dd = 1;
			si = exp(log_odds);
		}
		else
		{
			base = log_d + log_odds;
			dd = exp(-log_odds);
			si = 1;
		}
		sum = dd + si * I.value;
		ll += w * (base + log(sum));
		if (grad == NULL)
			continue;

		/*
		 * dI/dalpha = -(r+x) int (alpha+u)^-(r+x+1) ..., dI/dbeta = -(s+1)
		 * int ... (beta+u)^-(s+2): the integral at alpha's and beta's
		 * exponent + 1, one factor 1/(larger + t_x) further down its scale
		 */
		plus_scale = si / s / (Max(alpha, beta) + d->times[kr]);
		g_r += w * (-d->log_at[kt] * dd + si * I.d_center) / sum;
		g_s += w * (-d->log_bt[kt] * dd + si / s * I.value + si * I.d_other) / sum;
		g_alpha += w * (-(r + x) / (alpha + d->times[kt]) * dd - s * (r + x) * plus_scale * I.center_plus) / sum;
		g_beta += w * (-s / (beta + d->times[kt]) * dd - s * (s + 1) * plus_scale * I.other_plus) / sum;
	}

	if (grad != NULL)
	{
		grad[0] = g_r * r;
		grad[1] = g_alpha * alpha;
		grad[2] = g_s * s;
		grad[3] = g_beta * beta;
	}
	return ll;
}

/* ---------------------------------------------------------------------
 * Predictions (called from bgnbd.c's SQL functions, which every
 * purchase model over (x, t_x, T) shares)
 * ---------------------------------------------------------------------
 */

/*
 * P(alive | x, t_x, T) = 1 / (1 + e^O), O the log odds of having left; with
 * gradient (not NULL), dP = -P (1 - P) dO in the log-parameters, for the
 * delta method in closed form
 */
double
pnbd_probability_alive(const Model *m, double x, double t_x, double T, const char *fname, double *gradient)
{
	const double *p = MODEL_ESTIMATE(m);
	double		alive = 1 / (1 + exp(pnbd_log_odds_gone(p[0], p[1], p[2], p[3], x, t_x, T, fname, gradient)));

	if (gradient != NULL)
		for (int i = 0; i < 4; i++)
			gradient[i] *= -alive * (1 - alive);
	return alive;
}

/*
 * E[Y(t) | x, t_x, T] = (r+x)(beta+T)/(alpha+T) g P(alive), with
 * u = t/(beta+T), l = ln(1+u) and c = s - 1:
 *	 g = (1 - (1+u)^-c) / c, taken as -expm1(-c l) / c, and by its series
 *		 l (1 - cl/2 + (cl)^2/6 - (cl)^3/24) where cl is near 0 (its limit
 *		 l at s = 1);
 *	 dg/dc = (l e^(-cl) - g) / c, or -l^2/2 + c l^3/3 - c^2 l^4/8 there;
 *	 dg/du = (1+u)^-s.
 * With gradient (not NULL), its gradient in the log-parameters:
 *	 E (d ln A + d ln P), d ln P = -(1 - P) dO, O the log odds of having left
 */
static void
pnbd_growth(double c, double l, double *g, double *dg_dc)
{
	double		cl = c * l;

	if (fabs(cl) < 1e-3)
	{
		*g = l * (1 - cl / 2 + cl * cl / 6 - cl * cl * cl / 24);
		*dg_dc = l * l * (-0.5 + cl / 3 - cl * cl / 8);
	}
	else
	{
		*g = -expm1(-cl) / c;
		*dg_dc = (l * exp(-cl) - *g) / c;
	}
}

/* E[Y(t) | x, t_x, T] / P(alive) = (r+x)(beta+T)/(alpha+T) g, which t_x does not enter */
double
pnbd_expected_if_alive(const Model *m, double t, double x, double T)
{
	const double *p = MODEL_ESTIMATE(m);
	double		g,
				dg_dc;

	if (t == 0)
		return 0;
	pnbd_growth(p[2] - 1, log1p(t / (p[3] + T)), &g, &dg_dc);
	return (p[0] + x) * (p[3] + T) / (p[1] + T) * g;
}

double
pnbd_expected_conditional(const Model *m, double t, double x, double t_x, double T, const char *fname,
						  double *gradient)
{
	const double *p = MODEL_ESTIMATE(m);
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		l = log1p(t / (beta + T));
	double		g,
				dg_dc,
				odds[4],
				alive,
				e;

	if (t == 0)
	{
		if (gradient != NULL)
			memset(gradient, 0, sizeof(double) * 4);
		return 0;
	}
	pnbd_growth(s - 1, l, &g, &dg_dc);
	alive = 1 / (1 + exp(pnbd_log_odds_gone(r, alpha, s, beta, x, t_x, T, fname, gradient ? odds : NULL)));
	e = (r + x) * (beta + T) / (alpha + T) * g * alive;
	if (gradient != NULL)
	{
		double		dg_du = exp(-s * l);
		double		du_dbeta = -t / ((beta + T) * (beta + T));

		gradient[0] = e * (r / (r + x) - (1 - alive) * odds[0]);
		gradient[1] = e * (-alpha / (alpha + T) - (1 - alive) * odds[1]);
		gradient[2] = e * (s * dg_dc / g - (1 - alive) * odds[2]);
		gradient[3] = e * (beta / (beta + T) + beta * dg_du * du_dbeta / g - (1 - alive) * odds[3]);
	}
	return e;
}

/*
 * ln B(y; a, b), the incomplete beta integral int_0^y u^(a-1) (1-u)^(b-1) du
 * for 0 < y < 1, a, b > 0: the continued fraction of the regularized
 * function (modified Lentz), on whichever side of the mean it converges
 * fast, as in every numerical library; there the complement is taken from
 * the complete B(a, b).
 */
#define INCBETA_MAX_ITERATIONS 100000

static double
incbeta_fraction(double a, double b, double y, const char *fname)
{
	const double tiny = 1e-300;
	double		c = 1,
				d = 1 - (a + b) * y / (a + 1),
				f;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	f = d;
	for (int m = 1; m < INCBETA_MAX_ITERATIONS; m++)
	{
		for (int odd = 0; odd < 2; odd++)
		{
			double		coef = odd
				? -(a + m) * (a + b + m) * y / ((a + 2 * m) * (a + 2 * m + 1))
				: m * (b - m) * y / ((a + 2 * m - 1) * (a + 2 * m));
			double		delta;

			d = 1 + coef * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + coef / c;
			if (fabs(c) < tiny)
				c = tiny;
			delta = c * d;
			f *= delta;
			if (odd && fabs(delta - 1) < 1e-15)
				return f;
		}
		if ((m & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: the incomplete beta function did not converge", fname)));
}

static double
log_incomplete_beta(double y, double a, double b, const char *fname)
{
	double		log_front = a * log(y) + b * log1p(-y);
	double		lbeta;

	if (y < (a + 1) / (a + b + 2))
		return log_front + log(incbeta_fraction(a, b, y, fname) / a);
	/* B(a, b) - B(1 - y; b, a), the second below the first */
	lbeta = lgamma(a) + lgamma(b) - lgamma(a + b);
	return lbeta + log1p(-exp(log_front - lbeta) * incbeta_fraction(b, a, 1 - y, fname) / b);
}

/*
 * P(X(t) = n), a new customer's n repeat purchases in the first t: alive
 * throughout, or gone at u < t after n purchases,
 *	 P = NBD(n; r, alpha, t) (beta/(beta+t))^s
 *	   + G s alpha^r beta^s int_0^t u^n (alpha+u)^-(r+n) (beta+u)^-(s+1) du,
 * G = Gamma(r+n)/(Gamma(r) n!).  With y = u/(alpha+u) the integral is
 * alpha^(1-r) int_0^Y y^n (1-y)^(r+s-1) (beta(1-y) + alpha y)^-(s+1) dy,
 * Y = t/(alpha+t), and the last factor a binomial series of positive terms:
 *	 alpha >= beta, q = 1 - beta/alpha:
 *		alpha^-(s+1) sum_k (s+1)_k/k! q^k (1-y)^k,
 *		so the integral is a sum of B(Y; n+1, r+s+k);
 *	 alpha < beta, q = 1 - alpha/beta:
 *		beta^-(s+1) sum_k (s+1)_k/k! q^k y^k, a sum of B(Y; n+1+k, r+s).
 * The incomplete betas fall with k, so the terms' ratio is at most
 * q max(1, (s+1+k)/(k+1)), which bounds the rest.
 */
static double
pnbd_count_probability_at(double r, double alpha, double s, double beta, double t, int32 n, const char *fname)
{
	double		log_g = lgamma(r + n) - lgamma(r) - lgamma(n + 1.0);
	double		alive,
				log_front,
				q,
				coef = 1,
				sum = 0;
	double		y = t / (alpha + t);
	double		log_y;
	int			k;

	if (t == 0)
		return n > 0 ? 0 : 1;
	log_y = log(y);
	alive = exp(log_g + r * log(alpha / (alpha + t)) + n * log_y + s * log(beta / (beta + t)));
	if (alpha >= beta)
	{
		q = 1 - beta / alpha;
		log_front = log_g + log(s) + s * log(beta / alpha);
	}
	else
	{
		q = 1 - alpha / beta;
		log_front = log_g + log(s) + log(alpha / beta);
	}
	if (!pnbd_series_fits(q, PNBD_MAX_TERMS))
		pnbd_out_of_reach(fname);
	for (k = 0; k < PNBD_MAX_TERMS; k++)
	{
		double		term = coef * exp(alpha >= beta
									  ? log_incomplete_beta(y, n + 1.0, r + s + k, fname)
									  : log_incomplete_beta(y, n + 1.0 + k, r + s, fname));
		double		ratio = q * Max(1.0, (s + 1 + k) / (k + 1));

		sum += term;
		coef *= q * (s + 1 + k) / (k + 1);
		if (coef == 0 || term == 0 ||
			(ratio < 1 && term * ratio / (1 - ratio) <= 1e-16 * sum))
			break;
		if ((k & 0xff) == 0xff)
			CHECK_FOR_INTERRUPTS();
	}
	if (k == PNBD_MAX_TERMS)
		pnbd_out_of_reach(fname);
	return alive + exp(log_front) * sum;
}

double
pnbd_count_probability(const Model *m, double t, int32 n, const char *fname)
{
	const double *p = MODEL_ESTIMATE(m);

	return pnbd_count_probability_at(p[0], p[1], p[2], p[3], t, n, fname);
}

/*
 * P(X(T, T+t) = n | x, t_x, T): alive at T (probability P(alive)), the
 * customer's rates have the posterior Gamma(r+x, alpha+T) x Gamma(s,
 * beta+T), so the next t is a new customer's under (r+x, alpha+T, s,
 * beta+T); gone, no purchase:
 *	 P(alive) P_new(n; r+x, alpha+T, s, beta+T, t) + (1 - P(alive)) [n = 0]
 * (lifetimes' conditional_probability_of_n_purchases_up_to_time, eq. 16
 * of Fader and Hardie's note on the conditional PMF, whose hypergeometric
 * terms this sum of positive terms avoids)
 */
double
pnbd_count_probability_given(const Model *m, double t, int32 n, double x, double t_x, double T, const char *fname)
{
	const double *p = MODEL_ESTIMATE(m);
	double		alive = pnbd_probability_alive(m, x, t_x, T, fname, NULL);

	return alive * pnbd_count_probability_at(p[0] + x, p[1] + T, p[2], p[3] + T, t, n, fname)
		+ (n == 0 ? 1 - alive : 0);
}

/*
 * E[1/(delta + mu)] for mu ~ Gamma(s, rate b): what a customer alive now
 * has still to live, discounted continuously at delta,
 *	 int_0^inf e^(-delta t) (b/(b+t))^s dt = b J,  J(s) = int_0^inf e^(-z u) (1+u)^-s du,
 * z = delta b; J = e^z z^(s-1) Gamma(1-s, z) (b U(1, 2-s, z), the U(s, s, z)
 * of Fader, Hardie and Lee's DERT by Kummer's transformation).  Three ways,
 * each where it settles fast and loses nothing:
 *	 z >= 1, or s >= 50: Legendre's continued fraction for Gamma(1-s, z)
 *		without its front factor (lk_upper_gamma_fraction);
 *	 z < 1, s < 2: Gamma(1-s, z) = Gamma(1-s, 1) + int_z^1 t^-s e^-t dt, the
 *		first by the fraction at 1 and the second by the exponential's
 *		series, each term a power integrated exactly (expm1, so s near an
 *		integer loses nothing);
 *	 z < 1, 2 <= s < 50: from J at s - floor(s) + 1 (in [1, 2), the way
 *		before) up by parts, J(s+1) = (1 - z J(s))/s, which shrinks an
 *		error by z/s < 1 a step (the fraction crawls there when z is far
 *		below 1).
 */
#define DISCOUNT_FRACTION_MAX 100000
#define DISCOUNT_RECURRENCE_BELOW 50

/* J for z >= 1 (and at 1): Gamma(1-s, z) = e^-z z^(1-s) J */
static double
pnbd_discount_fraction(double s, double z, const char *fname)
{
	double		h;

	if (!lk_upper_gamma_fraction(1 - s, z, DISCOUNT_FRACTION_MAX, &h))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the discounted lifetime did not converge", fname)));
	return h;
}

/* J for z < 1 and s < 2, by Gamma(1-s, 1) and the series of int_z^1 t^-s e^-t dt */
static double
pnbd_discount_series(double s, double z, const char *fname)
{
	double		log_z = log(z),
				sum = 0,
				factor = 1;		/* (-1)^k / k! */

	for (int k = 0; k < 60; k++)
	{
		double		e = k + 1 - s;
		/* int_z^1 t^(e-1) dt = (1 - z^e)/e */
		double		power = e == 0 ? -log_z : -expm1(e * log_z) / e;
		double		term = factor * power;

		sum += term;
		if (k > 2 && fabs(term) <= 1e-17 * fabs(sum))
			break;
		factor /= -(k + 1);
	}
	return exp(z + (s - 1) * log_z) * (exp(-1.0) * pnbd_discount_fraction(s, 1, fname) + sum);
}

static double
pnbd_discounted_lifetime(double s, double b, double delta, const char *fname)
{
	double		z = delta * b;
	double		from,
				j;

	if (z >= 1 || s >= DISCOUNT_RECURRENCE_BELOW)
		return b * pnbd_discount_fraction(s, z, fname);
	if (s < 2)
		return b * pnbd_discount_series(s, z, fname);
	from = s - floor(s) + 1;
	j = pnbd_discount_series(from, z, fname);
	for (double k = from; k < s - 0.5; k += 1)
		j = (1 - z * j) / k;
	return b * j;
}

/*
 * DERT, the customer's future purchases discounted continuously at delta
 * (Fader, Hardie and Lee 2005, "RFM and CLV", eq. 2; CLVTools' DERT):
 * the purchase rate expected of a customer alive at T, (r+x)/(alpha+T),
 * times P(alive), times the discounted lifetime still ahead under the
 * dropout rate's posterior Gamma(s, beta + T)
 */
double
pnbd_discounted_expected(const Model *m, double delta, double x, double t_x, double T, const char *fname)
{
	const double *p = MODEL_ESTIMATE(m);

	return (p[0] + x) / (p[1] + T) * pnbd_probability_alive(m, x, t_x, T, fname, NULL)
		* pnbd_discounted_lifetime(p[2], p[3] + T, delta, fname);
}

/* ---------------------------------------------------------------------
 * Purchase-dropout correlation (CLVTools' use.cor)
 * ---------------------------------------------------------------------
 *
 * lambda and mu drawn together from Sarmanov's bivariate gamma (Park and
 * Fader 2004, as CLVTools): g(lambda; r, alpha) g(mu; s, beta) [1 +
 * m (e^-lambda - LA)(e^-mu - LB)], LA = (alpha/(alpha+1))^r and LB =
 * (beta/(beta+1))^s the gammas' Laplace transforms at 1.  As
 * E[h e^-lambda] = LA E[h] with alpha + 1 for alpha, a customer's
 * likelihood is four of the independent model's:
 *	 L = L00 + w (L00 + L11 - L10 - L01),  w = m LA LB,
 * Lab with alpha + a and beta + b (a time of 1 in the rows' unit, as
 * CLVTools).  m keeps the density positive between
 * -1 / max(LA LB, (1-LA)(1-LB)) and 1 / max(LA (1-LB), (1-LA) LB), and the
 * correlation of lambda and mu is m q(alpha, r) q(beta, s), q(a, r) =
 * sqrt(r) a^r / (a+1)^(r+1).
 */

/* A customer's log-likelihood at p = (r, alpha, s, beta) with its gradient in the log-parameters; false past the fit's series */
static bool
pnbd_row_loglik(const double *p, double x, double t_x, double T, double *l, double *grad)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		odds,
				gone,
				go[4];

	if (!pnbd_log_odds_within(r, alpha, s, beta, x, t_x, T, PNBD_FIT_MAX_TERMS, &odds, go))
		return false;
	/* ln(D + s I) = ln D + ln(1 + e^odds); gone is the share of s I */
	gone = odds > 0 ? 1 / (1 + exp(-odds)) : exp(odds) / (1 + exp(odds));
	*l = lgamma_difference(r, x) + r * log(alpha) + s * log(beta) - (r + x) * log(alpha + T) - s * log(beta + T)
		+ (odds > 0 ? odds + log1p(exp(-odds)) : log1p(exp(odds)));
	grad[0] = r * (digamma_difference(r, x) + log(alpha) - log(alpha + T)) + gone * go[0];
	grad[1] = r - (r + x) * alpha / (alpha + T) + gone * go[1];
	grad[2] = s * (log(beta) - log(beta + T)) + gone * go[2];
	grad[3] = s - s * beta / (beta + T) + gone * go[3];
	return true;
}

/*
 * The fit's fifth parameter is z, m = lower + (upper - lower) / (1 + e^-z)
 * between the bounds of m at p, so that every z is a model and a
 * correlation as large as the family allows is z running off (the fit
 * then says converged = false); dm[] gets m's gradient in (ln p, z)
 */
static double
pnbd_correlation_m(const double *p, double z, double *dm)
{
	double		dlog_la[4] = {-p[0] * log1p(1 / p[1]), p[0] / (p[1] + 1), 0, 0},
				dlog_lb[4] = {0, 0, -p[2] * log1p(1 / p[3]), p[2] / (p[3] + 1)};
	double		la = exp(dlog_la[0]),
				lb = exp(dlog_lb[2]);
	/* lower = -1 / P, upper = 1 / Q, P and Q the larger of two products each */
	bool		p_both = la * lb >= (1 - la) * (1 - lb),
				q_first = la * (1 - lb) >= (1 - la) * lb;
	double		lower = -1 / (p_both ? la * lb : (1 - la) * (1 - lb)),
				upper = 1 / (q_first ? la * (1 - lb) : (1 - la) * lb),
				share = 1 / (1 + exp(-z));
	double		odds_a = la / (1 - la),
				odds_b = lb / (1 - lb);

	for (int j = 0; j < 4; j++)
	{
		double		dlog_p = p_both ? dlog_la[j] + dlog_lb[j] : -odds_a * dlog_la[j] - odds_b * dlog_lb[j];
		double		dlog_q = q_first ? dlog_la[j] - odds_b * dlog_lb[j] : -odds_a * dlog_la[j] + dlog_lb[j];

		/* d(-1/P) = -lower d ln P, d(1/Q) = -upper d ln Q */
		dm[j] = -lower * dlog_p * (1 - share) - upper * dlog_q * share;
	}
	dm[4] = (upper - lower) * share * (1 - share);
	return lower + (upper - lower) * share;
}

/* The z at which m is 0, the fit's start */
static double
pnbd_correlation_z_of_zero(const double *p)
{
	double		dm[5],
				lower = pnbd_correlation_m(p, -INFINITY, dm),
				upper = pnbd_correlation_m(p, INFINITY, dm);

	return log(-lower / upper);
}

/*
 * q(alpha, r) q(beta, s), the correlation of lambda and mu per unit of m,
 * and its gradient's share in the log-parameters (d ln q / d ln p)
 */
static double
pnbd_correlation_per_m(const double *p, double *dlog)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];

	dlog[0] = 0.5 - r * log1p(1 / alpha);
	dlog[1] = r - (r + 1) * alpha / (alpha + 1);
	dlog[2] = 0.5 - s * log1p(1 / beta);
	dlog[3] = s - (s + 1) * beta / (beta + 1);
	return exp(0.5 * log(r) + r * log(alpha) - (r + 1) * log1p(alpha)
			   + 0.5 * log(s) + s * log(beta) - (s + 1) * log1p(beta));
}

/* The summed log-likelihood at theta = (ln r, ln alpha, ln s, ln beta, z), its gradient */
static double
pnbd_correlated_loglik(FitData *d, const double *theta, double *grad)
{
	double		p[4],
				shifted[3][4],
				dw[5],
				dm[5],
				ll = 0;
	double		m,
				la,
				lb,
				w;

	for (int j = 0; j < 4; j++)
		p[j] = exp(theta[j]);
	m = pnbd_correlation_m(p, theta[4], dm);
	la = exp(-p[0] * log1p(1 / p[1]));
	lb = exp(-p[2] * log1p(1 / p[3]));
	w = m * la * lb;
	dw[0] = -w * p[0] * log1p(1 / p[1]);
	dw[1] = w * p[0] / (p[1] + 1);
	dw[2] = -w * p[2] * log1p(1 / p[3]);
	dw[3] = w * p[2] / (p[3] + 1);
	dw[4] = la * lb;
	/* (alpha + 1, beta), (alpha, beta + 1), (alpha + 1, beta + 1) */
	for (int k = 0; k < 3; k++)
	{
		memcpy(shifted[k], p, sizeof(p));
		if (k != 1)
			shifted[k][1] += 1;
		if (k != 0)
			shifted[k][3] += 1;
	}
	if (grad != NULL)
		memset(grad, 0, sizeof(double) * 5);
	for (int i = 0; i < d->n; i++)
	{
		const double *key = d->keys[i].v;
		double		l00,
					l[3],
					g00[4],
					g[3][4],
					e[3],
					bracket,
					total;

		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		if (!pnbd_row_loglik(p, key[0], key[1], key[2], &l00, g00))
			return -INFINITY;
		for (int k = 0; k < 3; k++)
		{
			if (!pnbd_row_loglik(shifted[k], key[0], key[1], key[2], &l[k], g[k]))
				return -INFINITY;
			/* gradients in ln(alpha + 1), ln(beta + 1) carried to ln alpha, ln beta */
			g[k][1] *= p[1] / shifted[k][1];
			g[k][3] *= p[3] / shifted[k][3];
			e[k] = exp(l[k] - l00);
		}
		/* (L00 + L11 - L10 - L01) / L00 */
		bracket = 1 + e[2] - e[0] - e[1];
		total = 1 + w * bracket;
		if (!(total > 0))
			return -INFINITY;
		ll += d->weights[i] * (l00 + log(total));
		if (grad == NULL)
			continue;
		for (int j = 0; j < 4; j++)
			grad[j] += d->weights[i] * ((1 + w) * g00[j] + w * (e[2] * g[2][j] - e[0] * g[0][j] - e[1] * g[1][j])
										+ dw[j] * bracket) / total;
		grad[4] += d->weights[i] * dw[4] * bracket / total;
	}
	/* from (ln p, m) to (ln p, z): m moves with ln p at a fixed z */
	if (grad != NULL)
	{
		for (int j = 0; j < 4; j++)
			grad[j] += grad[4] * dm[j];
		grad[4] *= dm[4];
	}
	return ll;
}

/*
 * pareto_nbd_correlation(frequency, recency, age [, customers]): the
 * Pareto/NBD with correlated purchase and dropout rates, fitted from the
 * independent model's maximum, as a row: the four parameters, the
 * correlation of lambda and mu with its delta-method standard error and
 * 95% interval, the log-likelihood and the independent model's, the
 * likelihood-ratio test of no correlation (chi-square, 1 degree of
 * freedom), and whether the fit converged.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_correlation_final);
Datum
pareto_nbd_correlation_final(PG_FUNCTION_ARGS)
{
	FitState   *state = PG_ARGISNULL(0) ? NULL : (FitState *) PG_GETARG_POINTER(0);
	FitData    *d,
			   *c;
	Model	   *independent;
	FitOutcome *out;
	double		theta[FIT_MAX_PARAMS] = {0},
				p[4],
				dm[5],
				dlog_q[4],
				drho[5],
				m,
				q,
				se = 0,
				statistic;
	Datum		values[12];
	bool		nulls[12] = {false};
	TupleDesc	desc;

	if (fit_state_is_empty(state))
		PG_RETURN_NULL();
	d = fit_data_build(state);
	nbd_check_identifiable(d);
	independent = fit_model(d);
	for (int j = 0; j < 4; j++)
		theta[j] = log(MODEL_ESTIMATE(independent)[j]);
	theta[4] = pnbd_correlation_z_of_zero(MODEL_ESTIMATE(independent));

	c = palloc(sizeof(FitData));
	*c = *d;
	c->fname = "pareto_nbd_correlation";
	c->nparams = 5;
	c->loglik = pnbd_correlated_loglik;
	c->sample = NULL;
	c->information = NULL;
	c->evaluations = 0;
	desc = lk_result_row_desc(fcinfo, false, 12);
	values[9] = Float8GetDatum(independent->log_likelihood);
	/*
	 * Where the independent fit ran off to parameters whose shifted
	 * likelihoods the fit's series cannot reach, there is no correlated
	 * start: the independent parameters, and NULL for what needs the fit
	 */
	if (!isfinite(c->loglik(c, theta, NULL)))
	{
		for (int j = 0; j < 4; j++)
			values[j] = Float8GetDatum(MODEL_ESTIMATE(independent)[j]);
		for (int j = 4; j <= 10; j++)
			nulls[j] = j != 9;
		values[11] = BoolGetDatum(false);
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
	}
	out = palloc0(sizeof(FitOutcome));
	out->want_covariance = true;
	fit_maximum(c, theta, out);

	/* the correlation m q and its delta-method standard error */
	for (int j = 0; j < 4; j++)
		p[j] = exp(theta[j]);
	m = pnbd_correlation_m(p, theta[4], dm);
	q = pnbd_correlation_per_m(p, dlog_q);
	for (int j = 0; j < 4; j++)
		drho[j] = q * (dm[j] + m * dlog_q[j]);
	drho[4] = q * dm[4];
	for (int a = 0; a < 5; a++)
		for (int b = 0; b < 5; b++)
			se += drho[a] * out->covariance[a * 5 + b] * drho[b];
	se = sqrt(se);
	statistic = Max(2 * (out->log_likelihood - independent->log_likelihood), 0);

	for (int j = 0; j < 4; j++)
		values[j] = Float8GetDatum(p[j]);
	values[4] = Float8GetDatum(m * q);
	/* at the family's bound (or a parameter run off) an interval would not be one */
	if (isnan(se) || !out->converged)
		nulls[5] = nulls[6] = nulls[7] = true;
	else
	{
		double		z = lk_normal_quantile(0.975);

		values[5] = Float8GetDatum(se);
		values[6] = Float8GetDatum(m * q - z * se);
		values[7] = Float8GetDatum(m * q + z * se);
	}
	values[8] = Float8GetDatum(out->log_likelihood);
	values[10] = Float8GetDatum(lk_chi_square_upper_p(statistic, 1));
	values[11] = BoolGetDatum(out->converged && independent->converged);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------------
 * The Pareto/NBD with time-varying covariates
 * ---------------------------------------------------------------------
 */

/*
 * A running log-sum-exp of terms l with their gradients: the sum is
 * e^top (total), the gradient sum e^top grad
 */
typedef struct LogSum
{
	double		top;
	double		total;
	double		grad[FIT_MAX_PARAMS];
} LogSum;

static void
log_sum_add(LogSum *sum, double l, const double *grad, int n)
{
	double		scale;

	if (l == -INFINITY)
		return;
	if (l > sum->top)
	{
		scale = exp(sum->top - l);
		sum->total *= scale;
		for (int j = 0; j < n; j++)
			sum->grad[j] *= scale;
		sum->top = l;
	}
	scale = exp(l - sum->top);
	sum->total += scale;
	for (int j = 0; j < n; j++)
		sum->grad[j] += scale * grad[j];
}

/*
 * With the purchase rate lambda a(t) and the dropout rate mu d(t), A and D
 * their integrals from the first purchase (t = 0), a customer's
 * likelihood, lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta) integrated
 * out, is
 *	 prod_j a(t_j) G(r+x)/G(r) alpha^r beta^s [ (alpha+A(T))^-(r+x) (beta+D(T))^-s
 *		+ s int_{t_x}^{T} d(u) (alpha+A(u))^-(r+x) (beta+D(u))^-(s+1) du ]:
 * alive at T, or gone at u after t_x.  Over a piece of constant a and d
 * starting where A and D are A0 and D0, the integral is
 *	 s a^-(r+x) d^-s J,  J = int_0^h (c+v)^-(r+x) (o+v)^-(s+1) dv,
 * c = (alpha+A0)/a, o = (beta+D0)/d: the Pareto/NBD's own integral
 * (pnbd_integral_ab), with its derivatives in the exponents and in c and
 * o.  Each term is added on the log scale with its gradient; the pieces
 * before t_x enter only through A0 and D0, so they come merged by their
 * covariates.
 */

/* What an evaluation of one customer leaves beside its log-likelihood */
typedef struct DyncovAt
{
	double		log_alive;		/* the alive-at-T term's share of the likelihood, ln */
	double		big_a;			/* A(T), D(T) */
	double		big_d;
} DyncovAt;

/* The rates a and d of each covariate vector at theta, into d->rate, and ln G(r), digamma(r) */
static void
pnbd_dyncov_rates(DyncovData *d, const double *theta)
{
	int			np = d->np,
				nd = d->nd;

	d->lgamma_r = lgamma(exp(theta[0]));
	d->digamma_r = digamma(exp(theta[0]));

	for (int v = 0; v < d->nvectors; v++)
	{
		double		lp = 0,
					ld = 0;

		for (int k = 0; k < np; k++)
			lp += theta[4 + k] * d->zp[v * np + k];
		for (int k = 0; k < nd; k++)
			ld += theta[4 + np + k] * d->zd[v * nd + k];
		d->rate[v] = exp(lp);
		d->rate[d->nvectors + v] = exp(ld);
	}
}

/*
 * Customer i's log-likelihood at theta (the rates at theta in d->rate),
 * its gradient added to grad (not NULL); -inf where the series cannot be
 * summed in a fit's terms
 */
static double
pnbd_dyncov_customer(const DyncovData *d, int i, const double *theta, int max_terms, PnbdSteps *steps_c,
					 PnbdSteps *steps_o, double *grad, DyncovAt *at)
{
	const DyncovCustomer *c = &d->customers[i];
	int			np = d->np,
				nd = d->nd,
				n = 4 + np + nd;
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				s = exp(theta[2]),
				beta = exp(theta[3]);
	const double *a = d->rate,
			   *dr = d->rate + d->nvectors;
	double		x = c->x,
				m = r + x,
				big_a = 0,
				big_d = 0,
				da[COVARIATE_MAX] = {0},	/* dA/dg */
				dd[COVARIATE_MAX] = {0},	/* dD/dh */
				g[FIT_MAX_PARAMS],
				base,
				l_alive;
	LogSum		sum = {-INFINITY, 0, {0}};

	/* the part outside the brackets */
	base = lgamma(r + x) - d->lgamma_r + r * theta[1] + s * theta[3];
	for (int k = 0; k < np; k++)
		base += theta[4 + k] * d->purchase_sum[i * np + k];

	/* A and D at t_x */
	for (int q = c->pre; q < c->pre + c->npre; q++)
	{
		int			v = d->piece_vector[q];
		double		h = d->piece_length[q];

		big_a += a[v] * h;
		big_d += dr[v] * h;
		for (int k = 0; k < np; k++)
			da[k] += a[v] * h * d->zp[v * np + k];
		for (int k = 0; k < nd; k++)
			dd[k] += dr[v] * h * d->zd[v * nd + k];
	}

	/* gone in each piece after t_x */
	for (int q = c->post; q < c->post + c->npost; q++)
	{
		int			v = d->piece_vector[q];
		double		h = d->piece_length[q],
					av = a[v],
					dv = dr[v],
					center = (alpha + big_a) / av,
					other = (beta + big_d) / dv,
					larger = Max(center, other);
		PnbdIntegral I;

		if (!pnbd_integral_ab(center, other, m, s + 1, 0, h, log(larger), max_terms,
							  center >= other ? steps_c : steps_o, &I))
			return -INFINITY;
		if (I.value > 0)
		{
			double		l = log(s) - m * log(av) - s * log(dv) + I.log_scale + log(I.value);

			if (grad != NULL)
			{
				double		dlog_c = -m * I.center_plus / (I.value * larger),
							dlog_o = -(s + 1) * I.other_plus / (I.value * larger);

				g[0] = r * (-log(av) + I.d_center / I.value);
				g[1] = dlog_c * alpha / av;
				g[2] = s * (1 / s - log(dv) + I.d_other / I.value);
				g[3] = dlog_o * beta / dv;
				for (int k = 0; k < np; k++)
				{
					double		z = d->zp[v * np + k];

					g[4 + k] = -m * z + dlog_c * (da[k] / av - center * z);
				}
				for (int k = 0; k < nd; k++)
				{
					double		z = d->zd[v * nd + k];

					g[4 + np + k] = -s * z + dlog_o * (dd[k] / dv - other * z);
				}
			}
			log_sum_add(&sum, l, g, grad != NULL ? n : 0);
		}
		big_a += av * h;
		big_d += dv * h;
		for (int k = 0; k < np; k++)
			da[k] += av * h * d->zp[v * np + k];
		for (int k = 0; k < nd; k++)
			dd[k] += dv * h * d->zd[v * nd + k];
	}

	/* alive at T */
	l_alive = -m * log(alpha + big_a) - s * log(beta + big_d);
	if (grad != NULL)
	{
		g[0] = -r * log(alpha + big_a);
		g[1] = -m * alpha / (alpha + big_a);
		g[2] = -s * log(beta + big_d);
		g[3] = -s * beta / (beta + big_d);
		for (int k = 0; k < np; k++)
			g[4 + k] = -m * da[k] / (alpha + big_a);
		for (int k = 0; k < nd; k++)
			g[4 + np + k] = -s * dd[k] / (beta + big_d);
	}
	log_sum_add(&sum, l_alive, g, grad != NULL ? n : 0);

	if (grad != NULL)
	{
		grad[0] += r * (digamma(r + x) - d->digamma_r + theta[1]);
		grad[1] += r;
		grad[2] += s * theta[3];
		grad[3] += s;
		for (int k = 0; k < np; k++)
			grad[4 + k] += d->purchase_sum[i * np + k];
		for (int j = 0; j < n; j++)
			grad[j] += sum.grad[j] / sum.total;
	}
	if (at != NULL)
	{
		at->log_alive = l_alive - sum.top - log(sum.total);
		at->big_a = big_a;
		at->big_d = big_d;
	}
	return base + sum.top + log(sum.total);
}

double
pnbd_dyncov_loglik(FitData *fit, const double *theta, double *grad)
{
	DyncovData *d = (DyncovData *) fit->arranged;
	int			n = 4 + d->np + d->nd;
	double		ll = 0;
	PnbdSteps  *steps_c = palloc0(sizeof(PnbdSteps)),	/* c >= o, and the other way */
			   *steps_o = palloc0(sizeof(PnbdSteps));

	if (grad != NULL)
		memset(grad, 0, sizeof(double) * n);
	pnbd_dyncov_rates(d, theta);
	for (int i = 0; i < d->ncustomers && isfinite(ll); i++)
	{
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		ll += pnbd_dyncov_customer(d, i, theta, PNBD_FIT_MAX_TERMS, steps_c, steps_o, grad, NULL);
	}
	pfree(steps_c);
	pfree(steps_o);
	if (!isfinite(ll))
	{
		/* not computable here: the optimizer steps back */
		if (grad != NULL)
			memset(grad, 0, sizeof(double) * n);
		return -INFINITY;
	}
	return ll;
}

/* Where a discounted piece's quadrature stops: far below the predictions' promise (model.h) */
#define PNBD_DISCOUNT_TOLERANCE 1e-12

/* The survival within a piece, discounted: e^(-delta w) (1 + slope w)^-s */
typedef struct PnbdDiscountedPiece
{
	double		delta,
				s,
				slope;
} PnbdDiscountedPiece;

static void
pnbd_discounted_piece_integrand(double w, const void *arg, double *values)
{
	const PnbdDiscountedPiece *c = arg;

	values[0] = exp(-c->delta * w - c->s * log1p(c->slope * w));
}

/*
 * The first customer's P(alive at T) and purchases expected over its
 * pieces after T, discounted continuously at delta (0: not discounted):
 * given alive at T, lambda ~ Gamma(r+x, alpha+A(T)) and mu ~ Gamma(s,
 * beta+D(T)), so
 *	 E = P(alive) (r+x)/(alpha+A(T)) int_T^{T+t} e^(-delta (u-T)) a(u) ((beta+D(T))/(beta+D(u)))^s du.
 * Over a piece of constant a and d starting at T + u0 where D is D0, with
 * c = beta + D0, the piece is
 *	 a e^(-delta u0) ((beta+D(T))/c)^s int_0^h e^(-delta w) (1 + d w/c)^-s dw:
 * undiscounted, a/d (beta+D(T))^s c^(1-s) g, g = (1 - (1 + d h/c)^(1-s))
 * / (s-1) (pnbd_growth, which takes s = 1 too); discounted, the integral
 * of a smooth falling function by quadrature (its closed form is a
 * difference of two incomplete gammas that cancel over a short piece).
 * CLVTools' DECT is the discounted sum.  ERROR naming fname where the
 * series or the quadrature cannot be done.
 */
double
pnbd_dyncov_expected(DyncovData *d, const double *theta, double delta, const char *fname, double *alive)
{
	const DyncovCustomer *c = &d->customers[0];
	double		r = exp(theta[0]),
				alpha = exp(theta[1]),
				s = exp(theta[2]),
				beta = exp(theta[3]);
	PnbdSteps  *steps_c = palloc0(sizeof(PnbdSteps)),
			   *steps_o = palloc0(sizeof(PnbdSteps));
	DyncovAt	at;
	double		big_d,
				ahead = 0,
				sum = 0;

	pnbd_dyncov_rates(d, theta);
	if (!isfinite(pnbd_dyncov_customer(d, 0, theta, PNBD_MAX_TERMS, steps_c, steps_o, NULL, &at)))
		pnbd_out_of_reach(fname);
	pfree(steps_c);
	pfree(steps_o);
	*alive = exp(at.log_alive);
	big_d = at.big_d;
	for (int q = c->future; q < c->future + c->nfuture; q++)
	{
		int			v = d->piece_vector[q];
		double		av = d->rate[v],
					dv = d->rate[d->nvectors + v],
					h = d->piece_length[q];

		if (delta > 0)
		{
			PnbdDiscountedPiece piece = {delta, s, dv / (beta + big_d)};
			double		integral;

			if (!quad_integrate_around(pnbd_discounted_piece_integrand, &piece, 1, 0, h, 0, h,
									   PNBD_DISCOUNT_TOLERANCE, &integral))
				pnbd_out_of_reach(fname);
			sum += av * exp(-delta * ahead + s * (log(beta + at.big_d) - log(beta + big_d))) * integral;
		}
		else
		{
			double		g,
						dg_dc;

			pnbd_growth(s - 1, log1p(dv * h / (beta + big_d)), &g, &dg_dc);
			sum += av / dv * exp(s * log(beta + at.big_d) + (1 - s) * log(beta + big_d)) * g;
		}
		big_d += dv * h;
		ahead += h;
	}
	return *alive * (r + c->x) / (alpha + at.big_a) * sum;
}
