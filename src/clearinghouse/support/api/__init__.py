"""Recovery services and family support in the JSON API (``/api/support/``).

The same workflows as the pages (``cst``, ``hope``, ``faon``), within
``access.visible``: a role without access to a kind of record gets a 403, a record
outside the caller's scope a 404, a refused step a 400 with the reason, and a malformed
body django-ninja's 422. Nothing is stored when a call fails.
"""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

from ninja import Router

from clearinghouse.support.api import cst, families

router = Router(tags=["support"])
router.add_router("", cst.router)
router.add_router("", families.router)
