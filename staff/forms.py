from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, Role
from staff.access import unit_scope_q
from staff.models import Staff, Unit


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class StaffForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    effective_date = forms.DateField(
        label=_("Unit change effective from"),
        required=False,
        widget=DateInput(),
        help_text=_("Only used when the unit changes; today if empty."),
    )

    class Meta:
        model = Staff
        fields = [
            "staff_code",
            "full_name",
            "gender",
            "date_of_birth",
            "unit",
            "category",
            "job_position",
            "rank_code",
            "rank_name",
            "position_title",
            "email",
            "phone",
            "start_date",
            "status",
        ]
        widgets = {"date_of_birth": DateInput(), "start_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.STAFF_MANAGE), active=True)
        if self.instance.pk:
            self.fields["staff_code"].disabled = True


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class RoleAssignmentForm(forms.Form):
    username = forms.CharField(label=_("User name"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    include_subunits = forms.BooleanField(label=_("Includes sub-units"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.ROLE_MANAGE), active=True)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        try:
            return get_user_model().objects.get(username=name)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(_("No user with this name.")) from None
