"""RFC 822 dates written with day and month names in another language.

Feeds from German, French, Spanish, Italian, Dutch and Portuguese outlets often localise
pubDate ("Di, 24 Okt 2026 10:00:00 +0200", "mar., 24 févr. 2026 ..."). feedparser reads
Greek, Hungarian and Korean ones but not these, and such an item then dates from when it was
first seen. parse.py registers read() as feedparser's last date handler, which the fast path
falls back to as well, so both paths read a date alike.
"""

from __future__ import annotations

import re

from feedparser.datetimes.rfc822 import _parse_date_rfc822

_ENGLISH = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_NAMES = [  # month by month: every language's full name and usual abbreviations
    "januar janvier janv enero ene gennaio gen januari janeiro",
    "februar février févr fév fev febrero febbraio februari fevereiro",
    "märz mär mrz mars marzo maart mrt março",
    "april avril avr abril abr aprile",
    "mai mayo maggio mag mei maio",
    "juni juin junio giugno giu junho",
    "juli juillet juil julio luglio lug julho",
    "august août aoû aou agosto ago augustus",
    "september septembre sept septiembre setiembre set settembre setembro",
    "oktober okt octobre octubre ottobre ott outubro out",
    "november novembre noviembre novembro",
    "dezember dez décembre déc diciembre dic dicembre december dezembro",
]
# English too: "Di, 24 Feb 2026" fails only for its weekday.
_MONTHS = {name: _ENGLISH[n] for n, names in enumerate(_NAMES) for name in names.split() + [_ENGLISH[n]]}
# [weekday[.],] day[.] month[.] year rest; a weekday is any word, since only the date counts.
_LOCAL_DATE = re.compile(r"\s*(?:[^\W\d_]+\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{2,4})\s+(.+)")


def read(value: str):
    """A UTC time tuple for a localised RFC 822 date, else None (feedparser's handler form)."""
    m = _LOCAL_DATE.fullmatch(value)
    if m is None:
        return None
    day, month, year, rest = m.groups()
    month = _MONTHS.get(month.lower())
    if month is None:
        return None
    return _parse_date_rfc822(f"{day} {month} {year} {rest}")
