"""`render_document --list`; `render_document KIND RECORD_ID FILE.docx`; for reports
`render_document KIND UNIT_CODE PERIOD FILE.docx` (period: 2026, 2026-Q1 or 2026-03). A numbered kind
not issued yet is written as an unnumbered preview unless --issue is given (takes the next number)."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from documents.generate import document_build, document_docx
from documents.kinds import KINDS, get_kind
from staff.access import system_actor


class Command(BaseCommand):
    help = "List the document kinds, or write one document as a Word file."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*", metavar="KIND RECORD_ID|UNIT_CODE [PERIOD] FILE.docx")
        parser.add_argument("--list", action="store_true", help="Print the document kinds.")
        parser.add_argument("--issue", action="store_true", help="Issue the document: take its number if it has none.")
        parser.add_argument("--base-url", default="http://localhost:8000", help="For the certificate's QR code.")

    def handle(self, *args, **options):
        if options["list"]:
            for kind in KINDS.values():
                needs = "UNIT_CODE PERIOD" if kind.is_report else "RECORD_ID"
                self.stdout.write(f"{kind.code:20} {needs:18} {kind.label}")
            return
        if not args:
            raise CommandError("Give KIND RECORD_ID FILE.docx (reports: KIND UNIT_CODE PERIOD FILE.docx), or --list.")
        kind = get_kind(args[0])
        if kind is None:
            raise CommandError(f"Unknown kind {args[0]!r}; see --list.")
        try:
            if kind.is_report:
                if len(args) != 4:
                    raise CommandError(f"{kind.code} takes UNIT_CODE PERIOD FILE.docx.")
                document = document_build(
                    kind=kind,
                    user=system_actor(),
                    code=args[1],
                    period=args[2],
                    base_url=options["base_url"],
                    issue=options["issue"],
                )
            else:
                if len(args) != 3 or not args[1].isdigit():
                    raise CommandError(f"{kind.code} takes RECORD_ID FILE.docx.")
                document = document_build(
                    kind=kind,
                    user=system_actor(),
                    record_id=int(args[1]),
                    base_url=options["base_url"],
                    issue=options["issue"],
                )
        except Http404:
            raise CommandError("No such record or unit.") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = args[-1]
        with open(path, "wb") as fh:
            fh.write(document_docx(document))
        self.stdout.write(f"{path}: {document.context.get('number') or document.kind.code}")
