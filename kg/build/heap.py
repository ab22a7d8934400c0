"""The C library's heap in a build: memory the build let go handed back to the system (glibc; elsewhere nothing).

:func:`give_back` trims the heap at the end of a stage; :func:`bound_heap` makes large blocks their own mappings, so
that a long article's big strings and pieces never stay in the heap once freed.
"""

from __future__ import annotations

import contextlib

from kg.system import libc

#: glibc's ``mallopt`` parameter for the size from which a block is a mapping of its own.
_M_MMAP_THRESHOLD = -3
#: Blocks of at least this many bytes are mappings of their own (returned to the system when freed), whatever the size
#: of the blocks freed before. glibc starts at 128 KiB but raises the threshold to the size of each mapped block freed
#: (up to 32 MiB): once a long article's 10 MB store piece or its multi-megabyte text line was freed, blocks of every
#: size up to it came from the heap, which kept them, fragmented. Fixed at 256 KiB before a long article is extracted
#: (set only after its extraction, the build process's peak at 1.5 million characters stayed at 536 MiB; before, 505;
#: 1 MiB: 537). Not for short articles: on the 105-article throughput corpus it cost 0.3-0.5 s of system time (mappings
#: made and unmade) on 12 s.
MMAP_THRESHOLD = 256 * 1024
#: Characters from which an article's build bounds the heap (:func:`bound_heap`).
LONG_TEXT = 200_000


def give_back() -> None:
    """Hand the memory the C library keeps free back to the system (glibc's ``malloc_trim``; elsewhere nothing), at
    the end of a stage that let much go: what the next stage allocates (much of it in other threads: the store
    loader's RocksDB) is then not on top of memory this process no longer uses. A few milliseconds; 50-60 MB given
    back after each of the rdf, sort and reason stages of a 500,000-character article."""
    with contextlib.suppress(AttributeError):  # no C library, or not glibc's
        libc().malloc_trim(0)


def bound_heap() -> None:
    """From now on, blocks of :data:`MMAP_THRESHOLD` bytes or more are mappings of their own in this process (glibc's
    ``M_MMAP_THRESHOLD``; elsewhere nothing; a forked process inherits it). A build calls it when it reads an article
    of :data:`LONG_TEXT` characters or more, and has its validation process call it too."""
    with contextlib.suppress(AttributeError):
        libc().mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
