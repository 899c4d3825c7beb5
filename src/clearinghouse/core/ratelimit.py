"""Per-client limits on the public forms (the tipline report, the training sign-up).

Anybody may use those forms, so each client address may send only ``limit`` of them in
``window`` seconds. The count lives in the shared cache (files in the data directory, or
Redis), so every web worker sees the same count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window: int  # seconds

    def _key(self, client: str) -> str:
        return f"ratelimit:{self.name}:{client}"

    def exceeded(self, client: str) -> bool:
        """Whether ``client`` has already sent ``limit`` in this window."""
        return cache.get(self._key(client), 0) >= self.limit

    def count(self, client: str) -> None:
        """Counts one more from ``client``; the window starts with the first."""
        key = self._key(client)
        if not cache.add(key, 1, timeout=self.window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr: a new window
                cache.add(key, 1, timeout=self.window)
