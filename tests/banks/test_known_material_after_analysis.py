"""A tipline file known only by its picture: its PDQ is computed by the background
analysis after the report is finished, and the report is ranked as known material then."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import factories as make
from clearinghouse.banks.models import BankHash, HashBank
from clearinghouse.media import analysis, tasks, vault
from clearinghouse.tipline import triage
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vault_dir(settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"


def picture(seed: int) -> Image.Image:
    """A synthetic RGB test card (gradients and noise; it depicts nothing)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:120, 0:160]
    pixels = np.stack([x * 255 // 160, y * 255 // 120, (x * y * seed) % 256], axis=-1)
    pixels = pixels + rng.integers(0, 60, pixels.shape)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def finished_report_with(data: bytes, **fields) -> TiplineReport:
    report = make.make_report(**fields)
    make.make_report_file(report, blob=vault.put(data, declared_name="photo.jpg"))
    triage.prioritize(report)
    return report


def test_analysis_ranks_a_finished_report_as_known_material_by_its_picture():
    known_picture = picture(seed=1)
    bank = HashBank.objects.create(name="series-1")
    bank_pdq, _ = analysis.pdq(known_picture)
    BankHash.objects.create(bank=bank, hash_type="pdq", value=bank_pdq, label="known")
    # A re-encoded copy: other bytes (no MD5 match), a nearby picture (18 bits away).
    known = finished_report_with(jpeg(known_picture, quality=90))
    unknown = finished_report_with(jpeg(picture(seed=2), quality=90))
    still_open = finished_report_with(
        jpeg(known_picture, quality=90), status=TiplineReport.Status.OPEN
    )
    assert [report.priority for report in (known, unknown, still_open)] == [0, 0, 0]

    for report in (known, unknown):
        assert tasks.analyse_blob.call(report.files.get().blob_id) == "ok"

    for report in (known, unknown, still_open):
        report.refresh_from_db()
    assert known.priority == triage.KNOWN_HASH_MATCH
    assert unknown.priority == 0
    assert still_open.priority == 0  # ranked when it is finished, not before


def test_a_disabled_bank_does_not_rank_and_a_failing_match_keeps_the_analysis(monkeypatch, caplog):
    known_picture = picture(seed=1)
    bank = HashBank.objects.create(name="series-1", enabled=False)
    BankHash.objects.create(bank=bank, hash_type="pdq", value=analysis.pdq(known_picture)[0])
    report = finished_report_with(jpeg(known_picture, quality=95))
    blob_id = report.files.get().blob_id

    assert tasks.analyse_blob.call(blob_id) == "ok"
    report.refresh_from_db()
    assert report.priority == 0

    def broken(blob):
        raise RuntimeError("bank index unavailable")

    monkeypatch.setattr(triage, "reprioritize_reports_with", broken)
    HashBank.objects.update(enabled=True)
    assert tasks.analyse_blob.call(blob_id) == "ok"
    blob = report.files.get().blob
    assert (blob.status, blob.pdq_quality) == ("ok", 100)
    report.refresh_from_db()
    assert report.priority == 0
    assert "matching blob" in caplog.text
