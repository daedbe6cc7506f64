"""People in the browser: signing up, in and out, resetting a password, profiles, tokens."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from practica.accounts.models import AccessToken, User
from practica.accounts.selectors import user_for_token
from practica.accounts.services import token_create
from practica.exchange.models import ThreadKind
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-garden-hose-42"


def as_(client: Client, person) -> Client:
    client.force_login(person)
    return client


def flat_page(client: Client, url: str) -> str:
    return re.sub(r"\s+", " ", client.get(url).content.decode())


def names_under(page: str, heading: str) -> list[str]:
    """The people listed under a heading of the who-helped-whom box, with their counts."""
    found = re.search(rf"{heading}</h3> <ul>(.*?)</ul>", page)
    assert found, heading
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


def signup(client: Client, **overrides: str):
    data = {
        "username": "erin",
        "email": "erin@example.org",
        "password": GOOD_PASSWORD,
        "password_again": GOOD_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("accounts:signup"), data)


def test_signing_up_creates_the_person_and_logs_them_in(client, db):
    response = signup(client)
    assert response["Location"] == "/"
    erin = User.objects.get(username="erin")
    assert erin.email == "erin@example.org"
    assert erin.check_password(GOOD_PASSWORD)
    page = client.get("/").content.decode()
    assert "Welcome to Practica, erin." in page
    assert "Log out" in page


def test_sign_up_returns_to_the_page_it_came_from(client, people):
    response = signup(client, next="/c/growers/")
    assert response["Location"] == "/c/growers/"


def test_sign_up_never_redirects_to_another_site(client, db):
    response = signup(client, next="https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"username": "Alice"}, "username", "That username is taken"),
        ({"username": "bad name!"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"password_again": "something-else-42"}, "password_again", "not the same"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "too common"),
    ],
)
def test_sign_up_problems_are_shown_on_their_field(client, people, overrides, field, message):
    response = signup(client, **overrides)
    body = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in body
    assert message in body
    assert (
        not User.objects.filter(username=overrides.get("username", "erin"))
        .exclude(pk=people.steward.pk)
        .exists()
    )


def test_logging_in_and_out(client, people):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "pw-alice-123"}
    )
    assert response.status_code == 302
    assert "Alice Steward" in client.get("/").content.decode()
    client.post(reverse("accounts:logout"))
    page = client.get("/").content.decode()
    assert "Log in" in page and "Log out" not in page


def test_a_wrong_password_is_explained(client, people):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choose a new password for Practica"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", str(message.body))
    assert link, message.body
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    people.steward.refresh_from_db()
    assert people.steward.check_password(GOOD_PASSWORD)


def test_a_used_reset_link_is_explained(client, people):
    page = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))
    assert "This link no longer works" in page.content.decode()


def test_profile_shows_what_the_person_shares(client, people):
    User.objects.filter(pk=people.member.pk).update(
        bio="I grow *tomatoes*.",
        interests="soil, compost",
        offers="Seedlings in spring",
        learning="Beekeeping",
        sector="education",
        discipline="biology",
        region="Lyon",
        role_in_practice="teacher",
    )
    page = client.get(reverse("people:profile", args=["bob"])).content.decode()
    assert "<em>tomatoes</em>" in page
    for text in ("soil", "compost", "Seedlings in spring", "Beekeeping"):
        assert text in page
    for text in ("education", "biology", "Lyon", "teacher"):
        assert text in page
    assert "Urban Growers" in page


def test_profile_counts_who_helped_whom(client, people):
    question = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="Raised beds?",
        body="How deep?",
    )
    answer = reply_create(thread=question, author=people.steward, body="Forty.")
    reply_accept(reply=answer, actor=people.member)
    acknowledgement_create(person=people.member, thread=question, reply=answer)
    acknowledgement_create(person=people.newcomer, thread=question, reply=answer)
    story = thread_create(
        community=people.community,
        author=people.member,
        kind=ThreadKind.STORY,
        title="Tomatoes",
        context="Hot July.",
    )
    acknowledgement_create(person=people.steward, thread=story)

    alice = flat_page(client, reverse("people:profile", args=["alice"]))
    assert "<dt>Helped others</dt><dd>2</dd>" in alice
    assert "<dt>Was helped</dt><dd>1</dd>" in alice
    assert "<dt>Accepted answers</dt><dd>1</dd>" in alice
    assert names_under(alice, "Said Alice Steward helped them") == [
        "Bob Member (1)",
        "Carol Newcomer (1)",
    ]
    bob = flat_page(client, reverse("people:profile", args=["bob"]))
    assert "<dt>Helped others</dt><dd>1</dd>" in bob  # the story helped alice
    assert "<dt>Was helped</dt><dd>1</dd>" in bob
    assert names_under(bob, "Helped Bob Member") == ["Alice Steward (1)"]


def test_profile_never_lists_hidden_threads_replies_or_communities(client, people):
    secret = thread_create(
        community=people.private,
        author=people.member,
        kind=ThreadKind.QUESTION,
        title="Budget for next year",
        body="Numbers.",
    )
    answer = reply_create(thread=secret, author=people.member, body="Secret sums")
    acknowledgement_create(person=people.steward, thread=secret, reply=answer)
    url = reverse("people:profile", args=["bob"])
    for viewer in (Client(), as_(Client(), people.outsider), as_(Client(), people.newcomer)):
        page = viewer.get(url).content.decode()
        assert "Budget for next year" not in page
        assert "Stewards&#x27; Room" not in page
        assert "<dt>Helped others</dt><dd>0</dd>" in re.sub(r"\s+", " ", page)
    insider = as_(Client(), people.steward).get(url).content.decode()
    assert "Budget for next year" in insider and "Stewards&#x27; Room" in insider


def test_unknown_person_is_not_found(client, db):
    assert client.get(reverse("people:profile", args=["nobody"])).status_code == 404


def test_editing_your_own_profile(client, people):
    url = reverse("accounts:profile_edit")
    response = as_(client, people.member).post(
        url,
        {
            "display_name": "Bob the Gardener",
            "bio": "Roofs.",
            "interests": "soil",
            "offers": "",
            "learning": "",
            "sector": "health",
            "discipline": "",
            "region": "",
            "role_in_practice": "",
            "location": "",
            "website": "bob.example.org",
        },
    )
    assert response["Location"] == reverse("people:profile", args=["bob"])
    people.member.refresh_from_db()
    assert people.member.display_name == "Bob the Gardener"
    assert people.member.sector == "health"
    assert people.member.website == "https://bob.example.org"


def test_profile_edit_needs_an_account(client, db):
    response = client.get(reverse("accounts:profile_edit"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_new_token_is_shown_once_and_works(client, people):
    url = reverse("accounts:tokens")
    response = as_(client, people.member).post(url, {"name": "my-script"})
    body = response.content.decode()
    secret = re.search(r'id="new-token" type="text" readonly value="(prc_[^"]+)"', body)
    assert secret
    assert "no-store" in response["Cache-Control"]
    assert user_for_token(token=secret.group(1)) == people.member
    again = client.get(url).content.decode()
    assert secret.group(1) not in again
    assert "my-script" in again


def test_revoking_a_token_stops_it_working(client, people):
    token, secret = token_create(user=people.member, name="old")
    as_(client, people.member).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert user_for_token(token=secret) is None
    assert "Revoked" in client.get(reverse("accounts:tokens")).content.decode()


def test_nobody_revokes_someone_elses_token(client, people):
    token, _ = token_create(user=people.member, name="mine")
    response = as_(client, people.outsider).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None
    assert "mine" not in client.get(reverse("accounts:tokens")).content.decode()


def test_profile_query_count_does_not_grow_with_activity(
    client, people, django_assert_max_num_queries
):
    for n in range(12):
        thread = thread_create(
            community=people.community,
            author=people.member,
            kind=ThreadKind.QUESTION,
            title=f"Question {n}",
            body="Body",
        )
        answer = reply_create(thread=thread, author=people.steward, body="Answer")
        reply_create(thread=thread, author=people.member, body="Thanks", parent=answer)
        acknowledgement_create(person=people.member, thread=thread, reply=answer)
    as_(client, people.steward)
    # session, user, person, memberships, threads, replies, 2 counts, accepted,
    # helped most, helped by (replies, stories)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:profile", args=["bob"]))
    assert response.status_code == 200
