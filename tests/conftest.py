"""Shared fixtures: `server` (a real HTTP server on 127.0.0.1) and `make_server` (more of them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

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
