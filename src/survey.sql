/* ---------------------------------------------------------------------
 * Survey KPIs (src/survey.c): NPS, CSAT, CES and CLI share one summary
 * type, the counts of answers per value of the scale.
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.survey_summary;

CREATE FUNCTION loyalty_kpi_internal.survey_summary_in(cstring) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survey_summary_out(@extschema@.survey_summary) RETURNS cstring
AS 'MODULE_PATHNAME', 'survey_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survey_summary_recv(internal) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survey_summary_send(@extschema@.survey_summary) RETURNS bytea
AS 'MODULE_PATHNAME', 'survey_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- PLAIN storage: the value is small, and a 4-byte header keeps its int64
-- counts aligned, so reading one never needs a copy.
CREATE TYPE @extschema@.survey_summary (
    INPUT = loyalty_kpi_internal.survey_summary_in, OUTPUT = loyalty_kpi_internal.survey_summary_out,
    RECEIVE = loyalty_kpi_internal.survey_summary_recv, SEND = loyalty_kpi_internal.survey_summary_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE @extschema@.survey_summary IS
    'Counts of survey answers by value, with kind (nps, csat, ces, cli) and scale: the state of the survey aggregates, stored and merged with rollup(). Text form v1:KIND:LO-HI:COUNTS.';

-- Equality: the stored form is canonical, so equal summaries have equal
-- bytes.  The hash opclass lets DISTINCT, GROUP BY and UNION use it.
CREATE FUNCTION @extschema@.survey_summary_eq(a @extschema@.survey_summary, b @extschema@.survey_summary) RETURNS boolean
AS 'MODULE_PATHNAME', 'survey_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survey_summary_eq(@extschema@.survey_summary, @extschema@.survey_summary) IS
    'Whether two survey summaries are equal: same kind, scale and counts (the = operator).';

CREATE FUNCTION @extschema@.survey_summary_ne(a @extschema@.survey_summary, b @extschema@.survey_summary) RETURNS boolean
AS 'MODULE_PATHNAME', 'survey_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survey_summary_ne(@extschema@.survey_summary, @extschema@.survey_summary) IS
    'Whether two survey summaries differ (the <> operator).';

CREATE FUNCTION @extschema@.survey_summary_hash(summary @extschema@.survey_summary) RETURNS integer
AS 'MODULE_PATHNAME', 'survey_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survey_summary_hash(@extschema@.survey_summary) IS
    'Hash of a survey summary, for DISTINCT, GROUP BY and UNION.';

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

-- jsonb: named fields instead of the text form
CREATE FUNCTION @extschema@.survey_summary_jsonb(summary @extschema@.survey_summary) RETURNS jsonb
AS 'MODULE_PATHNAME', 'survey_summary_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survey_summary_jsonb(@extschema@.survey_summary) IS
    'A survey summary as jsonb: kind, low, high, total and the counts by value.';
CREATE CAST (@extschema@.survey_summary AS jsonb) WITH FUNCTION @extschema@.survey_summary_jsonb(@extschema@.survey_summary);

-- the summary as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.answer_counts(summary @extschema@.survey_summary)
RETURNS TABLE (answer integer, responses bigint, percent double precision)
AS 'MODULE_PATHNAME', 'survey_answer_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 11;
COMMENT ON FUNCTION @extschema@.answer_counts(@extschema@.survey_summary) IS
    'A survey summary as a table: every answer of its scale (a CLI summary: every sum of its three answers), how many gave it, and its share of the answers, %.';

-- Merging summaries: the combine function of every survey aggregate, and
-- the transition (and window inverse) of rollup().

CREATE FUNCTION loyalty_kpi_internal.survey_combine(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survey_uncombine(@extschema@.survey_summary, @extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_uncombine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.survey_summary_final(@extschema@.survey_summary)
RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'survey_summary_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.rollup(summary @extschema@.survey_summary) (
    SFUNC = loyalty_kpi_internal.survey_combine, STYPE = @extschema@.survey_summary,
    FINALFUNC = loyalty_kpi_internal.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.survey_combine, MINVFUNC = loyalty_kpi_internal.survey_uncombine,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = loyalty_kpi_internal.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.survey_summary) IS
    'Merges survey summaries of one kind and scale (their counts add), for months from daily summaries and sliding windows. NULL when there is none.';

-- Accessors.  nps(), csat(), ces() and cli() are also the final functions
-- of nps_agg(), csat_agg(), ces_agg() and cli_score().

CREATE FUNCTION @extschema@.responses(summary @extschema@.survey_summary) RETURNS bigint
AS 'MODULE_PATHNAME', 'survey_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.responses(@extschema@.survey_summary) IS
    'Number of answers in a survey summary (CLI: respondents who gave all three).';

CREATE FUNCTION @extschema@.mean_score(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'survey_mean_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mean_score(@extschema@.survey_summary) IS
    'Mean answer of a survey summary (for CLI, the CLI); NULL for an empty summary.';

CREATE FUNCTION @extschema@.nps(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nps(@extschema@.survey_summary) IS
    'NPS of an NPS summary: % promoters minus % detractors, from -100 to 100; NULL for an empty summary.';

CREATE FUNCTION @extschema@.promoters(summary @extschema@.survey_summary) RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.promoters(@extschema@.survey_summary) IS
    'Number of promoters (scores 9-10) in an NPS summary.';

CREATE FUNCTION @extschema@.passives(summary @extschema@.survey_summary) RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.passives(@extschema@.survey_summary) IS
    'Number of passives (scores 7-8) in an NPS summary.';

CREATE FUNCTION @extschema@.detractors(summary @extschema@.survey_summary) RETURNS bigint
AS 'MODULE_PATHNAME', 'nps_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.detractors(@extschema@.survey_summary) IS
    'Number of detractors (scores 0-6) in an NPS summary.';

CREATE FUNCTION @extschema@.nps_stderr(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_stderr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nps_stderr(@extschema@.survey_summary) IS
    'Standard error of the NPS of a summary, in NPS points: 100 sqrt((p + d - (p - d)^2) / n); NULL for an empty summary.';

CREATE FUNCTION @extschema@.nps_ci_lower(summary @extschema@.survey_summary, level double precision DEFAULT 0.95)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_ci_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nps_ci_lower(@extschema@.survey_summary, double precision) IS
    'Lower bound of the NPS confidence interval at the level (default 0.95), adjusted Wald, in NPS points; NULL for an empty summary.';

CREATE FUNCTION @extschema@.nps_ci_upper(summary @extschema@.survey_summary, level double precision DEFAULT 0.95)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_ci_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nps_ci_upper(@extschema@.survey_summary, double precision) IS
    'Upper bound of the NPS confidence interval at the level (default 0.95), adjusted Wald, in NPS points; NULL for an empty summary.';

CREATE FUNCTION @extschema@.nps_diff_pvalue(a @extschema@.survey_summary, b @extschema@.survey_summary)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nps_diff_pvalue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nps_diff_pvalue(@extschema@.survey_summary, @extschema@.survey_summary) IS
    'Two-sided p-value, 0 to 1, that the NPS of two summaries differ (adjusted Wald z test); NULL when either is empty.';

CREATE FUNCTION @extschema@.csat(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.csat(@extschema@.survey_summary) IS
    'CSAT of a CSAT summary: % of answers in the top two values; NULL for an empty summary.';

CREATE FUNCTION @extschema@.ces(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'ces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ces(@extschema@.survey_summary) IS
    'CES of a CES summary: the mean answer, 1-7; NULL for an empty summary.';

CREATE FUNCTION @extschema@.ces_easy_share(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'ces_easy_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ces_easy_share(@extschema@.survey_summary) IS
    'Share of easy answers (5-7) in a CES summary, %; NULL for an empty summary.';

CREATE FUNCTION @extschema@.cli(summary @extschema@.survey_summary) RETURNS double precision
AS 'MODULE_PATHNAME', 'cli' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cli(@extschema@.survey_summary) IS
    'CLI of a CLI summary: the mean answer, 1-6; NULL for an empty summary.';

-- The aggregates, for each type an answer may come in.  Every kind has a
-- transition pair (accum, and retract for sliding windows; not STRICT, so
-- a NULL answer is skipped in C rather than ending the state), a direct
-- aggregate that gives the KPI and a summary aggregate that gives the
-- survey_summary to store.  real and double precision answers get the
-- same whole-number and range checks as numeric: 7.5 is an error, not
-- the 8 that a cast to integer would make of it.

-- @each T: smallint, integer, bigint, numeric, real, double precision
CREATE FUNCTION loyalty_kpi_internal.nps_accum(@extschema@.survey_summary, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.nps_retract(@extschema@.survey_summary, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'nps_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.nps_agg(score @T@) (
    SFUNC = loyalty_kpi_internal.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.nps, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.nps_accum, MINVFUNC = loyalty_kpi_internal.nps_retract,
    MSTYPE = @extschema@.survey_summary, MFINALFUNC = @extschema@.nps, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.nps_agg(@T@) IS
    'Net Promoter Score of 0-10 scores: % promoters (9-10) minus % detractors (0-6), from -100 to 100. NULL scores are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.nps_summary(score @T@) (
    SFUNC = loyalty_kpi_internal.nps_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = loyalty_kpi_internal.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.nps_accum, MINVFUNC = loyalty_kpi_internal.nps_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = loyalty_kpi_internal.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.nps_summary(@T@) IS
    'The counts of 0-10 scores as a survey_summary, to store and merge with rollup(); read with nps(), promoters(), nps_ci_lower(), ... NULL when there is no score.';

CREATE FUNCTION loyalty_kpi_internal.csat_accum(@extschema@.survey_summary, @T@, integer) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.csat_retract(@extschema@.survey_summary, @T@, integer) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'csat_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.csat_agg(answer @T@, scale integer) (
    SFUNC = loyalty_kpi_internal.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.csat, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.csat_accum, MINVFUNC = loyalty_kpi_internal.csat_retract,
    MSTYPE = @extschema@.survey_summary, MFINALFUNC = @extschema@.csat, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.csat_agg(@T@, integer) IS
    'Customer satisfaction, %: answers in the top two values of a 1-to-scale question (4-5 on 1-5). NULL answers are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.csat_summary(answer @T@, scale integer) (
    SFUNC = loyalty_kpi_internal.csat_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = loyalty_kpi_internal.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.csat_accum, MINVFUNC = loyalty_kpi_internal.csat_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = loyalty_kpi_internal.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.csat_summary(@T@, integer) IS
    'The counts of 1-to-scale CSAT answers as a survey_summary; read with csat(), mean_score(). NULL when there is no answer.';

CREATE FUNCTION loyalty_kpi_internal.ces_accum(@extschema@.survey_summary, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.ces_retract(@extschema@.survey_summary, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'ces_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ces_agg(answer @T@) (
    SFUNC = loyalty_kpi_internal.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.ces, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.ces_accum, MINVFUNC = loyalty_kpi_internal.ces_retract,
    MSTYPE = @extschema@.survey_summary, MFINALFUNC = @extschema@.ces, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.ces_agg(@T@) IS
    'Customer Effort Score: the mean of 1-7 answers (7 = easiest). NULL answers are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.ces_summary(answer @T@) (
    SFUNC = loyalty_kpi_internal.ces_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = loyalty_kpi_internal.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.ces_accum, MINVFUNC = loyalty_kpi_internal.ces_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = loyalty_kpi_internal.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.ces_summary(@T@) IS
    'The counts of 1-7 CES answers as a survey_summary; read with ces(), ces_easy_share(). NULL when there is no answer.';

CREATE FUNCTION loyalty_kpi_internal.cli_accum(@extschema@.survey_summary, @T@, @T@, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cli_retract(@extschema@.survey_summary, @T@, @T@, @T@) RETURNS @extschema@.survey_summary
AS 'MODULE_PATHNAME', 'cli_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.cli_score(recommend @T@, repurchase @T@, try_other @T@) (
    SFUNC = loyalty_kpi_internal.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = @extschema@.cli, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.cli_accum, MINVFUNC = loyalty_kpi_internal.cli_retract,
    MSTYPE = @extschema@.survey_summary, MFINALFUNC = @extschema@.cli, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cli_score(@T@, @T@, @T@) IS
    'Customer Loyalty Index: the mean 1-6 answer to recommend, repurchase and try other products, over respondents who gave all three; NULL when none did.';

CREATE AGGREGATE @extschema@.cli_summary(recommend @T@, repurchase @T@, try_other @T@) (
    SFUNC = loyalty_kpi_internal.cli_accum, STYPE = @extschema@.survey_summary,
    FINALFUNC = loyalty_kpi_internal.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.survey_combine,
    MSFUNC = loyalty_kpi_internal.cli_accum, MINVFUNC = loyalty_kpi_internal.cli_retract,
    MSTYPE = @extschema@.survey_summary,
    MFINALFUNC = loyalty_kpi_internal.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cli_summary(@T@, @T@, @T@) IS
    'The counts of respondents'' three-answer totals (3-18) as a survey_summary; read with cli(). NULL when no respondent gave all three answers.';

-- @end
