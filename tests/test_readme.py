"""Every console example of README.md is what the tool prints today (issue 15).

Each ```console block is run in order, in one directory, as a user would type it (bash, stdout and
stderr on one pipe, 100 columns, not a terminal), against the seed page and the test server, and
its output compared line by line with the README's. A last line `…` means "and more": the lines
before it must be the output's first lines. What the README cannot know is put in by the setup
below and nothing else: the test server's address (the README says 127.0.0.1:8001) and the time of
ms.json's first fetch (the README says 2026-11-24T02:23:01Z).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from corpus import REPO
from test_update import PATH, seed_html, step2, step3

README = REPO / "README.md"
README_HOST = "127.0.0.1:8001"
README_SINCE = "2026-11-24T02:23:01Z"


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ` line of every console block, in order."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```console\n(.*?)^```$", README.read_text("utf-8"), flags=re.M | re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            else:
                assert out, f"console block with output before its command: {line!r}"
                out[-1][1].append(line)
    return out


def test_the_readme_has_console_examples():
    commands = [c for c, _ in examples()]
    assert len(commands) >= 10
    assert all(c.startswith(("threadkeep ", "python3 ")) for c in commands), commands


class Scene:
    """The directory the examples run in, and what each needs before it runs."""

    def __init__(self, server, tmp: Path) -> None:
        self.server, self.dir = server, tmp
        self.subst = {README_HOST: f"{server.host}:{server.port}"}
        (tmp / "fixtures").symlink_to(REPO / "fixtures")
        server.route("/robots.txt", status=404)
        server.route("/2024/01/gone.html", status=404)
        self.ready: set[str] = set()

    def shell(self, command: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PAGER")}
        env.update({"COLUMNS": "100", "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"})
        r = subprocess.run(
            ["bash", "-c", command], cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
        )  # fmt: skip
        return r.stdout.decode("utf-8")

    def before(self, command: str) -> None:
        if command.startswith(("threadkeep update ms.json", "threadkeep diff ms.json")) and "ms" not in self.ready:
            # ms.json: fetched from the server, updated once (2 new comments, 1 edited); the page has
            # since lost comment 4 and had 2.3 replaced by a stub (tests/test_update.py's steps)
            self.server.route(PATH, seed_html())
            assert self.shell(f"threadkeep fetch {self.server.url(PATH)} -o ms.json --delay 0") == ""
            first = json.loads((self.dir / "ms.json").read_text("utf-8"))["snapshots"][0]["fetched_at"]
            self.subst[README_SINCE] = first
            time.sleep(1.1)  # snapshot times are to the second
            self.server.route(PATH, step2(seed_html()))
            assert "2 new comments, 1 edited" in self.shell("threadkeep update ms.json --delay 0")
            time.sleep(1.1)
            self.server.route(PATH, step3(step2(seed_html())))
            self.ready.add("ms")
        if command.startswith("threadkeep sync watchlist.txt") and "watch" not in self.ready:
            self.server.route("/2024/01/first.html", seed_html())
            self.server.route("/2024/01/second.html", step2(seed_html()))
            urls = [self.server.url(f"/2024/01/{n}.html") for n in ("first", "second", "gone")]
            (self.dir / "watchlist.txt").write_text("# threads to keep\n" + "\n".join(urls) + "\n", "utf-8")
            self.ready.add("watch")

    def sub(self, text: str) -> str:
        for readme, real in self.subst.items():
            text = text.replace(readme, real)
        return text


def test_every_console_example_is_what_the_tool_prints(server, tmp_path):
    scene = Scene(server, tmp_path)
    mismatches = []
    for command, expected in examples():
        scene.before(command)
        got = scene.shell(scene.sub(command)).splitlines()
        want = [scene.sub(line) for line in expected]
        cut = bool(want) and want[-1] == "…"  # "and more": the README's lines are the first ones
        ok = got[: len(want) - 1] == want[:-1] if cut else got == want
        if not ok:
            mismatches.append(f"$ {command}\n--- README\n" + "\n".join(want) + "\n--- printed\n" + "\n".join(got))
    assert not mismatches, "\n\n".join(mismatches)
