"""A cache of query answers, bounded in bytes, for one state of the store.

The store is read-only between two builds (or updates), so an answer computed once holds until the store is
swapped: :class:`server.embedded.Generation` keeps one :class:`ResultCache` per state of the store, and a swap
(a rebuild, an update) starts the next state with an empty one. An entry is keyed by everything the answer
depends on (:func:`key`): the store's build id, the query text, the dataset and the negotiated formats and row
cap. Only answers (``results`` and ``graph``) are kept, never errors or timeouts; the least recently used go
first when the bytes would pass the bound.

>>> cache = ResultCache(10, largest=10)
>>> cache.put("a", Answer("results", b"12345"))
>>> cache.put("b", Answer("results", b"67890"))
>>> cache.get("a").body  # a is now the most recently used
b'12345'
>>> cache.put("c", Answer("results", b"xyz"))
>>> cache.get("b") is None, cache.get("a").body, cache.bytes
(True, b'12345', 8)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from server.jobs import Answer, Job

#: The kinds of answer kept (errors, refusals and timeouts are never cached).
CACHED = ("results", "graph")


def key(store_id: Hashable, job: Job) -> tuple:
    """What an answer depends on: the store's id and every field of the job that changes the bytes."""
    return (store_id, job.query, job.dataset, job.results_format, job.graph_format, job.max_rows)


class ResultCache:
    """A thread-safe least-recently-used map of answers, at most ``capacity`` bytes of bodies (0: keeps nothing).

    An answer larger than ``largest`` bytes (by default an eighth of the capacity) is not kept, so that one big
    answer cannot empty the cache.
    """

    def __init__(self, capacity: int, largest: int | None = None) -> None:
        self.capacity = max(0, capacity)
        self.largest = self.capacity // 8 if largest is None else largest
        self.bytes = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, k: Hashable) -> Answer | None:
        with self._lock:
            answer = self._entries.get(k)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(k)
            self.hits += 1
            return answer

    def peek(self, k: Hashable) -> bool:
        """Whether an answer is kept under ``k`` (counted neither as a hit nor as a miss)."""
        return k in self._entries

    def put(self, k: Hashable, answer: Answer) -> None:
        """Keep ``answer`` under ``k`` if it is an answer (not an error) no larger than :attr:`largest`."""
        size = len(answer.body)
        if answer.kind not in CACHED or size > self.largest:
            return
        with self._lock:
            old = self._entries.pop(k, None)
            if old is not None:
                self.bytes -= len(old.body)
            self._entries[k] = answer
            self.bytes += size
            while self.bytes > self.capacity and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0
