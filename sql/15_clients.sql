-- A real client reads the KPI views: psycopg2, as a BI tool or a notebook
-- would (test/clients/read_views.py prints one line per check).
SET TimeZone = 'UTC';
CREATE TABLE client_surveys AS
SELECT g, CASE WHEN g <= 10 THEN 'online' ELSE 'retail' END AS segment,
       -- online: 4 promoters, 4 passives, 2 detractors (NPS 20); retail: 2, 4, 4 (NPS -20)
       (ARRAY[10, 9, 9, 10, 7, 8, 7, 8, 3, 5, 10, 9, 7, 8, 7, 8, 3, 5, 0, 6])[g] AS score,
       1 + g % 5 AS csat
FROM generate_series(1, 20) g;
CREATE VIEW kpi_by_segment AS
SELECT segment, nps_agg(score) AS nps, csat_agg(csat, 5) AS csat, responses(nps_summary(score)) AS responses
FROM client_surveys GROUP BY segment;
CREATE VIEW daily_summaries AS
SELECT segment, nps_summary(score) AS nps FROM client_surveys GROUP BY segment;
CREATE TABLE client_customers AS
SELECT timestamptz '2024-01-15 00:00+00' + (g % 300) * interval '1 day' AS acquired_at,
       CASE WHEN g % 4 = 0 THEN timestamptz '2024-01-15 00:00+00' + (g % 300 + 30 + g % 200) * interval '1 day' END AS churned_at
FROM generate_series(1, 500) g;
CREATE VIEW monthly_retention AS
SELECT * FROM unnest((SELECT retention_series(acquired_at, churned_at, '2024-01-01 00:00+00', '2025-01-01 00:00+00', '1 month')
                      FROM client_customers));
CREATE TABLE cdnow_for_clients (id int, frequency int, recency float8, t float8);
\copy cdnow_for_clients FROM '../shared/data/cdnow/cdnow_customers_summary.csv' CSV HEADER
CREATE VIEW fitted AS SELECT bgnbd_fit(frequency, recency, t, interval '7 days') AS bg FROM cdnow_for_clients;
\! /usr/bin/python3 test/clients/read_views.py contrib_regression
