"""A Poster API client written from the contract (shared/spec/poster-api.md) alone, as a
distribution partner would write it: it knows a base URL, a client id and a secret,
and speaks JSON over HTTP with urllib. It keeps every response body it receives, so
tests can check what ever left the server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode


class PosterApiError(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class PosterApiClient:
    base_url: str
    client_id: str
    client_secret: str
    token: str | None = None
    received: list[bytes] = field(default_factory=list)

    def _call(self, method: str, path: str, body=None, *, auth: bool = True, raw: bool = False):
        data = json.dumps(body).encode() if body is not None else None
        url = self.base_url.rstrip("/") + path
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {url}")
        request = urllib.request.Request(url, data, method=method)  # noqa: S310 (checked above)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                payload = response.read()
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as problem:
            payload = problem.read()
            problem.close()
            self.received.append(payload)
            raise PosterApiError(problem.code, payload.decode(errors="replace")) from None
        self.received.append(payload)
        return (payload, content_type) if raw else json.loads(payload)

    def authenticate(self) -> str:
        answer = self._call(
            "POST",
            "/Auth/Token",
            {"clientId": self.client_id, "clientSecret": self.client_secret},
            auth=False,
        )
        self.token = answer["accessToken"]
        return self.token

    def rotate_secret(self) -> str:
        self.client_secret = self._call("POST", "/Auth/RotateSecret", {})["clientSecret"]
        return self.client_secret

    def search(self, **filters) -> dict:
        query = urlencode({key: value for key, value in filters.items() if value is not None})
        return self._call("GET", "/Posters" + (f"?{query}" if query else ""))

    def _poster_path(self, organization: str, case_number: str) -> str:
        return f"/Poster/{quote(organization)}/{quote(case_number)}"

    def get(self, organization: str, case_number: str) -> dict:
        return self._call("GET", self._poster_path(organization, case_number))

    def put(self, organization: str, case_number: str, poster: dict) -> dict:
        return self._call("PUT", self._poster_path(organization, case_number), poster)

    def delete(self, organization: str, case_number: str) -> dict:
        return self._call("DELETE", self._poster_path(organization, case_number))

    def photo(self, organization: str, case_number: str, md5: str) -> dict:
        return self._call("GET", f"{self._poster_path(organization, case_number)}/Photo/{md5}")

    def logo(self, organization: str) -> tuple[bytes, str]:
        return self._call("GET", f"/Poster/{quote(organization)}/Logo", raw=True)
