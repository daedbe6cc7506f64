"""API of collaborative learning: experiments, practices, the learning agenda."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.communities.selectors import community_get_readable
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    InputSchema,
    ObjectId,
    PageOut,
    PageQuery,
    Slug,
    page_of,
)
from practica.core.errors import InvalidInput
from practica.exchange.models import Thread
from practica.exchange.selectors import thread_get
from practica.learning import selectors, services
from practica.learning.models import (
    AgendaItem,
    AgendaStatus,
    Better,
    Decision,
    Experiment,
    Maturity,
    Practice,
)

router = Router(tags=["collaborative learning"])

Text = Annotated[str, Field(max_length=20_000), STORABLE]
Line = Annotated[str, Field(max_length=200), STORABLE]


class MeasureIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100), STORABLE]
    unit: Annotated[str, Field(max_length=40), STORABLE] = ""
    better: Better = Better.HIGHER


class ExperimentIn(InputSchema):
    title: Annotated[str, Field(min_length=1, max_length=200), STORABLE]
    question: Text
    hypothesis: Text
    measures: list[MeasureIn] = Field(default_factory=list, max_length=20)
    practice_id: ObjectId | None = None
    plan: Text = ""
    checkin_every_days: int = Field(default=7, ge=1, le=365)
    inspired_by: list[ObjectId] = Field(default_factory=list, max_length=50)


class JoinIn(InputSchema):
    organisation: Line = ""
    setting: Line = ""
    scale: Annotated[str, Field(max_length=100), STORABLE] = ""


class ObservationIn(InputSchema):
    what_we_did: Text
    what_happened: Text
    measures: dict[Annotated[str, Field(max_length=100)], float] = Field(default_factory=dict)
    surprises: Text = ""


class FeedbackIn(InputSchema):
    body: Text


class ReflectionIn(InputSchema):
    learned: Text
    differences: Text = ""


class DecisionIn(InputSchema):
    decision: Decision
    note: Text = ""
    next_plan: Text = Field(
        default="", description="With iterate: the next cycle's plan (else the plan carries over)."
    )


class MeasureOut(Schema):
    id: int
    name: str
    unit: str
    better: str


class ParticipantOut(Schema):
    username: str
    organisation: str
    setting: str
    scale: str
    joined_at: datetime


class ObservationOut(Schema):
    id: int
    cycle: int
    username: str
    what_we_did: str
    what_happened: str
    surprises: str
    measures: dict[str, float]
    feedback_count: int
    created_at: datetime


class CycleOut(Schema):
    number: int
    plan: str
    started_at: datetime
    learned: str
    differences: str
    reflected_at: datetime | None
    decision: str
    decision_note: str
    decided_at: datetime | None
    observations: list[ObservationOut]


class ExperimentOut(Schema):
    id: int
    community: str
    title: str
    question: str
    hypothesis: str
    status: str
    practice_id: int | None
    proposed_by: str | None
    created_at: datetime
    concluded_at: datetime | None
    measures: list[MeasureOut]
    participants: list[ParticipantOut]
    cycles: list[CycleOut] = Field(description="The chain of cycles, first to current.")


class PracticeEvidenceOut(Schema):
    experiment_id: int | None
    thread_id: int | None
    stance: str


class VersionOut(Schema):
    number: int
    summary: str
    when_to_use: str
    how: str
    watch_for: str
    change_note: str
    author: str | None
    created_at: datetime
    evidence: list[PracticeEvidenceOut]


class PracticeOut(Schema):
    id: int
    community: str
    name: str
    maturity: str
    is_draft: bool
    created_at: datetime
    versions: list[VersionOut]


class PracticeIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200), STORABLE]
    summary: Text
    when_to_use: Text = ""
    how: Text = ""
    watch_for: Text = ""
    maturity: Maturity = Maturity.EMERGING


class EvidenceIn(InputSchema):
    experiments: list[ObjectId] = Field(default_factory=list, max_length=50)
    threads: list[ObjectId] = Field(default_factory=list, max_length=50)


class VersionIn(InputSchema):
    """Fields left out carry over from the current version; ``body`` is the steps (``how``)."""

    change_note: Text
    body: Text | None = None
    summary: Text | None = None
    when_to_use: Text | None = None
    how: Text | None = None
    watch_for: Text | None = None
    maturity: Maturity | None = None
    name: Annotated[str, Field(min_length=1, max_length=200), STORABLE] | None = None
    evidence: EvidenceIn = Field(default_factory=EvidenceIn)
    challenged_by: EvidenceIn = Field(
        default_factory=EvidenceIn, description="Experiments and threads that challenge it."
    )


class AgendaItemIn(InputSchema):
    question: Annotated[str, Field(min_length=1, max_length=2000), STORABLE]


class AgendaItemOut(Schema):
    id: int
    question: str
    status: AgendaStatus
    raised_by: str | None
    experiments: list[int]
    threads: list[int]
    created_at: datetime


def _username(person: Any) -> str | None:
    return person.username if person is not None else None


def experiment_out(experiment: Experiment) -> dict[str, Any]:
    cycles = []
    for cycle in experiment.cycles.all():
        observations = [
            {
                "id": o.pk,
                "cycle": cycle.number,
                "username": o.participant.person.username,
                "what_we_did": o.what_we_did,
                "what_happened": o.what_happened,
                "surprises": o.surprises,
                "measures": {v.measure.name: v.value for v in o.values.all()},
                "feedback_count": len(o.feedback.all()),
                "created_at": o.created_at,
            }
            for o in cycle.observations.all()
        ]
        cycles.append(
            {
                **{f: getattr(cycle, f) for f in CycleOut.model_fields if f != "observations"},
                "observations": observations,
            }
        )
    return {
        "id": experiment.pk,
        "community": experiment.community.slug,
        "title": experiment.title,
        "question": experiment.question,
        "hypothesis": experiment.hypothesis,
        "status": experiment.status,
        "practice_id": experiment.practice_id,
        "proposed_by": _username(experiment.proposed_by),
        "created_at": experiment.created_at,
        "concluded_at": experiment.concluded_at,
        "measures": list(experiment.measures.all()),
        "participants": [
            {
                "username": p.person.username,
                "organisation": p.organisation,
                "setting": p.setting,
                "scale": p.scale,
                "joined_at": p.joined_at,
            }
            for p in experiment.participants.all()
        ],
        "cycles": cycles,
    }


def practice_out(practice: Practice) -> dict[str, Any]:
    return {
        "id": practice.pk,
        "community": practice.community.slug,
        "name": practice.name,
        "maturity": practice.maturity,
        "is_draft": practice.is_draft,
        "created_at": practice.created_at,
        "versions": [
            {
                **{
                    f: getattr(v, f)
                    for f in VersionOut.model_fields
                    if f not in {"author", "evidence"}
                },
                "author": _username(v.author),
                "evidence": [
                    {"experiment_id": e.experiment_id, "thread_id": e.thread_id, "stance": e.stance}
                    for e in v.evidence.all()
                ],
            }
            for v in practice.versions.all()
        ],
    }


def agenda_out(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "question": item.question,
        "status": item.status,
        "raised_by": _username(item.raised_by),
        "experiments": [e.pk for e in item.experiments.all()],
        "threads": [t.pk for t in item.threads.all()],
        "created_at": item.created_at,
    }


def _threads(ids: list[int], user: Any) -> list[Thread]:
    found = list(Thread.objects.visible_to(user).filter(pk__in=ids))
    missing = sorted(set(ids) - {t.pk for t in found})
    if missing:
        raise InvalidInput(f"no thread {missing[0]}", field="threads")
    return found


def _experiments(ids: list[int], user: Any) -> list[Experiment]:
    found = [selectors.experiment_get(experiment_id=i, user=user) for i in ids]
    return found


@router.post(
    "/communities/{slug}/experiments",
    response={201: ExperimentOut, **ERRORS_WRITE},
    summary="Propose an experiment",
)
def experiment_propose(request: HttpRequest, slug: Slug, payload: ExperimentIn) -> Any:
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    practice = (
        selectors.practice_get(practice_id=payload.practice_id, user=user)
        if payload.practice_id
        else None
    )
    experiment = services.experiment_propose(
        community=community,
        proposer=user,
        title=payload.title,
        question=payload.question,
        hypothesis=payload.hypothesis,
        measures=[services.MeasureSpec(m.name, m.unit, m.better) for m in payload.measures],
        practice=practice,
        plan=payload.plan,
        checkin_every_days=payload.checkin_every_days,
        inspired_by=_threads(payload.inspired_by, user),
    )
    return Status(
        201, experiment_out(selectors.experiment_get(experiment_id=experiment.pk, user=user))
    )


@router.get(
    "/communities/{slug}/experiments",
    auth=PUBLIC_READ,
    response={200: PageOut[ExperimentOut], **ERRORS_READ},
    summary="List a community's experiments",
)
def experiment_list(request: HttpRequest, slug: Slug, page: Query[PageQuery]) -> Any:
    user = caller(request)
    community = community_get_readable(slug=slug, user=user)
    ids = list(
        selectors.experiment_list(community=community, user=user).values_list("pk", flat=True)
    )
    window = page_of(ids, page)
    window["items"] = [
        experiment_out(selectors.experiment_get(experiment_id=i, user=user))
        for i in window["items"]
    ]
    return window


@router.get(
    "/experiments/{experiment_id}",
    auth=PUBLIC_READ,
    response={200: ExperimentOut, **ERRORS_READ},
    summary="Read an experiment with its chain of cycles",
)
def experiment_detail(request: HttpRequest, experiment_id: ObjectId) -> Any:
    return experiment_out(
        selectors.experiment_get(experiment_id=experiment_id, user=caller(request))
    )


def _act(request: HttpRequest, experiment_id: int) -> tuple[Any, Experiment]:
    user = signed_in(request)
    return user, selectors.experiment_get(experiment_id=experiment_id, user=user)


@router.post(
    "/experiments/{experiment_id}/join",
    response={200: ExperimentOut, **ERRORS_WRITE},
    summary="Join an experiment in your own context",
)
def experiment_join(request: HttpRequest, experiment_id: ObjectId, payload: JoinIn) -> Any:
    user, experiment = _act(request, experiment_id)
    services.experiment_join(experiment=experiment, person=user, **payload.dict())
    return experiment_out(selectors.experiment_get(experiment_id=experiment_id, user=user))


@router.post(
    "/experiments/{experiment_id}/observations",
    response={201: ObservationOut, **ERRORS_WRITE},
    summary="Check in: what we did, what happened, the measures",
)
def observation_add(request: HttpRequest, experiment_id: ObjectId, payload: ObservationIn) -> Any:
    user, experiment = _act(request, experiment_id)
    observation = services.observation_add(experiment=experiment, person=user, **payload.dict())
    return Status(
        201,
        {
            "id": observation.pk,
            "cycle": observation.cycle.number,
            "username": user.username,
            "what_we_did": observation.what_we_did,
            "what_happened": observation.what_happened,
            "surprises": observation.surprises,
            "measures": {
                v.measure.name: v.value for v in observation.values.select_related("measure")
            },
            "feedback_count": 0,
            "created_at": observation.created_at,
        },
    )


@router.post(
    "/observations/{observation_id}/feedback",
    response={201: dict[str, int], **ERRORS_WRITE},
    summary="Give feedback on a check-in",
)
def feedback_add(request: HttpRequest, observation_id: ObjectId, payload: FeedbackIn) -> Any:
    user = signed_in(request)
    observation = selectors.observation_get(observation_id=observation_id, user=user)
    feedback = services.feedback_add(observation=observation, author=user, body=payload.body)
    return Status(201, {"id": feedback.pk})


@router.post(
    "/experiments/{experiment_id}/reflection",
    response={200: ExperimentOut, **ERRORS_WRITE},
    summary="Reflect on the current cycle",
)
def reflection_add(request: HttpRequest, experiment_id: ObjectId, payload: ReflectionIn) -> Any:
    user, experiment = _act(request, experiment_id)
    services.reflection_add(experiment=experiment, actor=user, **payload.dict())
    return experiment_out(selectors.experiment_get(experiment_id=experiment_id, user=user))


@router.post(
    "/experiments/{experiment_id}/decision",
    response={200: ExperimentOut, **ERRORS_WRITE},
    summary="Decide: adopt, adapt, abandon, or iterate",
)
def decision_make(request: HttpRequest, experiment_id: ObjectId, payload: DecisionIn) -> Any:
    """``iterate`` closes this cycle and opens the next, linked; the others conclude."""
    user, experiment = _act(request, experiment_id)
    services.decision_make(
        experiment=experiment,
        actor=user,
        decision=payload.decision,
        note=payload.note,
        next_plan=payload.next_plan,
    )
    return experiment_out(selectors.experiment_get(experiment_id=experiment_id, user=user))


@router.post(
    "/communities/{slug}/practices",
    response={201: PracticeOut, **ERRORS_WRITE},
    summary="Add a practice to the library",
)
def practice_create(request: HttpRequest, slug: Slug, payload: PracticeIn) -> Any:
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    practice = services.practice_create(community=community, author=user, **payload.dict())
    return Status(201, practice_out(selectors.practice_get(practice_id=practice.pk, user=user)))


@router.get(
    "/communities/{slug}/practices",
    auth=PUBLIC_READ,
    response={200: PageOut[PracticeOut], **ERRORS_READ},
    summary="List a community's practices",
)
def practice_list(request: HttpRequest, slug: Slug, page: Query[PageQuery]) -> Any:
    user = caller(request)
    community = community_get_readable(slug=slug, user=user)
    ids = list(selectors.practice_list(community=community, user=user).values_list("pk", flat=True))
    window = page_of(ids, page)
    window["items"] = [
        practice_out(selectors.practice_get(practice_id=i, user=user)) for i in window["items"]
    ]
    return window


@router.get(
    "/practices/{practice_id}",
    auth=PUBLIC_READ,
    response={200: PracticeOut, **ERRORS_READ},
    summary="Read a practice with its versions and evidence",
)
def practice_detail(request: HttpRequest, practice_id: ObjectId) -> Any:
    return practice_out(selectors.practice_get(practice_id=practice_id, user=caller(request)))


@router.post(
    "/practices/{practice_id}/versions",
    response={201: PracticeOut, **ERRORS_WRITE},
    summary="Revise a practice (a change note is required)",
)
def practice_version_create(request: HttpRequest, practice_id: ObjectId, payload: VersionIn) -> Any:
    user = signed_in(request)
    practice = selectors.practice_get(practice_id=practice_id, user=user)
    if payload.body is not None and payload.how is not None:
        raise InvalidInput("give the steps as body or as how, not both", field="body")
    services.practice_version_create(
        practice=practice,
        author=user,
        change_note=payload.change_note,
        evidence_experiments=_experiments(payload.evidence.experiments, user),
        evidence_threads=_threads(payload.evidence.threads, user),
        challenged_by_experiments=_experiments(payload.challenged_by.experiments, user),
        challenged_by_threads=_threads(payload.challenged_by.threads, user),
        maturity=payload.maturity,
        name=payload.name,
        summary=payload.summary,
        when_to_use=payload.when_to_use,
        how=payload.how if payload.how is not None else payload.body,
        watch_for=payload.watch_for,
    )
    return Status(201, practice_out(selectors.practice_get(practice_id=practice_id, user=user)))


@router.post(
    "/threads/{thread_id}/distil",
    response={201: PracticeOut, **ERRORS_WRITE},
    summary="Distil a thread or story into a practice draft",
)
def practice_distil(request: HttpRequest, thread_id: ObjectId) -> Any:
    user = signed_in(request)
    thread = thread_get(thread_id=thread_id, user=user)
    practice = services.practice_distil(thread=thread, author=user)
    return Status(201, practice_out(selectors.practice_get(practice_id=practice.pk, user=user)))


@router.get(
    "/communities/{slug}/learning-agenda",
    auth=PUBLIC_READ,
    response={200: PageOut[AgendaItemOut], **ERRORS_READ},
    summary="The community's learning agenda",
)
def agenda_list(request: HttpRequest, slug: Slug, page: Query[PageQuery]) -> Any:
    user = caller(request)
    community = community_get_readable(slug=slug, user=user)
    window = page_of(selectors.agenda_list(community=community, user=user), page)
    window["items"] = [agenda_out(item) for item in window["items"]]
    return window


@router.post(
    "/communities/{slug}/learning-agenda",
    response={201: AgendaItemOut, **ERRORS_WRITE},
    summary="Add an open question to the learning agenda",
)
def agenda_create(request: HttpRequest, slug: Slug, payload: AgendaItemIn) -> Any:
    user = signed_in(request)
    community = community_get_readable(slug=slug, user=user)
    item = services.agenda_item_create(community=community, author=user, question=payload.question)
    return Status(201, agenda_out(item))
