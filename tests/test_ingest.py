from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.ingest import Article, Skipped, content_hash, find_files, iter_articles, normalise, read_article


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
