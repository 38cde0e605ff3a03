"""Evidence photos a user may see: their own uploads, and those used by a record in their scope."""

from __future__ import annotations

from inspections.models import CorrectiveAction, Evidence, EvidenceBlob, Inspection


def evidence_blob_get(*, user, sha256: str) -> EvidenceBlob | None:
    """The stored photo with this sha256 if the user uploaded it or may see an inspection or a
    corrective action using it; else None."""
    blob = EvidenceBlob.objects.filter(sha256=sha256).first()
    if blob is None or blob.uploaded_by_id == user.pk:
        return blob
    uses = Evidence.objects.filter(blob=blob)
    if uses.filter(answer__inspection__in=Inspection.objects.visible_to(user)).exists():
        return blob
    if uses.filter(progress__action__in=CorrectiveAction.objects.visible_to(user)).exists():
        return blob
    return None
