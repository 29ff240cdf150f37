"""A pool of persistent worker processes that survives its workers.

Each worker is a spawned child of this process (so `RUSAGE_CHILDREN` accounts for it once it
is joined), pays the imports and a warm-up once, then takes one task at a time over its own
pipe. The parent waits on every pipe and every process sentinel at once, with the earliest
task deadline as the timeout:

- a result comes back → `Done`;
- a task outlives its deadline → the worker is killed and replaced → `Lost("timeout")`;
- a worker dies (a native crash, a signal, the memory cap) → replaced → `Lost("crash")`;
- a `MemoryError` in the worker → reported, the worker exits and is replaced → `Lost("memory")`;
- any other exception in the task → `Lost("internal")`, the worker carries on.

So a file that crashes or hangs its worker costs only that file. Each worker may cap its own
address space (`RLIMIT_AS`), so one hostile file cannot take the machine's memory.

What is serial in a run is kept short: the workers start when the `Pool` is made, before the
caller has found the files, so their imports (~0.4 s) overlap with discovery; a worker gets its
next task before the caller sees its last result; and a worker with nothing left to do is told
to end at once and leaves without tearing its interpreter down, while the others finish (a dead
worker is only replaced while tasks remain).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection as mpc
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

LostReason = Literal["timeout", "crash", "memory", "internal"]
_STARTUP_ATTEMPTS = 3


@dataclass(frozen=True)
class Done:
    task: int
    value: Any


@dataclass(frozen=True)
class Lost:
    task: int
    reason: LostReason
    detail: str = ""


class WorkersFailed(RuntimeError):
    """Workers die or hang before they can take a task: nothing can be validated."""


def _cap_memory(megabytes: int) -> None:
    if megabytes <= 0 or sys.platform == "win32":  # no RLIMIT_AS on Windows: no cap there
        return
    import resource

    cap = megabytes << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _serve(
    conn: Connection,
    handle: Callable[[Any], Any],
    warm_up: Callable[[], None],
    memory_mb: int,
) -> None:
    """The worker's loop. Ctrl-C belongs to the parent, which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # one worker per core already: a BLAS thread pool per worker would only add threads, and
    # each thread's reserved memory counts against the address-space cap on a many-core host
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    try:
        _cap_memory(memory_mb)
        warm_up()
    except BaseException as exc:  # one line for the parent, not a traceback on the terminal
        cause = exc.__cause__ or exc  # numpy wraps the loader's error in a page of advice
        lines = str(cause).strip().splitlines() or [""]
        conn.send(("failed", f"{type(cause).__name__}: {lines[0]}"))
        sys.exit(3)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            # Nothing of the worker's needs an orderly shutdown (each task's files are closed),
            # and tearing down the pandas/pandera modules took ~0.1 s that the run waited for
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        task, payload = message
        try:
            value = handle(payload)
            conn.send((task, "ok", value))
        except MemoryError:
            conn.send((task, "memory", ""))
            return  # a heap that ran out is not trusted with the next file
        except Exception as exc:
            conn.send((task, "internal", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: Any, args: tuple[Any, ...]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.task: int | None = None
        self.deadline = 0.0
        self.failure = ""  # why it could not start, as it said

    def send(self, task: int, payload: Any, timeout: float) -> None:
        self.task = task
        self.deadline = time.monotonic() + timeout
        self.conn.send((task, payload))

    def retire(self, *, kill: bool) -> None:
        """Ask it to end (or kill it) without waiting: workers end side by side, not in turn."""
        if not self.process.is_alive():
            return
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)

    def join(self) -> None:
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Pool:
    """`jobs` workers, started at once so that their imports overlap with whatever the caller
    does next (finding and unpacking the submissions); `run` hands them the tasks. Use it as a
    context manager: leaving it ends every worker, killing those still busy."""

    def __init__(
        self,
        handle: Callable[[Any], Any],
        warm_up: Callable[[], None],
        *,
        jobs: int,
        timeout: float,
        memory_mb: int = 0,
        startup_timeout: float = 120.0,
    ) -> None:
        """`handle` and `warm_up` must be importable module-level functions (they travel to the
        workers by name)."""
        self._ctx = multiprocessing.get_context("spawn")
        self._args = (handle, warm_up, memory_mb)
        self._timeout = timeout
        self._startup_timeout = startup_timeout
        self._workers: list[_Worker] = []
        self._retired: list[_Worker] = []
        # Ctrl-C while a worker is being spawned left it without its start-up data (a
        # traceback on the terminal) and the pool half made; held back until all have started,
        # it reaches this process as usual, and the children inherit it blocked until their
        # loop ignores it (as multiprocessing's own resource tracker is started)
        blocked = _block_sigint()
        try:
            self._workers = [self._start() for _ in range(max(1, jobs))]
            _restore_sigmask(blocked)
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        return _Worker(self._ctx, self._args)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._workers:
            w.retire(kill=w.task is not None or not w.ready)
        self._retired += self._workers
        self._workers = []
        for w in self._retired:
            w.join()
        self._retired = []

    def _retire(self, w: _Worker, *, kill: bool) -> None:
        w.retire(kill=kill)
        self._workers.remove(w)
        self._retired.append(w)

    def run(self, tasks: Sequence[tuple[int, Any]]) -> Iterator[Done | Lost]:
        """Run `handle(payload)` for every task; yield one outcome per task, in completion
        order. A worker with nothing left to take is told to end there and then, so that its
        exit overlaps with the others' last files."""
        # more workers than tasks: the extra ones are still importing, nothing is lost
        for w in sorted(self._workers, key=lambda w: w.ready)[: len(self._workers) - len(tasks)]:
            self._retire(w, kill=not w.ready)
        pending: deque[tuple[int, Any]] = deque(tasks)
        failed_starts = 0
        while pending or any(w.task is not None for w in self._workers):
            for w in list(self._workers):
                self._feed(w, pending)
            workers = list(self._workers)  # the loop below replaces the dead in self._workers
            limits = [w.deadline for w in workers if w.task is not None]
            limits += [w.started + self._startup_timeout for w in workers if not w.ready]
            wait = max(0.0, min(limits) - time.monotonic()) if limits else None
            waitables = [w.conn for w in workers] + [w.process.sentinel for w in workers]
            ready = set(mpc.wait(waitables, wait))
            for w in workers:
                outcome, dead = _collect(w, ready)
                if not dead:  # its next file before the caller sees this one: it never waits
                    self._feed(w, pending)
                if outcome is not None:
                    yield outcome
                now = time.monotonic()
                if not dead and w.ready and w.task is not None and now > w.deadline:
                    yield Lost(w.task, "timeout")
                    dead = True
                elif not dead and not w.ready and now > w.started + self._startup_timeout:
                    dead = True
                if not dead:
                    continue
                if not w.ready:
                    failed_starts += 1
                    if failed_starts >= _STARTUP_ATTEMPTS:
                        raise WorkersFailed(w.failure or _exit_text(w))
                w.task = None
                self._retire(w, kill=True)
                if pending:  # at the end, a replacement would import for nothing
                    self._workers.append(self._start())

    def _feed(self, w: _Worker, pending: deque[tuple[int, Any]]) -> None:
        """The next task for an idle worker, or, with none left, its leave."""
        if w.ready and w.task is None and w in self._workers:
            if pending:
                w.send(*pending.popleft(), self._timeout)
            else:
                self._retire(w, kill=False)


def _block_sigint() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore_sigmask(mask: set[int | signal.Signals] | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _collect(w: _Worker, ready: set[Any]) -> tuple[Done | Lost | None, bool]:
    """Read what `w` sent, if anything. Returns (outcome, whether the worker is gone)."""
    outcome: Done | Lost | None = None
    if w.conn in ready:
        try:
            message = w.conn.recv()
        except (EOFError, OSError):
            message = None
        if message is None:
            w.process.join(1)
        elif message == ("ready",):
            w.ready = True
            return None, False
        elif message[0] == "failed":
            w.failure = message[1]
            w.process.join(5)
            return None, True
        else:
            task, status, value = message
            w.task = None
            if status == "ok":
                return Done(task, value), False
            outcome = Lost(task, status, value)
            return outcome, status == "memory"
    if w.conn in ready or w.process.sentinel in ready:
        if w.process.is_alive() and w.conn not in ready:
            return None, False
        w.process.join(1)
        if w.task is not None:
            outcome = Lost(w.task, "crash", _exit_text(w))
            w.task = None
        return outcome, True
    return None, False


def _exit_text(w: _Worker) -> str:
    code = w.process.exitcode
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
