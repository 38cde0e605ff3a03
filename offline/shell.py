"""The app shell: which pages and static files the service worker keeps, and the worker itself.

The worker's source is `static/offline/sw.js`; `/sw.js` serves it at the root scope with a first
line naming the cache version and the files to keep. The version is a hash of the worker and of
every kept file, so any change to them installs a new worker that refreshes the cache.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

# Static files every offline page needs (the base layout's and the app's own).
SHELL_ASSETS = (
    "css/app.css",
    "js/app.js",
    "js/date-input.js",
    "img/icon.svg",
    "offline/offline.css",
    "offline/i18n.js",
    "offline/idb.js",
    "offline/store.js",
    "offline/api.js",
    "offline/outbox.js",
    "offline/register.js",
    "offline/home.js",
    "offline/assignments.js",
    "offline/classes.js",
    "offline/outbox-page.js",
    "offline/icons/icon-192.png",
    "offline/icons/icon-512.png",
    "offline/icons/icon-192-maskable.png",
    "offline/icons/icon-512-maskable.png",
)

# The offline pages (URL names); the worker keeps the last copy of each it saw online.
SHELL_PAGES = ("offline:home", "offline:assignments", "offline:classes", "offline:outbox")

WORKER_SOURCE = Path(__file__).resolve().parent / "static" / "offline" / "sw.js"


def _file_digest(relative: str) -> str:
    found = finders.find(relative)
    if not found:
        return "missing"
    return hashlib.sha256(Path(found).read_bytes()).hexdigest()


def asset_urls() -> list[str]:
    """Each kept file under its served name (hashed in production) and under its plain name:
    ES modules import each other by plain relative names, which static() does not rewrite."""
    urls = []
    for relative in SHELL_ASSETS:
        for url in (static(relative), settings.STATIC_URL + relative):
            if url not in urls:
                urls.append(url)
    return urls


def page_urls() -> list[str]:
    return [reverse(name) for name in SHELL_PAGES]


def worker_config() -> dict:
    source = WORKER_SOURCE.read_bytes()
    digest = hashlib.sha256(source)
    for relative in SHELL_ASSETS:
        digest.update(relative.encode() + b"\0" + _file_digest(relative).encode())
    assets = asset_urls()
    pages = page_urls()
    digest.update("\n".join(assets + pages).encode())
    return {
        "version": digest.hexdigest()[:16],
        "assets": assets,
        "pages": pages,
        "fallback": reverse("offline:outbox"),
        "unavailable": reverse("offline:unavailable"),
        "api": "/api/v1/",
    }


def worker_script() -> str:
    config = json.dumps(worker_config(), separators=(",", ":"))
    return f"self.CONGVU_SHELL = {config};\n" + WORKER_SOURCE.read_text(encoding="utf-8")
