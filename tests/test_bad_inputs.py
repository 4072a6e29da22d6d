"""Issue 14, "never an internal error": each bad input of the stress run gives exit 1 or 2 and one
line naming the input (the real CLI in a subprocess, or in-process with an ENOSPC fake; a tiny
tmpfs for a really full disk where this machine lets us mount one)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest

from server import Resp
from test_faults import one_error_line, run, seeded
from test_update import PATH, seed_html

REDIRECTS = {
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<p>x</p>",
    "mailto": "mailto:someone@example.org",
}


@pytest.mark.parametrize("scheme", sorted(REDIRECTS))
def test_a_redirect_to_another_scheme_is_one_line(server, scheme):
    server.route("/robots.txt", status=404)
    server.route("/r", Resp(302, b"", {"Location": REDIRECTS[scheme], "Content-Type": "text/plain"}))
    r = run("fetch", server.url("/r"), "--delay", "0")
    assert r.returncode == 1
    assert (
        one_error_line(r) == f"threadkeep: error: {server.url('/r')}: redirect to an unsupported URL scheme '{scheme}'"
    )


def test_a_malformed_location_is_not_a_connection_reset(server):
    server.route("/robots.txt", status=404)
    server.route("/r", Resp(302, b"", {"Location": "http://[::1/x", "Content-Type": "text/plain"}))
    r = run("fetch", server.url("/r"), "--delay", "0")
    assert r.returncode == 1
    assert "invalid redirect location 'http://[::1/x'" in one_error_line(r)
    assert len(server.requests_to("/r")) == 1  # not retried


def test_a_malformed_url_in_a_watch_list(tmp_path):
    w = tmp_path / "w.txt"
    w.write_text("http://[::1/x\n")
    r = run("sync", str(w), "--dir", str(tmp_path / "d"))
    assert r.returncode == 2
    assert one_error_line(r).startswith(f"threadkeep: error: {w}:1: not a valid URL")


def test_a_malformed_url_in_an_archive(server, tmp_path):
    out, _url = seeded(server, tmp_path)
    data = json.loads(out.read_text())
    data["source"]["url"] = "http://[::1/x"
    out.write_text(json.dumps(data))
    r = run("update", str(out), "--delay", "0")
    assert r.returncode == 1
    assert one_error_line(r).startswith("threadkeep: error: http://[::1/x: invalid URL")


def test_a_toml_watch_list_nested_100k_deep(tmp_path):
    w = tmp_path / "w.toml"
    w.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    r = run("sync", str(w), "--dir", str(tmp_path / "d"))
    assert r.returncode == 2
    assert one_error_line(r) == f"threadkeep: error: {w}: not a watch list: TOML nested too deeply"


def test_an_integer_of_100k_digits_in_an_archive(tmp_path):
    a = tmp_path / "a.json"
    a.write_text('{"schema_version": ' + "9" * 100_000 + "}")
    r = run("show", str(a))
    assert r.returncode == 2
    assert one_error_line(r).startswith(f"threadkeep: error: {a}: not an archive: Exceeds the limit")


def test_a_password_in_a_url_is_never_shown(server, tmp_path):
    server.route("/robots.txt", status=404)
    secret_url = server.url("/missing").replace("http://", "http://alice:hunter2@")
    w = tmp_path / "w.txt"
    w.write_text(secret_url + "\n")
    for args in (("-v", "fetch", secret_url), ("-v", "sync", str(w), "--dir", str(tmp_path / "d"), "-q")):
        r = run(*args, "--delay", "0")
        assert r.returncode == 1
        assert b"hunter2" not in r.stderr and b"alice" not in r.stderr
        assert b"http://***@127.0.0.1" in r.stderr


@pytest.mark.parametrize("where", ["missing-dir", "onto-a-dir", "under-a-file"])
def test_o_that_cannot_be_written_is_named_before_any_request(server, tmp_path, where):
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "file").write_text("x")
    out = {"missing-dir": "nowhere/x.json", "onto-a-dir": "dir.json", "under-a-file": "file/x.json"}[where]
    r = run("fetch", server.url(PATH), "-o", str(tmp_path / out), "--delay", "0")
    assert r.returncode == 2
    line = one_error_line(r)
    assert line.startswith(f"threadkeep: error: {tmp_path / out}: ") and ".part" not in line
    assert server.requests == []


# ------------------------------------------------------------------------------- full disks


def _mount_tmpfs(path: Path, size: str, *options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    opts = ",".join([f"size={size}", *options])
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True)
    return r.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (skipped where this machine cannot mount one)."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    if not _mount_tmpfs(where, "256k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_o_into_a_read_only_file_system(server, tmp_path):
    where = tmp_path / "ro"
    if not _mount_tmpfs(where, "64k", "ro"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        server.route("/robots.txt", status=404)
        server.route(PATH, seed_html())
        r = run("fetch", server.url(PATH), "-o", str(where / "x.json"), "--delay", "0")
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
    assert r.returncode == 2
    assert one_error_line(r) == f"threadkeep: error: {where / 'x.json'}: cannot write in {where}: read-only file system"


def test_a_really_full_disk_fails_the_thread_and_keeps_the_summary(server, tiny_disk):
    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    w = tiny_disk.parent / "w.txt"
    w.write_text(server.url(PATH) + "\n")
    (tiny_disk / "filler").write_bytes(b"\0" * (256 * 1024 - 16 * 1024))  # 16 KiB left: no archive fits
    r = run("sync", str(w), "--dir", str(tiny_disk), "--delay", "0", "--json")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "no space left on device" in err and "Traceback" not in err and "internal error" not in err
    assert ".tk" not in err and ".part" not in err  # it names the archive or its capture, not a temporary
    report = json.loads(r.stdout)  # not an empty --json
    assert report["totals"]["failed"] == 1 and "no space left on device" in report["results"][0]["error"]
    assert not [p for p in tiny_disk.iterdir() if p.name.endswith((".tmp", ".part"))]
    assert not list(tiny_disk.glob("*.json"))


def test_enospc_in_process_names_the_archive_and_saves_the_state(server, tmp_path, monkeypatch, capsys):
    """The fake: fsync of an archive's or capture's temporary fails as on a full disk; the state
    file (small) still fits, so the run must save it and print its summary."""
    from threadkeep.cli import main

    server.route("/robots.txt", status=404)
    server.route(PATH, seed_html())
    w = tmp_path / "w.txt"
    w.write_text(server.url(PATH) + "\n")
    d = tmp_path / "d"
    real_fsync = os.fsync

    def fsync(fd):
        name = os.readlink(f"/proc/self/fd/{fd}") if isinstance(fd, int) else ""
        if ".threadkeep-state" not in name and name.endswith((".tmp", ".part")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exc:
            main(["sync", str(w), "--dir", str(d), "--delay", "0"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    out, err = capsys.readouterr()
    assert exc.value.code == 1
    (line,) = err.splitlines()
    assert "no space left on device" in line and str(d) in line and "internal error" not in line
    assert out == "1 thread: 1 failed\n"
    state = json.loads((d / ".threadkeep-state").read_text())
    assert state["threads"][server.url(PATH)]["last_result"] == "failed"
    assert sorted(p.name for p in d.iterdir()) == [".threadkeep-state", ".threadkeep.lock"]
