"""`--engine dask`: the same per-file task (threadkeep.bulk.job.extract_warc_file) on a Dask
cluster (dask.distributed). With no scheduler address, a LocalCluster of worker processes on this
machine (one thread each: extraction holds the GIL). The workers write OUT themselves, so OUT
must be a folder every worker sees (a shared file system) when the cluster spans machines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from threadkeep.bulk.job import FileResult, extract_warc_file
from threadkeep.errors import InputError


def _distributed():
    try:
        import distributed
    except ImportError:
        raise InputError("--engine dask needs dask.distributed: pip install 'threadkeep[dask]'") from None
    return distributed


def run_dask(todo: list[str], out: Path, options, collect: Callable[[FileResult], None]) -> None:
    distributed = _distributed()
    cluster = None
    if options.scheduler:
        try:
            client = distributed.Client(options.scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"--scheduler {options.scheduler}: cannot connect ({exc})") from None
    else:
        cluster = distributed.LocalCluster(
            n_workers=min(options.workers(), len(todo)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = distributed.Client(cluster)
    try:
        futures = client.map(
            extract_warc_file,
            todo,
            out_dir=str(Path(out).resolve()),
            fmt=options.fmt,
            write_all=options.write_all,
            prefilter=options.prefilter,
            pure=False,
        )
        paths = {f.key: p for f, p in zip(futures, todo, strict=True)}
        for fut in distributed.as_completed(futures):
            try:
                result = fut.result()
            except Exception as exc:  # the worker died, or the task could not run there
                path = paths[fut.key]
                result = FileResult(input=path, status="failed", error=f"{path}: on the cluster: {exc}")
            collect(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
