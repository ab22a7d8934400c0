"""``kg doctor``: what is installed and what would be served, settings in, a list of checks out.

Each :class:`Check` has a name, what was found and whether it is fine. Three groups: what ``kg build`` and
``kg serve`` need (Python packages, the spaCy model: without them nothing runs), the store ``kg serve`` would
open (its build id, date and counts, from ``newsgraph-build.json``), and what only ``make test`` needs (a JDK,
the OWL API, Chromium: reported, never a failure). Nothing is loaded that is slow to load: the spaCy model is
looked up as a package, the store through its build information.
"""

from __future__ import annotations

import platform
import shutil
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.errors import KGError

#: The distributions ``kg build`` and ``kg serve`` import (pyproject.toml's dependencies).
PACKAGES = ("spacy", "rdflib", "pyoxigraph", "owlrl", "pyshacl", "flask", "waitress", "click", "tqdm", "pyarrow")
#: What ``make test`` needs beyond the packages: command or file, and what it is for.
TEST_TOOLS = (
    ("java", "a Java runtime, for the Protégé checks and HermiT"),
    ("javac", "a JDK, for tests/java/OwlCheck.java"),
    ("/usr/share/java/owlapi-api.jar", "the OWL API (libowlapi-java), for the Protégé checks"),
    ("/usr/bin/chromium", "Chromium, for the browser tests"),
)

#: Exit codes: everything ``kg serve`` needs is there (0); a package or the model is missing (1); no usable store (4).
OK, MISSING_PACKAGE, NO_STORE = 0, KGError.exit_code, 4


@dataclass
class Check:
    """One thing looked at: its group (``run``, ``store`` or ``test``), name, what was found, and whether it is fine."""

    group: str
    name: str
    found: str
    ok: bool = True


@dataclass
class Diagnosis:
    """Every check, and the exit code they make."""

    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when something ``kg build``/``kg serve`` needs is missing, else 4 without a usable store, else 0."""
        if any(not c.ok for c in self.checks if c.group == "run"):
            return MISSING_PACKAGE
        if any(not c.ok for c in self.checks if c.group == "store"):
            return NO_STORE
        return OK

    def as_dict(self) -> dict:
        return {"exit_code": self.exit_code, "checks": [asdict(c) for c in self.checks]}

    def text(self) -> str:
        """The checks as aligned lines under a heading per group, and a last line that says what to do."""
        headings = {
            "run": "kg build / kg serve need",
            "store": "kg serve would serve",
            "test": "make test needs (not kg build or kg serve)",
        }
        width = max(len(c.name) for c in self.checks)
        lines: list[str] = []
        for group, heading in headings.items():
            lines.append(f"{heading}:")
            lines += [
                f"  {'ok ' if c.ok else 'no '} {c.name.ljust(width)}  {c.found}"
                for c in self.checks
                if c.group == group
            ]
        lines.append(
            {
                OK: "ready: `kg serve` serves this store",
                MISSING_PACKAGE: "not ready: run `make install` (or pip install -e .) in the clone",
                NO_STORE: "not ready: run `kg build` (it writes the store kg serve opens)",
            }[self.exit_code]
        )
        return "\n".join(lines)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _run_checks(settings: Settings) -> list[Check]:
    checks = [Check("run", "newsgraph", f"{__version__} (Python {platform.python_version()})")]
    for name in PACKAGES:
        version = _version(name)
        checks.append(Check("run", name, version or "not installed", version is not None))
    # the model is a package of its own; looked up, not loaded
    model = _version(settings.model) or _version(settings.model.replace("_", "-"))
    checks.append(
        Check(
            "run",
            "spaCy model",
            f"{settings.model} {model}" if model else f"{settings.model} not installed (KG_MODEL names it)",
            model is not None,
        )
    )
    return checks


def _store_checks(settings: Settings) -> list[Check]:
    from kg.store.build_info import read_build_info

    store = Path(settings.store)
    try:
        info = read_build_info(store)
    except KGError as exc:
        return [Check("store", "store", str(exc), False)]
    checks = [Check("store", "store", str(store.resolve()))]
    if info is None:
        return [*checks, Check("store", "build", "no newsgraph-build.json: written by an earlier kg build")]
    counts = ", ".join(f"{info.counts.get(k, 0)} {k}" for k in ("articles", "entities", "graphs", "quads"))
    return [
        *checks,
        Check("store", "build", f"{info.build_id}, built {info.built} by newsgraph {info.newsgraph}"),
        Check("store", "counts", counts),
        Check("store", "base IRI", info.base_iri),
    ]


def _test_checks() -> list[Check]:
    checks = []
    for tool, purpose in TEST_TOOLS:
        where = (tool if Path(tool).exists() else None) if tool.startswith("/") else shutil.which(tool)
        checks.append(
            Check(
                "test",
                Path(tool).name,
                f"{where}: {purpose}" if where else f"missing: {purpose}; `make test` installs it (.ci/system-deps.sh)",
                where is not None,
            )
        )
    playwright = _version("playwright")
    checks.append(
        Check(
            "test", "playwright", playwright or "missing: `make test` installs the test extra", playwright is not None
        )
    )
    return checks


def diagnose(settings: Settings | None = None) -> Diagnosis:
    """What is installed, which store ``kg serve`` would open and what it holds, and the test tools.

    Args:
        settings: ``model`` and ``store`` are used (default: from the environment).
    """
    settings = settings or Settings.from_env()
    return Diagnosis(_run_checks(settings) + _store_checks(settings) + _test_checks())
