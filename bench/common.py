"""What every benchmark shares: settings from ``BENCH_*`` variables, timed child processes, machine facts."""

from __future__ import annotations

import logging
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
#: ``kg build`` as the benchmarks run it: the real command, SHACL gate non-fatal (see build_child.py).
KG_BUILD = [PYTHON, "-m", "bench.build_child"]
VALIDATION_FAILED = "BENCH: validation failed"


def env_int(name: str, default: int) -> int:
    """An integer setting ``BENCH_<NAME>`` (see bench/README.md), or ``default``."""
    return int(os.environ.get(f"BENCH_{name}", default))


def env_float(name: str, default: float) -> float:
    """A float setting ``BENCH_<NAME>``, or ``default``."""
    return float(os.environ.get(f"BENCH_{name}", default))


def env_list(name: str, default: str) -> list[int]:
    """A comma-separated list of integers ``BENCH_<NAME>``, or ``default``."""
    return [int(x) for x in os.environ.get(f"BENCH_{name}", default).split(",") if x.strip()]


@dataclass
class ChildRun:
    """One finished (or stopped) child process: wall time, peak resident memory, exit status."""

    args: list[str]
    seconds: float
    max_rss_mb: float
    returncode: int
    timed_out: bool
    output: str
    #: With ``tree=True``: the peak of :func:`tree_resident_mib` of the child and its own processes, in MiB.
    tree_mb: float = float("nan")

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_child(args: list[str], timeout: float | None = None, log: Path | None = None,
              env: dict[str, str] | None = None, tree: bool = False) -> ChildRun:
    """Run ``args`` to completion (or kill it after ``timeout`` s) and measure it.

    Peak memory is the child's ``VmHWM`` (polled every 50 ms; it is a high-water mark, so polling
    misses at most the last 50 ms); its own subprocesses are not counted there. With ``tree``, the memory of the
    child's whole process tree (:func:`tree_resident_mib`: the child's resident set and its processes' private
    memory, so that pages a fork shares count once) is sampled every 50 ms too, and its peak kept (a sample, so a
    peak shorter than 50 ms may be missed).
    """
    log = log or Path(os.devnull)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else start + timeout
        hwm_kb = 0
        tree_mb = float("nan") if not tree else 0.0
        while True:
            hwm_kb = max(hwm_kb, _vm_hwm_kb(proc.pid))
            if tree:
                tree_mb = max(tree_mb, tree_resident_mib(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = "" if log == Path(os.devnull) else log.read_text(errors="replace")[-2000:]
    if proc.returncode != 0 and not timed_out:
        logger.warning("%s exited with %s: %s", " ".join(args[:3]), proc.returncode, output)
    return ChildRun(list(args), seconds, (hwm_kb or usage.ru_maxrss) / 1024, proc.returncode, timed_out, output,
                    tree_mb)


def _vm_hwm_kb(pid: int) -> int:
    """The peak resident set of process ``pid`` so far (``VmHWM``), in KiB; 0 if it cannot be read.

    ``ru_maxrss`` from ``wait4`` is no good here: a child starts with its parent's peak at the time
    of the fork (the kernel carries it across ``exec``), so a big parent hides a small child.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        one = todo.pop()
        tree.append(one)
        todo.extend(children.get(one, []))
    return tree


def tree_resident_mib(pid: int) -> float:
    """The memory of ``pid``'s process tree, in MiB: its resident set, plus the private memory (pages no other
    process maps) of every process descended from it. A forked child's pages still shared with its parent are in the
    parent's resident set already; a page either of them wrote since is a copy, private to the child. Unlike the
    proportional set (PSS), this does not change with unrelated processes that map the same libraries."""
    total = 0
    for one in process_tree(pid):
        try:
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if (line.startswith("Rss:") if one == pid else line.startswith(("Private_Clean:", "Private_Dirty:"))):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def tree_memory_mib(pid: int) -> tuple[float, float]:
    """(resident set, proportional set) of ``pid``'s whole process tree, in MiB: RSS counts the pages a fork
    shares once per process, PSS divides them among the processes that share them (the honest total)."""
    rss = pss = 0
    for one in process_tree(pid):
        try:
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return rss / 1024, pss / 1024


def dir_size_mb(path: Path) -> float:
    """Bytes under ``path`` (a file or a folder), in MiB."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str]:
    """The facts results.md starts with: CPU, cores, memory, OS, Python, load at start."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "load average at start (1, 5, 15 min)": load}


def fmt(value: float, digits: int = 2) -> str:
    """A number for a Markdown table (``nan`` as an en dash)."""
    if value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}"
