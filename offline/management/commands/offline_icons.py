"""Regenerate the PNG icons of the installable app (committed under offline/static/offline/icons/)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from offline.icons import icon_files

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "offline" / "icons"


class Command(BaseCommand):
    help = "Draw the app icons (192 and 512 px, plain and maskable) with Pillow."

    def handle(self, *args, **options):
        ICON_DIR.mkdir(parents=True, exist_ok=True)
        for name, data in icon_files().items():
            (ICON_DIR / name).write_bytes(data)
            self.stdout.write(f"{ICON_DIR / name} ({len(data)} bytes)")
