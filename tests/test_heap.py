"""A build bounds its heap (large blocks as mappings of their own) only once it meets a long article."""

from types import SimpleNamespace

from kg.build.heap import LONG_TEXT
from kg.build.pipeline import _long_bound


def test_short_articles_leave_the_heap_alone():
    gate = SimpleNamespace(bound=False)
    articles = [SimpleNamespace(text="a" * 10), SimpleNamespace(text="b" * (LONG_TEXT - 1))]
    assert list(_long_bound(articles, gate)) == articles
    assert gate.bound is False


def test_a_long_article_bounds_the_heap_and_the_validation_process():
    gate = SimpleNamespace(bound=False)
    articles = [SimpleNamespace(text="a" * 10), SimpleNamespace(text="b" * LONG_TEXT), SimpleNamespace(text="c")]
    seen = []
    for article in _long_bound(articles, gate):
        seen.append((article.text[0], gate.bound))
    assert seen == [("a", False), ("b", True), ("c", True)]
