"""Threads from web archives in bulk (`threadkeep extract-warc`; docs/scale.md).

    threads_in_warc(path)                 the archive dicts of one WARC/ARC file's threads, streamed
    extract_warc_file(path, out_dir)      one file's threads written to OUT (what every engine runs)
    run(inputs, out, RunOptions(...))     many files: worker processes here, or a Dask cluster

records.py reads the files (FastWARC, or warcio), prefilter.py passes over pages with no comment
markup, job.py is the per-file task, run.py and dask.py the engines, make.py `threadkeep warc`.
"""

from __future__ import annotations

from threadkeep.bulk.job import FileResult, extract_warc_file, threads_in_warc
from threadkeep.bulk.records import WarcDamage

__all__ = ["FileResult", "WarcDamage", "extract_warc_file", "threads_in_warc"]
