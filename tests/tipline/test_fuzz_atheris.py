"""A short, bounded run of the coverage-guided fuzzer on the XML intake
(``fuzz/xml_intake.py``; ``make fuzz`` runs it for ten minutes). A crash fails the test
and leaves the input under the test's temporary directory; it then becomes a test here."""

import shutil
import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[2] / "fuzz" / "xml_intake.py"
SEEDS = TARGET.parent / "corpus" / "report"


def test_twenty_thousand_inputs_crash_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    done = subprocess.run(
        [
            sys.executable,
            str(TARGET),
            "-runs=20000",
            "-seed=1",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done 20000 runs" in done.stderr
    assert not list(tmp_path.glob("crash-*"))
