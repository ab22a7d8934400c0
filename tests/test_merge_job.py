"""kg.store.spool.MergeJob: sorted files merged without repeats, the same bytes with the system's `sort` as without."""

from __future__ import annotations

import random

import pytest

from kg.store import spool
from kg.store.spool import MergeJob, SortedSpool


def _sorted_files(tmp_path, count: int) -> list:
    """Files of sorted N-Quads-like lines with repeats across and within them, and characters beyond ASCII."""
    rng = random.Random(7)
    words = ["<http://e/a>", "<http://e/é>", '"x y"', '"ß"@de', "_:b1", "_:b12", '"a"', '"a"@en', "<http://e/ü>"]
    files = []
    for n in range(count):
        spooled = SortedSpool(tmp_path / f"spool{n}")
        spooled.add([" ".join(rng.choice(words) for _ in range(3)) + " <http://e/g> .\n" for _ in range(400)])
        path = tmp_path / f"in{n}.nq"
        path.write_text("".join(spooled), encoding="utf-8")
        spooled.close()
        files.append(path)
    return files


def test_the_sort_process_and_the_python_merge_write_the_same_bytes(tmp_path, monkeypatch):
    files = _sorted_files(tmp_path, 3)
    lines = sorted({line for f in files for line in f.read_text(encoding="utf-8").splitlines(keepends=True)})
    with_sort = MergeJob(files, tmp_path / "sort.nq")
    assert with_sort._process is not None  # this machine has `sort`: the process path is what ran
    assert with_sort.wait() == len(lines)
    monkeypatch.setattr(spool.shutil, "which", lambda name: None)
    in_python = MergeJob(files, tmp_path / "python.nq")
    assert in_python._process is None
    assert in_python.wait() == len(lines)
    assert (tmp_path / "sort.nq").read_bytes() == (tmp_path / "python.nq").read_bytes() == "".join(lines).encode()


def test_a_failed_merge_says_which_files(tmp_path):
    job = MergeJob([tmp_path / "missing.nq"], tmp_path / "out.nq")
    with pytest.raises(OSError, match="missing.nq"):
        job.wait()
