-- The stored state types of 1.4 (lifecycle_state, tier_state): text that
-- reads back exactly (what Citus ships between nodes), binary I/O, clean
-- errors for malformed values, and the time zone rule of calendar steps.
-- Then the calendar-step functions across both daylight-saving changes.
-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
SET TimeZone = 'UTC';

-- A worker-side "partial" aggregate, as Citus builds one from the
-- transition function, and the coordinator side from combine and final.
CREATE SCHEMA sim;
CREATE AGGREGATE sim.series_partial(timestamptz, timestamptz, timestamptz, timestamptz, interval)
  (SFUNC = lifecycle_accum, STYPE = lifecycle_state);
CREATE AGGREGATE sim.series_combine(lifecycle_state)
  (SFUNC = lifecycle_combine, STYPE = lifecycle_state, FINALFUNC = retention_series_final);
CREATE AGGREGATE sim.tiers_partial(text) (SFUNC = tier_accum, STYPE = tier_state);
CREATE AGGREGATE sim.tiers_combine(tier_state)
  (SFUNC = tier_combine, STYPE = tier_state, FINALFUNC = tier_distribution_final);

-- Four customers over three monthly periods, counted by hand:
--   a: 2024-01-15, stays;       b: 2024-02-10, churns 2024-03-05
--   c: 2023-12-01, churns 2024-02-01 (at a boundary: still there at its start)
--   d: 2024-03-31 23:00, stays
-- January:  S = {c} 1, N = {a} 1, E = {a, c} 2, kept 1
-- February: S = {a, c} 2, N = {b} 1, E = {a, b} 2, kept 1 (a)
-- March:    S = {a, b} 2, N = {d} 1, E = {a, d} 2, kept 1 (a)
CREATE TABLE base (id int, acquired_at timestamptz, churned_at timestamptz, tier text);
INSERT INTO base VALUES (1, '2024-01-15', NULL, 'gold'), (2, '2024-02-10', '2024-03-05', 'silver'),
                        (3, '2023-12-01', '2024-02-01', 'gold'), (4, '2024-03-31 23:00', NULL, 'say "hi"\');
SELECT sim.series_partial(acquired_at, churned_at, '2024-01-01', '2024-04-01', '1 month') AS state
FROM base \gset
SELECT :'state' AS state_text;
-- the text reads back to the same value, and so does the binary form
SELECT :'state'::lifecycle_state::text = :'state' AS text_round_trip;
CREATE TABLE kept_states (s lifecycle_state, t tier_state);
INSERT INTO kept_states
SELECT sim.series_partial(acquired_at, churned_at, '2024-01-01', '2024-04-01', '1 month'), sim.tiers_partial(tier)
FROM base;
SELECT t AS tier_state_text FROM kept_states;
\set file '/tmp/lk_state_types_' :client_encoding '.bin'
COPY kept_states TO :'file' (FORMAT binary);
CREATE TABLE read_back (LIKE kept_states);
COPY read_back FROM :'file' (FORMAT binary);
SELECT r.s::text = k.s::text AND r.t::text = k.t::text AS binary_round_trip FROM read_back r, kept_states k;
-- two "workers" (odd and even ids), shipped as text, combined: the same as one scan
SELECT (unnest(sim.series_combine(s::text::lifecycle_state))).*
FROM (SELECT sim.series_partial(acquired_at, churned_at, '2024-01-01', '2024-04-01', '1 month') AS s
      FROM base GROUP BY id % 2) w;
SELECT sim.tiers_combine(t::text::tier_state) AS tiers
FROM (SELECT sim.tiers_partial(tier) AS t FROM base GROUP BY id % 2) w;

-- states counted in different time zones are not merged: the same first
-- and last instant, but months counted in New York end at other instants
SET TimeZone = 'America/New_York';
SELECT sim.series_partial(acquired_at, churned_at, '2024-01-01 00:00+00', '2024-04-01 00:00+00', '1 month') AS ny_state
FROM base \gset
SET TimeZone = 'UTC';
SELECT sim.series_combine(s) FROM (VALUES (:'state'::lifecycle_state), (:'ny_state'::lifecycle_state)) v(s);

-- malformed text: 22P02 with the reason
SELECT 'v2;rows=0'::lifecycle_state;
SELECT replace(:'state', 'rows=4', 'rows=1')::lifecycle_state;
SELECT replace(:'state', 'acquired=1,1,1', 'acquired=1,1')::lifecycle_state;
SELECT replace(:'state', 'basis=all', 'basis=some')::lifecycle_state;
SELECT (:'state' || ',1')::lifecycle_state;
SELECT 'v1;members=2;tiers=1;2:"gold'::tier_state;
SELECT 'v1;members=3;tiers=2;2:"gold";1:"gold"'::tier_state;
SELECT 'v1;members=3;tiers=1;2:"gold"'::tier_state;

-- Calendar steps across daylight saving (America/New_York: 2024-03-10
-- has 23 hours, 2024-11-03 has 25): a day step stays at local midnight, an
-- hour step is an hour of elapsed time.
SET TimeZone = 'America/New_York';
CREATE TABLE dst (acquired_at timestamptz);
INSERT INTO dst VALUES ('2024-03-09 23:30'), ('2024-03-10 23:30'), ('2024-03-11 00:30'),
                       ('2024-11-02 23:30'), ('2024-11-03 23:30'), ('2024-11-04 00:30');
SELECT period_start, period_end, period_end - period_start AS length, new_count
FROM unnest((SELECT retention_series(acquired_at, NULL, '2024-03-09', '2024-03-12', '1 day') FROM dst));
SELECT period_start, period_end, period_end - period_start AS length, new_count
FROM unnest((SELECT retention_series(acquired_at, NULL, '2024-11-02', '2024-11-05', '1 day') FROM dst));
-- hours: 01:00 to 04:00 local on 2024-03-10 is two hours of elapsed time
SELECT period_start, period_end
FROM unnest((SELECT retention_series(acquired_at, NULL, '2024-03-10 01:00', '2024-03-10 04:00', '1 hour') FROM dst));
-- active_rate's window is counted back from as_of in local time: 1 day
-- before 2024-03-11 00:00 is 2024-03-10 00:00 (23 hours earlier)
SELECT active_rate(last, '2024-03-11 00:00', '1 day') AS active_pct
FROM (VALUES (timestamptz '2024-03-10 00:30'), ('2024-03-09 23:30')) v(last);
-- btyd_summary's weeks in local time across the spring change
SELECT btyd_summary(t, 10, date '2024-03-24', '7 days')
FROM (VALUES (timestamptz '2024-03-03 12:00'), ('2024-03-10 12:00'), ('2024-03-17 12:00')) v(t);
RESET TimeZone;
