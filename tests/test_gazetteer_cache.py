"""The gazetteer kept between processes (kg.extract.geo.world): what a later process reads from the cache file is
what it would have made."""

from __future__ import annotations

import pickle

from kg.extract import geo


def test_world_read_from_the_cache_is_the_world_made(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = geo.cache_file()
    assert path.parent == tmp_path / "newsgraph" and not path.exists()
    made = geo.world.__wrapped__()
    assert path.exists() and not list(path.parent.glob("*.tmp"))
    read = geo.world.__wrapped__()
    assert read is not made
    for attr in ("countries", "capitals", "_country_names", "_places", "_alternates", "_demonyms"):
        assert getattr(read, attr) == getattr(made, attr), attr
    assert read._text_pattern.pattern == made._text_pattern.pattern
    assert read.choose("Berlin", ["US"]) == made.choose("Berlin", ["US"])
    text = "The U.S. and Chinese leaders met."
    assert read.countries_in(text) == made.countries_in(text)


def test_a_broken_cache_file_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = geo.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({"not": "a world"})[:10])
    assert isinstance(geo.world.__wrapped__(), geo.World)
    assert isinstance(pickle.loads(path.read_bytes()), geo.World)


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "newsgraph").write_text("a file where the folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert geo.world.__wrapped__().country("U.S.").name == "United States"


def test_the_cache_file_is_named_by_every_package_the_gazetteer_reads():
    """A package the module imports inside a function is a data package: its version is part of the file's name."""
    import re
    from pathlib import Path

    source = Path(geo.__file__).read_text(encoding="utf-8")
    lazy = set(re.findall(r"^[ \t]+import (\w+)", source, re.M))
    lazy |= set(re.findall(r"^[ \t]+from (\w+)\S* import", source, re.M))
    assert lazy - {"importlib"} <= set(geo.DATA_PACKAGES)
