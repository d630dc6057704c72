"""Digests: what happened on the story over a span, as Markdown, HTML, JSON or plain text.

`build` reads the store once (through its named queries) and returns plain data; the `render_*` functions are pure
(data in, text out), so the command line, the dashboard and the tests share them.

`--since last` is exact because it counts arrival, not publication: item ids are
AUTOINCREMENT, so "new since the last digest" is every on-story item whose id is above the
highest id that existed when that digest was made (`digests.through_item`). Only a digest
that covered all of that (since last, no --until, no filters) is recorded as a link in that
chain; a one-off `--since 24h` or `--starred-only` export leaves the chain alone, so the next
`--since last` still starts where the previous complete digest ended.

Exporting reads in a snapshot and writes the file holding no lock: `tracker digest -o - | less`
may take as long as the user reads, and a poller must not wait for that. The digest is then
recorded in a short write transaction only if the chain still ends where it did when read;
when another exporter (the dashboard's `e`, or `tracker digest` in another terminal) recorded
one meanwhile, a file digest is made again from the new end and stdout's is refused, so no
two recorded digests share an item and none skips one.

The package: `data` (the frozen tree and `build`, which reads it through the store's named
queries), `formats` (each format a pure function of that data) and `files` (writing and
recording an export).
"""

from .data import (DEFAULT_FORMAT, FORMATS, SCHEMA, Day, DayCount, DeadlineStatus, Digest, DigestDevelopment,
                   DigestError, DigestItem, When, _countdown, _passed, build, fmt_clock, fmt_date, fmt_time,
                   parse_when, short_summary)
from .files import ATTEMPTS, default_name, export, export_default, slug
from .formats import (RENDERERS, counts, counts_line, md_escape, render, render_html, render_json, render_markdown,
                      render_text, sections, to_data, _md_url)

__all__ = ["Digest", "DigestItem", "DigestDevelopment", "Day", "DeadlineStatus", "DayCount", "When", "DigestError", "build",
           "export", "export_default", "parse_when", "render", "render_markdown",
           "render_html", "render_json", "render_text", "to_data", "short_summary", "md_escape", "FORMATS"]
