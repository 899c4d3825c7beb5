"""The synthetic world of the demo, written as JSON Lines files of the import format
(``shared/spec/records.md``), one file per record type.

Each jurisdiction and year is a *section* whose records produce exactly the figures
``plan.planned_figures`` gives it, from a random generator seeded by the demo's seed and
the section alone: the same seed always writes the same files, and Arkansas is the same
at every scale.
"""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

from clearinghouse.demo import edges, plan, records
from clearinghouse.demo.records import DAY, HOUR, Record, year_span
from clearinghouse.geo.jurisdictions import JurisdictionInfo, all_jurisdictions

# In the order they are imported: records that others refer to come first.
RECORD_TYPES = (
    "missing_case",
    "tipline_report",
    "cvip_submission",
    "identified_child",
    "cst_engagement",
    "peer_support",
    "mental_health_referral",
    "team_adam_deployment",
    "training_registration",
    "published_statistic",
)

# Beside the reports resolved to a US jurisdiction, a year holds reports referred abroad
# and reports not resolved yet, as these shares of the US ones.
FOREIGN_SHARE = 0.2
UNRESOLVED_SHARE = 0.02
FOREIGN_COUNTRIES = ("CA", "MX", "PH", "IN", "BR", "GB", "DE", "ID", "VN", "PK")
# Children identified nationally in a year, at scale 1.
IDENTIFIED_CHILDREN_PER_YEAR = 1_000
# Registrations by people outside the professions the state figure counts, as a share.
OTHER_PROFESSION_SHARE = 0.2


class JsonLinesSink:
    """Writes records to one ``TYPE.jsonl`` file per type and counts them."""

    _encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = {kind: directory / f"{kind}.jsonl" for kind in RECORD_TYPES}
        self.counts: Counter[str] = Counter()
        self._files: dict[str, TextIO] = {
            kind: path.open("w", encoding="utf-8", newline="\n")
            for kind, path in self.paths.items()
        }

    def write(self, record: Record) -> None:
        kind = record["type"]
        self._files[kind].write(self._encode(record) + "\n")
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


class Agencies(NamedTuple):
    law_enforcement: tuple[str, ...]
    social_service: tuple[str, ...]


def agencies_of(jurisdiction: JurisdictionInfo) -> Agencies:
    """The synthetic agencies of a jurisdiction. The first of each kind is the one the
    demo users belong to in Arkansas ("Arkansas Demo Police Department")."""
    name, code = jurisdiction.name, jurisdiction.code
    return Agencies(
        law_enforcement=(
            f"{name} Demo Police Department",
            f"Demo County Sheriff's Office ({code})",
            f"Demo City Police Department ({code})",
            f"{name} Demo State Police",
        ),
        social_service=(
            f"{name} Demo Family Services",
            f"Demo County Children and Family Services ({code})",
        ),
    )


class Case(NamedTuple):
    id: str
    reported: int
    likely_cst_victim: bool


class Section:
    """The records of one jurisdiction in one year."""

    def __init__(
        self, sink: JsonLinesSink, seed: int, jurisdiction: JurisdictionInfo, year: int
    ) -> None:
        self.sink = sink
        self.code = jurisdiction.code
        self.year = year
        self.rng = random.Random(f"{seed}:section:{self.code}:{year}")
        self.start, self.end = year_span(year)
        self.agencies = agencies_of(jurisdiction)

    def record_id(self, prefix: str, number: int) -> str:
        return f"demo-{prefix}-{self.code}-{self.year}-{number:05d}"

    def moment(self, after: int | None = None) -> int:
        """A second of the year (after ``after``), uniformly."""
        return self.rng.randrange(self.start if after is None else after, self.end)

    def write(self, figures: plan.StateFigures) -> None:
        self.tipline_reports(figures.reports_made_available)
        self.cvip_submissions(figures.submissions_reviewed)
        cases = self.missing_cases(figures)
        self.cst_engagements(figures.agency_engagements, cases)
        self.team_adam_deployments(figures.cases_assisted, cases)
        self.family_records("hope", figures.families_supported)
        self.family_records("faon", figures.families_connected)
        self.training_registrations(figures.new_professionals)

    def tipline_reports(self, count: int) -> None:
        jurisdiction = {"country": "US", "state": self.code}
        for number in range(count):
            made_available = self.moment()
            # Some reports of early January were received the year before.
            received = made_available - self.rng.randint(10 * 60, 21 * DAY)
            self.sink.write(
                records.tipline_report(
                    self.rng,
                    self.record_id("tip", number),
                    received=received,
                    jurisdiction=jurisdiction,
                    made_available=made_available,
                )
            )

    def cvip_submissions(self, count: int) -> None:
        for number in range(count):
            reviewed = self.moment()
            self.sink.write(
                records.cvip_submission(
                    self.rng,
                    self.record_id("cvip", number),
                    received=reviewed - self.rng.randint(DAY, 90 * DAY),
                    agency=self.rng.choice(self.agencies.law_enforcement),
                    state=self.code,
                    reviewed=reviewed,
                )
            )

    def missing_cases(self, figures: plan.StateFigures) -> list[Case]:
        categories = (
            ["from_care"] * figures.cases_from_care
            + ["hhs_orr"] * figures.cases_hhs_orr
            + ["other"] * figures.cases_other
        )
        self.rng.shuffle(categories)
        cases = []
        for number, category in enumerate(categories):
            reported = self.moment()
            record = records.missing_case(
                self.rng,
                self.record_id("case", number),
                reported=reported,
                state=self.code,
                category=category,
                child_name=f"Child-{self.code}{self.year % 100}-{number:04d}",
            )
            self.sink.write(record)
            cases.append(Case(record["id"], reported, record["likely_cst_victim"]))
        return cases

    def cst_engagements(self, count: int, cases: list[Case]) -> None:
        candidates = [case for case in cases if case.likely_cst_victim] or cases
        for number in range(count):
            case = self.rng.choice(candidates)
            self.sink.write(
                records.cst_engagement(
                    self.record_id("cst", number),
                    engaged=self.moment(after=case.reported),
                    agency=self.rng.choice(self.agencies.social_service),
                    state=self.code,
                    case_id=case.id,
                )
            )

    def team_adam_deployments(self, count: int, cases: list[Case]) -> None:
        """Deployments on ``count`` distinct cases; the first case, and some others, get
        a second deployment, which must not count twice."""
        number = 0
        for position, case in enumerate(self.rng.sample(cases, count)):
            for _ in range(2 if position == 0 or self.rng.random() < 0.25 else 1):
                window = min(3 * DAY, self.end - case.reported)
                self.sink.write(
                    records.team_adam_deployment(
                        self.record_id("adam", number),
                        case_id=case.id,
                        state=self.code,
                        deployed=case.reported + self.rng.randrange(window),
                    )
                )
                number += 1

    def family_ids(self, count: int) -> list[str]:
        """``count`` distinct families of the jurisdiction; families recur across years
        and between Team HOPE and the outreach network."""
        pool = range(max(count, round(count * 1.6)))
        return [f"demo-family-{self.code}-{n:05d}" for n in sorted(self.rng.sample(pool, count))]

    def family_records(self, program: str, families: int) -> None:
        number = 0
        for family_id in self.family_ids(families):
            for _ in range(1 + (self.rng.random() < 0.3) + (self.rng.random() < 0.1)):
                record_id, moment = self.record_id(program, number), self.moment()
                if program == "hope":
                    record = records.peer_support(
                        record_id, family_id=family_id, state=self.code, supported=moment
                    )
                else:
                    record = records.mental_health_referral(
                        record_id, family_id=family_id, state=self.code, connected=moment
                    )
                self.sink.write(record)
                number += 1

    def training_registrations(self, professionals: int) -> None:
        others = plan.stochastic_round(self.rng, professionals * OTHER_PROFESSION_SHARE)
        professions = [
            "law_enforcement" if self.rng.random() < 0.45 else "child_serving_professional"
            for _ in range(professionals)
        ] + ["other"] * others
        self.rng.shuffle(professions)
        for number, profession in enumerate(professions):
            self.sink.write(
                records.training_registration(
                    self.record_id("edu", number),
                    state=self.code,
                    registered=self.moment(),
                    profession=profession,
                )
            )


def write_national(
    sink: JsonLinesSink, seed: int, year: int, us_reports: int, scale: float
) -> None:
    """What belongs to no jurisdiction: reports referred abroad or not resolved yet, and
    children identified."""
    rng = random.Random(f"{seed}:national:{year}")
    start, end = year_span(year)
    for number in range(plan.stochastic_round(rng, us_reports * FOREIGN_SHARE)):
        made_available = rng.randrange(start, end)
        sink.write(
            records.tipline_report(
                rng,
                f"demo-tip-foreign-{year}-{number:05d}",
                received=made_available - rng.randint(HOUR, 10 * DAY),
                jurisdiction={"country": rng.choice(FOREIGN_COUNTRIES)},
                made_available=made_available,
            )
        )
    for number in range(plan.stochastic_round(rng, us_reports * UNRESOLVED_SHARE)):
        sink.write(
            records.tipline_report(
                rng, f"demo-tip-unresolved-{year}-{number:05d}", received=rng.randrange(start, end)
            )
        )
    identified = IDENTIFIED_CHILDREN_PER_YEAR * plan.YEAR_TREND[year] * scale
    first_day = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first_day).days
    for number in range(plan.stochastic_round(rng, identified)):
        day = first_day + datetime.timedelta(days=rng.randrange(days))
        sink.write(records.identified_child(rng, f"demo-child-{year}-{number:05d}", identified=day))


def write_published_statistics(sink: JsonLinesSink, seed: int) -> None:
    for (metric, year), value in sorted(plan.national_statistics(seed).items()):
        source = plan.SEED_CITATION if year == plan.SEED_YEAR else plan.SYNTHETIC_CITATION
        sink.write(records.published_statistic(metric, year, value, source))


@dataclass
class World:
    """What ``generate_world`` wrote."""

    directory: Path
    seed: int
    scale: float
    paths: dict[str, Path]
    counts: Counter[str]
    figures: dict[tuple[str, int], plan.StateFigures] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def generate_world(
    directory: Path,
    *,
    seed: int = 2023,
    scale: float = 1.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> World:
    """Write the demo world into ``directory``, one ``TYPE.jsonl`` per record type.

    ``scale`` multiplies the size of every jurisdiction but Arkansas, which is always at
    full size and in 2023 holds exactly the figures of the seed sheet.
    ``on_progress(done, total)`` is called as the jurisdictions of each year are written.
    """
    if scale < 0:
        raise ValueError("scale cannot be negative")
    jurisdictions = all_jurisdictions()
    sink = JsonLinesSink(directory)
    world = World(directory, seed, scale, sink.paths, sink.counts)
    total, done = len(plan.YEARS) * len(jurisdictions), 0
    try:
        for year in plan.YEARS:
            for jurisdiction in jurisdictions:
                figures = plan.planned_figures(jurisdiction.code, year, seed=seed, scale=scale)
                Section(sink, seed, jurisdiction, year).write(figures)
                world.figures[jurisdiction.code, year] = figures
                done += 1
                if on_progress:
                    on_progress(done, total)
            us_reports = sum(
                world.figures[j.code, year].reports_made_available for j in jurisdictions
            )
            write_national(sink, seed, year, us_reports, scale)
        edges.write_arkansas_edges(sink.write, seed)
        write_published_statistics(sink, seed)
    finally:
        sink.close()
    return world
