"""``practica serve``: run Practica under gunicorn, the server it runs under in production.

Django's ``runserver`` is a development toy (one process, auto-reload, no
timeouts); serving the demo through gunicorn means people try the same stack
they would deploy. Static files come from whitenoise, so no separate web
server is needed.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import socket
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

WSGI_APP = "practica.wsgi:application"
DEFAULT_WORKERS = 2


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``--bind`` value; IPv6 literals need brackets."""
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def gunicorn_argv(*, host: str, port: int, workers: int, timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind_address(host, port),
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        # Its control socket lives at one fixed path per user, so two servers on
        # one machine (tests, a demo beside a dev server) would fight over it.
        "--no-control-socket",
        WSGI_APP,
    ]


def check_arguments(*, host: str, port: int, workers: int, timeout: int) -> None:
    if not host.strip():
        raise CommandError("--host must not be empty (try 127.0.0.1)")
    if not 1 <= port <= 65535:
        raise CommandError(f"--port must be between 1 and 65535, got {port}")
    if not 1 <= workers <= 64:
        raise CommandError(f"--workers must be between 1 and 64, got {workers}")
    if timeout < 1:
        raise CommandError(f"--timeout must be at least 1 second, got {timeout}")


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port`` (gunicorn would retry, then fail)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def unapplied_migrations() -> int | None:
    """How many migrations the database still lacks; ``None`` when it cannot be asked."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not connection.in_atomic_block:  # a caller's transaction (tests) keeps its connection
            connection.close()
    except Exception:  # a server that cannot reach its database still starts and says so
        return None
    return len(plan)


class Command(BaseCommand):
    help = "Serve Practica with gunicorn (static files through whitenoise)."
    requires_system_checks: list[str] = []  # gunicorn's workers load the app; checks run there

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help=f"gunicorn worker processes (default {DEFAULT_WORKERS})",
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="seconds before a silent worker is restarted"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        workers, timeout = options["workers"], options["timeout"]
        check_arguments(host=host, port=port, workers=workers, timeout=timeout)
        if port_in_use(host, port):
            raise CommandError(
                f"port {port} on {host} is already in use: stop what runs there, "
                "or choose another port with --port (make demo PORT=...)"
            )
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError("gunicorn is not installed here: pip install -r requirements.txt")
        missing = unapplied_migrations()
        if missing:
            self.stderr.write(
                f"The database lacks {missing} migration(s): run `practica migrate` first."
            )
        elif missing is None:
            self.stderr.write("Could not reach the database; pages that need it will fail.")
        # whitenoise warns on every worker start when STATIC_ROOT is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        display_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        url = f"http://{bind_address(display_host, port)}"
        self.stdout.write(f"Practica at {url}  (gunicorn, {workers} workers; Ctrl+C stops it)")
        self.stdout.flush()
        sys.stderr.flush()
        # exec, not a child process: Ctrl+C and service managers signal gunicorn directly.
        argv = gunicorn_argv(host=host, port=port, workers=workers, timeout=timeout)
        os.execv(argv[0], argv)
