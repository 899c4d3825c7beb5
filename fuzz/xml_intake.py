"""atheris (libFuzzer, coverage-guided) against the reporting API's XML intake: the
parser, the schema and the reading of a report, as ``/ispws/submit`` runs them. Anything
but an ``IntakeError`` (which becomes a response code) is a crash.

    python fuzz/xml_intake.py [-max_total_time=600] [-runs=N] [CORPUS_DIR...]

``make fuzz`` runs it for ten minutes on ``fuzz/corpus/report``; the test suite runs a
few thousand inputs (``tests/tipline/test_fuzz_atheris.py``). Every crash it finds
becomes a test beside that one.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
os.environ.setdefault("CLEARINGHOUSE_DATA_DIR", tempfile.mkdtemp(prefix="fuzz-"))

import django  # noqa: E402

django.setup()

with atheris.instrument_imports(include=["clearinghouse"]):
    from clearinghouse.tipline.intake import IntakeError
    from clearinghouse.tipline.ispws import documents, xml


def test_one_input(data: bytes) -> None:
    try:
        root = xml.parse_valid(data, "report")
        documents.read_report(root, xml.document_text(data, root))
    except IntakeError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
