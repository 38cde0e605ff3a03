"""Form widgets every app shares. One date input everywhere: a text box in dd/mm/yyyy (the browser's
own date picker shows mm/dd/yyyy on many machines), with a pattern, a numeric keyboard on phones
and static/js/date-input.js adding the slashes as one types."""

from django import forms

DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None, format=None):
        base = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "pattern": DATE_PATTERN,
            "autocomplete": "off",
            "data-date-input": "",
            "size": "10",
            "maxlength": "10",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format=format or "%d/%m/%Y")
