"""Pytest fixtures for API tests: ``api`` (a client of the live server) and ``cast``.

Load them in a test module with ``pytest_plugins = ["practica.testing.api_fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from practica.testing.api import ApiClient, Cast, OpenAPIContract, fetch_contract, make_cast

_contracts: dict[str, OpenAPIContract] = {}


@pytest.fixture
def api(transactional_db: Any, live_server: Any) -> ApiClient:
    # Fetched once per server, but only once the database is open to the test:
    # every request, even for the OpenAPI document, touches the connection.
    if live_server.url not in _contracts:
        _contracts[live_server.url] = fetch_contract(live_server.url)
    return ApiClient(live_server.url, _contracts[live_server.url])


@pytest.fixture
def cast(transactional_db: Any) -> Iterator[Cast]:
    yield make_cast()
