-- The statutory working-day calendar of a company, in SQL, as a list of CTEs ending in
-- bench_wd(day, working, idx): every day from %(cal_from)s to %(cal_to)s, whether it is worked,
-- and the number of working days up to and including it; and bench_index(idx): the same
-- numbers as one array, the day D's at idx[D - %(cal_from)s + 1]. The same rules as
-- resource.calendar._moh_working_calendar() and moh_core.calendar.WorkingCalendar:
--   * the calendar is the company's statutory one (moh_calendar_id), else its working hours;
--   * worked weekdays are those of its attendances (sections and lunch breaks left out);
--   * a global leave (no resource) makes a day a holiday when it covers the whole office time of
--     that local day (office time: the first worked weekday's first start to last end, 08:00-17:00
--     without attendances);
--   * a compensatory working day (moh_compensatory_workday) is worked whatever its weekday.
-- Parameters: %(company_id)s, %(cal_from)s, %(cal_to)s.
bench_cal AS (
    SELECT c.id AS calendar_id, COALESCE(c.tz, 'Asia/Ho_Chi_Minh') AS tz
      FROM res_company co
      JOIN resource_calendar c ON c.id = COALESCE(co.moh_calendar_id, co.resource_calendar_id)
     WHERE co.id = %(company_id)s
),
bench_att AS (
    SELECT a.dayofweek::int AS dow, a.hour_from, a.hour_to
      FROM resource_calendar_attendance a
      JOIN bench_cal c ON c.calendar_id = a.calendar_id
     WHERE a.display_type IS NULL AND a.day_period IS DISTINCT FROM 'lunch'
),
bench_first_interval AS (  -- office intervals of the first worked weekday, as times
    SELECT CASE WHEN round(a.hour_from * 60) >= 1440 THEN time '23:59:59'
                ELSE time '00:00' + make_interval(mins => round(a.hour_from * 60)::int) END AS t_from,
           CASE WHEN round(a.hour_to * 60) >= 1440 THEN time '23:59:59'
                ELSE time '00:00' + make_interval(mins => round(a.hour_to * 60)::int) END AS t_to
      FROM bench_att a
     WHERE a.dow = (SELECT MIN(dow) FROM bench_att) AND a.hour_to > a.hour_from
),
bench_span AS (
    SELECT COALESCE((SELECT t_from FROM bench_first_interval ORDER BY t_from, t_to LIMIT 1), time '08:00') AS day_start,
           COALESCE((SELECT t_to FROM bench_first_interval ORDER BY t_from DESC, t_to DESC LIMIT 1), time '17:00') AS day_end
),
bench_holiday AS (
    SELECT DISTINCT g.day::date AS day
      FROM resource_calendar_leaves l
      JOIN bench_cal c ON c.calendar_id = l.calendar_id
     CROSS JOIN bench_span s
     CROSS JOIN LATERAL (SELECT l.date_from AT TIME ZONE 'UTC' AT TIME ZONE c.tz AS local_from,
                                l.date_to AT TIME ZONE 'UTC' AT TIME ZONE c.tz AS local_to) x
     CROSS JOIN LATERAL generate_series(x.local_from::date, x.local_to::date, interval '1 day') AS g(day)
     WHERE l.resource_id IS NULL
       AND x.local_from <= g.day::date + s.day_start
       AND x.local_to >= g.day::date + s.day_end
),
bench_extra AS (
    SELECT w.date AS day FROM moh_compensatory_workday w JOIN bench_cal c ON c.calendar_id = w.calendar_id
),
bench_days AS (
    SELECT g.day::date AS day,
           (g.day::date IN (SELECT day FROM bench_extra)
            OR ((extract(isodow FROM g.day)::int - 1) IN (SELECT dow FROM bench_att)
                AND g.day::date NOT IN (SELECT day FROM bench_holiday))) AS working
      FROM generate_series(%(cal_from)s::date, %(cal_to)s::date, interval '1 day') AS g(day)
),
bench_wd AS (
    SELECT day, working, (SUM(working::int) OVER (ORDER BY day))::int AS idx FROM bench_days
),
bench_index AS (
    SELECT array_agg(idx ORDER BY day) AS idx FROM bench_wd
)
