"""Messages of shared modules this app relies on (core/images.py), so that this app's catalogue
carries their Vietnamese translation (the project catalogue belongs to the foundation)."""

from django.utils.translation import gettext, gettext_noop

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


def answer_label(value):
    """A stored answer as people read it: yes / no / na in the interface language (the same labels as
    the filling screen's buttons); numbers, dates and text as they are. Screens and workbooks alike."""
    labels = {"yes": gettext("Yes"), "no": gettext("No"), "na": gettext("N/A")}
    return labels.get(value, value)
