"""Run threadkeep on a real pseudo-terminal (the pty module) of a given size, as a person's terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

EXE = [sys.executable, "-m", "threadkeep"]
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]")


@dataclass
class Screen:
    code: int
    raw: str  # everything the terminal received, escape codes and all

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw).replace("\r\n", "\n")


def on_tty(*args: str, cols: int = 100, rows: int = 24, env: dict | None = None, cwd=None, timeout=60) -> Screen:
    """threadkeep ARGS with stdin, stdout and stderr on one pseudo-terminal of cols x rows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    full_env.update({"TERM": "xterm-256color", **(env or {})})
    proc = subprocess.Popen(
        [*EXE, *args], stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=cwd, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise TimeoutError(f"threadkeep {' '.join(args)} still running after {timeout} s")
    finally:
        os.close(master)
    return Screen(proc.wait(timeout=10), b"".join(chunks).decode("utf-8", errors="replace"))
