"""Arrays derived once from an :class:`Activity` and shared by every figure.

Each is computed on first use and kept: the figures for a window and for every
month of the series read the same per-person and per-thread facts.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from practica.compass.analysis.activity import DAY, I32, I64, NOBODY, Activity, Bool

NEVER = np.iinfo(np.int64).max


class Derived:
    def __init__(self, activity: Activity) -> None:
        self.activity = activity

    # Contributions: every thread and reply written by a person, in time order.
    @cached_property
    def _contributions(self) -> tuple[I32, I64, Bool]:
        a = self.activity
        person = np.concatenate([a.thread_author, a.reply_author])
        time = np.concatenate([a.thread_time, a.reply_time])
        is_thread = np.concatenate(
            [np.ones(a.thread_author.shape[0], bool), np.zeros(a.reply_author.shape[0], bool)]
        )
        keep = person != NOBODY
        person, time, is_thread = person[keep], time[keep], is_thread[keep]
        order = np.argsort(time, kind="stable")
        return person[order].astype(np.int32), time[order], is_thread[order]

    @property
    def contribution_person(self) -> I32:
        return self._contributions[0]

    @property
    def contribution_time(self) -> I64:
        return self._contributions[1]

    @property
    def contribution_is_thread(self) -> Bool:
        return self._contributions[2]

    @cached_property
    def first_contribution(self) -> I64:
        """Each person's first contribution ever, or ``NEVER``."""
        first = np.full(self.activity.n_people, NEVER, dtype=np.int64)
        np.minimum.at(first, self.contribution_person, self.contribution_time)
        return first

    @cached_property
    def last_contribution(self) -> I64:
        last = np.full(self.activity.n_people, -1, dtype=np.int64)
        np.maximum.at(last, self.contribution_person, self.contribution_time)
        return last

    @cached_property
    def return_time(self) -> I64:
        """Each person's first contribution more than a day after their first, or ``NEVER``.

        A day's grace keeps a newcomer's "thanks" under their own question from
        counting as coming back.
        """
        person, time = self.contribution_person, self.contribution_time
        later = time > self.first_contribution[person] + DAY
        out = np.full(self.activity.n_people, NEVER, dtype=np.int64)
        np.minimum.at(out, person[later], time[later])
        return out

    # The reply graph over all history: one row per reply between two different people.
    @cached_property
    def _edges(self) -> tuple[I32, I32, I64, I32]:
        a = self.activity
        keep = (a.reply_author != NOBODY) & (a.reply_target != NOBODY)
        keep &= a.reply_author != a.reply_target
        order = np.argsort(a.reply_time[keep], kind="stable")
        return (
            a.reply_author[keep][order],
            a.reply_target[keep][order],
            a.reply_time[keep][order],
            a.reply_thread[keep][order],
        )

    @property
    def edge_source(self) -> I32:
        return self._edges[0]

    @property
    def edge_target(self) -> I32:
        return self._edges[1]

    @property
    def edge_time(self) -> I64:
        return self._edges[2]

    @property
    def edge_thread(self) -> I32:
        return self._edges[3]

    @cached_property
    def first_reply_given(self) -> I64:
        """When each person first replied to someone else, or ``NEVER``."""
        out = np.full(self.activity.n_people, NEVER, dtype=np.int64)
        np.minimum.at(out, self.edge_source, self.edge_time)
        return out

    @cached_property
    def thread_first_other_reply(self) -> I64:
        """When someone other than the author first replied to each thread, or ``NEVER``."""
        a = self.activity
        author_of_thread = a.thread_author[a.reply_thread]
        other = (a.reply_author != NOBODY) & (a.reply_author != author_of_thread)
        # A reply to a thread whose author is unknown still counts as a reply from someone else.
        out = np.full(a.n_threads, NEVER, dtype=np.int64)
        np.minimum.at(out, a.reply_thread[other], a.reply_time[other])
        return out
