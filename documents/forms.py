"""HTML input: the report form, a template upload, the biên bản details."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecards.periods import Period


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit (with its sub-units)"), queryset=None, to_field_name="code")
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("A year (2026), a quarter (2026-Q1) or a month (2026-03).")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        try:
            return Period.parse(text).key
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class TemplateUploadForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("For the subtree of"), queryset=None)
    file = forms.FileField(label=_("Word template (.docx)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MinutesDetailsForm(forms.Form):
    start_time = forms.CharField(
        label=_("Start time"), max_length=20, required=False, help_text=_("For example 8 giờ 00")
    )
    end_time = forms.CharField(label=_("End time"), max_length=20, required=False)
    venue = forms.CharField(label=_("Place"), max_length=255, required=False)
    present = forms.CharField(
        label=_("Other people present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, role (the inspection team is listed already)."),
    )
