"""Writes of the importers: bring an archive into a community, and the figures after it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min

from practica.communities.models import Aspiration, Community, Membership, Visibility
from practica.communities.services import RESERVED_SLUGS, SLUG_RE
from practica.core.errors import InvalidInput
from practica.exchange.models import Reply, Thread, ThreadLink
from practica.importers.formats import FORMATS, Outcome, format_module
from practica.importers.loader import DEFAULT_BATCH, load
from practica.ledger.models import LedgerEvent

#: Called with (rows done, rows expected or None).
ProgressFn = Callable[[int, int | None], None]


def check_slug(slug: str) -> None:
    if not SLUG_RE.match(slug or "") or slug in RESERVED_SLUGS:
        raise InvalidInput(
            f"--community {slug!r}: a slug is lower-case letters, digits and hyphens, "
            "not a reserved word",
            field="community",
        )


def community_for_import(*, slug: str, name: str, source: str, source_url: str) -> Community:
    """The community named by ``slug``; created (public, knowledge weaving) when missing."""
    check_slug(slug)
    found = Community.objects.filter(slug=slug).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Community.objects.create(
                slug=slug,
                name=name[:200],
                source=source,
                source_url=source_url,
                visibility=Visibility.PUBLIC,
                aspiration=Aspiration.KNOWLEDGE_WEAVING,
            )
    except IntegrityError:
        return Community.objects.get(slug=slug)


def archive_import(
    *,
    fmt: str,
    path: Path,
    slug: str | None,
    options: Mapping[str, Any],
    progress: ProgressFn | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> Outcome:
    """Import the archive at ``path`` in format ``fmt`` (a key of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}", field="format")
    module = format_module(fmt)
    if module is None:
        raise InvalidInput(f"the {fmt} importer is not installed yet", field="format")
    if hasattr(module, "run_import"):
        outcome: Outcome = module.run_import(path, {**options, "community": slug}, progress)
        return outcome
    if not slug:
        raise InvalidInput("name the community to import into with --community", field="community")
    check_slug(slug)
    archive = module.open_archive(path, options)
    existed = Community.objects.filter(slug=slug).exists()
    community = None
    try:
        community = community_for_import(
            slug=slug,
            name=archive.community_name,
            source=archive.source,
            source_url=archive.source_url,
        )
        expected = archive.estimate_rows() if progress is not None else None
        tick = None
        if progress is not None:
            counter = archive.rows_read

            def tick(records: int) -> None:
                progress(counter() if counter is not None else records, expected)

        stats = load(
            archive.records(),
            community=community,
            source=archive.source,
            progress=tick,
            batch_size=batch_size,
        )
    except BaseException:
        if community is not None and not existed:
            _drop_if_empty(community)
        raise
    finally:
        archive.close()
    community_date_from_archive(community, source=archive.source)
    return Outcome(community=community, stats=stats)


def _drop_if_empty(community: Community) -> None:
    """A failed first import leaves no empty community behind (whole batches keep it)."""
    holds = (
        Membership.objects.filter(community=community).exists()
        or Thread.objects.filter(community=community).exists()
        or community.tags.exists()
    )
    if not holds:
        community.delete()


def community_date_from_archive(community: Community, *, source: str) -> None:
    """A community an import created is as old as the earliest thing in its archive.

    Keeps the community card free of the import's own time, so that two
    imports of one archive give the same data.
    """
    if community.source != source or community.created_by_id is not None:
        return
    dates = [
        Thread.objects.filter(community=community).aggregate(first=Min("created_at"))["first"],
        Membership.objects.filter(community=community).aggregate(first=Min("joined_at"))["first"],
    ]
    known = [d for d in dates if d is not None]
    if known and min(known) != community.created_at:
        community.created_at = min(known)
        community.save(update_fields=["created_at"])


def community_totals(community: Community) -> dict[str, int]:
    """What a community holds: the totals every import reports."""
    return {
        "people": Membership.objects.filter(community=community).count(),
        "threads": Thread.objects.filter(community=community).count(),
        "replies": Reply.objects.filter(thread__community=community).count(),
        "links": ThreadLink.objects.filter(from_thread__community=community).count(),
        "events": LedgerEvent.objects.filter(community=community).count(),
    }


def import_summary(
    outcome: Outcome, *, started: float, cpu_started: float | None = None
) -> dict[str, Any]:
    stats = outcome.stats
    return {
        "community": outcome.community.slug,
        **community_totals(outcome.community),
        "created": stats.created,
        "updated": stats.updated,
        "unchanged": stats.unchanged,
        "skipped": dict(sorted(stats.skipped.items())),
        "seconds": round(time.perf_counter() - started, 3),
        # CPU seconds of this process (every thread): what a busy machine disturbs least.
        **(
            {"cpu_seconds": round(time.process_time() - cpu_started, 3)}
            if cpu_started is not None
            else {}
        ),
    }
