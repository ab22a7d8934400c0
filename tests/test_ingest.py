from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.ingest.readers import Article, Skipped, content_hash, find_files, iter_articles, normalise, read_article


def test_reads_every_txt_under_a_folder_sorted(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Second article.")
    (tmp_path / "sub" / "a.txt").write_text("First article.")
    (tmp_path / "notes.md").write_text("not an article")
    assert [p.name for p in find_files([tmp_path])] == ["a.txt", "b.txt"]


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        find_files([tmp_path / "nope"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"  \n\n ", "empty"), (b"\x00\x01\x02binary", "binary"), (b"caf\xe9 au lait", "not UTF-8")],
)
def test_unusable_files_are_skipped_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    item = read_article(path)
    assert isinstance(item, Skipped) and reason in item.reason


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "good.txt").write_text("The government resigned on Wednesday.")
    items = list(iter_articles([tmp_path]))
    assert [type(i) for i in items] == [Skipped, Article]


def test_identity_is_the_content_hash_not_the_file_name(tmp_path):
    (tmp_path / "one.txt").write_text("Same “text”.\n")
    (tmp_path / "two.txt").write_text('Same "text".')
    a, b = list(iter_articles([tmp_path]))
    assert a.id == b.id == content_hash('Same "text".')
    assert a.source == "one.txt" and b.source == "two.txt"


def test_normalise_folds_quotes_and_spaces():
    assert normalise("It\u2019s  \u201cfine\u201d\u00a0now\n\n\n\nok") == "It's \"fine\" now\n\nok"


# ---- boilerplate, dates, titles, metadata (issue 4) ----

from kg.ingest.readers import clean, find_date, find_title, is_boilerplate, read_metadata  # noqa: E402


@pytest.mark.parametrize("line", [
    "Source link", "The news is supplemented", "Photo is illustrative in nature. From open sources.",
    "Modified 24 December 2022, 22:37", "Posted 5 января 2022,, 10:42", "5 января 2022, 10:42",
    "Please disable your ad blocker to continue reading the news.", "Best regards, editors",
    "Our site is solely funded by advertising money.", "Latest at 17:15 Moscow time",
])
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Police fired tear gas in the city of Aktau.", "Photographers were detained at the square.",
    "The source of the fire was unknown.", "Regards to the victims were sent by the mayor, he said.",
])
def test_article_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_clean_strips_boilerplate_and_a_repeated_title_and_keeps_offsets_in_the_stored_text(tmp_path):
    raw = ("Riots in the capital\n\nRiots in the capital\nPublished 3 March 2014, 10:00\n"
           "Troops entered Lviv on Monday. Clashes in Kyiv. Photo report Photo gallery\n\nSource link\n"
           "Please disable your ad blocker to continue reading.")
    (tmp_path / "a.txt").write_text(raw)
    article = read_article(tmp_path / "a.txt")
    assert article.text == "Riots in the capital\n\nTroops entered Lviv on Monday. Clashes in Kyiv."
    assert article.text == clean(raw) and article.id == content_hash(article.text)
    assert article.title == "Riots in the capital" and article.date == "2014-03-03"
    assert article.meta["date_source"] == "text"


@pytest.mark.parametrize(("text", "date"), [
    ("Posted 5 января 2022,, 10:42", "2022-01-05"), ("24 декабря 2022", "2022-12-24"),
    ("Kyiv, February 24, 2022 - ...", "2022-02-24"), ("on 3rd March 2014 troops", "2014-03-03"),
    ("2019-10-13 update", "2019-10-13"), ("on Wednesday, January 5", None), ("31 February 2020", None),
])
def test_dates_in_english_and_russian(text, date):
    assert find_date(text) == date


def test_title_only_when_the_first_line_reads_as_a_headline():
    assert find_title("Protests spread\n\nBody.") == "Protests spread"
    assert find_title("The president signed a decree on Monday.\n\nMore.") is None
    assert find_title("Only one line") is None


def test_metadata_file_gives_date_and_title_when_the_text_has_none(tmp_path):
    (tmp_path / "metadata.csv").write_text("file,date,title,outlet,url\n"
                                           "a.txt,2019-10-03,Fuel protests,El Diario,\n")
    (tmp_path / "a.txt").write_text("Protesters blocked roads on Thursday. Police arrived.")
    (tmp_path / "b.txt").write_text("Published 13 October 2019\nTalks began.")
    a, b = list(iter_articles([tmp_path]))
    assert (a.date, a.title, a.meta["outlet"], a.meta["date_source"]) == ("2019-10-03", "Fuel protests", "El Diario",
                                                                          "metadata")
    assert b.date == "2019-10-13" and b.meta["date_source"] == "text"
    assert "url" not in a.meta


def test_metadata_without_a_file_column_is_a_clear_error(tmp_path):
    (tmp_path / "metadata.csv").write_text("name,date\nx.txt,2020-01-01\n")
    with pytest.raises(InputError, match="'file' column"):
        read_metadata(tmp_path)


def test_unknown_date_stays_unknown(tmp_path):
    (tmp_path / "a.txt").write_text("Protesters blocked roads on Thursday.")
    assert read_article(tmp_path / "a.txt").date is None


def test_text_decoded_with_the_wrong_code_page_is_repaired(tmp_path):
    """Windows-1252 quotes that reached us as C1 control characters, and UTF-8 read as Windows-1252, are mended
    before anything reads the text; clean text is left as it is."""
    (tmp_path / "a.txt").write_text("\x91\x91We will stay,\x92\x92 said the caf\u00c3\u00a9 owner in Lom\u00c3\u00a9.",
                                    encoding="utf-8")
    art = read_article(tmp_path / "a.txt")
    assert art.text == '"We will stay," said the café owner in Lomé.'
    assert normalise("Señor Núñez said ‘no’.") == "Señor Núñez said 'no'."
