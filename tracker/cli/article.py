"""`tracker article URL`: the story's anchor article, fetched from its page."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from . import EXIT_OK, EXIT_USAGE, config_path
from ..config import is_http_url
from ..text import clean_text


def article_file_name(url: str) -> str:
    """data/<host>-<last path part>.txt: readable, and one per article page."""
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.hostname or 'article'} {Path(parts.path).stem}".lower()).strip("-")
    return f"{slug[:80] or 'article'}.txt"


def save_article(article, base: Path) -> str:
    """Write the article's file under base/data/ (atomically) and return its path relative to base."""
    rel = f"data/{article_file_name(article.url)}"
    dest = base / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".article-", suffix=".txt", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(article.as_file())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rel


def story_keys(article, rel: str) -> dict:
    """The [story] keys an article fetched from `article.url` sets (feeds.toml's own names)."""
    keys = {"article": rel, "headline": article.title, "source": article.url, "outlet": article.site}
    if article.published:
        keys["published"] = article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    return keys


def fetch(url: str):
    """The article at `url`, or a PageError in words (the CLI prints it as one line)."""
    from ..fulltext import fetch_article

    return asyncio.run(fetch_article(url))


def cmd_article(args) -> int:
    from ..feedsfile import FeedsFile

    if not is_http_url(args.url):
        print(f"tracker: {clean_text(args.url, 200)!r} is not an http(s) URL", file=sys.stderr)
        return EXIT_USAGE
    path = config_path(args)
    feeds = FeedsFile(path)  # a broken feeds.toml is reported before anything is fetched
    article = fetch(args.url)
    rel = save_article(article, path.parent)
    feeds.set_story(**story_keys(article, rel))
    feeds.save()
    words = len(article.text.split())
    print(f"wrote {path.parent / rel}: {article.title!s} ({words:,} words"
          + (f", {article.site}" if article.site else "") + f"); {path} now names it as the anchor article.")
    return EXIT_OK


def cmd_texts(args) -> int:
    """Read now the pages of on-story reports that have no text yet (the dashboard and the
    daemon do this in the background)."""
    from ..fulltext import TextReader
    from . import load_config, open_store

    config = load_config(args)
    if not config.fulltext.enabled:
        print("tracker: [fulltext] enabled = false in feeds.toml: no pages are read", file=sys.stderr)
        return EXIT_OK
    store = open_store(args, config, refresh=False)
    done = {"ok": 0, "failed": 0, "total": 0}

    def started(total: int) -> None:
        done["total"] = total

    def progress(item_id: int, error: str | None) -> None:
        done["failed" if error else "ok"] += 1
        if sys.stderr.isatty():
            print(f"\rread {done['ok'] + done['failed']} of {done['total']} pages", end="", file=sys.stderr,
                  flush=True)

    async def run() -> int:
        reader = TextReader(store, config)
        try:
            return await reader.read_some(args.limit, on_read=progress, on_start=started)
        finally:
            await reader.aclose()
    asyncio.run(run())
    total = done["total"]
    if sys.stderr.isatty() and total:
        print(file=sys.stderr)
    print(f"read {done['ok']} page{'s' if done['ok'] != 1 else ''}"
          + (f", {done['failed']} could not be read (`tracker items --json` shows why)" if done["failed"] else "")
          + ("" if total else ": every on-story report already has its text"))
    return EXIT_OK
