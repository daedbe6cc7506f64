"""Forms for pulse surveys. They parse; ``surveys.services`` decides."""

from __future__ import annotations

from typing import Any

from django import forms

from practica.accounts.forms import PracticaForm
from practica.surveys.instruments import AGREEMENT, SCALES, STORY_PROMPT, items_of
from practica.surveys.models import Response, Survey


class SurveyCreateForm(PracticaForm):
    title = forms.CharField(max_length=200, help_text="For example: Spring pulse.")
    intro = forms.CharField(
        label="Why you ask",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown above the questions. Say what you will do with the results.",
    )
    scales = forms.MultipleChoiceField(
        label="What to ask about",
        choices=[(s.key, s.title) for s in SCALES.values()],
        widget=forms.CheckboxSelectMultiple,
        initial=list(SCALES),
    )
    ask_story = forms.BooleanField(
        label="Invite a value-creation story",
        required=False,
        help_text="An optional free text; shown, without names, only when its writer shares it.",
    )


class AnswerForm(PracticaForm):
    """One radio group per item of the survey's scales, then the story if asked."""

    def __init__(self, *args: Any, survey: Survey, response: Response | None, **kwargs: Any):
        if response is not None and not kwargs.get("data"):
            kwargs["initial"] = {
                **response.answers,
                "story": response.story,
                "share_story": response.share_story,
            }
        super().__init__(*args, **kwargs)
        self.survey = survey
        for item in items_of(survey.scales):
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text,
                choices=AGREEMENT,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how much you agree."},
            )
        if survey.ask_story:
            self.fields["story"] = forms.CharField(
                label="A story of value",
                required=False,
                max_length=5_000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=STORY_PROMPT,
            )
            self.fields["share_story"] = forms.BooleanField(
                label="Share my story with the community, without my name",
                required=False,
                help_text="Unticked, nobody reads it: not the stewards, not anyone.",
            )

    def scale_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (scale.title, scale.about, [self[item.key] for item in scale.items])
            for scale in (SCALES[key] for key in self.survey.scales)
        ]

    def answers(self) -> dict[str, int]:
        return {item.key: self.cleaned_data[item.key] for item in items_of(self.survey.scales)}
