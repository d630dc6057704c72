"""The poll's worker processes: parsers and one writer (ParsePool), how they start (fork
now, while the process has no thread, or a forkserver), and how they end with their parent
(a pidfd, not the parent-death signal). Knows nothing of feeds: update.py submits to it."""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

NICE = 5  # how much lower the parse workers' CPU priority is than the parent's
WRITER_NICE = 2  # and the writer's


def _init_worker(nice: int, parent: int) -> None:
    """In each worker, at its start: its CPU priority goes down. Parsing and storing are
    throughput work, the parent's event loop is not (a dashboard must keep drawing, a poll's
    fetches feed the workers). The writer goes down less than the parsers: every feed's
    items pass through it one at a time, so it sets the pace of a large poll."""
    try:
        os.nice(nice)
    except OSError:
        pass
    threading.Thread(target=_end_with_parent, args=(parent,), name="tracker-orphan-watch", daemon=True).start()


ORPHAN_CHECK = 0.5  # seconds between a worker's looks at its parent, where it cannot be told


def _end_with_parent(parent: int) -> None:
    """A worker whose parent (the process that made the pool) died, of SIGKILL, a crash or
    the OOM killer, ends too, instead of waiting for ever on a queue nobody feeds, with the
    database open. Not the parent-death signal: it fires when the forking *thread* ends, and
    a forkserver's worker is the forkserver's child, and the forkserver outlives the parent
    for as long as its workers do (they hold its pipe open). A write cut off here is rolled
    back, as by any kill."""
    try:
        watch = os.pidfd_open(parent)  # Linux: readable once the process has ended
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        watch = None
    if watch is not None:
        select.select([watch], [], [])
    else:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except OSError:
                pass
            time.sleep(ORPHAN_CHECK)
    os._exit(1)


class ParsePool(Executor):
    """Worker processes for polls (see parse_pool): parsers, one per core but one, and one
    writer that stores what they parse.

    One writer, not a writer per parser taking turns: SQLite writes one transaction at a
    time anyway, and a single writing process keeps its page cache and its cluster feature
    cache warm, where two writers each found the other's writes had emptied their page cache
    and had never seen the other's items (measured: 30% more time per write, and the writes
    are what a cold poll waits on).

    The executors are made at the first submit: made at once, a forkserver pool starts
    multiprocessing's resource-tracker process (~30 ms of CPU, ~13 MB) even for a poll whose
    feeds all answer 304 and never parse."""

    def __init__(self, workers: int, mp_context, parse_here: bool = False):
        self.workers = 1 if parse_here else max(1, workers - 1)  # parsers
        self._context = mp_context
        self._parse_here = parse_here
        self._parsers: Executor | None = None
        self._writer: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._started = False
        # A submit can block while it starts a worker process (a forkserver's ~0.2 s), so the
        # event loop submits from a thread; once a forking pool has started every process at
        # once (parse_pool(start=True)), no submit starts one again, and the loop submits itself.
        self.submit_blocks = True

    def _executors(self) -> tuple[Executor, ProcessPoolExecutor]:
        with self._lock:
            if self._parsers is None:
                if self._parse_here:
                    self._parsers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-parse")
                else:
                    self._parsers = ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context,
                                                        initializer=_init_worker, initargs=(NICE, os.getpid()))
                self._writer = ProcessPoolExecutor(max_workers=1, mp_context=self._context,
                                                   initializer=_init_worker, initargs=(WRITER_NICE, os.getpid()))
            return self._parsers, self._writer

    def submit(self, fn, /, *args, **kwargs):
        return self._executors()[0].submit(fn, *args, **kwargs)

    def submit_write(self, fn, /, *args, **kwargs):
        return self._executors()[1].submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pools = [p for p in (self._parsers, self._writer) if p is not None]
        for pool in pools:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def start(self, wait: bool = False) -> None:
        """Start the workers now rather than at the first parse. Submitting starts a worker
        only while none is idle, so one no-op per worker starts them all. A forkserver
        worker takes ~0.2 s to start (the server boots and imports the parser), and the
        submit that starts it blocks meanwhile: so, unless asked to wait, from a thread."""
        if self._started:
            return
        self._started = True
        if wait:
            self._start_workers()
            self.submit_blocks = self._context.get_start_method() != "fork"  # forked all at once
        else:
            threading.Thread(target=self._start_workers, name="tracker-pool-start", daemon=True).start()

    def _start_workers(self) -> None:
        # The writer first: a forking pool's first submit forks its processes and then starts
        # a thread of its own, and nothing may be forked once another thread exists.
        self.submit_write(int).result()
        for _ in range(self.workers):
            self.submit(int)


def parse_pool(workers: int | None = None, start: bool = False, parse_here: bool = False) -> ParsePool:
    """Worker processes for polls: as many as cores (parsers and a writer).

    parse_here: parse on a thread of this process instead, and start only the writer: for a
    process with nothing else to do than the poll (`tracker poll`), where this process and
    the writer keep two cores busy already. On two cores a parser process only added its
    memory (~12 MiB of the 58 MiB of a cold poll of 200 feeds, for the same speed); and with
    a single forked process nothing is forked after a pool's thread exists.

    Normally forkserver, not fork: the parent has threads (asyncio, httpx, sqlite) whose
    locks a forked child could inherit held. But with start=True in a process that has no
    thread yet (`tracker poll`, before its event loop), the workers are forked at once:
    ready in ~10 ms instead of ~0.2 s, with no second interpreter to boot (~0.2 s of CPU),
    and sharing the parent's pages.
    """
    workers = workers or os.cpu_count() or 2
    if start and threading.active_count() == 1:
        pool = ParsePool(workers, multiprocessing.get_context("fork"), parse_here)
        pool.start(wait=True)  # fork now, while there is no other thread; submit forks all workers at once
        return pool
    ctx = multiprocessing.get_context("forkserver")
    # tracker.cli too: each worker re-imports the parent's __main__ (the `tracker` script,
    # which imports tracker.cli); preloaded, that is a lookup, and its pages are shared.
    ctx.set_forkserver_preload(["tracker.parse", "tracker.cli"])
    pool = ParsePool(workers, ctx, parse_here)
    if start:
        pool.start()
    return pool
