-- Bulk data for the indicator benchmark: incoming documents with their department assignments,
-- specialists and routing history, and public service dossiers, over the two years up to today.
-- Run step by step by kpi.py in one session (temporary tables), with the parameters of
-- kpi.py's generation_params(). Dates are drawn on the statutory working-day calendar (the same
-- calendar.sql as the hand-written aggregate), times in office hours of the agency's time zone,
-- stored in UTC as Odoo stores them.

-- step: calendar
CREATE TEMP TABLE bench_day AS
WITH __CALENDAR__
SELECT day, working, idx FROM bench_wd;
CREATE TEMP TABLE bench_wday AS SELECT idx, day FROM bench_day WHERE working;
CREATE UNIQUE INDEX ON bench_wday (idx);
ANALYZE bench_day;
ANALYZE bench_wday;
SELECT setseed(%(seed)s);

-- step: draw documents
-- One row per document: its lead department's assignment (received, deadline after k working
-- days, done after an exponential number of working days with mean 0.45 k, so about 11 percent
-- late), and whether a cooperating department gets a share. Rows done after now are open; a
-- few are cancelled or returned, a few are forgotten (open long past their deadline).
CREATE TEMP TABLE bench_draw AS
SELECT s.*, r.day AS r_day, dl.day AS deadline, dn.day AS done_day
  FROM (
    SELECT g AS n,
           %(lo_idx)s + floor(random() * (%(hi_idx)s - %(lo_idx)s + 1))::int AS r_idx,
           floor(power(random(), 1.6) * %(n_departments)s)::int AS dept_slot,
           (ARRAY[3, 5, 5, 7, 7, 10, 10, 15, 20])[1 + floor(random() * 9)::int] AS k,
           -ln(1 - random()) AS p_raw,
           random() AS fate,
           random() AS t_received,
           random() AS t_done,
           random() AS coop,
           random() AS u
      FROM generate_series(1, %(n_documents)s) AS g
  ) s
  JOIN bench_wday r ON r.idx = s.r_idx
  JOIN bench_wday dl ON dl.idx = s.r_idx + s.k
  LEFT JOIN bench_wday dn ON dn.idx = s.r_idx + floor(s.p_raw * s.k * 0.45)::int;

CREATE TEMP TABLE bench_doc AS
SELECT d.n,
       %(doc_base)s + d.n AS doc_id,
       %(asg_base)s + d.n AS asg_id,
       (%(departments)s::int[])[1 + d.dept_slot] AS department_id,
       (%(departments)s::int[])[1 + (d.dept_slot + 1 + floor(d.u * (%(n_departments)s - 1))::int) %% %(n_departments)s] AS coop_department_id,
       d.coop < %(coop_share)s AS has_coop,
       d.r_day, d.deadline, d.u, d.k,
       x.received,
       CASE
         WHEN d.fate < 0.012 THEN 'cancelled'
         WHEN d.fate < 0.02 THEN 'returned'
         WHEN d.fate < 0.035 OR d.done_day IS NULL OR y.done > %(now)s THEN
           CASE WHEN d.r_day >= %(today)s::date - 2 AND d.u < 0.6 THEN 'new' ELSE 'in_progress' END
         ELSE 'done'
       END AS state,
       y.done
  FROM bench_draw d
 CROSS JOIN LATERAL (
       SELECT LEAST(((d.r_day + time '07:30' + d.t_received * interval '9 hours 30 minutes') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC',
                    %(now)s::timestamp - d.t_received * interval '1 hour') AS received) x
 CROSS JOIN LATERAL (
       SELECT CASE WHEN d.done_day = d.r_day
                   THEN x.received + d.t_done * interval '3 hours'
                   ELSE ((d.done_day + time '07:30' + d.t_done * interval '10 hours') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC'
              END AS done) y;
DROP TABLE bench_draw;

-- step: insert documents
INSERT INTO moh_incoming_document (
    id, company_id, register_id, number, year, document_type_id, leader_id, lead_department_id,
    name, state, channel, sender_name, number_symbol, urgency, confidentiality, deadline, issue_date,
    abstract, completed_late, done_date, received_date, create_uid, write_uid, create_date, write_date)
SELECT b.doc_id, %(company_id)s, %(register_id)s, %(number_base)s + b.n, extract(year FROM b.r_day)::int,
       %(document_type_id)s, %(leader_id)s, b.department_id,
       lpad((%(number_base)s + b.n)::text, 2, '0') || '/' || extract(year FROM b.r_day)::int || ' - ' || b.n || '/SYT-NVY',
       CASE b.state WHEN 'done' THEN 'done' WHEN 'cancelled' THEN 'cancelled' WHEN 'returned' THEN 'submitted' ELSE 'in_progress' END,
       (ARRAY['paper', 'edxml', 'edxml', 'edxml', 'email', 'paper', 'paper', 'edxml', 'email', 'portal'])[1 + (b.n * 7) %% 10],
       'Sở Y tế tỉnh số ' || (b.n %% 63 + 1),
       b.n || '/SYT-NVY',
       CASE WHEN b.u < 0.85 THEN 'normal' WHEN b.u < 0.96 THEN 'urgent' WHEN b.u < 0.99 THEN 'very_urgent' ELSE 'flash' END,
       CASE WHEN b.u > 0.03 THEN 'normal' ELSE 'confidential' END,
       b.deadline, b.r_day - (b.n %% 6),
       'Về việc triển khai công tác y tế, văn bản số ' || b.n,
       CASE WHEN b.state = 'done' THEN (b.done AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date > b.deadline ELSE FALSE END,
       CASE WHEN b.state = 'done' THEN b.done END,
       b.received, %(uid)s, %(uid)s, b.received, COALESCE(CASE WHEN b.state = 'done' THEN b.done END, b.received)
  FROM bench_doc b;
SELECT setval('moh_incoming_document_id_seq', (SELECT MAX(id) FROM moh_incoming_document));

-- step: insert assignments
-- The lead assignment of every document, and a cooperating share for some: another department,
-- the same deadline, done a little earlier than the lead (or open while the lead is).
INSERT INTO moh_document_assignment (
    id, document_id, company_id, department_id, assigned_by_id, leader_id, role, state, urgency,
    confidentiality, deadline, completed_late, done_date, create_uid, write_uid, create_date, write_date)
SELECT a.id, b.doc_id, %(company_id)s, a.department_id, %(leader_id)s, %(leader_id)s, a.role, a.state,
       CASE WHEN b.u < 0.85 THEN 'normal' WHEN b.u < 0.96 THEN 'urgent' WHEN b.u < 0.99 THEN 'very_urgent' ELSE 'flash' END,
       CASE WHEN b.u > 0.03 THEN 'normal' ELSE 'confidential' END,
       b.deadline,
       CASE WHEN a.state = 'done' THEN (a.done AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date > b.deadline ELSE FALSE END,
       CASE WHEN a.state = 'done' THEN a.done END,
       %(uid)s, %(uid)s, a.created, COALESCE(CASE WHEN a.state = 'done' THEN a.done END, a.created)
  FROM bench_doc b
 CROSS JOIN LATERAL (
       SELECT b.asg_id AS id, b.department_id, 'lead' AS role, b.state, b.done,
              b.received + (b.n %% 120) * interval '1 minute' AS created
        UNION ALL
       SELECT %(asg_base)s + %(n_documents)s + b.n, b.coop_department_id, 'cooperate',
              CASE WHEN b.state = 'returned' THEN 'in_progress' ELSE b.state END,
              b.received + (b.done - b.received) * (0.5 + b.u / 2),
              b.received + (b.n %% 120) * interval '1 minute'
        WHERE b.has_coop
       ) a
 ORDER BY a.id;
SELECT setval('moh_document_assignment_id_seq', (SELECT MAX(id) FROM moh_document_assignment));

-- step: insert specialists
-- One specialist on every assignment a department head has passed on.
INSERT INTO moh_document_assignment_res_users_rel (moh_document_assignment_id, res_users_id)
SELECT a.id, (%(specialists)s::int[])[1 + a.id %% %(n_specialists)s]
  FROM moh_document_assignment a
 WHERE a.id > %(asg_base)s AND a.state IN ('in_progress', 'done');

-- step: insert routing history
-- For a share of the documents: registered, directed to the lead department, completed.
INSERT INTO moh_document_trace (document_id, assignment_id, user_id, department_id, action, date,
                                create_uid, write_uid, create_date, write_date)
SELECT b.doc_id, t.assignment_id, t.user_id, t.department_id, t.action, t.date, t.user_id, t.user_id, t.date, t.date
  FROM bench_doc b
 CROSS JOIN LATERAL (
       SELECT NULL::int AS assignment_id, %(clerk_id)s AS user_id, NULL::int AS department_id, 'register' AS action, b.received AS date
        UNION ALL
       SELECT b.asg_id, %(leader_id)s, b.department_id, 'assign', b.received + (b.n %% 120) * interval '1 minute'
        UNION ALL
       SELECT b.asg_id, (%(specialists)s::int[])[1 + b.asg_id %% %(n_specialists)s], b.department_id, 'complete', b.done
        WHERE b.state = 'done'
       ) t
 WHERE b.u < %(trace_share)s;

-- step: draw dossiers
-- Dossiers received on working days, due after their procedure's processing days, done after an
-- exponential number of working days with mean half of them (about 13 percent late); a few
-- refused, closed or stopped, a few not yet received (no receipt date, outside the indicators).
CREATE TEMP TABLE bench_dossier AS
SELECT s.*, r.day AS r_day, dl.day AS deadline, dn.day AS done_day,
       (%(procedures)s::int[])[1 + s.slot] AS procedure_id,
       (%(procedure_departments)s::int[])[1 + s.slot] AS department_id,
       (%(procedure_fees)s::numeric[])[1 + s.slot] AS fee
  FROM (
    SELECT g AS n,
           %(lo_idx)s + floor(random() * (%(hi_idx)s - %(lo_idx)s + 1))::int AS r_idx,
           floor(random() * %(n_procedures)s)::int AS slot,
           -ln(1 - random()) AS p_raw,
           random() AS fate, random() AS t_received, random() AS t_done, random() AS u, random() AS v
      FROM generate_series(1, %(n_dossiers)s) AS g
  ) s
  JOIN bench_wday r ON r.idx = s.r_idx
  JOIN bench_wday dl ON dl.idx = s.r_idx + (%(procedure_days)s::int[])[1 + s.slot]
  LEFT JOIN bench_wday dn ON dn.idx = s.r_idx + floor(s.p_raw * (%(procedure_days)s::int[])[1 + s.slot] * 0.5)::int;

-- step: insert dossiers
INSERT INTO moh_dossier (
    procedure_id, company_id, partner_id, department_id, specialist_id, register_id, receipt_day, code_sequence,
    name, code, state, channel, payment_state, fee_amount, paid_online, rating, outcome, deadline, first_deadline,
    completed_late, done_date, submitted_at, received_at, result_attachment_id, digitised,
    create_uid, write_uid, create_date, write_date)
SELECT x.procedure_id, %(company_id)s, (%(partners)s::int[])[1 + x.n %% %(n_partners)s], x.department_id,
       (%(specialists)s::int[])[1 + x.n %% %(n_specialists)s], %(dossier_register_id)s,
       CASE WHEN x.received IS NOT NULL THEN to_char(x.r_day, 'YYMMDD')::int END,
       CASE WHEN x.received IS NOT NULL THEN x.n END,
       'BENCH.' || to_char(x.r_day, 'YYMMDD') || '.' || lpad(x.n::text, 6, '0'),
       CASE WHEN x.received IS NOT NULL THEN 'BENCH.' || to_char(x.r_day, 'YYMMDD') || '.' || lpad(x.n::text, 6, '0') END,
       x.state, x.channel,
       CASE WHEN x.fee = 0 THEN 'none' WHEN x.v < 0.95 OR x.state = 'done' THEN 'paid' ELSE 'pending' END,
       x.fee,
       x.fee > 0 AND (x.v < 0.95 OR x.state = 'done') AND (x.channel = 'online' OR x.v < 0.25),
       CASE WHEN x.state = 'done' AND x.u < 0.35 THEN
            CASE WHEN x.v < 0.55 THEN '3' WHEN x.v < 0.9 THEN '2' ELSE '1' END END,
       CASE WHEN x.state = 'done' THEN
            CASE WHEN x.done_local < x.deadline THEN 'early' WHEN x.done_local = x.deadline THEN 'on_time' ELSE 'late' END END,
       CASE WHEN x.received IS NOT NULL THEN x.deadline END,
       CASE WHEN x.received IS NOT NULL THEN x.deadline END,
       CASE WHEN x.state = 'done' THEN x.done_local > x.deadline ELSE FALSE END,
       CASE WHEN x.state IN ('done', 'refused', 'closed') THEN x.done END,
       x.submitted, x.received,
       CASE WHEN x.state = 'done' AND x.v < 0.75 THEN %(attachment_id)s END,
       x.channel = 'online',
       %(uid)s, %(uid)s, x.submitted, COALESCE(CASE WHEN x.state IN ('done', 'refused', 'closed') THEN x.done END, x.received, x.submitted)
  FROM (
    SELECT d.*, t.received_time - interval '1 day' * (1 + d.n %% 3) AS submitted,
           CASE WHEN d.fate >= 0.02 THEN t.received_time END AS received,
           CASE WHEN d.u < 0.7 THEN 'online' ELSE 'counter' END AS channel,
           CASE
             WHEN d.fate < 0.005 THEN 'draft'
             WHEN d.fate < 0.012 THEN 'submitted'
             WHEN d.fate < 0.02 THEN 'supplement'
             WHEN d.fate < 0.06 THEN 'refused'
             WHEN d.fate < 0.07 THEN 'closed'
             WHEN d.fate < 0.08 THEN 'stopped'
             WHEN d.done_day IS NULL OR t.done_time > %(now)s THEN
               CASE WHEN d.u < 0.3 THEN 'received' WHEN d.u < 0.85 THEN 'processing' ELSE 'approval' END
             ELSE 'done'
           END AS state,
           t.done_time AS done,
           (t.done_time AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS done_local
      FROM bench_dossier d
     CROSS JOIN LATERAL (
           SELECT LEAST(((d.r_day + time '07:30' + d.t_received * interval '9 hours 30 minutes') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC',
                        %(now)s::timestamp - d.t_received * interval '1 hour') AS received_time) r
     CROSS JOIN LATERAL (
           SELECT CASE WHEN d.done_day = d.r_day THEN r.received_time + d.t_done * interval '3 hours'
                       ELSE ((d.done_day + time '07:30' + d.t_done * interval '10 hours') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC'
                  END AS done_time,
                  r.received_time) t
  ) x
 ORDER BY x.n;
DROP TABLE bench_dossier;

-- step: insert dossier documents
-- Every online dossier holds its files; about 60 percent of counter dossiers were scanned.
INSERT INTO moh_dossier_document (dossier_id, attachment_id, name, mimetype, file_size, uploaded_at,
                                  create_uid, write_uid, create_date, write_date)
SELECT d.id, %(attachment_id)s, 'don-de-nghi.pdf', 'application/pdf', 48213, COALESCE(d.received_at, d.submitted_at),
       %(uid)s, %(uid)s, COALESCE(d.received_at, d.submitted_at), COALESCE(d.received_at, d.submitted_at)
  FROM moh_dossier d
 WHERE d.id > %(dossier_base)s AND (d.channel = 'online' OR d.id %% 10 < 6);
-- The scanned counter dossiers are digitised (moh.dossier.digitised, stored by the ORM).
UPDATE moh_dossier d SET digitised = TRUE
 WHERE d.id > %(dossier_base)s AND NOT d.digitised
   AND EXISTS (SELECT 1 FROM moh_dossier_document x WHERE x.dossier_id = d.id);

-- step: analyze
DROP TABLE bench_doc;
ANALYZE moh_incoming_document;
ANALYZE moh_document_assignment;
ANALYZE moh_document_assignment_res_users_rel;
ANALYZE moh_document_trace;
ANALYZE moh_dossier;
ANALYZE moh_dossier_document;
