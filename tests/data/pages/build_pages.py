"""Writes the saved pages NN-shape.html and their marked bodies NN-shape.txt.

    python tests/data/pages/build_pages.py

The article texts are in texts.py, written by hand; each page wraps one in the chrome of a
kind of news site: header and section menus with many links, a cookie banner, share
buttons, ad slots and "Read more"/"Related" blocks inside the body, newsletter boxes, figures
with captions, comments, footers, inline CSS, scripts and JSON-LD, as the real sites' saved
pages have them. The .txt is the article as a reader would call it: headline, byline line if
the page shows one, then paragraphs, subheadings and list items one a line. The pages are
generated once and kept; rerunning this reproduces them exactly (no randomness but a seeded one).
"""

from __future__ import annotations

import html
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import texts  # noqa: E402

E = html.escape

OTHER_STORIES = [
    "Fed holds rates steady, signals two cuts later this year",
    "Storms knock out power to 200,000 across the Midwest",
    "House passes stopgap spending bill hours before shutdown deadline",
    "Chipmaker shares slide after export rule tightens sales to China",
    "School board race draws record spending in suburban district",
    "What to know about the new airline refund rules",
    "Senate confirms new head of the Federal Aviation Administration",
    "Wildfire near Boulder forces evacuations as winds pick up",
    "Mortgage rates fall for third straight week",
    "City council delays vote on downtown stadium financing",
    "Supreme Court to hear challenge to state social media law",
    "Nvidia unveils next-generation data center chips",
    "Ukraine says drones struck oil depot deep inside Russia",
    "The best hiking trails within an hour of downtown",
    "Local brewery wins gold at national competition",
    "High school football: Eagles rally past Central in overtime",
    "Opinion: Our roads are crumbling and nobody wants to pay",
    "OpenAI announces new enterprise agreements with federal agencies",
    "Google faces new antitrust suit over advertising technology",
    "Recipe: A weeknight chicken traybake that feeds six",
    "Hospital system announces layoffs amid Medicaid cuts",
    "State lawmakers weigh ban on phones in classrooms",
    "EU fines Meta over data transfers to the United States",
    "Inflation eased slightly in January, data show",
    "Police identify suspect in weekend shooting on East Side",
    "Microsoft to invest $10 billion in new AI data centers",
    "Retail sales beat forecasts as holiday spending holds up",
    "Air Force tests new collaborative combat aircraft",
    "How to protect your accounts after the latest data breach",
    "Obituary: Margaret Ellis, pioneering state judge, dies at 88",
    "Traffic alert: Interstate lanes closed through the weekend",
    "Movie review: a slow-burning thriller that earns its ending",
    "Congress opens inquiry into military AI contracts",
    "Tesla recalls 120,000 vehicles over seat belt warning",
    "Weather: Cold front brings first frost of the season",
    "Amazon expands same-day delivery to rural counties",
    "China warns U.S. over new restrictions on AI chips",
    "The week in pictures",
    "Crossword and puzzles: play today's games",
    "Letters to the editor: readers on the transit levy",
]

SECTIONS = ["News", "Local", "U.S.", "World", "Politics", "Business", "Markets", "Technology",
            "Science", "Health", "Climate", "Sports", "Entertainment", "Opinion", "Lifestyle",
            "Food", "Travel", "Real Estate", "Cars", "Obituaries", "Weather", "Video", "Podcasts",
            "Puzzles", "Events", "Jobs", "Classifieds", "Public Notices", "e-Edition"]

SUBSECTIONS = ["Crime", "Education", "Transportation", "Government", "Courts", "Elections",
               "Military", "Economy", "Personal Finance", "Startups", "AI", "Cybersecurity",
               "Gadgets", "High School Sports", "College Sports", "Pro Football", "Baseball",
               "Basketball", "Hockey", "Soccer", "Golf", "Movies", "TV", "Music", "Books",
               "Arts", "Restaurants", "Recipes", "Home & Garden", "Wellness"]

FOOTER_LINKS = ["About Us", "Contact Us", "Careers", "Advertise", "Subscribe", "Manage Subscription",
                "Help Center", "Newsletters", "Mobile Apps", "e-Edition", "Archives", "Site Map",
                "Terms of Service", "Privacy Policy", "Cookie Settings", "Do Not Sell or Share My Personal Information",
                "Accessibility", "Corrections", "Ethics Policy", "RSS Feeds", "Submit a News Tip",
                "Send a Letter to the Editor", "Place an Obituary", "Place a Classified", "Reprints & Permissions",
                "Community Guidelines", "Contests", "Digital Access FAQ", "Gift Subscriptions", "Our Newsroom"]

COMMENTERS = ["jdawson", "Margaret T.", "RiverRat62", "K. Nguyen", "oldschoolvet", "Paul from Elm St",
              "sandra_b", "TaxpayerFirst", "mike_h", "Dee Collins", "northside_neighbor", "R. Alvarez",
              "GreenAcres", "tomw", "LisaM", "concerned_mom3", "Frank P.", "bikes_not_cars",
              "Hank Webb", "data_guy", "Ellen R.", "J. Patel", "lakeview_resident", "Carl S."]

COMMENT_LINES = [
    "The tax revenue is real, but so is the noise. Has anyone on the board actually stood next to one of these at night?",
    "I live a mile from the site and I'm glad it passed. Our schools need the money.",
    "Five hours and they still didn't answer the question about water.",
    "Three hundred megawatts is more than the whole county uses. Who pays for the new lines? We do.",
    "Thank you Supervisor Deaton for being the only one who read the study.",
    "This was decided before the hearing started. The conditions are window dressing.",
    "People complained about the Walmart too and now everybody shops there.",
    "Closed-loop cooling is standard now. The water argument is outdated.",
    "Who exactly are the 150 jobs for? Security guards and a few technicians?",
    "My property taxes went up 18 percent last year. Anything that helps with that is fine by me.",
    "Generators testing on weekdays only is something, at least.",
    "The buffer should be 1,000 feet, not 300. Go look at what happened in Loudoun.",
    "Good reporting, Linda. Would love a follow-up on the utility commission hearings.",
    "Does anyone know if the developer has done one of these before? I couldn't find much.",
    "The farmland is gone either way. If it wasn't this it would be another subdivision.",
    "I went to the hearing. The speakers were about evenly split, for what it's worth.",
    "A legal challenge will just cost the county money we don't have.",
    "Where was all this outrage when the quarry expanded?",
    "They said the same things about the warehouse district and it turned out fine.",
    "Diesel generators next to a neighborhood. What could go wrong.",
]

CSS_PROPS = ["display:flex", "display:block", "display:none", "margin:0 auto", "padding:12px 16px",
             "font-size:14px", "font-size:1.125rem", "line-height:1.5", "color:#1a1a1a", "color:#666",
             "background:#fff", "background-color:#f4f4f4", "border-bottom:1px solid #e2e2e2",
             "font-weight:700", "text-transform:uppercase", "letter-spacing:.04em", "max-width:1200px",
             "position:relative", "position:sticky", "top:0", "z-index:100", "gap:8px", "align-items:center",
             "justify-content:space-between", "width:100%", "height:auto", "overflow:hidden",
             "border-radius:4px", "transition:opacity .2s ease", "font-family:Georgia,serif",
             "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif"]
CSS_PARTS = ["header", "nav", "menu", "menu-item", "logo", "search", "article", "headline", "byline",
             "timestamp", "body", "figure", "caption", "share", "ad-slot", "related", "card", "card-title",
             "newsletter", "footer", "footer-col", "btn", "btn-primary", "modal", "overlay", "tag", "kicker",
             "author-bio", "comments", "comment", "sidebar", "widget", "trending", "video", "paywall"]


def css(rng: random.Random, prefix: str, rules: int) -> str:
    out = []
    for i in range(rules):
        part = rng.choice(CSS_PARTS)
        sel = f".{prefix}-{part}" + rng.choice(["", "__inner", "__title", "--active", ":hover", " a", " > li", "__link"])
        if i % 9 == 0:
            out.append(f"@media (min-width:{rng.choice([600, 768, 1024, 1280])}px){{{sel}{{{';'.join(rng.sample(CSS_PROPS, 3))}}}}}")
        else:
            out.append(f"{sel}{{{';'.join(rng.sample(CSS_PROPS, rng.randint(2, 5)))}}}")
    return "<style>" + "\n".join(out) + "</style>"


def slug(s: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in s.lower()).split())[:60]


def state_blob(rng: random.Random, name: str, stories: int) -> str:
    """A framework's preloaded state: the navigation tree and story cards as JSON in a script."""
    cards = [{"id": f"{rng.randrange(10**8, 10**9)}", "headline": rng.choice(OTHER_STORIES),
              "url": f"/{rng.choice(SECTIONS).lower()}/2026/02/{rng.randint(1, 28):02d}/{slug(rng.choice(OTHER_STORIES))}/",
              "section": rng.choice(SECTIONS), "image": {"src": f"https://cdn.example-media.com/img/{rng.randrange(10**6)}.jpg",
              "width": 1200, "height": 675}, "premium": rng.random() < .3,
              "published": f"2026-02-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"}
             for _ in range(stories)]
    nav = [{"label": s, "href": f"/{slug(s)}/", "children": [{"label": c, "href": f"/{slug(s)}/{slug(c)}/"}
            for c in rng.sample(SUBSECTIONS, 6)]} for s in SECTIONS]
    data = {"props": {"pageProps": {"navigation": nav, "cards": cards, "ads": {"targeting": {"section": "news", "kw": ["ai", "pentagon"]}}}},
            "buildId": f"{rng.randrange(16**12):012x}", "isFallback": False}
    return f'<script id="{name}" type="application/json">{json.dumps(data)}</script>'


def svg_sprite(rng: random.Random, icons: int) -> str:
    names = ["facebook", "x", "linkedin", "email", "print", "link", "search", "menu", "close", "user",
             "play", "chevron-right", "chevron-left", "bookmark", "comment", "share", "weather", "bell"]
    syms = []
    for i in range(icons):
        pts = " ".join(f"{rng.randint(0, 24)}.{rng.randint(0, 99)} {rng.randint(0, 24)}.{rng.randint(0, 99)}" for _ in range(14))
        syms.append(f'<symbol id="icon-{names[i % len(names)]}{i // len(names) or ""}" viewBox="0 0 24 24"><path d="M{pts}Z"/></symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(syms) + "</svg>"


def menu(rng: random.Random, cls: str, sections=SECTIONS, sub=True) -> str:
    items = []
    for s in sections:
        inner = ""
        if sub:
            inner = f'<ul class="{cls}__sub">' + "".join(
                f'<li><a href="/{slug(s)}/{slug(c)}/">{E(c)}</a></li>' for c in rng.sample(SUBSECTIONS, 5)) + "</ul>"
        items.append(f'<li class="{cls}__item"><a class="{cls}__link" href="/{slug(s)}/">{E(s)}</a>{inner}</li>')
    return f'<nav class="{cls}" aria-label="Sections"><ul class="{cls}__list">' + "".join(items) + "</ul></nav>"


def header(rng: random.Random, site: str, cls: str) -> str:
    return (f'<header class="{cls}-header" role="banner"><div class="{cls}-header__top">'
            f'<a class="{cls}-skip" href="#main">Skip to content</a>'
            f'<div class="{cls}-weather"><span>42°F</span> <a href="/weather/">Forecast</a></div>'
            f'<a class="{cls}-logo" href="/"><img src="/static/logo.svg" alt="{E(site)}" width="240" height="40"></a>'
            f'<div class="{cls}-account"><a href="/subscribe/?ref=header" class="{cls}-btn {cls}-btn-primary">Subscribe</a>'
            f'<a href="/account/login/">Sign In</a></div>'
            f'<form class="{cls}-search" action="/search/"><input type="search" name="q" placeholder="Search"><button>Search</button></form></div>'
            + menu(rng, f"{cls}-menu") +
            f'<div class="{cls}-trending"><span>Trending:</span> ' + " ".join(
                f'<a href="/news/{slug(h)}/">{E(h)}</a>' for h in rng.sample(OTHER_STORIES, 5)) + "</div></header>")


def footer(rng: random.Random, site: str, cls: str, cols: int = 4) -> str:
    parts = []
    for c in range(cols):
        links = rng.sample(FOOTER_LINKS, 8)
        parts.append(f'<div class="{cls}-footer-col"><h4>{E(["Company", "Subscriptions", "Help", "Legal", "More"][c % 5])}</h4><ul>'
                     + "".join(f'<li><a href="/{slug(l)}/">{E(l)}</a></li>' for l in links) + "</ul></div>")
    parts.append(f'<div class="{cls}-footer-sections">' + " | ".join(f'<a href="/{slug(s)}/">{E(s)}</a>' for s in SECTIONS) + "</div>")
    parts.append(f'<p class="{cls}-copyright">© 2026 {E(site)}, a division of Meridian Local Media. All rights reserved. '
                 f'Use of this site constitutes acceptance of our User Agreement and Privacy Policy and Cookie Statement '
                 f'and Your Privacy Rights. The material on this site may not be reproduced, distributed, transmitted, '
                 f'cached or otherwise used, except with the prior written permission of {E(site)}.</p>')
    return f'<footer class="{cls}-footer" role="contentinfo">' + "".join(parts) + "</footer>"


def cookie_banner(cls: str) -> str:
    return (f'<div id="onetrust-consent-sdk" class="{cls}-consent"><div class="ot-sdk-container" role="dialog" aria-label="Privacy">'
            '<h2 id="onetrust-policy-title">We value your privacy</h2><p id="onetrust-policy-text">We and our partners use '
            'cookies and similar technologies to store and access information on your device, to personalise content and '
            'ads, to provide social media features and to analyse our traffic. You can accept all, reject all, or manage '
            'your preferences at any time by clicking Cookie Settings at the bottom of any page.</p>'
            '<button id="onetrust-accept-btn-handler">Accept All</button><button id="onetrust-reject-all-handler">Reject All</button>'
            '<button id="onetrust-pc-btn-handler">Cookie Settings</button></div></div>')


def share(cls: str) -> str:
    nets = [("facebook", "Share on Facebook"), ("x", "Share on X"), ("linkedin", "Share on LinkedIn"),
            ("email", "Email this article"), ("print", "Print"), ("link", "Copy link")]
    return (f'<div class="{cls}-share" aria-label="Share">' + "".join(
        f'<a class="{cls}-share__btn {cls}-share__btn--{n}" href="#" title="{t}"><svg><use href="#icon-{n}"/></svg>'
        f'<span class="visually-hidden">{t}</span></a>' for n, t in nets) + "</div>")


def ad(cls: str, n: int) -> str:
    return (f'<div class="{cls}-ad-slot {cls}-ad-slot--inline" id="div-gpt-ad-inline-{n}" data-ad-unit="/2184/news/article/inline{n}">'
            f'<span class="{cls}-ad-label">Advertisement</span><script>googletag.cmd.push(function(){{googletag.display("div-gpt-ad-inline-{n}")}});</script></div>')


def related(rng: random.Random, cls: str, title="Related Coverage", n=4) -> str:
    return (f'<aside class="{cls}-related"><h3 class="{cls}-related__title">{E(title)}</h3><ul>' + "".join(
        f'<li class="{cls}-card"><a href="/news/{slug(h)}/"><img src="/img/{slug(h)[:12]}.jpg" alt="">'
        f'<span class="{cls}-card-title">{E(h)}</span></a></li>' for h in rng.sample(OTHER_STORIES, n)) + "</ul></aside>")


def read_more(rng: random.Random, cls: str) -> str:
    h = rng.choice(OTHER_STORIES)
    return f'<p class="{cls}-readmore"><strong>Read more:</strong> <a href="/news/{slug(h)}/">{E(h)}</a></p>'


def newsletter(cls: str, name="The Morning Briefing") -> str:
    return (f'<div class="{cls}-newsletter"><h3>Sign up for {E(name)}</h3><p>The day\'s most important news, '
            f'delivered to your inbox every weekday morning. Free for subscribers and registered readers.</p>'
            f'<form action="/newsletters/subscribe/"><label for="nl-email">Email address</label>'
            f'<input id="nl-email" type="email" placeholder="you@example.com"><button type="submit">Sign Up</button></form>'
            f'<p class="{cls}-newsletter__legal">By signing up you agree to our Terms of Use and Privacy Policy. '
            f'You may unsubscribe at any time.</p></div>')


def figure(cls: str, caption: str, credit: str) -> str:
    return (f'<figure class="{cls}-figure"><picture><source srcset="/img/lead-1200.webp 1200w, /img/lead-800.webp 800w" type="image/webp">'
            f'<img src="/img/lead-1200.jpg" alt="" width="1200" height="675" loading="lazy"></picture>'
            f'<figcaption class="{cls}-caption">{E(caption)} <span class="{cls}-credit">{E(credit)}</span></figcaption></figure>')


def scripts(rng: random.Random, site: str) -> str:
    return ("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            "gtag('js',new Date());gtag('config','G-" + f"{rng.randrange(16**10):010X}" + "',{anonymize_ip:true});</script>"
            "<script async src=\"https://securepubads.g.doubleclick.net/tag/js/gpt.js\"></script>"
            "<script>var googletag=googletag||{cmd:[]};googletag.cmd.push(function(){googletag.pubads().enableSingleRequest();"
            "googletag.pubads().setTargeting('site','" + slug(site) + "');googletag.enableServices();});</script>"
            "<script>!function(e,t){var n=t.createElement('script');n.async=!0,n.src='https://cdn.permutive.app/"
            + f"{rng.randrange(16**8):08x}" + "-web.js',t.head.appendChild(n)}(window,document);</script>")


def jsonld(kind: str, art: dict, site: str, url: str, body: str | None = None, author: str | None = None) -> str:
    data = {"@context": "https://schema.org", "@type": kind, "headline": art["headline"], "url": url,
            "datePublished": "2026-02-24T15:30:00Z", "dateModified": "2026-02-24T18:02:00Z",
            "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": "/static/logo.png"}},
            "image": ["/img/lead-1200.jpg"], "mainEntityOfPage": url}
    if author:
        data["author"] = [{"@type": "Person", "name": a.strip()} for a in author.split(" and ")]
    if body is not None:
        data["articleBody"] = body
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def byline_name(art: dict) -> str | None:
    if art.get("author"):
        return art["author"]
    b = art["byline"]
    if not b:
        return None
    for p in ("By ", "Von ", "Par ", "Posted by ", "Interview by "):
        if b.startswith(p):
            b = b[len(p):]
    return b.split(",")[0].split(" (")[0]


# ------------------------------------------------------------------ the body, as HTML and as text
def body_html(art: dict, between=None, p_cls: str = "") -> str:
    """The article's blocks as HTML; between(i) may return chrome to put after block i."""
    out = []
    pa = f' class="{p_cls}"' if p_cls else ""
    for i, b in enumerate(art["blocks"]):
        if isinstance(b, str):
            out.append(f"<p{pa}>{E(b)}</p>")
        elif b[0] == "h":
            out.append(f"<h2>{E(b[1])}</h2>")
        elif b[0] == "li":
            out.append("<ul>" + "".join(f"<li>{E(x)}</li>" for x in b[1]) + "</ul>")
        elif b[0] == "q":
            out.append(f"<p{pa}><strong>{E(b[1])}:</strong> {E(b[2])}</p>")
        if between:
            out.append(between(i) or "")
    return "\n".join(out)


def body_lines(art: dict) -> list[str]:
    lines = []
    for b in art["blocks"]:
        if isinstance(b, str):
            lines.append(b)
        elif b[0] == "h":
            lines.append(b[1])
        elif b[0] == "li":
            lines.extend(b[1])
        elif b[0] == "q":
            lines.append(f"{b[1]}: {b[2]}")
    return lines


def marked(art: dict) -> str:
    head = [art["headline"]] + ([art["deck"]] if art.get("deck") else []) + ([art["byline"]] if art["byline"] else [])
    return "\n".join(head + body_lines(art)) + "\n"


def plain_body(art: dict) -> str:
    return "\n\n".join(body_lines(art))


def doc(lang: str, title: str, head: str, body: str, html_attrs: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"{html_attrs}>\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{E(title)}</title>\n'
            f'{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n')


def meta(art: dict, site: str, url: str, author: str | None, section="Technology") -> str:
    m = [f'<link rel="canonical" href="{url}">', f'<meta property="og:title" content="{E(art["headline"])}">',
         f'<meta property="og:site_name" content="{E(site)}">', f'<meta property="og:url" content="{url}">',
         '<meta property="og:type" content="article">', '<meta property="og:image" content="/img/lead-1200.jpg">',
         f'<meta name="description" content="{E(plain_body(art)[:200])}">',
         '<meta property="article:published_time" content="2026-02-24T15:30:00Z">',
         f'<meta property="article:section" content="{section}">', '<meta name="twitter:card" content="summary_large_image">']
    if author:
        m.append(f'<meta name="author" content="{E(author)}">')
    return "\n".join(m)


# ------------------------------------------------------------------ the shapes
def news_site(rng, art, *, site, url, cls, lang="en", css_rules=400, state=60, icons=30, ad_every=3,
              readmore_every=0, related_inside=False, cookie=True, paywall=False, comments=0,
              sidebar=True, pull_quote=None, kicker="Technology", time_line="Feb. 24, 2026 3:30 p.m. ET",
              newsletter_inside=False, label_words=("Updated", "Advertisement")):
    author = byline_name(art)

    def between(i):
        bits = []
        if ad_every and i % ad_every == ad_every - 1 and i < len(art["blocks"]) - 1:
            bits.append(ad(cls, i))
        if readmore_every and i % readmore_every == 1 and i < len(art["blocks"]) - 1:
            bits.append(read_more(rng, cls))
        if related_inside and i == len(art["blocks"]) // 2:
            bits.append(related(rng, cls, "Related", 3))
        if newsletter_inside and i == 3:
            bits.append(newsletter(cls, "Tech Brief"))
        if pull_quote and i == 2:
            bits.append(f'<aside class="{cls}-pullquote"><blockquote><p>{E(pull_quote)}</p></blockquote></aside>')
        return "".join(bits)

    byline = (f'<div class="{cls}-byline"><span class="{cls}-byline__author">{E(art["byline"])}</span></div>'
              if art["byline"] else "")
    article = (f'<article class="{cls}-article" itemscope itemtype="https://schema.org/NewsArticle">'
               f'<div class="{cls}-kicker"><a href="/{slug(kicker)}/">{E(kicker)}</a></div>'
               f'<h1 class="{cls}-headline" itemprop="headline">{E(art["headline"])}</h1>'
               f'{byline}<div class="{cls}-timestamp"><time datetime="2026-02-24T15:30:00Z">{E(time_line)}</time></div>'
               + share(cls) + figure(cls, "The Pentagon in Arlington, Va. The department has been negotiating with several AI developers.",
                                     "(Photo: Alex Brandon/AP)")
               + f'<div class="{cls}-body" itemprop="articleBody">' + body_html(art, between) + "</div>"
               + f'<div class="{cls}-tags"><span>Topics:</span> <a href="/topics/ai/">Artificial intelligence</a> '
               f'<a href="/topics/pentagon/">Pentagon</a> <a href="/topics/tech-policy/">Tech policy</a></div>'
               + (f'<div class="{cls}-author-bio"><p>{E(author)} covers national security and technology. '
                  f'Contact {E(author.split()[0])} at newsroom@{slug(site)}.com.</p></div>' if author and rng.random() < .5 else "")
               + share(cls) + "</article>")
    if paywall:
        article += (f'<div class="{cls}-paywall {cls}-overlay" style="position:fixed;inset:0"><div class="{cls}-modal">'
                    f'<h2>You have read your 3 free articles this month</h2><p>Subscribe now for unlimited access to award-winning '
                    f'journalism, the daily e-Edition and exclusive newsletters. Just $1 for your first 6 months.</p>'
                    f'<a class="{cls}-btn" href="/subscribe/?ref=paywall">Subscribe now</a> <a href="/account/login/">Already a subscriber? Sign in</a></div></div>')
    com = ""
    if comments:
        items = []
        for n in range(comments):
            who = COMMENTERS[n % len(COMMENTERS)]
            txt = COMMENT_LINES[(n * 7) % len(COMMENT_LINES)]
            if n % 3 == 1:
                txt += " " + COMMENT_LINES[(n * 3 + 1) % len(COMMENT_LINES)]
            items.append(f'<li class="{cls}-comment" id="comment-{1000 + n}"><div class="{cls}-comment__meta"><span class="{cls}-comment__author">{E(who)}</span> '
                         f'<time>{rng.randint(1, 11)} hours ago</time></div><div class="{cls}-comment__body"><p>{E(txt)}</p></div>'
                         f'<div class="{cls}-comment__actions"><button>Reply</button> <button>Like ({rng.randint(0, 40)})</button> <button>Report</button></div></li>')
        com = (f'<section id="comments" class="{cls}-comments"><h2>Comments ({comments})</h2><p>Join the conversation. '
               f'Please keep it civil; see our Community Guidelines.</p><ol class="{cls}-comment-list">' + "".join(items) + "</ol></section>")
    side = ""
    if sidebar:
        side = (f'<aside class="{cls}-sidebar"><div class="{cls}-ad-slot" id="div-gpt-ad-rail-1"><span>Advertisement</span></div>'
                f'<div class="{cls}-widget {cls}-trending"><h3>Most Read</h3><ol>' + "".join(
                    f'<li><a href="/news/{slug(h)}/">{E(h)}</a></li>' for h in rng.sample(OTHER_STORIES, 10)) + "</ol></div>"
                + newsletter(cls) + f'<div class="{cls}-ad-slot" id="div-gpt-ad-rail-2"><span>Advertisement</span></div></aside>')
    head = (meta(art, site, url, author) + "\n" + css(rng, cls, css_rules) + "\n"
            + jsonld("NewsArticle", art, site, url, author=author) + "\n" + scripts(rng, site))
    body = (svg_sprite(rng, icons) + (cookie_banner(cls) if cookie else "") + header(rng, site, cls)
            + f'<main id="main" class="{cls}-main"><div class="{cls}-layout"><div class="{cls}-content">' + article
            + related(rng, cls, "More from " + site, 6) + com + "</div>" + side + "</div>"
            + f'<section class="{cls}-more"><h2>Latest News</h2>' + "".join(
                f'<div class="{cls}-card"><a href="/news/{slug(h)}/"><h3>{E(h)}</h3></a><p class="{cls}-card-meta">{rng.randint(1, 9)} hours ago</p></div>'
                for h in rng.sample(OTHER_STORIES, 12)) + "</section></main>"
            + footer(rng, site, cls) + (state_blob(rng, "__NEXT_DATA__", state) if state else ""))
    return doc(lang, f'{art["headline"]} | {site}', head, body)


def wordpress(rng, art, *, site, url, comments=8):
    author = byline_name(art)
    cm = "".join(
        f'<li class="comment even thread-even depth-1" id="comment-{200 + n}"><article class="comment-body">'
        f'<footer class="comment-meta"><div class="comment-author vcard"><img class="avatar" src="/avatar/{n}.png" width="50">'
        f'<b class="fn">{E(COMMENTERS[n])}</b> <span class="says">says:</span></div><div class="comment-metadata">'
        f'<a href="#comment-{200 + n}"><time>February 24, 2026 at {n + 1}:15 pm</time></a></div></footer>'
        f'<div class="comment-content"><p>{E(c)}</p></div><div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article></li>'
        for n, c in enumerate([
            "Very clear, thank you. The point about renegotiation versus enforcement is the one the coverage keeps missing.",
            "Isn't there a clause in most federal contracts that lets the government terminate for convenience anyway? Why not just do that?",
            "Rebecca, would the same analysis apply to a model bought through a reseller rather than directly?",
            "The supply-chain statutes are section 3252 and FASCSA, for anyone who wants to read them. Neither says foreign, but the legislative history is clear.",
            "I think you are underestimating how much leverage the department has here. Nobody wants to be on that list.",
            "Great post. Subscribed.",
            "Would love a follow-up on the DPA angle.",
            "Termination for convenience ends the contract; it does not stop other contractors from using the product. That is the difference.",
        ][:comments]))
    sidebar = ('<aside id="secondary" class="widget-area"><section id="search-2" class="widget widget_search"><form role="search" class="search-form">'
               '<label>Search for:<input type="search" class="search-field" name="s"></label><input type="submit" value="Search"></form></section>'
               '<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>'
               + "".join(f'<li><a href="/{slug(t)}/">{E(t)}</a></li>' for t in [
                   "Bid protests in 2025: what the GAO numbers show", "The new FAR overhaul, part three: commercial items",
                   "OTAs are not a loophole (mostly)", "Termination for convenience after the shutdown", "A reading list for new contracting officers"])
               + '</ul></section><section class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>'
               + "".join(f'<li class="cat-item"><a href="/category/{slug(c)}/">{E(c)}</a> ({rng.randint(2, 40)})</li>' for c in
                         ["Bid Protests", "Commercial Items", "Cybersecurity", "Defense", "FAR", "Intellectual Property", "Small Business", "Uncategorized"])
               + '</ul></section><section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>'
               + "".join(f'<li><a href="/2025/{m:02d}/">{["January","February","March","April","May","June","July","August","September","October","November","December"][m-1]} 2025</a></li>' for m in range(12, 0, -1))
               + '</ul></section><section class="widget widget_text"><h2 class="widget-title">About</h2><div class="textwidget"><p>'
               'Notes on federal procurement by a contracts lawyer in Washington. Opinions are mine, not my firm\'s.</p></div></section></aside>')
    post = (f'<article id="post-4187" class="post-4187 post type-post status-publish format-standard hentry category-defense">'
            f'<header class="entry-header"><h1 class="entry-title">{E(art["headline"])}</h1><div class="entry-meta">'
            f'<span class="posted-on"><time class="entry-date published" datetime="2026-02-24T14:02:00+00:00">February 24, 2026</time></span> '
            f'<span class="byline">{E(art["byline"])}</span></div></header>'
            f'<div class="entry-content">{body_html(art)}'
            '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a class="share-twitter" href="#">X</a></li>'
            '<li><a class="share-facebook" href="#">Facebook</a></li><li><a class="share-linkedin" href="#">LinkedIn</a></li><li><a class="share-email" href="#">Email</a></li></ul></div>'
            '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>'
            '<div class="jp-relatedposts-items"><p class="jp-relatedposts-post"><a href="/otas/">OTAs are not a loophole (mostly)</a></p>'
            '<p class="jp-relatedposts-post"><a href="/tfc/">Termination for convenience after the shutdown</a></p></div></div></div>'
            f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/defense/">Defense</a></span> '
            f'<span class="tags-links">Tagged <a href="/tag/ai/">AI</a>, <a href="/tag/dpa/">DPA</a></span></footer></article>'
            '<nav class="navigation post-navigation"><div class="nav-links"><div class="nav-previous"><a href="/otas/" rel="prev">'
            '<span class="meta-nav">Previous post</span> OTAs are not a loophole (mostly)</a></div></div></nav>'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">{comments} thoughts on &ldquo;{E(art["headline"])}&rdquo;</h2>'
            f'<ol class="comment-list">{cm}</ol><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
            '<form id="commentform" class="comment-form"><p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
            '<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment"></textarea></p>'
            '<p class="form-submit"><input name="submit" type="submit" value="Post Comment"></p></form></div></div>')
    head = (meta(art, site, url, author, "Defense") + '\n<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1" media="all">\n'
            + css(rng, "wp", 520) + jsonld("BlogPosting", art, site, url, author=author)
            + '<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>')
    body = (f'<div id="page" class="site"><a class="skip-link screen-reader-text" href="#primary">Skip to content</a>'
            f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/" rel="home">{E(site)}</a></p>'
            '<p class="site-description">Federal procurement, explained by someone who reads the fine print</p></div>'
            '<nav id="site-navigation" class="main-navigation"><button class="menu-toggle">Menu</button><ul id="primary-menu" class="menu">'
            + "".join(f'<li class="menu-item"><a href="/{slug(x)}/">{E(x)}</a></li>' for x in ["Home", "About", "Archive", "Speaking", "Newsletter", "Contact"])
            + '</ul></nav></header><div id="content" class="site-content"><main id="primary" class="site-main">' + post + '</main>'
            + sidebar + '</div><footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">Proudly powered by WordPress</a>'
            ' | Theme: Twenty Twenty-One</div></footer></div>'
            '<script id="wp-emoji-settings" type="application/json">{"baseUrl":"https://s.w.org/images/core/emoji/15.0.3/72x72/","ext":".png"}</script>')
    return doc("en-US", f'{art["headline"]} – {site}', head, body)


def liveblog(rng, art, *, site, url, cls="lb"):
    author = byline_name(art)
    blocks = art["blocks"]
    entries = []
    intro = blocks[0]
    i = 1
    n = 0
    while i < len(blocks):
        stamp, text = blocks[i][1], blocks[i + 1]
        entries.append(f'<div class="{cls}-entry" id="entry-{n}" data-entry-id="{9000 + n}"><div class="{cls}-entry__header">'
                       f'<h2 class="{cls}-entry__time"><time datetime="2026-02-27T{17 + n // 3:02d}:00:00-05:00">{E(stamp)}</time></h2>'
                       f'<span class="{cls}-entry__author">{E(rng.choice(["Tom Reilly", "Sarah Kim", "Daniel Ortega"]))}</span></div>'
                       f'<div class="{cls}-entry__body"><p>{E(text)}</p></div>'
                       f'<div class="{cls}-entry__share"><button>Share</button><button>Copy link</button></div></div>'
                       + (ad(cls, n) if n % 3 == 2 else ""))
        i += 2
        n += 1
    live = (f'<article class="{cls}-article"><div class="{cls}-live-badge"><span class="pulse"></span> LIVE</div>'
            f'<h1 class="{cls}-headline">{E(art["headline"])}</h1><div class="{cls}-byline">{E(art["byline"])}</div>'
            f'<div class="{cls}-updated">Updated Feb. 27, 2026, 7:42 p.m. ET</div>' + share(cls)
            + f'<div class="{cls}-summary"><p>{E(intro)}</p></div>'
            + f'<div class="{cls}-keypoints"><h3>Key points</h3><ul><li>Deadline was 5 p.m. ET Friday</li><li>Pentagon reviewing written response</li></ul></div>'
            + f'<div class="{cls}-feed" aria-live="polite"><button class="{cls}-new-posts" hidden>3 new updates</button>' + "".join(entries)
            + f'<button class="{cls}-load-more">Load earlier updates</button></div></article>')
    head = (meta(art, site, url, author) + css(rng, cls, 700)
            + f'<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": art["headline"], "coverageStartTime": "2026-02-27T15:00:00-05:00", "liveBlogUpdate": [{"@type": "BlogPosting", "headline": blocks[k][1], "datePublished": "2026-02-27T19:42:00-05:00"} for k in range(1, len(blocks), 2)]})}</script>'
            + scripts(rng, site))
    body = (svg_sprite(rng, 40) + cookie_banner(cls) + header(rng, site, cls) + f'<main id="main"><div class="{cls}-layout">' + live
            + f'<aside class="{cls}-rail">' + related(rng, cls, "Latest on the Pentagon and AI", 6) + newsletter(cls, "Breaking News Alerts") + "</aside></div>"
            + related(rng, cls, "Top Stories", 8) + "</main>" + footer(rng, site, cls, 5) + state_blob(rng, "__NEXT_DATA__", 120))
    return doc("en", f'{art["headline"]} | {site}', head, body)


def js_shell(rng, art, *, site, url):
    """A client-rendered page: an empty root, a bundle, and the story only in JSON-LD."""
    head = (meta(art, site, url, None) + css(rng, "app", 300)
            + jsonld("NewsArticle", art, site, url, body=plain_body(art), author="Staff")
            + '<link rel="preload" href="/_next/static/chunks/main-3f1c2a.js" as="script">'
            + '<script src="/_next/static/chunks/webpack-8a1e0c.js" defer></script><script src="/_next/static/chunks/main-3f1c2a.js" defer></script>'
            + '<script src="/_next/static/chunks/pages/article-b41d77.js" defer></script>' + scripts(rng, site))
    body = ('<noscript>You need to enable JavaScript to run this app.</noscript><div id="__next"><div class="app-skeleton">'
            '<div class="app-skeleton__bar"></div><div class="app-skeleton__bar app-skeleton__bar--short"></div></div></div>'
            + state_blob(rng, "__APOLLO_STATE__", 140))
    return doc("en", f'{art["headline"]} - {site}', head, body)


def press_release(rng, art, *, site, url):
    links = ["News", "Releases", "Transcripts", "Speeches", "Advisories", "Contracts", "Spotlights", "Photos", "Videos",
             "About", "Leadership", "Organization", "Military Departments", "Secretary of Defense", "Deputy Secretary",
             "Joint Chiefs of Staff", "Combatant Commands", "Resources", "FOIA", "Inspector General", "Agency Financial Report",
             "Budget Materials", "Careers", "Veterans", "Military Families", "Contact", "Accessibility/Section 508", "No FEAR Act",
             "Privacy Program", "Plain Writing", "Link Disclaimer", "USA.gov", "Open Government", "Recovery Act"]
    head = (meta(art, site, url, None, "Releases") + css(rng, "dgov", 650) + scripts(rng, site)
            + '<script src="/DesktopModules/ArticleCS/Resources/ArticleCS/js/article.js"></script>')
    body = ('<div class="usa-banner"><div class="usa-banner__inner"><img src="/flag.png" alt=""><p>An official website of the United States government</p>'
            '<button class="usa-banner__button">Here\'s how you know</button></div><div class="usa-banner__content"><p><strong>Official websites use .gov</strong> '
            'A .gov website belongs to an official government organization in the United States.</p><p><strong>Secure .gov websites use HTTPS</strong> '
            'A lock or https:// means you\'ve safely connected to the .gov website. Share sensitive information only on official, secure websites.</p></div></div>'
            '<header class="dgov-header"><a href="/"><img src="/seal.png" alt="U.S. Department of Defense"></a><nav class="dgov-mega">'
            + "".join(f'<div class="dgov-mega__col"><a href="/{slug(l)}/">{E(l)}</a><ul>' + "".join(
                f'<li><a href="/{slug(l)}/{slug(x)}/">{E(x)}</a></li>' for x in rng.sample(links, 7)) + "</ul></div>" for l in links[:10])
            + '</nav></header><div class="dgov-breadcrumb"><a href="/">Home</a> &gt; <a href="/News/">News</a> &gt; <a href="/News/Releases/">Releases</a></div>'
            '<main id="main"><div class="dgov-article-wrapper"><article class="article-body">'
            f'<div class="dgov-meta"><span class="dgov-type">RELEASE</span></div><h1 class="maintitle">{E(art["headline"])}</h1>'
            '<div class="info"><span class="date">Feb. 26, 2026</span></div>'
            '<div class="dgov-share"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Email</a> <a href="#">Print</a></div>'
            f'<div class="body">{body_html(art)}</div>'
            '<div class="dgov-subscribe"><p><a href="/subscribe/">Subscribe to Defense.gov Products</a> Choose which Defense.gov products you want delivered to your inbox.</p></div>'
            '</article><aside class="dgov-related"><h3>Related Stories</h3><ul>'
            + "".join(f'<li><a href="/news/{slug(h)}/">{E(h)}</a></li>' for h in [
                "Hegseth Meets With Industry Leaders on Artificial Intelligence", "CDAO Announces Pilot Results for Generative AI in Logistics",
                "Department Releases Data, Analytics and AI Adoption Strategy Update", "Deputy Secretary Visits Defense Innovation Unit"])
            + '</ul></aside></div></main><footer class="dgov-footer"><div class="dgov-footer__links">'
            + "".join(f'<a href="/{slug(l)}/">{E(l)}</a>' for l in links)
            + '</div><p>Hosted by Defense Media Activity - WEB.mil</p></footer>')
    return doc("en", f'{art["headline"]} > U.S. Department of Defense > Release', head, body)


def substack(rng, art, *, site, url):
    author = byline_name(art)
    head = (meta(art, site, url, author) + css(rng, "pencraft", 900)
            + jsonld("NewsArticle", art, site, url, author=author)
            + '<script>window._preloads = ' + json.dumps({"pub": {"name": site, "subdomain": "computeandcountry", "author_name": author,
                                                                   "hero_text": "Weekly notes on AI and national security"},
                                                           "post": {"title": art["headline"], "audience": "everyone", "reactions": {"❤": 412},
                                                                    "comment_count": 37}, "recommendations": [{"name": n} for n in ["Lawfare Daily", "Import AI", "ChinaTalk", "War on the Rocks", "Platformer"]]}) + '</script>')
    body = ('<div id="entry"><div class="main-menu"><div class="topbar"><a class="navbar-title-link" href="/">' + E(site) + '</a>'
            '<div class="navbar-buttons"><button class="button primary subscribe-btn">Subscribe</button><a href="/account/login">Sign in</a></div></div></div>'
            '<div class="single-post-container"><div class="container"><div class="single-post"><article class="typography newsletter-post post">'
            f'<div class="post-header"><h1 class="post-title published">{E(art["headline"])}</h1>'
            f'<h3 class="subtitle">{E(art["deck"])}</h3>'
            f'<div class="post-meta"><div class="profile-hover-card-target"><a href="/@ninapark">{E(art["byline"])}</a></div>'
            '<div class="post-date">Feb 25, 2026</div></div>'
            '<div class="post-ufi"><button class="like-button">412</button><button class="comment-button">37</button><button class="share-button">Share</button></div></div>'
            '<div class="available-content"><div class="body markup" dir="auto">'
            + body_html(art, lambda i: ('<div class="subscription-widget-wrap"><div class="subscription-widget"><p class="cta-caption">'
                                         'Compute &amp; Country is a reader-supported publication. To receive new posts and support my work, '
                                         'consider becoming a free or paid subscriber.</p><form><input type="email" placeholder="Type your email..."><button>Subscribe</button></form></div></div>')
                        if i == 4 else "")
            + '<p class="button-wrapper"><a class="button primary" href="/subscribe"><span>Subscribe now</span></a></p></div></div>'
            '<div class="post-footer"><div class="post-ufi"><button>412 Likes</button><button>37 Comments</button><button>Share</button></div>'
            '<div class="recommendations"><h4>Recommended by Compute &amp; Country</h4>' + "".join(
                f'<div class="recommendation"><a href="#">{n}</a><p>{d}</p></div>' for n, d in [
                    ("Lawfare Daily", "Hard national security choices"), ("Import AI", "Weekly AI research newsletter"),
                    ("War on the Rocks", "Strategy and defense")])
            + '</div></div></article><div class="comments-page"><h4>Discussion about this post</h4><div class="comment-list">' + "".join(
                f'<div class="comment"><div class="comment-meta"><a>{E(COMMENTERS[k])}</a> <span>Feb 25</span></div><div class="comment-body"><p>{E(c)}</p></div></div>'
                for k, c in enumerate(["Best summary of this I have read. The point about leverage is key.",
                                       "I'd push back a little on the idea that the designation can't hold up. Courts defer a lot on national security.",
                                       "Excellent as always. Forwarded to my whole team.",
                                       "The DPA point is fascinating. Has anyone written about the formula precedent in more depth?"]))
            + '</div></div></div></div></div><div class="footer-wrap"><div class="footer"><a href="/privacy">Privacy</a> <a href="/tos">Terms</a> '
            '<a href="/collection-notice">Collection notice</a> <a href="/publish">Start writing</a> <a href="/app">Get the app</a></div>'
            '<p>Substack is the home for great culture</p></div></div>')
    return doc("en", f'{art["headline"]} - by {author} - {site}', head, body)


def amp(rng, art, *, site, url):
    author = byline_name(art)
    head = ('<script async src="https://cdn.ampproject.org/v0.js"></script>'
            '<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>'
            '<script async custom-element="amp-analytics" src="https://cdn.ampproject.org/v0/amp-analytics-0.1.js"></script>'
            '<script async custom-element="amp-sidebar" src="https://cdn.ampproject.org/v0/amp-sidebar-0.1.js"></script>'
            '<script async custom-element="amp-consent" src="https://cdn.ampproject.org/v0/amp-consent-0.1.js"></script>'
            + meta(art, site, url.replace("/amp/", "/"), author, "Defense")
            + '<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}'
            '@keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}</style>'
            + css(rng, "amp", 450).replace("<style>", "<style amp-custom>")
            + jsonld("NewsArticle", art, site, url, author=author))

    def between(i):
        return (f'<amp-ad width="300" height="250" type="doubleclick" data-slot="/2184/amp/defense/inline{i}" layout="responsive">'
                '<div placeholder>Advertisement</div></amp-ad>') if i in (1, 3) else ""
    body = ('<amp-consent id="consent" layout="nodisplay"><div class="amp-consent" id="consent-ui"><p>We use cookies to improve your experience '
            'and for advertising. By continuing you agree to our cookie policy.</p><button on="tap:consent.accept">Accept</button>'
            '<button on="tap:consent.reject">Decline</button></div></amp-consent>'
            '<amp-sidebar id="sidebar" layout="nodisplay" side="left"><ul>' + "".join(
                f'<li><a href="/{slug(s)}/">{E(s)}</a></li>' for s in SECTIONS) + '</ul></amp-sidebar>'
            f'<header class="amp-header"><button on="tap:sidebar.toggle" class="amp-menu">Menu</button><a href="/"><amp-img src="/logo.png" width="200" height="32" alt="{E(site)}"></amp-img></a></header>'
            f'<article class="amp-article"><span class="amp-kicker">Defense</span><h1 class="amp-headline">{E(art["headline"])}</h1>'
            f'<p class="amp-byline">{E(art["byline"])}</p><p class="amp-date">February 26, 2026</p>'
            '<amp-img src="/img/drones.jpg" width="1200" height="675" layout="responsive" alt=""></amp-img>'
            '<p class="amp-caption">Small drones during an Army exercise in 2025. (U.S. Army photo)</p>'
            f'<div class="amp-body">{body_html(art, between)}</div>'
            '<amp-social-share type="twitter" width="40" height="40"></amp-social-share><amp-social-share type="facebook" width="40" height="40"></amp-social-share>'
            '</article>' + related(rng, "amp", "More Defense News", 6)
            + '<footer class="amp-footer">' + " · ".join(f'<a href="/{slug(l)}/">{E(l)}</a>' for l in FOOTER_LINKS) + f'<p>© 2026 {E(site)}</p></footer>'
            '<amp-analytics type="googleanalytics"><script type="application/json">{"vars":{"account":"UA-1234567-8"},"triggers":{"trackPageview":{"on":"visible","request":"pageview"}}}</script></amp-analytics>')
    return doc("en", f'{art["headline"]} | {site}', head, body, ' amp')


def interview(rng, art, *, site, url):
    return news_site(rng, art, site=site, url=url, cls="mag", css_rules=600, state=40, ad_every=4, kicker="Q&A",
                     time_line="February 25, 2026")


def div_soup(rng, art, *, site, url):
    """An older CMS: tables for layout, no <article> or <main>, the story's text in one <div>
    with <br><br> between paragraphs, a photo and a related-stories box inside it."""
    author = byline_name(art)
    paras = []
    for i, b in enumerate(art["blocks"]):
        paras.append(E(b))
        if i == 1:
            paras.append('</div><table class="photo" align="right" width="300"><tr><td><img src="/photos/airfield.jpg" width="300">'
                         '</td></tr><tr><td class="photocaption">A cargo aircraft at the county airfield last fall. Courier-Gazette file photo</td></tr></table>'
                         '<div class="storytext">')
        if i == 3:
            paras.append('</div><table class="relatedbox" width="100%"><tr><td class="relatedhead">RELATED STORIES</td></tr>' + "".join(
                f'<tr><td><a href="/news/{slug(h)}.html">{E(h)}</a></td></tr>' for h in rng.sample(OTHER_STORIES, 4))
                + '</table><div class="storytext">')
    story = '<div class="storytext">' + "<br><br>\n".join(paras) + "</div>"
    left = '<td class="leftnav" width="160" valign="top">' + "".join(
        f'<div class="navlink"><a href="/{slug(s)}/">{E(s)}</a></div>' for s in SECTIONS) + '<div class="navhead">Classifieds</div>' + "".join(
        f'<div class="navlink"><a href="/classifieds/{slug(c)}/">{E(c)}</a></div>' for c in ["Autos", "Homes", "Rentals", "Jobs", "Garage Sales", "Legals", "Pets", "Farm & Ranch"]) + "</td>"
    right = ('<td class="rightcol" width="300" valign="top"><div class="adbox"><a href="/ads/click?id=8812"><img src="/ads/bank-300x250.gif"></a></div>'
             '<div class="boxhead">MOST POPULAR</div>' + "".join(f'<div class="poplink"><a href="/news/{slug(h)}.html">{E(h)}</a></div>' for h in rng.sample(OTHER_STORIES, 10))
             + '<div class="boxhead">WEATHER</div><div class="weather">Today: Partly cloudy, high 48. Tonight: Clear, low 29.</div>'
             '<div class="adbox"><img src="/ads/furniture-300x600.jpg"></div></td>')
    center = (f'<td class="center" valign="top"><div class="breadcrumb"><a href="/">Home</a> &raquo; <a href="/news/">News</a> &raquo; Local</div>'
              f'<div class="headline">{E(art["headline"])}</div><div class="byline">{E(art["byline"])}</div>'
              '<div class="dateline">Posted: Monday, February 23, 2026 6:12 PM CST</div>'
              '<div class="tools"><a href="#">Print</a> | <a href="#">E-mail</a> | <a href="#">Text size: A A A</a></div>'
              + story + '<div class="comments"><div class="boxhead">Reader Comments</div>' + "".join(
                  f'<div class="commentitem"><b>{E(COMMENTERS[k])}</b> wrote:<br>{E(COMMENT_LINES[k + 4])}</div>' for k in range(9))
              + '<div class="commentnote">Comments are the opinions of readers, not of the Courier-Gazette.</div></div></td>')
    head = (meta(art, site, url, author, "Local") + css(rng, "cg", 380) + scripts(rng, site)
            + '<script language="javascript">function popUp(u){window.open(u,"pop","width=600,height=400")}</script>')
    body = ('<table width="100%" class="masthead"><tr><td><a href="/"><img src="/images/masthead.gif" alt="' + E(site) + '"></a></td>'
            '<td align="right"><a href="/subscribe/">Subscribe</a> | <a href="/eedition/">e-Edition</a> | <a href="/contact/">Contact Us</a></td></tr></table>'
            '<table width="100%" class="topnav"><tr>' + "".join(f'<td><a href="/{slug(s)}/">{E(s)}</a></td>' for s in SECTIONS[:12]) + '</tr></table>'
            f'<table width="1000" class="layout"><tr>{left}{center}{right}</tr></table>'
            '<div class="footer">' + " | ".join(f'<a href="/{slug(l)}/">{E(l)}</a>' for l in FOOTER_LINKS)
            + f'<br>Copyright © 2026 {E(site)}. All rights reserved.</div>')
    return doc("en", f'{site} | {art["headline"]}', head, body)


def teaser_with_ld(rng, art, *, site, url):
    """A subscriber's story: the page shows two paragraphs and a subscribe box; the whole text
    is in the JSON-LD, as some publishers leave it for search engines."""
    shown = dict(art, blocks=art["blocks"][:2])
    page = news_site(rng, shown, site=site, url=url, cls="ft", css_rules=500, state=80, ad_every=0, kicker="Business")
    ld = jsonld("NewsArticle", art, site, url, body=plain_body(art), author=byline_name(art))
    page = page.replace('<script type="application/ld+json">', ld + '<script type="application/ld+json">', 1)
    gate = ('<div class="ft-gate"><h3>Subscribe to keep reading</h3><p>This article is for subscribers. Get unlimited access '
            'to our reporting on business, technology and national security for $4 a month.</p><a class="ft-btn" href="/subscribe/">Subscribe</a></div>')
    return page.replace('<div class="ft-tags">', gate + '<div class="ft-tags">', 1)


def react_divs(rng, art, *, site, url):
    """A client-rendered site that also renders on the server: hashed class names, paragraphs
    in <div>s rather than <p>s, a video carousel and a "Recommended" list inside the body."""
    author = byline_name(art)
    h = lambda part: f"{part}_{part.lower()}__{rng.randrange(16**5):05x}"  # noqa: E731
    paras = []
    for i, b in enumerate(art["blocks"]):
        paras.append(f'<div class="{h("Paragraph")}" data-testid="paragraph">{E(b)}</div>')
        if i == 1:
            paras.append(f'<div class="{h("VideoCarousel")}"><div class="{h("CarouselTitle")}">Watch more</div>' + "".join(
                f'<div class="{h("VideoCard")}"><div class="{h("Duration")}">{rng.randint(1, 9)}:{rng.randint(10, 59)}</div>'
                f'<div class="{h("VideoTitle")}">{E(t)}</div></div>' for t in rng.sample(OTHER_STORIES, 5)) + "</div>")
        if i == 2:
            paras.append(f'<div class="{h("Recommended")}"><div class="{h("RecTitle")}">Recommended</div>' + "".join(
                f'<a class="{h("RecLink")}" href="/news/{slug(t)}"><div>{E(t)}</div></a>' for t in rng.sample(OTHER_STORIES, 4)) + "</div>")
    nav = "".join(f'<a class="{h("NavLink")}" href="/{slug(x)}">{E(x)}</a>' for x in SECTIONS)
    article = (f'<div class="{h("ArticlePage")}"><div class="{h("Eyebrow")}"><a href="/politics">Politics</a></div>'
               f'<h1 class="{h("Headline")}">{E(art["headline"])}</h1><div class="{h("Byline")}"><span>{E(art["byline"])}</span>'
               f'<span class="{h("Date")}">Feb 25, 2026</span></div>' + share(h("Share"))
               + f'<div class="{h("ArticleBody")}">' + "".join(paras) + "</div>"
               + f'<div class="{h("AuthorCard")}"><div>{E(author)}</div><div>Naomi Brooks covers Congress and national security.</div></div></div>')
    head = (meta(art, site, url, author, "Politics") + css(rng, "x", 500) + jsonld("NewsArticle", art, site, url, author=author)
            + '<script src="/_next/static/chunks/framework-2c79e2.js" defer></script>' + scripts(rng, site))
    body = (cookie_banner("x") + f'<div id="__next"><header class="{h("Header")}"><a href="/" class="{h("Logo")}">{E(site)}</a>'
            f'<nav class="{h("Nav")}">{nav}</nav></header><div class="{h("Layout")}">' + article
            + f'<div class="{h("Rail")}">' + related(rng, "x", "Most Popular", 8) + "</div></div>"
            + f'<div class="{h("Footer")}">' + "".join(f'<a href="/{slug(l)}">{E(l)}</a>' for l in FOOTER_LINKS) + "</div></div>"
            + state_blob(rng, "__NEXT_DATA__", 110))
    return doc("en", f'{art["headline"]} | {site}', head, body)


# ------------------------------------------------------------------ the set
def pages():
    R = lambda n: random.Random(n)  # noqa: E731
    yield "01-wire-regional", texts.DEADLINE, news_site(
        R(1), texts.DEADLINE, site="The Dayton Ledger", url="https://www.daytonledger.com/news/2026/02/24/pentagon-anthropic-deadline/",
        cls="tdl", css_rules=500, state=80, ad_every=3, readmore_every=4, kicker="Nation & World")
    yield "02-wordpress-blog", texts.BLOG, wordpress(R(2), texts.BLOG, site="Fine Print Federal", url="https://fineprintfederal.com/2026/02/24/usage-policy-pentagon/")
    yield "03-liveblog", texts.LIVE, liveblog(R(3), texts.LIVE, site="National Wire", url="https://www.nationalwire.com/live/pentagon-anthropic-deadline/")
    yield "04-long-comments", texts.COMMENTS, news_site(
        R(4), texts.COMMENTS, site="Fairview Courier", url="https://www.fairviewcourier.com/local/data-center-rezoning/",
        cls="fc", css_rules=350, state=30, comments=64, kicker="Local", time_line="Feb. 25, 2026")
    yield "05-jsonld-only", texts.JSONLD, js_shell(R(5), texts.JSONLD, site="Signal Desk", url="https://www.signaldesk.news/defense/xai-classified-networks")
    yield "06-german", texts.GERMAN, news_site(
        R(6), texts.GERMAN, site="Nordkurier Digital", url="https://www.nordkurier-digital.de/politik/pentagon-anthropic-ultimatum-1234567",
        cls="nk", lang="de", css_rules=420, state=50, ad_every=3, kicker="Politik", time_line="24.02.2026, 21:30 Uhr")
    yield "07-french", texts.FRENCH, news_site(
        R(7), texts.FRENCH, site="Le Quotidien du Soir", url="https://www.lequotidiendusoir.fr/international/article/2026/02/24/pentagone-anthropic",
        cls="lqs", lang="fr", css_rules=380, state=60, ad_every=2, kicker="International", time_line="Publié le 24 février 2026 à 22h15")
    yield "08-press-release", texts.RELEASE, press_release(R(8), texts.RELEASE, site="U.S. Department of Defense",
                                                           url="https://www.defense.gov/News/Releases/Release/Article/4123456/")
    yield "09-newsletter", texts.NEWSLETTER, substack(R(9), texts.NEWSLETTER, site="Compute & Country", url="https://computeandcountry.substack.com/p/the-friday-deadline")
    yield "10-analysis", texts.ANALYSIS, news_site(
        R(10), texts.ANALYSIS, site="The Policy Ledger", url="https://www.policyledger.org/analysis/defense-production-act-ai/",
        cls="pl", css_rules=300, state=20, ad_every=0, related_inside=True, kicker="Analysis", time_line="February 25, 2026")
    yield "11-interview", texts.INTERVIEW, interview(R(11), texts.INTERVIEW, site="Beltway Tech Review", url="https://www.beltwaytechreview.com/qa/franklin-turner/")
    yield "12-amp", texts.AMP, amp(R(12), texts.AMP, site="Defense Daily Brief", url="https://www.defensedailybrief.com/amp/army-drone-swarms/")
    yield "13-inline-ads", texts.INLINE_ADS, news_site(
        R(13), texts.INLINE_ADS, site="Market Street Journal", url="https://www.marketstreetjournal.com/tech/palantir-ai-dispute/",
        cls="msj", css_rules=550, state=90, ad_every=2, readmore_every=2, related_inside=True, newsletter_inside=True, kicker="Tech")
    yield "14-paywall", texts.PAYWALL, news_site(
        R(14), texts.PAYWALL, site="The Capital Standard", url="https://www.capitalstandard.com/politics/pentagon-anthropic-meeting/",
        cls="cs", css_rules=600, state=100, ad_every=3, paywall=True, kicker="Politics")
    yield "15-opinion", texts.OPINION, news_site(
        R(15), texts.OPINION, site="The Evening Herald", url="https://www.eveningherald.com/opinion/pentagon-laws-of-war/",
        cls="eh", css_rules=450, state=60, ad_every=3, kicker="Opinion", time_line="Feb. 26, 2026",
        pull_quote="The way to rule them out is through law and policy made by accountable officials, not through a license agreement.")
    yield "16-brief", texts.BRIEF, news_site(
        R(16), texts.BRIEF, site="Tri-County Times", url="https://www.tricountytimes.com/news/anthropic-pentagon-talks/",
        cls="tct", css_rules=60, state=0, icons=12, ad_every=0, sidebar=True, kicker="Nation", time_line="Feb. 28, 2026")
    yield "17-div-soup", texts.DIV_SOUP, div_soup(R(17), texts.DIV_SOUP, site="The Courier-Gazette", url="https://www.couriergazette.com/news/local/guard-ai-logistics.html")
    yield "18-teaser-jsonld", texts.TEASER_LD, teaser_with_ld(R(18), texts.TEASER_LD, site="The Financial Register",
                                                               url="https://www.financialregister.com/business/contractors-audit-anthropic/")
    yield "19-div-paragraphs", texts.REACT_DIVS, react_divs(R(19), texts.REACT_DIVS, site="Capitol Report",
                                                            url="https://www.capitolreport.com/politics/lawmakers-pentagon-anthropic")


def main() -> None:
    for name, art, page in pages():
        (HERE / f"{name}.html").write_text(page, encoding="utf-8")
        (HERE / f"{name}.txt").write_text(marked(art), encoding="utf-8")
        print(f"{name:22} {len(page.encode()) / 1024:6.1f} KB  {len(marked(art).split()):4} words")


if __name__ == "__main__":
    main()
