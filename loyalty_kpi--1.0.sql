/*
 * loyalty_kpi 1.0: install script.
 *
 * Every name is qualified with @extschema@ so that nothing a user put on the
 * search_path can capture a reference while the script runs (the extension
 * is trusted: a database owner may install it).  Every function computes
 * only: IMMUTABLE, PARALLEL SAFE, and STRICT where NULL in means NULL out.
 * The C bodies are in src/, each under the name its SQL function gives.
 */

\echo Use "CREATE EXTENSION loyalty_kpi" to load this file. \quit

/* ---------------------------------------------------------------------
 * Survey KPIs (src/survey.c): NPS, CSAT, CES and CLI share one summary
 * type, the counts of answers per value of the scale.
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.survey_summary;

CREATE FUNCTION @extschema@.survey_summary_in(cstring)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_out(@extschema@.survey_summary)
RETURNS cstring
AS 'MODULE_PATHNAME', 'survey_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_recv(internal)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_send(@extschema@.survey_summary)
RETURNS bytea
AS 'MODULE_PATHNAME', 'survey_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- PLAIN storage: the value is small, and a 4-byte header keeps its int64
-- counts aligned, so reading one never needs a copy.
CREATE TYPE @extschema@.survey_summary (
    INPUT = @extschema@.survey_summary_in,
    OUTPUT = @extschema@.survey_summary_out,
    RECEIVE = @extschema@.survey_summary_recv,
    SEND = @extschema@.survey_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);

COMMENT ON TYPE @extschema@.survey_summary IS
'answer counts per value of a survey scale (NPS, CSAT, CES or CLI); merge with rollup(), read with the accessors';

-- Equality: the stored form is canonical, so equal summaries have equal
-- bytes.  The hash opclass lets DISTINCT, GROUP BY and UNION use it.
CREATE FUNCTION @extschema@.survey_summary_eq(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS boolean
AS 'MODULE_PATHNAME', 'survey_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_ne(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS boolean
AS 'MODULE_PATHNAME', 'survey_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_hash(@extschema@.survey_summary)
RETURNS integer
AS 'MODULE_PATHNAME', 'survey_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.survey_summary, RIGHTARG = @extschema@.survey_summary,
    FUNCTION = @extschema@.survey_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.survey_summary, RIGHTARG = @extschema@.survey_summary,
    FUNCTION = @extschema@.survey_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);

CREATE OPERATOR CLASS @extschema@.survey_summary_hash_ops
DEFAULT FOR TYPE @extschema@.survey_summary USING hash AS
    OPERATOR 1 @extschema@.= ,
    FUNCTION 1 @extschema@.survey_summary_hash(@extschema@.survey_summary);

-- Merging summaries: the combine function of every survey aggregate, and
-- the transition (and window inverse) of rollup().

CREATE FUNCTION @extschema@.survey_combine(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_uncombine(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_uncombine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.survey_summary_final(@extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Accessors.  nps(), csat(), ces() and cli() are also the final functions
-- of nps_agg(), csat_agg(), ces_agg() and cli_score().

CREATE FUNCTION @extschema@.responses(@extschema@.survey_summary)
RETURNS bigint
AS 'MODULE_PATHNAME', 'survey_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.mean_score(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'survey_mean_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.promoters(@extschema@.survey_summary)
RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.passives(@extschema@.survey_summary)
RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.detractors(@extschema@.survey_summary)
RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_stderr(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_stderr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_ci_lower(@extschema@.survey_summary, level double precision DEFAULT 0.95)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_ci_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_ci_upper(@extschema@.survey_summary, level double precision DEFAULT 0.95)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_ci_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_diff_pvalue(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_diff_pvalue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_easy_share(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'ces_easy_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli(@extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'cli' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- rollup(): merges summaries (daily to monthly, segments to totals).  As a
-- window aggregate it takes a leaving summary back out in O(1).
CREATE AGGREGATE @extschema@.rollup(@extschema@.survey_summary) (
    SFUNC = @extschema@.survey_combine, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.survey_combine, MINVFUNC = @extschema@.survey_uncombine,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- NPS: one transition pair per argument type, then the direct and the summary aggregate

CREATE FUNCTION @extschema@.nps_accum(@extschema@.survey_summary, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_retract(@extschema@.survey_summary, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_accum(@extschema@.survey_summary, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_retract(@extschema@.survey_summary, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_accum(@extschema@.survey_summary, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_retract(@extschema@.survey_summary, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_accum(@extschema@.survey_summary, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.nps_retract(@extschema@.survey_summary, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.nps_agg(smallint) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.nps, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.nps, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_summary(smallint) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_agg(integer) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.nps, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.nps, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_summary(integer) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_agg(bigint) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.nps, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.nps, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_summary(bigint) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_agg(numeric) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.nps, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.nps, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.nps_summary(numeric) (
    SFUNC = @extschema@.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.nps_accum, MINVFUNC = @extschema@.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- CSAT: one transition pair per argument type, then the direct and the summary aggregate

CREATE FUNCTION @extschema@.csat_accum(@extschema@.survey_summary, smallint, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_retract(@extschema@.survey_summary, smallint, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_accum(@extschema@.survey_summary, integer, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_retract(@extschema@.survey_summary, integer, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_accum(@extschema@.survey_summary, bigint, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_retract(@extschema@.survey_summary, bigint, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_accum(@extschema@.survey_summary, numeric, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.csat_retract(@extschema@.survey_summary, numeric, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.csat_agg(smallint, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.csat, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.csat, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_summary(smallint, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_agg(integer, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.csat, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.csat, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_summary(integer, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_agg(bigint, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.csat, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.csat, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_summary(bigint, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_agg(numeric, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.csat, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.csat, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.csat_summary(numeric, integer) (
    SFUNC = @extschema@.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.csat_accum, MINVFUNC = @extschema@.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- CES: one transition pair per argument type, then the direct and the summary aggregate

CREATE FUNCTION @extschema@.ces_accum(@extschema@.survey_summary, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_retract(@extschema@.survey_summary, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_accum(@extschema@.survey_summary, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_retract(@extschema@.survey_summary, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_accum(@extschema@.survey_summary, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_retract(@extschema@.survey_summary, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_accum(@extschema@.survey_summary, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ces_retract(@extschema@.survey_summary, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ces_agg(smallint) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.ces, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.ces, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_summary(smallint) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_agg(integer) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.ces, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.ces, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_summary(integer) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_agg(bigint) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.ces, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.ces, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_summary(bigint) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_agg(numeric) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.ces, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.ces, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.ces_summary(numeric) (
    SFUNC = @extschema@.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.ces_accum, MINVFUNC = @extschema@.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- CLI: one transition pair per argument type, then the direct and the summary aggregate

CREATE FUNCTION @extschema@.cli_accum(@extschema@.survey_summary, smallint, smallint, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_retract(@extschema@.survey_summary, smallint, smallint, smallint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_accum(@extschema@.survey_summary, integer, integer, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_retract(@extschema@.survey_summary, integer, integer, integer)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_accum(@extschema@.survey_summary, bigint, bigint, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_retract(@extschema@.survey_summary, bigint, bigint, bigint)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_accum(@extschema@.survey_summary, numeric, numeric, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.cli_retract(@extschema@.survey_summary, numeric, numeric, numeric)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.cli_score(smallint, smallint, smallint) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.cli, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.cli, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_summary(smallint, smallint, smallint) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_score(integer, integer, integer) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.cli, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.cli, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_summary(integer, integer, integer) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_score(bigint, bigint, bigint) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.cli, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.cli, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_summary(bigint, bigint, bigint) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_score(numeric, numeric, numeric) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.cli, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.cli, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.cli_summary(numeric, numeric, numeric) (
    SFUNC = @extschema@.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.survey_combine,
    MSFUNC = @extschema@.cli_accum, MINVFUNC = @extschema@.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

