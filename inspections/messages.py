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
