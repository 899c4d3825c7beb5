import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.figures import FigureUnavailable, as_of_moment, national_figures
from clearinghouse.impact.national import build_summary, render_summary
from clearinghouse.impact.release import Release
from clearinghouse.impact.render import FORMATS, render
from clearinghouse.impact.sheet import UnknownJurisdiction, build_sheet

EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "pdf": "pdf", "json": "json"}


class Command(BaseCommand):
    help = (
        "Write a state data sheet, computed from the records, for a state and year; or, "
        "with --all-states, every jurisdiction's sheet and a national summary into a folder."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--state", help="USPS code, e.g. AR")
        which.add_argument(
            "--all-states",
            action="store_true",
            help="all 56 jurisdictions, plus national-YEAR.EXT (needs --output DIR)",
        )
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument(
            "--output",
            type=Path,
            help="a file to write (default: stdout); with --all-states, a folder",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--public",
            action="store_true",
            help="public release: small counts shown as 'fewer than N' (see --suppress-below)",
        )
        parser.add_argument(
            "--suppress-below",
            type=int,
            metavar="N",
            help="with --public, withhold counts from 1 to N-1 (default: the setting, 5)",
        )
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="the figures as the records stood then (YYYY-MM-DD: the end of that day, "
            "UTC; or an RFC 3339 time), to reproduce a sheet published that day",
        )

    def handle(self, *args, state, all_states, year, format, output, quiet, **options):
        if not 1900 <= year <= 9998:
            raise CommandError(f"--year {year} is not a plausible calendar year")
        release = _release(options["public"], options["suppress_below"])
        self.as_of = _as_of(options["as_of"])
        if all_states:
            self.write_all(year, format, output, quiet, release)
            return
        try:
            sheet = release.sheet(build_sheet(state, year, as_of=self.as_of))
            document = render(sheet, format)
        except (UnknownJurisdiction, FigureUnavailable) as error:
            raise CommandError(str(error)) from None
        if output is not None:
            _write_atomically(output, _bytes(document))
        elif isinstance(document, bytes):
            if sys.stdout.isatty():
                raise CommandError("a PDF is not for a terminal: use --output FILE")
            sys.stdout.buffer.write(document)
            sys.stdout.flush()
        else:
            self.stdout.write(document, ending="" if document.endswith("\n") else "\n")

    def write_all(
        self, year: int, format: str, folder: Path | None, quiet: bool, release: Release
    ) -> None:
        """One file a jurisdiction (``AR-2023.pdf``) and ``national-2023.pdf``; each file
        appears whole or not at all. Nothing is written unless every figure is there."""
        if folder is None:
            raise CommandError("--all-states writes many files: give a folder with --output DIR")
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"--output {folder}: not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot create {folder}: {error.strerror}") from None
        codes = list(Jurisdiction.objects.order_by("code").values_list("code", flat=True))
        extension = EXTENSIONS[format]
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=quiet,
            transient=True,
        )
        try:
            national = national_figures(year, as_of=self.as_of)
            sheets = []
            with progress:
                task = progress.add_task(f"Sheets for {year}", total=len(codes) + 1)
                for code in codes:
                    progress.update(task, description=f"Sheet {code} {year}")
                    sheet = release.sheet(build_sheet(code, year, national, as_of=self.as_of))
                    _write_atomically(
                        folder / f"{code}-{year}.{extension}", _bytes(render(sheet, format))
                    )
                    sheets.append(sheet)
                    progress.advance(task)
                progress.update(task, description=f"National summary {year}")
                summary = render_summary(build_summary(year, sheets), format)
                _write_atomically(folder / f"national-{year}.{extension}", _bytes(summary))
                progress.advance(task)
        except FigureUnavailable as error:
            raise CommandError(str(error)) from None
        if not quiet:
            self.stdout.write(
                f"Wrote {len(codes)} sheets and national-{year}.{extension} to {folder}"
            )


def _release(public: bool, suppress_below: int | None) -> Release:
    if suppress_below is not None and not public:
        raise CommandError("--suppress-below goes with --public")
    if suppress_below is not None and suppress_below < 2:
        raise CommandError(f"--suppress-below {suppress_below}: give 2 or more")
    return Release.public(suppress_below) if public else Release()


def _as_of(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            moment = as_of_moment(datetime.date.fromisoformat(text.strip()))
        else:
            moment = as_of_moment(datetime.datetime.fromisoformat(text.strip()))
    except ValueError:
        raise CommandError(
            f"--as-of {text!r}: give a date (YYYY-MM-DD) or an RFC 3339 time"
        ) from None
    if moment > timezone.now():
        raise CommandError(f"--as-of {text}: that is in the future")
    return moment


def _bytes(document: str | bytes) -> bytes:
    return document if isinstance(document, bytes) else document.encode()


def _write_atomically(path: Path, data: bytes) -> None:
    draft = path.with_name(f".{path.name}.partial")
    try:
        draft.write_bytes(data)
        draft.replace(path)
    except OSError as error:
        draft.unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {error.strerror}") from None
