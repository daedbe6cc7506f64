"""Knowledge exchange: replies per question, reuse through links, stories, breadth of topics,
and the diversity of voices in a conversation."""

from __future__ import annotations

import math

import numpy as np

from practica.compass.analysis.activity import ASKING_KINDS, NOBODY, STORY, THREAD_KINDS, Activity
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import distinct, rounded, share

LABELS = {
    "threads": "Threads started",
    "replies": "Replies written",
    "replies_per_ask": "Replies per question or ask",
    "links": "Links between threads",
    "links_per_100_threads": "Links per 100 threads",
    "stories": "Stories told",
    "story_share": "Share of threads that are stories",
    "tags_used": "Tags used",
    "tag_breadth": "Tag breadth (effective number of tags)",
    "diversity_of_voices": "Diversity of voices (mean Blau index)",
    "diversity_measured_share": "Share of conversations where diversity could be measured",
}


def knowledge_section(ctx: FigureContext) -> Section:
    a = ctx.activity
    threads = np.flatnonzero(ctx.window_threads)
    replies_in = ctx.window.mask(a.reply_time)
    asks = threads[np.isin(a.thread_kind[threads], ASKING_KINDS)]
    before_end = a.reply_time < ctx.end
    per_thread = np.bincount(a.reply_thread[before_end], minlength=a.n_threads)
    link_time = np.where(a.link_time >= 0, a.link_time, a.thread_time[a.link_from])
    links = int(np.count_nonzero(ctx.window.mask(link_time))) if a.link_from.size else 0
    stories = int(np.count_nonzero(a.thread_kind[threads] == STORY))
    tags_used, breadth = _tag_breadth(a, ctx.window_threads)
    diversity, measured = _diversity(a, *ctx.participants)
    kinds = np.bincount(a.thread_kind[threads], minlength=len(THREAD_KINDS))
    figures = {
        "threads": int(threads.shape[0]),
        "threads_by_kind": {k: int(kinds[i]) for i, k in enumerate(THREAD_KINDS)},
        "replies": int(np.count_nonzero(replies_in)),
        "replies_per_ask": rounded(float(per_thread[asks].mean()) if asks.size else None, 2),
        "links": links,
        "links_per_100_threads": rounded(
            None if threads.size == 0 else 100.0 * links / threads.shape[0], 2
        ),
        "stories": stories,
        "story_share": rounded(share(stories, threads.shape[0])),
        "tags_used": tags_used,
        "tag_breadth": rounded(breadth, 2),
        "diversity_of_voices": rounded(diversity),
        "diversity_measured_share": rounded(share(measured, threads.shape[0])),
    }
    return Section(figures=figures)


def _tag_breadth(a: Activity, in_window: np.ndarray) -> tuple[int, float | None]:
    """Distinct tags, and their effective number ``exp(Shannon entropy)`` (Hill number 1):
    how many equally used tags would give the same spread."""
    codes = a.tag_code[in_window[a.tag_thread]]
    if codes.size == 0:
        return 0, None
    counts = np.bincount(codes)
    counts = counts[counts > 0]
    p = counts / counts.sum()
    return int(counts.shape[0]), math.exp(float(-(p * np.log(p)).sum()))


def thread_participants(a: Activity, in_window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (thread, person) pairs of the threads marked in ``in_window``: the author and
    every reply author of each."""
    threads = np.flatnonzero(in_window)
    in_threads = in_window[a.reply_thread]
    thread = np.concatenate([threads, a.reply_thread[in_threads]]).astype(np.int64)
    person = np.concatenate([a.thread_author[threads], a.reply_author[in_threads]]).astype(np.int64)
    keep = person != NOBODY
    n = max(a.n_people, 1)
    pairs = distinct(thread[keep] * n + person[keep])
    return pairs // n, pairs % n


def _diversity(a: Activity, thread: np.ndarray, person: np.ndarray) -> tuple[float | None, int]:
    """Mean over conversations of the Blau index of participants' perspectives.

    For each thread and each perspective (sector, discipline, region, role),
    Blau = 1 - sum of squared shares over the values its participants gave,
    where at least two participants gave one; a thread's diversity is the mean
    over its measurable perspectives. ``None`` when no thread is measurable
    (profiles say nothing of perspectives)."""
    if a.perspectives.size == 0 or thread.size == 0:
        return None, 0
    total = np.zeros(a.n_threads, dtype=np.float64)
    dims = np.zeros(a.n_threads, dtype=np.int64)
    for column in range(a.perspectives.shape[1]):
        codes = a.perspectives[person, column].astype(np.int64)
        known = codes >= 0
        t, c = thread[known], codes[known]
        if t.size == 0:
            continue
        width = int(c.max()) + 1
        groups, counts = np.unique(t * width + c, return_counts=True)
        group_thread = groups // width
        size = np.bincount(group_thread, weights=counts, minlength=a.n_threads)
        squares = np.bincount(
            group_thread, weights=counts.astype(np.float64) ** 2, minlength=a.n_threads
        )
        ok = size >= 2
        blau = np.zeros(a.n_threads, dtype=np.float64)
        blau[ok] = 1.0 - squares[ok] / size[ok] ** 2
        total += blau
        dims += ok
    measured = dims > 0
    if not measured.any():
        return None, 0
    return float((total[measured] / dims[measured]).mean()), int(measured.sum())
