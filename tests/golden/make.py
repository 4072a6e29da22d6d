"""Write the refactor goldens: the archive threadkeep makes of every page of ../shared/corpus/,
the seed page and two 300-comment synthetic threads (bench/synth.py), as gzipped JSON.

These goldens hold the output of main as it was before the sites refactor (issue 11), not the
truth: they guard a change that must not alter behaviour. Regenerate them only on purpose,
when an extraction is meant to change, and say so in the commit:

    python tests/golden/make.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402
from corpus import CORPUS, SEED_PAGE, SEED_URL, manifest  # noqa: E402

SYNTH_SIZE = 300


def cases() -> list[tuple[str, object]]:
    """(golden name, how to make its archive dict) for every guarded input.

    Without the corpus the names come from the goldens on disk and every case but the seed (the
    page in fixtures/) has no spec (None): the test skips it, and main() refuses to run.
    """
    if not corpus.PRESENT:
        names = sorted(p.name.removesuffix(".json.gz") for p in HERE.glob("*.json.gz"))
        return [(n, ("file", str(SEED_PAGE), SEED_URL) if n == "seed" else None) for n in names]
    out: list[tuple[str, object]] = []
    for row in manifest():
        out.append((row["file"].replace("/", "__"), ("file", str(CORPUS / row["file"]), None)))
    out.append(("seed", ("file", str(SEED_PAGE), SEED_URL)))
    for platform in ("blogger", "wordpress"):
        out.append((f"synth-{platform}-{SYNTH_SIZE}", ("synth", platform, SYNTH_SIZE)))
    return out


def archive_dict(spec) -> dict:
    """The archive of one case, with the one field that differs from run to run blanked."""
    kind, a, b = spec
    if kind == "file":
        from threadkeep.inputs import archive_file

        thread = archive_file(a, url=b)
    else:
        import synth

        import threadkeep

        page, url, _expected = synth.build(a, b)
        thread = threadkeep.extract(page.encode("utf-8"), url)
    d = thread.to_dict()
    d["source"]["fetched_at"] = None
    return d


def main() -> None:
    if not corpus.PRESENT:
        sys.exit(f"make.py: {corpus.REASON}; the goldens are made from all of it")
    for name, spec in cases():
        data = json.dumps(archive_dict(spec), ensure_ascii=False, indent=1, sort_keys=True)
        with open(HERE / f"{name}.json.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
            fh.write((data + "\n").encode("utf-8"))  # mtime 0: the same content gives the same bytes
        print(name)


if __name__ == "__main__":
    main()
