"""The one reader of kg/data/ (kg.lexicon): tables read once and shared read-only, the event-class table, and
clear messages for a broken table."""

from __future__ import annotations

import pytest

from kg import lexicon
from kg.errors import KGError
from kg.extract.gazetteer import load_gazetteer
from kg.extract.triggers import triggers


def test_a_table_is_read_once_and_cannot_be_changed_by_a_caller():
    posts = lexicon.mapping("posts.tsv")
    assert posts is lexicon.mapping("posts.tsv")
    assert list(posts) == [row[0] for row in lexicon.rows("posts.tsv") if len(row) >= 2]
    with pytest.raises(TypeError):
        posts["invented title"] = "x"  # type: ignore[index]
    assert "invented title" not in lexicon.mapping("posts.tsv")
    words = lexicon.words("spokespersons.txt")
    assert words is lexicon.words("spokespersons.txt") and isinstance(words, tuple)
    assert words == tuple(row[0] for row in lexicon.rows("spokespersons.txt"))
    assert lexicon.word_set("spokespersons.txt") == frozenset(words)


def test_every_class_of_the_trigger_table_has_a_row_in_the_class_table():
    classes = lexicon.event_classes()
    used = {t.event_class for t in triggers().values()} - {"-"}
    assert used <= set(classes), sorted(used - set(classes))
    assert all(0 < c.confidence <= 1 for c in classes.values())
    assert lexicon.classes_with("tenure") == {"Resignation", "Removal", "Appointment"}
    assert lexicon.has_trait("Curfew", "measure") and not lexicon.has_trait("Curfew", "nationwide")
    assert not lexicon.has_trait("NoSuchClass", "period")
    assert lexicon.event_confidence("StateOfEmergency") == 0.85
    assert lexicon.event_confidence("Demonstration") == lexicon.DEFAULT_EVENT_CONFIDENCE
    with pytest.raises(ValueError, match="unknown event trait"):
        lexicon.classes_with("nation-wide")


def test_a_broken_table_says_which_file_and_what_to_do(tmp_path):
    (tmp_path / "event_classes.tsv").write_text("Riot\t-\tnarrative,loud\n")
    with pytest.raises(KGError, match=r"event_classes.tsv: class Riot has the unknown trait\(s\) loud"):
        lexicon.lexicon(tmp_path).event_classes()
    (tmp_path / "event_classes.tsv").write_text("Riot\thigh\t-\n")
    with pytest.raises(KGError, match="give a number from 0 to 1"):
        lexicon.Lexicon(tmp_path).event_classes()
    with pytest.raises(KGError, match="missing: reinstall newsgraph"):
        lexicon.Lexicon(tmp_path).rows("posts.tsv")
    (tmp_path / "titles.jsonl").write_text('{"key": "mayor", "terms": ["mayor"]}\n{"key": \n')
    with pytest.raises(KGError, match=r"titles.jsonl:2 is not valid JSON"):
        load_gazetteer(tmp_path)


def test_the_gazetteer_of_another_folder_reads_its_tables_and_takes_a_missing_one_as_empty(tmp_path):
    (tmp_path / "titles.jsonl").write_text('{"key": "mayor", "terms": ["Mayor", "city mayor"]}\n')
    (tmp_path / "not_entities.txt").write_text("# words never entities\nBreaking News\n")
    gazetteer = load_gazetteer(tmp_path)
    assert gazetteer.titles == {"mayor": "mayor", "city mayor": "mayor"}
    assert gazetteer.not_entities == {"breaking news"}
    assert gazetteer.entries == () and gazetteer.groups == {} and gazetteer.typing == {}
