"""How hard the fuzz tests try: a short, bounded run in the normal suite (CI), a long one
behind ``make fuzz`` (``FUZZ_EXAMPLES``). The examples are derandomized in short runs so
that CI is repeatable; a long run explores."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
LONG = "FUZZ_EXAMPLES" in os.environ


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not LONG,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
