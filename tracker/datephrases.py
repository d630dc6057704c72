"""Dates a report mentions ("by Friday at 5 pm", "a hearing on March 3", "within six months"),
read relative to the report's own date and time zone: candidates for milestones.

Pure: text + the report's time + a zone in, [Phrase] out. dateparser's search_dates does the
reading (it knows weekdays, month names, relative phrases and times of day in English and
~200 other locales, and is kept up: scrapinghub/dateparser); it costs ~0.35 s to import and
~1-5 ms a sentence, so it is imported at the first call, never at the dashboard's start, and
the caller bounds the work (MAX_TEXT here, a per-poll budget in the store).

search_dates finds more than dates: "may", "now", "second", a bare "5". What it returns is
kept only when the phrase names a day (a weekday, a month, a number of days/weeks/months, a
relative day) and the moment is after the report (a day after its own local date; not its
dateline) and at most MAX_AHEAD away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .text import clean_text

MAX_TEXT = 4000  # characters of title + summary read per report
MAX_AHEAD = timedelta(days=2 * 366)  # "not years away"
MAX_SENTENCE = 300

_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DAYS = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_UNITS = r"days?|weeks?|months?|years?|fortnight"
_NUMBER = r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|ninety"
# A phrase is kept only if it names a day in one of these ways.
_DAYLIKE = re.compile(
    rf"\b(?:{_DAYS}|tomorrow|tonight)\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"
    rf"|\b(?:{_NUMBER})\s+(?:{_UNITS})\b"
    rf"|\b(?:next|coming)\s+(?:week|month|year)\b"
    r"|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE)
_PAST = re.compile(r"\b(?:ago|last|yesterday|earlier|previous)\b", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\b\.?)|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b", re.IGNORECASE)
# "by the end of the month/week/year": dateparser does not read it.
_END_OF = re.compile(r"\b(?:by\s+)?the\s+end\s+of\s+(?:the|this)\s+(week|month|year)\b", re.IGNORECASE)
_ABBREVIATED = re.compile(rf"\b({_MONTHS})\.", re.IGNORECASE)
_MERIDIEM = re.compile(r"\b([ap])\.m\.", re.IGNORECASE)
_YEARLESS_AHEAD = timedelta(days=300)
_TRAILING = re.compile(r"(?:[\s,;:]+(?:the|a|an|and|or))+$|[\s,;:]+$", re.IGNORECASE)  # "six months, the"
_NAMED_MONTH = re.compile(rf"\b(?:{_MONTHS})\b", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])|\n+")


@dataclass(frozen=True)
class Phrase:
    when: datetime  # aware, in the report's zone; 00:00 of the day when only a day was named
    phrase: str  # as written
    sentence: str  # cleaned, at most MAX_SENTENCE characters
    timed: bool  # a time of day was named ("5 pm"), not only a day


def find(text: str, published: datetime, zone: str | ZoneInfo) -> list[Phrase]:
    """Future, plausible dates `text` names, read relative to `published` in `zone`."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    base = published.astimezone(tz)
    text = clean_text(text, MAX_TEXT)
    if not text or not re.search(r"\d|" + _DAYS + "|" + _MONTHS + r"|tomorrow|tonight|week|month|year|fortnight",
                                 text, re.IGNORECASE):
        return []
    from dateparser.search import search_dates  # ~0.35 s of imports: only when there is text to read

    settings = {"RELATIVE_BASE": base.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False}
    out: list[Phrase] = []
    seen: set[datetime] = set()
    for sentence in _SENTENCES.split(text):
        shown = clean_text(sentence, MAX_SENTENCE)
        # dateparser splits "Jan. 12" at the period and misses the time in "8 p.m.".
        sentence = _ABBREVIATED.sub(r"\1", _MERIDIEM.sub(lambda m: m.group(1).lower() + "m", sentence))
        found = _end_of(sentence, base)
        if not found:
            try:
                found = search_dates(sentence, languages=["en"], settings=settings) or []
            except Exception:  # dateparser on odd text: a sentence without a date, not a crash
                found = []
        for phrase, when in found:
            if not _DAYLIKE.search(phrase) and not _END_OF.search(phrase) or _PAST.search(phrase):
                continue
            timed = bool(_TIME_OF_DAY.search(phrase))
            when = when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)
            if not timed:
                when = datetime.combine(when.date(), time(0), tz)
                if when.date() <= base.date():  # the dateline, or a day gone
                    continue
            elif when <= base:
                continue
            if when - base > MAX_AHEAD or when in seen:
                continue
            if (when - base > _YEARLESS_AHEAD and _NAMED_MONTH.search(phrase)
                    and not re.search(r"\b\d{4}\b", phrase)):
                continue  # "on February 20" in March is the one gone, not next year's
            seen.add(when)
            out.append(Phrase(when, _TRAILING.sub("", phrase.strip()), shown, timed))
    return out


def _end_of(sentence: str, base: datetime) -> list[tuple[str, datetime]]:
    m = _END_OF.search(sentence)
    if not m:
        return []
    unit = m.group(1).lower()
    day = base.date()
    if unit == "week":
        day += timedelta(days=6 - day.weekday())  # Sunday
    elif unit == "month":
        nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        day = nxt - timedelta(days=1)
    else:
        day = day.replace(month=12, day=31)
    return [(m.group(0), datetime.combine(day, time(0)))]


def same_moment(a: datetime, b: datetime) -> bool:
    """Suggestions within an hour of each other are one (several reports of one date)."""
    return abs(a - b) <= timedelta(hours=1)


BATCH = 40  # reports read per round (after polls): ~5 ms each, a few sentences each
BUDGET = 2.0  # seconds of reading per round at most; the rest wait for the next round


def read_reports(store, zone: str, *, limit: int = BATCH, seconds: float = BUDGET) -> int:
    """Read on-story reports not read yet for dates; store what they name as suggestions
    (Store.store_date_phrases), bounded by `limit` reports and `seconds`. -> new suggestions.
    Items keep only UTC, so a report is read in `zone` (the story's: its first deadline's,
    else the system's)."""
    import time as _time

    from .timeutil import from_iso

    started, new = _time.monotonic(), 0
    for row in store.reports_for_dates(limit):
        text = f"{row['title']}. {row['summary'] or ''}"
        new += store.store_date_phrases(row["id"], find(text, from_iso(row["published"]), zone), zone)
        if _time.monotonic() - started > seconds:
            break
    return new
