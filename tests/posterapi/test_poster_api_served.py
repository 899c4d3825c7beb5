"""The real thing: credentials from ``clearinghouse poster-client create`` (the last two
lines), ``clearinghouse serve``, and the partner client pointed at it by base URL."""

import base64
import io

import pytest
from posterclient import PosterApiClient, PosterApiError


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 40), (90, 90, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def served(cli, start_server, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("posterapi-served")
    created = cli("poster-client", "create", "--org", "NEWSROOM", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    client_id, secret = created.stdout.strip().splitlines()[-2:]
    return start_server(data_dir), client_id, secret, data_dir


def test_a_partner_client_works_against_the_served_platform(served):
    server, client_id, secret, _ = served
    api = PosterApiClient(server.url + "posterapi", client_id, secret)
    api.authenticate()

    poster = {
        "caseNumber": "N-1",
        "children": [
            {
                "firstName": "Quinn",
                "lastName": "Example",
                "missingState": "OK",
                "missingSince": "2024-03-01",
                "photos": [{"photoData": base64.b64encode(png()).decode(), "fileName": "q.png"}],
            }
        ],
    }
    stored = api.put("NEWSROOM", "N-1", poster)
    md5 = stored["children"][0]["photos"][0]["md5"]

    assert [p["caseNumber"] for p in api.search(missingState="OK")["posters"]] == ["N-1"]
    assert api.get("NEWSROOM", "N-1")["children"][0]["firstName"] == "Quinn"
    assert base64.b64decode(api.photo("NEWSROOM", "N-1", md5)["photoData"]) == png()
    api.delete("NEWSROOM", "N-1")
    with pytest.raises(PosterApiError) as gone:
        api.get("NEWSROOM", "N-1")
    assert gone.value.status == 404


def test_the_command_lists_and_revokes(cli, served):
    data_dir = served[3]
    first = cli("poster-client", "create", "--org", "TV", data_dir=data_dir)
    listed = cli("poster-client", "list", data_dir=data_dir)
    revoked = cli("poster-client", "revoke", first.stdout.splitlines()[-2], data_dir=data_dir)
    again = cli("poster-client", "revoke", first.stdout.splitlines()[-2], data_dir=data_dir)
    bad = cli("poster-client", "create", "--org", "no spaces!", data_dir=data_dir)

    assert first.stdout.splitlines()[-2] in listed.stdout and "active" in listed.stdout
    assert revoked.returncode == 0 and again.returncode != 0 and "no active client" in again.stderr
    assert bad.returncode != 0 and "organization code" in bad.stderr
