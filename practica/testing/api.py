"""API tests' tools: a real HTTP client that checks every answer against
the OpenAPI document the server publishes, and a cast of people and communities.

Test modules load the fixtures (``api``, ``cast``) with
``pytest_plugins = ["practica.testing.api_fixtures"]``.

Every response goes through ``check_response``: its status must be one the
operation documents, and its JSON body must validate against the schema
documented for that status, with ``$ref`` resolved inside the same document.
A test therefore fails when the code and its published contract drift apart.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from practica.accounts.models import User
from practica.accounts.services import token_create, user_create
from practica.communities.models import Community, Visibility
from practica.communities.services import community_create, community_join, membership_approve

OPENAPI_PATH = "/api/openapi.json"
_DOC_URI = "urn:practica:openapi"


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    text: str

    @cached_property
    def body(self) -> Any:
        return json.loads(self.text)

    @property
    def detail(self) -> str:
        return str(self.body.get("detail", ""))

    @property
    def field(self) -> str | None:
        return self.body.get("field")


class OpenAPIContract:
    """The published OpenAPI document, able to check one response against it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(_DOC_URI, resource)
        self._routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
            for path in document["paths"]
        ]

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        for pattern, template in self._routes:
            if pattern.match(path):
                operations = self.document["paths"][template]
                assert method.lower() in operations, f"{method} {template} is not documented"
                return template, operations[method.lower()]
        raise AssertionError(f"no documented path matches {path}")

    def check_response(self, method: str, path: str, response: Response) -> None:
        template, operation = self.operation(method, path)
        documented = operation["responses"]
        assert str(response.status) in documented, (
            f"{method} {template} answered {response.status}, which it does not document "
            f"({', '.join(documented)}): {response.text[:300]}"
        )
        content_type = response.headers.get("Content-Type", "")
        assert content_type.startswith("application/json"), content_type
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", template, method.lower(), "responses", str(response.status))
        )
        schema = {"$ref": f"{_DOC_URI}#/{pointer}/content/application~1json/schema"}
        validator = Draft202012Validator(schema, registry=self.registry)
        errors = sorted(validator.iter_errors(response.body), key=lambda e: list(e.path))
        assert not errors, f"{method} {path} ({response.status}) breaks its schema: " + "; ".join(
            f"{list(e.path)}: {e.message}" for e in errors[:5]
        )


def _request(url: str, *, method: str, data: bytes | None, headers: dict[str, str]) -> Response:
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return Response(answer.status, dict(answer.headers), answer.read().decode())
    except urllib.error.HTTPError as answer:
        return Response(answer.code, dict(answer.headers), answer.read().decode())


@dataclass
class ApiClient:
    """Speaks to the live server as one person (a token) or as an anonymous visitor."""

    base_url: str
    contract: OpenAPIContract
    token: str | None = None
    _tokens: dict[int, str] = field(default_factory=dict)

    def as_(self, user: User) -> ApiClient:
        """The same client, carrying a fresh token of ``user``."""
        if user.pk not in self._tokens:
            self._tokens[user.pk] = token_create(user=user, name="tests")[1]
        return ApiClient(self.base_url, self.contract, self._tokens[user.pk], self._tokens)

    def with_token(self, token: str | None) -> ApiClient:
        return ApiClient(self.base_url, self.contract, token, self._tokens)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        raw_body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> Response:
        sent = {"Accept": "application/json", **(headers or {})}
        if self.token is not None:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        data = raw_body
        if json_body is not None:
            data = json.dumps(json_body).encode()
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        query = f"?{urllib.parse.urlencode(params, doseq=True)}" if params else ""
        response = _request(self.base_url + path + query, method=method, data=data, headers=sent)
        if check:
            self.contract.check_response(method, path, response)
        return response

    def get(self, path: str, **params: Any) -> Response:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.call("POST", path, json_body={} if body is None else body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Response:
        return self.call("PATCH", path, json_body=body, **kwargs)


@dataclass
class Cast:
    """A steward, a member, a newcomer and an outsider, in a public community
    (gardeners) and a members-only one (quiet-room)."""

    stella: User  # steward of both communities
    mo: User  # member of both
    nina: User  # newcomer: member of the public community only
    otto: User  # outsider: belongs nowhere
    gardeners: Community
    quiet: Community


def make_cast() -> Cast:
    people = {
        name: user_create(username=name, display_name=name.title())
        for name in ("stella", "mo", "nina", "otto")
    }
    gardeners = community_create(
        creator=people["stella"],
        name="Gardeners",
        slug="gardeners",
        domain="Community gardening",
        purpose="Grow food together in city plots.",
    )
    quiet = community_create(
        creator=people["stella"],
        name="Quiet Room",
        slug="quiet-room",
        domain="Peer support",
        purpose="A closed circle.",
        visibility=Visibility.MEMBERS,
    )
    for name in ("mo", "nina"):
        community_join(community=gardeners, user=people[name])
    community_join(community=quiet, user=people["mo"])
    membership_approve(community=quiet, actor=people["stella"], user=people["mo"])
    return Cast(gardeners=gardeners, quiet=quiet, **people)


def fetch_contract(base_url: str) -> OpenAPIContract:
    with urllib.request.urlopen(base_url + OPENAPI_PATH, timeout=30) as answer:
        return OpenAPIContract(json.load(answer))
