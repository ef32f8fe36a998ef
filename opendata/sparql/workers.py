"""The endpoint's query workers: long-lived processes, each with the store open read-only.

pyoxigraph cannot cancel a query, and a query may take all the memory there is (``ORDER BY``
over a cartesian product grows past 6 GB). So no query runs in the server's process: each runs
in one of ``size`` worker processes (:class:`WorkerPool`), started with the ``spawn`` method
(a fresh interpreter: the server's threads and sockets are not copied), each holding its own
read-only handle on the store and an address-space limit (``RLIMIT_AS``, ``memory`` MiB).

- A request takes an idle worker (waiting at most ``timeout`` seconds for one, else
  :class:`~opendata.errors.QueryAborted`), sends it the job through a pipe and waits at most
  ``timeout`` seconds for the answer: solutions or triples, already cut at the answer limit,
  pickled back.
- A worker that has not answered by then is killed (SIGKILL, which frees its memory at once)
  and replaced by a new one started in the background; its slot is free again as soon as the
  new worker has opened the store (about half a second).
- A worker that passes its memory limit dies (Rust aborts on a failed allocation); the request
  gets :class:`~opendata.errors.QueryAborted` and the worker is replaced the same way.
- A worker ignores Ctrl-C (the server stops it) and exits when the server's process is gone.

The extra cost of the hop (pickling the job and the answer through a pipe) is about a
tenth of a millisecond for a small answer (``docs/benchmarks.md``).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from opendata.errors import OpendataError, QueryAborted, QueryError, StoreError
from opendata.sparql.results import Results

#: seconds a new worker may take to start and open the store
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class QueryJob:
    """Run a SPARQL query and collect at most ``limit`` solutions or triples."""

    text: str
    bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
    limit: int | None = None


@dataclass(frozen=True)
class DescribeJob:
    """The triples of one resource as subject (dereferencing a URI)."""

    uri: str
    limit: int | None = None


def _watch_parent(parent: int) -> None:
    """Exit when the server's process is gone (its pipe may stay open in a sibling)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _answer(store: Any, job: QueryJob | DescribeJob) -> tuple[str, object]:
    from opendata.sparql.results import collect

    try:
        if isinstance(job, DescribeJob):
            triples = store.describe(job.uri)
            cut = job.limit is not None and len(triples) > job.limit
            kept = triples[: job.limit] if cut else triples
            return "ok", Results("graph", triples=kept, truncated=cut)
        return "ok", collect(store.query(job.text, job.bindings), job.limit)
    except QueryError as exc:
        return "query", str(exc)
    except OpendataError as exc:
        return "store", str(exc)
    except MemoryError:
        return "memory", "the query needed more memory than the worker's limit"
    except Exception as exc:  # a bug, or pyoxigraph failing: the worker goes on
        return "failed", f"{type(exc).__name__}: {exc}"


def work(conn: Connection, store_path: str, memory_mib: int, quiet: bool) -> None:
    """A worker's life: limit memory, open the store, answer jobs until the pipe closes."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    if memory_mib > 0:
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from opendata.sparql.store import Store

    try:
        store = Store(store_path, read_only=True)
    except (OpendataError, MemoryError) as exc:
        conn.send(("store", str(exc)))
        return
    if quiet:  # Rust's "memory allocation failed" and the like: the server says it in one line
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(store, job))


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes over the store at ``store``, each used by one request at once."""

    def __init__(
        self, store: Path | str, size: int, *, memory_mib: int = 2048, quiet: bool = True
    ) -> None:
        self.store = str(store)
        self.size = size
        self.memory_mib = memory_mib
        self.quiet = quiet
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0  # workers killed or dead and replaced, for the log and the tests
        try:
            for _ in range(size):
                self._idle.put(self._start())
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=work,
            args=(theirs, self.store, self.memory_mib, self.quiet),
            name="opendata-query-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._all.add(worker)
        try:
            ready = ours.poll(START_TIMEOUT)
            answer = ours.recv() if ready else ("store", "it did not start in time")
        except (EOFError, OSError):
            answer = ("store", f"it stopped (exit code {process.exitcode})")
        if answer[0] != "ready":
            self._forget(worker)
            raise StoreError(f"a query worker cannot open the store: {answer[1]}", path=self.store)
        return worker

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now; start its successor in the background (the slot is free then)."""
        self._forget(worker)
        self.replaced += 1

        def restart() -> None:
            for attempt in range(5):
                if self._closed:
                    return
                try:
                    fresh = self._start()
                except StoreError as exc:
                    print(f"opendata serve: {exc}; retrying", file=sys.stderr)
                    time.sleep(2.0**attempt)
                    continue
                if self._closed:
                    self._forget(fresh)
                    return
                self._idle.put(fresh)
                return

        threading.Thread(target=restart, name="opendata-worker-restart", daemon=True).start()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def run(self, job: QueryJob | DescribeJob, timeout: float) -> Results:
        """The job's answer from a worker, within ``timeout`` seconds of waiting for a free
        worker and ``timeout`` seconds of running (raises QueryAborted, QueryError,
        StoreError)."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryAborted(
                f"all {self.size} query workers stayed busy for {timeout:g} s; try again later"
            ) from None
        try:
            worker.conn.send(job)
            done = worker.conn.poll(timeout)
            answer = worker.conn.recv() if done else None
        except (EOFError, OSError):
            answer = ("died", None)
        except BaseException:
            self._replace(worker)
            raise
        if answer is None:
            self._replace(worker)
            raise QueryAborted(f"the query ran longer than the time limit of {timeout:g} s")
        if answer[0] == "died":
            worker.process.join(2)
            code = worker.process.exitcode
            self._replace(worker)
            raise QueryAborted(
                f"the query stopped its worker (exit {code}): it needed more than the memory "
                f"limit of {self.memory_mib} MiB, or it was too complex"
            )
        self._idle.put(worker)
        status, payload = answer
        if status == "ok":
            assert isinstance(payload, Results)
            return payload
        if status == "query":
            raise QueryError(str(payload))
        if status == "memory":
            raise QueryAborted(f"{payload} ({self.memory_mib} MiB)")
        raise StoreError(f"the query failed: {payload}", path=self.store)

    def close(self) -> None:
        """Kill every worker (the server is stopping)."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._forget(worker)
