#!/usr/bin/python3
"""A client application reading KPI views, as a BI tool or a notebook does:
psycopg2 (Debian's python3-psycopg2) against the views sql/15_clients.sql
creates.  Checks the values and the Python types each column arrives as,
and prints one line per check, which pg_regress compares with the expected
output.  Usage: read_views.py DBNAME (host and port from PGHOST, PGPORT)."""
import datetime
import decimal
import sys

import psycopg2

conn = psycopg2.connect(dbname=sys.argv[1])
cur = conn.cursor()
# calendar months are counted in the session's time zone
cur.execute("SET TimeZone = 'UTC'")


def check(what, ok):
    print(("ok" if ok else "NOT OK") + " - " + what)


# flat KPI columns: double precision arrives as float, counts as int
cur.execute("SELECT segment, nps, csat, responses FROM kpi_by_segment ORDER BY segment")
rows = cur.fetchall()
check("flat KPIs: one row per segment", [r[0] for r in rows] == ["online", "retail"])
check("flat KPIs: NPS and CSAT arrive as float, responses as int",
      all(isinstance(r[1], float) and isinstance(r[2], float) and isinstance(r[3], int) for r in rows))
check("flat KPIs: the values are the ones SQL computed by hand (online NPS 20, retail NPS -20)",
      abs(rows[0][1] - 20.0) < 1e-9 and abs(rows[1][1] + 20.0) < 1e-9)

# an unnested series: timestamps as datetime, counts as int, a rate NULL as None
cur.execute("SELECT period_start, start_count, retention_rate FROM monthly_retention ORDER BY period_start")
series = cur.fetchall()
check("series: twelve months", len(series) == 12)
check("series: period_start arrives as an aware datetime",
      all(isinstance(r[0], datetime.datetime) and r[0].tzinfo is not None for r in series))
check("series: counts as int; a month with no customers at its start has a NULL rate, None",
      all(isinstance(r[1], int) for r in series) and series[0][1] == 0 and series[0][2] is None)
check("series: later rates arrive as float",
      all(isinstance(r[2], float) for r in series[1:]))

# a model: its parameters as floats, and the whole model as a dict through jsonb
cur.execute("SELECT parameter(bg, 'r'), standard_error(bg, 'r'), converged(bg), bg::jsonb FROM fitted")
r, se, converged, as_json = cur.fetchone()
check("model: parameter and standard error arrive as float, converged as bool",
      isinstance(r, float) and isinstance(se, float) and converged is True)
check("model: CDNOW's published r (0.2426)", round(r, 4) == 0.2426)
check("model: the jsonb cast arrives as a dict with named parameters",
      isinstance(as_json, dict) and round(as_json["parameters"]["alpha"]["estimate"], 2) == 4.41
      and as_json["time_unit"] == "7 days" and as_json["converged"] is True)

# a summary as jsonb: a dict of counts, where its text form would be one string
cur.execute("SELECT nps::jsonb, nps::text FROM daily_summaries ORDER BY segment LIMIT 1")
as_json, as_text = cur.fetchone()
check("summary: jsonb arrives as a dict with the kind and the counts by value",
      as_json["kind"] == "nps" and sum(as_json["counts"].values()) == as_json["total"] == 10)
check("summary: the text form arrives as one string", isinstance(as_text, str) and as_text.startswith("v1:nps:"))

# a numeric KPI cast by the view arrives as Decimal
cur.execute("SELECT round(nps::numeric, 1) FROM kpi_by_segment ORDER BY segment LIMIT 1")
check("a KPI the view rounds to numeric arrives as Decimal", isinstance(cur.fetchone()[0], decimal.Decimal))
conn.close()
