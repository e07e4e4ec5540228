/*
 * loyalty_kpi 1.11 -> 1.12: the first hour (issue 29).
 *
 * - btyd_customer gains a last column, time_unit, so a fit given the
 *   summary's columns records the unit without the user passing it twice.
 *   Summaries stored by 1.11 read it as NULL.  (Not btyd_holdout_customer:
 *   analysts build its rows by hand for holdout_by_frequency.)
 * - btyd_summary takes timestamptz observation ends (now()), the window
 *   ending on that calendar day in the session's time zone.
 * - bgnbd_fit, mbgnbd_fit and pareto_nbd_fit take the time unit as text,
 *   what a bare '7 days' is read as (it was ambiguous with the weight).
 * - survival_summary(duration, event integer): events as 0 and 1.
 * - retention_after(acquired_at, churned_at, after, as_of): N-period
 *   retention per signup cohort.
 * - Readable tables of the stored types: parameters(model), answer_counts
 *   (survey_summary), rfm_bins(rfm_model).
 * - What drives churn (issue 31, first part): coxph_fit, Cox
 *   proportional-hazards regression by partial likelihood as R's coxph
 *   (Efron or Breslow ties, strata, case weights, clusters with the robust
 *   covariance, from durations or lifecycle dates),
 *   the coxph_model type with its baseline, coefficients(), coxph_summary(),
 *   linear_predictor(), relative_risk(), survival_at(), survival_at_interval()
 *   and churn_probability() (with its _interval) as R's survfit on the fit,
 *   martingale_residual(),
 *   proportional_hazards_test() as R's cox.zph.
 * - BG/BB's P(X(n) = x) for a new customer (issue 30, first part):
 *   purchase_count_probability(model, opportunities, n) and its _interval, as lifetimes'
 *   expected_number_of_transactions_in_first_n_periods.
 * - Pareto/NBD's P(X(T, T+t) = n | x, t_x, T) (issue 30):
 *   purchase_count_probability(model, t, n, frequency, recency, age), as
 *   lifetimes' conditional_probability_of_n_purchases_up_to_time.
 * - Pareto/NBD's DERT (issue 30): discounted_expected_transactions(model,
 *   discount_rate, frequency, recency, age) and its _interval, as CLVTools'
 *   DERT.
 * - GGompertz/NBD (issue 30; Bemmaor and Glady 2012, as CLVTools'
 *   ggomnbd): the ggompertz_nbd_model type, ggompertz_nbd_fit in every
 *   call form of the purchase models, and their predictions and intervals
 *   (P(alive), expected purchases, predicted_clv, purchase_count_probability
 *   new and given the history, DERT, the fit checks by frequency).
 * - GGompertz/NBD with time-invariant covariates (issue 30):
 *   ggompertz_nbd_fit(frequency, recency, age, covariates, names) and the
 *   other covariate forms, the ggompertz_nbd_covariate_model type.
 * - Pareto/NBD and BG/NBD with time-invariant covariates (issue 30):
 *   pareto_nbd_fit and bgnbd_fit(frequency, recency, age, covariates,
 *   names), or with separate purchase and dropout covariates, either with
 *   L2 penalties per process (CLVTools' reg.lambdas), in CLVTools'
 *   parameterisation; the pareto_nbd_covariate_model and
 *   bgnbd_covariate_model types with coefficients(), log_likelihood(),
 *   fitted_customers(), evaluations(), converged(), their jsonb, and
 *   customer_model(), a customer's model without covariates for every
 *   prediction.
 * - Pareto/NBD with correlated purchase and dropout rates (issue 30;
 *   CLVTools' use.cor): the pareto_nbd_correlation aggregate and its
 *   pareto_nbd_correlation_fit row type.
 * - lifetimes' penalizer_coef (issue 30): bgnbd_fit, mbgnbd_fit and
 *   pareto_nbd_fit(frequency, recency, age, customers, time_unit,
 *   penalizer_coef), gamma_gamma_fit(frequency, monetary_value, customers,
 *   penalizer_coef) and bgbb_fit(frequency, recency, opportunities,
 *   customers, penalizer_coef), as lifetimes' fitters penalize; a penalized fit's model
 *   is format 4 (format 3 and the penalizer), every other model stays
 *   format 3.
 * - Tied covariates (issue 30; CLVTools' names.cov.constr): each covariate
 *   form of pareto_nbd_fit, bgnbd_fit and ggompertz_nbd_fit with a last
 *   tied_names text[], the covariates of both processes fitted with one
 *   coefficient.
 * - Time-varying covariates (issue 30; the extended Pareto/NBD of Bachmann,
 *   Meierer and Naef 2021, CLVTools' dynamic covariates):
 *   pareto_nbd_fit(period_starts, covariates, names, purchase_days,
 *   calibration_end, time_unit), and with separate purchase and dropout
 *   covariates; its model is a pareto_nbd_covariate_model of format 2
 *   (format 1 from a time-varying fit); probability_alive and
 *   expected_purchases of a customer from its covariate periods (on to a
 *   horizon) and purchase days, as CLVTools' PAlive and CET,
 *   discounted_expected_transactions over that horizon as its DECT, and
 *   their _interval forms.
 *
 * The rest is in the library: BG/NBD's and MBG/NBD's likelihood takes
 * B(a, b+x) / B(a, b) whole, so it stays exact where a and b pass 1e5
 * (1.11 rounded by up to 40 in the log-likelihood at a = 1e10), and
 * BG/NBD's expected purchases sum the series that falls from the start
 * where a is in the millions (1.11 gave 22003); survival_summary's
 * timestamp form counts tenure in whole units (summaries stored before
 * keep their fractional tenures until recomputed, for instance by REFRESH
 * MATERIALIZED VIEW);
 * the purchase models' fits skip a row with NULL data before reading its
 * time unit (a customer without a summary), and a prediction's unit is
 * compared by length ('168 hours' is '7 days'); sbg_fit over an
 * aggregated table refuses a NULL count beside known ones (22004) rather
 * than drop the row's customers.  Pareto/NBD's likelihood and P(alive)
 * split the integral where one of alpha and beta is far below the other
 * (issue 30), so fits converge there in a bounded number of terms a row
 * (a fit of 4,000 customers with beta = 50 alpha: 97 ms and converged,
 * where 1.11 ran 1.7 s and stopped short); values elsewhere are unchanged.
 * btyd_summary turns a timestamptz observation end into its calendar day
 * once per distinct end in a query, not once a row; the GGompertz/NBD
 * likelihood's integrand makes three transcendental calls a node where it
 * made six (fits the same to 1e-16 of their log-likelihood).
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.12'" to load this file. \quit

ALTER TYPE @extschema@.btyd_customer ADD ATTRIBUTE time_unit interval;
COMMENT ON TYPE @extschema@.btyd_customer IS
    'One customer''s BTYD summary: frequency, recency and age in time units, mean repeat spend (NULL without a repeat purchase), and the time unit, which a fit given it records.';

-- N-period retention of a signup cohort (1.12): each customer measured at
-- acquired_at + after; the state is two counts (measured, retained) as a
-- float8[2], a built-in type whose text reads back exactly (Citus).
-- STABLE: '3 months' adds in the session's TimeZone.
CREATE FUNCTION loyalty_kpi_internal.retention_after_accum(double precision[], timestamptz, timestamptz,
                                                           interval, timestamptz)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_retract(double precision[], timestamptz, timestamptz,
                                                             interval, timestamptz)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_combine(double precision[], double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_final(double precision[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_after_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_after(acquired_at timestamptz, churned_at timestamptz,
                                             after interval, as_of timestamptz) (
    SFUNC = loyalty_kpi_internal.retention_after_accum, STYPE = double precision[], INITCOND = '{0,0}',
    FINALFUNC = loyalty_kpi_internal.retention_after_final,
    COMBINEFUNC = loyalty_kpi_internal.retention_after_combine,
    MSFUNC = loyalty_kpi_internal.retention_after_accum, MINVFUNC = loyalty_kpi_internal.retention_after_retract,
    MSTYPE = double precision[], MINITCOND = '{0,0}',
    MFINALFUNC = loyalty_kpi_internal.retention_after_final,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.retention_after(timestamptz, timestamptz, interval, timestamptz) IS
    'N-period retention, %: of the customers acquired at least `after` before as_of, the share still customers `after` their own acquisition (churned_at NULL or later than acquired_at + after). GROUP BY the signup cohort for "3-month retention per cohort". NULL when no customer is measurable yet.';

-- The observation ends as timestamptz (1.12): now(), or a literal, which
-- PostgreSQL reads as timestamptz; the window ends on that calendar day in
-- the session's time zone, so these are STABLE.
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, double precision, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, double precision, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount double precision, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(date, double precision, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount double precision, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(date, double precision, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, double precision, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, double precision, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount double precision, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, double precision, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount double precision, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, double precision, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';

-- the time unit as text: what a bare '7 days' becomes (1.12); STABLE as
-- interval input is (IntervalStyle)
CREATE FUNCTION loyalty_kpi_internal.bgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  text)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C STABLE PARALLEL SAFE;

-- A bare literal unit, fit(frequency, recency, age, '7 days'): with the
-- weighted form beside it PostgreSQL could not tell which was meant (or,
-- with every column double precision, read '7 days' as the weight); an
-- unknown literal prefers text, so this form takes it.
CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit text) (
    SFUNC = loyalty_kpi_internal.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, text) IS
    'The fit with the time unit written as text, such as ''7 days'' (what a bare literal is read as), recorded in the model as an interval.';

-- the time unit as text: what a bare '7 days' becomes (1.12); STABLE as
-- interval input is (IntervalStyle)
CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  text)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C STABLE PARALLEL SAFE;

-- A bare literal unit, fit(frequency, recency, age, '7 days'): with the
-- weighted form beside it PostgreSQL could not tell which was meant (or,
-- with every column double precision, read '7 days' as the weight); an
-- unknown literal prefers text, so this form takes it.
CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit text) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, text) IS
    'The fit with the time unit written as text, such as ''7 days'' (what a bare literal is read as), recorded in the model as an interval.';

-- the time unit as text: what a bare '7 days' becomes (1.12); STABLE as
-- interval input is (IntervalStyle)
CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  text)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C STABLE PARALLEL SAFE;

-- A bare literal unit, fit(frequency, recency, age, '7 days'): with the
-- weighted form beside it PostgreSQL could not tell which was meant (or,
-- with every column double precision, read '7 days' as the weight); an
-- unknown literal prefers text, so this form takes it.
CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit text) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, text) IS
    'The fit with the time unit written as text, such as ''7 days'' (what a bare literal is read as), recorded in the model as an interval.';

-- the event as an integer column of 0 and 1 (1.12), as many tables keep it
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, integer, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, integer, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration integer, event integer) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_summary(integer, integer) IS
    'The Kaplan-Meier summary of (duration, event) rows with the event as an integer: 1 for a churn, 0 for a customer still active (censored), anything else 22023. NULL rows are skipped; NULL when there is none.';

-- the event as an integer column of 0 and 1 (1.12), as many tables keep it
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, bigint, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, bigint, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration bigint, event integer) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_summary(bigint, integer) IS
    'The Kaplan-Meier summary of (duration, event) rows with the event as an integer: 1 for a churn, 0 for a customer still active (censored), anything else 22023. NULL rows are skipped; NULL when there is none.';

-- the event as an integer column of 0 and 1 (1.12), as many tables keep it
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, numeric, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, numeric, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration numeric, event integer) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_summary(numeric, integer) IS
    'The Kaplan-Meier summary of (duration, event) rows with the event as an integer: 1 for a churn, 0 for a customer still active (censored), anything else 22023. NULL rows are skipped; NULL when there is none.';

-- the event as an integer column of 0 and 1 (1.12), as many tables keep it
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, double precision, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, double precision, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration double precision, event integer) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.survival_summary(double precision, integer) IS
    'The Kaplan-Meier summary of (duration, event) rows with the event as an integer: 1 for a churn, 0 for a customer still active (censored), anything else 22023. NULL rows are skipped; NULL when there is none.';

-- the summary as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.answer_counts(summary @extschema@.survey_summary)
RETURNS TABLE (answer integer, responses bigint, percent double precision)
AS 'MODULE_PATHNAME', 'survey_answer_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 11;

COMMENT ON FUNCTION @extschema@.answer_counts(@extschema@.survey_summary) IS
    'A survey summary as a table: every answer of its scale (a CLI summary: every sum of its three answers), how many gave it, and its share of the answers, %.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.bgnbd_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.bgnbd_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.gamma_gamma_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.gamma_gamma_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.sbg_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.sbg_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.bgbb_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.bgbb_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.mbgnbd_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.mbgnbd_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.pareto_nbd_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.pareto_nbd_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

-- the model as a table to read (1.12)
CREATE FUNCTION @extschema@.rfm_bins(model @extschema@.rfm_model)
RETURNS TABLE (dimension text, score integer, above double precision, up_to double precision)
AS 'MODULE_PATHNAME', 'rfm_bin_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 15;

COMMENT ON FUNCTION @extschema@.rfm_bins(@extschema@.rfm_model) IS
    'An RFM model as a table: for each dimension and score, the values that get it, above `above` (NULL: no bound) and up to `up_to` inclusive (NULL: no bound). Recency is reversed: the lowest scores best.';

/* ---------------------------------------------------------------------
 * What drives churn: Cox proportional-hazards regression (src/coxph.c)
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.coxph_model;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_in(cstring) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_out(@extschema@.coxph_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'coxph_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_recv(internal) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_send(@extschema@.coxph_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'coxph_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.coxph_model (
    INPUT = loyalty_kpi_internal.coxph_model_in, OUTPUT = loyalty_kpi_internal.coxph_model_out,
    RECEIVE = loyalty_kpi_internal.coxph_model_recv, SEND = loyalty_kpi_internal.coxph_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);

COMMENT ON TYPE @extschema@.coxph_model IS
    'A fitted Cox proportional-hazards model: the terms, their coefficients and covariance, the covariate means, the log partial likelihoods and tests. Read with coefficients(), coxph_summary(), ::jsonb; score with relative_risk().';

CREATE FUNCTION @extschema@.coxph_model_jsonb(model @extschema@.coxph_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'coxph_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.coxph_model_jsonb(@extschema@.coxph_model) IS
    'A Cox model as jsonb: ties, n, events, skipped rows, iterations, converged, log-likelihoods, tests, each term''s coefficient, standard error and mean, and the covariance.';

CREATE CAST (@extschema@.coxph_model AS jsonb)
    WITH FUNCTION @extschema@.coxph_model_jsonb(@extschema@.coxph_model);

CREATE FUNCTION loyalty_kpi_internal.coxph_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'coxph_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- READ_ONLY: the final function sorts a copy of the rows
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_final(internal) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- (duration, event, covariates, names [, ties]); the event boolean or 0/1
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, boolean, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, boolean, double precision[], text[], text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event boolean, covariates double precision[],
                                       names text[]) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, boolean, double precision[], text[]) IS
    'Cox proportional-hazards regression by partial likelihood, as R''s coxph (Efron ties): one row per customer with the duration, the event (churned) and the covariates as an array, named once. Rows with a NULL are skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event boolean, covariates double precision[],
                                       names text[], ties text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, boolean, double precision[], text[], text) IS
    'Cox proportional-hazards regression with the ties method: ''efron'' (R''s default) or ''breslow''.';

-- with strata: a baseline hazard of its own per stratum, the coefficients shared (R's strata())
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, boolean, double precision[], text[], text, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event boolean, covariates double precision[],
                                       names text[], ties text, strata text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, boolean, double precision[], text[], text, text) IS
    'Stratified Cox regression: a baseline hazard of its own for each value of strata (up to 1,000), the coefficients shared, as R''s strata(); a NULL stratum skips the row.';

-- with case weights (R's weights =): a row stands for weight customers (above 0); one stratum for all: a constant
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, boolean, double precision[], text[], text, text,
                                                     double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event boolean, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, boolean, double precision[], text[], text, text, double precision) IS
    'Cox regression with case weights, as R''s weights =: each row stands for weight customers (above 0); strata as in the stratified form (a constant for none). A NULL weight skips the row.';

-- with clusters (R's cluster()): a robust (sandwich) covariance for rows that are not independent
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, boolean, double precision[], text[], text, text,
                                                     double precision, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event boolean, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision, cluster bigint) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, boolean, double precision[], text[], text, text, double precision, bigint) IS
    'Cox regression with clusters, as R''s cluster(): rows of one cluster (a customer with several rows, an account with several users) are not independent; the robust (sandwich) covariance gives the standard errors, z, p and the Wald test. A NULL cluster skips the row.';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, integer, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, integer, double precision[], text[], text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event integer, covariates double precision[],
                                       names text[]) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, integer, double precision[], text[]) IS
    'Cox proportional-hazards regression by partial likelihood, as R''s coxph (Efron ties): one row per customer with the duration, the event (churned) and the covariates as an array, named once. Rows with a NULL are skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event integer, covariates double precision[],
                                       names text[], ties text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, integer, double precision[], text[], text) IS
    'Cox proportional-hazards regression with the ties method: ''efron'' (R''s default) or ''breslow''.';

-- with strata: a baseline hazard of its own per stratum, the coefficients shared (R's strata())
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, integer, double precision[], text[], text, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event integer, covariates double precision[],
                                       names text[], ties text, strata text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, integer, double precision[], text[], text, text) IS
    'Stratified Cox regression: a baseline hazard of its own for each value of strata (up to 1,000), the coefficients shared, as R''s strata(); a NULL stratum skips the row.';

-- with case weights (R's weights =): a row stands for weight customers (above 0); one stratum for all: a constant
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, integer, double precision[], text[], text, text,
                                                     double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event integer, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, integer, double precision[], text[], text, text, double precision) IS
    'Cox regression with case weights, as R''s weights =: each row stands for weight customers (above 0); strata as in the stratified form (a constant for none). A NULL weight skips the row.';

-- with clusters (R's cluster()): a robust (sandwich) covariance for rows that are not independent
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, integer, double precision[], text[], text, text,
                                                     double precision, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event integer, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision, cluster bigint) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, integer, double precision[], text[], text, text, double precision, bigint) IS
    'Cox regression with clusters, as R''s cluster(): rows of one cluster (a customer with several rows, an account with several users) are not independent; the robust (sandwich) covariance gives the standard errors, z, p and the Wald test. A NULL cluster skips the row.';

-- From a customers table: the tenure in whole units of time_unit from
-- acquired_at to churned_at, or censored at as_of while active, as
-- survival_summary counts it; customers acquired after as_of left out
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[]) IS
    'Cox proportional-hazards regression from a customers table: the tenure in whole time units from acquired_at to churned_at, or censored at as_of while active (as survival_summary counts it), and the covariates, named once.';

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text) IS
    'Cox proportional-hazards regression from a customers table, with the ties method: ''efron'' (R''s default) or ''breslow''.';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text) IS
    'Stratified Cox regression from a customers table: a baseline hazard of its own for each value of strata (up to 1,000), the coefficients shared.';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text, weight double precision) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text, double precision) IS
    'Cox regression from a customers table with case weights: each row stands for weight customers (above 0).';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text, double precision, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text, weight double precision, cluster bigint) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text, double precision, bigint) IS
    'Cox regression from a customers table with clusters: the robust (sandwich) covariance for rows that are not independent.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.coxph_model, level double precision DEFAULT 0.95)
RETURNS TABLE (term text, coef double precision, hazard_ratio double precision, std_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision,
               robust_std_error double precision)
AS 'MODULE_PATHNAME', 'coxph_coefficient_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;

COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.coxph_model, double precision) IS
    'The Cox model''s coefficient table, as R''s summary(coxph): each term''s coefficient, hazard ratio exp(coef), standard error, z, two-sided p-value and the hazard ratio''s interval at the level (default 0.95); with clusters the robust standard error, which z, p and the interval then use, as R''s.';

CREATE TYPE @extschema@.coxph_fit_summary AS (
    n                  bigint,            -- rows fitted
    events             bigint,
    skipped            bigint,            -- rows left out for a NULL (R's na.omit)
    ties               text,
    loglik_null        double precision,  -- log partial likelihood at beta = 0
    loglik             double precision,  -- at the fit
    degrees_of_freedom integer,           -- of the three tests: the number of terms
    likelihood_ratio   double precision,  -- 2 (loglik - loglik_null)
    likelihood_ratio_p double precision,
    wald               double precision,  -- beta' I beta
    wald_p             double precision,
    score              double precision,  -- U(0)' I(0)^-1 U(0), the log-rank test for one group term
    score_p            double precision,
    iterations         integer,
    converged          boolean,
    concordance        double precision,  -- Harrell's C of the linear predictor, as R's coxph (within strata)
    strata             integer,           -- 1 without strata
    robust             boolean,           -- fitted with clusters: the Wald test is the robust one
    concordance_se     double precision,  -- the concordance's standard error, as R's
    robust_score       double precision,  -- with clusters: R's robust score test (score residuals at beta = 0)
    robust_score_p     double precision);
COMMENT ON TYPE @extschema@.coxph_fit_summary IS
    'The fit of a Cox model: rows, events, rows skipped, log-likelihoods, the likelihood-ratio, Wald and score tests with their p-values, iterations, whether it converged, and the concordance.';

CREATE FUNCTION @extschema@.coxph_summary(model @extschema@.coxph_model) RETURNS @extschema@.coxph_fit_summary
AS 'MODULE_PATHNAME', 'coxph_summary_row' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.coxph_summary(@extschema@.coxph_model) IS
    'The Cox fit as one row: n, events, skipped, log-likelihoods, the three tests with p-values, iterations, converged, concordance. (coxph_summary(m)).* gives the columns.';

CREATE FUNCTION @extschema@.proportional_hazards_test(model @extschema@.coxph_model)
RETURNS TABLE (term text, chisq double precision, df integer, p_value double precision)
AS 'MODULE_PATHNAME', 'coxph_ph_test_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;
COMMENT ON FUNCTION @extschema@.proportional_hazards_test(@extschema@.coxph_model) IS
    'Whether each hazard ratio holds over tenure, as R''s cox.zph(fit) (transform "km"): the test on scaled Schoenfeld residuals per term (1 df), then GLOBAL (df = terms). A small p_value says the effect changes with tenure.';

CREATE FUNCTION @extschema@.linear_predictor(model @extschema@.coxph_model, covariates double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_linear_predictor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.linear_predictor(@extschema@.coxph_model, double precision[]) IS
    'A customer''s linear predictor (x - means)'' beta, R''s predict(type = "lp"); NULL for a NULL covariate.';

CREATE FUNCTION @extschema@.relative_risk(model @extschema@.coxph_model, covariates double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_relative_risk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.relative_risk(@extschema@.coxph_model, double precision[]) IS
    'A customer''s churn hazard relative to a customer at the covariate means, exp(linear predictor), R''s predict(type = "risk").';

-- A customer's survival curve from the model and their covariates, R's
-- survfit on a coxph (the Efron baseline for an Efron fit); with strata,
-- the customer's stratum named
CREATE FUNCTION @extschema@.survival_at(model @extschema@.coxph_model, covariates double precision[], t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_at(@extschema@.coxph_model, double precision[], double precision) IS
    'The probability that a customer with these covariates is still a customer t time units after acquisition, exp(-exp(lp) H0(t)), as R''s survfit on the coxph.';

CREATE FUNCTION @extschema@.survival_at(model @extschema@.coxph_model, covariates double precision[], t double precision,
                                        stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_at(@extschema@.coxph_model, double precision[], double precision, text) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.survival_at_interval(model @extschema@.coxph_model, covariates double precision[],
                                                 t double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_survival_at_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_at_interval(@extschema@.coxph_model, double precision[], double precision, double precision) IS
    'survival_at with its standard error and R''s log interval at the level (default 0.95), the variance of the cumulative hazard with the coefficients'' uncertainty (Tsiatis).';

CREATE FUNCTION @extschema@.survival_at_interval(model @extschema@.coxph_model, covariates double precision[],
                                                 t double precision, stratum text, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_survival_at_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.survival_at_interval(@extschema@.coxph_model, double precision[], double precision, text, double precision) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.churn_probability(model @extschema@.coxph_model, covariates double precision[],
                                              t double precision, survived double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.churn_probability(@extschema@.coxph_model, double precision[], double precision, double precision) IS
    'The probability that a customer with these covariates who has stayed `survived` time units churns within the next t: 1 - S(survived + t) / S(survived), from the hazard between the two.';

CREATE FUNCTION @extschema@.churn_probability(model @extschema@.coxph_model, covariates double precision[],
                                              t double precision, survived double precision, stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.churn_probability(@extschema@.coxph_model, double precision[], double precision, double precision, text) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.churn_probability_interval(model @extschema@.coxph_model, covariates double precision[],
                                                       t double precision, survived double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_churn_probability_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability_interval(@extschema@.coxph_model, double precision[], double precision, double precision, double precision) IS
    'churn_probability with its standard error and interval at the level (default 0.95): R''s survfit(fit, newdata, start.time = survived) log interval, as 1 - S.';

CREATE FUNCTION @extschema@.churn_probability_interval(model @extschema@.coxph_model, covariates double precision[],
                                                       t double precision, survived double precision, stratum text,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_churn_probability_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability_interval(@extschema@.coxph_model, double precision[], double precision, double precision, text, double precision) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.martingale_residual(model @extschema@.coxph_model, covariates double precision[],
                                                duration double precision, event boolean)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_martingale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.martingale_residual(@extschema@.coxph_model, double precision[], double precision, boolean) IS
    'A customer''s martingale residual, R''s residuals(fit, "martingale"): the event (1 or 0) less the hazard the model gave up to the duration; near 1 a churn the model did not expect, very negative a customer who stayed against the odds.';

CREATE FUNCTION @extschema@.martingale_residual(model @extschema@.coxph_model, covariates double precision[],
                                                duration double precision, event boolean, stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_martingale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.martingale_residual(@extschema@.coxph_model, double precision[], double precision, boolean, text) IS
    'The same for a stratified model, in the customer''s stratum.';

-- BG/BB: a new customer's count of transactions in n opportunities (issue 30)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.bgbb_model, opportunities integer, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_purchase_count_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgbb_model, integer, integer) IS
    'BG/BB: the probability that a new customer transacts at n of their first `opportunities` opportunities, P(X(opportunities) = n); times the customers, the table of customers by count that the fit is checked against.';

CREATE FUNCTION @extschema@.purchase_count_probability_interval(model @extschema@.bgbb_model, opportunities integer,
                                                                n integer, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'bgbb_purchase_count_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability_interval(@extschema@.bgbb_model, integer, integer, double precision) IS
    'BG/BB: P(X(opportunities) = n) for a new customer with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

-- Pareto/NBD's P(X(T, T+t) = n | x, t_x, T): a customer's count in the next t given their history (1.12)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.pareto_nbd_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: the probability that a customer with (frequency, recency, age) makes n purchases in the next t, P(X(T, T+t) = n | x, t_x, T), as lifetimes'' conditional_probability_of_n_purchases_up_to_time.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.pareto_nbd_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: P(X(T, T+t) = n | x, t_x, T) for a customer with that history; a given time unit must be the model''s.';

-- Pareto/NBD's DERT: a customer's purchases still ahead, discounted continuously (1.12)
CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT, a customer''s purchases still ahead discounted continuously at the rate in % per time unit (Fader, Hardie and Lee''s RFM and CLV; CLVTools'' DERT at continuous.discount.factor ln(1 + rate/100)); CLV = value per purchase x DERT.';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT for a customer with that history; a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its interval; a given time unit must be the model''s.';

/* ---------------------------------------------------------------------
 * Pareto/NBD and BG/NBD with time-invariant covariates (src/model_covariates.c,
 * 1.12): the fits over (frequency, recency, age) and each customer's
 * covariates, the stored models with their coefficient tables, and
 * customer_model(), which gives a customer's model without covariates so
 * that every prediction of the base model applies.
 * ---------------------------------------------------------------------
 */

-- the fits' state: every row kept, merged across parallel workers
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'covariate_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'covariate_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'covariate_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.pareto_nbd_covariate_model;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_model_in(cstring) RETURNS @extschema@.pareto_nbd_covariate_model
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_model_out(@extschema@.pareto_nbd_covariate_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_model_recv(internal) RETURNS @extschema@.pareto_nbd_covariate_model
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_model_send(@extschema@.pareto_nbd_covariate_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.pareto_nbd_covariate_model (
    INPUT = loyalty_kpi_internal.pareto_nbd_covariate_model_in, OUTPUT = loyalty_kpi_internal.pareto_nbd_covariate_model_out,
    RECEIVE = loyalty_kpi_internal.pareto_nbd_covariate_model_recv, SEND = loyalty_kpi_internal.pareto_nbd_covariate_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.pareto_nbd_covariate_model_jsonb(model @extschema@.pareto_nbd_covariate_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'covariate_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.pareto_nbd_covariate_model AS jsonb)
    WITH FUNCTION @extschema@.pareto_nbd_covariate_model_jsonb(@extschema@.pareto_nbd_covariate_model);
COMMENT ON FUNCTION @extschema@.pareto_nbd_covariate_model_jsonb(@extschema@.pareto_nbd_covariate_model) IS
    'A covariate model as jsonb: the covariates'' names, base parameters, coefficients per process, standard errors, covariance, log-likelihood, customers, skipped rows, evaluations, converged.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.pareto_nbd_covariate_model, level double precision DEFAULT 0.95)
RETURNS TABLE (process text, term text, estimate double precision, standard_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'covariate_model_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.pareto_nbd_covariate_model, double precision) IS
    'The covariate model as a table: base parameters (interval on the log scale), then each coefficient per process with its Wald z, p-value and interval at the level (default 0.95). Signs as CLVTools: a positive purchase coefficient means more purchases.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.pareto_nbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.pareto_nbd_covariate_model) IS
    'Log-likelihood of a fitted covariate model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.pareto_nbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.pareto_nbd_covariate_model) IS
    'Number of customers a covariate model was fitted to (rows with a NULL covariate left out).';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.pareto_nbd_covariate_model) RETURNS integer
AS 'MODULE_PATHNAME', 'covariate_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.pareto_nbd_covariate_model) IS
    'Likelihood evaluations the fit took, its start without covariates included.';

CREATE FUNCTION @extschema@.converged(model @extschema@.pareto_nbd_covariate_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'covariate_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.pareto_nbd_covariate_model) IS
    'Whether the fit reached an interior maximum with every parameter identified; customer models of one that did not are refused by the predictions.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.pareto_nbd_covariate_model,
                                           purchase_covariates double precision[],
                                           dropout_covariates double precision[])
RETURNS @extschema@.pareto_nbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.pareto_nbd_covariate_model, double precision[], double precision[]) IS
    'The model of a customer with these covariates (one value per name, in the fit''s order): the model without covariates at the customer''s own parameters, with their covariance, for every prediction and interval.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.pareto_nbd_covariate_model, covariates double precision[])
RETURNS @extschema@.pareto_nbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.pareto_nbd_covariate_model, double precision[]) IS
    'The customer model of a fit whose two processes have the same covariates, given once.';

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_final(internal) RETURNS @extschema@.pareto_nbd_covariate_model
AS 'MODULE_PATHNAME', 'covariate_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[]) IS
    'The purchase model with time-invariant covariates on both processes (CLVTools'' parameterisation): one row per customer, the covariates as an array named once by names. A row with a NULL covariate is skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[]) IS
    'The purchase model with separate time-invariant covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision) IS
    'The purchase model with covariates on both processes, their coefficients pulled to 0 by L2 penalties per process (CLVTools'' reg.lambdas: the mean log-likelihood less lambda times the squared coefficients).';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision) IS
    'The purchase model with separate covariates per process and L2 penalties on their coefficients (CLVTools'' reg.lambdas).';

-- Pareto/NBD's covariate forms with tied covariates (one coefficient for both processes)
CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], text[]) IS
    'The purchase model with time-invariant covariates on both processes, the covariates named in tied_names with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], text[]) IS
    'The purchase model with separate covariates per process, those named in tied_names (in both lists) with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with covariates on both processes, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes (penalized by both penalties, as CLVTools does).';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with separate covariates per process, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes.';
CREATE TYPE @extschema@.bgnbd_covariate_model;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_model_in(cstring) RETURNS @extschema@.bgnbd_covariate_model
AS 'MODULE_PATHNAME', 'bgnbd_covariate_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_model_out(@extschema@.bgnbd_covariate_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'bgnbd_covariate_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_model_recv(internal) RETURNS @extschema@.bgnbd_covariate_model
AS 'MODULE_PATHNAME', 'bgnbd_covariate_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_model_send(@extschema@.bgnbd_covariate_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_covariate_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bgnbd_covariate_model (
    INPUT = loyalty_kpi_internal.bgnbd_covariate_model_in, OUTPUT = loyalty_kpi_internal.bgnbd_covariate_model_out,
    RECEIVE = loyalty_kpi_internal.bgnbd_covariate_model_recv, SEND = loyalty_kpi_internal.bgnbd_covariate_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.bgnbd_covariate_model_jsonb(model @extschema@.bgnbd_covariate_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'covariate_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.bgnbd_covariate_model AS jsonb)
    WITH FUNCTION @extschema@.bgnbd_covariate_model_jsonb(@extschema@.bgnbd_covariate_model);
COMMENT ON FUNCTION @extschema@.bgnbd_covariate_model_jsonb(@extschema@.bgnbd_covariate_model) IS
    'A covariate model as jsonb: the covariates'' names, base parameters, coefficients per process, standard errors, covariance, log-likelihood, customers, skipped rows, evaluations, converged.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.bgnbd_covariate_model, level double precision DEFAULT 0.95)
RETURNS TABLE (process text, term text, estimate double precision, standard_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'covariate_model_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.bgnbd_covariate_model, double precision) IS
    'The covariate model as a table: base parameters (interval on the log scale), then each coefficient per process with its Wald z, p-value and interval at the level (default 0.95). Signs as CLVTools: a positive purchase coefficient means more purchases.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.bgnbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.bgnbd_covariate_model) IS
    'Log-likelihood of a fitted covariate model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.bgnbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.bgnbd_covariate_model) IS
    'Number of customers a covariate model was fitted to (rows with a NULL covariate left out).';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.bgnbd_covariate_model) RETURNS integer
AS 'MODULE_PATHNAME', 'covariate_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.bgnbd_covariate_model) IS
    'Likelihood evaluations the fit took, its start without covariates included.';

CREATE FUNCTION @extschema@.converged(model @extschema@.bgnbd_covariate_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'covariate_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.bgnbd_covariate_model) IS
    'Whether the fit reached an interior maximum with every parameter identified; customer models of one that did not are refused by the predictions.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.bgnbd_covariate_model,
                                           purchase_covariates double precision[],
                                           dropout_covariates double precision[])
RETURNS @extschema@.bgnbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.bgnbd_covariate_model, double precision[], double precision[]) IS
    'The model of a customer with these covariates (one value per name, in the fit''s order): the model without covariates at the customer''s own parameters, with their covariance, for every prediction and interval.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.bgnbd_covariate_model, covariates double precision[])
RETURNS @extschema@.bgnbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.bgnbd_covariate_model, double precision[]) IS
    'The customer model of a fit whose two processes have the same covariates, given once.';

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_final(internal) RETURNS @extschema@.bgnbd_covariate_model
AS 'MODULE_PATHNAME', 'covariate_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[]) IS
    'The purchase model with time-invariant covariates on both processes (CLVTools'' parameterisation): one row per customer, the covariates as an array named once by names. A row with a NULL covariate is skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[]) IS
    'The purchase model with separate time-invariant covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision) IS
    'The purchase model with covariates on both processes, their coefficients pulled to 0 by L2 penalties per process (CLVTools'' reg.lambdas: the mean log-likelihood less lambda times the squared coefficients).';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision) IS
    'The purchase model with separate covariates per process and L2 penalties on their coefficients (CLVTools'' reg.lambdas).';

-- BG/NBD's covariate forms with tied covariates (one coefficient for both processes)
CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgnbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], text[]) IS
    'The purchase model with time-invariant covariates on both processes, the covariates named in tied_names with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], text[]) IS
    'The purchase model with separate covariates per process, those named in tied_names (in both lists) with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with covariates on both processes, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes (penalized by both penalties, as CLVTools does).';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with separate covariates per process, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes.';

COMMENT ON TYPE @extschema@.pareto_nbd_covariate_model IS
    'A fitted Pareto/NBD model with covariates: r, alpha, s, beta of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), beta_i = beta exp(-g''z)), with standard errors, covariance and log-likelihood.';
COMMENT ON TYPE @extschema@.bgnbd_covariate_model IS
    'A fitted BG/NBD model with covariates: r, alpha, a, b of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), a_i = a exp(g''z), b_i = b exp(g''z)), with standard errors, covariance and log-likelihood.';

-- GGompertz/NBD (issue 30): the BG/NBD family's type, fit and predictions
-- for a fourth model, and DERT and the conditional P(X(T, T+t) = n) for it
-- as for Pareto/NBD; the family's comments now name it
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.gamma_gamma_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.sbg_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgbb_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.mbgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.pareto_nbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE TYPE @extschema@.ggompertz_nbd_model;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_model_in(cstring) RETURNS @extschema@.ggompertz_nbd_model
AS 'MODULE_PATHNAME', 'ggompertz_nbd_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_model_out(@extschema@.ggompertz_nbd_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'ggompertz_nbd_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_model_recv(internal) RETURNS @extschema@.ggompertz_nbd_model
AS 'MODULE_PATHNAME', 'ggompertz_nbd_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_model_send(@extschema@.ggompertz_nbd_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'ggompertz_nbd_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ggompertz_nbd_model (
    INPUT = loyalty_kpi_internal.ggompertz_nbd_model_in, OUTPUT = loyalty_kpi_internal.ggompertz_nbd_model_out,
    RECEIVE = loyalty_kpi_internal.ggompertz_nbd_model_recv, SEND = loyalty_kpi_internal.ggompertz_nbd_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.ggompertz_nbd_model_jsonb(model @extschema@.ggompertz_nbd_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'ggompertz_nbd_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (@extschema@.ggompertz_nbd_model AS jsonb) WITH FUNCTION @extschema@.ggompertz_nbd_model_jsonb(@extschema@.ggompertz_nbd_model);

CREATE FUNCTION @extschema@.parameter(model @extschema@.ggompertz_nbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.parameter(@extschema@.ggompertz_nbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.ggompertz_nbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.ggompertz_nbd_model, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

CREATE FUNCTION @extschema@.parameters(model @extschema@.ggompertz_nbd_model, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION @extschema@.parameters(@extschema@.ggompertz_nbd_model, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.ggompertz_nbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.ggompertz_nbd_model) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.ggompertz_nbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.ggompertz_nbd_model) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.ggompertz_nbd_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.ggompertz_nbd_model) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.ggompertz_nbd_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.converged(@extschema@.ggompertz_nbd_model) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';

COMMENT ON TYPE @extschema@.ggompertz_nbd_model IS
    'A fitted GGompertz/NBD purchase model (Bemmaor and Glady 2012): r, alpha, b, s, beta with standard errors, log-likelihood, converged flag and time unit.';

COMMENT ON FUNCTION @extschema@.ggompertz_nbd_model_jsonb(@extschema@.ggompertz_nbd_model) IS
    'A GGompertz/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.bgnbd_model) IS
    'The time unit a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.mbgnbd_model) IS
    'The time unit a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.pareto_nbd_model) IS
    'The time unit a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  text)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_fit_final(internal) RETURNS @extschema@.ggompertz_nbd_model
AS 'MODULE_PATHNAME', 'ggompertz_nbd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit interval) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit text) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, text) IS
    'The fit with the time unit written as text, such as ''7 days'' (what a bare literal is read as), recorded in the model as an interval.';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE FUNCTION @extschema@.time_unit(model @extschema@.ggompertz_nbd_model) RETURNS interval
AS 'MODULE_PATHNAME', 'model_time_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.ggompertz_nbd_model) IS
    'The time unit a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.ggompertz_nbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.ggompertz_nbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision,
                                               time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.ggompertz_nbd_model, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.ggompertz_nbd_model, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.ggompertz_nbd_model, t double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.ggompertz_nbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.ggompertz_nbd_model, frequency double precision,
                                              recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.ggompertz_nbd_model, frequency double precision,
                                              recency double precision, age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.ggompertz_nbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.ggompertz_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.ggompertz_nbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.ggompertz_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.ggompertz_nbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.ggompertz_nbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.ggompertz_nbd_model, t double precision,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.ggompertz_nbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.ggompertz_nbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.ggompertz_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.ggompertz_nbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.ggompertz_nbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision,
                                                        time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.ggompertz_nbd_model, t double precision,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.ggompertz_nbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision,
                                                   time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.ggompertz_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision, interval) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level; the time unit must be the purchase model''s.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.ggompertz_nbd_model, t double precision, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.ggompertz_nbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.ggompertz_nbd_model, t double precision, n integer,
                                                       time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.ggompertz_nbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.ggompertz_nbd_model,
                                                 summaries @extschema@.btyd_holdout_customer[],
                                                 max_frequency integer DEFAULT 7)
RETURNS TABLE (frequency integer, customers bigint, actual double precision, expected double precision)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  IF max_frequency IS NULL OR max_frequency OPERATOR(pg_catalog.<) 0 THEN
    RAISE EXCEPTION 'holdout_by_frequency: max_frequency % is out of range', coalesce(max_frequency::pg_catalog.text, 'NULL')
      USING ERRCODE = '22023', HINT = 'The last row is that calibration frequency and more, 0 or more, such as 7.';
  END IF;
  RETURN QUERY
  SELECT least(c.frequency, max_frequency), pg_catalog.count(*), pg_catalog.avg(c.holdout_purchases)::double precision,
         pg_catalog.avg(@extschema@.expected_purchases(model, c.holdout_length, c.frequency::double precision,
                                                       c.recency, c.age))
  FROM pg_catalog.unnest(summaries) c
  WHERE c.frequency IS NOT NULL
  GROUP BY 1 ORDER BY 1;
END
$$;

COMMENT ON FUNCTION @extschema@.holdout_by_frequency(@extschema@.ggompertz_nbd_model, @extschema@.btyd_holdout_customer[], integer) IS
    'The BG/NBD paper''s Figure 4 for a fit: per calibration frequency (the last row max_frequency and more, default 7), the customers, their mean holdout purchases and the mean the model expects over the holdout (btyd_summary''s holdout form, array_agg''ed).';

CREATE FUNCTION @extschema@.frequency_histogram(model @extschema@.ggompertz_nbd_model, frequencies integer[],
                                                ages double precision[], max_frequency integer DEFAULT 7)
RETURNS TABLE (frequency integer, customers bigint, expected double precision)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  -- one row and one P(X(T) = n) per age for each frequency up to it: bounded
  IF max_frequency IS NULL OR max_frequency OPERATOR(pg_catalog.<) 0 OR max_frequency OPERATOR(pg_catalog.>) 1000 THEN
    RAISE EXCEPTION 'frequency_histogram: max_frequency % is out of range', coalesce(max_frequency::pg_catalog.text, 'NULL')
      USING ERRCODE = '22023', HINT = 'The last row is that frequency and more: 0 to 1000, such as 7.';
  END IF;
  -- the cardinalities differ, or one array is NULL and the other is not (-1 is no cardinality)
  IF coalesce(pg_catalog.cardinality(frequencies), -1) OPERATOR(pg_catalog.<>) coalesce(pg_catalog.cardinality(ages), -1) THEN
    RAISE EXCEPTION 'frequency_histogram: % frequencies but % ages', pg_catalog.cardinality(frequencies),
                    pg_catalog.cardinality(ages)
      USING ERRCODE = '22023', HINT = 'Pass one frequency and one age per customer, array_agg''ed in one query.';
  END IF;
  RETURN QUERY
  WITH c AS (SELECT f, a FROM ROWS FROM (pg_catalog.unnest(frequencies), pg_catalog.unnest(ages)) u(f, a)
             WHERE f IS NOT NULL AND a IS NOT NULL),
       by_age AS (SELECT a, pg_catalog.count(*) AS n FROM c GROUP BY a),
       p AS (SELECT k, pg_catalog.sum(by_age.n::double precision OPERATOR(pg_catalog.*)
                                      @extschema@.purchase_count_probability(model, by_age.a, k)) AS e
             FROM by_age, pg_catalog.generate_series(0, max_frequency OPERATOR(pg_catalog.-) 1) k GROUP BY k)
  SELECT g.k,
         (SELECT pg_catalog.count(*) FROM c
          WHERE CASE WHEN g.k OPERATOR(pg_catalog.<) max_frequency THEN c.f OPERATOR(pg_catalog.=) g.k
                     ELSE c.f OPERATOR(pg_catalog.>=) g.k END),
         CASE WHEN g.k OPERATOR(pg_catalog.<) max_frequency
              THEN coalesce((SELECT p.e FROM p WHERE p.k OPERATOR(pg_catalog.=) g.k), 0)
              ELSE (SELECT pg_catalog.count(*) FROM c)::double precision
                   OPERATOR(pg_catalog.-) (SELECT coalesce(pg_catalog.sum(p.e), 0) FROM p) END
  FROM pg_catalog.generate_series(0, max_frequency) g(k)
  ORDER BY g.k;
END
$$;

COMMENT ON FUNCTION @extschema@.frequency_histogram(@extschema@.ggompertz_nbd_model, integer[], double precision[], integer) IS
    'The BG/NBD paper''s Figure 3 for a fit: per calibration frequency 0 .. max_frequency (the last row max_frequency and more, default 7), the customers and the model''s expected number, sum over customers of P(X(T) = n) at each customer''s age T (frequencies and ages array_agg''ed in one order).';

CREATE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.ggompertz_nbd_model,
                                                          first_purchases double precision[],
                                                          times double precision[])
RETURNS TABLE (at_time double precision, expected double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  WITH starts AS (SELECT s, pg_catalog.count(*) AS n FROM pg_catalog.unnest(first_purchases) s
                  WHERE s IS NOT NULL GROUP BY s)
  SELECT t, coalesce(pg_catalog.sum(starts.n::double precision OPERATOR(pg_catalog.*)
                                    @extschema@.expected_purchases(model, t OPERATOR(pg_catalog.-) starts.s)), 0)
  FROM pg_catalog.unnest(times) t LEFT JOIN starts ON t OPERATOR(pg_catalog.>) starts.s
  WHERE t IS NOT NULL
  GROUP BY t ORDER BY t
$$;

COMMENT ON FUNCTION @extschema@.expected_cumulative_purchases(@extschema@.ggompertz_nbd_model, double precision[], double precision[]) IS
    'The BG/NBD paper''s Figure 2 for a fit: at each of the times, the repeat purchases the model expects of the customers so far, sum of E[X(t - s)] over their first purchase times s (all in the model''s time unit, from one origin).';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.ggompertz_nbd_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.ggompertz_nbd_model, double precision, integer, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: the probability that a customer with (frequency, recency, age) makes n purchases in the next t, P(X(T, T+t) = n | x, t_x, T), as lifetimes'' conditional_probability_of_n_purchases_up_to_time.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.ggompertz_nbd_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.ggompertz_nbd_model, double precision, integer, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: P(X(T, T+t) = n | x, t_x, T) for a customer with that history; a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.ggompertz_nbd_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT, a customer''s purchases still ahead discounted continuously at the rate in % per time unit (Fader, Hardie and Lee''s RFM and CLV; CLVTools'' DERT at continuous.discount.factor ln(1 + rate/100)); CLV = value per purchase x DERT.';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.ggompertz_nbd_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT for a customer with that history; a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.ggompertz_nbd_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.ggompertz_nbd_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.ggompertz_nbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its interval; a given time unit must be the model''s.';

-- GGompertz/NBD with covariates (issue 30): the covariate fits' third model
CREATE TYPE @extschema@.ggompertz_nbd_covariate_model;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_model_in(cstring) RETURNS @extschema@.ggompertz_nbd_covariate_model
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_model_out(@extschema@.ggompertz_nbd_covariate_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_model_recv(internal) RETURNS @extschema@.ggompertz_nbd_covariate_model
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_model_send(@extschema@.ggompertz_nbd_covariate_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ggompertz_nbd_covariate_model (
    INPUT = loyalty_kpi_internal.ggompertz_nbd_covariate_model_in, OUTPUT = loyalty_kpi_internal.ggompertz_nbd_covariate_model_out,
    RECEIVE = loyalty_kpi_internal.ggompertz_nbd_covariate_model_recv, SEND = loyalty_kpi_internal.ggompertz_nbd_covariate_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.ggompertz_nbd_covariate_model_jsonb(model @extschema@.ggompertz_nbd_covariate_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'covariate_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (@extschema@.ggompertz_nbd_covariate_model AS jsonb)
    WITH FUNCTION @extschema@.ggompertz_nbd_covariate_model_jsonb(@extschema@.ggompertz_nbd_covariate_model);

COMMENT ON FUNCTION @extschema@.ggompertz_nbd_covariate_model_jsonb(@extschema@.ggompertz_nbd_covariate_model) IS
    'A covariate model as jsonb: the covariates'' names, base parameters, coefficients per process, standard errors, covariance, log-likelihood, customers, skipped rows, evaluations, converged.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.ggompertz_nbd_covariate_model, level double precision DEFAULT 0.95)
RETURNS TABLE (process text, term text, estimate double precision, standard_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'covariate_model_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;

COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.ggompertz_nbd_covariate_model, double precision) IS
    'The covariate model as a table: base parameters (interval on the log scale), then each coefficient per process with its Wald z, p-value and interval at the level (default 0.95). Signs as CLVTools: a positive purchase coefficient means more purchases.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.ggompertz_nbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.ggompertz_nbd_covariate_model) IS
    'Log-likelihood of a fitted covariate model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.ggompertz_nbd_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.ggompertz_nbd_covariate_model) IS
    'Number of customers a covariate model was fitted to (rows with a NULL covariate left out).';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.ggompertz_nbd_covariate_model) RETURNS integer
AS 'MODULE_PATHNAME', 'covariate_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.ggompertz_nbd_covariate_model) IS
    'Likelihood evaluations the fit took, its start without covariates included.';

CREATE FUNCTION @extschema@.converged(model @extschema@.ggompertz_nbd_covariate_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'covariate_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.converged(@extschema@.ggompertz_nbd_covariate_model) IS
    'Whether the fit reached an interior maximum with every parameter identified; customer models of one that did not are refused by the predictions.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.ggompertz_nbd_covariate_model,
                                           purchase_covariates double precision[],
                                           dropout_covariates double precision[])
RETURNS @extschema@.ggompertz_nbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.ggompertz_nbd_covariate_model, double precision[], double precision[]) IS
    'The model of a customer with these covariates (one value per name, in the fit''s order): the model without covariates at the customer''s own parameters, with their covariance, for every prediction and interval.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.ggompertz_nbd_covariate_model, covariates double precision[])
RETURNS @extschema@.ggompertz_nbd_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.ggompertz_nbd_covariate_model, double precision[]) IS
    'The customer model of a fit whose two processes have the same covariates, given once.';

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final(internal) RETURNS @extschema@.ggompertz_nbd_covariate_model
AS 'MODULE_PATHNAME', 'covariate_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[]) IS
    'The purchase model with time-invariant covariates on both processes (CLVTools'' parameterisation): one row per customer, the covariates as an array named once by names. A row with a NULL covariate is skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[]) IS
    'The purchase model with separate time-invariant covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision) IS
    'The purchase model with covariates on both processes, their coefficients pulled to 0 by L2 penalties per process (CLVTools'' reg.lambdas: the mean log-likelihood less lambda times the squared coefficients).';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision) IS
    'The purchase model with separate covariates per process and L2 penalties on their coefficients (CLVTools'' reg.lambdas).';

-- GGompertz/NBD's covariate forms with tied covariates (one coefficient for both processes)
CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ggompertz_nbd_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], text[]) IS
    'The purchase model with time-invariant covariates on both processes, the covariates named in tied_names with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], text[]) IS
    'The purchase model with separate covariates per process, those named in tied_names (in both lists) with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with covariates on both processes, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes (penalized by both penalties, as CLVTools does).';

CREATE AGGREGATE @extschema@.ggompertz_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.ggompertz_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.ggompertz_nbd_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with separate covariates per process, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes.';


COMMENT ON TYPE @extschema@.ggompertz_nbd_covariate_model IS
    'A fitted GGompertz/NBD model with covariates: r, alpha, b, s, beta of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), beta_i = beta exp(-g''z)), with standard errors, covariance and log-likelihood.';

-- lifetimes' penalizer_coef on BG/NBD, MBG/NBD and Pareto/NBD (last, after the weight and the time unit; the model records it as format 4)
CREATE FUNCTION loyalty_kpi_internal.bgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval,
                                       penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision, interval, double precision) IS
    'The fit with lifetimes'' penalizer_coef: the parameters pulled towards 0 by penalizer_coef times their squares (alpha and Pareto/NBD''s beta in units of the longest age), as lifetimes'' fitters penalize; the model records the penalizer and the time unit, and its log-likelihood is the likelihood itself.';

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval,
                                       penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision, interval, double precision) IS
    'The fit with lifetimes'' penalizer_coef: the parameters pulled towards 0 by penalizer_coef times their squares (alpha and Pareto/NBD''s beta in units of the longest age), as lifetimes'' fitters penalize; the model records the penalizer and the time unit, and its log-likelihood is the likelihood itself.';

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval,
                                       penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision, interval, double precision) IS
    'The fit with lifetimes'' penalizer_coef: the parameters pulled towards 0 by penalizer_coef times their squares (alpha and Pareto/NBD''s beta in units of the longest age), as lifetimes'' fitters penalize; the model records the penalizer and the time unit, and its log-likelihood is the likelihood itself.';

-- lifetimes' penalizer_coef on Gamma-Gamma and BG/BB (after the weight)
CREATE FUNCTION loyalty_kpi_internal.gamma_gamma_fit_accum(internal, double precision, double precision, double precision,
                                                          double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision,
                                             customers double precision, penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.gamma_gamma_fit(double precision, double precision, double precision, double precision) IS
    'The Gamma-Gamma fit with lifetimes'' penalizer_coef (after the weight, 1 for none): the mean log-likelihood less penalizer_coef times the sum of p, q and gamma squared, as lifetimes'' GammaGammaFitter; the model records the penalizer.';

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer, double precision,
                                                   double precision) RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgbb_fit(frequency integer, recency integer, opportunities integer,
                                      customers double precision, penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.bgbb_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgbb_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.bgbb_fit(integer, integer, integer, double precision, double precision) IS
    'The BG/BB fit with lifetimes'' penalizer_coef (after the weight, 1 for none): the mean log-likelihood less penalizer_coef times the sum of the parameters squared, as lifetimes'' BetaGeoBetaBinomFitter; the model records the penalizer.';

-- Pareto/NBD with correlated purchase and dropout rates (CLVTools' use.cor)
CREATE TYPE @extschema@.pareto_nbd_correlation_fit AS (
    r double precision, alpha double precision, s double precision, beta double precision,
    correlation double precision, standard_error double precision, lower double precision, upper double precision,
    log_likelihood double precision, independent_log_likelihood double precision, p_value double precision,
    converged boolean);

COMMENT ON TYPE @extschema@.pareto_nbd_correlation_fit IS
    'Result of pareto_nbd_correlation: the parameters, the correlation of the purchase and dropout rates with its standard error and 95% interval, the log-likelihood and the independent model''s, the likelihood-ratio p-value of no correlation, and whether the fit converged.';

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_correlation_final(internal) RETURNS @extschema@.pareto_nbd_correlation_fit
AS 'MODULE_PATHNAME', 'pareto_nbd_correlation_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_correlation(frequency double precision, recency double precision,
                                                     age double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_correlation_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_correlation(double precision, double precision, double precision) IS
    'Pareto/NBD with correlated purchase and dropout rates (Sarmanov''s bivariate gamma, as CLVTools'' use.cor), fitted to (frequency, recency, age) rows: do the customers who buy more often also leave sooner? NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_correlation(frequency double precision, recency double precision,
                                                     age double precision, customers double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_correlation_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.pareto_nbd_correlation(double precision, double precision, double precision, double precision) IS
    'pareto_nbd_correlation over weighted rows standing for customers each.';

-- The Pareto/NBD with time-varying covariates: one row per customer, its
-- covariate periods and its purchase days
CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum(internal, date[], double precision[], text[],
                                                                date[], date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum(internal, date[], double precision[], text[],
                                                                double precision[], text[], date[], date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(period_starts date[], covariates double precision[], names text[],
                                            purchase_days date[], calibration_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(date[], double precision[], text[], date[], date, interval) IS
    'The Pareto/NBD with time-varying covariates on both processes (CLVTools'' dynamic covariates): one row per customer, its periods'' start days with a row of covariates each (a period lasts until the next starts) and its purchase days. Customers with a NULL are skipped and counted.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(period_starts date[], purchase_covariates double precision[],
                                            purchase_names text[], dropout_covariates double precision[],
                                            dropout_names text[], purchase_days date[], calibration_end date,
                                            time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(date[], double precision[], text[], double precision[], text[], date[], date, interval) IS
    'The Pareto/NBD with separate time-varying covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                              covariates double precision[], purchase_days date[],
                                              calibration_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, interval) IS
    'P(alive) at the calibration end of a customer with this history under a Pareto/NBD with (time-varying) covariates: its covariate periods and purchase days, as the fit takes them.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                              purchase_covariates double precision[],
                                              dropout_covariates double precision[], purchase_days date[],
                                              calibration_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, interval) IS
    'P(alive) of a customer with this history, its purchase and dropout covariates apart.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                               covariates double precision[], purchase_days date[],
                                               calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, date, interval) IS
    'Purchases a customer with this history is expected to make from the calibration end to horizon_end under a Pareto/NBD with (time-varying) covariates, its periods running on to the horizon with the future''s covariates (CLVTools'' CET).';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                               purchase_covariates double precision[],
                                               dropout_covariates double precision[], purchase_days date[],
                                               calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, date, interval) IS
    'Purchases expected of a customer with this history to horizon_end, its purchase and dropout covariates apart.';

-- the same with their delta-method standard errors and intervals: the level, then the time unit
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_covariate_model,
                                                       period_starts date[], covariates double precision[],
                                                       purchase_days date[], calibration_end date,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, double precision, interval) IS
    'P(alive) of a customer with this history under a Pareto/NBD with (time-varying) covariates, with its delta-method standard error and interval (logit scale) at the level.';

CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_covariate_model,
                                                       period_starts date[], purchase_covariates double precision[],
                                                       dropout_covariates double precision[], purchase_days date[],
                                                       calibration_end date, level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, double precision, interval) IS
    'P(alive) of a customer with this history, its purchase and dropout covariates apart, with its delta-method interval at the level.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_covariate_model,
                                                        period_starts date[], covariates double precision[],
                                                        purchase_days date[], calibration_end date, horizon_end date,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, date, double precision, interval) IS
    'Purchases a customer with this history is expected to make to horizon_end under a Pareto/NBD with (time-varying) covariates, with their delta-method interval (log scale) at the level.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_covariate_model,
                                                        period_starts date[], purchase_covariates double precision[],
                                                        dropout_covariates double precision[], purchase_days date[],
                                                        calibration_end date, horizon_end date,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, date, double precision, interval) IS
    'Purchases expected of a customer with this history to horizon_end, its covariates apart, with their delta-method interval at the level.';

-- DERT over the horizon (CLVTools' DECT): the purchases expected to horizon_end, discounted continuously
CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_covariate_model,
                                                             discount_rate double precision, period_starts date[],
                                                             covariates double precision[], purchase_days date[],
                                                             calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], date[], date, date, interval) IS
    'Purchases a customer with this history is expected to make from the calibration end to horizon_end under a Pareto/NBD with (time-varying) covariates, discounted continuously at the rate in % per time unit (CLVTools'' DECT at ln(1 + rate/100)).';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_covariate_model,
                                                             discount_rate double precision, period_starts date[],
                                                             purchase_covariates double precision[],
                                                             dropout_covariates double precision[], purchase_days date[],
                                                             calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], double precision[], date[], date, date, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end (CLVTools'' DECT), its purchase and dropout covariates apart.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_covariate_model,
                                                                      discount_rate double precision,
                                                                      period_starts date[],
                                                                      covariates double precision[],
                                                                      purchase_days date[], calibration_end date,
                                                                      horizon_end date, level double precision,
                                                                      time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], date[], date, date, double precision, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end (CLVTools'' DECT), with their delta-method interval (log scale) at the level.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_covariate_model,
                                                                      discount_rate double precision,
                                                                      period_starts date[],
                                                                      purchase_covariates double precision[],
                                                                      dropout_covariates double precision[],
                                                                      purchase_days date[], calibration_end date,
                                                                      horizon_end date, level double precision,
                                                                      time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], double precision[], date[], date, date, double precision, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end, its covariates apart, with their delta-method interval at the level.';

-- The support functions are the aggregates' own: PUBLIC may not call them
-- directly (every aggregate still works for every role; only direct
-- calls, which no user needs, are refused).  The types' input and output
-- functions stay callable, as for any type.
DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
        WHERE p.pronamespace OPERATOR(pg_catalog.=) 'loyalty_kpi_internal'::pg_catalog.regnamespace::pg_catalog.oid
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                          WHERE p.oid OPERATOR(pg_catalog.=) ANY (ARRAY[t.typinput, t.typoutput, t.typreceive,
                                                                         t.typsend]::pg_catalog.oid[]))
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
