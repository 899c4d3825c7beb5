"""Public release mode: small counts withheld from public outputs.

A count from 1 to ``below - 1`` can point at a handful of children or families, so a
public page or download says "fewer than 5" instead (zero is shown: it points at no one).
Percentages are not counts and are shown as they are. Where a total and all of its parts
are published (a state's missing cases: from care + HHS-ORR + other), one withheld part
could be worked out from the others, so the smallest other part is withheld with it.

Internal outputs (signed-in staff, ``factsheet`` without ``--public``) never suppress.
Not done: suppression across jurisdictions. When a single state's count of a figure that
the nation also publishes is withheld, the national total less the other states' counts
still gives it; a release that must rule that out needs a second state withheld too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.conf import settings

from clearinghouse.accounts import access
from clearinghouse.impact import formatting
from clearinghouse.impact.figures import FIGURES, NATIONAL, STATE, FigureValue
from clearinghouse.impact.sheet import Sheet, with_figures

# Published together with their total (``missing.cases``) on a state's sheet.
PARTS = ("missing.cases_from_care", "missing.cases_hhs_orr", "missing.cases_other")


@dataclass(frozen=True)
class Release:
    """How counts are shown: ``below`` = None shows every count (internal)."""

    below: int | None = None

    @classmethod
    def public(cls, below: int | None = None) -> Release:
        return cls(below or settings.IMPACT_SUPPRESS_BELOW)

    @classmethod
    def for_viewer(cls, user) -> Release:
        """Suppressing for anonymous viewers (and users whose role sees nothing) when
        public release mode is on; never for staff."""
        if access.effective_role(user) is not None or not settings.IMPACT_PUBLIC_SUPPRESSION:
            return cls()
        return cls.public()

    @property
    def suppressing(self) -> bool:
        return self.below is not None

    @property
    def withheld_text(self) -> str:
        return f"fewer than {self.below}"

    def hides(self, value: int | None) -> bool:
        return self.below is not None and value is not None and 0 < value < self.below

    def count(self, value: int) -> str:
        """A count as shown: exact, or "fewer than N"."""
        return self.withheld_text if self.hides(value) else formatting.exact(value)

    def counts(self, rows: list[tuple[str, int]]) -> list[tuple[str, str]]:
        """(category, count) rows as shown under their total: one withheld count would
        be the total less the others, so the smallest other is withheld with it."""
        withheld = {label for label, number in rows if self.hides(number)}
        if len(withheld) == 1 and len(rows) > 1:
            shown = [row for row in rows if row[0] not in withheld]
            withheld.add(min(shown, key=lambda row: row[1])[0])
        return [
            (label, self.withheld_text if label in withheld else formatting.exact(number))
            for label, number in rows
        ]

    def figure(self, value: FigureValue) -> FigureValue:
        """The figure as released: a withheld one keeps its key but loses its value."""
        if FIGURES[value.key].display is formatting.percent or not self.hides(value.value):
            return value
        return self.withhold(value)

    def withhold(self, value: FigureValue) -> FigureValue:
        """No value, and "fewer than N" written as the figure writes N ("fewer than 5
        cases" where the sheet says "1 case")."""
        text = f"fewer than {FIGURES[value.key].display(self.below)}"
        return dataclasses.replace(value, value=None, text=text)

    def figures(self, values: dict[str, FigureValue]) -> dict[str, FigureValue]:
        released = {key: self.figure(value) for key, value in values.items()}
        if not all(key in released for key in PARTS):
            return released  # the nation's figures: no total with all its parts
        withheld = [key for key in PARTS if released[key].value is None]
        if len(withheld) == 1:
            shown = [key for key in PARTS if key not in withheld]
            smallest = min(shown, key=lambda key: released[key].value)
            released[smallest] = self.withhold(released[smallest])
        return released

    def sheet(self, sheet: Sheet) -> Sheet:
        """The sheet with its figures released (its sentences written again around them)."""
        if not self.suppressing:
            return sheet
        return with_figures(
            sheet,
            {
                STATE: self.figures(sheet.figures[STATE]),
                NATIONAL: self.figures(sheet.figures[NATIONAL]),
            },
        )

    def mark(self, document: dict) -> dict:
        """A JSON document saying which threshold withheld its small counts, if any."""
        if self.suppressing:
            document["suppressed_below"] = self.below
        return document
