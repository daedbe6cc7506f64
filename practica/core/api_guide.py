"""The introduction at the top of the API docs (/api/docs): rules every endpoint follows."""

from __future__ import annotations

from practica.core.api_schemas import MAX_PAGE_SIZE

API_GUIDE = f"""
Communities of practice over HTTP: communities, threads, replies, acceptance,
acknowledgements, search and more. The OpenAPI document is at `/api/openapi.json`.

**Authentication.** Send a personal access token as `Authorization: Bearer <token>`.
Create one on your profile page or with `practica token create USERNAME`.
Reads of public content need no token: leave the header out to read as an
anonymous visitor. A header that is present but wrong (unknown or revoked token,
another scheme) is always refused with 401, even on a read. Writes need a token.

**Privacy.** What is said inside a members-only community is visible to its
members only. To anyone else its threads, members and search answer 404, exactly
as if they did not exist; its card (name, domain, purpose) stays listed so that
people can ask to join.

**Lists** are pages: `limit` (1 to {MAX_PAGE_SIZE}, default 20) items from `offset`
(default 0). Each page answers `{{"count", "limit", "offset", "items"}}`, where
`count` is the total, so the next page starts at `offset + limit` while that is
below `count`.

**Errors** answer `{{"detail": "what went wrong", "field": "the input it is about"}}`
(`field` is null when no single input is to blame): 400 unreadable JSON,
401 missing or bad token, 403 not allowed (say, accepting a reply to someone
else's question), 404 missing or hidden, 409 conflict (a taken slug, a second
acknowledgement), 422 invalid input (wrong type, unknown choice, text too long,
unknown field). Any call with a token may also get 403 when its owner is
suspended, and 429 past the token's rate limit, with `Retry-After` in seconds.

**Created** objects answer 201 with their `id`.
"""
