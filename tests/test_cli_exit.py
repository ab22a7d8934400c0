"""The ``kg`` program ends a finished build without the interpreter's teardown (kg.cli.entry), and only then."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import atexit, multiprocessing, sys, time
import kg.cli
atexit.register(lambda: print("teardown ran", flush=True))
if sys.argv[1] == "child":
    multiprocessing.Process(target=time.sleep, args=(0.5,), daemon=True).start()
kg.cli._large_heap_done = sys.argv[2] == "done"
kg.cli.entry(["--version"])
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120)


def test_a_finished_build_ends_at_once_with_its_output_flushed():
    done = run("none", "done")
    assert done.returncode == 0
    assert "version" in done.stdout  # written before the process ended
    assert "teardown ran" not in done.stdout  # os._exit: no atexit handlers, no teardown


def test_any_other_ending_goes_through_the_teardown():
    assert "teardown ran" in run("none", "other").stdout  # not after a build
    with_child = run("child", "done")  # a child process still running: the usual exit, which ends it
    assert with_child.returncode == 0 and "teardown ran" in with_child.stdout
