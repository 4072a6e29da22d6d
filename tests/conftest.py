"""Shared fixtures: `server` (a real HTTP server on 127.0.0.1) and `make_server` (more of them);
the `corpus` mark (tests that read the real-page corpus, see tests/corpus.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import corpus
from server import TestServer


@pytest.fixture
def server() -> Iterator[TestServer]:
    """A fresh HTTP server on 127.0.0.1 for this test; see tests/server.py for the API."""
    srv = TestServer()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def make_server() -> Iterator[Callable[..., TestServer]]:
    """A factory: make_server(host="127.0.0.2") starts another server (a distinct host), closed at teardown."""
    servers: list[TestServer] = []

    def make(host: str = "127.0.0.1") -> TestServer:
        srv = TestServer(host)
        servers.append(srv)
        return srv

    try:
        yield make
    finally:
        for srv in servers:
            srv.close()


# ------------------------------------------------------------------ the real-page corpus (tests/corpus.py)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"corpus: reads the real-page corpus; skipped without it ({corpus.REASON})")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the corpus, skip what needs it with one reason; under CI, stop the run instead."""
    if corpus.PRESENT:
        return
    needing = [item for item in items if item.get_closest_marker("corpus")]
    if needing and corpus.missing_is_error():
        raise pytest.UsageError(f"{corpus.error_message()} ({len(needing)} tests need it)")
    skip = pytest.mark.skip(reason=corpus.REASON)
    for item in needing:
        # first, so this reason wins over pytest's own "got empty parameter set"
        item.add_marker(skip, append=False)
