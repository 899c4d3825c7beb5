"""The pages and the API: who sees which submission, the portal's submit, the report, the
review and the registry. A submission of another agency does not exist for an officer."""

import json

import pytest
from cvip_support import MATCHED_MD5, hash_list
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.banks.models import BankHash
from clearinghouse.impact.figures import figure_value
from clearinghouse.victimid import processing, services
from clearinghouse.victimid.models import CvipItem, CvipSubmission, IdentifiedChild

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def processed(cast, series_bank):
    """An Arkansas officer's processed hash-list submission of 20 files, 2 matched."""
    series_bank("Blue Room", [("md5", MATCHED_MD5)])
    officer = cast.ar_officer
    submission = services.submit_hash_list(
        officer.organization, officer, hash_list(20), channel="portal"
    )
    processing.run(submission.pk)
    submission.refresh_from_db()
    return submission


def urls_of(submission):
    pk = submission.pk
    return [
        reverse("victimid:detail", args=[pk]),
        reverse("victimid:progress", args=[pk]),
        reverse("victimid:report-csv", args=[pk]),
        reverse("victimid:report-pdf", args=[pk]),
        f"/api/cvip/submissions/{pk}",
        f"/api/cvip/submissions/{pk}/report.csv",
        f"/api/cvip/submissions/{pk}/report.pdf",
    ]


def test_an_officer_of_another_agency_gets_404_everywhere(client, cast, processed):
    texas = cast.tx_officer
    client.force_login(texas)
    for url in urls_of(processed):
        assert client.get(url).status_code == 404, url
    assert processed.external_id not in client.get(reverse("victimid:list")).content.decode()
    assert client.get("/api/cvip/submissions").json()["count"] == 0


def test_an_officer_of_the_same_state_but_another_agency_sees_nothing_either(client, processed):
    neighbour = make.make_officer("AR")
    client.force_login(neighbour)
    assert client.get(reverse("victimid:detail", args=[processed.pk])).status_code == 404
    assert client.get(f"/api/cvip/submissions/{processed.pk}").status_code == 404


def test_the_agency_and_analysts_see_it_and_each_view_is_audited(client, cast, processed):
    for user in (cast.ar_officer, cast.analyst):
        client.force_login(user)
        for url in urls_of(processed):
            assert client.get(url).status_code == 200, (user, url)
    exports = AuditEvent.objects.filter(action="victimid:report:exported")
    assert exports.count() == 8
    assert AuditEvent.objects.filter(action="victimid:submission:viewed").count() == 4


def test_roles_without_cvip_access_are_refused(client, cast, processed):
    client.force_login(cast.case_manager)
    assert client.get(reverse("victimid:list")).status_code == 403
    assert client.get("/api/cvip/submissions").status_code == 403
    assert client.get(reverse("victimid:registry")).status_code == 403


def test_the_report_lists_every_file_with_match_series_and_distance(client, cast, processed):
    client.force_login(cast.ar_officer)
    response = client.get(reverse("victimid:report-csv", args=[processed.pk]))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("file_number,name,media_type,md5,sha1,pdq")
    assert len(lines) == 21
    matched = [line for line in lines[1:] if ",yes,Blue Room,series-blue-room,md5,0," in line]
    assert [line.split(",")[0] for line in matched] == ["10", "20"]
    pdf = client.get(reverse("victimid:report-pdf", args=[processed.pk])).content
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf


def test_the_report_waits_for_processing(client, cast):
    officer = cast.ar_officer
    submission = services.submit_hash_list(
        officer.organization, officer, hash_list(3), channel="api"
    )
    client.force_login(officer)
    assert client.get(reverse("victimid:report-csv", args=[submission.pk])).status_code == 409
    assert client.get(f"/api/cvip/submissions/{submission.pk}/report.pdf").status_code == 409
    page = client.get(reverse("victimid:detail", args=[submission.pk])).content.decode()
    assert "0 of 3 files processed" in page and 'hx-trigger="every 2s"' in page


def test_an_officer_submits_a_hash_list_through_the_portal(client, cast):
    client.force_login(cast.ar_officer)
    upload = SimpleUploadedFile("list.csv", hash_list(5), content_type="text/csv")
    response = client.post(reverse("victimid:submit"), {"hash_list": upload})
    submission = CvipSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("victimid:detail", args=[submission.pk])
    assert (submission.agency, submission.file_count, submission.channel) == (
        cast.ar_officer.organization,
        5,
        "portal",
    )
    assert AuditEvent.objects.filter(action="victimid:submission:submitted").count() == 1


def test_an_officer_submits_files_through_the_api(client, cast):
    client.force_login(cast.tx_officer)
    files = [SimpleUploadedFile(f"seized-{n}.bin", f"bytes {n}".encode() * 10) for n in range(3)]
    response = client.post("/api/cvip/submissions", {"files": files})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["file_count"], body["files_done"]) == ("files", 3, 0)
    submission = CvipSubmission.objects.get(pk=body["id"])
    assert all(item.blob_id for item in submission.items.all())


def test_a_malformed_hash_list_is_rejected_with_the_line_and_nothing_is_stored(client, cast):
    client.force_login(cast.ar_officer)
    bad = f"name,md5\nok.jpg,{MATCHED_MD5}\nbad.jpg,xyz\n".encode()
    response = client.post(
        reverse("victimid:submit"), {"hash_list": SimpleUploadedFile("l.csv", bad)}, follow=True
    )
    assert "Nothing was submitted: line 3: md5 must be 32 hex digits" in response.content.decode()
    api = client.post("/api/cvip/submissions", {"hash_list": SimpleUploadedFile("l.csv", bad)})
    assert api.status_code == 400
    assert "line 3: md5 must be 32 hex digits" in api.json()["detail"]
    empty = client.post("/api/cvip/submissions", {})
    assert empty.status_code == 400 and "at least one file" in empty.json()["detail"]
    assert not CvipSubmission.objects.exists() and not CvipItem.objects.exists()
    assert AuditEvent.objects.filter(action="victimid:submission:rejected").count() == 3


def test_only_officers_submit(client, cast):
    client.force_login(cast.analyst)
    upload = SimpleUploadedFile("list.csv", hash_list(2))
    assert client.post(reverse("victimid:submit"), {"hash_list": upload}).status_code == 403
    assert client.post("/api/cvip/submissions", {"hash_list": upload}).status_code == 403


def test_an_analyst_completes_the_review_once(client, cast, processed):
    client.force_login(cast.ar_officer)
    assert client.post(f"/api/cvip/submissions/{processed.pk}/complete").status_code == 403
    assert client.post(reverse("victimid:complete", args=[processed.pk])).status_code == 403
    client.force_login(cast.analyst)
    year = timezone.now().year
    before = figure_value("cvip.submissions_reviewed", year, "AR").value
    response = client.post(f"/api/cvip/submissions/{processed.pk}/complete")
    assert response.status_code == 200 and response.json()["reviewed_at"]
    assert figure_value("cvip.submissions_reviewed", year, "AR").value == before + 1
    assert figure_value("cvip.submissions_reviewed", year, "TX").value == 0
    assert client.post(f"/api/cvip/submissions/{processed.pk}/complete").status_code == 409
    processed.refresh_from_db()
    assert processed.reviewed_by == cast.analyst
    event = AuditEvent.objects.get(action="victimid:submission:reviewed")
    assert event.actor == cast.analyst and event.subject_id == str(processed.pk)


def test_a_newly_identified_childs_series_goes_into_its_bank_and_then_matches(
    client, cast, processed
):
    client.force_login(cast.analyst)
    response = client.post(
        reverse("victimid:identify", args=[processed.pk]),
        {"series": "Green Lake", "identified_at": "2023-05-02", "files": "1-3, 5"},
    )
    assert response.status_code == 302
    child = IdentifiedChild.objects.get()
    assert (child.series, str(child.identified_at), child.agency) == (
        "Green Lake",
        "2023-05-02",
        cast.ar_officer.organization,
    )
    bank_hashes = BankHash.objects.filter(bank__name="series-green-lake")
    assert sorted(bank_hashes.values_list("value", flat=True)) == [
        f"{n:032x}" for n in (1, 2, 3, 5)
    ]
    assert client.get(reverse("victimid:registry")).content.decode().count("Green Lake") == 1

    officer = cast.ar_officer
    again = services.submit_hash_list(officer.organization, officer, hash_list(6), channel="api")
    processing.run(again.pk)
    found = dict(again.items.filter(matched=True).values_list("position", "series"))
    assert found == {1: "Green Lake", 2: "Green Lake", 3: "Green Lake", 5: "Green Lake"}
    assert AuditEvent.objects.filter(action="victimid:child:identified").count() == 1
    assert AuditEvent.objects.filter(action="victimid:registry:viewed").count() == 1


def test_recording_a_child_with_bad_input_changes_nothing(client, cast, processed):
    client.force_login(cast.analyst)
    url = reverse("victimid:identify", args=[processed.pk])
    for data, error in [
        ({"series": "", "identified_at": "2023-05-02"}, "Name the series"),
        ({"series": "X", "identified_at": "May"}, "YYYY-MM-DD"),
        ({"series": "X", "identified_at": "2023-05-02", "files": "0-99"}, "outside the files"),
    ]:
        page = client.post(url, data, follow=True).content.decode()
        assert error in page, (data, page[:2000])
    assert not IdentifiedChild.objects.exists()
    assert not BankHash.objects.filter(bank__name__startswith="series-x").exists()
    client.force_login(cast.ar_officer)
    assert client.post(url, {"series": "Y", "identified_at": "2023-05-02"}).status_code == 403


def test_the_api_lists_with_progress(client, cast, processed):
    client.force_login(cast.analyst)
    body = client.get("/api/cvip/submissions").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["file_count"], row["files_done"], row["files_matched"]) == (20, 20, 2)
    assert json.dumps(row)


def zip_of(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_officer_submits_a_zip_archive_of_files(client, cast, series_bank):
    from cvip_support import encode, pdq_of, synthetic_image

    picture = encode(synthetic_image(5, size=96))
    series_bank("Red Kite", [("pdq", pdq_of(picture))])
    archive = zip_of({"case/a.png": picture, "case/b.bin": b"other bytes", "c.txt": b"x"})
    client.force_login(cast.ar_officer)
    response = client.post(
        "/api/cvip/submissions", {"archive": SimpleUploadedFile("seized.zip", archive)}
    )
    assert response.status_code == 201, response.content
    submission = CvipSubmission.objects.get(pk=response.json()["id"])
    assert list(submission.items.values_list("name", flat=True)) == ["a.png", "b.bin", "c.txt"]
    processing.run(submission.pk)
    assert list(submission.items.filter(matched=True).values_list("name", "series")) == [
        ("a.png", "Red Kite")
    ]


def test_a_bad_archive_is_refused_and_nothing_is_stored(client, cast):
    client.force_login(cast.ar_officer)
    for data, error in [
        (b"PK\x03\x04 not really", "not a readable ZIP archive"),
        (zip_of({}), "holds no files"),
        (zip_of({"bomb.bin": b"\0" * (4 * 1024**2)}), "inflates more than 200:1"),
    ]:
        response = client.post(
            "/api/cvip/submissions", {"archive": SimpleUploadedFile("x.zip", data)}
        )
        assert response.status_code == 400 and error in response.json()["detail"]
    assert not CvipSubmission.objects.exists()


def test_the_csv_report_never_carries_a_formula(client, cast):
    officer = cast.ar_officer
    data = f'name,md5\n"=HYPERLINK(""http://x"")",{MATCHED_MD5}\n'.encode()
    submission = services.submit_hash_list(officer.organization, officer, data, channel="api")
    processing.run(submission.pk)
    client.force_login(officer)
    response = client.get(reverse("victimid:report-csv", args=[submission.pk]))
    row = b"".join(response.streaming_content).decode().splitlines()[1]
    assert row.startswith('1,"\'=HYPERLINK(""http://x"")",')
