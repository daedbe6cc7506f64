"""The evaluation's results as JSON and as a Markdown table."""

from __future__ import annotations

from typing import Any

SYSTEMS = (("practica", "Practica"), ("bm25", "BM25 (plain)"), ("popularity", "Popularity"))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Knowledge weaving evaluation ({report['date']})",
        "",
        f"Data: {', '.join(s['site'] for s in report['sites'])}.",
        "",
        "## lived_before (CQADupStack construction)",
        "",
    ]
    dense = bool(report.get("dense"))
    systems = [("practica", "Practica + encoder" if dense else "Practica")]
    if dense:
        systems.append(("practica_lexical", "Practica lexical"))
    systems.append(("bm25", "BM25"))
    header = ["site", "queries"]
    header += [f"{label} nDCG@10" for _, label in systems]
    header += [f"{label} R@10" for _, label in systems]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows = [(s["site"], s["lived_before_queries"], s["metrics"]) for s in report["sites"]]
    rows.append(
        ("**pooled**", report["pooled"]["queries"]["lived_before"], report["pooled"]["pooled"])
    )
    for site, n, m in rows:
        cells = [_f(m.get(key, {}).get("ndcg@10")) for key, _ in systems]
        cells += [_f(m.get(key, {}).get("recall@10")) for key, _ in systems]
        lines.append(f"| {site} | {n} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## who_knows (TUEF construction)",
        "",
        "| site | queries | Practica MRR | BM25 MRR | Popularity MRR "
        "| Practica P@1 | BM25 P@1 | Popularity P@1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = [(s["site"], s["who_knows_queries"], s["metrics"]) for s in report["sites"]]
    rows.append(
        ("**pooled**", report["pooled"]["queries"]["who_knows"], report["pooled"]["pooled"])
    )
    for site, n, m in rows:
        cells = [_f(m.get(s, {}).get("mrr")) for s, _ in SYSTEMS]
        cells += [_f(m.get(s, {}).get("p@1")) for s, _ in SYSTEMS]
        lines.append(f"| {site} | {n} | " + " | ".join(cells) + " |")
    ratios = report["pooled"].get("ratios", {})
    intervals = report["pooled"].get("ratio_ci95", {})
    described = []
    for name, value in ratios.items():
        text = f"{name}: {value}×"
        if name in intervals:
            low, high = intervals[name]
            text += f" (paired bootstrap 95%: {low}–{high}×)"
        described.append(text)
    lines += ["", "Pooled = every query of every dump counted once. " + ", ".join(described), ""]
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
