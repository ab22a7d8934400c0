"""The heap of a ``kg serve`` process (server.heap): memory a query let go is given back once it is much."""

from __future__ import annotations

import ctypes

import pytest

from server.heap import HeapKeeper, private_bytes

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]


def test_the_heap_is_given_back_once_it_grew_by_the_step():
    """Blocks of the C heap freed in its middle stay the process's until trimmed: the keeper trims once the process
    has grown by its step, and the memory goes back to the system."""
    if private_bytes() is None:
        pytest.fail("no /proc/self/statm: kg serve's memory watch needs Linux")
    keeper = HeapKeeper(growth=16 << 20)
    assert not keeper.look() and keeper.trims == 0
    block = 64 << 10  # below glibc's mapping threshold: from the heap
    blocks = [libc.malloc(block) for _ in range(800)]  # 50 MiB
    for address in blocks:
        ctypes.memset(address, 1, block)
    for address in blocks[:-1]:  # the last one keeps the heap's top, so nothing is handed back on its own
        libc.free(address)
    grown = private_bytes()
    try:
        assert keeper.look() and keeper.trims == 1
        assert grown - private_bytes() > 30 << 20
        assert not keeper.look()  # nothing new since
    finally:
        libc.free(blocks[-1])
