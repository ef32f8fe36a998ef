"""Worker processes of a local batch: one document at a time each, a time limit per document,
and no worker outliving the run.

Each worker is a ``spawn`` ed process with a pipe to the parent. The parent hands it one job,
the worker says when it starts it and sends back its small result; so the parent always knows
which document each worker holds and since when. A worker that runs over the time limit is
killed (``SIGKILL``) and replaced, and its document reported as over the limit; a worker that
dies (a crash, the OOM killer) is replaced and only its own document reported. A worker is
retired after ``tasks_per_worker`` documents (memory a document leaves behind goes with it).

Workers die with their parent, even on ``kill -9``: each asks the kernel for ``SIGKILL`` when
its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``; the kernel sends it when the *thread* that
started the worker ends, so use a pool from one thread) and a watchdog thread checks that its
parent is still the one that started it (every other system, and the moment before ``prctl``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG = 1.0  # seconds between the watchdog's looks at the parent
STARTED = "started"  # what a worker sends when it begins a job
TIMEOUT = 120.0  # seconds a document may take in a worker, by default (--timeout)


def die_with_parent(parent: int) -> None:
    """In a worker: be killed when process ``parent`` (the one that started it) dies."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="opendata-watchdog", daemon=True).start()


def _serve(conn: Connection, work: Callable[[Any], Any], parent: int) -> None:
    """A worker's life: take a job, say so, send its result; until told to stop (None)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(STARTED)
        try:
            conn.send(work(job))  # pickled whole before anything is sent
        except Exception as exc:  # a result that cannot be sent, a bug in work
            conn.send(Failed(f"{type(exc).__name__}: {exc}"))


@dataclass(frozen=True)
class Failed:
    """Sent by a worker in place of a result that could not be made or sent."""

    reason: str


@dataclass
class Outcome:
    """What became of a job: its result, or why there is none: ``"died"``, ``"timeout"`` or
    the error that kept the worker from sending it."""

    job: Any
    result: Any = None
    failure: str | None = None
    pid: int | None = None  # of the worker, when it was killed or died


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    job: Any = None
    started: float | None = None  # when the worker said it began the job
    done: int = 0


class Pool:
    """``workers`` processes running ``work`` on one job each at a time, ``timeout`` seconds at
    most per job (None: no limit). Use it as a context manager: leaving it stops every worker."""

    def __init__(
        self,
        workers: int,
        work: Callable[[Any], Any],
        *,
        tasks_per_worker: int,
        timeout: float | None = None,
    ) -> None:
        self.size = workers
        self.work = work
        self.tasks_per_worker = tasks_per_worker
        self.timeout = timeout or None
        self.context = get_context("spawn")
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def free(self) -> bool:
        return len(self.busy) < self.size

    def submit(self, job: Any) -> None:
        """Hand ``job`` to an idle worker (started if none); only when :attr:`free`."""
        worker = self.idle.pop() if self.idle else self._start()
        worker.job, worker.started = job, None
        try:
            worker.conn.send(job)
        except OSError:  # it died while idle: a new one takes the job
            self._stop(worker)
            worker = self._start()
            worker.job = job
            worker.conn.send(job)
        self.busy.append(worker)

    def wait(self) -> list[Outcome]:
        """Block until at least one busy job has an outcome; the outcomes so far."""
        while self.busy:
            outcomes = self._poll()
            if outcomes:
                return outcomes
        return []

    def _poll(self) -> list[Outcome]:
        waiting: list[Any] = []
        for worker in self.busy:
            waiting += [worker.conn, worker.process.sentinel]
        ready = set(wait(waiting, timeout=self._next_deadline()))
        outcomes: list[Outcome] = []
        now = time.monotonic()
        for worker in list(self.busy):
            outcome = None
            if worker.conn in ready or worker.process.sentinel in ready:
                outcome = self._receive(worker, now)
            elif self.timeout and worker.started and now - worker.started >= self.timeout:
                outcome = Outcome(worker.job, failure="timeout", pid=worker.process.pid)
                self.busy.remove(worker)
                self._stop(worker)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _receive(self, worker: _Worker, now: float) -> Outcome | None:
        """A message from ``worker`` (start or result), or its death."""
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if isinstance(message, str) and message == STARTED:
                    worker.started = now
                    continue
                self.busy.remove(worker)
                worker.done += 1
                if worker.done >= self.tasks_per_worker:
                    self._stop(worker, kill=False)
                else:
                    self.idle.append(worker)
                if isinstance(message, Failed):
                    return Outcome(worker.job, failure=message.reason, pid=worker.process.pid)
                return Outcome(worker.job, result=message)
        except (EOFError, OSError):
            pass
        if worker.process.is_alive():
            return None  # only the start of the job
        self.busy.remove(worker)
        self._stop(worker)
        return Outcome(worker.job, failure="died", pid=worker.process.pid)

    def _next_deadline(self) -> float | None:
        """Seconds until the first running job is over the limit (None: no limit)."""
        if not self.timeout:
            return None
        started = [w.started for w in self.busy if w.started is not None]
        if not started:  # a worker's start message wakes the wait
            return None
        return max(0.0, min(started) + self.timeout - time.monotonic())

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child_end, self.work, os.getpid()), daemon=True
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _stop(self, worker: _Worker, *, kill: bool = True) -> None:
        """Stop a worker: killed, or (``kill=False``) asked to end and killed if it does not."""
        if not kill:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()

    def close(self) -> None:
        """Stop every worker: the idle ones are asked to end, busy ones (a run given up) killed."""
        for worker in self.busy:
            self._stop(worker)
        for worker in self.idle:
            self._stop(worker, kill=False)
        self.busy, self.idle = [], []
