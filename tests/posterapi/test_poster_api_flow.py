"""The Poster API driven over real HTTP by a client written against the contract: token,
put, search by missingState, get, photo, logo, delete; and, across every response, none
of the private facts of the posters' cases or of the partner's own submission."""

import base64
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from posterclient import PosterApiClient, PosterApiError

import factories as make
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.media import vault
from clearinghouse.missing import cases
from clearinghouse.missing.models import CasePhoto
from clearinghouse.posterapi import publishing
from clearinghouse.posterapi.models import Poster

# Transactional (the live server runs in another thread); the rollback restores the
# jurisdictions the migrations load.
pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = (
    "Division of Children",  # custodial agency: foster-care status
    "missing_from_care",
    "missingFromCare",
    "fosterCare",
    "trafficking",
    "Trafficking",
    "likely_cst",
    "risk",
    "Insulin",  # medical data
    "diabetic",
    "argument at the group home",  # circumstances
    "Pat Reporter",
    "501-555-0100",
    "12 Example Street",
)


def png(color) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 80), color).save(out, format="PNG")
    return out.getvalue()


def create_client(org: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("poster_client", "create", "--org", org, stdout=out)
    client_id, secret = out.getvalue().strip().splitlines()[-2:]
    return client_id, secret


@pytest.fixture
def case_poster():
    """This clearinghouse's poster of an Arkansas case full of private facts."""
    manager = make.make_case_manager()
    agency = make.make_social_service_agency("AR", name="Arkansas Division of Children")
    case = cases.intake(
        {
            "case_type": "endangered_runaway",
            "state": Jurisdiction.objects.get(pk="AR"),
            "reported_by": "child_welfare",
            "reporter_name": "Pat Reporter",
            "reporter_phone": "501-555-0100",
            "child_first_name": "Avery",
            "child_last_name": "Synthetic",
            "child_date_of_birth": datetime.date(2011, 3, 4),
            "child_sex": "F",
            "last_seen_at": timezone.now() - datetime.timedelta(days=2),
            "last_seen_city": "Little Rock",
            "last_seen_place": "12 Example Street",
            "circumstances": "Left after an argument at the group home.",
            "missing_from_care": True,
            "custodial_agency": agency,
            "risk_factors": ["trafficking_signs", "medical"],
            "likely_cst_victim": True,
            "child_marks": "Scar on the chin",
            "contact_agency": "Little Rock Police Department",
            "contact_phone": "501-555-0199",
        },
        manager,
    ).case
    CasePhoto.objects.create(case=case, blob=vault.put(png((200, 30, 30))))
    return publishing.publish(case, manager)


def partner_poster(photo: bytes) -> dict:
    """A partner's PUT body, with fields the contract does not have (private ones)."""
    return {
        "id": None,
        "dateCreated": "",
        "lastModified": "",
        "caseNumber": "P-1001",
        "organizationCode": "PARTNER",
        "descriptions": [{"languageId": "en", "description": "Last seen near the river."}],
        "unidentified": False,
        "amberAlert": True,
        "fosterCare": True,
        "riskFactors": ["trafficking"],
        "children": [
            {
                "firstName": "Robin",
                "lastName": "Example",
                "dateOfBirth": "2012-05-06",
                "sex": "Male",
                "races": ["Black"],
                "missingSince": "2024-02-01",
                "missingCity": "Fort Smith",
                "missingState": "AR",
                "missingCountry": "US",
                "medicalConditions": "Insulin-dependent diabetic",
                "photos": [
                    {
                        "photoData": base64.b64encode(photo).decode(),
                        "fileName": "robin.png",
                        "fileType": "image/png",
                        "description": "School photo",
                    }
                ],
            }
        ],
        "companions": [{"firstName": "Casey", "lastName": "Example", "companionType": "Father"}],
        "contacts": [
            {"name": "Fort Smith Police", "state": "AR", "phoneNumbers": ["479-555-0100"]}
        ],
        "distributionLocations": [{"state": "AR"}, {"state": "OK"}],
    }


def assert_strings(value, where="poster"):
    """Every value is a string, a boolean (only the two flags), None, a list or object."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, bool):
                assert key in ("unidentified", "amberAlert", "deleted"), f"{where}.{key}"
            else:
                assert_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            assert_strings(item, where)
    else:
        assert value is None or isinstance(value, str), f"{where}: {value!r}"


def test_a_partner_client_works_the_whole_flow(live_server, case_poster):
    client_id, secret = create_client("PARTNER")
    api = PosterApiClient(f"{live_server.url}/posterapi", client_id, secret)
    photo = png((30, 160, 60))

    with pytest.raises(PosterApiError) as refused:
        api.search()
    assert refused.value.status == 401
    api.authenticate()

    stored = api.put("PARTNER", "P-1001", partner_poster(photo))
    assert stored["caseNumber"] == "P-1001" and stored["organizationCode"] == "PARTNER"
    assert stored["id"] and stored["dateCreated"] and stored["lastModified"]
    assert stored["amberAlert"] is True

    found = api.search(missingState="AR")
    numbers = {(p["organizationCode"], p["caseNumber"]) for p in found["posters"]}
    assert numbers == {("PARTNER", "P-1001"), ("CH", case_poster.case_number)}
    assert found["totalCount"] == "2"
    assert api.search(missingState="TX")["posters"] == []
    assert api.search(missingState="Arkansas")["totalCount"] == "2"
    assert api.search(missingCity="fort smith")["totalCount"] == "1"
    with pytest.raises(PosterApiError) as bad_filter:
        api.search(limit="lots")
    assert bad_filter.value.status == 400 and "limit" in bad_filter.value.body
    assert [p["caseNumber"] for p in api.search(childLastName="example")["posters"]] == ["P-1001"]
    assert [p["caseNumber"] for p in api.search(races="Black")["posters"]] == ["P-1001"]
    assert api.search(missingDateFrom="2024-01-01", missingDateTo="2024-02-28")["totalCount"] == "1"

    poster = api.get("PARTNER", "P-1001")
    child = poster["children"][0]
    assert (child["firstName"], child["missingCity"], child["ageNow"]) == (
        "Robin",
        "Fort Smith",
        _age(2012, 5, 6),
    )
    picture = child["photos"][0]
    assert picture["md5"] == hashlib.md5(photo).hexdigest()  # noqa: S324 (the spec's hash)
    assert (
        api.photo("PARTNER", "P-1001", picture["md5"])["photoData"]
        == base64.b64encode(photo).decode()
    )

    ours = api.get("CH", case_poster.case_number)
    assert ours["children"][0]["firstName"] == "Avery"
    assert ours["contacts"] == [
        {"name": "Little Rock Police Department", "state": "AR", "phoneNumbers": ["501-555-0199"]}
    ]
    our_photo = ours["children"][0]["photos"][0]["md5"]
    assert base64.b64decode(
        api.photo("CH", case_poster.case_number, our_photo)["photoData"]
    ) == png((200, 30, 30))

    for answer in (stored, found, poster, ours):
        assert_strings(answer)

    deleted = api.delete("PARTNER", "P-1001")
    assert deleted["caseNumber"] == "P-1001"
    with pytest.raises(PosterApiError) as gone:
        api.get("PARTNER", "P-1001")
    assert gone.value.status == 404
    assert [p["caseNumber"] for p in api.search(missingState="AR")["posters"]] == [
        case_poster.case_number
    ]

    everything = b"".join(api.received).decode()
    for private in PRIVATE:
        assert private not in everything, private


def test_the_logo_is_served_once_set(live_server, tmp_path):
    client_id, secret = create_client("LOGOORG")
    api = PosterApiClient(f"{live_server.url}/posterapi", client_id, secret)
    api.authenticate()
    with pytest.raises(PosterApiError) as none:
        api.logo("LOGOORG")
    assert none.value.status == 404

    logo = tmp_path / "logo.png"
    logo.write_bytes(png((10, 20, 30)))
    call_command("poster_client", "logo", "--org", "LOGOORG", str(logo), stdout=io.StringIO())

    data, content_type = api.logo("LOGOORG")
    assert data == logo.read_bytes() and content_type == "image/png"


def test_a_partner_changes_only_its_own_posters(live_server, case_poster):
    api = PosterApiClient(f"{live_server.url}/posterapi", *create_client("PARTNER"))
    api.authenticate()
    for call in (
        lambda: api.put("OTHER", "X-1", {"children": []}),
        lambda: api.delete("CH", case_poster.case_number),
    ):
        with pytest.raises(PosterApiError) as refused:
            call()
        assert refused.value.status == 403
    assert Poster.objects.get(pk=case_poster.pk).is_published

    home = PosterApiClient(f"{live_server.url}/posterapi", *create_client("CH"))
    home.authenticate()
    with pytest.raises(PosterApiError) as follows_case:
        home.delete("CH", case_poster.case_number)
    assert follows_case.value.status == 409 and "case" in follows_case.value.body


def test_a_bad_poster_is_refused_and_changes_nothing(live_server):
    api = PosterApiClient(f"{live_server.url}/posterapi", *create_client("PARTNER"))
    api.authenticate()
    for body, words in (
        ({"children": [{"firstName": 42}]}, "children.0.firstName"),
        ({"unidentified": "yes"}, "unidentified"),
        ({"children": [{"missingSince": "last week"}]}, "date"),
        ({"caseNumber": "OTHER"}, "caseNumber"),
        ({"children": [{"photos": [{"photoData": "not base64!"}]}]}, "base64"),
        (
            {"children": [{"photos": [{"photoData": base64.b64encode(b"%PDF-1.4 x").decode()}]}]},
            "image",
        ),
    ):
        with pytest.raises(PosterApiError) as refused:
            api.put("PARTNER", "P-2", body)
        assert refused.value.status in (400, 409) and words in refused.value.body, (
            refused.value.body
        )
        assert "message" in json.loads(refused.value.body)
    assert not Poster.objects.filter(case_number="P-2").exists()


def test_credentials_tokens_and_rotation(live_server):
    client_id, secret = create_client("PARTNER")
    api = PosterApiClient(f"{live_server.url}/posterapi", client_id, secret)
    wrong = PosterApiClient(f"{live_server.url}/posterapi", client_id, "not-the-secret")
    with pytest.raises(PosterApiError) as refused:
        wrong.authenticate()
    assert refused.value.status == 401

    api.authenticate()
    old_secret = secret
    new_secret = api.rotate_secret()
    assert new_secret != old_secret
    with pytest.raises(PosterApiError):
        PosterApiClient(api.base_url, client_id, old_secret).authenticate()
    PosterApiClient(api.base_url, client_id, new_secret).authenticate()

    api.token = "made-up-token"
    with pytest.raises(PosterApiError) as bad_token:
        api.search()
    assert bad_token.value.status == 401

    call_command("poster_client", "revoke", client_id, stdout=io.StringIO())
    with pytest.raises(PosterApiError):
        PosterApiClient(api.base_url, client_id, new_secret).authenticate()


def test_a_token_lasts_24_hours(live_server):
    from clearinghouse.posterapi.models import PosterToken

    api = PosterApiClient(f"{live_server.url}/posterapi", *create_client("PARTNER"))
    api.authenticate()
    api.search()
    PosterToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(PosterApiError) as expired:
        api.search()
    assert expired.value.status == 401


def _age(year, month, day) -> str:
    today = timezone.now().date()
    return str(today.year - year - ((today.month, today.day) < (month, day)))
