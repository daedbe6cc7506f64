"""API endpoints of this app (one Django Ninja router)."""

from ninja import Router

router = Router()
