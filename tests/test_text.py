"""Feed text is hostile: whatever a feed sends, what we store must be inert, one-line text."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.text import _INVISIBLE, clean_text, html_to_text, safe_link

# --- clean_text: concrete attacks -----------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b[2J\x1b[Hcleared", "cleared"),
    ("copy \x1b]52;c;ZXZpbA==\x07me", "copy me"),  # OSC 52 writes the clipboard
    ("copy \x1b]52;c;ZXZpbA==\x1b\\me", "copy me"),
    ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 disguised hyperlink
    ("\x1b]0;pwned title", ""),  # unterminated OSC swallows the rest, as a terminal would
    ("\x9b31mred\x9b0m", "red"),  # 8-bit CSI
    ("a\x9d52;c;ZXZpbA==\x9cb", "ab"),  # 8-bit OSC with 8-bit ST
    ("\x1bcreset", "reset"),  # ESC c: full terminal reset
    ("\x1b(0lqk", "lqk"),  # charset switch to line drawing
    ("evil\u202egnp.exe", "evilgnp.exe"),  # bidi override
    ("a\u2066b\u2069c\u200ed\u200fe\u061cf", "abcdef"),
    ("zero\u200bwidth\u200c\u200djoin\u2060er\ufeff\u00ad", "zerowidthjoiner"),
    ("bell\x07 nul\x00 back\x08space\x7f", "bell nul backspace"),
    ("a\x1fb", "a b"),  # Python counts \x1c-\x1f as whitespace
    ("tag\U000e0041\U000e0042s", "tags"),  # invisible tag characters
    ("a\ufffeb\uffffc\ufdd0d", "abcd"),  # noncharacters
    ("lone\ud800surrogate", "lonesurrogate"),
])
def test_clean_text_strips_escapes_and_invisible_characters(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_folds_all_whitespace_into_single_spaces():
    assert clean_text("  one\ntwo\r\n\tthree\xa0four\u2028five\u2029six\u3000seven\x85 ") == \
        "one two three four five six seven"


def test_clean_text_keeps_markup_literally_for_the_renderer_to_escape():
    for markup in ("[bold red]x[/]", "[@click=app.quit]quit[/]", "[link=https://evil]x[/link]",
                   "<b>not html here</b>", "&amp;"):
        assert clean_text(markup) == markup


def test_clean_text_keeps_ordinary_unicode():
    text = "Zürich – 東京 🙂 «quoted» \ue000"  # private use is kept: icon fonts use it
    assert clean_text(text) == text


def test_clean_text_nfc_normalises_so_equal_titles_compare_equal():
    assert clean_text("Cafe\u0301") == clean_text("Caf\u00e9") == "Caf\u00e9"


def test_clean_text_none_and_empty():
    assert clean_text(None) == ""
    assert clean_text("") == ""
    assert clean_text(" \n\x1b[0m\u200b ") == ""


def test_clean_text_limit_cuts_at_word_boundary_with_ellipsis():
    assert clean_text("the quick brown fox jumps", 16) == "the quick brown…"
    assert clean_text("the quick brown fox", 19) == "the quick brown fox"  # fits: untouched
    assert clean_text("short", 0) == ""
    assert clean_text("short", 1) == "…"


def test_clean_text_limit_hard_cuts_a_single_enormous_word():
    out = clean_text("x" * 500, 80)
    assert out == "x" * 79 + "…"


def test_clean_text_200kb_title_is_cut_to_limit():
    title = "breaking news " * 15_000  # ~210 KB
    out = clean_text(title, 120)
    assert len(out) <= 120
    assert out.endswith("news…") or out.endswith("breaking…")


def test_invisible_class_covers_every_format_character():
    # _INVISIBLE only scans planes 0, 1 and 14 for Cf; prove nothing lies elsewhere.
    missed = [hex(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in ("Cf", "Cs")
              and not _INVISIBLE.fullmatch(chr(c))]
    assert missed == []


# --- html_to_text ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("<script>alert(1)</script>Hi", "Hi"),
    ("<script>if (a<b && c>d) { x('</p>') }</script>Hi", "Hi"),
    ("<style>body{background:url(javascript:x)}</style>Hi", "Hi"),
    ('<iframe src="https://evil">fallback</iframe>Hi', "Hi"),
    ("<noscript>enable js</noscript><template>t</template><object>o</object>Hi", "Hi"),
    ("<svg><script>x</script><text>svg text</text></svg>Hi", "Hi"),
    ("<html><head><title>T</title></head><body>Hi</body></html>", "Hi"),
    ("<script>never closed Hi", ""),
    ("</script>stray end tag does not unhide<script>x</script> ok", "stray end tag does not unhide ok"),
    ("<p>a</p><p>b</p>", "a b"),
    ("line<br>break<br/>again", "line break again"),
    ("<ul><li>one</li><li>two</li></ul><h1>head</h1><table><tr><td>c1</td><td>c2</td></tr></table>",
     "one two head c1 c2"),
    ("in<b>line</b> <a href='x'>link</a>", "inline link"),
    ("AT&amp;T &#8217; &#x2019; a&nbsp;b &hellip;", "AT&T ’ ’ a b …"),
    ("Tom &amp; Jerry", "Tom & Jerry"),  # no '<': the fast path still decodes entities
    ("<p>unclosed <b>bold", "unclosed bold"),
    ("<div><p>deep <i>mis</b>nested</div>", "deep misnested"),
    ("<img src=x onerror=alert(1)>", ""),
    ('<a href="javascript:alert(1)" onclick="steal()">text</a>', "text"),
    ("<!-- comment -->visible<![CDATA[ raw ]]>", "visible"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),  # text now, not markup
    ("<p>&lt;script&gt;</p>", "<script>"),
    ("a < b and c > d", "a < b and c > d"),
    ("<p>\x1b[31mred\x1b[0m \u202eevil</p>", "red evil"),
    ("<p>[bold]kept[/]</p>", "[bold]kept[/]"),
    ("plain text", "plain text"),
])
def test_html_to_text(raw, expected):
    assert html_to_text(raw) == expected


def test_html_to_text_none_and_limit():
    assert html_to_text(None) == ""
    out = html_to_text("<p>" + "word " * 1000 + "</p>", 50)
    assert len(out) <= 50 and out.endswith("word…")


def test_html_to_text_huge_input_is_bounded():
    out = html_to_text("<p>" + "x" * 3_000_000, 100)
    assert out == "x" * 99 + "…"


@pytest.mark.parametrize("raw", ["<![", "<!", "<![if x]>", "</", "<a b='", "<!DOCTYPE", "<?php", "<\x00>",
                                 "&#0;", "&#x110000;", "&#xd800;", "<" * 1000, "&" * 1000])
def test_html_to_text_never_raises_on_broken_markup(raw):
    assert isinstance(html_to_text(raw), str)


# --- safe_link ------------------------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
    ("http://example.com", "http://example.com"),
    ("  https://example.com/x \n", "https://example.com/x"),
    ("HTTPS://Example.com/", "https://Example.com/"),
    ("https://example.com:8443/p", "https://example.com:8443/p"),
    ("https://[2001:db8::1]/p", "https://[2001:db8::1]/p"),
    ("https://例え.jp/記事", "https://例え.jp/記事"),
    ("https://exa\u200bmple.com/\u202e", "https://example.com/"),  # invisible junk removed
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("java\u200bscript:alert(1)", None),
    ("java\x00script:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("file:///etc/passwd", None),
    ("vbscript:msgbox", None),
    ("ftp://example.com/", None),
    ("/relative/path", None),
    ("//example.com/protocol-relative", None),
    ("example.com", None),
    ("https:", None),
    ("https://", None),
    ("https:///path", None),
    ("https:example.com", None),
    ("https://user:pass@", None),
    ("https://trusted.example@evil.example/", None),
    ("https://trusted.example\\@evil.example/", None),
    ("https://exa mple.com/", None),
    ("https://example.com/a b", None),
    ("https://example.com/\nSet-Cookie:x", None),
    ("https://example.com:notaport/", None),
    ("https://[::1/", None),
    ("https://example.com/" + "a" * 2048, None),
    ("", None),
    (None, None),
])
def test_safe_link(url, expected):
    assert safe_link(url) == expected


def test_safe_link_accepts_up_to_2048_characters():
    url = "https://example.com/" + "a" * (2048 - len("https://example.com/"))
    assert safe_link(url) == url


# --- properties -----------------------------------------------------------------------------

# Everything, surrogates included, with controls and format characters over-represented.
ANY_CHAR = st.characters() | st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp"])
HOSTILE_PIECES = [
    "\x1b", "\x1b[", "\x1b]", "\x1b]8;;", "\x1b]52;c;", "\x1bP", "\x1b\\", "\x07", "\x9b", "\x9c",
    "\x9d", "\x90", "31m", "2J", ";", "\n", "\r\n", "\t", "\x00", "\x08", "\x85", "\u202e",
    "\u2066", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\ud800", "\ufffe", "e\u0301",
    "<script>", "</script>", "<p>", "</p>", "<br/>", "<svg>", "<!--", "-->", "<![CDATA[", "]]>",
    "&#27;", "&#x9b;", "&lt;", "&gt;", "&amp;", "&nbsp;", "&#8238;", "[bold]", "[/]", " ",
]
HOSTILE = st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(ANY_CHAR, max_size=8), max_size=40).map("".join)
TEXTS = st.text(ANY_CHAR) | HOSTILE
LIMITS = st.none() | st.integers(min_value=0, max_value=60)


def assert_inert(out: str, limit: int | None) -> None:
    assert isinstance(out, str)
    bad = [c for c in out if unicodedata.category(c) in ("Cc", "Cf", "Cs")]
    assert not bad, f"control/format characters survived: {bad!r}"
    assert "\x1b" not in out and "\n" not in out
    assert out == out.strip() and "  " not in out
    assert all(c == " " or not c.isspace() for c in out)
    if limit is not None:
        assert len(out) <= limit
    out.encode("utf-8")  # storable: no lone surrogates


@settings(max_examples=300, deadline=None)
@given(TEXTS, LIMITS)
def test_clean_text_output_is_always_inert(s, limit):
    out = clean_text(s, limit)
    assert_inert(out, limit)
    # Re-cleaning stored text changes nothing, so normalising twice is harmless.
    assert clean_text(out, limit) == out


@settings(max_examples=300, deadline=None)
@given(TEXTS, LIMITS)
def test_html_to_text_output_is_always_inert(s, limit):
    assert_inert(html_to_text(s, limit), limit)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", " ", "http://", "https://", "HTTP://", "javascript:", "data:", "https:",
                        "//", "http://a.b", "https://x@"]), TEXTS)
def test_safe_link_is_none_or_http(prefix, rest):
    out = safe_link(prefix + rest)
    if out is not None:
        assert out.startswith(("http://", "https://"))
        assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") or c.isspace() for c in out)
        assert len(out) <= 2048


@settings(max_examples=500)
@given(scheme=st.sampled_from(["http", "HTTPS", "https", "javascript", "file"]),
       rest=st.text(st.sampled_from("aZ09.-_~/%:@?#&=+ \t\u200bé\x7f[]"), max_size=20),
       port=st.none() | st.integers(0, 99999))
def test_the_safe_link_fast_path_agrees_with_the_full_check(scheme, rest, port):
    from tracker.text import _checked_link
    host, _, path = rest.partition("/")
    url = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + ("/" + path if _ else "")
    assert safe_link(url) == _checked_link(url.strip())
