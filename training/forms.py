from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionFormMixin
from core.permissions import Perm
from core.widgets import DateInput
from staff.access import unit_scope_q
from staff.forms import PeoplePickerField
from staff.models import StaffStatus, Unit
from training.models import ClassSession, Course, EnrollmentStatus, ExternalTraining, TrainingClass, TrainingRequirement
from training.selectors.common import staff_in_scope


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CourseForm(VersionFormMixin, forms.ModelForm):
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "title_en",
            "category",
            "mode",
            "planned_periods",
            "planned_minutes",
            "target_groups",
            "owner_unit",
            "is_mandatory",
            "min_attendance_percent",
            "pass_mark",
            "excused_counts_as_attended",
            "issues_certificate",
            "certificate_kind",
            "certificate_validity_months",
            "legal_basis",
            "active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.add_version_field()


class TrainingClassForm(VersionFormMixin, forms.ModelForm):
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
            self.add_version_field()

    def clean_trainer_usernames(self):
        names = [n.strip() for n in self.cleaned_data["trainer_usernames"].split(",") if n.strip()]
        users = list(get_user_model().objects.filter(username__in=names))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise forms.ValidationError(_("No user with this name: %(names)s") % {"names": ", ".join(missing)})
        return users


class SessionForm(forms.ModelForm):
    periods = forms.IntegerField(
        label=_("Tiết"),
        required=False,
        min_value=0,
        max_value=16,
        help_text=_("Empty: 4 tiết a half-day session, 8 a full day, by its times."),
    )

    class Meta:
        model = ClassSession
        fields = ["date", "start_time", "end_time", "periods", "topic", "trainer"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}


class StatusForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )


class EnrollmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=EnrollmentStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class NominateForm(forms.Form):
    staff_codes = PeoplePickerField(
        label=_("People to nominate"),
        required=False,
        help_text=_("Type a name (diacritics optional), a staff code or a unit; one person per line."),
    )
    unit = forms.ModelChoiceField(
        label=_("Or everyone active in the unit"), required=False, queryset=Unit.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
        self.fields["staff_codes"].queryset = staff_in_scope(user, Perm.TRAINING_MANAGE).filter(
            status=StaffStatus.ACTIVE
        )
        self.fields["staff_codes"].set_lookup_url(reverse("training-people-lookup"))

    def clean(self):
        data = super().clean()
        people = data.get("staff_codes") or []
        if not people and not data.get("unit") and not self.errors:
            raise forms.ValidationError(_("Choose people or a unit."))
        data["people"] = people
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class ExternalTrainingForm(forms.ModelForm):
    staff_code = forms.CharField(
        label=_("Staff code"), required=False, help_text=_("Leave empty to record your own training.")
    )

    class Meta:
        model = ExternalTraining
        fields = [
            "staff_code",
            "title",
            "provider",
            "category",
            "start_date",
            "end_date",
            "periods",
            "minutes",
            "evidence",
        ]
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
            "periods_per_year",
            "effective_year",
            "end_year",
            "legal_basis",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.TRAINING_MANAGE), active=True)
