from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from scorecards.models import Direction, Formula, Indicator, Pillar
from scorecards.periods import Period


class PeriodField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class PublishForm(forms.Form):
    period = PeriodField(label=_("Period"), help_text=_("2026, 2026-Q3 or 2026-07"), max_length=10)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ModelCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ModelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255, required=False)
    excellent_min = forms.DecimalField(label=_("Excellent from"), max_digits=5, decimal_places=2)
    good_min = forms.DecimalField(label=_("Good from"), max_digits=5, decimal_places=2)
    satisfactory_min = forms.DecimalField(label=_("Satisfactory from"), max_digits=5, decimal_places=2)


class CriterionForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=50)
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices)
    label_vi = forms.CharField(label=_("Label (Vietnamese)"), max_length=255)
    label_en = forms.CharField(label=_("Label (English)"), max_length=255, required=False)
    formula = forms.ChoiceField(label=_("Formula"), choices=Formula.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2, min_value=0)
    target = forms.DecimalField(label=_("Target (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.all(), required=False)
    checklist_items = forms.CharField(label=_("Checklist item codes"), max_length=255, required=False)


CriterionFormSet = formset_factory(CriterionForm, extra=1, can_delete=True)
