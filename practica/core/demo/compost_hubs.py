"""Compost Hubs Working Group: a small members-only community.

It shows privacy at work: anyone can find its card and ask to join, but only
its members read its threads. Mei has asked to join and waits for a steward.
"""

from __future__ import annotations

from practica.core.demo.model import Answer, Comment, DemoCommunity, DemoThread

THREADS: tuple[DemoThread, ...] = (
    DemoThread(
        kind="discussion",
        author="yusuf",
        day=300,
        hour=10,
        title="Next year's hub budget: shredder, or two more collection points?",
        body=(
            "We can afford one of two things next year: a shredder for woody waste at the "
            "main hub, or two more collection points in the north of the district. "
            "The figures are in the attached sheet. This stays in the working group until "
            "the council has agreed the budget."
        ),
        tags=("budget",),
        answers=(
            Answer(
                author="priya",
                hours=20,
                body=(
                    "From the compost side: without a shredder the woody material takes "
                    "twice as long and the hubs run short of 'browns' every summer."
                ),
            ),
            Answer(
                author="steward",
                hours=28,
                body=(
                    "From the people side: the north has no hub within a 20-minute walk, "
                    "and that is where the waiting list is longest."
                ),
                helped=("yusuf",),
            ),
            Answer(
                author="jonas",
                hours=50,
                body=(
                    "The parks department could lend a shredder two days a month. Then the "
                    "budget can go to the collection points."
                ),
                helped=("yusuf", "steward"),
                comments=(
                    Comment(
                        author="yusuf",
                        hours=54,
                        body="That solves it. I will write the proposal that way.",
                    ),
                ),
            ),
        ),
    ),
    DemoThread(
        kind="question",
        author="rosa",
        day=402,
        hour=15,
        title="Rats at the Elm Street hub: what do we tell the landlord?",
        body=(
            "The landlord next to the Elm Street hub says our bins attract rats and wants "
            "them gone. Before I answer: is it likely to be us, and what would fix it?"
        ),
        tags=("rats", "neighbours"),
        answers=(
            Answer(
                author="yusuf",
                hours=6,
                body=(
                    "Possibly us. Rats come for cooked food and for shelter. Check that "
                    "every bin stands on mesh or slabs, lids close, and that nobody is "
                    "adding cooked food. Then invite the landlord to see the changes."
                ),
                accepted=True,
                helped=("rosa",),
            ),
        ),
    ),
)

COMMUNITY = DemoCommunity(
    slug="compost-hubs",
    name="Compost Hubs Working Group",
    domain="Running neighbourhood compost hubs with the municipality",
    purpose=(
        "The people who run the district's compost hubs, working out budgets, rotas and "
        "neighbour relations before they go public. Members only."
    ),
    aspiration="collaborative_learning",
    visibility="members",
    created_day=290,
    stewards=("yusuf", "steward"),
    members=("priya", "jonas", "rosa"),
    pending=("mei",),
    threads=THREADS,
)
