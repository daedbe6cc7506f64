"""Forms for threads and replies. They parse; ``exchange.services`` decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from practica.accounts.forms import PracticaForm
from practica.communities.models import Circle
from practica.exchange.models import Reply, Thread, ThreadKind

KIND_HELP = {
    ThreadKind.QUESTION: "Something you want to know.",
    ThreadKind.ASK: "Help you need with something you are doing now.",
    ThreadKind.OFFER: "Something you can give: time, a tool, a skill, a contact.",
    ThreadKind.STORY: "An experience, told in parts, so that others can learn from it.",
    ThreadKind.DISCUSSION: "An open conversation about the practice.",
}

STORY_PARTS: tuple[tuple[str, str, str], ...] = (
    ("context", "Context", "Where and when: the situation, the people, what was at stake."),
    ("what_happened", "What happened", "What you did and what followed."),
    ("learned", "What we learned", "What you know now that you did not know before."),
    (
        "differently",
        "What we would do differently",
        "What you would keep, and what you would change next time.",
    ),
)


def _text(label: str, rows: int, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class TagsField(forms.CharField):
    """Comma-separated tags in, a list of names out (the service checks each name)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 600)
        kwargs.setdefault(
            "help_text", "Comma separated, at most 8: for example, hops, dry-hopping."
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class ThreadTextForm(PracticaForm):
    """What every thread has, and a story's parts (only a story may fill them)."""

    title = forms.CharField(max_length=300)
    body = _text(
        "Body",
        8,
        "Markdown works here: **bold**, _italic_, lists, links, `code`. "
        "A story may leave it empty and be told in its parts.",
    )
    context = _text("Context", 3, STORY_PARTS[0][2])
    what_happened = _text("What happened", 5, STORY_PARTS[1][2])
    learned = _text("What we learned", 4, STORY_PARTS[2][2])
    differently = _text("What we would do differently", 3, STORY_PARTS[3][2])
    tags = TagsField()

    part_names = tuple(name for name, _, _ in STORY_PARTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every kind but a story needs a body; the service says so when it is missing.
        self.fields["body"].show_optional = False  # type: ignore[attr-defined]

    def story_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.part_names]


class ThreadCreateForm(ThreadTextForm):
    kind = forms.ChoiceField(
        label="What are you starting?",
        choices=ThreadKind.choices,
        initial=ThreadKind.QUESTION,
        widget=forms.RadioSelect,
    )
    circle = forms.ModelChoiceField(
        label="Where",
        queryset=Circle.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="The whole community",
        help_text="A circle keeps the thread to the people its privacy lets in.",
    )
    field_order = ["kind", "circle", "title", "body"]

    def __init__(self, *args: Any, circles: Sequence[Circle] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the circles this person may post in (communities.circles.circles_for_posting).
        # The field stays when there are none, so that a circle sent anyway is refused
        # rather than quietly posted to the whole community.
        field = self.fields["circle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Circle.objects.filter(pk__in=[c.pk for c in circles])
        self.offers_circles = bool(circles)


class ThreadEditForm(ThreadTextForm):
    reason = forms.CharField(
        label="Why are you editing?",
        max_length=300,
        required=False,
        help_text="Shown in the edit history: for example, fixed a typo.",
    )

    def __init__(self, *args: Any, thread: Thread, **kwargs: Any) -> None:
        if not kwargs.get("data"):
            kwargs["initial"] = {
                "title": thread.title,
                "body": thread.body,
                "tags": [t.name for t in thread.tags.all()],
                **{name: getattr(thread, name) for name in self.part_names},
            }
        super().__init__(*args, **kwargs)
        if thread.kind != ThreadKind.STORY:
            for name in self.part_names:
                del self.fields[name]

    def changes(self) -> dict[str, Any]:
        """The fields for ``thread_edit`` (the reason goes apart)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class ReplyForm(PracticaForm):
    body = forms.CharField(
        label="Your reply",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown works here. Mention someone with @username.",
    )


class CommentForm(PracticaForm):
    body = forms.CharField(
        label="Your comment", strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, reply: Reply, **kwargs: Any) -> None:
        # One comment form per reply on the page: ids must not repeat.
        kwargs.setdefault("prefix", f"comment-{reply.pk}")
        super().__init__(*args, **kwargs)


class ReplyEditForm(PracticaForm):
    body = forms.CharField(label="Reply", strip=False, widget=forms.Textarea(attrs={"rows": 8}))
    reason = forms.CharField(
        label="Why are you editing?",
        max_length=300,
        required=False,
        help_text="Shown in the edit history.",
    )
