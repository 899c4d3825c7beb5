"""The issue's "done when", over real HTTP: an officer submits a collection through the
API, a real task worker processes it, the agency reads the review report, an analyst
completes the review, and the state's sheet counts one more submission reviewed."""

import json

from cvip_support import MATCHED_MD5, HttpSession, hash_list, wait_until

SETUP = """
from pathlib import Path
from clearinghouse.accounts.models import Organization, User
from clearinghouse.banks import services as banks

agency = Organization.objects.create(
    kind="law_enforcement", name="Pulaski County Sheriff", jurisdiction_id="AR"
)
officer = User(username="officer", role="officer", organization=agency)
officer.set_password("officer-pass-123")
officer.save()
house = Organization.objects.create(kind="clearinghouse", name="The Clearinghouse")
analyst = User(username="analyst", role="analyst", organization=house)
analyst.set_password("analyst-pass-123")
analyst.save()
bank_file = Path("{bank_file}")
assert banks.import_hashes("series-blue-room", bank_file).stored
"""


def submissions_reviewed(visitor: HttpSession, year: int) -> int:
    status, _, body = visitor.get(f"/impact/AR/{year}.json")
    assert status == 200, body[:300]
    return json.loads(body)["figures"]["cvip.submissions_reviewed"]["value"]


def test_submit_process_report_and_complete_over_http(deployment, start_server, tmp_path):
    bank_file = tmp_path / "bank.csv"
    bank_file.write_text(f"md5,{MATCHED_MD5},Blue Room\n")
    deployment.python(SETUP.replace("{bank_file}", str(bank_file)))
    server = start_server(deployment.data_dir)
    worker = deployment.worker(tmp_path / "worker.log")
    try:
        officer = HttpSession(server.url)
        officer.login("officer", "officer-pass-123")
        status, _, body = officer.post_files(
            "/api/cvip/submissions", {"hash_list": ("seized.csv", hash_list(40))}
        )
        assert status == 201, body
        submission = json.loads(body)
        year = int(submission["received_at"][:4])
        before = submissions_reviewed(officer, year)

        def processed():
            _, _, body = officer.get(f"/api/cvip/submissions/{submission['id']}")
            state = json.loads(body)
            return state if state["processed_at"] else None

        state = wait_until(processed, 120, "the worker did not process the submission")
        assert (state["file_count"], state["files_done"], state["files_matched"]) == (40, 40, 4)

        _, _, page = officer.get(f"/cvip/{submission['id']}/")
        assert b"40 of 40 files processed (100%)" in page
        status, _, csv_report = officer.get(f"/cvip/{submission['id']}/report.csv")
        rows = csv_report.decode().splitlines()
        assert status == 200 and len(rows) == 41
        assert sum(",yes,Blue Room," in row for row in rows) == 4
        status, headers, pdf = officer.get(f"/api/cvip/submissions/{submission['id']}/report.pdf")
        assert status == 200 and pdf.startswith(b"%PDF")
        assert headers["Content-Type"] == "application/pdf"

        analyst = HttpSession(server.url)
        analyst.login("analyst", "analyst-pass-123")
        status, _, body = analyst.post(f"/api/cvip/submissions/{submission['id']}/complete")
        assert status == 200, body
        assert json.loads(body)["reviewed_at"]
        assert submissions_reviewed(officer, year) == before + 1
    finally:
        worker.kill()
        worker.wait()
