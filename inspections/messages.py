"""Messages of shared modules this app relies on (core/images.py), so that this app's catalogue
carries their Vietnamese translation (the project catalogue belongs to the foundation)."""

from django.utils.translation import gettext_noop

CORE_IMAGE_MESSAGES = [
    gettext_noop("The file is empty."),
    gettext_noop("The photo is %(size).1f MB; the limit is %(limit).1f MB."),
    gettext_noop("The photo has %(pixels)s pixels; the limit is %(limit)s."),
    gettext_noop("The photo is too large to open safely."),
    gettext_noop("The file is not an image (JPEG, PNG or WebP)."),
    gettext_noop("Images of type %(type)s are not accepted; use JPEG, PNG or WebP."),
]

# Labels of the scorecards drill-down links to this app's corrective-actions register
# (scorecards/links.py); translated here, next to the screen they open.
SCORECARD_LINK_MESSAGES = [
    gettext_noop("Corrective actions due in the period"),
    gettext_noop("Overdue corrective actions"),
]
