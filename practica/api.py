"""The HTTP API: one Django Ninja instance; each app contributes a router."""

from __future__ import annotations

from practica.core.api_auth import BearerToken, PracticaAPI
from practica.core.api_errors import install_error_handlers
from practica.core.api_guide import API_GUIDE

api = PracticaAPI(
    title="Practica API",
    version="1",
    description=API_GUIDE,
    auth=BearerToken(),
    urls_namespace="api",
)
install_error_handlers(api)

# Each app owns one router; the order here is the order in the docs.
from practica.accounts.api import router as accounts_router  # noqa: E402
from practica.communities.api import router as communities_router  # noqa: E402
from practica.exchange.api import router as exchange_router  # noqa: E402
from practica.search.api import router as search_router  # noqa: E402

api.add_router("/v1/", communities_router)
api.add_router("/v1/", exchange_router)
api.add_router("/v1/", search_router)
api.add_router("/v1/", accounts_router)

from practica.learning.api import router as learning_router  # noqa: E402

api.add_router("/v1/", learning_router)

from practica.weaving.api import router as weaving_router  # noqa: E402

api.add_router("/v1/", weaving_router)
api.add_router("/v1/", "practica.compass.api.router")
api.add_router("/v1/", "practica.surveys.api.router")
api.add_router("/v1/", "practica.trust.api.router")
