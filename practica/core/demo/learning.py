"""More of what the Urban Growers Circle learned: a practice revised three times, an
experiment that iterated before it adopted, one still only proposed, and an agenda
question that an experiment answered.

Written for this demo, on top of ``urban_learning`` (which ``learning_seed`` seeds).
Here are what that module's shapes cannot say: a plan that changes when a cycle
iterates, later versions of a practice (with evidence that supports or challenges
it), and agenda questions linked to experiments and threads. The same rule holds:
every write goes through ``practica.learning.services``, then is dated on the
demo's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from practica.core.demo.calendar import Action, on_calendar
from practica.core.demo.learning_seed import VERSIONS, LearningSeeder, _day
from practica.core.demo.learning_seed import check as learning_check
from practica.core.demo.model import (
    DemoAgendaItem,
    DemoCommunity,
    DemoCycle,
    DemoExperiment,
    DemoObservation,
    DemoPractice,
)
from practica.learning.models import AgendaItem, Cycle, Experiment
from practica.learning.services import agenda_item_update, decision_make, practice_version_create

#: The community these additions belong to.
SLUG = "urban-growers"

ALLOTMENT_ASK = "Help me plan a first season on a half-size allotment plot"
WIND_STORY = "We lost a whole rooftop crop of lettuce to wind in one night"
MEASURING = "Measuring what our gardens feed: kilos, meals, or something else?"
MULCH = "Mulch the soil when you cannot water often"
MULCH_TRIAL = "Straw mulch through the dry season on roof, tarmac and allotment"
WATER = "water per week"
DRY_DAYS = "days before the topsoil dries"
MULCH_QUESTION = "How much water does mulch save on roofs and tarmac, not only in open ground?"


@dataclass(frozen=True)
class DemoVersion:
    """A later version of a practice, written by hand (not by an experiment's decision)."""

    practice: str
    author: str
    day: int
    change_note: str
    how: str | None = None
    watch_for: str | None = None
    maturity: str | None = None
    supported_by: tuple[str, ...] = ()  # experiment titles
    challenged_by: tuple[str, ...] = ()  # thread titles


@dataclass(frozen=True)
class DemoAgendaLink:
    """Later work on an agenda question: experiments and threads linked, a new status."""

    question: str
    author: str
    day: int
    experiments: tuple[str, ...] = ()
    threads: tuple[str, ...] = ()
    status: str | None = None


PRACTICES = (
    DemoPractice(
        author="wanjiru",
        day=150,
        name=MULCH,
        summary=(
            "Cover the soil around plants with straw, dry leaves or woodchip so that it holds "
            "water for days longer between visits."
        ),
        when_to_use=(
            "Beds you cannot water every day: allotments visited twice a week, school beds "
            "over the holidays, anything in full sun."
        ),
        how=(
            "1. Water deeply first: mulch keeps water in, it does not bring it.\n"
            "2. Lay straw or dry leaves about 5 cm deep over the bare soil.\n"
            "3. Top it up when you can see soil through it."
        ),
        watch_for="Keep mulch a hand's width from stems, or they rot.",
        evidence=(ALLOTMENT_ASK,),
    ),
    DemoPractice(
        author="tomas",
        day=118,
        name="Storm checklist for rooftop beds",
        summary=(
            "Before leaving a roof when wind is forecast, the last person off goes through a "
            "short checklist, so nothing can turn into a sail."
        ),
        when_to_use="Any rooftop or exposed site, whenever gusts above 40 km/h are forecast.",
        how=(
            "1. Close the hatches and the tool box.\n"
            "2. Tie down or take in loose covers and fleece.\n"
            "3. Clear anything lighter than a full watering can.\n"
            "4. Photograph each bed, so you can tell storm damage from pests."
        ),
        watch_for="Solid covers catch wind: use netting that lets about half of it through.",
        evidence=(WIND_STORY,),
    ),
)


def _check_in(
    person: str, day: int, did: str, happened: str, water: float, dry: float, **more: object
) -> DemoObservation:
    return DemoObservation(
        person=person,
        day=day,
        what_we_did=did,
        what_happened=happened,
        measures=((WATER, water), (DRY_DAYS, dry)),
        **more,  # type: ignore[arg-type]
    )


FIRST_PLAN = (
    "Each of us mulches half of our beds with 5 cm of straw and leaves the other half bare, "
    "waters as usual, and every second week notes the water used and how many days the top "
    "2 cm of soil stays damp after watering. Six weeks."
)
SECOND_PLAN = (
    "Straw 10 cm deep over every bed we can, pinned under netting on the roof; water at dawn "
    "only. The same two measures, every second week, for another six weeks."
)

EXPERIMENTS = (
    DemoExperiment(
        proposer="tomas",
        day=300,
        title=MULCH_TRIAL,
        question=(
            "Does a layer of straw cut the water our beds need in the dry season, in places "
            "hotter and windier than open ground?"
        ),
        hypothesis=(
            "Mulched beds need a third less water and stay damp a day longer, on a roof and "
            "on tarmac as well as on an allotment."
        ),
        plan=FIRST_PLAN,
        measures=((WATER, "litres per m²", "lower"), (DRY_DAYS, "days", "higher")),
        practice=MULCH,
        inspired_by=(ALLOTMENT_ASK,),
        participants=(
            ("tomas", 302, "Rooftop farm", "rooftop beds, Bogotá", "6 beds, 30 m²"),
            (
                "rosa",
                303,
                "Food bank pantry garden",
                "raised beds on tarmac, Los Angeles",
                "8 beds",
            ),
            ("sam", 305, "", "half-size allotment, visited twice a week", "125 m²"),
        ),
        cycles=(
            DemoCycle(
                observations=(
                    _check_in(
                        "tomas",
                        312,
                        "Mulched three of six beds with 5 cm of straw.",
                        "A gust took most of the straw off two beds within days; the third "
                        "held and stayed damp noticeably longer.",
                        38,
                        1.5,
                        surprises="Straw on a roof is a kite waiting for wind.",
                        feedback=(
                            (
                                "dario",
                                "We pin anything loose on our roof under bird netting. "
                                "Worth a try for the straw?",
                            ),
                        ),
                    ),
                    _check_in(
                        "rosa",
                        315,
                        "Straw on four of the eight beds; the volunteers water on Thursdays "
                        "and Mondays.",
                        "The mulched beds needed a little less water; the tarmac gets so hot "
                        "that both halves dry from below.",
                        30,
                        2,
                    ),
                    _check_in(
                        "sam",
                        318,
                        "Straw around the courgettes and chard, none on the potato rows.",
                        "Under the straw the soil was still damp on my second visit of the "
                        "week; the bare rows were dust.",
                        22,
                        3,
                        feedback=(("wanjiru", "That is exactly why I suggested it. Well done."),),
                    ),
                    _check_in(
                        "tomas",
                        326,
                        "Put the straw back and weighed it down with a few stones.",
                        "Stones hold some of it. Still losing straw at the bed edges.",
                        35,
                        2,
                    ),
                    _check_in(
                        "rosa",
                        329,
                        "Same as before; added a shade cloth over two beds by accident of "
                        "a donation.",
                        "The shaded mulched beds did best of all.",
                        27,
                        2.5,
                        surprises="Shade plus mulch looked better than either alone.",
                    ),
                    _check_in(
                        "sam",
                        332,
                        "Topped the straw up where the soil showed through.",
                        "Two visits a week are enough for the mulched rows now.",
                        20,
                        3.5,
                    ),
                ),
                reflect_day=340,
                reflected_by="tomas",
                learned=(
                    "5 cm of straw helps most on open ground (Sam waters a third less). On the "
                    "roof and on tarmac it helps less: wind strips it and heat comes from "
                    "below, so 5 cm is too thin there."
                ),
                differences=(
                    "Roof: the straw blows away unless pinned. Tarmac: beds dry from below, "
                    "so depth matters more than on soil."
                ),
                decide_day=342,
                decision="iterate",
                decision_note="Go deeper, pin it on the roof, and water at dawn only.",
            ),
            DemoCycle(
                observations=(
                    _check_in(
                        "tomas",
                        352,
                        "10 cm of straw under bird netting on all six beds; watering at 6 am.",
                        "Nothing blew away in two windy weeks. Beds stay damp three days.",
                        24,
                        3,
                    ),
                    _check_in(
                        "rosa",
                        355,
                        "10 cm on every bed, watering before the pantry opens.",
                        "The volunteers water half as long on Thursdays now.",
                        21,
                        3.5,
                        feedback=(
                            (
                                "kofi",
                                "Half the hose time on tarmac in that heat is a big result.",
                            ),
                        ),
                    ),
                    _check_in(
                        "sam",
                        358,
                        "10 cm everywhere, potato rows included.",
                        "Soil under the straw is soft enough to plant into by hand.",
                        14,
                        5,
                    ),
                    _check_in(
                        "tomas",
                        366,
                        "Same as last time.",
                        "The first restaurant harvest of chard since the wind story.",
                        22,
                        3.5,
                    ),
                    _check_in(
                        "rosa",
                        369,
                        "Same as last time.",
                        "Holding up through a week over 35 °C.",
                        19,
                        4,
                    ),
                    _check_in(
                        "sam",
                        372,
                        "Same as last time, one visit skipped for a night shift.",
                        "Missing a visit did not matter under the straw.",
                        13,
                        5.5,
                        surprises="More worms than I have ever seen on that plot.",
                    ),
                ),
                reflect_day=380,
                reflected_by="rosa",
                learned=(
                    "With 10 cm of straw and dawn watering, all three sites used about a third "
                    "less water than in the first cycle (from 20–38 to 13–24 litres per m² a "
                    "week) and stayed damp one to two days longer."
                ),
                differences=(
                    "On a roof, pin the straw under netting; on tarmac, shade helps as much "
                    "as depth."
                ),
                decide_day=382,
                decision="adopt",
                decision_note="Mulch 10 cm deep wherever we cannot water every day.",
            ),
        ),
    ),
    DemoExperiment(
        proposer="sam",
        day=546,
        title="A twice-a-week crop list for new allotment holders",
        question="Which crops give a steady harvest to someone who can only visit twice a week?",
        hypothesis=(
            "Lena's five forgiving crops, under 10 cm of mulch, give at least one harvest a "
            "visit from June to September."
        ),
        plan=(
            "Each new plot holder grows the five crops, mulched, visits twice a week, and "
            "notes what they harvested on each visit. One season."
        ),
        measures=(("harvests per visit", "harvests", "higher"), ("visits missed", "", "lower")),
        inspired_by=(ALLOTMENT_ASK,),
        participants=(),
        cycles=(DemoCycle(observations=()),),
    ),
)

#: A second and third version of the mulch card come from the adopted experiment (the
#: decision writes the second) and from Tomás, who rewrote the steps with what it found.
VERSIONS_BY_HAND = (
    DemoVersion(
        practice=MULCH,
        author="tomas",
        day=395,
        change_note=(
            "Steps rewritten from what the mulch experiment found: 10 cm, not 5, and pinned "
            "on roofs. Tomás's wind story is the reason loose straw does not belong on a roof."
        ),
        how=(
            "1. Water deeply first, at dawn: mulch keeps water in, it does not bring it.\n"
            "2. Lay straw or dry leaves 10 cm deep over the bare soil.\n"
            "3. On a roof or any windy site, pin it under bird netting or use woodchip.\n"
            "4. On tarmac or paving, add shade cloth if you can: beds dry from below.\n"
            "5. Top it up when you can see soil through it."
        ),
        maturity="established",
        supported_by=(MULCH_TRIAL,),
        challenged_by=(WIND_STORY,),
    ),
)

AGENDA = (DemoAgendaItem(author="kofi", day=290, question=MULCH_QUESTION),)

AGENDA_LINKS = (
    DemoAgendaLink(question=MULCH_QUESTION, author="tomas", day=301, experiments=(MULCH_TRIAL,)),
    DemoAgendaLink(question=MULCH_QUESTION, author="rosa", day=383, status="answered"),
    DemoAgendaLink(
        question="Besides kilos, what should we measure to show what a garden does for a "
        "household?",
        author="rosa",
        day=538,
        threads=(MEASURING,),
    ),
)


def check(spec: DemoCommunity) -> None:
    """Catch mistakes in the written additions before anything is stored."""
    names = {p.name for p in (*spec.practices, *PRACTICES)}
    titles = {t.title for t in spec.threads}
    experiments = {e.title for e in (*spec.experiments, *EXPERIMENTS)}
    questions = {a.question for a in (*spec.agenda, *AGENDA)}
    for version in VERSIONS_BY_HAND:
        if version.practice not in names or not set(version.challenged_by) <= titles:
            raise ValueError(f"version of {version.practice!r}: unknown practice or thread")
        if not set(version.supported_by) <= experiments:
            raise ValueError(f"version of {version.practice!r}: unknown experiment")
    for link in AGENDA_LINKS:
        if link.question not in questions or not set(link.threads) <= titles:
            raise ValueError(f"agenda link {link.question!r}: unknown question or thread")


def actions(seeder: LearningSeeder, spec: DemoCommunity) -> list[Action]:
    """The timed additions for ``spec`` (only the Urban Growers get them)."""
    if spec.slug != SLUG:
        return []
    more = replace(spec, practices=PRACTICES, experiments=EXPERIMENTS, agenda=AGENDA, distilled=())
    check(spec)
    learning_check(more)
    # The seeder's own decisions carry the plan over; ours give an iterated cycle its plan.
    out = [a for a in seeder.actions(more) if getattr(a[1], "func", None) != seeder.decide]
    for exp in EXPERIMENTS:
        plans = [FIRST_PLAN] + [SECOND_PLAN] * (len(exp.cycles) - 1)
        for number, cycle in enumerate(exp.cycles, start=1):
            if cycle.decide_day is not None:
                when = _day(cycle.decide_day, 4)
                next_plan = plans[number] if cycle.decision == "iterate" else ""
                out.append((when, partial(_decide, seeder, exp, number, cycle, next_plan, when)))
    for version in VERSIONS_BY_HAND:
        out.append((_day(version.day), partial(_version, seeder, version)))
    for link in AGENDA_LINKS:
        out.append((_day(link.day, 5), partial(_link, seeder, link)))
    return out


def _decide(
    seeder: LearningSeeder,
    spec: DemoExperiment,
    number: int,
    cycle: DemoCycle,
    next_plan: str,
    when: datetime,
) -> None:
    """Like ``LearningSeeder.decide``, with the next cycle's own plan when it iterates."""
    experiment = seeder.experiments[spec.title]
    with on_calendar(when, (Cycle, "started_at"), *VERSIONS):
        decision_make(
            experiment=experiment,
            actor=seeder.people[spec.proposer],
            decision=cycle.decision,
            note=cycle.decision_note,
            next_plan=next_plan,
        )
    Cycle.objects.filter(experiment=experiment, number=number).update(decided_at=when)
    Experiment.objects.filter(pk=experiment.pk, concluded_at__isnull=False).update(
        concluded_at=when
    )


def _version(seeder: LearningSeeder, spec: DemoVersion) -> None:
    practice = seeder.practices[spec.practice]
    with on_calendar(_day(spec.day), *VERSIONS):
        practice_version_create(
            practice=practice,
            author=seeder.people[spec.author],
            change_note=spec.change_note,
            how=spec.how,
            watch_for=spec.watch_for,
            maturity=spec.maturity,
            evidence_experiments=[seeder.experiments[t] for t in spec.supported_by],
            challenged_by_threads=[seeder.threads[t] for t in spec.challenged_by],
        )


def _link(seeder: LearningSeeder, spec: DemoAgendaLink) -> None:
    item = AgendaItem.objects.get(community=seeder.community, question=spec.question)
    agenda_item_update(
        item=item,
        actor=seeder.people[spec.author],
        status=spec.status,
        experiments=[seeder.experiments[t] for t in spec.experiments],
        threads=[seeder.threads[t] for t in spec.threads],
    )
