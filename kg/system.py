"""What the C library of the operating system offers a newsgraph process (Linux and glibc; elsewhere nothing): a
process ended with its parent, and the heap's settings. In: a call; out: whether it took effect."""

from __future__ import annotations

import ctypes
import signal
from functools import cache

#: ``prctl`` option: the signal this process gets when its parent ends.
_PR_SET_PDEATHSIG = 1


@cache
def libc() -> ctypes.CDLL | None:
    """The C library (the process's own symbols), or ``None`` where there is none to load."""
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def die_with_parent(how: signal.Signals = signal.SIGKILL) -> bool:
    """Have the kernel send this process ``how`` when its parent ends (Linux); False where it cannot."""
    try:
        return libc().prctl(_PR_SET_PDEATHSIG, int(how)) == 0
    except AttributeError:  # no C library, or no prctl in it
        return False
