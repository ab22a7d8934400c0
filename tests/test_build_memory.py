"""`kg build` memory stays nearly flat as the corpus grows: 4x the articles, far less than 4x the peak.

Two builds of a synthetic corpus (40 and 160 articles, the first a prefix of the second) run in child processes,
each from a filled extraction cache (so spaCy, which is the same for any corpus, is not loaded), and report their
peak resident set (VmHWM). ``KG_SPOOL_LINES`` caps the build's sort buffers below the size of these small corpora,
as the default cap (50,000 lines) does for large ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from kg.build.pipeline import run_build
from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys
from kg.config import Settings
from kg.build.pipeline import run_build
report = run_build([sys.argv[1]], Settings.from_env(out=sys.argv[2], jobs=1))
peak = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(report.articles, report.cached, peak)
"""


def _peak_kib(corpus: Path, out: Path) -> tuple[int, int, int]:
    """(articles, articles from the cache, peak RSS in KiB) of a build in a child process."""
    env = {**os.environ, "KG_SPOOL_LINES": "5000"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(out)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=900)
    articles, cached, peak = (int(x) for x in done.stdout.split()[-3:])
    return articles, cached, peak


def test_peak_memory_grows_far_less_than_the_corpus(tmp_path):
    big, small = tmp_path / "c160", tmp_path / "c40"
    subprocess.run([sys.executable, "-m", "bench.synth", str(big), "--articles", "160"], cwd=ROOT, check=True,
                   capture_output=True)
    small.mkdir()
    for path in sorted(big.glob("*.txt"))[:40]:
        shutil.copy(path, small)
    peaks = {}
    for attempt in range(2):  # the cache is keyed by the source tree: refill once if it changed in between
        run_build([big], Settings.from_env(out=str(tmp_path / "fill"), jobs=2))
        for name, corpus in (("small", small), ("big", big)):
            out = tmp_path / f"out-{name}-{attempt}"
            out.mkdir()
            shutil.copytree(tmp_path / "fill" / "cache", out / "cache")
            peaks[name] = _peak_kib(corpus, out)
        if all(articles == cached for articles, cached, _ in peaks.values()):
            break
    assert peaks["small"][:2] == (40, 40) and peaks["big"][:2] == (160, 160), peaks
    report = json.loads((tmp_path / f"out-big-{attempt}" / "report.json").read_text())
    assert report["counts"]["quads"] > 3.5 * json.loads(
        (tmp_path / f"out-small-{attempt}" / "report.json").read_text())["counts"]["quads"]
    ratio = peaks["big"][2] / peaks["small"][2]
    assert ratio < 1.5, f"peak RSS {peaks['small'][2] // 1024} MiB at 40 articles, {peaks['big'][2] // 1024} MiB at 160"
