"""The audit log to Excel, from the same filters as the screen."""

from django.conf import settings
from django.utils.translation import gettext as _

from audit.selectors import log_entries
from core.xlsx import XlsxWriter, iter_chunks


def audit_log_xlsx(*, keys_qs, handle_large: bool = False):
    writer = XlsxWriter()
    writer.sheet(
        _("Audit log"),
        [
            _("When"),
            _("User"),
            _("IP address"),
            _("Record type"),
            _("Record number"),
            _("Record"),
            _("Action"),
            _("Field"),
            _("Before"),
            _("After"),
        ],
        widths=[18, 18, 16, 22, 12, 30, 12, 22, 30, 30],
    )
    keys = list(keys_qs[: settings.AUDIT_EXPORT_MAX_ROWS]) if keys_qs is not None else []
    for chunk in iter_chunks(keys, 500):
        for e in log_entries(chunk):
            base = [e.when, e.user, e.ip_address or "", e.model_label, e.object_id, e.title, e.kind_label]
            if not e.changes:
                writer.row([*base, "", "", ""])
            for c in e.changes:
                writer.row([*base, c.label, c.before, c.after])
    return writer.save_to_tempfile() if handle_large else writer.save()
