"""What validation found: the problems of the SHACL engines in, a :class:`ValidationResult` (with its report in
words) out; :func:`gate` turns a result with a violation into the :class:`~kg.errors.ValidationError` that stops
the build.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from kg.errors import ValidationError
from kg.validate.shapes import SHAPES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One SHACL result, in words."""

    severity: str
    focus: str
    path: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}{value}"


@dataclass
class ValidationResult:
    """What validation found.

    Attributes:
        problems: every violation and warning, sorted.
        nodes: how many subjects the data graph has (for the summary line).
    """

    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings allowed)."""
        return not self.violations

    def text(self, limit: int = 20) -> str:
        """A readable report: a summary line, then the first ``limit`` problems, violations first."""
        lines = [f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
                 f"in {self.nodes} nodes checked against {SHAPES.name}"]
        by_message = Counter((p.severity, p.message) for p in self.problems)
        shown = self.violations[:limit] + self.warnings[: max(0, limit - len(self.violations))]
        lines += [f"  {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more; by kind:")
            lines += [f"    {n} x {sev}: {msg}" for (sev, msg), n in sorted(by_message.items())]
        return "\n".join(lines)


def summarize(problems: list[Problem], nodes: int, how: str = "") -> ValidationResult:
    """The result of ``problems`` found in ``nodes`` subjects, sorted (violations first); logged with ``how``."""
    problems.sort(key=lambda p: (p.severity != "Violation", p.message, p.focus, p.path, p.value))
    logger.info("validated %d nodes%s: %d problems", nodes, how, len(problems))
    return ValidationResult(problems=problems, nodes=nodes)


def gate(result: ValidationResult, log_warnings: bool = True) -> ValidationResult:
    """Raise when ``result`` has a violation (the message lists them); log its warnings (unless not
    ``log_warnings``: the build counts them in its report and its closing line instead).

    Raises:
        ValidationError: at least one sh:Violation.
    """
    if not result.conforms:
        raise ValidationError(
            "the graph violates the SHACL shapes in ontology/shapes.ttl, so nothing was replaced:\n"
            f"{result.text()}\n"
            "Fix the extractor or the build step that wrote these nodes (or the shape, if the shape is wrong), "
            "then build again.")
    if result.warnings and log_warnings:
        kinds = Counter(p.message for p in result.warnings)
        logger.warning("%d SHACL warning(s) (`kg validate` lists them): %s", len(result.warnings),
                       "; ".join(f"{n} x {message}" for message, n in sorted(kinds.items())))
    return result
