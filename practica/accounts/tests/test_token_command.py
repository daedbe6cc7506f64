"""``practica token``: create, list and revoke personal access tokens."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from practica.accounts.models import AccessToken, User
from practica.accounts.selectors import user_for_token
from practica.accounts.services import token_create, user_create

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def alice() -> User:
    return user_create(username="alice")


def test_create_prints_only_a_working_token(alice: User) -> None:
    out, err = run("create", "alice", "--name", "laptop")
    secret = out.strip()
    assert secret.startswith("prc_")
    assert "\n" not in secret
    assert user_for_token(token=secret) == alice
    assert AccessToken.objects.get(user=alice).name == "laptop"
    assert "shown only this once" in err


def test_create_for_an_unknown_user_fails_with_one_line(db: None) -> None:
    with pytest.raises(CommandError, match=r"^no user 'ghost'$"):
        run("create", "ghost")


def test_create_refuses_an_empty_name(alice: User) -> None:
    with pytest.raises(CommandError, match="--name"):
        run("create", "alice", "--name", " ")
    assert not AccessToken.objects.exists()


def test_list_shows_prefixes_and_status_never_secrets(alice: User) -> None:
    kept, kept_secret = token_create(user=alice, name="laptop")
    gone, _ = token_create(user=alice, name="old phone")
    run("revoke", gone.prefix)
    out, _ = run("list", "alice")
    lines = out.splitlines()
    assert lines[0].split()[0] == "PREFIX"
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows[kept.prefix].endswith("active")
    assert "revoked" in rows[gone.prefix]
    assert kept_secret not in out


def test_list_says_when_there_are_no_tokens(alice: User) -> None:
    out, err = run("list", "alice")
    assert out == ""
    assert "no tokens" in err


def test_revoke_by_prefix_stops_the_token_working(alice: User) -> None:
    token, secret = token_create(user=alice, name="laptop")
    out, _ = run("revoke", token.prefix)
    assert "Revoked token 'laptop'" in out
    assert user_for_token(token=secret) is None


def test_revoke_accepts_the_whole_token(alice: User) -> None:
    _, secret = token_create(user=alice)
    run("revoke", secret)
    assert user_for_token(token=secret) is None


def test_revoking_an_unknown_prefix_fails(alice: User) -> None:
    with pytest.raises(CommandError, match="no active token"):
        run("revoke", "prc_nothing")


def test_revoking_a_shared_prefix_asks_for_the_whole_token(alice: User) -> None:
    first, first_secret = token_create(user=alice)
    second, _ = token_create(user=alice)
    AccessToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    with pytest.raises(CommandError, match="give the whole token"):
        run("revoke", first.prefix)
    run("revoke", first_secret)
    assert user_for_token(token=first_secret) is None


@pytest.mark.slow
def test_console_script_exits_non_zero_with_one_line_for_an_unknown_user(
    tmp_path: Path,
) -> None:
    """The real command line, in a separate process with its own database."""
    env = {"PRACTICA_HOME": str(tmp_path), "PRACTICA_ENV": "development", "PATH": "/usr/bin"}
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=REPO)
    done = subprocess.run(
        [*manage, "token", "create", "ghost"], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["CommandError: no user 'ghost'"]
