"""The seed build's outputs, byte for byte: a change that is meant to keep what the build produces (a move, a
split, a speed-up) must keep these four files identical.

``tests/data/expected/seed-outputs.sha256`` holds the SHA-256 of each file of the seed build. A change that is
meant to change the graph (better extraction, say) rewrites it with ``pytest --update-golden`` and says so in its
commit message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

EXPECTED = Path(__file__).parent / "data" / "expected" / "seed-outputs.sha256"
FILES = ("kg.nq", "kg.ttl", "kg.owl", "void.ttl")


def _digests(build: Path) -> dict[str, str]:
    return {name: hashlib.sha256((build / name).read_bytes()).hexdigest() for name in FILES}


def test_the_seed_outputs_are_the_expected_bytes(seed_build, update_golden):
    actual = _digests(seed_build)
    if update_golden:
        EXPECTED.write_text("".join(f"{digest}  {name}\n" for name, digest in actual.items()))
    expected = {name: digest for digest, name in (line.split() for line in EXPECTED.read_text().splitlines())}
    changed = sorted(name for name in FILES if expected.get(name) != actual[name])
    assert not changed, (f"the seed build's {', '.join(changed)} changed; if that is meant, "
                         "`pytest --update-golden tests/test_seed_outputs.py` rewrites "
                         f"{EXPECTED.relative_to(Path(__file__).parent.parent)} (say so in the commit message)")
