"""What every source table adds to which counter: the one definition of the rollups.

A counter is kept per (counter, year, state, member). ``year`` is the UTC calendar year
of the time the figure is about; ``state`` is the jurisdiction code, or ``''`` where the
figure is national only; ``member`` is ``''`` for a plain count, or the thing counted
once (a family, a case) for the distinct counts, whose value is the number of members
with a positive amount.

Each ``Contribution`` is SQL over one row of its table, written with ``{r}`` for the
row: the triggers put ``NEW`` (adding) and ``OLD`` (taking away) in its place, and
``rebuild`` the rows of a scan of the table. A contribution marked ``rebuild=False``
exists for the triggers only: it moves what another table's rows contribute when this
row changes (a report finished with its files already there; an agency that moves to
another jurisdiction), and a rebuild counts those rows from their own table instead.

The figures' definitions (``impact.figures``, records.md) are the reference: the
property test checks that these counters give the same figures as full scans.
"""

from __future__ import annotations

from dataclasses import dataclass

# Counters that are not simply a figure's key.
FROM_CARE_LIKELY_CST = "missing.cases_from_care_likely_cst"

# Distinct counts: the value is how many members have a positive amount.
DISTINCT = ("hope.families_supported", "faon.families_connected", "adam.cases_assisted")
# Cumulative counts: the value for year Y sums every year up to Y.
CUMULATIVE = ("cvip.children_identified", "education.registered_users")

_FINISHED = "{r}.status = 'finished'"
_PROFESSIONALS = "('law_enforcement', 'child_serving_professional')"


@dataclass(frozen=True)
class Contribution:
    counter: str
    time: str  # SQL: the time whose UTC year the count is kept under
    state: str = "''"
    member: str = "''"
    where: str = "1 = 1"
    joins: str = ""  # further FROM items (each with an alias)
    date: bool = False  # ``time`` is a date, not a timestamp
    rebuild: bool = True


@dataclass(frozen=True)
class Source:
    table: str
    # Columns whose change can move a count: an UPDATE that changes none of them does
    # not run the trigger at all.
    watched: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    # A condition on the row without which none of its contributions counts: a row that
    # meets it neither before nor after a write runs no trigger (an open report's
    # submit, on the intake hot path).
    only_when: str | None = None

    @property
    def counters(self) -> tuple[str, ...]:
        """The counters that need a row of this table: emptied when it is truncated."""
        return tuple(dict.fromkeys(c.counter for c in self.contributions))


SOURCES: tuple[Source, ...] = (
    Source(
        "tipline_tiplinereport",
        ("id", "status", "received_at", "incident_type", "made_available_at", "state_id"),
        (
            Contribution("tipline.reports_received", "{r}.received_at", where=_FINISHED),
            Contribution(
                "cst.tipline_reports",
                "{r}.received_at",
                where=f"{_FINISHED} AND {{r}}.incident_type = 'child_sex_trafficking'",
            ),
            Contribution(
                "tipline.reports_made_available",
                "{r}.made_available_at",
                state="{r}.state_id",
                where=f"{_FINISHED} AND {{r}}.made_available_at IS NOT NULL"
                " AND {r}.state_id IS NOT NULL",
            ),
            Contribution(
                "tipline.files_received",
                "{r}.received_at",
                joins="tipline_reportfile AS file",
                where=f"file.report_id = {{r}}.id AND {_FINISHED}",
                rebuild=False,
            ),
        ),
        only_when=_FINISHED,
    ),
    Source(
        "tipline_reportfile",
        ("report_id",),
        (
            Contribution(
                "tipline.files_received",
                "report.received_at",
                joins="tipline_tiplinereport AS report",
                where="report.id = {r}.report_id AND report.status = 'finished'",
            ),
        ),
    ),
    Source(
        "victimid_cvipsubmission",
        ("reviewed_at", "agency_id"),
        (
            Contribution(
                "cvip.submissions_reviewed",
                "{r}.reviewed_at",
                state="agency.jurisdiction_id",
                joins="accounts_organization AS agency",
                where="agency.id = {r}.agency_id AND {r}.reviewed_at IS NOT NULL"
                " AND agency.jurisdiction_id IS NOT NULL",
            ),
        ),
    ),
    Source(
        "victimid_identifiedchild",
        ("identified_at",),
        (Contribution("cvip.children_identified", "{r}.identified_at", date=True),),
    ),
    Source(
        "support_cstengagement",
        ("engaged_at", "agency_id"),
        (
            Contribution(
                "cst.agency_engagements",
                "{r}.engaged_at",
                state="agency.jurisdiction_id",
                joins="accounts_organization AS agency",
                where="agency.id = {r}.agency_id AND agency.jurisdiction_id IS NOT NULL",
            ),
        ),
    ),
    Source(
        "accounts_organization",
        ("id", "jurisdiction_id"),
        (
            Contribution(
                "cvip.submissions_reviewed",
                "submission.reviewed_at",
                state="{r}.jurisdiction_id",
                joins="victimid_cvipsubmission AS submission",
                where="submission.agency_id = {r}.id AND submission.reviewed_at IS NOT NULL"
                " AND {r}.jurisdiction_id IS NOT NULL",
                rebuild=False,
            ),
            Contribution(
                "cst.agency_engagements",
                "engagement.engaged_at",
                state="{r}.jurisdiction_id",
                joins="support_cstengagement AS engagement",
                where="engagement.agency_id = {r}.id AND {r}.jurisdiction_id IS NOT NULL",
                rebuild=False,
            ),
        ),
    ),
    Source(
        "missing_missingcase",
        ("reported_at", "state_id", "missing_from_care", "reported_by", "likely_cst_victim"),
        (
            Contribution("missing.cases", "{r}.reported_at", state="{r}.state_id"),
            Contribution(
                "missing.cases_from_care",
                "{r}.reported_at",
                state="{r}.state_id",
                where="{r}.missing_from_care AND {r}.reported_by <> 'hhs_orr'",
            ),
            Contribution(
                "missing.cases_hhs_orr",
                "{r}.reported_at",
                state="{r}.state_id",
                where="{r}.reported_by = 'hhs_orr'",
            ),
            Contribution(
                FROM_CARE_LIKELY_CST,
                "{r}.reported_at",
                state="{r}.state_id",
                where="{r}.missing_from_care AND {r}.reported_by <> 'hhs_orr'"
                " AND {r}.likely_cst_victim",
            ),
        ),
    ),
    Source(
        "missing_teamadamdeployment",
        ("deployed_at", "state_id", "case_ref"),
        (
            Contribution(
                "adam.cases_assisted",
                "{r}.deployed_at",
                state="{r}.state_id",
                member="{r}.case_ref",
                where="{r}.deployed_at IS NOT NULL",
            ),
        ),
    ),
    Source(
        "support_peersupport",
        ("supported_at", "state_id", "family_id"),
        (
            Contribution(
                "hope.families_supported",
                "{r}.supported_at",
                state="{r}.state_id",
                member="{r}.family_id",
            ),
        ),
    ),
    Source(
        "support_mentalhealthreferral",
        ("connected_at", "state_id", "family_id"),
        (
            Contribution(
                "faon.families_connected",
                "{r}.connected_at",
                state="{r}.state_id",
                member="{r}.family_id",
                where="{r}.connected_at IS NOT NULL",
            ),
        ),
    ),
    Source(
        "education_trainingregistration",
        ("registered_at", "state_id", "profession"),
        (
            Contribution("education.registered_users", "{r}.registered_at"),
            Contribution(
                "education.new_professionals",
                "{r}.registered_at",
                state="{r}.state_id",
                where=f"{{r}}.profession IN {_PROFESSIONALS}",
            ),
        ),
    ),
)

COUNTERS: tuple[str, ...] = tuple(
    dict.fromkeys(c.counter for source in SOURCES for c in source.contributions)
)
ADDITIVE = tuple(counter for counter in COUNTERS if counter not in DISTINCT)
