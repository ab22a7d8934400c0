"""The answer cache of a ``kg serve`` process (server.cache): which answers it keeps, and its bound in memory."""

from __future__ import annotations

import tracemalloc

from server.cache import ENTRY, SEEN, ResultCache, key
from server.jobs import Answer, Job

ASK = "ASK { ?s ?p ?o }"


def _key(text: str) -> tuple:
    return key(("build", 1), Job(query=text, results_format="JSON", graph_format="TURTLE"))


def test_an_answer_is_kept_the_second_time_its_query_is_asked():
    cache = ResultCache(1 << 20)
    k = _key(ASK)
    first, second = Answer("results", b"true"), Answer("results", b"true")
    assert cache.get(k) is None
    cache.put(k, first)
    assert cache.get(k) is None  # asked once: not kept
    cache.put(k, second)
    assert cache.get(k) is second
    assert (cache.hits, cache.misses) == (1, 2)


def test_queries_asked_once_leave_the_cache_empty():
    cache = ResultCache(1 << 20)
    for n in range(1000):
        cache.put(_key(f"{ASK}\n# {n}"), Answer("results", b"true"))
    assert cache.bytes == 0 and cache.get(_key(f"{ASK}\n# 0")) is None


def test_a_query_is_forgotten_after_as_many_others_as_are_remembered():
    cache = ResultCache(1 << 20)
    cache.put(_key(ASK), Answer("results", b"true"))
    for n in range(SEEN):
        cache.put(_key(f"{ASK}\n# {n}"), Answer("results", b"true"))
    cache.put(_key(ASK), Answer("results", b"true"))  # remembered again, as if for the first time
    assert cache.get(_key(ASK)) is None


def test_errors_are_never_kept():
    cache = ResultCache(1 << 20)
    for _ in range(3):
        cache.put(_key(ASK), Answer("error", b"boom"))
    assert cache.get(_key(ASK)) is None


def test_many_small_answers_stay_within_the_bound_in_memory():
    """The bound counts each entry's query text and its overhead, not only its body: ten thousand ASK answers asked
    twice each hold no more memory than the bound (and a little for the keys remembered)."""
    capacity = 1 << 20
    cache = ResultCache(capacity)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for n in range(10_000):
            k = _key(f"{ASK}\n# a comment that makes each query its own, number {n}")
            cache.put(k, Answer("results", b'{"head":{},"boolean":true}'))
            cache.put(k, Answer("results", b'{"head":{},"boolean":true}'))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cache.bytes <= capacity
    assert len(cache._entries) <= capacity // ENTRY
    assert held - before < 1.5 * capacity


def test_the_least_recently_used_goes_first():
    small = len(_key("a")[1]) + ENTRY + 5
    cache = ResultCache(2 * small + 3, largest=small)
    for name in ("a", "a", "b", "b"):
        cache.put(_key(name), Answer("results", b"12345"))
    assert cache.get(_key("a")) is not None  # a is now the most recently used
    for _ in range(2):
        cache.put(_key("c"), Answer("results", b"12345"))
    assert cache.get(_key("b")) is None
    assert cache.get(_key("a")) is not None and cache.get(_key("c")) is not None
