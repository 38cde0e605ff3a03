"""Evidence photos, stored once per sha256 of the uploaded bytes, validated as images and resized.

The resumable upload (the API's `evidence-uploads/<sha256>/`): a client sends the whole file, or
chunks with `Content-Range: bytes start-end/total` starting where the server's copy ends (the
offset, kept in a partial file per user and hash); when the last chunk arrives the whole is
checked against its sha256 and stored. Sending a stored file again answers the stored blob."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.permissions import Perm
from core.uploads import check_upload
from inspections.models import EvidenceBlob
from staff.access import require

EVIDENCE_PERMS = (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF, Perm.ACTION_UPDATE)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class Upload:
    """Where an upload stands: the bytes held (`offset`), and the blob once complete; `created` when
    this request stored it."""

    offset: int
    blob: EvidenceBlob | None = None
    created: bool = False

    @property
    def complete(self) -> bool:
        return self.blob is not None


class UploadRefused(Exception):
    """A chunk or file refused: `code` is bad_range, too_large, offset_mismatch, hash_mismatch or
    invalid (not an acceptable image); `offset` is the bytes held, for offset_mismatch."""

    def __init__(self, code: str, detail: str, offset: int | None = None):
        super().__init__(detail)
        self.code, self.detail, self.offset = code, detail, offset


def _partial_path(actor, sha256: str) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "evidence-partial"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{actor.pk}-{sha256}.part"


def _visible_blob(actor, sha256: str) -> EvidenceBlob | None:
    """The stored photo if the actor may see it. One they may not see is answered exactly as one
    never uploaded: the answer must not tell them it exists."""
    from inspections.selectors import evidence_blob_get

    return evidence_blob_get(user=actor, sha256=sha256)


def upload_state(*, actor, sha256: str) -> Upload:
    """How much of this photo the server holds: all of it (stored and visible to the actor), or the
    actor's partial copy."""
    blob = _visible_blob(actor, sha256)
    if blob is not None:
        return Upload(offset=blob.original_size or blob.size, blob=blob)
    path = _partial_path(actor, sha256)
    return Upload(offset=path.stat().st_size if path.exists() else 0)


def upload_chunk(*, actor, sha256: str, data: bytes, content_range: str | None = None) -> Upload:
    """Take one chunk (`content_range` "bytes start-end/total") or the whole file (None). A chunk must
    start at the offset held; the last one completes the upload (evidence_store). Raises
    UploadRefused."""
    require(actor, EVIDENCE_PERMS)
    blob = _visible_blob(actor, sha256)
    if blob is not None:
        return Upload(offset=blob.original_size or blob.size, blob=blob)
    path = _partial_path(actor, sha256)
    held = path.stat().st_size if path.exists() else 0
    if content_range:
        match = RANGE_RE.match(content_range.strip())
        if not match:
            raise UploadRefused("bad_range", _("Content-Range must read “bytes start-end/total”."))
        start, end, total = (int(g) for g in match.groups())
        if end < start or end - start + 1 != len(data) or end >= total:
            raise UploadRefused("bad_range", _("The chunk does not match its Content-Range."))
    else:
        start, total, held = 0, len(data), 0
    if total > max_bytes():
        path.unlink(missing_ok=True)
        raise UploadRefused(
            "too_large",
            _("The photo is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": total / 1048576, "limit": max_bytes() / 1048576},
        )
    if content_range:
        if start != held:
            raise UploadRefused("offset_mismatch", _("Resume from byte %(offset)s.") % {"offset": held}, offset=held)
        with path.open("ab") as handle:
            handle.write(data)
        held = start + len(data)
        if held < total:
            return Upload(offset=held)
        data = path.read_bytes()
    try:
        blob = evidence_store(actor=actor, sha256=sha256, data=data)
    except ValidationError as exc:
        raise UploadRefused(exc.code or "invalid", exc.messages[0]) from exc
    finally:
        path.unlink(missing_ok=True)
    return Upload(offset=len(data), blob=blob, created=True)


def evidence_store(*, actor, sha256: str, data: bytes) -> EvidenceBlob:
    """Verify the whole upload against its hash, validate it as an image, resize it and store it.
    An already stored blob with this hash is returned as is."""
    require(actor, EVIDENCE_PERMS)
    if _visible_blob(actor, sha256) is not None:
        return EvidenceBlob.objects.get(sha256=sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(
            _("The uploaded bytes do not match their SHA-256; upload the photo again."), code="hash_mismatch"
        )
    existing = EvidenceBlob.objects.filter(sha256=sha256).first()
    if existing is not None:  # stored by someone else: whoever sends its very bytes holds the photo
        return existing
    checked = check_upload(
        data,
        allow=("image",),
        image_max_bytes=max_bytes(),
        max_pixels=getattr(settings, "EVIDENCE_MAX_PIXELS", 40_000_000),
        max_edge=getattr(settings, "EVIDENCE_MAX_EDGE", 1600),
    )
    blob = EvidenceBlob(
        sha256=sha256,
        size=len(checked.data),
        original_size=len(data),
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        uploaded_by=actor,
    )
    blob.file.save(f"{sha256}.{checked.extension}", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:
        blob.file.delete(save=False)
        return EvidenceBlob.objects.get(sha256=sha256)
    return blob
