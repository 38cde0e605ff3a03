from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def choice_display(field_name: str, choices):
    """A `get_<field>_display` method that returns what Django's does (the label in the active language,
    or the stored value when it is not one of the choices), for fixed choices such as a TextChoices'.

    Django's version rebuilds a dict of the choices on every call and hashes each lazy label on the way,
    one gettext per choice: ≈25 µs per cell, 3-5 ms for a page of 100 rows with two such columns. Here
    the dict is built once and only the label shown is translated.

        get_kind_display = choice_display("kind", UnitKind.choices)
    """
    labels = dict(choices)

    def display(self):
        value = getattr(self, field_name)
        return force_str(labels.get(value, value), strings_only=True)

    display.__name__ = f"get_{field_name}_display"
    return display
