"""``{% static_text "impact/factsheet.css" %}``: a static file's text, for a document
that stands alone (a sheet written as an HTML file carries its styles inside). The
site's pages link their static files instead, as the Content-Security-Policy requires.
"""

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def static_text(path: str) -> str:
    found = finders.find(path)
    if found is None:
        raise template.TemplateSyntaxError(f"no static file {path!r}")
    with open(found, encoding="utf-8") as source:
        return mark_safe(source.read())  # noqa: S308 (the project's own static file)
