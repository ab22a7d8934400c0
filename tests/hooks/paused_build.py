"""``kg`` that waits to be killed when the build reaches a stage, for tests that kill a build midway.

Usage: ``python -m tests.hooks.paused_build STAGE FLAG build INPUT ... --out OUT``: runs ``kg build ...`` in this
process with :meth:`kg.build.report.BuildReport.timed` wrapped, so that entering the timed block of ``STAGE``
("store", "swap", ...) writes ``STAGE`` into the file ``FLAG`` and sleeps until the test kills the process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pause_at(stage: str, flag: Path) -> None:
    """Make every build of this process wait at ``stage`` (after writing ``stage`` into ``flag``)."""
    from kg.build.report import BuildReport

    timed = BuildReport.timed

    @contextmanager
    def pausing(report: BuildReport, name: str) -> Iterator[None]:
        with timed(report, name):
            if name == stage:
                flag.write_text(stage)
                print(f"paused at stage {stage}: waiting to be killed", file=sys.stderr, flush=True)
                time.sleep(600)
            yield

    BuildReport.timed = pausing


def main(argv: list[str]) -> None:
    stage, flag, *command = argv
    pause_at(stage, Path(flag))
    from kg.cli import main as kg_main

    kg_main(command)


if __name__ == "__main__":
    main(sys.argv[1:])
