"""Writes of collaborative learning: experiments and their cycles, practices, the agenda.

An experiment moves proposed → running → reflecting → concluded. A decision
of ``iterate`` closes the current cycle and opens the next one, so the chain
of cycles shows how the idea evolved. Every transition is checked here; an
invalid one raises ``Conflict`` and changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.circles import require_may_leave_circle
from practica.communities.models import Community, Membership, MembershipStatus
from practica.communities.selectors import is_member, is_steward
from practica.core.errors import Conflict, InvalidInput, NotAllowed
from practica.core.text import excerpt, plain_text
from practica.exchange.models import Thread
from practica.learning.models import (
    AgendaItem,
    AgendaStatus,
    Better,
    Cycle,
    Decision,
    Evidence,
    Experiment,
    ExperimentStatus,
    Feedback,
    Maturity,
    Measure,
    MeasureValue,
    Observation,
    Participant,
    Practice,
    PracticeVersion,
    Stance,
)
from practica.ledger.models import Verb
from practica.ledger.services import EventSpec, event_record
from practica.trust.capabilities import trust_require
from practica.weaving.models import Notification, NotificationKind
from practica.weaving.services import notification_create

VERSION_FIELDS = ("summary", "when_to_use", "how", "watch_for")


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    unit: str = ""
    better: str = Better.HIGHER


def _require_member(community: Community, person: User, doing: str) -> None:
    if not is_member(community=community, user=person):
        raise NotAllowed(f"join {community.name} to {doing}")


def _require_text(value: str, field: str, what: str) -> str:
    if not value or not value.strip():
        raise InvalidInput(f"{what} is required", field=field)
    return value.strip()


def _current_cycle(experiment: Experiment) -> Cycle:
    cycle = experiment.cycles.order_by("-number").first()
    if cycle is None:  # every experiment is created with its first cycle
        raise Conflict("this experiment has no cycle")
    return cycle


def _check_measures(measures: Sequence[MeasureSpec]) -> None:
    seen: set[str] = set()
    for index, measure in enumerate(measures):
        name = measure.name.strip()
        if not name:
            raise InvalidInput(f"measure {index + 1} needs a name", field="measures")
        if name.lower() in seen:
            raise InvalidInput(f"measure {name!r} is named twice", field="measures")
        if measure.better not in Better.values:
            raise InvalidInput(
                f"measure {name!r}: better must be 'higher' or 'lower'", field="measures"
            )
        seen.add(name.lower())


def _can_steer(experiment: Experiment, person: User) -> bool:
    """The proposer and the community's stewards steer an experiment's cycles."""
    return experiment.proposed_by_id == person.pk or is_steward(
        community=experiment.community, user=person
    )


@transaction.atomic
def experiment_propose(
    *,
    community: Community,
    proposer: User,
    title: str,
    question: str,
    hypothesis: str,
    measures: Sequence[MeasureSpec] = (),
    practice: Practice | None = None,
    plan: str = "",
    checkin_every_days: int = 7,
    inspired_by: Iterable[Thread] = (),
) -> Experiment:
    _require_member(community, proposer, "propose an experiment")
    title = _require_text(title, "title", "a title")
    question = _require_text(question, "question", "the question it explores")
    hypothesis = _require_text(hypothesis, "hypothesis", "a hypothesis")
    _check_measures(measures)
    if practice is not None and practice.community_id != community.pk:
        raise InvalidInput("the practice belongs to another community", field="practice_id")
    if not 1 <= checkin_every_days <= 365:
        raise InvalidInput("check in every 1 to 365 days", field="checkin_every_days")
    experiment = Experiment.objects.create(
        community=community,
        title=title,
        question=question,
        hypothesis=hypothesis,
        practice=practice,
        proposed_by=proposer,
    )
    Measure.objects.bulk_create(
        [Measure(experiment=experiment, name=m.name.strip(), unit=m.unit, better=m.better)
         for m in measures]
    )  # fmt: skip
    Cycle.objects.create(
        experiment=experiment, number=1, plan=plan, checkin_every_days=checkin_every_days
    )
    threads = [t for t in inspired_by if t.community_id == community.pk]
    if threads:
        experiment.inspired_by.set(threads)
    return experiment


@transaction.atomic
def experiment_join(
    *,
    experiment: Experiment,
    person: User,
    organisation: str = "",
    setting: str = "",
    scale: str = "",
) -> Participant:
    """Take part, in one's own context. Joining again updates the context."""
    _require_member(experiment.community, person, "join an experiment")
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status == ExperimentStatus.CONCLUDED:
        raise Conflict("this experiment is concluded", field="status")
    participant, created = Participant.objects.get_or_create(
        experiment=experiment,
        person=person,
        defaults={"organisation": organisation, "setting": setting, "scale": scale},
    )
    if not created and (organisation or setting or scale):
        participant.organisation, participant.setting, participant.scale = (
            organisation or participant.organisation,
            setting or participant.setting,
            scale or participant.scale,
        )
        participant.save(update_fields=["organisation", "setting", "scale"])
    if experiment.status == ExperimentStatus.PROPOSED:
        experiment.status = ExperimentStatus.RUNNING
        experiment.save(update_fields=["status"])
    return participant


def _measure_values(
    experiment: Experiment, values: Mapping[str, float]
) -> list[tuple[Measure, float]]:
    by_name = {m.name.lower(): m for m in experiment.measures.all()}
    pairs: list[tuple[Measure, float]] = []
    for name, raw in values.items():
        measure = by_name.get(name.strip().lower())
        if measure is None:
            known = ", ".join(sorted(m.name for m in by_name.values())) or "none"
            raise InvalidInput(
                f"measure {name!r} is not one of this experiment's (known: {known})",
                field="measures",
            )
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise InvalidInput(f"measure {name!r} needs a finite number", field="measures")
        pairs.append((measure, float(raw)))
    return pairs


@transaction.atomic
def observation_add(
    *,
    experiment: Experiment,
    person: User,
    what_we_did: str,
    what_happened: str,
    measures: Mapping[str, float] | None = None,
    surprises: str = "",
) -> Observation:
    """A participant's check-in on the current cycle."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status == ExperimentStatus.CONCLUDED:
        raise Conflict("this experiment is concluded; observations are closed", field="status")
    participant = Participant.objects.filter(experiment=experiment, person=person).first()
    if participant is None:
        raise NotAllowed("join the experiment before checking in")
    cycle = _current_cycle(experiment)
    if cycle.reflected_at is not None or cycle.is_closed:
        raise Conflict(
            f"cycle {cycle.number} is closed for observations (it is being reflected on)",
            field="status",
        )
    what_we_did = _require_text(what_we_did, "what_we_did", "what you did")
    what_happened = _require_text(what_happened, "what_happened", "what happened")
    pairs = _measure_values(experiment, measures or {})
    observation = Observation.objects.create(
        cycle=cycle,
        participant=participant,
        what_we_did=what_we_did,
        what_happened=what_happened,
        surprises=surprises.strip(),
    )
    MeasureValue.objects.bulk_create(
        [MeasureValue(observation=observation, measure=m, value=v) for m, v in pairs]
    )
    if experiment.status == ExperimentStatus.PROPOSED:
        experiment.status = ExperimentStatus.RUNNING
        experiment.save(update_fields=["status"])
    return observation


@transaction.atomic
def feedback_add(*, observation: Observation, author: User, body: str) -> Feedback:
    """Another member responds to a check-in: an interaction for the ledger."""
    experiment = observation.cycle.experiment
    _require_member(experiment.community, author, "give feedback")
    body = _require_text(body, "body", "feedback")
    feedback = Feedback.objects.create(observation=observation, author=author, body=body)
    event_record(
        EventSpec(
            community_id=experiment.community_id,
            actor_id=author.pk,
            target_id=observation.participant.person_id,
            verb=Verb.GAVE_FEEDBACK,
            object_type="observation",
            object_id=observation.pk,
            key=f"feedback:{feedback.pk}",
        )
    )
    return feedback


@transaction.atomic
def reflection_add(
    *, experiment: Experiment, actor: User, learned: str, differences: str = ""
) -> Cycle:
    """Close the current cycle's check-ins with what was learned."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    is_participant = Participant.objects.filter(experiment=experiment, person=actor).exists()
    if not (is_participant or _can_steer(experiment, actor)):
        raise NotAllowed("only participants, the proposer or a steward can reflect")
    if experiment.status != ExperimentStatus.RUNNING:
        raise Conflict(
            f"a reflection needs a running experiment; this one is {experiment.status}",
            field="status",
        )
    learned = _require_text(learned, "learned", "what we learned")
    cycle = _current_cycle(experiment)
    cycle.learned, cycle.differences = learned, differences.strip()
    cycle.reflected_at = timezone.now()
    cycle.save(update_fields=["learned", "differences", "reflected_at"])
    experiment.status = ExperimentStatus.REFLECTING
    experiment.save(update_fields=["status"])
    return cycle


@transaction.atomic
def decision_make(
    *, experiment: Experiment, actor: User, decision: str, note: str = "", next_plan: str = ""
) -> Experiment:
    """End the cycle: adopt, adapt or abandon conclude; iterate opens the next cycle.

    ``next_plan`` is the plan of the cycle that ``iterate`` opens (the current
    plan carries over when it is empty): how the idea changes between cycles.
    """
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if decision not in Decision.values:
        raise InvalidInput(
            f"decision must be one of {', '.join(Decision.values)}", field="decision"
        )
    if not _can_steer(experiment, actor):
        raise NotAllowed("only the proposer or a steward can decide")
    if next_plan.strip() and decision != Decision.ITERATE:
        raise InvalidInput("a plan for the next cycle goes only with iterate", field="next_plan")
    if experiment.status != ExperimentStatus.REFLECTING:
        raise Conflict("reflect on the cycle before deciding", field="status")
    cycle = _current_cycle(experiment)
    now = timezone.now()
    cycle.decision, cycle.decision_note = decision, note.strip()
    cycle.decided_at, cycle.decided_by = now, actor
    cycle.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
    if decision == Decision.ITERATE:
        Cycle.objects.create(
            experiment=experiment,
            number=cycle.number + 1,
            plan=next_plan.strip() or cycle.plan,
            checkin_every_days=cycle.checkin_every_days,
            started_at=now,
        )
        experiment.status = ExperimentStatus.RUNNING
        experiment.save(update_fields=["status"])
        return experiment
    experiment.status = ExperimentStatus.CONCLUDED
    experiment.concluded_at = now
    experiment.save(update_fields=["status", "concluded_at"])
    if decision in {Decision.ADOPT, Decision.ADAPT} and experiment.practice is not None:
        _version_from_experiment(experiment, cycle, actor)
    return experiment


def _version_from_experiment(experiment: Experiment, cycle: Cycle, actor: User) -> None:
    """A concluded experiment proposes the next version of the practice it tried."""
    practice = experiment.practice
    assert practice is not None
    verb = "Adopted" if cycle.decision == Decision.ADOPT else "Adapted"
    note = f"{verb} after the experiment “{experiment.title}” (cycle {cycle.number})."
    if cycle.decision_note:
        note += f" {cycle.decision_note}"
    current = practice.current
    watch_for = current.watch_for if current else ""
    if cycle.differences:
        watch_for = (watch_for + "\n\nAcross contexts: " + cycle.differences).strip()
    practice_version_create(
        practice=practice,
        author=actor,
        change_note=note,
        evidence_experiments=[experiment],
        watch_for=watch_for,
        maturity=Maturity.TESTED if practice.maturity == Maturity.EMERGING else None,
    )


@transaction.atomic
def practice_create(
    *,
    community: Community,
    author: User,
    name: str,
    summary: str,
    when_to_use: str = "",
    how: str = "",
    watch_for: str = "",
    maturity: str = Maturity.EMERGING,
    evidence_experiments: Sequence[Experiment] = (),
    evidence_threads: Sequence[Thread] = (),
    is_draft: bool = False,
) -> Practice:
    _require_member(community, author, "add a practice")
    name = _require_text(name, "name", "a name")
    summary = _require_text(summary, "summary", "a summary")
    if maturity not in Maturity.values:
        raise InvalidInput(
            f"maturity must be one of {', '.join(Maturity.values)}", field="maturity"
        )
    practice = Practice.objects.create(
        community=community, name=name, maturity=maturity, created_by=author, is_draft=is_draft
    )
    version = PracticeVersion.objects.create(
        practice=practice,
        number=1,
        summary=summary,
        when_to_use=when_to_use.strip(),
        how=how.strip(),
        watch_for=watch_for.strip(),
        change_note="First version.",
        author=author,
    )
    _attach_evidence(version, community, evidence_experiments, evidence_threads)
    return practice


def _attach_evidence(
    version: PracticeVersion,
    community: Community,
    experiments: Sequence[Experiment],
    threads: Sequence[Thread],
    stance: str = Stance.SUPPORTS,
) -> None:
    for experiment in experiments:
        if experiment.community_id != community.pk:
            raise InvalidInput(
                f"experiment {experiment.pk} belongs to another community", field="evidence"
            )
    for thread in threads:
        if thread.community_id != community.pk:
            raise InvalidInput(f"thread {thread.pk} belongs to another community", field="evidence")
    Evidence.objects.bulk_create(
        [Evidence(version=version, experiment=e, stance=stance) for e in experiments]
        + [Evidence(version=version, thread=t, stance=stance) for t in threads]
    )


@transaction.atomic
def practice_version_create(
    *,
    practice: Practice,
    author: User,
    change_note: str,
    evidence_experiments: Sequence[Experiment] = (),
    evidence_threads: Sequence[Thread] = (),
    challenged_by_experiments: Sequence[Experiment] = (),
    challenged_by_threads: Sequence[Thread] = (),
    maturity: str | None = None,
    name: str | None = None,
    **fields: str | None,
) -> PracticeVersion:
    """A new version: fields not given carry over; a change note is required.

    Evidence comes in two stances: what supports the change and what challenges
    the practice (a failed trial is evidence too). ``name`` renames the card.
    """
    _require_member(practice.community, author, "revise a practice")
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown fields: {', '.join(sorted(unknown))}", field=min(unknown))
    change_note = _require_text(change_note, "change_note", "a change note (what changed and why)")
    current = Practice.objects.select_for_update().get(pk=practice.pk).current
    values = {
        name: (fields[name] if fields.get(name) is not None else getattr(current, name, ""))
        for name in VERSION_FIELDS
    }
    if not (values["summary"] or "").strip():
        raise InvalidInput("a summary is required", field="summary")
    version = PracticeVersion.objects.create(
        practice=practice,
        number=(current.number if current else 0) + 1,
        change_note=change_note,
        author=author,
        **{k: (v or "").strip() for k, v in values.items()},
    )
    _attach_evidence(version, practice.community, evidence_experiments, evidence_threads)
    _attach_evidence(
        version,
        practice.community,
        challenged_by_experiments,
        challenged_by_threads,
        stance=Stance.CHALLENGES,
    )
    updates = []
    if name is not None and name.strip() != practice.name:
        practice.name = _require_text(name, "name", "a name")[:200]
        updates.append("name")
    if maturity is not None:
        if maturity not in Maturity.values:
            raise InvalidInput(
                f"maturity must be one of {', '.join(Maturity.values)}", field="maturity"
            )
        practice.maturity = maturity
        updates.append("maturity")
    if practice.is_draft:
        practice.is_draft = False
        updates.append("is_draft")
    if updates:
        practice.save(update_fields=updates)
    return version


def practice_distil(*, thread: Thread, author: User) -> Practice:
    """Start a practice draft from a thread or story, keeping the thread as evidence."""
    _require_member(thread.community, author, "distil a thread")
    trust_require(author, "distil", thread.community)
    require_may_leave_circle(thread)  # a practice is read by the whole community
    if thread.kind == "story":
        summary = thread.learned or excerpt(thread.what_happened or thread.body, 400)
        how = thread.differently
        when = thread.context
    else:
        accepted = thread.accepted_reply
        summary = excerpt(accepted.body if accepted else thread.body, 400)
        how, when = "", excerpt(thread.body, 300)
    return practice_create(
        community=thread.community,
        author=author,
        name=thread.title[:200],
        summary=plain_text(summary) or thread.title,
        when_to_use=plain_text(when),
        how=plain_text(how),
        evidence_threads=[thread],
        is_draft=True,
    )


def agenda_item_create(*, community: Community, author: User, question: str) -> AgendaItem:
    _require_member(community, author, "add to the learning agenda")
    question = _require_text(question, "question", "a question")
    return AgendaItem.objects.create(community=community, question=question, raised_by=author)


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    actor: User,
    status: str | None = None,
    experiments: Sequence[Experiment] = (),
    threads: Sequence[Thread] = (),
) -> AgendaItem:
    _require_member(item.community, actor, "change the learning agenda")
    if status is not None:
        if status not in AgendaStatus.values:
            raise InvalidInput(
                f"status must be one of {', '.join(AgendaStatus.values)}", field="status"
            )
        item.status = status
        item.save(update_fields=["status"])
    for experiment in experiments:
        if experiment.community_id != item.community_id:
            raise InvalidInput("that experiment belongs to another community", field="experiments")
    for thread in threads:
        if thread.community_id != item.community_id:
            raise InvalidInput("that thread belongs to another community", field="threads")
    if experiments:
        item.experiments.add(*experiments)
        if item.status == AgendaStatus.OPEN:
            item.status = AgendaStatus.BEING_EXPLORED
            item.save(update_fields=["status"])
    if threads:
        item.threads.add(*threads)
    return item


def checkin_due(
    *,
    last_observed_at: datetime | None,
    since: datetime,
    every_days: int,
    now: datetime,
) -> int:
    """How many check-in periods have passed without a check-in (0: not due).

    The clock starts at the participant's last observation in the current cycle,
    or, without one, at ``since`` (when the cycle started, or when they joined if
    that was later: nobody is due the day they join). Counting periods lets a
    reminder be sent once per period, never twice in one.
    """
    start = last_observed_at or since
    period = timedelta(days=every_days)
    if every_days <= 0 or now < start + period:
        return 0
    return int((now - start) // period)


@dataclass(frozen=True)
class DueCheckin:
    cycle: Cycle
    participant: Participant
    #: When the participant's clock started: their last check-in, the cycle's start or joining.
    counted_from: datetime
    #: Whole check-in periods passed since then (1 or more).
    periods: int
    has_measures: bool


def checkins_due(*, now: datetime, community: Community | None = None) -> list[DueCheckin]:
    """Participants of running experiments whose check-in on the current cycle is due.

    People who left the community (or whose account is closed) are not counted.
    """
    experiments = Experiment.objects.filter(status=ExperimentStatus.RUNNING)
    if community is not None:
        experiments = experiments.filter(community=community)
    experiments = experiments.select_related("community").annotate(measure_count=Count("measures"))
    current: dict[int, Cycle] = {}
    for cycle in Cycle.objects.filter(experiment__in=experiments).order_by("number"):
        current[cycle.experiment_id] = cycle  # the highest number wins
    by_id = {e.pk: e for e in experiments}
    for cycle in current.values():
        cycle.experiment = by_id[cycle.experiment_id]
    last_seen = {
        (row["cycle_id"], row["participant_id"]): row["last"]
        for row in Observation.objects.filter(cycle__in=list(current.values()))
        .values("cycle_id", "participant_id")
        .annotate(last=Max("created_at"))
    }
    members = set(
        Membership.objects.filter(
            community_id__in={e.community_id for e in by_id.values()},
            status=MembershipStatus.ACTIVE,
        ).values_list("community_id", "user_id")
    )
    participants = (
        Participant.objects.filter(experiment_id__in=current.keys(), person__is_active=True)
        .select_related("person")
        .order_by("experiment_id", "joined_at", "pk")
    )
    out: list[DueCheckin] = []
    for participant in participants:
        cycle = current[participant.experiment_id]
        experiment = by_id[participant.experiment_id]
        if (experiment.community_id, participant.person_id) not in members:
            continue
        last = last_seen.get((cycle.pk, participant.pk))
        since = max(cycle.started_at, participant.joined_at)
        periods = checkin_due(
            last_observed_at=last, since=since, every_days=cycle.checkin_every_days, now=now
        )
        if periods:
            participant.experiment = experiment
            out.append(
                DueCheckin(
                    cycle=cycle,
                    participant=participant,
                    counted_from=last or since,
                    periods=periods,
                    has_measures=bool(getattr(experiment, "measure_count", 0)),
                )
            )
    return out


@dataclass(frozen=True)
class Reminder:
    due: DueCheckin
    #: False when this period's reminder was already sent (or, in a dry run, would be).
    sent: bool


def _reminder_key(due: DueCheckin) -> str:
    start = int(due.counted_from.timestamp())
    return f"learning-checkin:{due.cycle.pk}:{due.participant.pk}:{start}:{due.periods}"


def checkin_reminders_send(
    *, community: Community | None = None, now: datetime | None = None, dry_run: bool = False
) -> list[Reminder]:
    """Remind each participant of a running experiment whose check-in is due.

    At most one reminder per participant and due period: the notification's key
    names the cycle, the participant, when their clock started and the period,
    so running this twice (or from two schedulers) sends nothing new.
    """
    out: list[Reminder] = []
    for due in checkins_due(community=community, now=now or timezone.now()):
        key = _reminder_key(due)
        person = due.participant.person
        if dry_run:
            sent = not Notification.objects.filter(recipient=person, key=key).exists()
            out.append(Reminder(due, sent))
            continue
        experiment = due.cycle.experiment
        notice = notification_create(
            recipient=person,
            text=(
                f"Your check-in on “{experiment.title}” is due: what did you try, what "
                f"happened{', and the measures' if due.has_measures else ''}?"
            ),
            link=reverse("learning:experiment", args=[experiment.community.slug, experiment.pk])
            + "#check-in",
            kind=NotificationKind.REMINDER,
            community=experiment.community,
            key=key,
        )
        out.append(Reminder(due, notice is not None))
    return out
