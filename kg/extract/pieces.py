"""Extraction of many articles, long ones piece by piece: a spaCy pipeline and articles in, one
:class:`~kg.records.ArticleRecord` per article out.

An article up to :data:`~kg.ingest.pieces.PIECE_CHARS` characters is parsed whole (batched ``nlp.pipe``). A
longer one is cut at paragraph, line or sentence boundaries (:func:`kg.ingest.pieces.split_text`); each piece is
parsed and extracted on its own, one after the other, and its record is moved to its place in the whole text
(:func:`shift_record`) and added to the article's one record. So spaCy never sees more than one piece at a time:
its memory does not grow with the text, and a text longer than spaCy's ``max_length`` is read too. What a piece
cannot see is the others: a fact told across a cut, or a "he" whose name is in the piece before, is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import extract
from kg.ingest.pieces import PIECE_CHARS, split_text
from kg.records import Article, ArticleRecord, Span

#: Fields of the records that hold local ids of the article's events, counts and statements (or lists of them).
ID_FIELDS = frozenset(
    {
        "local_id",
        "caused_by",
        "responds_to",
        "sub_event_of",
        "started_by",
        "ended_by",
        "event",
        "concerns_events",
        "demands_events",
    }
)


class _Shift:
    """Moves records of a piece to the whole text: spans by ``chars`` and ``sentences``, local ids tagged.

    Objects the piece's record shares (a mention that is also an event's agent) stay shared.
    """

    def __init__(self, chars: int, sentences: int) -> None:
        self.chars, self.sentences = chars, sentences
        self.memo: dict[int, object] = {}

    def local_id(self, value):
        if isinstance(value, str):
            return f"{value}+{self.chars}"
        if isinstance(value, list):
            return [self.local_id(item) for item in value]
        return value  # None

    def __call__(self, value, name: str = ""):
        if isinstance(value, Span):
            return replace(
                value,
                start=value.start + self.chars,
                end=value.end + self.chars,
                sentence=value.sentence + self.sentences,
            )
        if name in ID_FIELDS:
            return self.local_id(value)
        if isinstance(value, list):
            return [self(item, name) for item in value]
        if isinstance(value, tuple):
            return tuple(self(item, name) for item in value)
        if is_dataclass(value) and not isinstance(value, type):
            key = id(value)
            if key not in self.memo:
                self.memo[key] = replace(
                    value, **{f.name: self(getattr(value, f.name), f.name) for f in fields(value) if f.init}
                )
            return self.memo[key]
        return value


def shift_record(record: ArticleRecord, chars: int, sentences: int, article: Article) -> ArticleRecord:
    """The record of a piece that starts at character ``chars`` and sentence ``sentences`` of ``article``.

    Every span moves by ``chars`` characters and ``sentences`` sentences; every local id gets ``+<chars>``
    (ids are unique per piece only); ``duplicates`` moves by ``sentences``.
    """
    if not chars and not sentences:
        return replace(record, article=article)
    shift = _Shift(chars, sentences)
    moved = {
        f.name: shift(getattr(record, f.name), f.name)
        for f in fields(record)
        if f.name not in ("article", "sentences", "duplicates")
    }
    duplicates = {repeat + sentences: first + sentences for repeat, first in record.duplicates.items()}
    return replace(record, article=article, duplicates=duplicates, **moved)


def join_records(article: Article, parts: Iterable[ArticleRecord]) -> ArticleRecord:
    """One record of ``article`` from the records of its pieces, already shifted (:func:`shift_record`)."""
    whole = ArticleRecord(article=article)
    for part in parts:
        for f in fields(whole):
            mine, theirs = getattr(whole, f.name), getattr(part, f.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                mine.update(theirs)
            elif isinstance(mine, int):
                setattr(whole, f.name, mine + theirs)
    return whole


def extract_long(nlp: Language, article: Article, limit: int = PIECE_CHARS) -> ArticleRecord:
    """The record of an article of any length, parsed piece by piece (one piece in memory at a time)."""
    pieces = split_text(article.text, min(limit, nlp.max_length))
    docs = nlp.pipe((piece for _, piece in pieces), batch_size=1)
    sentences = 0
    parts = []
    for (offset, piece), doc in zip(pieces, docs, strict=True):
        # a later piece has no title line; the date, source and metadata are the article's
        local = replace(article, text=piece, title=article.title if not offset else None)
        part = extract(local, doc)
        del doc
        parts.append(shift_record(part, offset, sentences, article))
        sentences += part.sentences
    return join_records(article, parts)


def parsed_whole(
    nlp: Language, articles: list[Article], batch_size: int, limit: int = PIECE_CHARS
) -> Iterator[tuple[Article, Doc]]:
    """The articles of at most ``limit`` characters, each with its Doc (batched ``nlp.pipe``), in their order; the
    others are extracted in pieces (:func:`extract_long`)."""
    short = [a for a in articles if len(a.text) <= limit]
    return zip(short, nlp.pipe((a.text for a in short), batch_size=batch_size), strict=True)


def extract_articles(
    nlp: Language, articles: list[Article], batch_size: int, limit: int = PIECE_CHARS
) -> list[ArticleRecord]:
    """The records of ``articles``, in their order: short ones through batched ``nlp.pipe``, long ones in pieces."""
    records = {id(a): extract(a, doc) for a, doc in parsed_whole(nlp, articles, batch_size, limit)}
    return [records[id(a)] if id(a) in records else extract_long(nlp, a, limit) for a in articles]
