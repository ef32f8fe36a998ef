"""Convert many disclosures: plan the jobs, skip unchanged ones, run them in worker processes.

:func:`~opendata.batch.plan.plan` turns the inputs (files, folders, patterns; see
:mod:`opendata.batch.discover`) into :class:`Job` s, one per disclosure, kept on disk and read back
one at a time. :func:`convert_job` is the whole work of one job, the same
function in this process, in local worker processes (:func:`run`, :mod:`opendata.batch.pool`:
one document at a time each, under a time limit) and on a Dask cluster
(:mod:`opendata.batch.cluster`): it hashes the files, skips the job when a package made from the
same bytes by the same opendata version is in the output folder, else reads the document and
writes its package atomically. It returns a small :class:`~opendata.batch.convert.ConvertResult`,
never the model, and never raises: a failing document is a result with its error. A local run
checks for unchanged documents in the parent first (:func:`skip_unchanged`), so they cost no
worker round trip.

Memory stays flat: the plan, the package names taken and the catalogue's rows are in spools
(:mod:`opendata.batch.spool`), one job per worker is in flight, workers are replaced after
``tasks_per_worker`` documents, and the parent keeps only what it needs to print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from opendata.batch.convert import ConvertResult, counts
from opendata.batch.outdir import (
    FileClaims,
    Known,
    MemoryClaims,
    OutputLock,
    SourceKey,
    clean_leftovers,
    restore_moved_aside,
)
from opendata.batch.plan import Job, Options, Plan, plan
from opendata.batch.pool import TIMEOUT, Outcome, Pool
from opendata.errors import OpendataError, OutputError, TimeLimitError, WorkerError
from opendata.read.document import read_document
from opendata.read.lines import sha256_file, source_name
from opendata.resources import VERSION
from opendata.write.package import WriteResult, package_name, write_package

__all__ = [
    "SKIPPED",
    "Job",
    "Options",
    "Plan",
    "convert_job",
    "plan",
    "run",
    "skip_unchanged",
]

SKIPPED = "skipped: unchanged"
TASKS_PER_WORKER = 25


def pages_of(paths: tuple[Path, ...]) -> int:
    """Pages read: a PDF's page count; a text file's form feeds + 1."""
    total = 0
    for path in paths:
        if path.suffix.lower() == ".pdf":
            try:
                import pypdfium2 as pdfium

                document = pdfium.PdfDocument(str(path))
                total += len(document)
                document.close()
            except Exception:
                total += 1
        else:
            try:
                total += path.read_bytes().count(b"\f") + 1
            except OSError:
                total += 1
    return total


def _up_to_date(job: Job) -> Known | None:
    key: SourceKey = tuple((source_name(p), sha256_file(p)) for p in job.paths)
    for known in job.known:
        if known.sources != key or known.version != VERSION:
            continue
        if job.options.name is not None and known.name != job.options.name:
            continue
        if job.options.strict and known.reader_errors:
            continue  # --strict would not write it: convert again to report the errors
        return known
    return None


def skip_unchanged(job: Job) -> ConvertResult | None:
    """The result for a job whose package is up to date (its name claimed), else None.

    Hashes the job's files; a file that cannot be read is left for the conversion to report.
    """
    if not (job.options.incremental and job.known):
        return None
    try:
        known = _up_to_date(job)
    except OSError:
        return None
    if known is None:
        return None
    if job.claims is not None and job.claims.claim(known.name, job.inputs[0]) is not None:
        return None  # another document has that name in this run: converting will say so
    path = job.options.out_dir / known.name
    return ConvertResult(job.inputs, written=WriteResult(path, known.name, SKIPPED))


def convert_job(job: Job) -> ConvertResult:
    """Convert one disclosure (or skip it when its package is up to date). Never raises."""
    options = job.options
    result = ConvertResult(job.inputs)
    try:
        skipped = skip_unchanged(job)
        if skipped is not None:
            return skipped
        doc = read_document(*job.paths, max_pages=options.max_pages)
        result.counts = counts(doc)
        result.counts["pages"] = pages_of(job.paths)
        result.findings = doc.findings
        if options.strict and any(f.severity == "error" for f in doc.findings):
            return result
        pkg_name = options.name or package_name(doc)
        owner = job.claims.claim(pkg_name, result.inputs[0]) if job.claims else None
        if owner is not None:
            raise OutputError(
                f"package {pkg_name} was already written from {owner} in this run; "
                "convert these separately or give each its own --name",
                path=job.paths[0],
            )
        result.written = write_package(
            doc, options.out_dir, name=pkg_name, created=options.created, base=options.base
        )
    except OpendataError as exc:
        result.error = exc
    except Exception as exc:
        result.error = WorkerError(
            f"unexpected error while converting ({type(exc).__name__}: {exc}); "
            "please report it with this file",
            path=job.paths[0],
        )
    return result


def _with_claims(jobs: Iterator[Job], claims: FileClaims | MemoryClaims) -> Iterator[Job]:
    for job in jobs:
        yield Job(job.paths, job.options, job.known, claims)


def run(
    the_plan: Plan,
    *,
    jobs: int | None = None,
    tasks_per_worker: int = TASKS_PER_WORKER,
    worker: Callable[[Job], ConvertResult] = convert_job,
    timeout: float | None = TIMEOUT,
) -> Iterator[ConvertResult]:
    """Convert the planned jobs, yielding each result as it is done (input errors first).

    ``jobs`` worker processes (default: the number of CPUs), each document at most ``timeout``
    seconds (0 or None: no limit; a document over it is reported and its worker replaced). A
    single document, or ``jobs=1`` without a time limit, runs in this process, with no time
    limit. The output folder is locked for the run and cleaned of what killed runs left
    behind.
    """
    yield from the_plan.errors
    if not the_plan.count:
        return
    out_dir = the_plan.options.out_dir
    workers = max(1, min(jobs or os.cpu_count() or 1, the_plan.count))
    here = workers == 1 and (the_plan.count == 1 or not timeout)
    if the_plan.batch:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder: {exc}", path=out_dir) from exc
    with OutputLock(out_dir):
        the_plan.leftovers = clean_leftovers(out_dir)
        claims = MemoryClaims() if here else FileClaims.new(out_dir)
        try:
            todo = _with_claims(the_plan.jobs(), claims)
            if here:
                for job in todo:
                    yield worker(job)
            else:
                yield from _run_pool(todo, workers, tasks_per_worker, worker, timeout)
        finally:
            claims.remove()


def _failed(outcome: Outcome, timeout: float | None) -> ConvertResult:
    """The result of a job whose worker gave none: it died, ran over the limit, or failed."""
    job = outcome.job
    if outcome.failure == "timeout":
        error: WorkerError = TimeLimitError(
            f"converting this document took longer than the time limit ({timeout:g} s, "
            "--timeout); it was stopped",
            path=job.paths[0],
        )
    elif outcome.failure == "died":
        error = WorkerError(
            "the worker process converting this document died (crash or out of memory)",
            path=job.paths[0],
        )
    else:
        error = WorkerError(
            f"unexpected error in the worker process ({outcome.failure}); "
            "please report it with this file",
            path=job.paths[0],
        )
    return ConvertResult(job.inputs, error=error)


def _run_pool(
    todo: Iterator[Job],
    workers: int,
    tasks_per_worker: int,
    worker: Callable[[Job], ConvertResult],
    timeout: float | None,
) -> Iterator[ConvertResult]:
    """The jobs on a :class:`~opendata.batch.pool.Pool` of ``workers`` processes, one job each
    at a time. A worker killed or dead may have been writing: a package it had moved aside
    is put back at once, and its staging folder is removed at the end of the run."""
    queue = _Peek(todo)
    lost = False  # a worker was killed or died: clean up after it at the end
    out_dir: Path | None = None
    with Pool(workers, worker, tasks_per_worker=tasks_per_worker, timeout=timeout) as pool:
        while queue or pool.busy:
            while queue and pool.free:
                job = queue.next()
                out_dir = job.options.out_dir
                skipped = skip_unchanged(job)  # cheap: no worker needed
                if skipped is not None:
                    yield skipped
                    continue
                pool.submit(job)
            for outcome in pool.wait():
                if outcome.result is not None:
                    yield outcome.result
                    continue
                if outcome.pid is not None and outcome.failure in ("timeout", "died"):
                    lost = True
                    restore_moved_aside(outcome.job.options.out_dir, outcome.pid)
                yield _failed(outcome, timeout)
    if lost and out_dir is not None:
        clean_leftovers(out_dir)  # every worker has ended: what is hidden is a leftover


class _Peek:
    """An iterator that can tell whether it has more (``bool``) before giving it (``next``)."""

    def __init__(self, items: Iterator[Job]) -> None:
        self.items = items
        self.head = next(items, None)

    def __bool__(self) -> bool:
        return self.head is not None

    def next(self) -> Job:
        assert self.head is not None
        job, self.head = self.head, next(self.items, None)
        return job
