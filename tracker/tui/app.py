"""The dashboard: header countdown, live panel, anchor article, status line.

The app owns no I/O of its own on the event loop beyond small indexed reads for the rows on
screen: polling runs on APScheduler's asyncio scheduler with parsing in a process pool, and
every database write goes through one writer thread (so writes keep their order and a
locked database never freezes a keypress).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import signal
import sys
import threading
import time
import webbrowser
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from textual import on
from textual.app import App, ComposeResult, ScreenStackError, SystemCommand
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.notifications import Notification, Notify
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input
from textual.worker import Worker, WorkerFailed, WorkerState

from ..errors import StoreError
from ..milestones import milestones
from ..model import Config, Deadline
from ..rows import Item
from ..store import Abandoned, Filter, Store
from ..text import clean_text, safe_link
from ..timeutil import utcnow
from . import render
from .keys import KEYS, SHORT, app_bindings
from .messages import (DeadlinesChanged, FeedsChanged, ItemChosen, ItemHighlighted, PollFinished, PollStarted,
                       StoreChanged, TimelineChosen)
from .widgets.article import ArticleView, DetailView
from .widgets.briefing import Briefing
from .widgets.footer import KeyFooter
from .widgets.header import StoryHeader
from .widgets.development_list import DevelopmentList
from .widgets.item_list import ItemList, arrivals, insertion_points
from .widgets.status import StatusLine

if TYPE_CHECKING:  # imported after the first frame: httpx, feedparser and APScheduler cost ~0.3 s
    from ..schedule import Poller
    from ..update import Updater, UpdateResult

log = logging.getLogger("tracker.tui")

# Worker groups whose every failure is told in a toast, by these names, and the dashboard goes
# on (_told): the user asked for them and should hear why they did not happen.
TOLD_JOBS = {"export": "digest export", "catch-up": "re-scoring and grouping"}

FILTERS = ("all", "unread", "starred", "off-story")
BRIEF_SEEN_AFTER = 8.0  # seconds on screen after which the briefing counts as seen
MAIN_SCREEN_ACTIONS = {"briefing", "next_unread", "toggle_read", "toggle_star", "open_link", "copy_link", "search",
                       "cycle_filter", "back", "mark_on", "mark_off", "reader", "toggle_view", "split_out",
                       "join_above"}
VIEWS = ("developments", "reports")  # what v switches between; remembered in the database
THEMES = ("textual-dark", "textual-light")  # what T switches between; the palette offers every theme
WATCH_INTERVAL = 1.0  # seconds between looks for another process's writes
CHECK_SPACING = 0.5  # seconds between two looks at the database for new items, in a burst
ARRIVALS_QUIET = 3.0  # seconds after a new-items toast during which more are gathered into one
ARRIVALS_TIMEOUT = 8.0  # seconds the new-items toast stays; arrivals meanwhile update it



def as_you_type(text: str) -> str:
    """The query a search box's text runs while it is being typed: its words of two letters
    or more. Every item has a word that starts with "a" or "t", so a one-letter prefix
    filters next to nothing and reads the whole index (100 ms at 100,000 items) at the very
    key a person is still typing on; Enter searches one-letter words all the same."""
    return " ".join(w for w in re.findall(r"\w+", text) if len(w) >= 2)

class TrackerApp(App[None]):
    CSS_PATH = "tracker.tcss"
    TITLE = "tracker"
    BINDINGS = app_bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, config: Config, store: Store, *, clock: Callable[[], datetime] | None = None,
                 start_polling: bool = True, pool: Executor | None = None, processes: bool = False,
                 browser: Callable[[str], object] | None = None, signals: bool = False,
                 catch_up: bool = False):
        super().__init__()
        self.config, self.store = config, store
        self.clock = clock or utcnow
        self.start_polling = start_polling
        self.pool, self._own_pool = pool, processes
        if processes:
            # The parse pool is made after the first frame, but the multiprocessing resource
            # tracker it needs hands its child our stderr's descriptor, which Textual's captured
            # stderr lacks (fileno() is -1): start the tracker now, before the app runs.
            from multiprocessing import resource_tracker
            resource_tracker.ensure_running()
        self.browser = browser or webbrowser.open
        self._signals = signals
        # Made after the first frame (see _setup_polling); polling_ready() waits for them.
        self.updater: Updater | None = None
        self.poller: Poller | None = None
        self._poller_made = asyncio.Event()
        # catch_up: apply rules edited in feeds.toml and group what is not grouped yet, behind
        # the first screen (_catch_up); polling starts once it is done.
        self.catch_up = catch_up
        self._caught_up = asyncio.Event()
        self._quitting = threading.Event()  # tells the catch-up's thread to stop at its next batch
        self._regrouping = False  # the catch-up is making the developments again: the list fills in
        self._catch_up_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-catch-up")
        self.filter = Filter(story=True, clusters=True)  # one row per cluster: its earliest report
        self.filter_mode = "all"
        self.reader = True  # the detail shows a report's full text when it has one (r switches)
        saved_view = store.setting("view")
        self.view = saved_view if saved_view in VIEWS else VIEWS[0]
        self.opened_max = store.max_item_id()  # rows above this are "new since the app opened"
        self.last_max = 0  # the highest id the list has looked at
        self.deadlines: list[Deadline] = list(milestones(config, store).all)
        # One writer thread: writes keep their order (m then m again), and its own connection.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-db-writer")
        self._pending_writes = 0
        self._data_version = store.data_version()
        self._generation = 0  # bumped by each reload; a stale result is dropped
        self._checking = self._check_again = False
        self._list_title = ""
        self._arrived, self._arrived_titles, self._toast_quiet = 0, [], None
        self.arrivals_quiet = ARRIVALS_QUIET
        self.arrivals_timeout = ARRIVALS_TIMEOUT
        self.arrival_toasts = config.notify.get("toasts", True)  # [notify] toasts = false: the ↑N counter only
        self._arrival_toast: Notification | None = None  # the one new-items toast, while it shows
        self._arrival_count = 0  # what it counts
        self.check_spacing = CHECK_SPACING
        self.brief_seen_after = BRIEF_SEEN_AFTER
        self._brief_timer = None
        self._brief_marked: dict[int, bool] = {}  # through_item -> marked: once per briefing
        # Ids our own polls stored: only these are notified ([notify]), so a daemon polling the
        # same database and this dashboard never both ring for one item.
        self._ours: set[int] = set()
        self._to_notify: list[dict] = []
        self.lost: str | None = None  # what became of the database file, once it is no longer ours
        self._notifier = None  # tracker.notify.Notifier, made at the first notification
        self._saved_theme = store.setting("theme")
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        self.header = StoryHeader(self.config.story.title, self.deadlines, self.clock)
        self.items = ItemList(self.store, self.clock, new_after=self.opened_max, id="items")
        self.devs = DevelopmentList(self.store, self.clock, new_after=self.opened_max, id="developments")
        self.article = ArticleView(self.config.story, id="article")
        self.detail = DetailView(self.clock, id="detail")
        self.search = Input(placeholder="search titles and summaries (from 2 letters; Enter: any); Esc clears",
                            id="search", compact=True)
        self.status = StatusLine(self.clock, id="status")
        self.briefing = Briefing(id="briefing")
        yield self.header
        yield self.briefing
        with Horizontal(id="main"):
            yield self.items
            yield self.devs
            with ContentSwitcher(initial="article", id="side"):
                yield self.article
                yield self.detail
        yield self.search
        yield self.status
        yield KeyFooter()

    def on_mount(self) -> None:
        # The first list is read here, before the first frame, so the first screen is already
        # full; only the one shown: the other is read when v shows it (reload), as after a
        # search. At 1,000,000 items the reports' 100,000 ids cost ~60 ms for a hidden list.
        self.last_max = self.store.max_item_id()
        if self.by_development:
            self.devs.set_ids(self.store.development_list(self.filter))
        else:
            self.items.set_ids(self.store.item_ids_between(self.filter, 0, self.last_max))
        self._apply_view()
        self.status.set_state(feeds=self.store.feed_states())
        self._update_list_title()
        self.panel.focus()
        # After the first frame: tracker.brief's imports (the digest's) and its read in a
        # thread would otherwise come before it.
        self.call_after_refresh(self.open_briefing, on_open=True)
        self.set_interval(WATCH_INTERVAL, self.watch_store)
        self.set_interval(1.0, self.tick)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._signals:
            # A closed terminal (SIGHUP) or `kill` (SIGTERM) ends the app like q does, so the
            # scheduler, the parse workers and `tracker demo`'s temporary files are cleaned up.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self.exit)
        if self.catch_up:
            self.call_after_refresh(self.run_worker, self._catch_up, group="catch-up")
        else:
            self._caught_up.set()
        self.call_after_refresh(self.run_worker, self._setup_polling, group="start")

    def tick(self) -> None:
        """The one clock every relative time on screen follows: the countdown, "last poll 2
        minutes ago", the rows' ages, the detail's "(5 minutes ago)", the deadlines' and the
        feeds' tables. Each redraws only when what it shows has changed."""
        self.header.tick()
        self.status.refresh()
        self.panel.tick()
        if self.side_shows("detail"):
            self.detail.tick()
        screen = self._top_screen()
        if _showing(screen, "deadlines.DeadlinesScreen", "feeds.FeedsScreen"):
            screen.tick()

    async def _setup_polling(self) -> None:
        """After the first frame: import the polling machinery and make the poller in a thread,
        so neither the imports nor the HTTP client's TLS setup hold up the first screen."""
        def build():
            from ..schedule import Poller
            from ..pool import parse_pool
            from ..update import Updater
            if self._own_pool:
                try:
                    self.pool = parse_pool()
                    # The first submit starts the forkserver and waits for it: do it here,
                    # not on the event loop, where it would freeze the screen for half a second.
                    _warm_pool(self.pool)
                except Exception:  # parsing in a thread is slower, but polling still works
                    log.exception("no parse worker processes; parsing in a thread")
                    self.pool = None
            updater = Updater(self.config, self.store, pool=self.pool)
            return updater, Poller(updater, on_result=self._poll_result, on_start=self._poll_started,
                                   on_store_error=self._store_failed)
        self.updater, self.poller = await asyncio.to_thread(build)
        # Everything made so far (Textual, the widgets, the imported modules: ~half a million
        # objects) lives as long as the app. Left to the collector, each full collection walks
        # them all and stalls the screen for 50-100 ms; frozen, it walks only what came later.
        # `tracker` paused the collector until here (cli.tui.pause_collection).
        gc.freeze()
        gc.enable()
        self._poller_made.set()
        await asyncio.to_thread(self.store.prefetch)
        await self._caught_up.wait()  # new reports are grouped after the ones waiting for that
        if self.start_polling and self.lost is None:
            self.poller.start()
        self.status.set_state(next_poll=self.poller.next_any())

    async def _catch_up(self) -> None:
        """rescore.on_open behind the first screen: after a rules edit or an upgrade, re-score,
        cluster and group (8 s at 100,000 items all on the story after an algorithm change:
        benchmarks/catchup_bench.py) on a thread of its own, its progress in the status line,
        while the list can be read, searched and marked (the marks' writes go in between its
        transactions; a verdict given meanwhile wins, Store.apply_verdicts). The list is read
        again as the grouping's batches land. Polling (R too) waits for it. q stops it at its
        next batch; what it had committed stays, and the next start goes on from there."""
        from ..rescore import GROUPING, needs_work, on_open
        loop = asyncio.get_running_loop()
        shown = {"at": 0.0, "what": "", "listed": 0.0}

        def progress(what: str, done: int, total: int) -> None:
            if self._quitting.is_set():
                raise Abandoned()  # rolls back the batch in hand; the next start does it again
            now = time.monotonic()
            step = what != shown["what"]
            if step or now - shown["at"] >= 0.2 or done >= total:
                shown.update(at=now, what=what)
                loop.call_soon_threadsafe(partial(self.status.set_state, work=f"{what}: {done:,} of {total:,} items"))
            if what == GROUPING and (step or now - shown["listed"] >= 1.0):
                # A re-grouping forgets the developments first and makes them again, oldest
                # first: the list shows what is made so far, not rows that are gone.
                shown["listed"] = now
                self._regrouping = True
                loop.call_soon_threadsafe(self.reload)

        thread, done = self._catch_up_thread, None
        try:
            if await loop.run_in_executor(thread, needs_work, self.store, self.config):
                try:
                    done = await loop.run_in_executor(thread, on_open, self.store, self.config, progress)
                finally:  # the verdicts and groups the list shows (watch_store sees only new ids), failed or not
                    if not self._quitting.is_set():
                        self.reload()
        finally:
            self._regrouping = False
            self.status.set_state(work="")
            self._caught_up.set()
        if done is not None and (told := done.told()):
            self.toast(told, title="rules")

    async def polling_ready(self) -> Poller:
        """The poller, once it is made and the catch-up (if any) is done: a poll before then
        would group new reports before the ones the catch-up is grouping."""
        await self._poller_made.wait()
        if not self._caught_up.is_set():
            self.toast("polls once the re-scoring and grouping are done", timeout=4)
            await self._caught_up.wait()
        return self.poller

    @property
    def polling(self) -> set[str]:
        return self.poller.polling if self.poller else set()

    def exit(self, *args, **kwargs) -> None:
        self._quitting.set()  # the catch-up's thread stops at its next batch (or report)
        super().exit(*args, **kwargs)

    async def on_unmount(self) -> None:
        self._quitting.set()
        # Its next batch ends it (the store closes after us); waited for off the event loop,
        # which its progress reports still go to.
        await asyncio.to_thread(self._catch_up_thread.shutdown, wait=True)
        if self.poller is not None:
            self.poller.shutdown()
        if self.updater is not None:
            await self.updater.aclose()
        self._writer.shutdown(wait=True)
        if self._own_pool and self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------ helpers
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # App bindings apply on every screen; these act on the list, which only the main
        # screen shows, so the feeds and deadlines screens neither offer nor run them.
        if action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        return True

    def current_id(self) -> int | None:
        """The item the item keys act on: the one in the detail pane when it has focus,
        else the one under the list's cursor."""
        if self.detail.has_focus and self.detail.item_id is not None and self.side_shows("detail"):
            return self.detail.item_id
        if self.by_development:
            row = self.devs.row(self.devs.selected_id) if self.devs.selected_id is not None else None
            return row.headline_item if row else None
        return self.items.selected_id

    # ------------------------------------------------------------ developments or reports: v
    @property
    def by_development(self) -> bool:
        """The panel lists developments (v), except for what the rules left out (off-story
        items belong to none)."""
        return self.view == "developments" and self.filter.story is not False

    @property
    def panel(self) -> ItemList:
        return self.devs if self.by_development else self.items

    def _apply_view(self) -> None:
        focused = self.items.has_focus or self.devs.has_focus
        self.devs.display = self.by_development
        self.items.display = not self.by_development
        if focused:
            self.panel.focus()

    def action_toggle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.run_worker(self.write(self.store.set_setting, "view", self.view), group="write")
        self._apply_view()
        self._update_list_title()
        self.reload()
        self.toast("one row per development (v: every report)" if self.view == "developments"
                   else "every report, copies as one row (v: by development)", timeout=3)

    def development_of(self, item_id: int | None) -> int | None:
        row = self.store.rows([item_id]).get(item_id) if item_id is not None else None
        return row.development if row else None

    def action_split_out(self) -> None:
        """The report into a development of its own: the user's word wins over the grouping."""
        item_id = self.current_id() if not self.by_development else None
        if item_id is None:
            self.toast("x moves a report: switch to the reports (v) or open it", severity="warning")
            return
        self.run_worker(self._move(item_id, None), group="write")

    def action_join_above(self) -> None:
        """The report (in the reports view) or the whole development (in the developments view)
        into the development of the row above."""
        panel = self.panel
        if panel.cursor < 1 or panel.selected_id is None:
            self.toast("no row above to join", severity="warning")
            return
        above = panel.ids[panel.cursor - 1]
        if self.by_development:
            self.run_worker(self._merge(panel.selected_id, above), group="write")
        else:
            target = self.development_of(above)
            if target is None:
                self.toast("the row above is in no development", severity="warning")
                return
            self.run_worker(self._move(panel.selected_id, target), group="write")

    async def _move(self, item_id: int, target: int | None) -> None:
        now = await self.write(self.store.move_item, item_id, target)
        if now is None:
            self.toast("only a report on the story can be moved", severity="warning")
            return
        self._after_move(item_id)
        what = "into a development of its own" if target is None else "into the development above"
        self.toast(f"moved {what} (kept: it wins over the grouping)", timeout=4)

    async def _merge(self, dev_id: int, into: int) -> None:
        def merge() -> int:
            reports = [r.id for r in self.store.development_items(dev_id)]
            for report in reports:
                self.store.move_item(report, into)
            return len(reports)
        moved = await self.write(merge)
        self._after_move(None)
        self.toast(f"{moved} report{'s' if moved != 1 else ''} joined the development above (kept)", timeout=4)

    def _after_move(self, item_id: int | None) -> None:
        self.items.invalidate()
        self.devs.invalidate()  # counts and headlines changed, not only which rows there are
        self.reload()
        if item_id is not None and self.side_shows("detail") and self.detail.item_id == item_id:
            self._show_detail(item_id, mark_read=False, keep_scroll=True)

    def side_shows(self, name: str) -> bool:
        try:
            return self.query_one("#side", ContentSwitcher).current == name
        except NoMatches:  # the app has closed (a poll's result arriving on the way out)
            return False

    def toast(self, message: str, *, title: str = "", severity: str = "information",
              timeout: float | None = None) -> None:
        """notify() parses markup unless told not to; messages here may quote feed text."""
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    async def write(self, fn, *args):
        """Run a store write on the writer thread and wait for it (from a worker)."""
        self._pending_writes += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)
        finally:
            self._pending_writes -= 1

    def _update_list_title(self) -> None:
        panel = self.panel
        title = render.list_title(len(panel.ids), self.filter_mode, self.filter.query, panel.new_above,
                                  what="Developments" if self.by_development else "Coverage")
        if title.plain != self._list_title:  # setting it repaints the whole list; j/k must not
            self._list_title = title.plain
            panel.border_title = title
        if self.by_development and self._regrouping:
            empty = "Grouping into developments: the list fills in as it goes (v lists every report)."
        elif self.filter.query or self.filter_mode != "all":
            empty = "Nothing matches."
        elif unreachable := render.unreachable(self.status.feeds):
            empty = f"{unreachable}\nTo see the dashboard at work without a network: tracker demo"
        else:
            empty = "No items on the story yet: the first polls are on their way (R polls now)."
        if empty != panel.empty_message:
            panel.empty_message = empty
            if not panel.ids:
                panel.refresh()

    # ------------------------------------------------------------ loading the list
    def reload(self) -> None:
        self._generation += 1
        self.run_worker(partial(self._reload, self._generation, self.filter), group="reload", exclusive=True)

    async def _reload(self, generation: int, f: Filter) -> None:
        by_development = self.by_development

        def read():
            # A search a newer key has replaced stops where it is (Abandoned), not at its end.
            with self.store.reading_until(lambda: generation != self._generation):
                upto = self.store.max_item_id()
                # The hidden list is read again when v shows it: a search costs one list's time.
                ids = None if by_development else self.store.item_ids_between(f, 0, upto)
                return upto, ids, (self.store.development_list(f) if by_development else None)
        upto, ids, devs = await asyncio.to_thread(read)  # Abandoned: _worker_changed lets it go
        if generation != self._generation:
            return
        self.last_max = upto
        if ids is not None:
            self.items.set_ids(ids)
        if devs is not None:
            self.devs.set_ids(devs)
        self._list_title = ""  # the other list's title may be the one shown now
        self._update_list_title()

    def _top_screen(self) -> Screen | None:
        """The screen on top, or None once the app has closed its screens: a poll's result
        can still arrive while the app shuts down."""
        try:
            return self.screen
        except ScreenStackError:
            return None

    def on_store_changed(self, message: StoreChanged) -> None:
        self.run_worker(self.check_new, group="check")
        screen = self._top_screen()
        if _showing(screen, "timeline.TimelineScreen", "outlets.OutletsScreen"):  # left open, they follow new items too
            screen.refresh_data()

    async def check_new(self) -> None:
        """Bring in items written since the list last looked (ids > last_max): by our polls or
        by another process. One look at a time; a request during a look causes one more."""
        if self._checking:
            self._check_again = True
            return
        self._checking = True
        try:
            while True:
                self._check_again = False
                await self._check_once()
                if not self._check_again:
                    break
                # During a poll of many feeds results come every few milliseconds; each look
                # redraws the list, so looks are spaced out (items still show within a beat).
                await asyncio.sleep(self.check_spacing)
        finally:
            self._checking = False

    async def _check_once(self) -> None:
        generation, after, f, ids = self._generation, self.last_max, self.filter, self.items.ids
        story = Filter(story=True)
        by_development = self.by_development

        def look():
            upto = self.store.max_item_id()
            if upto <= after:
                return upto, [], {}, None, None
            arrived = self.store.item_ids_between(story, after, upto)
            shown = self.store.item_ids_between(f, after, upto)
            rows = self.store.rows(arrived)
            devs = self.store.development_list(f) if by_development else None
            return upto, arrived, rows, arrivals(self.store, ids, shown, rows), devs
        upto, arrived, rows, placed, devs = await asyncio.to_thread(look)
        if generation != self._generation or self.items.ids is not ids:
            self._check_again = True  # the list changed meanwhile (a reload, a verdict): look again against it
            return
        self.last_max = max(self.last_max, upto)
        if placed is not None:
            self.items.arrive(placed)
        if devs is not None and by_development == self.by_development:
            self.devs.follow(devs)
        self._update_list_title()
        self._to_notify += [rows[i] for i in arrived if i in self._ours]
        self._ours = {i for i in self._ours if i > upto}
        if arrived:
            self._arrived += len(arrived)
            titles = [rows[i].title for i in arrived[:3]]
            self._arrived_titles = titles + self._arrived_titles  # newest first, as listed
            if self._toast_quiet is None:
                self._announce()

    def _announce(self) -> None:
        """Toast what arrived. A poll of many feeds brings items in many small batches: the
        first batch is told at once, the rest together once `arrivals_quiet` seconds have
        passed (a toast per batch would bury the screen, and each one re-lays it out)."""
        self._toast_quiet = None
        if self._arrived:
            self._show_arrivals()
            self._arrived, self._arrived_titles = 0, []
            if self._to_notify and self.config.notify:
                self.run_worker(self._notify(self._to_notify), group="notify")
            self._to_notify = []
            if self.arrivals_quiet > 0:
                self._toast_quiet = self.set_timer(self.arrivals_quiet, self._announce)

    def _show_arrivals(self) -> None:
        """One new-items toast, never a stack: while it shows, later arrivals update its count
        and its newest title. Short (the list's ↑N counter says the rest), one title on a
        narrow screen, where it sits over the article below the list."""
        if not self.arrival_toasts:
            return
        shown = self._arrival_toast
        if shown is not None and not shown.has_expired and shown in self._notifications:
            self._arrival_count += self._arrived
            self._unnotify(shown, refresh=False)
        else:
            self._arrival_count = self._arrived
        narrow = self.size.width < 110  # the toast is at most half the screen wide: 40 cells at 80
        title, message = render.arrivals(self._arrived_titles, self._arrival_count,
                                         shown=1 if narrow else 2, width=36 if narrow else 56)
        self._arrival_toast = Notification(message, title, "information", self.arrivals_timeout, markup=False)
        self.post_message(Notify(self._arrival_toast))

    async def _notify(self, rows: list[Item]) -> None:
        """Bell, desktop notification and hook ([notify]); the hook may take seconds: in a thread."""
        def notify():
            from ..notify import Notifier  # not on the start-up path: the first notification pays
            if self._notifier is None:
                self._notifier = Notifier(self.config)
            return self._notifier(self.store.with_developments(rows), self.clock(),
                                  bell=lambda: self.call_from_thread(self.bell))
        await asyncio.to_thread(notify)

    def watch_store(self) -> None:
        """Once a second: has anyone (our poll threads or another process) committed? And is
        the database file still the one we opened?"""
        if self.lost is not None:
            return
        problem = self.store.moved()
        if problem:
            self.database_lost(problem)
            return
        version = self.store.data_version()
        if version == self._data_version or self._pending_writes:
            return
        self._data_version = version
        self.items.revalidate()  # read/star may have changed elsewhere
        if self.by_development:
            self.devs.revalidate()
        self.post_message(StoreChanged())
        deadlines = list(milestones(self.config, self.store).all)
        if deadlines != self.deadlines:
            self.deadlines = deadlines
            self.header.countdown.set_deadlines(deadlines)
        self.run_worker(self._refresh_feeds, group="feeds", exclusive=True)

    async def _refresh_feeds(self) -> None:
        feeds = await asyncio.to_thread(self.store.feed_states)
        self.status.set_state(feeds=feeds, polling=self.polling,
                              next_poll=self.poller.next_any() if self.poller else None)
        self._update_list_title()  # the empty panel says when no feed could be reached

    def database_lost(self, message: str) -> None:
        """The database file was deleted or replaced (Store.moved): stop polling, say so once,
        in the status line and a toast; reading what is on screen goes on."""
        if self.lost is not None:
            return
        self.lost = message
        log.error("%s", message)
        if self.poller is not None:
            self.poller.shutdown()
        self.status.set_state(problem=message, polling=set())
        self.toast(message, title="database gone", severity="error", timeout=24 * 3600)

    def _store_failed(self, message: str) -> None:
        problem = self.store.moved()
        if problem:
            self.database_lost(problem)

    # ------------------------------------------------------------ failures
    def run_worker(self, work, *args, exit_on_error: bool = False, **kwargs) -> Worker:
        """The app's workers: a failure ends in _worker_changed, not in Textual's exit."""
        return super().run_worker(work, *args, exit_on_error=exit_on_error, **kwargs)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place the app's workers fail (harlequin's pattern): what a user can act on
        is told (_told); anything else is a bug, and ends the app with its traceback."""
        worker = event.worker
        if event.state is WorkerState.ERROR and not self._told(worker.error, TOLD_JOBS.get(worker.group, "")):
            self._handle_exception(WorkerFailed(worker.error))

    def _handle_exception(self, error: Exception) -> None:
        # Textual's door for the rest (a screen's worker, a message handler), which ends the app.
        if not self._told(getattr(error, "error", error)):  # a WorkerFailed carries the worker's error
            super()._handle_exception(error)

    def _told(self, error: BaseException | None, what: str = "") -> bool:
        """Whether a failure was one to tell and go on after: a read a newer one replaced
        (Abandoned: nothing to tell); the database file gone (told once, database_lost; the
        dashboard stays up with what it shows); the database failing otherwise (locked for
        30 s, a full disk: the next write may work); any failure of a named job (`what`, such
        as the digest export: the user should hear why, and the dashboard go on)."""
        if isinstance(error, Abandoned):
            return True
        if isinstance(error, StoreError) and (problem := self.lost or self.store.moved()):
            self.database_lost(problem)
            return True
        if not (isinstance(error, StoreError) or what and isinstance(error, Exception)):
            return False
        log.error("%s", f"{what} failed" if what else "database error", exc_info=error)
        text = clean_text(str(error), 200)
        self.toast(f"{what} failed: {text}" if what else text, title="" if what else "database", severity="error")
        return True

    # ------------------------------------------------------------ polling
    def _poll_started(self, name: str) -> None:
        self.post_message(PollStarted(name))

    def _poll_result(self, result: UpdateResult) -> None:
        self.post_message(PollFinished(result))

    def on_poll_started(self, message: PollStarted) -> None:
        self.status.set_state(polling=self.polling)

    def on_poll_finished(self, message: PollFinished) -> None:
        result = message.result
        if result.new:
            self._ours.update(result.new)
            self.post_message(StoreChanged())
        if result.updated:
            self.items.invalidate(result.updated)
            if self.detail.item_id in result.updated and self.side_shows("detail"):
                self._show_detail(self.detail.item_id, mark_read=False)
        self.run_worker(self._refresh_feeds, group="feeds", exclusive=True)
        screen = self._top_screen()
        if _showing(screen, "feeds.FeedsScreen"):
            self.run_worker(screen.reload, group="feeds-screen", exclusive=True)

    def poll(self, name: str | None = None) -> None:
        self.run_worker(self._poll(name), group="poll")

    async def _poll(self, name: str | None) -> list[UpdateResult]:
        poller = await self.polling_ready()  # R pressed in the first second waits for it
        results = await poller.poll_now(name)
        new = sum(len(r.new) for r in results)
        failed = [r for r in results if r.error]
        if new and not failed:  # the new-items toast says it
            return results
        what = f"polled {name}" if name else f"polled {len(results)} feed{'s' if len(results) != 1 else ''}"
        message = f"{what}: {new} new item{'s' if new != 1 else ''}" if new else f"{what}: nothing new"
        if failed:
            message += f", {len(failed)} failed ({', '.join(clean_text(r.feed, 30) for r in failed[:3])})"
        self.toast(message, severity="warning" if failed else "information", timeout=4)
        return results

    # ------------------------------------------------------------ item actions
    @on(ItemChosen)
    def _chosen(self, message: ItemChosen) -> None:
        self._show_detail(message.item_id)

    @on(DevelopmentList.Chosen)
    def _development_chosen(self, message: DevelopmentList.Chosen) -> None:
        self._show_development(message.development)

    def _show_development(self, dev_id: int) -> None:
        dev = self.store.development_rows([dev_id]).get(dev_id)
        if dev is None:
            return
        self.detail.show_development(dev, self.store.development_items(dev_id))
        self.query_one("#side", ContentSwitcher).current = "detail"

    def _show_detail(self, item_id: int, mark_read: bool = True, keep_scroll: bool = False) -> None:
        row = self.store.item(item_id)
        if row is None:
            return
        if mark_read and not row.read:
            row = replace(row, read=1)
            self._set_read(item_id, True)
        dev = row.development  # which development, and why it is there
        detail = render.Detail(members=tuple(self.store.cluster_members(row.cluster)),  # every report of the cluster
                               development=self.store.development_rows([dev]).get(dev) if dev is not None else None,
                               text=self.store.item_text(item_id), reader=self.reader)
        self.detail.show(row, detail, keep_scroll=keep_scroll)
        self.query_one("#side", ContentSwitcher).current = "detail"

    # ------------------------------------------------------------ the reader view: r
    def action_reader(self) -> None:
        """Show the report's full text (read from its page now if it has none yet) or, again,
        the feed's summary. Remembered for the next report opened."""
        item_id = self.current_id()
        if item_id is None:
            return
        shown = self.side_shows("detail") and self.detail.item_id == item_id
        text = self.store.item_text(item_id)
        if shown and text and text.get("body"):
            self.reader = not self.reader
        else:
            self.reader = True
        self._show_detail(item_id, mark_read=False, keep_scroll=shown)
        if not (text and text.get("body")) and self.config.fulltext.enabled:
            self.run_worker(self._read_page(item_id), group="reader", exclusive=True)

    async def _read_page(self, item_id: int) -> None:
        from ..fulltext import PageError, fetch_article

        row = self.store.item(item_id)
        link = safe_link(row.link if row else None)
        if link is None:
            return
        self._reader_note(item_id, f"reading {clean_text(link, 80)} …")
        try:
            article = await fetch_article(link, self.config.poll)
        except PageError as e:
            await self.write(partial(self.store.save_text, item_id, link, None, error=str(e), now=self.clock()))
        else:
            await self.write(partial(self.store.save_text, item_id, article.url, article.text,
                                     author=article.author, now=self.clock()))
        if self.side_shows("detail") and self.detail.item_id == item_id:
            self._show_detail(item_id, mark_read=False, keep_scroll=True)

    def _reader_note(self, item_id: int, note: str) -> None:
        if self.side_shows("detail") and self.detail.item_id == item_id and self.detail.row is not None:
            self.detail.show(self.detail.row, replace(self.detail.looked_up, note=note), keep_scroll=True)

    def on_item_highlighted(self, message: ItemHighlighted) -> None:
        self._update_list_title()

    def _set_read(self, item_id: int, read: bool) -> None:
        self.items.patch(item_id, read=int(read))
        mark = self.store.set_cluster_read if self.filter.clusters else self.store.set_read
        self.run_worker(self._marked(self.write(mark, [item_id], read)), group="write")

    async def _marked(self, write) -> None:
        await write
        if self.by_development:  # a development's unread count follows its reports'
            self.devs.revalidate()

    def action_toggle_read(self) -> None:
        if self.by_development and not self.detail.has_focus:
            # The development's every report: read when some are unread, else unread again.
            dev = self.devs.row(self.devs.selected_id) if self.devs.selected_id is not None else None
            if dev is not None:
                self.run_worker(self._read_development(dev.id, bool(dev.unread)), group="write")
            return
        item_id = self.current_id()
        row = self.items.row(item_id) if item_id is not None else None
        if row is not None:
            self._set_read(item_id, not row.read)

    async def _read_development(self, dev_id: int, read: bool) -> None:
        def mark():
            self.store.set_read([r.id for r in self.store.development_items(dev_id)], read)
        await self.write(mark)
        self.devs.invalidate([dev_id])
        self.items.invalidate()

    def action_toggle_star(self) -> None:
        item_id = self.current_id()
        row = self.items.row(item_id) if item_id is not None else None
        if row is None:
            return
        starred = not row.starred
        self.items.patch(item_id, starred=int(starred))
        self.run_worker(self._marked(self.write(self.store.set_starred, item_id, starred)), group="write")
        if self.side_shows("detail") and self.detail.item_id == item_id:
            self._show_detail(item_id, mark_read=False)

    async def action_next_unread(self) -> None:
        if self.by_development:
            await self._next_unread_development()
            return
        current = self.items.selected_id
        row = self.items.row(current) if current is not None else None
        after = (row.published, row.id) if row else None
        # On the writer thread, so a read mark still in flight is already written.
        found = await self.write(self.store.next_unread, self.filter, after)
        index = self.items.ids.index(found) if found in self.items.ids else None
        if index is None:
            self.toast("no unread items below")
        else:
            self.items.move_to(index)

    async def _next_unread_development(self) -> None:
        ids, start = list(self.devs.ids), self.devs.cursor + 1

        def find() -> int | None:
            for at in range(start, len(ids), 200):
                rows = self.store.development_rows(ids[at:at + 200])
                for index, dev in enumerate(ids[at:at + 200], at):
                    if (row := rows.get(dev)) is not None and row.unread:
                        return index
            return None
        index = await self.write(find)  # on the writer thread: after a read mark in flight
        if index is None or self.devs.ids != ids:
            self.toast("no development with unread reports below")
        else:
            self.devs.move_to(index)

    def _link(self, verb: str) -> str | None:
        """The current item's link if it is safe to hand to a browser or the clipboard; else
        None, and a toast saying why it was not `verb` ("opened", "copied")."""
        item_id = self.current_id()
        row = self.items.row(item_id) if item_id is not None else None
        raw = (row.link if row else None) or ""
        link = safe_link(raw)
        if link is None:
            shown = clean_text(raw, 80)
            self.toast(f"not {verb}: {shown!r} is not an http(s) link" if shown else "this item has no link",
                       severity="warning")
        return link

    def action_open_link(self) -> None:
        link = self._link("opened")
        if link is not None:
            self.run_worker(self._open(link), group="browser")

    async def _open(self, link: str) -> None:
        # webbrowser.open says False when it found no browser (a server, an SSH session):
        # then the link is one key from the clipboard, which OSC 52 reaches over SSH too.
        try:
            opened = await asyncio.to_thread(self.browser, link)
        except Exception as e:
            log.warning("the browser failed on %s: %s", link, e)
            opened = False
        if opened is False:
            self.toast(f"no browser could open {clean_text(link, 80)}: y copies the link", severity="warning",
                       timeout=8)
        else:
            self.toast(f"opened {clean_text(link, 80)}", timeout=3)

    def action_copy_link(self) -> None:
        link = self._link("copied")
        if link is not None:
            self.copy_to_clipboard(link)
            self.toast(f"copied {clean_text(link, 80)}", timeout=3)

    # ------------------------------------------------------------ verdicts: + and -
    def action_mark_on(self) -> None:
        self._mark(True)

    def action_mark_off(self) -> None:
        self._mark(False)

    def _mark(self, on: bool) -> None:
        item_id = self.current_id()
        row = self.items.row(item_id) if item_id is not None else None
        if row is not None:
            # The same mark again hands the item back to the rules.
            self.run_worker(self._set_verdict(row, None if row.manual == int(on) else on), group="write")

    async def _set_verdict(self, row: Item, verdict: bool | None) -> None:
        """Mark every report of the row's cluster, then move the rows: those the list no longer
        shows leave (the cursor goes to the next row), those it now shows come in by date."""
        f = self.filter

        development = row.development if self.by_development and not self.detail.has_focus else None

        def mark() -> tuple[list[int], list[int]]:
            # A development's row marks every report of it; a report's, its copies.
            members = ([m.id for m in self.store.development_items(development)] if development is not None
                       else [m.id for m in self.store.cluster_members(row.cluster)]) or [row.id]
            for member in members:
                self.store.set_manual(member, verdict)
            return members, self.store.item_ids_among(f, members)
        members, listed = await self.write(mark)
        if f != self.filter:
            return  # the list was reloaded meanwhile, with the new verdicts
        if self.by_development:
            self.reload()  # developments come and go with their reports' verdicts
        shown = set(self.items.ids)
        self.items.invalidate(members)
        self.items.remove(set(members) - set(listed))
        self.items.insert(insertion_points(self.store, self.items.ids, [i for i in listed if i not in shown]))
        self._update_list_title()
        if self.side_shows("detail") and self.detail.item_id in members:
            self._show_detail(self.detail.item_id, mark_read=False)
        what = ("handed back to the rules" if verdict is None else
                f"marked {'on' if verdict else 'off'} the story")
        count = f" ({len(members)} reports)" if len(members) > 1 else ""
        self.toast(f"{what}{count}: {clean_text(row.title, 70)}", timeout=4)

    # ------------------------------------------------------------ search and filters
    def action_search(self) -> None:
        self.search.add_class("-shown")
        self.search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_query(as_you_type(event.value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._set_query(event.value)  # Enter searches whatever is typed, one letter too
        self.panel.focus()
        if not event.value:
            self.search.remove_class("-shown")

    def _set_query(self, query: str) -> None:
        if query != self.filter.query:
            self.filter = replace(self.filter, query=query)
            self.reload()

    def clear_search(self) -> None:
        self.search.remove_class("-shown")
        if self.search.value or self.filter.query:
            self.search.value = ""  # posts Input.Changed, which reloads
            self.filter = replace(self.filter, query="")
            self.reload()
        self.panel.focus()

    # ------------------------------------------------------------ the briefing: b, Esc
    def open_briefing(self, on_open: bool = False) -> None:
        """The card of what happened since the user last looked. On opening the dashboard it
        stays away when nothing is new (the panel says as much, and the rows are worth more)
        and on the very first run (there is no last look to speak of); b always shows it,
        with nothing new in one line. Seen means put away with Esc, or on screen for
        BRIEF_SEEN_AFTER seconds: only then does the last look move. Read in a thread (~65 ms
        for 10,000 new reports), so it never holds up the first screen."""
        self.run_worker(self._open_briefing(on_open), group="briefing", exclusive=True)

    async def _open_briefing(self, on_open: bool) -> None:
        from .. import brief
        b = await asyncio.to_thread(brief.build, self.store, self.config, now=self.clock())
        if self._brief_timer is not None:
            self._brief_timer.stop()
        if on_open and (b.empty or not b.looked):
            # Never looked (a new story, or a first run): everything is new and the panel
            # shows it; the panel on screen for a while is the first look.
            if not b.looked:
                self._brief_timer = self.set_timer(self.brief_seen_after, partial(self._brief_seen, b))
            return
        self.briefing.show(b)
        self._brief_timer = self.set_timer(self.brief_seen_after, partial(self._brief_seen, b))

    def _brief_seen(self, b) -> None:
        from .. import brief
        self._brief_timer = None
        if not self._brief_marked.get(b.through_item):
            self._brief_marked[b.through_item] = True
            self.run_worker(self.write(brief.mark, self.store, self.config, b), group="write")

    def close_briefing(self) -> None:
        if self.briefing.brief is not None:
            self._brief_seen(self.briefing.brief)
        if self._brief_timer is not None:
            self._brief_timer.stop()
            self._brief_timer = None
        self.briefing.hide()

    def action_briefing(self) -> None:
        if self.briefing.shown:
            self.close_briefing()
        else:
            self.open_briefing()

    def action_back(self) -> None:
        if self.briefing.shown and not self.search.has_focus:
            self.close_briefing()
        elif self.search.has_focus:
            self.clear_search()
        elif self.side_shows("detail"):
            self.query_one("#side", ContentSwitcher).current = "article"
            self.panel.focus()
        elif self.filter.query:
            self.clear_search()

    def action_cycle_filter(self) -> None:
        self.filter_mode = FILTERS[(FILTERS.index(self.filter_mode) + 1) % len(FILTERS)]
        self.filter = replace(self.filter, unread=self.filter_mode == "unread", starred=self.filter_mode == "starred",
                              story=self.filter_mode != "off-story")  # off-story: what the rules left out, to be marked
        self._apply_view()
        self._update_list_title()
        self.reload()

    # ------------------------------------------------------------ screens and the rest
    # Each screen's module is imported when it is first opened, not before the first frame.
    def action_feeds(self) -> None:
        from .screens.feeds import FeedsScreen
        self.push_screen(FeedsScreen())

    def action_deadlines(self) -> None:
        from .screens.deadlines import DeadlinesScreen
        self.push_screen(DeadlinesScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen
        self.push_screen(HelpScreen())

    def action_timeline(self) -> None:
        from .screens.timeline import TimelineScreen
        self.push_screen(TimelineScreen())

    def action_outlets(self) -> None:
        from .screens.outlets import OutletsScreen
        self.push_screen(OutletsScreen())

    @on(TimelineChosen)
    def _timeline_chosen(self, message: TimelineChosen) -> None:
        self.show_item(message.item_id)

    def show_item(self, item_id: int) -> None:
        """From another screen (the timeline): back on the main screen with the item selected
        in the list (when the list shows it) and its detail beside it, as Enter there does."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if item_id in self.items.ids:
            self.items.move_to(self.items.ids.index(item_id))
        development = self.development_of(item_id)
        if development in self.devs.ids:
            self.devs.move_to(self.devs.ids.index(development))
        self._show_detail(item_id)

    @on(DeadlinesChanged)
    def _deadlines_changed(self, message: DeadlinesChanged) -> None:
        self.reload_deadlines()
        message.screen.reload(select=message.select)

    def reload_deadlines(self) -> None:
        """After a milestone was added, changed or removed here: the header follows at once
        (watch_store would only notice another connection's write a second later)."""
        self.deadlines = list(milestones(self.config, self.store).all)
        self.header.countdown.set_deadlines(self.deadlines)

    @on(FeedsChanged)
    def _feeds_edited(self, message: FeedsChanged) -> None:
        self.run_worker(self._feeds_changed(message), group="feeds-edit")

    async def _feeds_changed(self, message: FeedsChanged) -> None:
        await self.feeds_changed(message.config)
        if message.screen.is_attached:  # not if the user has left the screen meanwhile
            await message.screen.reload()
        self.toast(message.told, timeout=4)
        if message.poll is not None:
            self.poll(message.poll)

    async def feeds_changed(self, config: Config) -> None:
        """feeds.toml lists other feeds now (the feeds screen added or removed one): the
        database and the scheduler follow. Only the feeds are taken from the new file: the rules
        and the rest stay as this dashboard started with them."""
        self.config = replace(self.config, feeds=config.feeds)
        await self.write(self.store.sync_feeds, self.config.feeds)
        poller = await self.polling_ready()
        poller.updater.config = self.config
        poller.sync_jobs()
        await self._refresh_feeds()

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.current_theme.dark else THEMES[0]

    def _theme_changed(self, theme) -> None:
        # Remembered in the database: T and the palette's theme switcher both come through here.
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self.run_worker(self.write(self.store.set_setting, "theme", theme.name), group="write")

    def action_poll_all(self) -> None:
        self.toast(f"polling {len(self.config.feeds)} feeds", timeout=2)
        self.poll(None)

    def action_export(self) -> None:
        try:
            from ..digest import export_default
        except ImportError:
            self.toast("digest export is not available", severity="warning")
            return
        self.run_worker(self._export(export_default), group="export")

    async def _export(self, export_default) -> None:
        path: Path = await asyncio.to_thread(export_default, self.config, self.store)  # failed: _told says why
        self.toast(f"digest written to {path}", title="exported")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in KEYS:
            if key.action and key.action not in ("quit", "back"):
                yield SystemCommand(f"{SHORT.get(key.action, key.description)} ({key.shown})",
                                    key.description, _runner(self, key.action))


def _runner(app: App, action: str):
    return lambda: app.run_action(action)


def _warm_pool(pool: Executor) -> None:
    if hasattr(pool, "start"):  # a ParsePool: its parsers and its writer
        pool.start(wait=True)
        return
    workers = getattr(pool, "_max_workers", 2)
    for future in [pool.submit(time.sleep, 0.05) for _ in range(workers)]:
        future.result()


def _showing(screen: Screen | None, *names: str) -> bool:
    """Whether `screen` is one of tracker.tui.screens' "module.Class" `names`: never while
    that module is not imported yet (it is when its screen is first opened)."""
    for name in names:
        module, cls = name.split(".")
        loaded = sys.modules.get(f"{__package__}.screens.{module}")
        if loaded is not None and isinstance(screen, getattr(loaded, cls)):
            return True
    return False


def build_app(config: Config, store: Store, *, clock: Callable[[], datetime] | None = None,
              start_polling: bool = True, pool: Executor | None = None, processes: bool = False,
              browser: Callable[[str], object] | None = None, signals: bool = False,
              catch_up: bool = False) -> TrackerApp:
    """The one way to make the dashboard: the CLI, the demo and the tests all come through here.
    Feeds are parsed in `pool`, else in a process pool of its own with `processes=True` (the
    CLI), else in a thread (the tests). catch_up: apply edited rules and group what is not
    grouped yet behind the first screen (the CLI opens the store without doing it)."""
    return TrackerApp(config, store, clock=clock, start_polling=start_polling, pool=pool, processes=processes,
                      browser=browser, signals=signals, catch_up=catch_up)


def run(config: Config, store: Store) -> None:
    """The dashboard in this terminal until it quits, polling in the background. The caller
    (tracker.cli) loads the config and opens the store, and closes it afterwards."""
    _log_to_file(store.path.parent / "tracker.log")
    build_app(config, store, processes=True, signals=True, catch_up=True).run()


def _log_to_file(path: Path) -> None:
    """Anything written to the terminal's stderr would garble the screen: log to a file."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
