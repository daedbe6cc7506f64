"""The report a steward can hand a funder: standalone HTML, PDF, and the series as CSV.

Charts are drawn by matplotlib (no browser, no network): inline SVG in the HTML
and vector pages in the PDF (matplotlib's own PDF backend, ``PdfPages``).
The report is aggregate-only: it never names a person, whoever asks for it.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only

import matplotlib.pyplot as plt
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from practica.compass.analysis.registry import label_of, providers
from practica.compass.analysis.rules import STAGES
from practica.compass.analysis.series import COLUMNS
from practica.compass.visibility import aggregate_only

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text in the SVG: small, searchable
        "svg.hashsalt": "practica-compass",  # stable element ids: the same report twice is equal
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
COLOURS = ("#1f6f78", "#d1495b", "#edae49", "#66a182", "#5c4d7d")
SECTIONS_SHOWN = ("people", "responsiveness", "reply_graph", "trust", "newcomers", "knowledge")


def series_csv(result: dict[str, Any]) -> str:
    """The monthly series of the compass's window, one row per month, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(COLUMNS)
    writer.writerow(columns)
    for row in result.get("series", []):
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def _months(result: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    rows = result.get("series", [])
    return [r["month"] for r in rows], rows


def _line_chart(
    title: str, result: dict[str, Any], columns: list[tuple[str, str]], *, share: bool
) -> Figure | None:
    months, rows = _months(result)
    if not months:
        return None
    fig = Figure(figsize=(7.5, 2.6), layout="constrained")
    ax = fig.add_subplot()
    x = range(len(months))
    for i, (column, label) in enumerate(columns):
        values = [float("nan") if r.get(column) is None else r[column] for r in rows]
        ax.plot(x, values, label=label, color=COLOURS[i % len(COLOURS)], linewidth=1.6)
    _month_axis(ax, months)
    if share:
        ax.set_ylim(0, 1)
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    return fig


def _stage_chart(result: dict[str, Any]) -> Figure | None:
    months, rows = _months(result)
    if not months:
        return None
    names = [n for n, _ in STAGES]
    fig = Figure(figsize=(7.5, 1.9), layout="constrained")
    ax = fig.add_subplot()
    ax.step(
        range(len(months)),
        [names.index(r["stage"]) for r in rows],
        where="mid",
        color=COLOURS[0],
        linewidth=2,
    )
    ax.set_yticks(range(len(STAGES)), [label for _, label in STAGES])
    ax.set_ylim(-0.4, len(STAGES) - 0.6)
    _month_axis(ax, months)
    ax.set_title("Stage over time (rules over the trailing 12 months)", loc="left", fontsize=10)
    return fig


def _month_axis(ax: Any, months: list[str]) -> None:
    step = max(1, len(months) // 10)
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=0, fontsize=7)
    ax.grid(axis="y", color="#ddd", linewidth=0.6)


CHARTS: list[tuple[str, Callable[[dict[str, Any]], Figure | None]]] = [
    (
        "people",
        lambda r: _line_chart(
            "People each month",
            r,
            [("contributors", "contributors"), ("newcomers", "newcomers")],
            share=False,
        ),
    ),
    (
        "responsiveness",
        lambda r: _line_chart(
            "Asks answered and resolved within 30 days",
            r,
            [("answered_30d_share", "answered"), ("resolved_30d_share", "resolved")],
            share=True,
        ),
    ),
    (
        "trust",
        lambda r: _line_chart(
            "Trust and renewal (trailing 12 months)",
            r,
            [
                ("reciprocity_12m", "reciprocity"),
                ("repeated_pair_share_12m", "repeated pairs"),
                ("ask_and_answer_share_12m", "ask and answer"),
                ("retention_90d_12m", "newcomers back in 90 days"),
            ],
            share=True,
        ),
    ),
    ("stage", _stage_chart),
]


def _svg(fig: Figure) -> SafeString:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # Our own figure of our own numbers: safe to inline once the XML prologue is dropped.
    return mark_safe(text[text.index("<svg") :])


def _sections(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for provider in providers():
        figures = result.get(provider.key)
        if not isinstance(figures, dict):
            continue
        rows = [
            {"label": label_of(provider.key, name), "value": _shown(value)}
            for name, value in figures.items()
            if not isinstance(value, (dict, list))
        ]
        out.append({"key": provider.key, "title": provider.title, "rows": rows})
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def report_html(result: dict[str, Any]) -> str:
    public = aggregate_only(result)
    charts = []
    for key, draw in CHARTS:
        fig = draw(public)
        if fig is not None:
            charts.append({"key": key, "svg": _svg(fig)})
    return render_to_string(
        "compass/report.html",
        {"c": public, "sections": _sections(public), "charts": charts, "stages": STAGES},
    )


def report_pdf(result: dict[str, Any]) -> bytes:
    public = aggregate_only(result)
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": _title(public), "Creator": "Practica"}) as pdf:
        pdf.savefig(_summary_page(public))
        charts = [fig for _, draw in CHARTS if (fig := draw(public)) is not None]
        for start in range(0, len(charts), 3):
            pdf.savefig(_chart_page(charts[start : start + 3]))
        pdf.savefig(_figures_page(public))
    plt.close("all")
    return buffer.getvalue()


def _title(c: dict[str, Any]) -> str:
    return f"Compass of {c.get('community_name', c.get('community', ''))}"


def _window_text(c: dict[str, Any]) -> str:
    w = c.get("window", {})
    since = (w.get("since") or w.get("first_activity") or "the beginning")[:10]
    until = (w.get("until") or w.get("last_activity") or "now")[:10]
    return f"From {since} to {until}; computed {str(c.get('computed_at', ''))[:16]} UTC"


def _text_page(lines: list[tuple[str, float, str]]) -> Figure:
    """An A4 page of text lines: (text, font size, weight)."""
    fig = Figure(figsize=(8.27, 11.69))
    y = 0.95
    for text, size, weight in lines:
        for part in textwrap.wrap(text, width=int(95 * 9 / size)) or [""]:
            if y < 0.04:
                break
            fig.text(0.07, y, part, fontsize=size, weight=weight, va="top")
            y -= size / 11.69 / 72 * 1.45
    return fig


def _summary_page(c: dict[str, Any]) -> Figure:
    stage = c["stage"]
    lines: list[tuple[str, float, str]] = [
        (_title(c), 18, "bold"),
        (_window_text(c), 9, "normal"),
        ("", 9, "normal"),
        (f"Stage: {stage['label']}", 14, "bold"),
    ]
    for e in stage["evidence"]:
        lines.append((f"• {e['says']}", 8.5, "normal"))
        if e["reason"] != e["says"]:
            lines.append((f"   why: {e['reason']}", 8, "normal"))
    lines.append(("", 9, "normal"))
    lines.append(("Archetype profile", 14, "bold"))
    for archetype in c["archetypes"].values():
        score = "not measured" if archetype["score"] is None else f"{archetype['score']:.2f}"
        lines.append((f"{archetype['label']}: {archetype['level']} ({score})", 10, "bold"))
        for e in archetype["evidence"]:
            lines.append((f"• {e['says']}", 8.5, "normal"))
    lines.append(("", 9, "normal"))
    lines.append(("What to do next", 14, "bold"))
    for step in c.get("next_steps", []):
        lines.append((f"• {step['title']}: {step['count']}", 9, "normal"))
    return _text_page(lines)


def _chart_page(charts: list[Figure]) -> Figure:
    page = plt.figure(figsize=(8.27, 11.69))
    for i, chart in enumerate(charts):
        canvas = io.BytesIO()
        chart.savefig(canvas, format="png", dpi=200)
        canvas.seek(0)
        ax = page.add_axes((0.06, 0.68 - i * 0.31, 0.88, 0.28))
        ax.imshow(plt.imread(canvas))
        ax.axis("off")
    return page


def _figures_page(c: dict[str, Any]) -> Figure:
    lines: list[tuple[str, float, str]] = [("Figures", 16, "bold")]
    for section in _sections(c):
        lines.append((section["title"], 11, "bold"))
        for row in section["rows"]:
            lines.append((f"{row['label']}: {row['value']}", 8.5, "normal"))
    lines.append(("", 9, "normal"))
    lines.append(
        (
            "Definitions, reasons and sources of every figure and rule: docs/compass.md in "
            "Practica's source.",
            8,
            "normal",
        )
    )
    return _text_page(lines)


def write_report(result: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.html, report.pdf and series.csv into ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.html", folder / "report.pdf", folder / "series.csv"]
    paths[0].write_text(report_html(result), encoding="utf-8")
    paths[1].write_bytes(report_pdf(result))
    paths[2].write_text(series_csv(result), encoding="utf-8")
    return paths
