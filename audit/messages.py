"""Messages shown by core/middleware.py and core/security.py (hardening code kept in core/), listed
here so that they are in this app's catalogue (the project catalogue belongs to the lead)."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Your session has expired; log in again."),
    gettext_noop("Enter your authenticator code first."),
    # core/xlsx.py upload checks added by the hardening work
    gettext_noop("The workbook has %(n)s sheets; the limit is %(limit)s."),
    gettext_noop("The workbook is damaged: %(error)s"),
    gettext_noop(
        "The workbook contains XML declarations that Excel never writes (a possible XML bomb); it is refused."
    ),
]
