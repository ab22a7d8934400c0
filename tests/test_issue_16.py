"""Issue 16: entities right on any article (corpus profiles, context-scoped institutions, gazetteer places,
countries, people). Invented sentences only; the dev-set floors are in ``tests/test_dev_eval.py``."""

from __future__ import annotations

from kg.extract.gazetteer import load_gazetteer
from kg.records import Article, ArticleRecord, Mention, Span
from kg.resolve.entities import resolve


def record(article_id: str, text: str, *names: tuple[str, str, str]) -> ArticleRecord:
    """An article of ``text`` whose mentions are (name, kind, NER label), found where the text has them."""
    mentions = []
    for name, kind, label in names:
        start = text.index(name)
        mentions.append(Mention(Span(article_id, start, start + len(name), name, 0), kind, name, label))
    return ArticleRecord(Article(article_id, f"{article_id}.txt", text), mentions)


def test_a_profile_alias_applies_only_to_articles_about_its_country():
    gazetteer = load_gazetteer(profile="kazakhstan")
    about = record(
        "kz",
        "In Kazakhstan, the Security Council met; Kazakh officials said the Security Council would act.",
        ("Security Council", "organization", "ORG"),
    )
    other = record(
        "fr",
        "In France, the Security Council met; French officials said little.",
        ("Security Council", "organization", "ORG"),
    )
    resolution = resolve([about, other], gazetteer)
    assert resolution.entity_of(about.mentions[0]).label == "Security Council of Kazakhstan"
    assert resolution.entity_of(other.mentions[0]).label != "Security Council of Kazakhstan"


def test_no_profile_no_profile_rows():
    gazetteer = load_gazetteer(profile="")
    about = record("kz", "In Kazakhstan, Oral was calm; Kazakh police said so.", ("Oral", "place", "GPE"))
    assert resolve([about], gazetteer).entity_of(about.mentions[0]).label == "Oral"
