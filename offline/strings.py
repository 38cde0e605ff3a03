"""Every string the offline scripts show, translated on the server and handed to the page in a
hidden list (`templates/offline/includes/strings.html`), so the cached page carries its own
language and the scripts hold no text of their own."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

JS_STRINGS = {
    # Outbox states.
    "status.waiting": pgettext_lazy("outbox status", "Waiting"),
    "status.sending": pgettext_lazy("outbox status", "Sending"),
    "status.sent": pgettext_lazy("outbox status", "Sent"),
    "status.refused": pgettext_lazy("outbox status", "Refused"),
    # Connection.
    "online": _("Online"),
    "offline": _("Offline: your work is kept on this tablet and sent when the network returns."),
    "saved": _("Saved on this tablet"),
    "kept_at": _("Data kept on this tablet at"),
    "nothing_kept": _("Nothing is kept on this tablet yet. Open this page once while online."),
    "load_failed": _("Could not refresh from the server; showing what is kept on this tablet."),
    "refreshed": _("Refreshed from the server."),
    "login_again": _("Your session has ended: log in again to send, nothing is lost."),
    # Outbox.
    "outbox.empty": _("The outbox is empty."),
    "outbox.count": _("Waiting to be sent"),
    "outbox.fix": _("Fix and resend"),
    "outbox.resend": _("Resend"),
    "outbox.resend_new": _("Send as a new record"),
    "outbox.resend_over": _("Send over the server's version"),
    "outbox.discard": _("Remove from this tablet"),
    "outbox.discard_confirm": _("Remove this item from the tablet? It has not been sent."),
    "outbox.clear_sent": _("Remove sent items"),
    "outbox.open": _("Open the record"),
    "outbox.kind.inspection": _("Inspection"),
    "outbox.kind.attendance": _("Attendance"),
    "outbox.created": _("Made at"),
    "outbox.sent_at": _("Sent at"),
    "outbox.photos": _("Photos"),
    "outbox.uploading": _("Uploading photo"),
    "outbox.server_copy": _("What the server holds"),
    "outbox.network_error": _("No answer from the server; will retry."),
    "outbox.conflict": _("Someone else changed this record in the meantime."),
    "outbox.gone": _("The server no longer accepts this record for you."),
    "outbox.too_large": _("The server refused the photo: it is too large."),
    # Inspections.
    "insp.none": _("No assignment is waiting for you."),
    "insp.open": _("Fill the checklist"),
    "insp.due": _("Due"),
    "insp.unit": _("Unit"),
    "insp.template": _("Checklist"),
    "insp.last_result": _("Last result"),
    "insp.open_actions": _("Open corrective actions"),
    "insp.no_open_actions": _("No open corrective action."),
    "insp.in_outbox": _("Already in the outbox"),
    "insp.back": _("Back to my assignments"),
    "insp.date": _("Inspection date"),
    "insp.note": _("Note"),
    "insp.general_note": _("General note"),
    "insp.photos": _("Photos"),
    "insp.add_photo": _("Take or add a photo"),
    "insp.remove_photo": _("Remove photo"),
    "insp.photo_too_large": _("This photo is too large to send."),
    "insp.submit": _("Submit to the outbox"),
    "insp.submitted": _("Submitted to the outbox. It will be sent when the network allows."),
    "insp.missing": _("Answer every required question first:"),
    "insp.yes": _("Yes"),
    "insp.no": _("No"),
    "insp.na": _("Not applicable"),
    "insp.critical": _("Critical"),
    "insp.draft_kept": _("Your answers are kept on this tablet as you type."),
    "insp.score": _("Score"),
    # Training.
    "class.none": _("You run no class with sessions to record."),
    "class.sessions": _("Sessions"),
    "class.take": _("Take attendance"),
    "class.back": _("Back to my classes"),
    "class.roster": _("Participants"),
    "class.status": _("Attendance"),
    "class.minutes": _("Minutes attended"),
    "class.all_present": _("Everyone present"),
    "class.submit": _("Save attendance to the outbox"),
    "class.submitted": _("Attendance saved in the outbox. It will be sent when the network allows."),
    "class.unmarked": _("Mark every participant first."),
}

# Attendance marks (the training app's values; its bundle may bring its own labels).
ATTENDANCE_LABELS = {
    "present": _("Present"),
    "late": _("Late"),
    "left_early": _("Left early"),
    "excused": _("Excused absence"),
    "unexcused": _("Unexcused absence"),
}
