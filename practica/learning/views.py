"""Pages of collaborative learning: the experiments board, an experiment, the practices
library and the learning agenda. Thin: parse a form, call one service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.models import User
from practica.communities.pages import viewer_of_content
from practica.core.errors import Conflict, InvalidInput, NotFound
from practica.core.web import domain_errors, form_error
from practica.exchange.selectors import thread_get
from practica.learning import selectors, services
from practica.learning.forms import (
    DECISION_HELP,
    AgendaItemForm,
    AgendaUpdateForm,
    DecisionForm,
    ExperimentProposeForm,
    FeedbackForm,
    JoinForm,
    ObservationForm,
    PracticeCreateForm,
    ReflectionForm,
    VersionForm,
)
from practica.learning.models import AgendaStatus, Experiment, ExperimentStatus, Practice
from practica.learning.pages import (
    ExperimentPage,
    agenda_rows,
    board_practices,
    community_experiments,
    experiment_page,
    missing_threads,
    practice_cards,
    practice_page,
    previous_of,
    version_of,
    viewer_for,
    visible_threads,
)

# Errors a person can fix on the form; refusals (NotAllowed) and hidden things (NotFound)
# go to ``domain_errors``, which answers 403 or 404 as everywhere else.
FIXABLE = (InvalidInput, Conflict)


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def experiment_url(experiment: Experiment, anchor: str = "") -> str:
    url = reverse("learning:experiment", args=[experiment.community.slug, experiment.pk])
    return f"{url}#{anchor}" if anchor else url


def practice_url(practice: Practice) -> str:
    return reverse("learning:practice", args=[practice.community.slug, practice.pk])


def _status(form: forms.Form) -> int:
    return 422 if form.errors else 200


# The experiments board -------------------------------------------------------------------


@domain_errors
def experiment_board(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    practices = board_practices(community=viewer.community, user=request.user)
    initial = {"practice": request.GET.get("practice")} if request.GET.get("practice") else {}
    form = ExperimentProposeForm(
        request.POST if request.method == "POST" else None, practices=practices, initial=initial
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                experiment = services.experiment_propose(
                    community=viewer.community,
                    proposer=_me(request),
                    title=data["title"],
                    question=data["question"],
                    hypothesis=data["hypothesis"],
                    measures=data["measures"],
                    practice=data["practice"],
                    plan=data["plan"],
                    checkin_every_days=data["checkin_every_days"],
                )
            except FIXABLE as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request, "Your experiment is proposed: it starts when someone joins."
                )
                return redirect(experiment_url(experiment))
    board = selectors.experiment_board(community=viewer.community, user=request.user)
    columns = [(s, label, board[s]) for s, label in ExperimentStatus.choices]
    context = {
        **viewer.context(),
        "active_tab": "experiments",
        "columns": columns,
        "total": sum(len(items) for items in board.values()),
        "form": form,
    }
    return render(request, "learning/board.html", context, status=_status(form))


# One experiment ---------------------------------------------------------------------------


def _forms(page: ExperimentPage, data: Any = None, which: str = "") -> dict[str, Any]:
    """The forms the page shows; the one that was posted (``which``) is bound to ``data``."""

    def bound(name: str) -> Any:
        return data if which == name else None

    current = page.current
    return {
        "join_form": JoinForm(bound("join")),
        "checkin_form": ObservationForm(bound("checkin"), measures=page.measures),
        "reflection_form": ReflectionForm(bound("reflection")),
        "decision_form": DecisionForm(bound("decision"), initial={"next_plan": current.plan}),
    }


def _render_experiment(
    request: HttpRequest, page: ExperimentPage, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        **page.viewer.context(),
        "active_tab": "experiments",
        "page": page,
        "experiment": page.experiment,
        "chart_spec": selectors.run_chart_spec(page.experiment) if page.table.has_values else None,
        "decision_help": DECISION_HELP,
        "feedback_forms": {},
        **_forms(page),
        **extra,
    }
    return render(request, "learning/experiment.html", context, status=status)


@domain_errors
def experiment_detail(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    page = experiment_page(experiment_id=experiment_id, user=request.user)
    if page.experiment.community.slug != slug:
        return redirect(experiment_url(page.experiment), permanent=True)
    return _render_experiment(request, page)


def _act(request: HttpRequest, experiment_id: int, which: str) -> tuple[ExperimentPage, forms.Form]:
    page = experiment_page(experiment_id=experiment_id, user=request.user)
    form = _forms(page, request.POST, which)[f"{which}_form"]
    return page, form


@login_required
@require_POST
@domain_errors
def experiment_join(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    page, form = _act(request, experiment_id, "join")
    if form.is_valid():
        try:
            services.experiment_join(
                experiment=page.experiment, person=_me(request), **form.cleaned_data
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            messages.success(request, "You are taking part. Check in when you have tried it.")
            return redirect(experiment_url(page.experiment, "check-in"))
    return _render_experiment(request, page, 422, join_form=form)


@login_required
@require_POST
@domain_errors
def observation_add(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    page, form = _act(request, experiment_id, "checkin")
    assert isinstance(form, ObservationForm)
    if form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.observation_add(
                experiment=page.experiment,
                person=_me(request),
                what_we_did=data["what_we_did"],
                what_happened=data["what_happened"],
                surprises=data["surprises"],
                measures=form.values(),
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your check-in is recorded.")
            return redirect(experiment_url(page.experiment, f"observation-{observation.pk}"))
    return _render_experiment(request, page, 422, checkin_form=form)


@login_required
@require_POST
@domain_errors
def feedback_add(
    request: HttpRequest, slug: str, experiment_id: int, observation_id: int
) -> HttpResponse:
    page = experiment_page(experiment_id=experiment_id, user=request.user)
    observation = selectors.observation_get(observation_id=observation_id, user=request.user)
    if observation.cycle.experiment_id != page.experiment.pk:
        raise NotFound(f"no check-in {observation_id} in this experiment", field="observation")
    form = FeedbackForm(request.POST, observation_id=observation.pk)
    if form.is_valid():
        try:
            services.feedback_add(
                observation=observation, author=_me(request), body=form.cleaned_data["body"]
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your feedback is posted.")
            return redirect(experiment_url(page.experiment, f"observation-{observation.pk}"))
    return _render_experiment(request, page, 422, feedback_forms={observation.pk: form})


@login_required
@require_POST
@domain_errors
def reflection_add(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    page, form = _act(request, experiment_id, "reflection")
    if form.is_valid():
        try:
            services.reflection_add(
                experiment=page.experiment, actor=_me(request), **form.cleaned_data
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The reflection is recorded: check-ins on this cycle close.")
            return redirect(experiment_url(page.experiment, f"cycle-{page.current.number}"))
    return _render_experiment(request, page, 422, reflection_form=form)


@login_required
@require_POST
@domain_errors
def decision_make(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    page, form = _act(request, experiment_id, "decision")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_make(
                experiment=page.experiment,
                actor=_me(request),
                decision=data["decision"],
                note=data["note"],
                next_plan=data["next_plan"] if data["next_plan"] != page.current.plan else "",
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            done = {
                "iterate": f"Cycle {page.current.number + 1} is open.",
                "adopt": "The experiment is concluded: adopted.",
                "adapt": "The experiment is concluded: adapted.",
                "abandon": "The experiment is concluded: abandoned, with what it taught us.",
            }
            messages.success(request, done[data["decision"]])
            return redirect(experiment_url(page.experiment))
    return _render_experiment(request, page, 422, decision_form=form)


@domain_errors
def run_chart_csv(request: HttpRequest, slug: str, experiment_id: int) -> HttpResponse:
    experiment = selectors.experiment_get(experiment_id=experiment_id, user=request.user)
    if experiment.community.slug != slug:
        raise NotFound(f"no experiment {experiment_id} in {slug}", field="id")
    response = HttpResponse(
        selectors.run_chart_csv(experiment), content_type="text/csv; charset=utf-8"
    )
    filename = f"experiment-{experiment.pk}-run-chart.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The practices library --------------------------------------------------------------------


@domain_errors
def practice_list(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    practices = list(practice_cards(community=viewer.community, user=request.user))
    context = {**viewer.context(), "active_tab": "practices", "practices": practices}
    return render(request, "learning/practices.html", context)


@domain_errors
def practice_detail(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    page = practice_page(practice_id=practice_id, user=request.user)
    if page.practice.community.slug != slug:
        return redirect(practice_url(page.practice), permanent=True)
    context = {
        **page.viewer.context(),
        "active_tab": "practices",
        "page": page,
        "practice": page.practice,
    }
    return render(request, "learning/practice.html", context)


def _evidence_from(request: HttpRequest, experiments: list[Experiment]) -> dict[str, Any]:
    """Pre-fill from ``?experiment=ID``: the experiment as evidence, its lesson as the note."""
    wanted = request.GET.get("experiment", "")
    chosen = next((e for e in experiments if str(e.pk) == wanted), None)
    if chosen is None:
        return {}
    cycles = list(chosen.cycles.order_by("number"))
    last = cycles[-1] if cycles else None
    note = f"From the experiment “{chosen.title}”"
    if last is not None and last.decision:
        note += f" ({last.get_decision_display().lower()} after {len(cycles)} cycle(s))"
    note += "." + (f" {last.learned}" if last is not None and last.learned else "")
    return {"supporting_experiments": [chosen.pk], "change_note": note, "from": chosen}


def _threads_or_error(form: forms.Form, request: HttpRequest, name: str) -> list[Any] | None:
    ids: list[int] = form.cleaned_data.get(name) or []
    found = visible_threads(ids, request.user)
    missing = missing_threads(ids, found)
    if missing:
        form.add_error(name, f"There is no thread {missing[0]} you can read here.")
        return None
    return found


def _evidence(form: forms.Form, request: HttpRequest, community_id: int) -> dict[str, Any] | None:
    """The evidence the form names, read through the funnel; None after adding a form error."""
    supporting = _threads_or_error(form, request, "supporting_threads")
    challenging = (
        _threads_or_error(form, request, "challenging_threads")
        if "challenging_threads" in form.fields
        else []
    )
    if supporting is None or challenging is None:
        return None
    for name, threads in (("supporting_threads", supporting), ("challenging_threads", challenging)):
        elsewhere = [t for t in threads if t.community_id != community_id]
        if elsewhere:
            form.add_error(name, f"“{elsewhere[0].title}” belongs to another community.")
            return None
    return {
        "evidence_experiments": list(form.cleaned_data["supporting_experiments"]),
        "evidence_threads": supporting,
        "challenged": (list(form.cleaned_data.get("challenging_experiments") or []), challenging),
    }


@login_required
@domain_errors
def practice_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    experiments = community_experiments(community=viewer.community, user=request.user)
    prefill = _evidence_from(request, experiments)
    form = PracticeCreateForm(
        request.POST or None,
        experiments=experiments,
        initial={"maturity": "emerging", **prefill},
    )
    if request.method == "POST" and form.is_valid():
        evidence = _evidence(form, request, viewer.community.pk)
        if evidence is not None:
            data = form.cleaned_data
            try:
                practice = services.practice_create(
                    community=viewer.community,
                    author=_me(request),
                    name=data["name"],
                    summary=data["summary"],
                    when_to_use=data["when_to_use"],
                    how=data["how"],
                    watch_for=data["watch_for"],
                    maturity=data["maturity"],
                    evidence_experiments=evidence["evidence_experiments"],
                    evidence_threads=evidence["evidence_threads"],
                )
            except FIXABLE as exc:
                form_error(form, exc)
            else:
                messages.success(request, "The practice is in the library.")
                return redirect(practice_url(practice))
    context = {
        **viewer.context(),
        "active_tab": "practices",
        "form": form,
        "from_experiment": prefill.get("from"),
    }
    return render(request, "learning/practice_form.html", context, status=_status(form))


@login_required
@domain_errors
def version_create(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    practice = selectors.practice_get(practice_id=practice_id, user=request.user)
    viewer = viewer_for(practice.community, request.user)
    experiments = community_experiments(community=practice.community, user=request.user)
    versions = list(practice.versions.all())
    current = versions[-1] if versions else None
    prefill = _evidence_from(request, experiments)
    initial = {**VersionForm.initial_from(practice, current), **prefill}
    form = VersionForm(request.POST or None, experiments=experiments, initial=initial)
    if request.method == "POST" and form.is_valid():
        evidence = _evidence(form, request, practice.community_id)
        if evidence is not None:
            data = form.cleaned_data
            challenged_experiments, challenged_threads = evidence["challenged"]
            try:
                version = services.practice_version_create(
                    practice=practice,
                    author=_me(request),
                    change_note=data["change_note"],
                    evidence_experiments=evidence["evidence_experiments"],
                    evidence_threads=evidence["evidence_threads"],
                    challenged_by_experiments=challenged_experiments,
                    challenged_by_threads=challenged_threads,
                    maturity=data["maturity"],
                    name=data["name"],
                    summary=data["summary"],
                    when_to_use=data["when_to_use"],
                    how=data["how"],
                    watch_for=data["watch_for"],
                )
            except FIXABLE as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"Version {version.number} is saved.")
                return redirect(
                    reverse("learning:version_diff", args=[slug, practice.pk, version.number])
                )
    context = {
        **viewer.context(),
        "active_tab": "practices",
        "practice": practice,
        "current": current,
        "form": form,
        "from_experiment": prefill.get("from"),
    }
    return render(request, "learning/version_form.html", context, status=_status(form))


@domain_errors
def version_diff(request: HttpRequest, slug: str, practice_id: int, number: int) -> HttpResponse:
    practice = selectors.practice_get(practice_id=practice_id, user=request.user)
    version = version_of(practice, number)
    older = previous_of(practice, version)
    against = request.GET.get("against", "")
    if against.isdigit() and int(against) < number:
        older = version_of(practice, int(against))
    page = practice_page(practice_id=practice.pk, user=request.user)
    evidence = [row for row in page.evidence if row.version == version.number]
    context = {
        **page.viewer.context(),
        "active_tab": "practices",
        "practice": practice,
        "version": version,
        "older": older,
        "diffs": selectors.version_diff(older, version),
        "evidence": evidence,
        "versions": page.versions,
    }
    return render(request, "learning/version_diff.html", context)


@login_required
@require_POST
@domain_errors
def practice_distil(request: HttpRequest, slug: str) -> HttpResponse:
    raw = request.POST.get("thread", "")
    if not raw.isdigit():
        raise NotFound(f"no thread {raw!r}", field="thread")
    thread = thread_get(thread_id=int(raw), user=request.user)
    draft = services.practice_distil(thread=thread, author=_me(request))
    messages.success(
        request,
        "A draft practice is started from the thread. Edit it, say what you changed, and "
        "save: that publishes it in the library.",
    )
    return redirect(reverse("learning:version_create", args=[thread.community.slug, draft.pk]))


# The learning agenda ----------------------------------------------------------------------


def _agenda_context(
    request: HttpRequest, slug: str, add_form: AgendaItemForm | None = None, **extra: Any
) -> dict[str, Any]:
    viewer = viewer_of_content(slug=slug, user=request.user)
    status = request.GET.get("status", "")
    status = status if status in AgendaStatus.values else ""
    rows = agenda_rows(community=viewer.community, user=request.user, status=status)
    experiments = community_experiments(community=viewer.community, user=request.user)
    bound: dict[int, AgendaUpdateForm] = extra.pop("update_forms", {})
    for row in rows:
        row.form = bound.get(row.item.pk) or AgendaUpdateForm(  # type: ignore[attr-defined]
            item_id=row.item.pk, experiments=experiments, initial={"status": row.item.status}
        )
    return {
        **viewer.context(),
        "active_tab": "learning-agenda",
        "rows": rows,
        "status": status,
        "status_label": dict(AgendaStatus.choices).get(status, ""),
        "statuses": AgendaStatus.choices,
        "add_form": add_form or AgendaItemForm(),
        "experiments": experiments,
        **extra,
    }


@domain_errors
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "learning/agenda.html", _agenda_context(request, slug))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    viewer = viewer_of_content(slug=slug, user=request.user)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.agenda_item_create(
                community=viewer.community,
                author=_me(request),
                question=form.cleaned_data["question"],
            )
        except FIXABLE as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The question is on the agenda.")
            return redirect(reverse("learning:agenda", args=[slug]) + f"#item-{item.pk}")
    context = _agenda_context(request, slug, add_form=form)
    return render(request, "learning/agenda.html", context, status=422)


@login_required
@require_POST
@domain_errors
def agenda_update(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    viewer = viewer_of_content(slug=slug, user=request.user)
    item = (
        selectors.agenda_list(community=viewer.community, user=request.user)
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(f"no question {item_id} on this agenda", field="item")
    experiments = community_experiments(community=viewer.community, user=request.user)
    form = AgendaUpdateForm(request.POST, item_id=item.pk, experiments=experiments)
    if form.is_valid():
        threads = _threads_or_error(form, request, "threads")
        chosen = [e for e in experiments if e.pk == form.cleaned_data["experiment"]]
        if threads is not None:
            try:
                services.agenda_item_update(
                    item=item,
                    actor=_me(request),
                    status=form.cleaned_data["status"],
                    experiments=chosen,
                    threads=threads,
                )
            except FIXABLE as exc:
                form_error(form, exc)
            else:
                messages.success(request, "The question is updated.")
                return redirect(reverse("learning:agenda", args=[slug]) + f"#item-{item.pk}")
    context = _agenda_context(request, slug, update_forms={item.pk: form})
    return render(request, "learning/agenda.html", context, status=422)
