"""Text helpers shared by every app."""

from unidecode import unidecode


def fold(text: str | None) -> str:
    """Lower-case ASCII form used for diacritics-insensitive search: "Nguyễn Văn Đức" → "nguyen van duc"."""
    if not text:
        return ""
    return " ".join(unidecode(str(text)).lower().split())
