"""Messages shown by core/middleware.py and core/security.py (hardening code kept in core/), listed
here so that they are in this app's catalogue (the project catalogue belongs to the lead)."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Your session has expired; log in again."),
    gettext_noop("Enter your authenticator code first."),
]
