"""``practica serve``: argument checks, and a real gunicorn answering on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from practica.core.management.commands.serve import bind_address, gunicorn_argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--port", "0"], "--port must be between 1 and 65535, got 0"),
        (["--port", "70000"], "--port must be between 1 and 65535, got 70000"),
        (["--workers", "0"], "--workers must be between 1 and 64, got 0"),
        (["--host", " "], "--host must not be empty"),
        (["--timeout", "0"], "--timeout must be at least 1 second"),
    ],
)
def test_serve_refuses_bad_arguments_with_a_message_naming_the_option(
    args: list[str], problem: str
) -> None:
    with pytest.raises(CommandError, match=problem.replace("(", r"\(")):
        call_command("serve", *args)


def test_serve_refuses_a_port_that_is_not_a_number() -> None:
    with pytest.raises(CommandError, match="--port: invalid int value: 'eighty'"):
        call_command("serve", "--port", "eighty")


def test_serve_refuses_a_port_that_is_already_taken() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} on 127.0.0.1 is already in use"):
            call_command("serve", "--port", str(port))


def test_gunicorn_runs_practicas_wsgi_application_on_the_given_address() -> None:
    argv = gunicorn_argv(host="0.0.0.0", port=8123, workers=3, timeout=45)
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--timeout") + 1] == "45"
    assert argv[-1] == "practica.wsgi:application"


def test_ipv6_hosts_are_bracketed_for_gunicorn() -> None:
    assert bind_address("::1", 8000) == "[::1]:8000"
    assert bind_address("[::1]", 8000) == "[::1]:8000"
    assert bind_address("localhost", 8000) == "localhost:8000"


@pytest.mark.slow
def test_serve_starts_gunicorn_that_answers_healthz_and_prints_its_url(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PRACTICA_HOME=str(tmp_path), PRACTICA_ENV="development")
    server = subprocess.Popen(
        [sys.executable, "-m", "practica.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
        assert body == b'{"status": "ok"}'
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"Practica at http://127.0.0.1:{port}" in output
    assert "gunicorn" in output.lower()
    # A fresh PRACTICA_HOME has no tables yet: the command says what to do.
    assert "run `practica migrate` first" in output


def _get_when_up(url: str, server: subprocess.Popen[str]) -> bytes:
    """GET ``url`` once the server answers; fail with the server's output if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bytes(response.read())
        except OSError:
            time.sleep(0.3)
    server.terminate()
    output, _ = server.communicate(timeout=30)
    pytest.fail(f"practica serve never answered {url} (exit {server.returncode}):\n{output}")
