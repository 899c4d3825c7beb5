"""Page numbers for the JSON API's lists: ninja's ``PageNumberPagination``, bounded.

Unbounded, ``?page=263223067025165123584`` (found by schemathesis) asks the database for
an offset beyond its integers, and SQLite answers with an error, a server error to the
caller. Bounded, such a page is invalid input (422), and any page past the end of a real
list is simply empty.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 10_000_000
MAX_PAGE_SIZE = 1_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
