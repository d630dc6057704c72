"""Every key of the dashboard in one table: the bindings, the help screen and the command
palette are all made from it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma-separated
    shown: str  # how the help screen writes them
    action: str | None  # app action; None: handled by a widget (the list, the panes)
    description: str
    footer: bool = True


KEYS: list[Key] = [
    Key("j,k,down,up", "j k ↓ ↑", None, "move in the list or a table, scroll the article", footer=False),
    Key("g,G", "g G", None, "top / bottom (Home End)", footer=False),
    Key("enter", "Enter", None, "show the selected item's detail beside the list", footer=False),
    Key("escape", "Esc", "back", "back to the article; clear the search", footer=False),
    Key("tab,shift+tab", "Tab ⇧Tab", None, "switch panes", footer=False),
    Key("b", "b", "briefing", "the briefing: what happened since you last looked (Esc puts it away)",
        footer=False),
    Key("question_mark", "?", "help", "this help"),
    Key("n", "n", "next_unread", "next unread item"),
    Key("m", "m", "toggle_read", "mark read / unread"),
    Key("s", "s", "toggle_star", "star / unstar"),
    Key("r", "r", "reader", "reader view: the report's full text from its page, or the feed's summary",
        footer=False),
    Key("o", "o", "open_link", "open the link in the browser (http and https only)", footer=False),
    Key("y", "y", "copy_link", "copy the link", footer=False),
    Key("slash", "/", "search", "search titles and summaries, from 2 letters (Enter: any; Esc clears)"),
    Key("u", "u", "cycle_filter", "show all / unread / starred / off-story (what the rules left out)"),
    Key("v", "v", "toggle_view", "developments (one row per event) / every report (remembered)"),
    Key("x", "x", "split_out", "move the report out into a development of its own (kept, wins over the grouping)",
        footer=False),
    Key("J", "J", "join_above", "move the report (or the development) into the development of the row above",
        footer=False),
    Key("plus", "+", "mark_on", "mark the item (every report of it) on the story; again: back to the rules"),
    Key("minus", "-", "mark_off", "mark it off the story; again: back to the rules"),
    Key("f", "f", "feeds", "feeds: health, errors, next poll (R there polls one)"),
    Key("R", "R", "poll_all", "poll every feed now"),
    Key("d", "d", "deadlines", "deadlines and milestones (a adds, e edits, x removes yours)"),
    Key("t", "t", "timeline", "timeline: developments per day, deadlines marked (z: by hour)"),
    Key("O", "O", "outlets", "outlets: who covered the story, since when, who was first", footer=False),
    Key("e", "e", "export", "export a digest", footer=False),
    Key("T", "T", "toggle_theme", "light / dark theme (remembered; ^p Theme lists them all)", footer=False),
    Key("q", "q", "quit", "quit"),
    Key("ctrl+p", "^p", None, "command palette", footer=False),
]

SHORT = {"next_unread": "Next unread", "toggle_read": "Read", "toggle_star": "Star", "open_link": "Open link",
         "copy_link": "Copy link", "search": "Search", "cycle_filter": "Filter", "mark_on": "On story",
         "mark_off": "Off story", "toggle_theme": "Light / dark", "feeds": "Feeds",
         "poll_all": "Poll", "deadlines": "Deadlines", "timeline": "Timeline", "outlets": "Outlets",
         "export": "Export", "help": "Help", "reader": "Full text", "toggle_view": "Developments", "split_out": "Split out",
         "join_above": "Join above", "quit": "Quit",
         "back": "Back", "briefing": "Briefing"}


def app_bindings() -> list[Binding]:
    return [Binding(k.keys, k.action, SHORT.get(k.action, k.description), show=k.footer,
                    tooltip=k.description, id=k.action)
            for k in KEYS if k.action]


# The movement keys beside the arrows, Home and End, the same wherever something moves: the
# list (ItemList's own bindings), the article and detail panes, the feeds, deadlines and
# outlets tables.
def scroll_bindings() -> list[Binding]:
    """For a pane that scrolls."""
    return [Binding("j", "scroll_down", "Down", show=False), Binding("k", "scroll_up", "Up", show=False),
            Binding("g", "scroll_home", "Top", show=False), Binding("G", "scroll_end", "Bottom", show=False)]


def table_bindings() -> list[Binding]:
    """For a DataTable's row cursor."""
    return [Binding("j", "cursor_down", "Down", show=False), Binding("k", "cursor_up", "Up", show=False),
            Binding("g", "scroll_top", "Top", show=False), Binding("G", "scroll_bottom", "Bottom", show=False)]
