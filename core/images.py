"""Image uploads shared by every app: refuse what is not an image, is too large or is a
decompression bomb, and shrink what is accepted to a maximum edge.

`validate_image` checks without decoding the pixels (header only, then a full `verify`), so a
bomb is refused before it is expanded. `resize_image` decodes (now known to be safe), applies the
EXIF orientation, strips metadata (GPS positions of a tablet photo stay private) and re-encodes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_EDGE = 1600


@dataclass(frozen=True)
class ImageInfo:
    format: str
    content_type: str
    width: int
    height: int


def validate_image(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> ImageInfo:
    """Raise ValidationError with a message for the user, or return the image's format and size."""
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            _("The photo is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": len(data) / 1048576, "limit": max_bytes / 1048576},
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        _("The photo has %(pixels)s pixels; the limit is %(limit)s.")
                        % {"pixels": f"{width * height:,}", "limit": f"{max_pixels:,}"},
                        code="too_many_pixels",
                    )
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The photo is too large to open safely."), code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not an image (JPEG, PNG or WebP)."), code="not_image") from None
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Images of type %(type)s are not accepted; use JPEG, PNG or WebP.") % {"type": fmt or "?"},
            code="bad_type",
        )
    return ImageInfo(format=fmt, content_type=ALLOWED_FORMATS[fmt], width=width, height=height)


def resize_image(data: bytes, *, max_edge: int = DEFAULT_MAX_EDGE) -> tuple[bytes, ImageInfo]:
    """Re-encode a validated image with its longest edge at most `max_edge` (JPEG for photos, PNG
    kept as PNG), metadata stripped. Returns (bytes, info)."""
    with Image.open(io.BytesIO(data)) as image:
        fmt = "PNG" if image.format == "PNG" else "JPEG"
        image = ImageOps.exif_transpose(image)
        if max(image.size) > max_edge:
            image.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        if fmt == "JPEG":
            image.save(out, "JPEG", quality=85, optimize=True)
        else:
            image.save(out, "PNG", optimize=True)
        return out.getvalue(), ImageInfo(fmt, ALLOWED_FORMATS[fmt], image.size[0], image.size[1])


def validate_and_resize(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_edge: int = DEFAULT_MAX_EDGE,
) -> tuple[bytes, ImageInfo]:
    validate_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    return resize_image(data, max_edge=max_edge)
