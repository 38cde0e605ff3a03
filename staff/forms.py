import re
from urllib.parse import urlencode

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
    `data-people-picker` (default: the people picker API, /api/v1/people/, `?q=`); without JavaScript it is a
    plain box."""

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
        widget_attrs["data-people-picker"] = self.lookup_url or reverse("people-pick")
        if self.multiple:
            widget_attrs["data-multiple"] = ""
        widget_attrs.setdefault("placeholder", str(_("Name, staff code or unit")))
        widget_attrs["data-remove-label"] = str(_("Remove"))
        return context

    def format_value(self, value):
        if isinstance(value, Staff | get_user_model()):
            value = [value]
        if isinstance(value, list | tuple):
            return "\n".join(_typed(p) for p in value)
        return super().format_value(value)


def _typed(person) -> str:
    """What the picker box shows for a chosen person: the staff code, or an account's user name."""
    if isinstance(person, Staff):
        return person.staff_code
    profile = getattr(person, "staff_profile", None) if hasattr(person, "username") else None
    return profile.staff_code if profile is not None else getattr(person, "username", str(person))


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

    def narrow(self, queryset, *, filters: dict) -> None:
        """Accept the people of `queryset` (staff.selectors.people_pick(user=..., filters=filters)) and let the
        type-ahead suggest the same: the picker API gets the same `filters`."""
        self.queryset = queryset
        query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
        self.set_lookup_url(reverse("people-pick") + (f"?{query}" if query else ""))

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

        def keep(person):
            key = (type(person), person.pk)
            if key not in seen:
                seen.add(key)
                people.append(person)

        for text in self.tokens(str(value or "")):
            matches = self._match(text)
            if not matches and " " in text:
                parts = text.split()
                found = {p.staff_code.casefold(): p for p in self.queryset.filter(staff_code__in=parts)}
                if len(found) == len(set(x.casefold() for x in parts)) and all(x.casefold() in found for x in parts):
                    for part in parts:
                        keep(found[part.casefold()])
                    continue
            if len(matches) == 1:
                keep(matches[0])
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


class UserPickerField(PeoplePickerField):
    """User accounts chosen with the people picker: a person of `queryset` (staff code, name, or their user
    name; only people with an account count) stands for their account. `accounts` (a User queryset, none by
    default) adds accounts without a staff record, typed by their exact user name and never suggested. Cleans
    to a list of users (one user, or None, when `multiple` is False)."""

    default_error_messages = {"no_account": _("%(name)s has no user account.")}

    def __init__(self, *, accounts=None, **kwargs):
        super().__init__(**kwargs)
        self.accounts = accounts

    def _match(self, text: str) -> list:
        by_username = list(self.queryset.filter(user__username=text)[:1])
        if by_username:
            return by_username
        if self.accounts is not None:
            account = self.accounts.filter(username=text, staff_profile__isnull=True).first()
            if account is not None:
                return [account]
        return super()._match(text)

    def to_python(self, value):
        if isinstance(value, get_user_model()):
            return [value]
        chosen, errors, users = super().to_python(value), [], []
        for item in chosen:
            if isinstance(item, Staff):
                if item.user_id is None:
                    errors.append(
                        forms.ValidationError(
                            self.error_messages["no_account"], code="no_account", params={"name": item.full_name}
                        )
                    )
                    continue
                item = item.user
            if item not in users:
                users.append(item)
        if errors:
            raise forms.ValidationError(errors)
        return users


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
    # Who the person picker offers (staff.selectors.people_pick filters): people with a user account.
    PEOPLE = {"account": True}

    username = UserPickerField(
        label=_("Person or user account"),
        multiple=False,
        help_text=_("Type a name (diacritics optional), a staff code or a unit; or an exact user name."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    include_subunits = forms.BooleanField(label=_("Includes sub-units"), required=False, initial=True)

    def __init__(self, *args, user=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(unit_scope_q(user, Perm.ROLE_MANAGE), active=True)
        if people is not None:  # staff.selectors.people_pick(user=user, filters=self.PEOPLE)
            self.fields["username"].narrow(people.select_related("user"), filters=self.PEOPLE)
        # accounts without a staff record (service accounts) by their exact user name; never suggested
        self.fields["username"].accounts = get_user_model().objects.filter(is_active=True)


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
