-- The dashboard's per-department figures for public service dossiers, written by hand on the
-- base table: the dossiers received (complete), dates in the agency's time zone, a completion
-- only for a result returned (state done), working days from calendar.sql. Only the rows that
-- can count are read: received in the period, done in it or after the reference day, or still
-- open. Same columns as moh.kpi.dashboard._moh_aggregate():
-- department, received, completed, completed on time, completed late, open on time, open
-- overdue, average and 90th percentile (nearest rank) of working days from receipt to
-- completion, open items by working days since receipt (0-2, 3-5, 6-10, 11-20, over 20).
-- Parameters: those of calendar.sql, and %(tz)s, %(start)s, %(end)s, %(ref)s (the reference
-- day), %(start_utc)s, %(end_utc)s (the local midnights starting the period and ending it, in
-- UTC), %(done_from_utc)s (the earlier of the period's start and the day after the reference day).
WITH __CALENDAR__,
items AS (
    SELECT d.department_id,
           (d.received_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS received,
           CASE WHEN d.state = 'done' THEN (d.done_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date END AS done,
           d.deadline,
           d.state IN ('received', 'processing', 'approval') AS is_open,
           COALESCE(d.completed_late, FALSE) AS late
      FROM moh_dossier d
     WHERE d.received_at IS NOT NULL AND d.received_at < %(end_utc)s
       AND (d.state IN ('received', 'processing', 'approval') OR d.received_at >= %(start_utc)s
            OR (d.state = 'done' AND d.done_date >= %(done_from_utc)s))
    OFFSET 0  -- each date once per row, not once per figure that uses it
),
flagged AS (
    SELECT i.department_id, i.received, i.deadline, i.late,
           NOT i.is_open AND i.done BETWEEN %(start)s AND %(end)s AS completed,
           i.received <= %(ref)s AND (i.is_open OR i.done > %(ref)s) AS still_open,
           (SELECT idx FROM bench_index)[i.done - %(cal_from)s::date + 1]
             - (SELECT idx FROM bench_index)[i.received - %(cal_from)s::date + 1] AS days,
           (SELECT idx FROM bench_index)[%(ref)s::date - %(cal_from)s::date + 1]
             - (SELECT idx FROM bench_index)[i.received - %(cal_from)s::date + 1] AS age
      FROM items i
    OFFSET 0
)
SELECT department_id,
       COUNT(*) FILTER (WHERE received >= %(start)s),
       COUNT(*) FILTER (WHERE completed),
       COUNT(*) FILTER (WHERE completed AND NOT late),
       COUNT(*) FILTER (WHERE completed AND late),
       COUNT(*) FILTER (WHERE still_open AND (deadline IS NULL OR deadline >= %(ref)s)),
       COUNT(*) FILTER (WHERE still_open AND deadline < %(ref)s),
       AVG(days) FILTER (WHERE completed),
       PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY days) FILTER (WHERE completed),
       COUNT(*) FILTER (WHERE still_open AND age BETWEEN 0 AND 2),
       COUNT(*) FILTER (WHERE still_open AND age BETWEEN 3 AND 5),
       COUNT(*) FILTER (WHERE still_open AND age BETWEEN 6 AND 10),
       COUNT(*) FILTER (WHERE still_open AND age BETWEEN 11 AND 20),
       COUNT(*) FILTER (WHERE still_open AND age >= 21)
  FROM flagged
 GROUP BY department_id
