"""``practica eval DUMP_DIR [--json] [--out DIR]``: measure weaving against plain baselines.

Each Stack Exchange dump under DUMP_DIR (or DUMP_DIR itself) is imported with
``practica import stackexchange`` into a scratch SQLite database of its own,
in a child process, so the real database is never touched. See
``practica/weaving/evaluation/harness.py`` for what is measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.env import envbool
from practica.weaving.engine.experts import DEFAULT_WEIGHTS
from practica.weaving.engine.related import Query, RelatedIndex
from practica.weaving.evaluation import harness, windows
from practica.weaving.evaluation.report import markdown
from practica.weaving.evaluation.sedump import DumpError, read_acceptance_days, read_corpus


def dumps_in(path: Path) -> list[Path]:
    if (path / "Posts.xml").exists():
        return [path]
    if not path.is_dir():
        raise CommandError(f"{path}: not a folder")
    found = sorted(p for p in path.iterdir() if (p / "Posts.xml").exists())
    if not found:
        raise CommandError(f"{path}: no Stack Exchange dump (a folder with Posts.xml) in it")
    return found


class Command(BaseCommand):
    help = (
        "Evaluate lived_before and who_knows on Stack Exchange dumps against BM25 and popularity."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump_dir", type=Path, help="a dump folder, or a folder of dumps")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--out", type=Path, help="also write weaving_eval.json and .md here")
        parser.add_argument(
            "--dense",
            action="store_true",
            help="turn the optional sentence encoder on, and report the lexical ranking beside",
        )
        parser.add_argument(
            "--windows",
            action="store_true",
            help="instead: who knows on rolling windows of the training periods (no test "
            "question is read), for the grid the record term was chosen on",
        )
        parser.add_argument("--worker", type=Path, help=argparse_hidden())

    def handle(self, *args: Any, **options: Any) -> None:
        if options["worker"] is not None:
            self._work(options["dump_dir"], options["worker"])
            return
        dumps = dumps_in(options["dump_dir"])
        if options["windows"]:
            self._windows(dumps, options["out"], as_json=options["json"])
            return
        results = [self._run_child(dump, dense=options["dense"]) for dump in dumps]
        report = {
            "date": datetime.now(UTC).date().isoformat(),
            "k": harness.K,
            "dense": options["dense"],
            "sites": [r["summary"] for r in results],
            "pooled": harness.pooled([_revive(r) for r in results]),
        }
        if options["out"] is not None:
            options["out"].mkdir(parents=True, exist_ok=True)
            (options["out"] / "weaving_eval.json").write_text(json.dumps(report, indent=2) + "\n")
            (options["out"] / "weaving_eval.md").write_text(markdown(report))
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(markdown(report))

    def _windows(self, dumps: list[Path], out: Path | None, *, as_json: bool) -> None:
        """Read each dump's records directly (no import) and score the grid on each window."""
        grid = windows.record_grid()
        deployed = next((name for name, w in grid.items() if w == DEFAULT_WEIGHTS), "deployed")
        if deployed == "deployed":
            grid = {deployed: DEFAULT_WEIGHTS, **grid}
        grid = {deployed: grid.pop(deployed), **grid}  # features follow the deployed setting
        per_dump = []
        for dump in dumps:
            try:
                corpus = read_corpus(dump)
                accepted_on = read_acceptance_days(dump, corpus)
            except DumpError as exc:
                raise CommandError(str(exc)) from exc
            per_dump.append(windows.study(corpus, grid, windows.WINDOWS, accepted_on))
            self.stderr.write(f"{dump.name}: done")
        table = windows.pooled(per_dump)
        report = {
            "date": datetime.now(UTC).date().isoformat(),
            "sites": [d.name for d in dumps],
            "deployed": deployed,
            "mrr": table,
        }
        text = (
            f"# Who knows on rolling windows of the training periods ({report['date']})\n\n"
            f"Data: {', '.join(report['sites'])}. MRR pooled over the dumps; "
            f"{int(table[deployed]['queries'])} questions in all.\n\n"
            + windows.markdown(table, deployed)
        )
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / "weaving_windows.json").write_text(json.dumps(report, indent=2) + "\n")
            (out / "weaving_windows.md").write_text(text)
        self.stdout.write(json.dumps(report, indent=2) if as_json else text)

    def _run_child(self, dump: Path, *, dense: bool) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="practica-eval-") as scratch:
            out = Path(scratch) / "result.json"
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{Path(scratch) / 'eval.sqlite3'}",
                "PRACTICA_HOME": scratch,
                "PRACTICA_ENV": "development",
                "PRACTICA_WEAVING_DENSE": "1" if dense else "0",
            }
            command = [
                sys.executable,
                "-m",
                "practica.cli",
                "eval",
                str(dump),
                "--worker",
                str(out),
            ]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0 or not out.exists():
                last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                raise CommandError(f"{dump.name}: {last[0]}")
            self.stderr.write(f"{dump.name}: done")
            return json.loads(out.read_text())

    def _work(self, dump: Path, out: Path) -> None:
        """In the child: migrate the scratch database, import, evaluate, write the result."""
        from practica.communities.models import Community
        from practica.weaving.index import community_corpus
        from practica.weaving.selectors import related_for

        call_command("migrate", verbosity=0, interactive=False)
        slug = "eval-" + "".join(c if c.isalnum() else "-" for c in dump.name.lower())[:80]
        with open(os.devnull, "w") as quiet:
            call_command(
                "import", "stackexchange", str(dump), "--community", slug, "--json", stdout=quiet
            )
        community = Community.objects.get(slug=slug)
        corpus = community_corpus(community)
        by_source = {t.source_id: t.key for t in corpus.threads}
        source_of = {t.key: t.source_id for t in corpus.threads}

        def ours(text: str, leave_out: str) -> list[str]:
            items = related_for(
                community=community, user=None, text=text, k=harness.K,
                exclude_thread=by_source.get(leave_out),
            )  # fmt: skip
            return [source_of[i.thread.pk] for i in items]

        others: dict[str, harness.RelatedFinder] = {}
        if envbool("PRACTICA_WEAVING_DENSE", default=False):
            lexical = RelatedIndex(corpus)

            def plain(text: str, leave_out: str) -> list[str]:
                query = Query.of(text)
                left_out = frozenset({by_source[leave_out]} if leave_out in by_source else ())
                hits = lexical.rank(query, k=harness.K, exclude=left_out)
                return [source_of[h.key] for h in hits]

            others[harness.LEXICAL] = plain
        result = harness.SiteResult(site=dump.name)
        try:
            harness.evaluate_lived_before(result, dump, corpus, ours, others)
            harness.evaluate_who_knows(result, dump, corpus)
        except DumpError as exc:
            raise CommandError(str(exc)) from exc
        out.write_text(json.dumps({"summary": result.summary(), "per_query": result.per_query}))


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _revive(found: dict[str, Any]) -> harness.SiteResult:
    result = harness.SiteResult(site=found["summary"]["site"])
    result.per_query = found["per_query"]
    result.lived_before_queries = found["summary"]["lived_before_queries"]
    result.who_knows_queries = found["summary"]["who_knows_queries"]
    return result
