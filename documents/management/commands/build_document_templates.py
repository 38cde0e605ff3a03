"""Writes the shipped Word templates (documents/shipped/<kind>.docx) from the registry, so the committed
files can be rebuilt after a change to documents.kinds or documents.layout."""

from django.core.management.base import BaseCommand

from documents.kinds import KINDS
from documents.layout import build_template
from documents.selectors import SHIPPED_DIR


class Command(BaseCommand):
    help = "Build the shipped .docx templates (Decree 30/2020 layout) into documents/shipped/."

    def handle(self, *args, **options):
        SHIPPED_DIR.mkdir(exist_ok=True)
        for kind in KINDS.values():
            path = SHIPPED_DIR / f"{kind.code}.docx"
            path.write_bytes(build_template(kind))
            self.stdout.write(f"{path.name}")
