from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from core.widgets import DateInput
from staff.access import unit_scope_q
from staff.models import Staff, Unit
from training.models import ClassSession, Course, EnrollmentStatus, ExternalTraining, TrainingClass, TrainingRequirement


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CourseForm(forms.ModelForm):
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "title_en",
            "category",
            "mode",
            "planned_minutes",
            "target_groups",
            "owner_unit",
            "is_mandatory",
            "min_attendance_percent",
            "pass_mark",
            "excused_counts_as_attended",
            "issues_certificate",
            "certificate_validity_months",
            "legal_basis",
            "active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
        if self.instance.pk:
            self.fields["code"].disabled = True


class TrainingClassForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    trainer_usernames = forms.CharField(
        label=_("Trainers who take attendance (user names)"),
        required=False,
        help_text=_("Separate with commas. They can mark attendance on their tablet or phone."),
    )

    class Meta:
        model = TrainingClass
        fields = [
            "course",
            "code",
            "unit",
            "venue",
            "trainers",
            "capacity",
            "registration_deadline",
            "start_date",
            "end_date",
            "notes",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "registration_deadline": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
        self.fields["course"].queryset = Course.objects.visible_to(user).filter(active=True)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["course"].disabled = True
            self.fields["trainer_usernames"].initial = ", ".join(u.username for u in self.instance.trainer_users.all())

    def clean_trainer_usernames(self):
        names = [n.strip() for n in self.cleaned_data["trainer_usernames"].split(",") if n.strip()]
        users = list(get_user_model().objects.filter(username__in=names))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise forms.ValidationError(_("No user with this name: %(names)s") % {"names": ", ".join(missing)})
        return users


class SessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = ["date", "start_time", "end_time", "topic", "trainer"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}


class StatusForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class EnrollmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=EnrollmentStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class NominateForm(forms.Form):
    staff_codes = forms.CharField(
        label=_("Staff codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more staff codes, separated by commas, spaces or new lines."),
    )
    unit = forms.ModelChoiceField(
        label=_("Or everyone active in the unit"), required=False, queryset=Unit.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)

    def clean(self):
        data = super().clean()
        codes = [c for c in data.get("staff_codes", "").replace(",", " ").split() if c]
        data["codes"] = codes
        if not codes and not data.get("unit"):
            raise forms.ValidationError(_("Give staff codes or choose a unit."))
        if codes:
            found = {s.staff_code: s for s in Staff.objects.filter(staff_code__in=codes)}
            unknown = [c for c in codes if c not in found]
            if unknown:
                raise forms.ValidationError(_("Unknown staff code(s): %(codes)s") % {"codes": ", ".join(unknown)})
            data["people"] = [found[c] for c in codes]
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class ExternalTrainingForm(forms.ModelForm):
    staff_code = forms.CharField(
        label=_("Staff code"), required=False, help_text=_("Leave empty to record your own training.")
    )

    class Meta:
        model = ExternalTraining
        fields = ["staff_code", "title", "provider", "category", "start_date", "end_date", "minutes", "evidence"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class RequirementForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit (with sub-units)"), required=False, queryset=Unit.objects.none())

    class Meta:
        model = TrainingRequirement
        fields = [
            "name",
            "staff_category",
            "job_position",
            "rank_code",
            "unit",
            "minutes_per_year",
            "effective_year",
            "legal_basis",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
