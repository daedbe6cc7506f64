"""The ledger only grows, and records each keyed interaction once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from practica.ledger.models import LedgerError, LedgerEvent, Verb
from practica.ledger.services import EventSpec, event_record, events_record_bulk

pytestmark = pytest.mark.django_db


def spec(people, **kw):
    values = dict(
        community_id=people.community.pk,
        actor_id=people.member.pk,
        target_id=people.steward.pk,
        verb=Verb.REPLIED,
        key="reply:1",
    )
    values.update(kw)
    return EventSpec(**values)


def test_an_event_cannot_be_changed_or_removed(people):
    event = event_record(spec(people))
    assert event is not None
    event.verb = Verb.ACCEPTED
    with pytest.raises(LedgerError):
        event.save()
    with pytest.raises(LedgerError):
        event.delete()
    assert LedgerEvent.objects.get().verb == Verb.REPLIED


def test_a_keyed_event_is_recorded_once(people):
    assert event_record(spec(people)) is not None
    assert event_record(spec(people)) is None
    assert LedgerEvent.objects.count() == 1


def test_bulk_recording_skips_what_is_there_and_what_is_no_interaction(people):
    when = datetime(2019, 5, 1, tzinfo=UTC)
    event_record(spec(people))
    events_record_bulk(
        [
            spec(people),
            spec(people, key="reply:2", occurred_at=when),
            spec(people, key="reply:3", target_id=people.member.pk),
            spec(people, key="reply:4", target_id=None),
        ]
    )
    assert sorted(LedgerEvent.objects.values_list("key", flat=True)) == ["reply:1", "reply:2"]
    assert LedgerEvent.objects.get(key="reply:2").occurred_at == when
