"""Every uploaded file goes through `check_upload`: its type is read from its content (never from its
name or the browser's Content-Type), its size is limited, and what is kept is safe to hand back:

- images (JPEG, PNG, WebP) are validated and re-encoded by core.images (metadata stripped, longest
  edge limited): what is stored is a new file made by Pillow, not the uploaded bytes;
- PDFs are accepted as they are, up to UPLOAD_PDF_MAX_BYTES, when they start with `%PDF-` and end
  with an `%%EOF` marker;
- nothing else, unless settings.UPLOAD_EXTRA_TYPES names it: {content type: (extension, magic
  prefix bytes)}.

Files are stored by `PrivateStorage` under MEDIA_ROOT, which has no public URL (the web server answers
404 under /media/): they are served only by views that check the reader's scope, with `serve_file`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.images import ALLOWED_FORMATS, validate_and_resize

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PDF_EOF = re.compile(rb"%%EOF\s*$")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


@dataclass(frozen=True)
class CheckedFile:
    """What may be stored: the bytes to keep, their type (from the content) and a file name."""

    data: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None

    def as_content_file(self, stem: str) -> ContentFile:
        return ContentFile(self.data, name=f"{stem}.{self.extension}")


def max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def pdf_max_bytes() -> int:
    return getattr(settings, "UPLOAD_PDF_MAX_BYTES", max_bytes())


def read_limited(upload, limit: int) -> bytes:
    """The upload's bytes (an UploadedFile, a file object or bytes), refusing more than `limit`."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise too_large(size, limit)
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit)
    return data


def too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
        % {"size": size / 1048576, "limit": limit / 1048576},
        code="too_large",
    )


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, judged from their first bytes; None when not an accepted kind."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    for content_type, (_ext, magic) in getattr(settings, "UPLOAD_EXTRA_TYPES", {}).items():
        if magic and data.startswith(magic):
            return content_type
    return None


def check_upload(
    upload,
    *,
    allow=("image", "pdf"),
    image_max_bytes: int | None = None,
    max_pixels: int | None = None,
    max_edge: int | None = None,
) -> CheckedFile:
    """Raise ValidationError (a message for the user) or return the file to store. `allow` names the
    kinds this upload may be ("image", "pdf"; types of UPLOAD_EXTRA_TYPES are always allowed)."""
    image_limit = image_max_bytes or max_bytes()
    limit = max(image_limit, pdf_max_bytes()) if "pdf" in allow else image_limit
    data = read_limited(upload, limit)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(data)
    extra = getattr(settings, "UPLOAD_EXTRA_TYPES", {})
    if kind in ALLOWED_FORMATS.values() and "image" in allow:
        resized, info = validate_and_resize(
            data,
            max_bytes=image_limit,
            max_pixels=max_pixels or getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", 40_000_000),
            max_edge=max_edge or getattr(settings, "UPLOAD_IMAGE_MAX_EDGE", 2000),
        )
        return CheckedFile(resized, info.content_type, EXTENSIONS[info.content_type], info.width, info.height)
    if kind == "application/pdf" and "pdf" in allow:
        if len(data) > pdf_max_bytes():
            raise too_large(len(data), pdf_max_bytes())
        if not PDF_EOF.search(data[-2048:]):
            raise ValidationError(_("The PDF file is incomplete or damaged."), code="bad_pdf")
        return CheckedFile(data, "application/pdf", "pdf")
    if kind in extra:
        return CheckedFile(data, kind, extra[kind][0])
    if "pdf" not in allow:
        raise ValidationError(_("The file is not an image (JPEG, PNG or WebP)."), code="not_image")
    raise ValidationError(
        _("This type of file is not accepted: send a photo (JPEG, PNG, WebP) or a PDF."), code="bad_type"
    )


@deconstructible
class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT without a URL: a file kept here is only reachable through a view that checks scope."""

    def __init__(self, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that serves them.")


private_storage = PrivateStorage()


def serve_file(field_file, *, download_name: str = "") -> FileResponse:
    """The stored file, with its type judged from its content again (never trusted from the name),
    shown inline for images and PDFs, never sniffed by the browser and never cached publicly."""
    handle = field_file.open("rb")
    head = handle.read(16)
    handle.seek(0)
    content_type = sniff(head) or "application/octet-stream"
    inline = content_type in EXTENSIONS
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=download_name or field_file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
