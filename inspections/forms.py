from django import forms
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionFormMixin
from core.permissions import Perm
from core.widgets import DateInput
from inspections.models import (
    ActionStatus,
    AnswerType,
    ChecklistTemplate,
    TemplateVersion,
    VersionStatus,
)
from staff.access import subtree_bounds, unit_scope_q
from staff.forms import PeoplePickerField, UserPickerField
from staff.models import Unit
from staff.selectors import people_pick


def _units(user, perm):
    return Unit.objects.filter(unit_scope_q(user, perm), active=True).order_by("path")


class TemplateForm(forms.ModelForm):
    pass_threshold = forms.DecimalField(
        label=_("Pass threshold (%)"), initial=50, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["kind", "code", "name_vi", "name_en", "pass_threshold", "description"]


# ------------------------------------------------------------------------ on-screen template editor
class VersionSettingsForm(forms.Form):
    pass_threshold = forms.DecimalField(
        label=_("Pass threshold (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(forms.Form):
    code = forms.CharField(label=_("Section code"), max_length=40)
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=255)
    title_en = forms.CharField(label=_("Title (English)"), max_length=255, required=False)


class ItemForm(forms.Form):
    """Every field of a checklist item; the content rules are checked by the service."""

    section = forms.ChoiceField(label=_("Section"))
    code = forms.CharField(label=_("Item code"), max_length=40, help_text=_("Stable across versions."))
    text_vi = forms.CharField(label=_("Text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500, required=False)
    answer_type = forms.ChoiceField(label=_("Answer type"), choices=AnswerType.choices)
    weight = forms.DecimalField(label=_("Weight"), initial=1, max_digits=6, decimal_places=2)
    critical = forms.BooleanField(label=_("Critical"), required=False)
    failing_answers = forms.CharField(
        label=_("Failing answers"),
        required=False,
        max_length=500,
        help_text=_("Separated by “;”, e.g. no · 0;1 · <50 · missing (photo). Empty: the default for the type."),
    )
    note_required_on_failure = forms.BooleanField(label=_("Note required on failure"), required=False)
    photo_required_on_failure = forms.BooleanField(label=_("Photo required on failure"), required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    relevant = forms.CharField(
        label=_("Relevant (shown only when)"),
        required=False,
        max_length=500,
        help_text=_(
            "XLSForm condition on items above, e.g. ${I1} = 'no' · selected(${I2}, 'yes') · ${I3} >= 2 and "
            "not(${I4} = 'na'). Empty: always shown."
        ),
    )

    hint = forms.CharField(
        label=_("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the item while filling (XLSForm hint)."),
    )
    constraint = forms.CharField(
        label=_("Constraint on the answer"),
        required=False,
        max_length=500,
        help_text=_("XLSForm condition on the answer “.”, e.g. . >= 0 and . <= 100 · . != 'khong'. Empty: none."),
    )
    constraint_message = forms.CharField(
        label=_("Constraint message"),
        required=False,
        max_length=500,
        help_text=_("What the inspector reads when the answer does not meet the constraint."),
    )
    choice_list = forms.CharField(
        label=_("Choice list name"),
        required=False,
        max_length=64,
        help_text=_("For one or several choices from a list: the XLSForm list name (exported as such)."),
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.code, f"{s.code} · {s.title_vi}") for s in sections]

    def clean_failing_answers(self):
        raw = self.cleaned_data.get("failing_answers") or ""
        tokens = [t.strip() for t in raw.split(";") if t.strip()]
        return tokens or None

    @staticmethod
    def initial_from(spec, section_code) -> dict:
        return {
            "section": section_code,
            "code": spec.code,
            "text_vi": spec.text_vi,
            "text_en": spec.text_en,
            "legal_basis": spec.legal_basis,
            "answer_type": spec.answer_type,
            "weight": spec.weight,
            "critical": spec.critical,
            "failing_answers": ";".join(str(f) for f in spec.failing_answers or []),
            "note_required_on_failure": spec.note_required_on_failure,
            "photo_required_on_failure": spec.photo_required_on_failure,
            "required": spec.required,
            "relevant": spec.relevant,
            "hint": spec.hint or "",
            "constraint": spec.constraint or "",
            "constraint_message": spec.constraint_message or "",
            "choice_list": spec.choice_list or "",
        }


class ChoiceForm(forms.Form):
    """One choice of a select item's list, on the item editor (a formset: add, change, remove, order)."""

    name = forms.CharField(label=_("Choice name"), max_length=64, required=False)
    label_vi = forms.CharField(label=_("Label (Vietnamese)"), max_length=255, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=255, required=False)
    score = forms.DecimalField(label=_("Score"), max_digits=8, decimal_places=3, required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("label_vi") or data.get("label_en")) and not data.get("name"):
            self.add_error("name", _("Give the choice a name (its code), e.g. co, khong, tot."))
        return data

    def as_choice(self) -> dict | None:
        """The stored choice ({name, label_vi, label_en, score as text or None}); None for a blank row."""
        data = self.cleaned_data
        if not data.get("name"):
            return None
        score = data.get("score")
        return {
            "name": data["name"].strip(),
            "label_vi": (data.get("label_vi") or "").strip(),
            "label_en": (data.get("label_en") or "").strip(),
            "score": format(score.normalize(), "f") if score is not None else None,
        }


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=2, can_order=True, can_delete=True, max_num=200)


def choices_from_formset(formset) -> list[dict]:
    """The choices of a valid formset, in the order asked (ORDER), without the deleted and blank rows."""
    return [c for c in (f.as_choice() for f in formset.ordered_forms) if c]


class XlsFormUploadForm(forms.Form):
    file = forms.FileField(label=_("XLSForm workbook (.xlsx)"))


class PlanForm(VersionFormMixin, forms.Form):
    """New plan; with `instance`, the edit of that plan (its values, and the hidden version)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=255)
    unit = forms.ModelChoiceField(label=_("Unit scope (with sub-units)"), queryset=Unit.objects.none())
    target_coverage = forms.DecimalField(label=_("Target coverage (%)"), initial=20, min_value=0, max_value=100)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        if instance is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in ("year", "name", "unit", "target_coverage")})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, Perm.INSPECTION_PLAN)
        self.instance = instance
        if instance is not None:
            self.add_version_field()


def _published_versions():
    return (
        TemplateVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("template")
        .order_by("template__code")
    )


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=255)
    unit = forms.ModelChoiceField(label=_("Unit scope (with sub-units)"), queryset=Unit.objects.none())
    template_version = forms.ModelChoiceField(label=_("Checklist"), queryset=TemplateVersion.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, Perm.INSPECTION_PLAN)
        self.fields["template_version"].queryset = _published_versions()


# Who the people pickers of an inspection team offer (staff.selectors.people_pick filters).
TEAM_LEAD = {"perm": Perm.INSPECTION_REVIEW}
TEAM_MEMBERS = {"perm": Perm.INSPECTION_FILL}


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Inspected unit"), queryset=Unit.objects.none())
    template_version = forms.ModelChoiceField(label=_("Checklist"), queryset=TemplateVersion.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    lead = UserPickerField(
        label=_("Lead inspector"),
        multiple=False,
        help_text=_("Type a name (diacritics optional), a staff code, a unit or a user name."),
    )
    members = UserPickerField(label=_("Team members"), required=False)
    announced = forms.BooleanField(label=_("Announced"), required=False, initial=True)

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = _units(user, Perm.INSPECTION_PLAN)
        if plan is not None:
            low, high = subtree_bounds(plan.unit.path)
            qs = qs.filter(path__gte=low, path__lt=high)
        self.fields["unit"].queryset = qs
        self.fields["template_version"].queryset = _published_versions()
        for name, filters in (("lead", TEAM_LEAD), ("members", TEAM_MEMBERS)):
            self.fields[name].narrow(people_pick(user=user, filters=filters).select_related("user"), filters=filters)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The inspected unit if empty."),
    )
    responsible_person = PeoplePickerField(
        label=_("Responsible person"),
        multiple=False,
        required=False,
        help_text=_("A person of the inspected unit: type a name (diacritics optional) or a staff code."),
    )

    def __init__(self, *args, finding=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:
            low, high = subtree_bounds(finding.unit.path)
            self.fields["unit"].queryset = Unit.objects.filter(path__gte=low, path__lt=high, active=True)
            people = {"within": finding.unit_id}
            self.fields["responsible_person"].narrow(people_pick(user=user, filters=people), filters=people)


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[c for c in ActionStatus.choices if c[0] != "verified"])
    note = forms.CharField(label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    accept = forms.ChoiceField(
        label=_("Verification"), choices=[("yes", _("Verified: close the action")), ("no", _("Not done: send it back"))]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmissionsUploadForm(forms.Form):
    """A KoboToolbox / ODK Central submissions export, and which of its columns hold what."""

    file = forms.FileField(
        label=_("Submissions export (.xlsx, .csv, or a .zip with the table and its photos)"),
    )
    unit_column = forms.CharField(label=_("Column with the unit code"), max_length=100, initial="ma_don_vi")
    date_column = forms.CharField(label=_("Column with the inspection date"), max_length=100, initial="today")
    inspector_column = forms.CharField(
        label=_("Column with the inspector (optional)"), max_length=100, required=False, initial="_submitted_by"
    )
