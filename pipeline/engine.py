"""Where the per-report stages run: in this process, in a pool of local worker processes, or on a Dask cluster.

The per-report stages are reading a raw file (ingest) and, for each dated article, extraction with
geocoding (:func:`extract_one`: a report's mentions depend on that report alone, the gazetteer and the
profile). Everything that looks across reports stays in the calling process: duplicate detection,
the dates stage, merging, ceasefire linkage, exports, validation and publishing.

* :class:`LocalPool` runs tasks in ``jobs`` worker processes (forked where the platform can, so
  they share the gazetteer already loaded) and yields results in input order, whatever order they
  finish in: the tables do not depend on ``jobs``.
* A time budget per report (``PIPELINE_REPORT_SECONDS``, default 30 s): extraction that runs longer
  is stopped and the report becomes a reject row; the build goes on. Inside a worker (or with one
  job, inside this process) an alarm signal stops it, a long regular expression search included; a
  worker that does not answer a grace period later is killed and replaced.
* :class:`DaskEngine` sends batches of articles to a ``dask.distributed`` cluster (the ``dask``
  extra); see the README's section on clusters.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from pipeline.extract import extract_report
from pipeline.geocode import locate

log = logging.getLogger(__name__)

REPORT_SECONDS_ENV = "PIPELINE_REPORT_SECONDS"
DEFAULT_REPORT_SECONDS = 30.0
# A worker still busy this long after its report's budget ran out is stuck outside Python code: it is killed.
KILL_GRACE_SECONDS = 5.0
MAX_EXTRACT_ERROR = 200
ENGINES = ("local", "dask")


class EngineError(RuntimeError):
    """The engine cannot run (a bad setting, a cluster that cannot be reached or runs other code)."""


class ReportTimeout(BaseException):
    """A report's time budget ran out (a BaseException, so that no ``except Exception`` swallows it)."""


def report_budget(environ: dict[str, str] | None = None) -> float | None:
    """Seconds one report's extraction may take: ``PIPELINE_REPORT_SECONDS`` (0 or ``none``: no limit)."""
    raw = (os.environ if environ is None else environ).get(REPORT_SECONDS_ENV, "").strip()
    if not raw:
        return DEFAULT_REPORT_SECONDS
    if raw.lower() in ("0", "none", "off"):
        return None
    try:
        seconds = float(raw)
    except ValueError:
        raise EngineError(f"{REPORT_SECONDS_ENV}={raw!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise EngineError(f"{REPORT_SECONDS_ENV}={raw!r} must be a positive number of seconds (0 for no limit)")
    return seconds or None


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def timeout_error(seconds: float) -> str:
    return f"extraction took longer than {seconds:g} s, the limit per report ({REPORT_SECONDS_ENV}); the report was skipped"


# --------------------------------------------------------------------------- the time budget


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ReportTimeout` inside the block once ``seconds`` have passed.

    In the main thread an interval timer's alarm signal does it (it interrupts a regular expression
    search too); in another thread (a Dask worker's) the exception is set asynchronously on the thread,
    which takes effect at the next Python instruction.
    """
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
        return
    with _async_timer(seconds):
        yield


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum, frame):
        raise ReportTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _async_timer(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    lock = threading.Lock()
    done = False

    def expire() -> None:
        with lock:
            if not done:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(ReportTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            done = True
        timer.cancel()


# --------------------------------------------------------------------------- one report


@dataclass
class Outcome:
    """What the per-report stage made of one article: its located mentions and the mentions geocoding
    dropped (dicts of the mention, the stage and the reason), or a reject's error."""

    mentions: list | None = None
    dropped: list | None = None
    error: str | None = None
    timed_out: bool = False


def _short_error(exc: BaseException) -> str:
    error = " ".join(f"{type(exc).__name__}: {exc}".split())
    return error if len(error) <= MAX_EXTRACT_ERROR else error[: MAX_EXTRACT_ERROR - 1] + "…"


def extract_one(article: dict, gazetteer, profile, budget: float | None) -> Outcome:
    """Extraction and offline geocoding of one article within its time budget; never raises for the
    article's content. The online geocoder, which keeps one cache and one rate limit, is asked
    afterwards in the main process (:func:`pipeline.geocode.place_villages`)."""
    try:
        with time_budget(budget):
            located, dropped = locate(extract_report(article, gazetteer, profile), gazetteer, profile)
        return Outcome(mentions=located, dropped=dropped)
    except ReportTimeout:
        return Outcome(error=timeout_error(budget or 0), timed_out=True)
    except Exception as exc:  # one broken report must not stop the batch
        return Outcome(error=_short_error(exc))


# State of a worker process: set before forking, or by the initializer in a spawned one.
_WORKER: dict[str, Any] = {}


def set_worker_state(profile, gazetteer, budget: float | None) -> None:
    _WORKER.update(profile=profile, gazetteer=gazetteer, budget=budget)


def _init_spawned_worker(profile_folder: str, budget: float | None) -> None:
    from pipeline.geocode import get_gazetteer
    from pipeline.profile import load_profile

    profile = load_profile(Path(profile_folder))
    set_worker_state(profile, get_gazetteer(profile), budget)


def extract_task(article: dict) -> Outcome:
    """The extraction task of a worker process (its state set by :func:`set_worker_state`)."""
    return extract_one(article, _WORKER["gazetteer"], _WORKER["profile"], _WORKER["budget"])


def ingest_task(item: tuple[str, Path, Any]) -> tuple[list[dict], list[dict]]:
    from pipeline.ingest import read_report

    rel, path, limits = item
    return read_report(path, rel, limits=limits)


# --------------------------------------------------------------------------- local worker processes


def _worker_main(conn: Connection, initializer: Callable | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, fn, item = message
        try:
            conn.send((index, True, fn(item)))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            conn.send((index, False, _short_error(exc)))


@dataclass
class Failed:
    """A task that raised, or whose worker died or was killed; ``error`` says which."""

    error: str
    timed_out: bool = False


IMPORT_THREAD_PREFIX = "import-"  # threads that import modules in the background (see pipeline.validate.preload)


def _wait_for_imports() -> None:
    """A fork while another thread imports would copy its held module locks into the child: wait for such threads."""
    for thread in threading.enumerate():
        if thread.name.startswith(IMPORT_THREAD_PREFIX) and thread is not threading.current_thread():
            thread.join()


class _Worker:
    def __init__(self, context, initializer: Callable | None, initargs: tuple) -> None:
        if context.get_start_method() == "fork":
            _wait_for_imports()
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, initializer, initargs), daemon=True)
        self.process.start()
        child.close()
        self.queue: list[int] = []  # indexes sent, in order; the first is the one running
        self.started = 0.0  # when the first of the queue started (as far as the parent can tell)

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class LocalPool:
    """``jobs`` worker processes; :meth:`imap` yields each task's result in input order.

    ``hard_timeout`` is the time after which a task's worker is killed (and replaced); the task's
    result is then a :class:`Failed`. A task that raises gives a :class:`Failed` too.
    """

    # One task at a time per worker: a second one sent while the worker is busy could fill the pipe
    # while the worker blocks sending a large result back (a deadlock); the round trip costs far less.
    IN_FLIGHT = 1

    def __init__(self, jobs: int, *, initializer: Callable | None = None, initargs: tuple = (), spawn_initializer: Callable | None = None,
                 spawn_initargs: tuple = ()) -> None:
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            self.context = multiprocessing.get_context("fork")
            self._init = (initializer, initargs)
        else:
            self.context = multiprocessing.get_context("spawn")
            self._init = (spawn_initializer, spawn_initargs)
        if initializer is not None and "fork" in methods:
            initializer(*initargs)  # state set here is inherited by the forked workers
            self._init = (None, ())
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []

    def __enter__(self) -> LocalPool:
        self.workers = [_Worker(self.context, *self._init) for _ in range(self.jobs)]
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError, BrokenPipeError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.kill()
            else:
                worker.conn.close()
        self.workers = []

    def imap(self, fn: Callable, items: Iterable, *, hard_timeout: float | None = None, window: int | None = None) -> Iterator[Any]:
        source = iter(items)
        pending: dict[int, Any] = {}  # index -> item, for tasks not yet answered
        results: dict[int, Any] = {}
        next_index = next_out = 0
        window = window or self.jobs * self.IN_FLIGHT * 8
        exhausted = False
        retry: list[int] = []
        while True:
            # Hand out tasks: retried ones first, then new ones, within the window of unyielded results.
            for worker in self.workers:
                while len(worker.queue) < self.IN_FLIGHT:
                    if retry:
                        index = retry.pop(0)
                    elif not exhausted and next_index - next_out < window:
                        try:
                            item = next(source)
                        except StopIteration:
                            exhausted = True
                            break
                        index, next_index = next_index, next_index + 1
                        pending[index] = item
                    else:
                        break
                    if not worker.queue:
                        worker.started = time.monotonic()
                    worker.queue.append(index)
                    worker.conn.send((index, fn, pending[index]))
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
            if exhausted and not pending and not retry:
                return
            busy = [w for w in self.workers if w.queue]
            if not busy:
                continue  # every task handed out was answered and yielded: hand out the next ones
            timeout = None
            if hard_timeout is not None and busy:
                timeout = max(0.0, min(w.started + hard_timeout for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            now = time.monotonic()
            for worker in list(self.workers):
                if not worker.queue:
                    continue
                if worker.conn in ready:
                    try:
                        index, ok, value = worker.conn.recv()
                    except (EOFError, OSError):
                        self._replace(worker, retry, results, pending, "the worker process died (exit code {code})")
                        continue
                    worker.queue.remove(index)
                    worker.started = now
                    pending.pop(index, None)
                    results[index] = value if ok else Failed(value)
                elif worker.process.sentinel in ready and not worker.process.is_alive():
                    self._replace(worker, retry, results, pending, "the worker process died (exit code {code})")
                elif hard_timeout is not None and now - worker.started >= hard_timeout:
                    self._replace(worker, retry, results, pending, None)

    def _replace(self, worker: _Worker, retry: list[int], results: dict, pending: dict, message: str | None) -> None:
        """The worker's running task fails (killed for its time, or died); the tasks queued behind it go to others."""
        worker.kill()
        head, rest = worker.queue[0], worker.queue[1:]
        code = worker.process.exitcode
        results[head] = Failed(message.format(code=code), timed_out=False) if message else Failed("killed", timed_out=True)
        pending.pop(head, None)
        retry[:0] = rest
        log.warning("task %d: %s; replacing the worker", head, message.format(code=code) if message else "over its time, killed")
        self.workers[self.workers.index(worker)] = _Worker(self.context, *self._init)


# --------------------------------------------------------------------------- running the stages


@dataclass
class Engine:
    """How the per-report stages run: ``local`` (``jobs`` processes; 1 = in this process) or ``dask``."""

    kind: str = "local"
    jobs: int = 1
    scheduler: str | None = None
    progress: bool = False
    # Called once the per-report stages run elsewhere and this process mostly waits (work to overlap with them),
    # and by :meth:`per_report_done` (work to overlap with the stages that follow).
    while_waiting: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise EngineError(f"unknown engine {self.kind!r}; expected one of {', '.join(ENGINES)}")
        if self.jobs < 1:
            raise EngineError(f"jobs must be at least 1, not {self.jobs}")
        if self.scheduler and self.kind != "dask":
            raise EngineError("a scheduler address is for the dask engine (--engine dask)")

    def per_report_done(self) -> None:
        """The per-report stages are over: no worker is forked after this, so ``while_waiting`` may start its
        background work now (a build whose reports all came from the cache has had no wait to overlap it with)."""
        if self.while_waiting is not None:
            self.while_waiting()

    def _bar(self, iterable: Iterable, total: int, desc: str, unit: str) -> Iterator:
        """``iterable`` with a progress bar on the terminal when asked for (one per stage, removed when done)."""
        if not self.progress or total == 0:
            yield from iterable
            return
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True) as bar:
            for item in iterable:
                yield item
                bar.update(1)

    # -- ingest: files are read where they are, on this machine

    def read_files(self, inputs: list[tuple[str, Path]], limits) -> Iterator[tuple[list[dict], list[dict]]]:
        items = [(rel, path, limits) for rel, path in inputs]
        if self.jobs == 1 or len(items) < 2 * self.jobs:
            yield from self._bar(map(ingest_task, items), len(items), "ingest", "file")
            return
        with LocalPool(self.jobs) as pool:
            for result in self._bar(pool.imap(ingest_task, items), len(items), "ingest", "file"):
                if isinstance(result, Failed):
                    raise EngineError(f"reading a raw file failed: {result.error}")
                yield result

    # -- extraction and geocoding

    def extract(self, articles: Iterable[dict], profile, gazetteer, budget: float | None, *, total: int) -> Iterator[Outcome]:
        """One :class:`Outcome` per article (``total`` of them), in order; the articles are read as needed."""
        if total == 0:
            return
        yield from self._bar(self._extract(iter(articles), profile, gazetteer, budget, total), total, "extract", "report")

    def _extract(self, articles: Iterator[dict], profile, gazetteer, budget: float | None, total: int) -> Iterator[Outcome]:
        if self.kind == "dask":
            yield from DaskEngine(self.scheduler, self.jobs, self.while_waiting).extract(articles, profile, budget)
            return
        if self.jobs == 1 or total < 2 * self.jobs:
            for article in articles:
                yield extract_one(article, gazetteer, profile, budget)
            return
        # The first report is extracted here: what it warms up (compiled patterns, the date parser's
        # languages: about a second) the forked workers then inherit instead of each doing it again.
        yield extract_one(next(articles), gazetteer, profile, budget)
        hard = None if budget is None else budget + KILL_GRACE_SECONDS
        with LocalPool(
            self.jobs, initializer=set_worker_state, initargs=(profile, gazetteer, budget),
            spawn_initializer=_init_spawned_worker, spawn_initargs=(str(profile.folder), budget),
        ) as pool:
            if self.while_waiting is not None:
                self.while_waiting()
            for result in pool.imap(extract_task, articles, hard_timeout=hard):
                if isinstance(result, Failed):
                    yield Outcome(error=timeout_error(budget or 0) if result.timed_out else result.error, timed_out=result.timed_out)
                else:
                    yield result


# --------------------------------------------------------------------------- Dask


DASK_BATCH = 32  # articles per Dask task: few enough tasks for the scheduler, small enough to spread


def dask_extract_batch(articles: list[dict], profile_folder: str, fingerprint: str, budget: float | None) -> list[Outcome]:
    """A Dask task: extraction and geocoding of a batch of articles on a worker.

    The worker loads the profile and gazetteer once per process (from its own checkout of the
    project) and refuses to run when its extraction fingerprint differs from the client's: it runs
    other code or data, and its results would not be the client's.
    """
    from pipeline.cache import extraction_fingerprint
    from pipeline.geocode import get_gazetteer
    from pipeline.profile import load_profile

    profile = load_profile(Path(profile_folder))
    mine = extraction_fingerprint(profile)
    if mine != fingerprint:
        raise EngineError(
            f"this Dask worker's code or reference data differ from the client's (extraction fingerprint {mine[:12]} here, "
            f"{fingerprint[:12]} on the client): install the same version of the project on every worker"
        )
    gazetteer = get_gazetteer(profile)
    return [extract_one(article, gazetteer, profile, budget) for article in articles]


class DaskEngine:
    """Extraction on a ``dask.distributed`` cluster: the scheduler at ``address``, or a local cluster of ``jobs`` processes."""

    WINDOW = 64  # batches submitted ahead of the one awaited (bounds the client's memory)

    def __init__(self, address: str | None, jobs: int = 1, while_waiting: Callable[[], None] | None = None, *, connect_timeout: str = "30s") -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise EngineError("the dask engine needs the dask extra: pip install -e '.[dask]'") from None
        self.address = address
        self.jobs = jobs
        self.while_waiting = while_waiting
        self.connect_timeout = connect_timeout

    @contextlib.contextmanager
    def client(self):
        from distributed import Client, LocalCluster

        if self.address:
            try:
                client = Client(self.address, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
            with client:
                yield client
            return
        with LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
            yield client

    def extract(self, articles: Iterable[dict], profile, budget: float | None) -> Iterator[Outcome]:
        from pipeline.cache import extraction_fingerprint

        fingerprint = extraction_fingerprint(profile)
        batches = _batches(articles, DASK_BATCH)
        with self.client() as client:
            if self.while_waiting is not None:
                self.while_waiting()
            futures: list = []
            for batch in batches:
                futures.append(client.submit(dask_extract_batch, batch, str(profile.folder), fingerprint, budget, pure=False))
                if len(futures) >= self.WINDOW:
                    yield from futures.pop(0).result()
            for future in futures:
                yield from future.result()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
