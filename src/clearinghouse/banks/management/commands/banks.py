"""``clearinghouse banks import|export|list|enable|disable|delete``: managing hash banks.

An import is all-or-nothing; bad lines are listed on stderr as ``FILE:LINE: reason`` and
the command exits 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from clearinghouse.banks import services
from clearinghouse.banks.models import HashBank


class Command(BaseCommand):
    help = "Manage hash banks: import, export, list, enable, disable, delete."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser("import", help="add the hashes of a CSV or JSON Lines file")
        imports.add_argument("--bank", required=True, metavar="NAME")
        imports.add_argument("file", metavar="FILE")
        exports = actions.add_parser("export", help="write a bank as CSV (type,hash,label)")
        exports.add_argument("--bank", required=True, metavar="NAME")
        exports.add_argument("--output", metavar="FILE", help="write here, not to stdout")
        actions.add_parser("list", help="list the banks")
        for name, text in (
            ("enable", "match against a bank"),
            ("disable", "stop matching against a bank"),
            ("delete", "delete a bank and its hashes"),
        ):
            actions.add_parser(name, help=text).add_argument("name", metavar="NAME")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except services.BankError as error:
            raise CommandError(str(error)) from None

    def _import(self, *, bank: str, file: str, **options):
        try:
            result = services.import_hashes(bank, file)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot read: {error}") from None
        for error in result.errors:
            self.stderr.write(f"{file}:{error.line}: {error.reason}")
        if not result.stored:
            count = len(result.errors)
            raise CommandError(
                f"{file}: rejected, {count} bad {'line' if count == 1 else 'lines'}; "
                "nothing from it was stored"
            )
        self.stdout.write(f"{file}: {result.added:,} added, {result.unchanged:,} unchanged")

    def _export(self, *, bank: str, output: str | None, **options):
        text = services.export_bank(bank)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _list(self, **options):
        banks = HashBank.objects.annotate(size=Count("hashes")).order_by("name")
        for bank in banks:
            state = "enabled" if bank.enabled else "disabled"
            self.stdout.write(
                f"{bank.name}\t{state}\tthreshold {bank.pdq_threshold}\t{bank.size:,} hashes"
            )

    def _enable(self, *, name: str, **options):
        services.set_enabled(name, True)
        self.stdout.write(f"{name}: enabled")

    def _disable(self, *, name: str, **options):
        services.set_enabled(name, False)
        self.stdout.write(f"{name}: disabled")

    def _delete(self, *, name: str, **options):
        count = services.delete_bank(name)
        self.stdout.write(f"{name}: deleted with {count:,} hashes")
