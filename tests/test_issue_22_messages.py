"""Issue 22: one message line per skipped input, never inside the progress bar, and a closing line that says
what validation found."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import termios

from click.testing import CliRunner

from kg.cli import main
from tests.conftest import KG, ROOT


def _inputs(folder):
    folder.mkdir()
    (folder / "a.txt").write_text("Protesters gathered in Lisbon on Monday, police said.")
    (folder / "b.txt").write_bytes(b"caf\xe9 au lait")
    (folder / "c.jsonl").write_bytes(b'{"text": "Farmers blocked a road near Porto."}\n{"text": "raw\ttab"}\n')
    return folder


def test_one_line_per_skipped_input_with_the_path_as_given(tmp_path):
    folder = _inputs(tmp_path / "in")
    done = subprocess.run(
        [*KG, "build", str(folder), "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines == [
        f"warning: skipped {folder / 'b.txt'}: not UTF-8 text (byte 3: invalid continuation byte); re-save it as UTF-8",
        f"warning: skipped {folder / 'c.jsonl'}:2: not valid JSON (Invalid control character at: "
        "column 14); each line must be one JSON object",
    ]
    assert re.fullmatch(r"built 2 articles .*; 0 problems(, \d+ warnings? \(kg validate lists them\))?\n", done.stdout)


def test_on_a_terminal_messages_are_written_above_the_progress_bar(tmp_path):
    folder = _inputs(tmp_path / "in")
    pid, fd = pty.fork()
    if pid == 0:  # the child: kg build on the pseudo-terminal, 24 lines of 100 columns
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        os.chdir(ROOT)
        os.execv(KG[0], [*KG, "build", str(folder), "--out", str(tmp_path / "out")])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "extract:" in text and "article/s" in text  # the bar was drawn
    # every piece of output between carriage returns and newlines that tells of a skipped input is that message
    # alone: the bar is cleared before it and drawn again after it
    pieces = [piece for piece in re.split(r"[\r\n]", text) if "skipped" in piece]
    assert len(pieces) == 2 and all(piece.startswith("warning: skipped ") for piece in pieces), pieces
    assert all("%|" not in piece for piece in pieces)


def test_the_build_reports_its_shacl_warnings_as_kg_validate_counts_them(seed_build):
    report = json.loads((seed_build / "report.json").read_text())
    result = CliRunner().invoke(main, ["validate", "--out", str(seed_build)])
    assert result.exit_code == 0, result.output
    violations, warnings = map(int, re.match(r"(\d+) violation\(s\), (\d+) warning\(s\)", result.output).groups())
    assert violations == report["validation"]["violations"] == 0
    assert warnings == report["validation"]["warnings"] == sum(report["validation"]["warnings_by_kind"].values())


def test_repeated_and_overlong_texts_are_named_by_the_path_as_given(tmp_path):
    """The two skips the build decides itself (a text read before, a text above KG_MAX_ARTICLE_CHARS) name the
    input as the user gave it, a row of a JSON Lines file by file and line, and a repeat names the first copy."""
    folder = tmp_path / "in" / "2022"
    folder.mkdir(parents=True)
    text = "Protesters gathered in Lisbon on Monday, police said."
    (folder / "a.txt").write_text(text)
    (folder / "copy.txt").write_text(text)
    (folder / "feed.jsonl").write_text(json.dumps({"text": text}) + "\n"
                                       + json.dumps({"text": "Farmers blocked a road near Porto. " * 10}) + "\n")
    env = {**os.environ, "KG_MAX_ARTICLE_CHARS": "300", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*KG, "build", "in", "--out", "out"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    first = os.path.join("in", "2022", "a.txt")
    assert done.stderr.splitlines() == [
        f"warning: skipped {os.path.join('in', '2022', 'copy.txt')}: same text as {first} (article "
        f"{_article_id(text)})",
        f"warning: skipped {os.path.join('in', '2022', 'feed.jsonl')}:1: same text as {first} (article "
        f"{_article_id(text)})",
        f"warning: skipped {os.path.join('in', '2022', 'feed.jsonl')}:2: 349 characters after cleaning, more than "
        "KG_MAX_ARTICLE_CHARS (300): split it into several articles, or raise KG_MAX_ARTICLE_CHARS",
    ]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [item["path"] for item in report["skipped"]] == [
        os.path.join("in", "2022", "copy.txt"), os.path.join("in", "2022", "feed.jsonl") + ":1",
        os.path.join("in", "2022", "feed.jsonl") + ":2"]


def _article_id(text: str) -> str:
    from kg.ingest.readers import content_hash
    return content_hash(text)
