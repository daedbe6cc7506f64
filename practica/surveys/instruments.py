"""What a pulse survey asks: its scales and their items, written in our own words.

Three scales a steward can choose from:

- ``psychological_safety``: seven items after Amy Edmondson's team
  psychological safety measure (1999), rephrased for a community. Three are
  worded negatively and reverse-scored.
- ``trust``: four items on relying on each other, sharing openly, and the
  stewards' fairness.
- ``value``: one item for each of the value-creation cycles of Wenger,
  Trayner and de Laat (2011): immediate, potential, applied, realised and
  reframing value; the survey may add a value-creation story in free text.

Every item is answered on the same seven-point agreement scale. A reverse-
scored item counts as ``8 - answer``, so that on every scale a higher score
is better. Pure data: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

POINTS = 7
AGREEMENT = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Somewhat disagree"),
    (4, "Neither agree nor disagree"),
    (5, "Somewhat agree"),
    (6, "Agree"),
    (7, "Strongly agree"),
)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    reverse: bool = False
    #: For value items: the cycle it asks about.
    cycle: str = ""

    def scored(self, answer: int) -> int:
        """The answer on the scale's common direction (higher is better)."""
        return POINTS + 1 - answer if self.reverse else answer


@dataclass(frozen=True)
class Scale:
    key: str
    title: str
    about: str
    items: tuple[Item, ...]


PSYCHOLOGICAL_SAFETY = Scale(
    key="psychological_safety",
    title="Psychological safety",
    about="Whether people feel safe to take interpersonal risks here: to ask, to admit a "
    "mistake, to disagree.",
    items=(
        Item(
            "ps_mistakes",
            "When someone here gets something wrong, it tends to be held against them.",
            reverse=True,
        ),
        Item("ps_raise", "People here can bring up problems and hard questions."),
        Item(
            "ps_different",
            "People here are sometimes pushed aside for being different.",
            reverse=True,
        ),
        Item("ps_risk", "It feels safe to try something risky here."),
        Item("ps_help", "It is hard to ask others here for help.", reverse=True),
        Item("ps_undermine", "Nobody here would knowingly work against what I am trying to do."),
        Item("ps_valued", "What I bring, my skills and experience, is valued and put to use here."),
    ),
)

TRUST = Scale(
    key="trust",
    title="Trust",
    about="Whether people can rely on each other and share openly.",
    items=(
        Item("tr_rely", "I can count on people here to do what they say they will do."),
        Item("tr_unknown", "I am comfortable saying here what I do not know."),
        Item("tr_open", "People here share what they know openly, not only with a few."),
        Item("tr_stewards", "I trust the stewards to look after this community fairly."),
    ),
)

VALUE = Scale(
    key="value",
    title="Value created",
    about="What taking part gives people, cycle by cycle: from the value of the activity "
    "itself to changed ideas of what success means.",
    items=(
        Item(
            "va_immediate",
            "Taking part is worthwhile in itself: I enjoy it or come away inspired.",
            cycle="immediate",
        ),
        Item(
            "va_potential",
            "I have picked up ideas, contacts or resources I expect to use.",
            cycle="potential",
        ),
        Item(
            "va_applied",
            "I have put something from here into practice in my own work.",
            cycle="applied",
        ),
        Item(
            "va_realised",
            "Something I put into practice made a real difference to my results.",
            cycle="realised",
        ),
        Item(
            "va_reframing",
            "Taking part has changed how I think about what success means in my practice.",
            cycle="reframing",
        ),
    ),
)

SCALES: dict[str, Scale] = {s.key: s for s in (PSYCHOLOGICAL_SAFETY, TRUST, VALUE)}
ITEMS: dict[str, Item] = {i.key: i for s in SCALES.values() for i in s.items}

#: The value-creation story: optional free text, shown only when its writer shares it.
STORY_PROMPT = (
    "Tell a short story of value: something you took from here, what you did with it, and "
    "what difference it made (or how it changed what you aim for)."
)


def items_of(scale_keys: list[str] | tuple[str, ...]) -> list[Item]:
    return [item for key in scale_keys for item in SCALES[key].items]
