"""Deadlines that hold from connect to last byte, and a way to stop a request at once.

httpx's timeouts are per operation: a read timeout starts again with every byte, so a server that
sends its headers one byte every two seconds is never timed out, and the whole-body deadline the
Fetcher keeps starts only after the headers. Here every socket operation of a request is clamped
to the time the request has left (`Budget.deadline`), and waits in slices of `SLICE` seconds so
that a cancel (Ctrl-C in `sync`) is seen within a fraction of a second.

    with budget(deadline=time.monotonic() + 300, cancel=stop_event) as b:
        client.send(request)        # every connect/read/write of it obeys b
    b.hit                           # None, "deadline" or "cancel": why a read "timed out"

The clamp lives in an httpcore network backend that wraps the real one (`wrap_client`); a budget
is per thread (each request runs in the thread that asked for it), so one Fetcher serves many.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore

SLICE = 0.25  # seconds: how soon a cancel is noticed while a read waits
_local = threading.local()


@dataclass
class Budget:
    deadline: float | None = None  # time.monotonic() by which the request must be over
    cancel: threading.Event | None = None
    hit: str | None = None  # why the last operation was cut: "deadline" or "cancel"

    def wait_for(self, timeout: float | None) -> float | None:
        """How long the next socket wait may last; raise ReadTimeout (and say why) when none."""
        if self.cancel is not None and self.cancel.is_set():
            self.hit = "cancel"
            raise httpcore.ReadTimeout("cancelled")
        waits = [t for t in (timeout,) if t is not None]
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.hit = "deadline"
                raise httpcore.ReadTimeout("deadline")
            waits.append(left)
        if self.cancel is not None:
            waits.append(SLICE)
        return min(waits) if waits else None

    def capped(self, timeout: float | None) -> float | None:
        """timeout, no longer than what is left before the deadline (at least 10 ms)."""
        if self.deadline is None:
            return timeout
        left = max(0.01, self.deadline - time.monotonic())
        return left if timeout is None else min(timeout, left)


def current() -> Budget | None:
    return getattr(_local, "budget", None)


@contextmanager
def budget(deadline: float | None, cancel: threading.Event | None) -> Iterator[Budget]:
    b = Budget(deadline, cancel)
    previous = current()
    _local.budget = b
    try:
        yield b
    finally:
        _local.budget = previous


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        b = current()
        if b is None:
            return self._inner.read(max_bytes, timeout)
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("timed out")  # the read timeout proper
            wait = b.wait_for(left)
            try:
                return self._inner.read(max_bytes, wait)
            except httpcore.ReadTimeout:
                if end is not None and time.monotonic() >= end:
                    raise  # the read timeout proper
                # a slice ended: look at the deadline and the cancel again

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        b = current()
        if b is not None:
            b.wait_for(None)  # cancelled or past the deadline: not another byte
            timeout = b.capped(timeout)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        b = current()
        if b is not None:
            timeout = b.capped(timeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        b = current()
        if b is not None:
            b.wait_for(None)  # cancelled or past the deadline: no new connection
            timeout = b.capped(timeout)
        try:
            stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        except httpcore.ConnectTimeout:
            if b is not None and b.deadline is not None and time.monotonic() >= b.deadline:
                b.hit = "deadline"
            raise
        return _Stream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def wrap_client(client) -> bool:
    """Put the clamp under every connection pool of an httpx.Client; False when there is none to
    wrap (a test's MockTransport): deadlines then hold between body chunks only."""
    wrapped = False
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            continue
        if not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)
        wrapped = True
    return wrapped
