"""Loaded by pytest before Django starts (see ``addopts``): selects the test profile."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PRACTICA_ENV", "test")
os.environ.setdefault("PRACTICA_HOME", tempfile.mkdtemp(prefix="practica-test-"))
# Playwright's sync API runs an event loop in the test thread; Django's ORM
# would otherwise refuse to run beside it in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
