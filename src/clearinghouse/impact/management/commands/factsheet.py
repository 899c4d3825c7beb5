import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.impact.figures import FigureUnavailable
from clearinghouse.impact.render import FORMATS, render
from clearinghouse.impact.sheet import UnknownJurisdiction, build_sheet


class Command(BaseCommand):
    help = "Write a state data sheet, computed from the records, for a state and year."

    def add_arguments(self, parser):
        parser.add_argument("--state", required=True, help="USPS code, e.g. AR")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument("--output", type=Path, help="a file to write (default: stdout)")

    def handle(self, *args, state, year, format, output, **options):
        if not 1900 <= year <= 9998:
            raise CommandError(f"--year {year} is not a plausible calendar year")
        try:
            sheet = build_sheet(state, year)
            document = render(sheet, format)
        except (UnknownJurisdiction, FigureUnavailable) as error:
            raise CommandError(str(error)) from None
        if output is not None:
            data = document if isinstance(document, bytes) else document.encode()
            _write_atomically(output, data)
        elif isinstance(document, bytes):
            if sys.stdout.isatty():
                raise CommandError("a PDF is not for a terminal: use --output FILE")
            sys.stdout.buffer.write(document)
            sys.stdout.flush()
        else:
            self.stdout.write(document, ending="" if document.endswith("\n") else "\n")


def _write_atomically(path: Path, data: bytes) -> None:
    draft = path.with_name(f".{path.name}.partial")
    try:
        draft.write_bytes(data)
        draft.replace(path)
    except OSError as error:
        draft.unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {error.strerror}") from None
