"""Issue 19: `kg serve` stays up: idle and slow clients cannot starve the others, every keep-alive client is
served, a timed-out worker is replaced at once, and waiting for the server counts against a query's limit.

Real `kg serve` processes over the seed build, real sockets. The one time bound is the issue's own: a cheap query
answered within 2 s while 150 half-open sockets are held.
"""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import start_server, stop_server
from tests.test_endpoint_live import RUNAWAY, _alive, _query_workers

pytestmark = pytest.mark.live

CHEAP = {"query": "ASK { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def server(seed_build, tmp_path_factory):
    log = tmp_path_factory.mktemp("serving") / "serve.log"
    proc, url = start_server(seed_build / "store", "--query-timeout", "3", log=log)
    yield proc, url
    stop_server(proc)


def _half_open(url: str, count: int) -> list[socket.socket]:
    """``count`` connections that never finish a request: half send nothing, half the start of a request line."""
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for number in range(count):
        sock = socket.create_connection((host, int(port)), timeout=10)
        if number % 2:
            sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")  # headers never end
        sockets.append(sock)
    return sockets


def test_150_half_open_sockets_do_not_stop_a_cheap_query(server):
    _proc, url = server
    sockets = _half_open(url, 150)
    try:
        time.sleep(0.5)  # the server has accepted them by now
        reply = requests.get(url + "/sparql", params=CHEAP, timeout=2)  # the bound: within 2 s
        assert reply.status_code == 200 and reply.json()["boolean"] is True
        # and the server closes them itself, after its header timeout (KG_HEADER_TIMEOUT, 5 s by default)
        closed = 0
        for sock in sockets:
            sock.settimeout(60)
            try:
                closed += sock.recv(1) == b""
            except ConnectionResetError:
                closed += 1
        assert closed == len(sockets)
    finally:
        for sock in sockets:
            sock.close()


def test_200_keep_alive_clients_are_all_served(server):
    _proc, url = server

    def client(_number: int) -> list[int]:
        statuses = []
        with requests.Session() as session:
            for _ in range(3):
                statuses.append(session.get(url + "/sparql", params=CHEAP, timeout=300).status_code)
                time.sleep(0.5)  # the connection stays open, idle, between requests
        return statuses

    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = [status for answers in pool.map(client, range(200)) for status in answers]
    assert statuses == [200] * 600


def test_a_timed_out_worker_is_replaced_at_once(server):
    proc, url = server
    workers = _wait_for_workers(proc.pid, at_least=1)
    reply = requests.get(url + "/sparql", params={"query": RUNAWAY}, timeout=120)
    assert reply.status_code == 503 and "was stopped" in reply.text
    # without another request, a fresh worker takes the killed one's place
    fresh = _wait_for_workers(proc.pid, at_least=len(workers), other_than=workers)
    assert len(fresh) == len(workers) and fresh != workers
    assert not all(_alive(pid) for pid in workers)


def _wait_for_workers(pid: int, at_least: int, other_than: set[int] | None = None) -> set[int]:
    found: set[int] = set()
    for _ in range(600):
        found = {w for w in _query_workers(pid) if _alive(w)}
        if len(found) >= at_least and (other_than is None or found != other_than):
            return found
        time.sleep(0.1)
    return found


def test_time_waiting_for_the_server_counts_against_the_limit(seed_build, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_QUERY_WORKERS", "1")
    proc, url = start_server(seed_build / "store", "--query-timeout", "3", log=tmp_path / "serve.log")
    try:
        first: dict = {}
        runaway = threading.Thread(target=lambda: first.update(
            reply=requests.get(url + "/sparql", params={"query": RUNAWAY}, timeout=120)))
        runaway.start()
        time.sleep(1)  # the only worker is busy with the runaway query
        second = requests.get(url + "/sparql", params={"query": RUNAWAY + " # the second"}, timeout=120)
        runaway.join()
        assert first["reply"].status_code == 503
        assert second.status_code == 503
        # its limit ran while it waited for the only worker: it says so, and was not given 3 s more
        assert "waiting for the server" in second.text or "waited 3 s" in second.text, second.text
        assert requests.get(url + "/sparql", params=CHEAP, timeout=60).status_code == 200
    finally:
        stop_server(proc)
