from django import forms
from django.contrib.auth import get_user_model
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
from staff.models import Staff, Unit


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
        }


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


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Inspected unit"), queryset=Unit.objects.none())
    template_version = forms.ModelChoiceField(label=_("Checklist"), queryset=TemplateVersion.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    lead = forms.CharField(label=_("Lead inspector (user name)"))
    members = forms.CharField(label=_("Team members (user names, comma separated)"), required=False)
    announced = forms.BooleanField(label=_("Announced"), required=False, initial=True)

    def __init__(self, *args, user=None, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = _units(user, Perm.INSPECTION_PLAN)
        if plan is not None:
            low, high = subtree_bounds(plan.unit.path)
            qs = qs.filter(path__gte=low, path__lt=high)
        self.fields["unit"].queryset = qs
        self.fields["template_version"].queryset = _published_versions()

    def _user(self, name):
        try:
            return get_user_model().objects.get(username=name.strip())
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(_("No user named “%(name)s”.") % {"name": name.strip()}) from None

    def clean_lead(self):
        return self._user(self.cleaned_data["lead"])

    def clean_members(self):
        names = [n for n in (self.cleaned_data.get("members") or "").split(",") if n.strip()]
        return [self._user(n) for n in names]


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
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:
            low, high = subtree_bounds(finding.unit.path)
            self.fields["unit"].queryset = Unit.objects.filter(path__gte=low, path__lt=high, active=True)
            self.fields["responsible_person"].queryset = Staff.objects.filter(
                unit__path__gte=low, unit__path__lt=high, status="active"
            ).order_by("search_name")


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
