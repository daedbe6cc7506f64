"""Forms of collaborative learning. They parse; ``learning.services`` decides."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from practica.accounts.forms import PracticaForm
from practica.learning.models import (
    AgendaStatus,
    Better,
    Decision,
    Experiment,
    Maturity,
    Measure,
    Practice,
    PracticeVersion,
)
from practica.learning.services import MeasureSpec

# Plain string keys: templates look them up by the radio's value.
DECISION_HELP = {
    Decision.ADOPT.value: "It works: make it part of how we do things.",
    Decision.ADAPT.value: "It works with changes: keep it, changed by what we learned.",
    Decision.ABANDON.value: "It does not work for us: stop, and keep what we learned.",
    Decision.ITERATE.value: "Not sure yet: run another cycle, changed by what we learned.",
}

BETTER_WORDS = {
    "higher": Better.HIGHER,
    "more": Better.HIGHER,
    "up": Better.HIGHER,
    "lower": Better.LOWER,
    "less": Better.LOWER,
    "fewer": Better.LOWER,
    "down": Better.LOWER,
}
THREAD_LINK = re.compile(r"/t/(\d+)/?")


def _text(label: str, rows: int, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def parse_measures(text: str) -> list[MeasureSpec]:
    """One measure a line: ``name, unit, higher|lower`` (unit and direction optional)."""
    measures: list[MeasureSpec] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) > 3:
            raise ValidationError(
                f"line {number}: use at most three parts (name, unit, higher or lower); "
                "a name cannot hold a comma"
            )
        name, unit, better = [*parts, "", ""][:3]
        if not name:
            raise ValidationError(f"line {number}: the measure needs a name before the comma")
        direction = BETTER_WORDS.get(better.lower()) if better else Better.HIGHER
        if direction is None:
            raise ValidationError(f"line {number}: {better!r} is not 'higher' or 'lower'")
        if len(name) > 100 or len(unit) > 40:
            raise ValidationError(f"line {number}: names stop at 100 characters, units at 40")
        measures.append(MeasureSpec(name=name, unit=unit, better=direction))
    return measures


def parse_thread_ids(text: str) -> list[int]:
    """Thread links (…/t/123/) or numbers, separated by spaces, commas or lines."""
    ids: list[int] = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        found = THREAD_LINK.search(token)
        digits = found.group(1) if found else token.lstrip("#")
        if not digits.isdigit():
            raise ValidationError(f"{token!r} is neither a thread link nor a thread number")
        if int(digits) not in ids:
            ids.append(int(digits))
    if len(ids) > 50:
        raise ValidationError("at most 50 threads at a time")
    return ids


class ThreadsField(forms.CharField):
    """Thread links or numbers in; a list of ids out (the view reads them through the funnel)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 4000)
        kwargs.setdefault("help_text", "Paste thread links or type their numbers, one a line.")
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        return parse_thread_ids(super().to_python(value) or "")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value


class ExperimentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_status_display().lower()})"


class ExperimentProposeForm(PracticaForm):
    title = forms.CharField(max_length=200, help_text="A short name: what you will try, where.")
    question = _text("Question", 2, "What do we want to find out?", required=True)
    hypothesis = _text(
        "Hypothesis", 2, "What do you expect to happen, and why? Safe to be wrong.", required=True
    )
    practice = forms.ModelChoiceField(
        queryset=Practice.objects.none(),
        required=False,
        label="Practice being tried",
        empty_label="None: a new idea",
        help_text="When the experiment ends with adopt or adapt, the practice gets a new version.",
    )
    measures = _text(
        "Measures",
        3,
        "One a line: name, unit, higher or lower (which is better). "
        "For example: water used per week, litres, lower.",
    )
    plan = _text(
        "Plan",
        4,
        "What each participant will do, for how long, and when we check in.",
    )
    checkin_every_days = forms.IntegerField(
        label="Check in every (days)",
        min_value=1,
        max_value=365,
        initial=7,
        help_text="Participants are reminded when their check-in is due.",
    )

    def __init__(self, *args: Any, practices: Iterable[Practice] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practice"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Practice.objects.filter(pk__in=[p.pk for p in practices])

    def clean_measures(self) -> list[MeasureSpec]:
        return parse_measures(self.cleaned_data.get("measures") or "")


class JoinForm(PracticaForm):
    organisation = forms.CharField(
        max_length=200, required=False, help_text="Where you will try it: a group, a business."
    )
    setting = forms.CharField(
        max_length=200,
        required=False,
        help_text="The kind of place: for example, a school yard, a rooftop, a balcony.",
    )
    scale = forms.CharField(
        max_length=100, required=False, help_text="How big: for example, 3 beds, 40 people."
    )


class ObservationForm(PracticaForm):
    """What we did, what happened, and a number field for each of the experiment's measures."""

    what_we_did = _text("What we did", 3, required=True)
    what_happened = _text("What happened", 3, required=True)
    surprises = _text("Surprises", 2, "Anything you did not expect.")

    def __init__(self, *args: Any, measures: Iterable[Measure] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure_names: dict[str, str] = {}
        for measure in measures:
            name = f"measure_{measure.pk}"
            unit = f" ({measure.unit})" if measure.unit else ""
            self.fields[name] = forms.FloatField(
                label=f"{measure.name}{unit}",
                required=False,
                help_text=measure.get_better_display(),
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.measure_names[name] = measure.name
        self.order_fields(["what_we_did", "what_happened", *self.measure_names, "surprises"])

    def measure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.measure_names]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("what_we_did", "what_happened", "surprises")]

    def values(self) -> dict[str, float]:
        return {
            self.measure_names[name]: self.cleaned_data[name]
            for name in self.measure_names
            if self.cleaned_data.get(name) is not None
        }


class FeedbackForm(PracticaForm):
    body = forms.CharField(
        label="Your feedback", widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000
    )

    def __init__(self, *args: Any, observation_id: int, **kwargs: Any) -> None:
        # One feedback form per check-in on the page: ids must not repeat.
        kwargs.setdefault("prefix", f"feedback-{observation_id}")
        super().__init__(*args, **kwargs)


class ReflectionForm(PracticaForm):
    learned = _text("What we learned", 4, required=True)
    differences = _text(
        "What differed across contexts",
        3,
        "Where did it work differently, and what about those places explains it?",
    )


class DecisionForm(PracticaForm):
    decision = forms.ChoiceField(
        label="Decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    note = _text("Why", 2, "A sentence or two for the people who read this later.")
    next_plan = _text(
        "Plan for the next cycle",
        3,
        "Only when you iterate: how the next cycle differs. Left empty, the plan carries over.",
    )


class PracticeTextForm(PracticaForm):
    name = forms.CharField(max_length=200)
    summary = _text("Summary", 3, "The practice in a sentence or two.", required=True)
    when_to_use = _text("When to use it", 3)
    how = _text("How (steps)", 5, "One step a line; Markdown lists work.")
    watch_for = _text("What to watch for", 3, "Pitfalls, side effects, where it did not work.")
    maturity = forms.ChoiceField(
        choices=Maturity.choices,
        help_text="Emerging: a promising idea. Tested: tried by several of us. "
        "Established: how we do things.",
    )
    supporting_experiments = ExperimentsField(
        queryset=Experiment.objects.none(),
        required=False,
        label="Experiments that support it",
        widget=forms.CheckboxSelectMultiple,
    )
    supporting_threads = ThreadsField(label="Threads and stories that support it")
    challenging_experiments = ExperimentsField(
        queryset=Experiment.objects.none(),
        required=False,
        label="Experiments that challenge it",
        widget=forms.CheckboxSelectMultiple,
    )
    challenging_threads = ThreadsField(label="Threads and stories that challenge it")

    def __init__(self, *args: Any, experiments: Iterable[Experiment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [e.pk for e in experiments]
        for name in ("supporting_experiments", "challenging_experiments"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = Experiment.objects.filter(pk__in=ids).order_by("-created_at", "-id")
            if not ids:
                field.widget = forms.MultipleHiddenInput()

    def evidence_fields(self) -> list[forms.BoundField]:
        names = (
            "supporting_experiments",
            "supporting_threads",
            "challenging_experiments",
            "challenging_threads",
        )
        return [self[name] for name in names]

    def text_fields(self) -> list[forms.BoundField]:
        names = [n for n in self.fields if n not in {b.name for b in self.evidence_fields()}]
        return [self[name] for name in names]


class PracticeCreateForm(PracticeTextForm):
    """A first version cites what it rests on; challenges come with later versions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["challenging_experiments"]
        del self.fields["challenging_threads"]

    def evidence_fields(self) -> list[forms.BoundField]:
        return [self["supporting_experiments"], self["supporting_threads"]]


class VersionForm(PracticeTextForm):
    change_note = _text(
        "What changed and why",
        3,
        "Required: the history shows it beside the change.",
        required=True,
    )
    field_order = ["change_note"]

    @staticmethod
    def initial_from(practice: Practice, current: PracticeVersion | None) -> dict[str, Any]:
        text = {
            name: getattr(current, name, "")
            for name in ("summary", "when_to_use", "how", "watch_for")
        }
        return {"name": practice.name, "maturity": practice.maturity, **text}


class AgendaItemForm(PracticaForm):
    question = forms.CharField(
        label="A question we want to learn about",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgendaUpdateForm(PracticaForm):
    status = forms.ChoiceField(choices=AgendaStatus.choices)
    experiment = forms.TypedChoiceField(
        label="Link an experiment", required=False, coerce=int, empty_value=None
    )
    threads = ThreadsField(
        label="Link threads", help_text="Thread links or numbers.", widget=forms.TextInput()
    )

    def __init__(
        self, *args: Any, item_id: int, experiments: Iterable[Experiment] = (), **kwargs: Any
    ) -> None:
        # One form per question on the page: ids must not repeat. Choices come from a list
        # the page read once, so many forms cost no extra queries.
        kwargs.setdefault("prefix", f"item-{item_id}")
        super().__init__(*args, **kwargs)
        field = self.fields["experiment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "(none)")] + [(e.pk, e.title) for e in experiments]
