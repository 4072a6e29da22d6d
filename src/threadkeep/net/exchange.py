"""One response read off the wire for the Fetcher: the body streamed and decompressed in bounded
steps (`max_bytes` counted after decompression), the whole-request deadline kept between chunks,
the exchange handed to the recorder (the payload as on the wire), and failures turned into
FetchError (final) or Transient (worth a retry)."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from threadkeep.errors import FetchError
from threadkeep.net.body import Inflater
from threadkeep.net.http import FetchConfig, Recorder, RequestInfo, ResponseInfo, one_line, seconds, size_text


class Transient(Exception):
    """A failure worth retrying (network, timeout, reset); cause is the one-line reason."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass
class Exchange:
    url: str
    status: int
    reason: str
    headers: httpx.Headers
    raw_headers: list[tuple[str, str]]
    content: bytes


def read_response(
    asked: str,
    request: httpx.Request,
    resp: httpx.Response,
    *,
    limit: int | None,
    partial: bool,
    sent_at: str,
    received_at: str,
    config: FetchConfig,
    clock: Callable[[], float],
    recorder: Recorder | None,
    cut: Callable[[BaseException], BaseException],
) -> Exchange:
    """Read resp's body (decompressing, within limit and the whole-request deadline), record the
    exchange, and return it; raise FetchError or Transient."""
    c = config
    raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw]
    remote_ip = peer_ip(resp)
    wire: list[bytes] = []
    body: list[bytes] = []
    size = 0
    truncated: str | None = None
    failure: BaseException | None = None
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "x-gzip":
        encoding = "gzip"
    declared = resp.headers.get("content-length", "").strip()
    too_big = limit is not None and declared.isdecimal() and int(declared) > limit
    if too_big and not partial and encoding == "identity":
        truncated = "length"  # not worth reading
    elif encoding not in ("identity", "gzip", "deflate"):
        failure = FetchError(asked, f"unsupported content-encoding {encoding}", status=resp.status_code)
    else:
        inflater = None if encoding == "identity" else Inflater(encoding)
        if resp.is_stream_consumed:  # a transport that read the body already (httpx.MockTransport)
            inflater, chunks = None, iter([resp.content])
        else:
            chunks = resp.iter_raw()
        keep_wire = inflater is not None and recorder is not None  # identity: the body is the wire
        ends = clock() + c.total_timeout
        try:
            for chunk in chunks:
                if keep_wire:
                    wire.append(chunk)
                if clock() > ends:
                    truncated = "time"
                    failure = Transient(f"timeout after {seconds(c.total_timeout)} (whole request)")
                    break
                for piece in inflater.feed(chunk) if inflater is not None else [chunk]:
                    size += len(piece)
                    if limit is not None and size > limit:
                        truncated = "length"
                        body.append(piece[: len(piece) - (size - limit)])
                        break
                    body.append(piece)
                if truncated:
                    break
            if inflater is not None and not truncated:
                body.append(inflater.flush())
        except zlib.error as exc:
            failure = FetchError(asked, f"invalid {encoding} body ({one_line(exc)})", status=resp.status_code)
        except httpx.TimeoutException:
            truncated, failure = "time", cut(Transient(f"timeout after {seconds(c.read_timeout)}"))
        except (httpx.ReadError, httpx.RemoteProtocolError):
            truncated, failure = "disconnect", cut(Transient("connection reset"))
        except httpx.HTTPError as exc:
            truncated = "disconnect"
            failure = cut(Transient(f"connection failed: {one_line(exc)}"))
    content = b"".join(body)
    if recorder is not None:
        recorder.record(
            RequestInfo(
                method=request.method,
                url=str(request.url),
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                http_version=resp.http_version,
                date=sent_at,
            ),
            ResponseInfo(
                url=str(request.url),
                status=resp.status_code,
                reason=resp.reason_phrase,
                http_version=resp.http_version,
                headers=[(k, v) for k, v in raw_headers if k.lower() != "transfer-encoding"],
                body=b"".join(wire) if wire else content,
                remote_ip=remote_ip,
                date=received_at,
                truncated=truncated,
            ),
        )
    if failure is not None:
        raise failure
    if truncated == "length" and not partial:
        raise FetchError(asked, f"body over the limit ({size_text(limit or 0)})", status=resp.status_code)
    return Exchange(str(request.url), resp.status_code, resp.reason_phrase, resp.headers, raw_headers, content)


def peer_ip(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:
        return None
    return str(addr[0]) if addr else None
