from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jobs import registry


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        registry.autodiscover()
