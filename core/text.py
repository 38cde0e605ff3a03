"""Text helpers shared by every app."""

from django.utils.html import conditional_escape
from unidecode import unidecode


def fold(text: str | None) -> str:
    """Lower-case ASCII form used for diacritics-insensitive search: "Nguyễn Văn Đức" → "nguyen van duc"."""
    if not text:
        return ""
    return " ".join(unidecode(str(text)).lower().split())


def cell(value) -> str:
    """`{{ value }}` for the text of a table cell printed in Python (str, int or None): escaped, unless
    already safe, as the template engine prints it."""
    return conditional_escape(value if isinstance(value, str) else str(value))
