"""What the extractors share (kg.extract.context): paragraphs, verbs, the event near a word."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from kg.extract.context import Context, event_near, is_verb
from kg.records import EventRecord, Span


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def test_paragraphs_end_at_line_breaks(nlp):
    text = ("Officials met on Monday. They talked.\n\nA second paragraph starts here. It goes on.\n"
            "A third one follows.")
    ctx = Context("a1", nlp(text), [])
    # the one helper agrees with the text itself at every pair of offsets
    for a in range(0, len(text) + 1, 3):
        assert ctx.paragraph_start(a) == text.rfind("\n", 0, a) + 1
        for b in range(0, len(text) + 1, 5):
            assert ctx.line_break_between(a, b) == ("\n" in text[a:b])
    starts = [s.start_char for s in ctx.sents]
    first, second = starts.index(0), next(i for i, s in enumerate(ctx.sents) if s.text.startswith("A second"))
    assert ctx.same_paragraph(first, first + 1)
    assert not ctx.same_paragraph(first, second) and not ctx.same_paragraph(second, first)
    assert ctx.same_paragraph(second, second + 1)
    assert not ctx.same_paragraph(second, len(ctx.sents) - 1)


def test_a_verb_by_its_part_of_speech_or_also_by_its_tag(nlp):
    doc = nlp("The minister said the talks failed.")
    said, minister = doc[2], doc[1]
    assert is_verb(said) and is_verb(said, by_tag=False)
    assert not is_verb(minister) and not is_verb(minister, by_tag=False)
    # the coarse tag says noun, the fine tag says verb: a verb only when the tag counts
    tagged = Doc(nlp.vocab, words=["reports"], pos=["NOUN"], tags=["VBZ"])[0]
    assert is_verb(tagged) and not is_verb(tagged, by_tag=False)


def test_according_to_names_its_to(nlp):
    doc = nlp("According to the police, ten people were hurt. He was according no weight to it.")
    ctx = Context("a1", doc, [])
    first, second = ctx.sents[0], ctx.sents[1]
    assert ctx.according_to(doc[0], first).i == 1
    assert ctx.according_to(doc[1], first) is None
    assert all(ctx.according_to(t, second) is None for t in second)


def test_the_event_nearest_to_a_word_of_its_sentence():
    def event(local: str, sentence: int, start: int) -> EventRecord:
        span = Span("a1", start, start + 5, "xxxxx", sentence)
        return EventRecord(local_id=local, event_class="Demonstration", trigger=span, evidence=span)

    events = [event("e1", 0, 10), event("e2", 0, 50), event("e3", 1, 12)]
    assert event_near(events, 0, 40) == "e2"
    assert event_near(events, 0, 12) == "e1"
    assert event_near(events, 1, 100) == "e3"
    assert event_near(events, 2, 10) is None


def test_the_entities_of_a_sentence_are_those_spacy_gives_it(nlp):
    doc = nlp("The Central Bank of Kenya met in Nairobi on Monday. Police arrested 40 people in Mombasa.\n\n"
              "Jane Doe, the mayor of Kisumu, said on 3 March that the Constitution's Article 58 applies.")
    ctx = Context("a1", doc, [])
    assert sum(len(ctx.ents_in(i)) for i in range(len(ctx.sents))) > 4
    for i, sent in enumerate(ctx.sents):
        assert [(e.start, e.end, e.label_) for e in ctx.ents_in(i)] == [(e.start, e.end, e.label_) for e in sent.ents]


def test_the_tokens_of_some_words_are_those_a_scan_of_the_doc_finds(nlp):
    doc = nlp("The post was taken by Jane Doe. She HEADS the council and headed the Post Office before.")
    ctx = Context("a1", doc, [])
    for words in (frozenset({"post", "heads", "headed"}), frozenset({"the"}), frozenset({"absent"})):
        assert [t.i for t in ctx.tokens_of(words)] == [t.i for t in doc if t.lower_ in words]
    assert [t.text for t in ctx.tokens_of(frozenset({"heads", "post"}))] == ["post", "HEADS", "Post"]
