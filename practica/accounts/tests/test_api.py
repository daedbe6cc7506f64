"""People over HTTP: who a token belongs to, and changing one's profile."""

from __future__ import annotations

from practica.accounts.models import User
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]

ME = "/api/v1/me"


def test_token_holder_reads_their_own_profile(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).get(ME)
    assert response.status == 200
    assert (response.body["id"], response.body["username"]) == (cast.nina.pk, "nina")
    assert response.body["name"] == "Nina"


def test_anonymous_visitor_has_no_profile(api: ApiClient, cast: Cast) -> None:
    assert api.get(ME).status == 401


def test_profile_update_changes_only_the_fields_sent(api: ApiClient, cast: Cast) -> None:
    User.objects.filter(pk=cast.nina.pk).update(bio="Grows beans.")
    response = api.as_(cast.nina).patch(
        ME, {"sector": "education", "interests": "soil, seeds", "region": "North"}
    )
    assert response.status == 200
    assert response.body["sector"] == "education"
    nina = User.objects.get(pk=cast.nina.pk)
    assert (nina.region, nina.bio) == ("North", "Grows beans.")
    assert nina.interest_list() == ["soil", "seeds"]


def test_null_clears_a_profile_field(api: ApiClient, cast: Cast) -> None:
    User.objects.filter(pk=cast.nina.pk).update(location="Leeds")
    response = api.as_(cast.nina).patch(ME, {"location": None})
    assert response.status == 200
    assert User.objects.get(pk=cast.nina.pk).location == ""


def test_profile_website_must_be_an_address(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).patch(ME, {"website": "not a url"})
    assert response.status == 422
    assert response.field == "website"
    assert User.objects.get(pk=cast.nina.pk).website == ""


def test_too_long_profile_field_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).patch(ME, {"sector": "s" * 101})
    assert response.status == 422
    assert response.field == "sector"


def test_unknown_profile_field_is_refused_by_name(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.nina).patch(ME, {"username": "root", "bio": "Hi"})
    assert response.status == 422
    assert response.field == "username"
    assert User.objects.get(pk=cast.nina.pk).username == "nina"


def test_profile_update_needs_a_token(api: ApiClient, cast: Cast) -> None:
    assert api.patch(ME, {"bio": "x"}).status == 401
