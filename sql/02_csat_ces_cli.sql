-- CSAT, CES and CLI against values computed by hand.

-- CSAT on 1-5: answers 5,5,4,3,2,1,4 (and a NULL): top two boxes (4, 5) hold
-- 4 of 7 -> 57.142857...; mean 24 / 7 = 3.428571...
CREATE TABLE csat5 (answer int);
INSERT INTO csat5 VALUES (5), (5), (4), (3), (2), (1), (4), (NULL);
SELECT csat_agg(answer, 5) AS int4, csat_agg(answer::smallint, 5) AS int2,
       csat_agg(answer::bigint, 5) AS int8, csat_agg(answer::numeric, 5) AS numeric
FROM csat5;
SELECT s, responses(s), csat(s), mean_score(s)
FROM (SELECT csat_summary(answer, 5) AS s FROM csat5) q;
-- CSAT on 1-10: 10, 9, 8, 1 -> top two boxes (9, 10) hold 2 of 4 = 50; mean 7
SELECT csat_agg(x, 10), mean_score(csat_summary(x, 10))
FROM (VALUES (10), (9), (8), (1)) v(x);
-- on 1-4 the top two boxes are 3 and 4: 3, 4, 1, 2, 2 -> 2 of 5 = 40
SELECT csat_agg(x, 4) FROM (VALUES (3), (4), (1), (2), (2)) v(x);

-- CES: 7, 6, 5, 4, 1 -> mean 23 / 5 = 4.6; easy (5-7) 3 of 5 = 60
CREATE TABLE ces_answers (answer int);
INSERT INTO ces_answers VALUES (7), (6), (5), (4), (1), (NULL);
SELECT ces_agg(answer) AS int4, ces_agg(answer::bigint) AS int8, ces_agg(answer::numeric) AS numeric
FROM ces_answers;
SELECT s, responses(s), ces(s), ces_easy_share(s), mean_score(s)
FROM (SELECT ces_summary(answer) AS s FROM ces_answers) q;

-- CLI: a respondent's CLI is the mean of three 1-6 answers, the group's the
-- mean over respondents.  (6,5,4) -> 5, (1,2,3) -> 2, (6,6,6) -> 6,
-- (3,3,4) -> 10/3; (NULL,5,5) answered partly and is skipped whole.
-- Group CLI = (15 + 6 + 18 + 10) / 12 = 49 / 12 = 4.083333...
CREATE TABLE cli_answers (recommend int, repurchase int, try_other int);
INSERT INTO cli_answers VALUES (6, 5, 4), (1, 2, 3), (6, 6, 6), (3, 3, 4), (NULL, 5, 5);
SELECT cli_score(recommend, repurchase, try_other) AS int4,
       cli_score(recommend::smallint, repurchase::smallint, try_other::smallint) AS int2,
       cli_score(recommend::numeric, repurchase::numeric, try_other::numeric) AS numeric
FROM cli_answers;
-- the summary counts respondents by their total of three answers, 3..18
SELECT s, responses(s), cli(s), mean_score(s)
FROM (SELECT cli_summary(recommend, repurchase, try_other) AS s FROM cli_answers) q;
-- only partly answered respondents: NULL
SELECT cli_score(a, b, c) FROM (VALUES (1, NULL::int, 2), (NULL, NULL, NULL)) v(a, b, c);

-- empty and NULL-only input gives NULL
SELECT csat_agg(x, 5), csat_summary(x, 5), ces_agg(x), ces_summary(x)
FROM (VALUES (NULL::int)) v(x);
SELECT csat_agg(answer, 5), ces_agg(answer), cli_score(answer, answer, answer) FROM csat5 WHERE false;

-- bad input
SELECT csat_agg(x, 5) FROM (VALUES (0)) v(x);
SELECT csat_agg(x, 5) FROM (VALUES (6)) v(x);
SELECT csat_agg(x, 5) FROM (VALUES (4.5)) v(x);
SELECT csat_agg(x, 3) FROM (VALUES (1)) v(x);
SELECT csat_agg(x, 11) FROM (VALUES (1)) v(x);
SELECT csat_agg(x, NULL) FROM (VALUES (1)) v(x);
SELECT csat_agg(x, s) FROM (VALUES (1, 5), (2, 7)) v(x, s);
SELECT ces_agg(x) FROM (VALUES (8)) v(x);
SELECT ces_agg(x) FROM (VALUES (0::bigint)) v(x);
SELECT cli_score(a, b, c) FROM (VALUES (1, 7, 2)) v(a, b, c);
SELECT cli_score(a, b, c) FROM (VALUES (0, 1, 2)) v(a, b, c);
-- accessors refuse summaries of other KPIs
SELECT csat('v1:ces:1-7:1,1,1,1,1,1,1');
SELECT ces('v1:csat:1-7:1,1,1,1,1,1,1');
SELECT ces_easy_share('v1:nps:0-10:1,1,1,1,1,1,1,1,1,1,1');
SELECT cli('v1:ces:1-7:1,1,1,1,1,1,1');
