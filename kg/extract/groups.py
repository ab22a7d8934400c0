"""Unnamed groups that events need as participants ("protesters", "security forces"): a Doc in, group
:class:`~kg.records.Mention` records out.

The terms and the group each stands for are data (``kg/data/groups.jsonl``). A term inside a
named entity (the "Police" of "Capitol Police") is not a group mention.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.doc_views import entities_of, text_of
from kg.extract.entities import SentenceIndex
from kg.extract.gazetteer import Gazetteer, fold, load_gazetteer, term_pattern
from kg.records import GROUP, Mention, Span

GROUP_LABEL = "GROUP"
COMPONENT = "group_rule"


def extract_groups(article_id: str, doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Group mentions in ``doc``, in text order; the name is the group's label from the data."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    if not gazetteer.groups:
        return []
    pattern = term_pattern(tuple(gazetteer.groups))
    named = [(e.start_char, e.end_char) for e in entities_of(doc)]
    sentence_of = SentenceIndex(doc)
    mentions = []
    for match in pattern.finditer(text_of(doc)):
        start, end = match.span()
        if any(s < end and start < e for s, e in named):
            continue
        label = gazetteer.groups[fold(match.group(0))]
        mentions.append(Mention(Span(article_id, start, end, match.group(0), sentence_of(start)),
                                GROUP, label, GROUP_LABEL, None, COMPONENT, 0.7))
    return mentions
