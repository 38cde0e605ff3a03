"""The floor of the database for the province scorecard: one hand-written SQL statement computing, for
every unit, the same aggregates as `training.selectors.unit_capability_facts` and
`inspections.selectors.unit_inspection_facts` (the facts the scorecard engine turns into criteria): the
hours ledger in tiết (completed courses' `attended_periods` + approved external `periods` against the
rule's tiết a year) and the attendance marks (one person at one session held in the period, confirmed
enrollment, class not cancelled; attended = present, late or left early).

No ORM: the statement is written out with CTEs (SQLite and PostgreSQL), the only vendor-specific parts
being the local date of a timestamp (`+m.session_id`, SQLite's way to keep the planner off an index, is a
no-op on PostgreSQL). `bench_scorecards.py` times it next to the application and checks
that both give the same figures for every unit.
"""

from __future__ import annotations

import datetime as dt

# Columns in the order the statement returns them, after unit_id.
CAPABILITY = (
    "headcount",
    "hours_met",
    "mandatory_enrolled",
    "mandatory_completed",
    "attendance_marks",
    "attendance_attended",
    "assessed",
    "certified",
)
INSPECTION = (
    "service_culture_score",
    "service_culture_self_score",
    "discipline_score",
    "discipline_self_score",
    "actions_due",
    "actions_closed_on_time",
    "self_inspections_due",
    "self_inspections_on_time",
)

SQL = """
WITH attr AS (
    SELECT s.id AS staff_id, s.category, s.rank_code, s.job_position,
        (SELECT h.unit_id FROM staff_staffunithistory h
          WHERE h.staff_id = s.id AND h.start_date <= %(end)s AND (h.end_date IS NULL OR h.end_date >= %(start)s)
          ORDER BY CASE WHEN h.end_date IS NULL OR h.end_date >= %(end)s THEN 0 ELSE 1 END,
                   h.start_date DESC, h.id DESC
          LIMIT 1) AS unit_id
    FROM staff_staff s WHERE s.status = 'active'
),
done AS (
    SELECT e.staff_id, SUM(e.attended_periods) AS periods
    FROM training_enrollment e JOIN training_trainingclass c ON c.id = e.training_class_id
    WHERE e.outcome = 'completed' AND c.end_date >= %(year_start)s AND c.end_date <= %(year_end)s
    GROUP BY e.staff_id
),
external AS (
    SELECT x.staff_id, SUM(x.periods) AS periods FROM training_externaltraining x
    WHERE x.status = 'approved' AND x.end_date >= %(year_start)s AND x.end_date <= %(year_end)s
    GROUP BY x.staff_id
),
hours AS (
    SELECT a.unit_id, COUNT(*) AS headcount,
        SUM(CASE WHEN COALESCE(d.periods, 0) + COALESCE(x.periods, 0) >= {required} THEN 1 ELSE 0 END) AS met
    FROM attr a LEFT JOIN done d ON d.staff_id = a.staff_id LEFT JOIN external x ON x.staff_id = a.staff_id
    WHERE a.unit_id IS NOT NULL
    GROUP BY a.unit_id
),
enrolled AS (
    SELECT a.unit_id,
        SUM(CASE WHEN e.status = 'confirmed' AND co.is_mandatory THEN 1 ELSE 0 END) AS mandatory_enrolled,
        SUM(CASE WHEN e.status = 'confirmed' AND co.is_mandatory AND e.outcome = 'completed' THEN 1 ELSE 0 END)
            AS mandatory_completed,
        SUM(CASE WHEN c.status = 'completed' AND co.issues_certificate AND e.outcome <> '' THEN 1 ELSE 0 END)
            AS assessed,
        SUM(CASE WHEN c.status = 'completed' AND co.issues_certificate AND e.outcome <> ''
                  AND cert.id IS NOT NULL THEN 1 ELSE 0 END) AS certified
    FROM training_enrollment e
    JOIN attr a ON a.staff_id = e.staff_id
    JOIN training_trainingclass c ON c.id = e.training_class_id
    JOIN training_course co ON co.id = c.course_id
    LEFT JOIN training_certificate cert ON cert.enrollment_id = e.id
    WHERE c.end_date >= %(start)s AND c.end_date <= %(end)s AND c.status <> 'cancelled' AND a.unit_id IS NOT NULL
    GROUP BY a.unit_id
),
marks AS (
    SELECT a.unit_id, COUNT(*) AS marks,
        SUM(CASE WHEN m.status IN ('excused', 'unexcused') THEN 0 ELSE 1 END) AS attended
    FROM training_attendance m
    JOIN training_enrollment e ON e.id = m.enrollment_id
    JOIN training_trainingclass c ON c.id = e.training_class_id
    JOIN attr a ON a.staff_id = e.staff_id
    WHERE +m.session_id IN (
        SELECT cs.id FROM training_classsession cs WHERE cs.date >= %(start)s AND cs.date <= %(end)s
    )
      AND e.status = 'confirmed' AND c.status <> 'cancelled' AND a.unit_id IS NOT NULL
    GROUP BY a.unit_id
),
scores AS (
    SELECT i.unit_id,
        AVG(CASE WHEN i.kind = 'service_culture' AND NOT i.is_self THEN i.total_percent END) AS sc,
        AVG(CASE WHEN i.kind = 'service_culture' AND i.is_self THEN i.total_percent END) AS sc_self,
        AVG(CASE WHEN i.kind = 'discipline' AND NOT i.is_self THEN i.total_percent END) AS dis,
        AVG(CASE WHEN i.kind = 'discipline' AND i.is_self THEN i.total_percent END) AS dis_self
    FROM inspections_inspection i
    WHERE i.status = 'approved' AND i.inspected_on >= %(start)s AND i.inspected_on <= %(end)s
      AND i.kind IN ('service_culture', 'discipline') AND i.total_percent IS NOT NULL
    GROUP BY i.unit_id
),
actions AS (
    SELECT ca.unit_id, COUNT(*) AS due,
        SUM(CASE WHEN ca.status IN ('done', 'verified') AND ca.completed_on IS NOT NULL
                  AND ca.completed_on <= ca.due_date THEN 1 ELSE 0 END) AS on_time
    FROM inspections_correctiveaction ca
    WHERE ca.due_date >= %(start)s AND ca.due_date <= %(end)s
    GROUP BY ca.unit_id
),
selfs AS (
    SELECT asg.unit_id, COUNT(*) AS due,
        SUM(CASE WHEN i.submitted_at IS NOT NULL AND {local_day} <= asg.due_date THEN 1 ELSE 0 END) AS on_time
    FROM inspections_assignment asg LEFT JOIN inspections_inspection i ON i.assignment_id = asg.id
    WHERE asg.is_self AND asg.due_date >= %(start)s AND asg.due_date <= %(end)s
    GROUP BY asg.unit_id
)
SELECT u.id,
    hours.headcount, hours.met, enrolled.mandatory_enrolled, enrolled.mandatory_completed,
    marks.marks, marks.attended, enrolled.assessed, enrolled.certified,
    scores.sc, scores.sc_self, scores.dis, scores.dis_self,
    actions.due, actions.on_time, selfs.due, selfs.on_time
FROM staff_unit u
LEFT JOIN hours ON hours.unit_id = u.id
LEFT JOIN enrolled ON enrolled.unit_id = u.id
LEFT JOIN marks ON marks.unit_id = u.id
LEFT JOIN scores ON scores.unit_id = u.id
LEFT JOIN actions ON actions.unit_id = u.id
LEFT JOIN selfs ON selfs.unit_id = u.id
"""

LOCAL_DAY = {
    # Asia/Ho_Chi_Minh has no daylight saving time: +07:00 all year.
    "sqlite": "date(i.submitted_at, '+7 hours')",
    "postgresql": "(i.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
}


def required_case(rules, default: int) -> str:
    """The yearly requirement of a person (`attr` row `a`) as a CASE written out from the rules in force,
    the most specific first (the same order as `training.selectors.requirement_for`). Values are quoted
    by hand: codes and categories are short identifiers from the database, tiết integers."""

    def quote(text: str) -> str:
        return "'" + str(text).replace("'", "''") + "'"

    ranked = sorted(
        rules,
        reverse=True,
        key=lambda r: (
            sum(bool(x) for x in (r.staff_category, r.job_position, r.rank_code, r.unit_id)),
            r.unit.depth if r.unit_id else -1,
            r.effective_year,
            r.pk,
        ),
    )
    whens = []
    for rule in ranked:
        conditions = []
        if rule.staff_category:
            conditions.append(f"a.category = {quote(rule.staff_category)}")
        if rule.job_position:
            conditions.append(f"lower(trim(a.job_position)) = {quote(rule.job_position.strip().lower())}")
        if rule.rank_code:
            conditions.append(f"a.rank_code = {quote(rule.rank_code)}")
        if rule.unit_id:
            conditions.append(
                "a.unit_id IN (SELECT id FROM staff_unit WHERE path LIKE "
                f"{quote(rule.unit.path.replace('%', '').replace('_', '') + '%')})"
            )
        if not conditions:
            default = rule.periods_per_year
            break
        whens.append(f"WHEN {' AND '.join(conditions)} THEN {int(rule.periods_per_year)}")
    if not whens:
        return str(int(default))
    return f"(CASE {' '.join(whens)} ELSE {int(default)} END)"


def province_facts(connection, *, start: dt.date, end: dt.date, required: str) -> dict:
    """{unit_id: (capability tuple, inspection tuple)} for every unit, in one statement."""
    sql = SQL.format(required=required, local_day=LOCAL_DAY[connection.vendor])
    params = {
        "start": start,
        "end": end,
        "year_start": dt.date(end.year, 1, 1),
        "year_end": dt.date(end.year, 12, 31),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: (row[1:9], row[9:17]) for row in rows}
