from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from audit.selectors import audited_models, model_key


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    user = forms.CharField(label=_("User name"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
    object_id = forms.IntegerField(label=_("Record number"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All"))] + [
            (model_key(m), str(m._meta.verbose_name)) for m in audited_models()
        ]

    def clean_user(self):
        name = self.cleaned_data["user"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("No user with this name."))
        return user

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "model_key_value": data["model"] or None,
            "user": data["user"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "object_id": data["object_id"],
        }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
