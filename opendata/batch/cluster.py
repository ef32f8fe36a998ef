"""Run a batch on a Dask cluster: the same :func:`~opendata.batch.run.convert_job` as Dask tasks.

Every worker reads the input files and writes packages into the output folder itself, so
inputs and output must be on storage that the client and every worker see under the same
paths (NFS, a cluster file system, a shared volume). A task returns only the small result
the client prints. The client locks the output folder, cleans what killed runs left there,
keeps at most a few tasks per worker thread in flight (memory stays flat whatever the number
of documents) and writes the catalogue at the end, as a local run does.

A worker that dies is retried by Dask on another worker (``distributed.scheduler.allowed-
failures``); a document that keeps killing workers is reported as a
:class:`~opendata.errors.WorkerError` and the others go on.

Requires the ``distributed`` extra: ``pip install 'opendata[distributed]'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from opendata.batch.convert import ConvertResult
from opendata.batch.outdir import FileClaims, OutputLock, clean_leftovers
from opendata.batch.run import Job, Plan, convert_job
from opendata.errors import OutputError, SchedulerError, WorkerError

TASKS_PER_THREAD = 2


def _client(address: str, timeout: str):  # type: ignore[no-untyped-def]
    try:
        from distributed import Client
    except ImportError as exc:
        raise SchedulerError(
            "Dask is not installed; install it with: pip install 'opendata[distributed]'"
        ) from exc
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def run_on_dask(the_plan: Plan, address: str, *, timeout: str = "30s") -> Iterator[ConvertResult]:
    """Convert the planned jobs on the cluster at ``address``, yielding results as they come.

    ``timeout`` is how long to try to reach the scheduler.
    """
    yield from the_plan.errors
    if not the_plan.count:
        return
    out_dir = the_plan.options.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc}", path=out_dir) from exc
    from distributed import as_completed

    client = _client(address, timeout)
    try:
        with OutputLock(out_dir):
            the_plan.leftovers = clean_leftovers(out_dir)
            claims = FileClaims.new(out_dir)
            try:
                threads = sum(client.nthreads().values()) or 1
                todo = (Job(j.paths, j.options, j.known, claims) for j in the_plan.jobs())
                jobs = {}

                def submit(job: Job) -> object:
                    future = client.submit(convert_job, job, pure=False)
                    jobs[future.key] = job
                    return future

                first = [submit(job) for job in islice(todo, TASKS_PER_THREAD * threads)]
                pending = as_completed(first, loop=client.loop)
                for future in pending:
                    job = jobs.pop(future.key)
                    try:
                        yield future.result()
                    except Exception as exc:  # e.g. KilledWorker: report it, go on
                        yield ConvertResult(
                            job.inputs,
                            error=WorkerError(
                                f"the Dask task failed ({type(exc).__name__}: {exc})",
                                path=job.paths[0],
                            ),
                        )
                    future.release()
                    job = next(todo, None)
                    if job is not None:
                        pending.add(submit(job))
            finally:
                claims.remove()
    finally:
        client.close()
