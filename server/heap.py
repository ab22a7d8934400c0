"""The C library's heap in a ``kg serve`` process: memory a query let go, handed back to the system once it is much.

A heavy query (a timeline over a million quads, say) makes pyoxigraph allocate a hundred megabytes or more in the
process that runs it, and glibc keeps most of it once freed, in the middle of its heap where it is never trimmed on its
own: on the 1M-quad build a query worker went from 28 to 139 MiB (proportional set) after the shipped queries, and
stayed there. :class:`HeapKeeper` watches the process's private memory and trims the heap (``malloc_trim``, about
10 ms at that size) when it has grown by :data:`GROWTH` since the last look; a query worker looks after each job that
took a while, a web process every few seconds (:func:`keep_trimmed`). What stays is what is in use: on the same build a
worker keeps about 70 MiB after a heavy query, RocksDB's blocks and tables of its open store, until the store is
closed.
"""

from __future__ import annotations

import logging
import os
import threading

from kg.build.heap import give_back

logger = logging.getLogger(__name__)

#: Growth of a process's private memory (bytes) since the last trim from which the heap is trimmed again.
GROWTH = 16 * 1024 * 1024
#: Seconds between two looks of a web process at its memory (:func:`keep_trimmed`).
INTERVAL = 5.0

try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE = 4096


def private_bytes() -> int | None:
    """This process's resident memory that is not shared with a file (``/proc/self/statm``: resident minus shared
    pages), or ``None`` where there is no such file."""
    try:
        with open("/proc/self/statm", "rb") as f:
            fields = f.read().split()
    except OSError:
        return None
    return (int(fields[1]) - int(fields[2])) * _PAGE


class HeapKeeper:
    """Trims this process's heap when its private memory has grown by ``growth`` bytes since the lowest it was seen
    at (the last trim included).

    >>> keeper = HeapKeeper(growth=1 << 40)
    >>> keeper.look()  # nowhere near a terabyte more than at the start
    False
    """

    def __init__(self, growth: int = GROWTH) -> None:
        self.growth = growth
        self.trims = 0
        self._low = private_bytes()

    def look(self) -> bool:
        """Trim the heap if the process grew by :attr:`growth` since the low mark; whether it did."""
        now = private_bytes()
        if now is None or self._low is None:
            return False
        if now - self._low < self.growth:
            self._low = min(self._low, now)
            return False
        give_back()
        self.trims += 1
        self._low = private_bytes()
        logger.debug("heap trimmed: %d MiB private before, %d MiB after", now >> 20, (self._low or 0) >> 20)
        return True


def keep_trimmed(stop: threading.Event, interval: float = INTERVAL) -> threading.Thread:
    """Start a thread that looks at this process's memory every ``interval`` seconds (:class:`HeapKeeper`) until
    ``stop`` is set."""
    keeper = HeapKeeper()

    def run() -> None:
        while not stop.wait(interval):
            keeper.look()

    thread = threading.Thread(target=run, daemon=True, name="kg-heap")
    thread.start()
    return thread
