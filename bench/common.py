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

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_child(args: list[str], timeout: float | None = None, log: Path | None = None,
              env: dict[str, str] | None = None) -> ChildRun:
    """Run ``args`` to completion (or kill it after ``timeout`` s) and measure it.

    Peak memory is the child's ``VmHWM`` (polled every 50 ms; it is a high-water mark, so polling
    misses at most the last 50 ms); its own subprocesses are not counted.
    """
    log = log or Path(os.devnull)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        timed_out = False
        deadline = None if timeout is None else start + timeout
        hwm_kb = 0
        while True:
            hwm_kb = max(hwm_kb, _vm_hwm_kb(proc.pid))
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
    return ChildRun(list(args), seconds, (hwm_kb or usage.ru_maxrss) / 1024, proc.returncode, timed_out, output)


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
