import re

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from core.concurrency import VersionFormMixin
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


class PeoplePickerInput(forms.Textarea):
    """A box for one or more people, one per line (or separated by commas): a staff code or a name, with or
    without diacritics. static/js/people-picker.js turns it into a type-ahead with chips, fed by the address in
    `data-people-picker` (default: the staff API, `?q=`); without JavaScript it is a plain box."""

    class Media:
        js = ["js/people-picker.js"]

    def __init__(self, attrs=None, lookup_url: str = "", multiple: bool = True):
        defaults = {"rows": 3, "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**defaults, **(attrs or {})})
        self.lookup_url = lookup_url
        self.multiple = multiple

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-people-picker"] = self.lookup_url or reverse("staff-list")
        if self.multiple:
            widget_attrs["data-multiple"] = ""
        widget_attrs.setdefault("placeholder", str(_("Name, staff code or unit")))
        widget_attrs["data-remove-label"] = str(_("Remove"))
        return context

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(p.staff_code if isinstance(p, Staff) else str(p) for p in value)
        return super().format_value(value)


PEOPLE_SEPARATORS = re.compile(r"[,;\n\r\t]+")


class PeoplePickerField(forms.Field):
    """People of `queryset` named by what a person types, one per line or separated by commas: a staff code (any
    case) or a name, diacritics optional (through Staff.search_name), exact first, else the only name containing
    it. A line of several codes separated by spaces (pasted from a sheet) is read as those codes. Every unknown or
    ambiguous entry is reported at once, by its text; nothing is half-resolved. Cleans to a list of Staff (one
    Staff, or None, when `multiple` is False), in the order typed, without repeats."""

    widget = PeoplePickerInput
    default_error_messages = {
        "unknown": _("Nobody matches “%(text)s”."),
        "ambiguous": _("Several people match “%(text)s”: type the staff code."),
        "one": _("Choose one person only."),
    }

    def __init__(self, *, queryset=None, multiple: bool = True, lookup_url: str = "", **kwargs):
        kwargs.setdefault("widget", PeoplePickerInput(lookup_url=lookup_url, multiple=multiple))
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Staff.objects.none()
        self.multiple = multiple

    def set_lookup_url(self, url: str) -> None:
        self.widget.lookup_url = url

    @staticmethod
    def tokens(text: str) -> list[str]:
        return [t.strip() for t in PEOPLE_SEPARATORS.split(text or "") if t.strip()]

    def _match(self, text: str) -> list[Staff]:
        by_code = list(self.queryset.filter(staff_code__iexact=text)[:2])
        if by_code:
            return by_code
        folded = fold(text)
        if not folded:
            return []
        return list(self.queryset.filter(search_name=folded)[:2]) or list(
            self.queryset.filter(search_name__contains=folded)[:2]
        )

    def to_python(self, value):
        if isinstance(value, Staff):
            return [value]
        if isinstance(value, list | tuple) and all(isinstance(v, Staff) for v in value):
            return list(value)
        people, errors, seen = [], [], set()
        for text in self.tokens(str(value or "")):
            matches = self._match(text)
            if not matches and " " in text:
                parts = text.split()
                found = {p.staff_code.casefold(): p for p in self.queryset.filter(staff_code__in=parts)}
                if len(found) == len(set(x.casefold() for x in parts)) and all(x.casefold() in found for x in parts):
                    matches = [found[x.casefold()] for x in parts]
                    for person in matches:
                        if person.pk not in seen:
                            seen.add(person.pk)
                            people.append(person)
                    continue
            if len(matches) == 1:
                if matches[0].pk not in seen:
                    seen.add(matches[0].pk)
                    people.append(matches[0])
                continue
            code = "ambiguous" if matches else "unknown"
            errors.append(forms.ValidationError(self.error_messages[code], code=code, params={"text": text}))
        if errors:
            raise forms.ValidationError(errors)
        return people

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if not self.multiple and len(value) > 1:
            raise forms.ValidationError(self.error_messages["one"], code="one")

    def clean(self, value):
        people = super().clean(value)
        if not self.multiple:
            return people[0] if people else None
        return people


class StaffForm(VersionFormMixin, forms.ModelForm):
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
            self.add_version_field()


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


class DisciplineDecisionForm(forms.ModelForm):
    """One discipline decision: the person picked by name or staff code among those the user may discipline."""

    person = PeoplePickerField(label=_("Staff member"), multiple=False)

    class Meta:
        from staff.models import DisciplineDecision

        model = DisciplineDecision
        fields = [
            "form",
            "decision_number",
            "decision_date",
            "issuing_body",
            "effective_from",
            "effective_until",
            "legal_basis",
            "reason",
            "finding_id",
        ]
        widgets = {
            "decision_date": DateInput(),
            "effective_from": DateInput(),
            "effective_until": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"person": self.fields.pop("person"), **self.fields}
        self.fields["person"].queryset = people if people is not None else self.fields["person"].queryset
        self.fields["legal_basis"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["person"] = self.instance.staff.staff_code
