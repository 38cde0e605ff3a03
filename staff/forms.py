from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from core.permissions import Perm, Role
from core.text import fold
from core.widgets import DateInput
from staff.access import unit_scope_q
from staff.models import Staff, Unit

MAX_ID_DIGITS = 18  # a longer number is no id (it would overflow the database's integer)


class UnitPickerInput(forms.TextInput):
    """A text box for a unit's code, name or id. static/js/unit-picker.js adds suggestions from the
    units API (`data-unit-picker` is its address); without JavaScript it is a plain text box."""

    class Media:
        js = ["js/unit-picker.js"]

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "placeholder": _("Code or name")}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-unit-picker"] = reverse("unit-list")
        return context


class UnitPickerField(FilterModelChoiceField):
    """A unit of `queryset` named by what a person types: its id, its code (any case), or its name
    (diacritics-insensitive, through Unit.search_name) when exactly one unit's name is or contains it.
    Unknown or ambiguous text is an error naming the text."""

    widget = UnitPickerInput
    default_error_messages = {
        "unknown": _("No unit matches “%(text)s”."),
        "ambiguous": _("Several units match “%(text)s”: type the unit's code."),
    }

    def to_python(self, value):
        if isinstance(value, Unit) or value in self.empty_values:
            return super().to_python(value)
        text = str(value).strip()
        if not text:
            return None
        unit = self.resolve(text)
        self._resolved = (str(value), unit)
        return unit

    def resolve(self, text: str) -> Unit:
        units = self.queryset
        if text.isdigit() and len(text) <= MAX_ID_DIGITS:
            unit = units.filter(pk=int(text)).first()
            if unit is not None:
                return unit
        matches = list(units.filter(code__iexact=text)[:2])
        if len(matches) != 1:
            folded = fold(text)
            matches = list(units.filter(search_name=folded)[:2]) or list(units.filter(search_name__contains=folded)[:2])
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous" if matches else "unknown"
        raise forms.ValidationError(self.error_messages[code], code=code, params={"text": text})

    def prepare_value(self, value):
        """What the box shows: the code for a unit or an id, otherwise the text as typed."""
        if isinstance(value, Unit):
            return value.code
        resolved = getattr(self, "_resolved", None)
        if resolved is not None and value == resolved[0] and str(value).strip().isdigit():
            return resolved[1].code
        return value


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
