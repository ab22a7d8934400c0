"""A cache of query answers, bounded in bytes, for one state of the store.

The store is read-only between two builds (or updates), so an answer computed once holds until the store is
swapped: :class:`server.embedded.Generation` keeps one :class:`ResultCache` per state of the store, and a swap
(a rebuild, an update) starts the next state with an empty one. An entry is keyed by everything the answer
depends on (:func:`key`): the store's build id, the query text, the dataset and the negotiated formats and row
cap. Only answers (``results`` and ``graph``) are kept, never errors or timeouts; the least recently used go
first when the bytes would pass the bound.

An answer is kept the second time its query is asked (among the last :data:`SEEN` asked and not kept): a query
asked once, as most are when clients explore or a benchmark sends distinct queries, costs the cache nothing and
pushes out nothing. An entry counts its body, its query's text and :data:`ENTRY` bytes, so that thousands of small
answers stay within the bound too. On the 1M-quad build, 8 clients sending the shipped queries once each, the two web
processes went from 84 to about 150 MiB each (proportional set) when every answer was kept at once; see
docs/performance.md.

>>> cache = ResultCache(2 * ENTRY + 30, largest=ENTRY + 15)
>>> for k in ("a", "a", "b", "b"):  # each kept the second time
...     cache.put(k, Answer("results", b"12345"))
>>> cache.get("a").body  # a is now the most recently used
b'12345'
>>> cache.put("c", Answer("results", b"xyz")); cache.put("c", Answer("results", b"xyz"))
>>> cache.get("b") is None, cache.get("a").body, cache.get("c").body
(True, b'12345', b'xyz')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from server.jobs import Answer, Job

#: The kinds of answer kept (errors, refusals and timeouts are never cached).
CACHED = ("results", "graph")
#: Bytes an entry costs beyond its body and its query's text (the key, the answer, the map's node; measured with
#: tracemalloc: about 370).
ENTRY = 400
#: Most keys remembered as asked once and not kept (the oldest is forgotten first).
SEEN = 4096


def key(store_id: Hashable, job: Job) -> tuple:
    """What an answer depends on: the store's id and every field of the job that changes the bytes."""
    return (store_id, job.query, job.dataset, job.results_format, job.graph_format, job.max_rows)


def cost(k: Hashable, answer: Answer) -> int:
    """The bytes an entry counts for: its body, the query text in its key (:func:`key`) and :data:`ENTRY`."""
    text = k[1] if isinstance(k, tuple) and len(k) > 1 and isinstance(k[1], str) else ""
    return len(answer.body) + len(text) + ENTRY


class ResultCache:
    """A thread-safe least-recently-used map of answers, at most ``capacity`` bytes (:func:`cost`; 0: keeps nothing),
    each kept the second time it is put.

    An answer larger than ``largest`` bytes (by default an eighth of the capacity) is not kept, so that one big
    answer cannot empty the cache.
    """

    def __init__(self, capacity: int, largest: int | None = None) -> None:
        self.capacity = max(0, capacity)
        self.largest = self.capacity // 8 if largest is None else largest
        self.bytes = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, Answer] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()
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
        """Keep ``answer`` under ``k`` if it is an answer (not an error) no larger than :attr:`largest`, and ``k`` was
        put before (among the last :data:`SEEN` not kept)."""
        size = cost(k, answer)
        if answer.kind not in CACHED or size > self.largest:
            return
        seen = hash(k)
        with self._lock:
            if k not in self._entries:
                if seen not in self._seen:  # the first time: remembered, not kept
                    self._seen[seen] = None
                    if len(self._seen) > SEEN:
                        self._seen.popitem(last=False)
                    return
                del self._seen[seen]
            old = self._entries.pop(k, None)
            if old is not None:
                self.bytes -= cost(k, old)
            self._entries[k] = answer
            self.bytes += size
            while self.bytes > self.capacity and self._entries:
                dropped_key, dropped = self._entries.popitem(last=False)
                self.bytes -= cost(dropped_key, dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seen.clear()
            self.bytes = 0
