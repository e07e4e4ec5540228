/* ---------------------------------------------------------------------
 * Customer tenure as survival (src/survival.c): the Kaplan-Meier curve
 * with Greenwood intervals, quantiles, the restricted mean and the
 * log-rank test, all read from one stored summary of tenures.
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.survival_summary;

CREATE FUNCTION loyalty_kpi_internal.survival_summary_in(cstring) RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_summary_out(@extschema@.survival_summary) RETURNS cstring
AS 'MODULE_PATHNAME', 'survival_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_summary_recv(internal) RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_summary_send(@extschema@.survival_summary) RETURNS bytea
AS 'MODULE_PATHNAME', 'survival_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- EXTENDED storage: a summary holds one entry per distinct tenure, which
-- may be many, and compresses well
CREATE TYPE @extschema@.survival_summary (
    INPUT = loyalty_kpi_internal.survival_summary_in, OUTPUT = loyalty_kpi_internal.survival_summary_out,
    RECEIVE = loyalty_kpi_internal.survival_summary_recv, SEND = loyalty_kpi_internal.survival_summary_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.survival_summary IS
    'Customers churned (events) and still active (censored) at each distinct tenure: the state of survival_summary(), stored and merged with rollup(), read with survival_at(), median_survival(), rmst(), ... Text form v1;TIME:EVENTS:CENSORED;...';

CREATE FUNCTION @extschema@.survival_summary_jsonb(summary @extschema@.survival_summary) RETURNS jsonb
AS 'MODULE_PATHNAME', 'survival_summary_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_summary_jsonb(@extschema@.survival_summary) IS
    'A survival summary as jsonb: customers, events, censored and each time with its counts.';
CREATE CAST (@extschema@.survival_summary AS jsonb)
    WITH FUNCTION @extschema@.survival_summary_jsonb(@extschema@.survival_summary);

-- merging: the aggregates' combine function, rollup's transition and its window inverse
CREATE FUNCTION loyalty_kpi_internal.survival_combine(@extschema@.survival_summary, @extschema@.survival_summary)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_uncombine(@extschema@.survival_summary, @extschema@.survival_summary)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_uncombine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the canonical summary (sorted, no spare room); NULL once a window took every customer back
CREATE FUNCTION loyalty_kpi_internal.survival_summary_final(@extschema@.survival_summary)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.rollup(summary @extschema@.survival_summary) (
    SFUNC = loyalty_kpi_internal.survival_combine, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_combine, MINVFUNC = loyalty_kpi_internal.survival_uncombine,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.survival_summary) IS
    'Merges survival summaries (their counts add), for all customers from per-day or per-segment summaries. NULL when there is none.';

-- From (duration, event) rows: the duration in the caller's unit, event
-- true for a churn and false for a customer still active (censored).  Not
-- STRICT: a row with a NULL duration or event is skipped in C.
-- @each T: integer, bigint, numeric, double precision
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, @T@, boolean)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, @T@, boolean)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration @T@, event boolean) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.survival_summary(@T@, boolean) IS
    'The Kaplan-Meier summary of (duration, event) rows: event true for a churn, false for a customer still active (censored). Durations 0 or more, in any unit; NULL rows are skipped; NULL when there is none.';

-- the event as an integer column of 0 and 1 (1.12), as many tables keep it
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, @T@, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, @T@, integer)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(duration @T@, event integer) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.survival_summary(@T@, integer) IS
    'The Kaplan-Meier summary of (duration, event) rows with the event as an integer: 1 for a churn, 0 for a customer still active (censored), anything else 22023. NULL rows are skipped; NULL when there is none.';

-- @end

-- Straight from a customers table: the duration from acquired_at to
-- churned_at, or for a customer still active (churned_at NULL or after
-- as_of) to as_of, where it is censored; in time units of elapsed time (a
-- day is 24 hours), so IMMUTABLE.  Customers acquired after as_of are left
-- out.
CREATE FUNCTION loyalty_kpi_internal.survival_accum(@extschema@.survival_summary, timestamptz, timestamptz,
                                                    timestamptz, interval)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survival_retract(@extschema@.survival_summary, timestamptz, timestamptz,
                                                      timestamptz, interval)
RETURNS @extschema@.survival_summary
AS 'MODULE_PATHNAME', 'survival_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.survival_summary(acquired_at timestamptz, churned_at timestamptz,
                                              as_of timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.survival_accum, STYPE = @extschema@.survival_summary,
    FINALFUNC = loyalty_kpi_internal.survival_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survival_combine,
    MSFUNC = loyalty_kpi_internal.survival_accum, MINVFUNC = loyalty_kpi_internal.survival_retract,
    MSTYPE = @extschema@.survival_summary,
    MFINALFUNC = loyalty_kpi_internal.survival_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.survival_summary(timestamptz, timestamptz, timestamptz, interval) IS
    'The Kaplan-Meier summary of customers'' tenures from acquired_at to churned_at, or censored at as_of while active, in time units (elapsed time). Customers acquired after as_of are left out; NULL when there is none.';

-- Reading the curve.  Times are in the units of the durations; a time
-- before the first gives S = 1, after the last S's last value (R).

CREATE FUNCTION @extschema@.survival_at(summary @extschema@.survival_summary, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_at(@extschema@.survival_summary, double precision) IS
    'Kaplan-Meier estimate S(t), 0 to 1: the share of customers still active t time units after acquisition, the product over event times up to t of (at risk - events) / at risk.';

CREATE FUNCTION @extschema@.survival_stderr(summary @extschema@.survival_summary, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_stderr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_stderr(@extschema@.survival_summary, double precision) IS
    'Greenwood''s standard error of S(t): S(t) sqrt(sum of d / (n (n - d))). NULL where S(t) is 0.';

-- @each SIDE: lower, upper
CREATE FUNCTION @extschema@.survival_ci_@SIDE@(summary @extschema@.survival_summary, t double precision,
                                               level double precision DEFAULT 0.95, transform text DEFAULT 'log')
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_ci_@SIDE@' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_ci_@SIDE@(@extschema@.survival_summary, double precision, double precision, text) IS
    'Pointwise confidence interval of S(t) at the level (default 0.95), R survival''s conventions: transform ''log'' (R''s default), ''log-log'' (lifelines'' default) or ''plain''. NULL where undefined (S = 0; log-log at S = 1).';

-- @end

CREATE FUNCTION @extschema@.at_risk(summary @extschema@.survival_summary, t double precision) RETURNS bigint
AS 'MODULE_PATHNAME', 'survival_at_risk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.at_risk(@extschema@.survival_summary, double precision) IS
    'Customers at risk at time t: those whose tenure is t or longer, censored ones included.';

CREATE FUNCTION @extschema@.median_survival(summary @extschema@.survival_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'median_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.median_survival(@extschema@.survival_summary) IS
    'Median tenure as R prints it: the first time S(t) <= 0.5, or the midpoint of a stretch where S is exactly 0.5. NULL when S never reaches 0.5.';

-- @each SIDE: lower, upper
CREATE FUNCTION @extschema@.median_survival_ci_@SIDE@(summary @extschema@.survival_summary,
                                                      level double precision DEFAULT 0.95,
                                                      transform text DEFAULT 'log')
RETURNS double precision
AS 'MODULE_PATHNAME', 'median_survival_ci_@SIDE@' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.median_survival_ci_@SIDE@(@extschema@.survival_summary, double precision, text) IS
    'Confidence interval of the median tenure (R''s rule: where the pointwise limits of S cross 0.5), level default 0.95, transform ''log'', ''log-log'' or ''plain''. NULL when the limit never crosses 0.5.';

-- @end

CREATE FUNCTION @extschema@.survival_quantile(summary @extschema@.survival_summary, p double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_quantile(@extschema@.survival_summary, double precision) IS
    'The tenure by which a share p (0 to 1) of customers has churned, 1 - S(t) = p, by the median''s rule (p = 0.5 is the median). NULL when the curve never gets there.';

CREATE FUNCTION @extschema@.rmst(summary @extschema@.survival_summary, tau double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_rmst_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rmst(@extschema@.survival_summary, double precision) IS
    'Restricted mean survival time: the mean tenure within the first tau time units, the area under S from 0 to tau.';

CREATE FUNCTION @extschema@.rmst_stderr(summary @extschema@.survival_summary, tau double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survival_rmst_stderr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rmst_stderr(@extschema@.survival_summary, double precision) IS
    'Standard error of the RMST estimate up to tau (Klein and Moeschberger eq. 4.4.4, as survRM2).';

CREATE FUNCTION @extschema@.survival_curve(summary @extschema@.survival_summary,
                                           level double precision DEFAULT 0.95, transform text DEFAULT 'log')
RETURNS TABLE (duration double precision, at_risk bigint, events bigint, censored bigint,
               survival double precision, std_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'survival_curve_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_curve(@extschema@.survival_summary, double precision, text) IS
    'The whole Kaplan-Meier curve as rows, one per distinct time: at risk, events, censored, S(t), Greenwood standard error and the pointwise interval (level default 0.95, transform default ''log'').';

-- The log-rank test over the groups' summaries (GROUP BY plan, then
-- compare): its state is the array of the summaries, so no second scan of
-- the rows; the final function orders them, so the answer does not depend
-- on the order they came in.  The state's functions are the extension's,
-- with the element type declared (Citus calls them without a call
-- expression, from which PostgreSQL's polymorphic array_append would read it).
CREATE TYPE @extschema@.logrank_result AS (
    chi_square         double precision,
    degrees_of_freedom integer,           -- groups with an expected event, minus 1
    p_value            double precision,  -- NULL for fewer than two such groups
    groups             integer            -- non-empty summaries compared
);
COMMENT ON TYPE @extschema@.logrank_result IS
    'Result of logrank_test: the chi-square statistic, its degrees of freedom, the p-value and the number of groups.';

CREATE FUNCTION loyalty_kpi_internal.logrank_accum(@extschema@.survival_summary[], @extschema@.survival_summary)
RETURNS @extschema@.survival_summary[]
AS 'MODULE_PATHNAME', 'logrank_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.logrank_combine(@extschema@.survival_summary[], @extschema@.survival_summary[])
RETURNS @extschema@.survival_summary[]
AS 'MODULE_PATHNAME', 'logrank_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.logrank_final(@extschema@.survival_summary[]) RETURNS @extschema@.logrank_result
AS 'MODULE_PATHNAME', 'logrank_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.logrank_test(summary @extschema@.survival_summary) (
    SFUNC = loyalty_kpi_internal.logrank_accum, STYPE = @extschema@.survival_summary[],
    FINALFUNC = loyalty_kpi_internal.logrank_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.logrank_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.logrank_test(@extschema@.survival_summary) IS
    'Log-rank (Mantel-Haenszel) test that the groups'' survival curves are equal, over one summary per group: chi-square, degrees of freedom, p-value and groups, as R''s survdiff. NULL when there is no summary.';
