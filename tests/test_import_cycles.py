"""No import cycle among the modules of ``kg`` (and ``server``): every import counts, also one inside a function
or under ``TYPE_CHECKING``, since each still ties the two modules together.

The imports are read from the sources with :mod:`ast` (nothing is imported), resolved to the modules of the
package (``from kg.extract import extract`` is an import of the package ``kg.extract``; ``from kg.rdf import
iri`` of the module ``kg.rdf.iri``), and the graph of modules must have a topological order.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kg", "server")


def modules(package: str) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of ``package`` (a package is its ``__init__``)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that the module ``name`` (at ``path``) imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    out = set()
    for target in targets:
        while target and target not in known:  # an attribute of a module: the module
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)
    return out


def import_graph(*packages: str) -> dict[str, set[str]]:
    """Module -> the modules it imports, over ``packages``."""
    known = {name: path for package in packages for name, path in modules(package).items()}
    return {name: imported(name, path, known) for name, path in known.items()}


def test_imports_are_read_from_function_bodies_too():
    graph = import_graph("kg")
    assert "kg.build.distributed" in graph["kg.build.extraction"]  # imported inside a function


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package):
    graph = import_graph(package)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle in {package}: {' -> '.join(exc.args[1])}; move what both need into a module "
                    "of its own, or pass it in")
    assert set(order) == set(graph)
