"""The sheet's blocks as text, Markdown, HTML and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from clearinghouse.impact.figures import DEFINITIONS_VERSION, KEYS, NATIONAL, STATE
from clearinghouse.impact.sheet import Block, Sheet, Span

FORMATS = ("text", "markdown", "html", "pdf", "json")


def _marked(spans: tuple[Span, ...]) -> str:
    """Spans with emphasis written as ``**...**``, adjacent emphasis merged."""
    out, bold = [], False
    for span in spans:
        if span.strong != bold:
            out.append("**")
            bold = span.strong
        out.append(span.text)
    if bold:
        out.append("**")
    return "".join(out)


def _table_lines(block: Block) -> list[str]:
    return [f"{label}\t{value.text}" for label, value in block.rows]


def as_text(sheet: Sheet) -> str:
    """Plain text, laid out as the national center's published text (which opens with
    four empty lines and marks emphasis with asterisks)."""
    parts = []
    for block in sheet.blocks:
        if block.kind == "table":
            parts.append("\n".join(_table_lines(block)))
        elif block.kind == "heading":
            parts.append(block.text)
        else:
            parts.append(_marked(block.spans))
    return "\n\n\n\n" + "\n\n".join(parts)


def as_markdown(sheet: Sheet) -> str:
    parts = []
    for block in sheet.blocks:
        if block.kind == "title":
            parts.append("# " + _marked(block.spans))
        elif block.kind == "heading":
            parts.append("## " + block.text)
        elif block.kind == "table":
            parts.append("  \n".join(_table_lines(block)))
        else:
            parts.append(_marked(block.spans))
    return "\n\n".join(parts) + "\n"


def _html_spans(spans: tuple[Span, ...], figure_url: Callable[[str], str] | None) -> str:
    out = []
    for span in spans:
        text = escape(span.text)
        if span.figure:
            text = f'<span class="figure" data-figure="{escape(span.figure)}">{text}</span>'
            if figure_url is not None:
                text = f'<a class="provenance" href="{escape(figure_url(span.figure))}">{text}</a>'
        out.append(f"<strong>{text}</strong>" if span.strong else text)
    return "".join(out)


def html_blocks(sheet: Sheet, figure_url: Callable[[str], str] | None = None) -> SafeString:
    """The sheet's body as an HTML fragment (the web page and the HTML file share it).
    ``figure_url`` maps a span's figure ("state:KEY") to the page of the records behind
    it; the web page links every figure there."""
    out: list[str] = []
    joined_paragraph: list[str] = []
    for block in sheet.blocks:
        if block.kind == "paragraph":
            joined_paragraph.append(_html_spans(block.spans, figure_url))
            if block.continues:
                continue
            out.append("<p>" + " ".join(joined_paragraph) + "</p>")
            joined_paragraph = []
        elif block.kind == "title":
            out.append(f"<h1>{_html_spans(block.spans, figure_url)}</h1>")
        elif block.kind == "heading":
            out.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "table":
            rows = "".join(
                f'<tr><th scope="row">{escape(label)}</th>'
                f"<td>{_html_spans((value,), figure_url)}</td></tr>"
                for label, value in block.rows
            )
            out.append(f'<table class="cases"><tbody>{rows}</tbody></table>')
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text is escaped above


def as_html(sheet: Sheet) -> str:
    """A standalone HTML document."""
    return render_to_string(
        "impact/factsheet_document.html", {"sheet": sheet, "body": html_blocks(sheet)}
    )


def as_dict(sheet: Sheet) -> dict:
    """``{"state", "year", "figures": {KEY: {...}}}``: a figure that exists for both the
    state and the nation is given for the state, with the national one under
    ``"national"``."""
    figures: dict[str, dict] = {}
    for key, value in sheet.figures[STATE].items():
        figures[key] = value.as_json()
    for key, value in sheet.figures[NATIONAL].items():
        if key in figures:
            figures[key]["national"] = value.as_json()
        else:
            figures[key] = value.as_json()
    ordered = {key: figures[key] for key in KEYS if key in figures}
    return {
        "state": sheet.state,
        "state_name": sheet.state_name,
        "year": sheet.year,
        "definitions_version": DEFINITIONS_VERSION,
        "figures": ordered,
    }


def as_json(sheet: Sheet) -> str:
    return json.dumps(as_dict(sheet), indent=2) + "\n"


def render(sheet: Sheet, fmt: str) -> str | bytes:
    if fmt == "text":
        return as_text(sheet)
    if fmt == "markdown":
        return as_markdown(sheet)
    if fmt == "html":
        return as_html(sheet)
    if fmt == "json":
        return as_json(sheet)
    if fmt == "pdf":
        from clearinghouse.impact.pdf import as_pdf

        return as_pdf(sheet)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
