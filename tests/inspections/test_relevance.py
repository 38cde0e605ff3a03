"""XLSForm `relevant`: the safe evaluator, validation at import and edit time, and the server rule:
an item whose condition is false is not required, left out of score and maximum, and an answer sent
to it is dropped."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.xlsx import ImportRejected
from inspections import relevance, services
from inspections.importers import xlsform_import
from inspections.models import Answer, AnswerType
from inspections.services import AnswerInput, ItemSpec, SectionSpec
from staff.access import system_actor
from tests.inspections.test_xlsform import GOOD_ROWS, _workbook

VALUES = {"A": "no", "B": "3", "C": "yes", "M": "x y", "P": "72.5", "E": ""}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("${A} = 'no'", True),
        ('${A} = "yes"', False),
        ("${A} != 'yes'", True),
        ("${B} >= 3", True),
        ("${B} > 3", False),
        ("${B} < 10", True),  # numbers compare as numbers, not as text ("3" > "10")
        ("${P} <= 72.5 and ${P} > 70", True),
        ("${B} = 3.0", True),
        ("${E} < 5", False),  # unanswered: no numeric comparison holds
        ("${E} = ''", True),
        ("${MISSING} = ''", True),
        ("selected(${M}, 'y')", True),
        ("selected(${M}, 'z')", False),
        ("selected(${C}, 'yes')", True),
        ("${A} = 'yes' or ${C} = 'yes'", True),
        ("${A} = 'yes' or ${C} = 'no' and ${B} = 3", False),  # and binds tighter than or
        ("(${A} = 'yes' or ${C} = 'yes') and ${B} = 3", True),
        ("not(${A} = 'no')", False),
        ("not(${A} = 'yes') and not(selected(${M}, 'z'))", True),
        ("  ", True),
    ],
)
def test_the_evaluator(text, expected):
    assert relevance.evaluate(relevance.parse(text), VALUES) is expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("${A} = ", "Cần ${code} hoặc một giá trị, nhưng gặp “hết biểu thức”"),
        ("${A} == 'x'", "Cần"),
        ("${A} = 'x' and", "Cần"),
        ("(${A} = 'x'", "Cần )"),
        ("${A} = 'x')", "Thừa “)”"),
        ("${A} = 'x' && ${B} = 1", "Không đọc được"),
        ("__import__('os') = 1", "Từ không hợp lệ"),
        ("selected(${A})", "Cần ,"),
        ("${A} = 'unterminated", "Không đọc được"),
        ("'x' = 'x' " + "and 'x' = 'x' " * 60, "dài quá"),
    ],
)
def test_bad_syntax_is_refused_with_a_message(text, message):
    with pytest.raises(relevance.RelevanceError) as exc:
        relevance.parse(text)
    assert message in str(exc.value)


def test_references_must_be_known_items_above():
    assert relevance.check("${A} = 'no' or selected(${B}, 'x')", code="C", earlier=["A", "B"])["or"]
    with pytest.raises(relevance.RelevanceError, match=r"Không có tiêu chí \$\{Z\}"):
        relevance.check("${Z} = 'no'", code="C", earlier=["A"])
    with pytest.raises(relevance.RelevanceError, match="chính tiêu chí C"):
        relevance.check("${C} = 'no'", code="C", earlier=["A"])


def _with_relevant(expressions):
    """GOOD_ROWS with a `relevant` column (I) holding expressions by survey row number."""
    wb = load_workbook(io.BytesIO(_workbook(GOOD_ROWS)))
    ws = wb["survey"]
    ws.cell(row=1, column=9, value="relevant")
    for row, text in expressions.items():
        ws.cell(row=row, column=9, value=text)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_bad_expression_in_a_workbook_names_sheet_row_and_column(db):
    # An unknown name is refused by pyxform itself, with its sheet and row.
    with pytest.raises(ImportRejected) as exc:
        xlsform_import(data=_with_relevant({4: "${NOPE} = 'no'", 3: "${A-01} ="}), actor=system_actor())
    [message] = [str(e) for e in exc.value.errors]
    assert message.startswith("survey, hàng 4: Không phải XLSForm hợp lệ (pyxform):") and "'NOPE'" in message
    # An expression pyxform lets through but CongVu cannot evaluate is left out (the import summary names
    # it): the item is always shown rather than hidden by a rule nobody can read.
    version = xlsform_import(data=_with_relevant({3: "${A-01} ="}), actor=system_actor())
    assert version.items.get(code="A-02").relevant == ""
    version = xlsform_import(data=_with_relevant({4: "${A-01} = 'no'"}), actor=system_actor())
    assert version.items.get(code="A-02").relevant == "${A-01} = 'no'"


def test_a_bad_expression_is_refused_by_the_content_service(checklist):
    draft = services.version_new_draft(actor=system_actor(), template=checklist.template)
    with pytest.raises(ValidationError) as exc:
        services.version_set_content(
            actor=system_actor(),
            version=draft,
            sections=[
                SectionSpec(
                    code="S",
                    title_vi="S",
                    items=[
                        ItemSpec(code="X", text_vi="a", answer_type="yes_no_na", relevant="${Y} = 'no'"),
                        ItemSpec(code="Y", text_vi="b", answer_type="yes_no_na"),
                    ],
                )
            ],
        )
    assert exc.value.messages == [
        "Tiêu chí X, điều kiện hiển thị: Không có tiêu chí ${Y}: biểu thức chỉ được tham chiếu các tiêu chí phía trên."
    ]


# --------------------------------------------------------------------------------- server rule
@pytest.fixture
def conditional(plan, tree, team):
    """Q1 yes/no (weight 2); Q2 (weight 4, required) only when Q1 = no; Q3 scale (weight 2) only when
    Q2 is answered 'no' or Q1 is 'na' — so hiding Q2 hides Q3 too."""
    template = services.template_create(actor=system_actor(), code="COND", name_vi="Có điều kiện", kind="other")
    version = template.versions.get()
    services.version_set_content(
        actor=system_actor(),
        version=version,
        sections=[
            SectionSpec(
                code="S",
                title_vi="S",
                items=[
                    ItemSpec(code="Q1", text_vi="Có nội quy?", answer_type=AnswerType.YES_NO_NA, weight=Decimal(2)),
                    ItemSpec(
                        code="Q2",
                        text_vi="Đã nhắc nhở?",
                        answer_type=AnswerType.YES_NO_NA,
                        weight=Decimal(4),
                        relevant="${Q1} = 'no'",
                    ),
                    ItemSpec(
                        code="Q3",
                        text_vi="Mức khắc phục",
                        answer_type=AnswerType.SCALE_0_4,
                        weight=Decimal(2),
                        relevant="${Q2} = 'no' or ${Q1} = 'na'",
                    ),
                ],
            )
        ],
    )
    version = services.version_publish(actor=system_actor(), version=version)
    return services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 6, 30),
        lead=team["lead"],
        members=[team["member"]],
    )


def test_a_skipped_item_is_not_required_and_not_scored(conditional, team):
    inspection = services.inspection_save(
        actor=team["lead"], assignment=conditional, submit=True, answers=[AnswerInput("Q1", "yes")]
    )
    assert (inspection.score, inspection.max_score, inspection.total_percent) == (Decimal(2), Decimal(2), Decimal(100))


def test_a_relevant_item_is_required_at_submit(conditional, team):
    with pytest.raises(ValidationError) as exc:
        services.inspection_save(
            actor=team["lead"], assignment=conditional, submit=True, answers=[AnswerInput("Q1", "no")]
        )
    assert exc.value.message_dict == {"missing": ["Q2 – Đã nhắc nhở?: chưa trả lời."]}
    inspection = services.inspection_save(
        actor=team["lead"],
        assignment=conditional,
        submit=True,
        answers=[AnswerInput("Q1", "no"), AnswerInput("Q2", "no"), AnswerInput("Q3", "2")],
    )
    assert (inspection.score, inspection.max_score) == (Decimal(1), Decimal(8))  # 0 + 0 + 2×0.5 of 2 + 4 + 2


def test_an_answer_to_a_skipped_item_is_dropped(conditional, team):
    inspection = services.inspection_save(
        actor=team["lead"],
        assignment=conditional,
        submit=False,
        answers=[AnswerInput("Q1", "no"), AnswerInput("Q2", "no"), AnswerInput("Q3", "0")],
    )
    assert set(Answer.objects.filter(inspection=inspection).values_list("item__code", flat=True)) == {"Q1", "Q2", "Q3"}
    # Q1 changes to yes: Q2 and (through it) Q3 are no longer relevant; their answers go.
    inspection = services.inspection_save(
        actor=team["lead"],
        assignment=conditional,
        submit=True,
        answers=[AnswerInput("Q1", "yes"), AnswerInput("Q2", "no"), AnswerInput("Q3", "0")],
    )
    assert list(Answer.objects.filter(inspection=inspection).values_list("item__code", flat=True)) == ["Q1"]
    assert (inspection.total_percent, inspection.answered, inspection.findings.count()) == (Decimal(100), 1, 0)


def test_an_amendment_that_hides_an_item_empties_its_answer(conditional, team):
    inspection = services.inspection_save(
        actor=team["member"],
        assignment=conditional,
        submit=True,
        answers=[AnswerInput("Q1", "no"), AnswerInput("Q2", "no"), AnswerInput("Q3", "0")],
    )
    inspection = services.inspection_approve(actor=team["lead"], inspection=inspection)
    assert inspection.findings.count() == 3
    services.inspection_amend(
        actor=team["lead"], inspection=inspection, reason="Nhầm", answers=[AnswerInput("Q1", "yes")]
    )
    inspection.refresh_from_db()
    assert (inspection.score, inspection.max_score) == (Decimal(2), Decimal(2))
    assert inspection.findings.count() == 0


def test_the_filling_screen_carries_the_parsed_condition_for_the_script(login, conditional, team):
    html = login(team["lead"]).get(reverse("inspections:fill", args=[conditional.pk])).content.decode()
    assert (
        'data-relevant="{&quot;cmp&quot;: [&quot;=&quot;, {&quot;ref&quot;: &quot;Q1&quot;}, '
        '{&quot;lit&quot;: &quot;no&quot;}]}"' in html
    )
    assert "/static/inspections/relevance.js" in html
    assert "<script" not in html.split("</main>")[0]
    # Without the script every item is shown; the server drops what is not relevant.
    response = login(team["lead"]).post(
        reverse("inspections:fill", args=[conditional.pk]), {"a-Q1": "yes", "a-Q2": "no", "action": "submit"}
    )
    assert response.status_code == 302
    assert list(Answer.objects.values_list("item__code", flat=True)) == ["Q1"]
