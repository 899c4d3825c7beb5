"""The state data sheet: its sentences, in order, with the figures put in.

The sheet is built once as a list of blocks (title, headings, paragraphs, a table) whose
spans say which text is emphasized and which is a figure; ``render`` turns the same
blocks into text, Markdown, HTML and JSON, and ``pdf`` lays them out on a page. The
default wording is the national center's 2023 sheet, idiosyncrasies included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.figures import NATIONAL, STATE, FigureValue, sheet_figures
from clearinghouse.impact.formatting import plural


@dataclass(frozen=True)
class Span:
    text: str
    strong: bool = False
    figure: str | None = None  # "state:KEY" or "national:KEY" when the span is a figure


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "paragraph" or "table"
    spans: tuple[Span, ...] = ()
    rows: tuple[tuple[str, Span], ...] = ()
    # The source sheet breaks one paragraph across a page; the text keeps the break,
    # the laid-out formats join the two halves again.
    continues: bool = False

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass
class Sheet:
    state: str
    state_name: str
    year: int
    figures: dict[str, dict[str, FigureValue]]
    blocks: list[Block] = field(default_factory=list)


class UnknownJurisdiction(LookupError):
    pass


class _Writer:
    """Collects blocks; ``s``/``n`` give a state/national figure as a span."""

    def __init__(self, figures: dict[str, dict[str, FigureValue]]):
        self.figures = figures
        self.blocks: list[Block] = []

    def value(self, scope: str, key: str) -> int:
        return self.figures[scope][key].value

    def s(self, key: str, text: str | None = None) -> Span:
        return self._figure(STATE, key, text)

    def n(self, key: str, text: str | None = None) -> Span:
        return self._figure(NATIONAL, key, text)

    def _figure(self, scope: str, key: str, text: str | None) -> Span:
        return Span(text or self.figures[scope][key].text, figure=f"{scope}:{key}")

    def add(self, kind: str, *parts: str | Span, continues: bool = False) -> None:
        spans = tuple(Span(part) if isinstance(part, str) else part for part in parts)
        self.blocks.append(Block(kind, spans, continues=continues))

    def table(self, *rows: tuple[str, Span]) -> None:
        self.blocks.append(Block("table", rows=rows))


def _strong(*parts: str | Span) -> list[Span]:
    """Emphasize a run of text and figures, as the sheet does with its state sentences."""
    return [
        Span(part, strong=True) if isinstance(part, str) else Span(part.text, True, part.figure)
        for part in parts
    ]


def build_sheet(
    state: str, year: int, national: dict[str, FigureValue] | None = None, *, as_of=None
) -> Sheet:
    """The sheet of ``state`` for ``year``; ``national`` and ``as_of`` (the records as
    they stood then) as for ``sheet_figures``."""
    try:
        jurisdiction = Jurisdiction.objects.get(code=state.upper())
    except Jurisdiction.DoesNotExist:
        raise UnknownJurisdiction(
            f"{state!r} is not a US state, district or territory code"
        ) from None
    figures = sheet_figures(jurisdiction.code, year, national, as_of=as_of)
    sheet = Sheet(jurisdiction.code, jurisdiction.name, year, figures)
    sheet.blocks = _default_blocks(_Writer(figures), jurisdiction.name, year)
    return sheet


def with_figures(sheet: Sheet, figures: dict[str, dict[str, FigureValue]]) -> Sheet:
    """The same sheet written around other values of its figures (public release mode's,
    some withheld: a figure without a value reads in the plural)."""
    rebuilt = Sheet(sheet.state, sheet.state_name, sheet.year, figures)
    rebuilt.blocks = _default_blocks(_Writer(figures), sheet.state_name, sheet.year)
    return rebuilt


def _default_blocks(w: _Writer, name: str, year: int) -> list[Block]:
    y = str(year)
    made_available = w.value(STATE, "tipline.reports_made_available")
    reviewed = w.value(STATE, "cvip.submissions_reviewed")
    handled = w.value(STATE, "missing.cases")
    engagements = w.value(STATE, "cst.agency_engagements")
    supported = w.value(STATE, "hope.families_supported")
    connected = w.value(STATE, "faon.families_connected")
    professionals = w.value(STATE, "education.new_professionals")

    w.add(
        "title",
        "The National Center for Missing and Exploited Children ",
        Span(f"{name} Data", strong=True),
    )
    w.add(
        "paragraph",
        "The National Center for Missing and Exploited Children (NCMEC) serves as the "
        "congressionally designated clearinghouse and resource center on issues relating to "
        "missing and exploited children. NCMEC supports families, law enforcement, child "
        "welfare, and members of the public to help find missing children, combat child "
        "sexual exploitation, and reduce child victimization.",
    )
    w.add(
        "paragraph",
        f"Listed below are {name} specific statistics relating to NCMEC's work. For "
        "nationwide information on all of NCMEC's programs, please visit: "
        "missingkids.org/ourwork/impact.",
    )

    w.add("heading", "NCMEC's Work to Combat Child Sexual Exploitation")
    w.add(
        "paragraph",
        "NCMEC operates the CyberTipline, the national mechanism for members of the public "
        "and online platforms to report suspected child sexual exploitation. "
        f"In {y}, the CyberTipline received ",
        w.n("tipline.reports_received"),
        " reports related to child sexual exploitation, containing ",
        w.n("tipline.files_received"),
        " pieces of reported content. ",
        *_strong(
            f"In {y}, ",
            w.s("tipline.reports_made_available"),
            plural(made_available, " CyberTipline report was", " CyberTipline reports were"),
            f" made available to law enforcement in {name}.",
        ),
    )
    w.add(
        "paragraph",
        "NCMEC also operates the Child Victim Identification Program (CVIP) that helps "
        "identify children depicted in imagery seized by law enforcement during "
        "investigations. NCMEC has supported law enforcement's identification of ",
        w.n("cvip.children_identified"),
        " children. ",
        *_strong(
            f"In {y}, NCMEC reviewed ",
            w.s("cvip.submissions_reviewed"),
            plural(reviewed, " submission", " submissions"),
            f" of child sexual exploitation material from {name} law enforcement.",
        ),
    )

    w.add("heading", "NCMEC's Work to Help Locate and Recover Missing Children")
    w.add(
        "paragraph",
        f"In {y}, NCMEC assisted law enforcement, families, and social service agencies on ",
        w.n("missing.cases"),
        " missing child cases, ",
        w.n("missing.cases_from_care"),
        " of which involved children who had run away from a social services facility. "
        "These children are uniquely vulnerable to homelessness, gang involvement, and sex "
        "trafficking. Based on NCMEC's analysis, ",
        w.n("missing.from_care_likely_cst_pct"),
        " of these children were likely victims of child sex trafficking.",
    )
    w.add(
        "paragraph",
        f"In {y}, NCMEC handled ",
        w.s("missing.cases"),
        plural(handled, " case of missing children", " cases of missing children"),
        f" from {name} as follows:",
    )
    w.table(
        ("Children Missing From Social Services Facility", w.s("missing.cases_from_care")),
        ("Other Missing Children Cases", w.s("missing.cases_other")),
        (
            "Children Reported Missing by Office of Refugee Resettlement (HHS-ORR) :",
            w.s("missing.cases_hhs_orr"),
        ),
    )

    w.add("heading", "NCMEC's Work to Combat Child Sex Trafficking")
    w.add(
        "paragraph",
        f"In {y}, NCMEC received ",
        w.n("cst.tipline_reports"),
        " reports relating to child sex trafficking. NCMEC leverages open-source data and "
        "technology tools to support law enforcement's work on reports of child sex "
        "trafficking. NCMEC also provides recovery services to assist on child sex "
        "trafficking cases, including: (1) case-based assistance to develop "
        "trauma-informed, victim-centered recovery plans; (2) resources and",
        continues=True,
    )
    w.add(
        "paragraph",
        "support to develop effective strategies for youth engagement, trauma responses, "
        "and to address running behavior; and (3) developing multidisciplinary efforts to "
        "prevent re-victimization. ",
        *_strong(
            f"In {y}, NCMEC had ",
            w.s("cst.agency_engagements"),
            plural(engagements, " engagement", " engagements"),
            f" with {name} social service agencies on cases involving child sex trafficking.",
        ),
    )

    w.add(
        "heading",
        "NCMEC's Work to Support Survivors/Families Impacted by a Missing or Exploited Child Case",
    )
    w.add(
        "paragraph",
        "NCMEC's Team HOPE is a peer support network of individuals who were missing or "
        "exploited as children or have experienced having a missing or exploited child. "
        f"In {y}, Team HOPE supported ",
        w.n("hope.families_supported"),
        " survivors and families with peer support, ",
        *_strong(
            "including ",
            w.s("hope.families_supported"),
            plural(supported, " survivor/family", " survivors/families"),
            f" in {name}.",
        ),
        " NCMEC also facilitates the Family Advocacy Outreach Network, a network of "
        "experienced mental health professionals who provide free or low-cost therapeutic "
        "services to survivors/families. ",
        *_strong(
            f"In {y}, NCMEC connected ",
            w.s("faon.families_connected"),
            plural(connected, " survivor/family", " survivors/families"),
            f" to mental health services in {name}.",
        ),
    )
    w.add(
        "paragraph",
        "NCMEC's Team Adam program deploys former law enforcement consultants with "
        "specialized knowledge of cases involving abducted or missing children to the site "
        "of critical missing child incidents. ",
        *_strong(
            f"In {y}, Team Adam provided Team Adam critical case assistance on ",
            w.s("adam.cases_assisted"),
            f" in {name}.",
        ),
    )

    w.add(
        "heading", "NCMEC's Education Resources for Law Enforcement and Child-Serving Professionals"
    )
    w.add(
        "paragraph",
        "NCMEC is committed to providing educational opportunities and resources to law "
        "enforcement and child-serving professionals through in-person education sessions "
        "across the country and online through NCMEC CONNECT. "
        f"In {y}, NCMEC CONNECT had ",
        w.n("education.registered_users"),
        " registered users, including ",
        *_strong(
            w.s("education.new_professionals"),
            plural(
                professionals,
                " new law enforcement and child-serving professional",
                " new law enforcement and child-serving professionals",
            ),
        ),
        f" in {name}.",
    )
    return w.blocks
