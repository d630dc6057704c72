"""tracker rules test|apply: re-score stored items against the story rules in feeds.toml;
tracker rules suggest: terms the story's developments share that the rules lack."""

from __future__ import annotations

import json
import sys

from ..text import clean_text
from . import EXIT_OK, db_path, load_config, steps_line


def cmd_rules(args) -> int:
    from ..rescore import RESCORING, one_step, rescore
    from ..store import Store

    config = load_config(args)
    # Not open_store(): that applies changed rules on open, which `test` must not do.
    store = Store.open(db_path(args, config), create=False)
    if args.action == "suggest":
        return _suggest(store, config, args)
    result = rescore(store, config, apply=args.action == "apply", progress=one_step(steps_line(sys.stderr), RESCORING))
    if args.json:
        def moved(ms):
            return [{"id": m.id, "title": m.title, "matched": list(m.terms)} for m in ms]
        json.dump({"checked": result.checked, "stored": result.stored, "applied": result.applied,
                   "moved_in": moved(result.moved_in), "moved_out": moved(result.moved_out),
                   "held_by_manual_verdict": [{"id": m.id, "title": m.title, "manual": m.manual}
                                              for m in result.held],
                   "terms_changed": result.terms_changed,
                   "other_terms": [{"id": m.id, "title": m.title, "matched": list(m.terms), "before": list(m.before)}
                                   for m in result.retermed]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    verb = "moved" if result.applied else "would move"
    limit = None if args.all else args.show
    _section(f"{verb} onto the story", result.moved_in, "+", limit)
    _section(f"{verb} off the story", result.moved_out, "-", limit)
    if result.retermed:
        print(f"{len(result.retermed)} {'with' if result.applied else 'would have'} other matched terms, "
              "staying where they are:")
        for m in result.retermed[:limit]:
            print(f"  ~ {clean_text(m.title)}  (matched: {_terms(m.before)} → {_terms(m.terms)})")
        if limit is not None and len(result.retermed) > limit:
            print(f"  ... and {len(result.retermed) - limit} more (--all lists them)")
    if result.held:
        print(f"{len(result.held)} kept where the user put them (a manual verdict wins over the rules)")
    checked = f"{result.checked} items checked" if result.checked == result.stored else \
        f"{result.checked} of {result.stored} items checked (the others hold no term the edit changed)"
    summary = (f"{checked}: {len(result.moved_in)} {verb} in, {len(result.moved_out)} out, "
               f"{result.terms_changed} with other matched terms")
    if not result.applied and (result.moved_in or result.moved_out or result.terms_changed):
        summary += "; nothing was changed (`tracker rules apply` applies them)"
    print(summary)
    return EXIT_OK


def _terms(terms) -> str:
    return " · ".join(clean_text(t) for t in terms) or "nothing"


def _suggest(store, config, args) -> int:
    """Read only: nothing changes until the user edits [story.match]."""
    from ..developments import suggest_terms
    from ..text import clean_text

    found = suggest_terms(store.development_titles(), config.story.rules, limit=None if args.all else args.show)
    if args.json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not found:
        print("no suggestions: no term is shared by two developments that the rules lack")
        return EXIT_OK
    width = max(len(clean_text(s["term"])) for s in found)
    print("terms in the story's developments that [story.match] lacks (by developments, then reports):")
    for s in found:
        examples = " · ".join(f"\u201c{clean_text(e, 70)}\u201d" for e in s["examples"])
        print(f"  {clean_text(s['term']):<{width}}  {s['developments']:>3} developments {s['reports']:>4} reports  "
              f"e.g. {examples}")
    print("nothing was changed: add a term to a group of `require` in feeds.toml, then `tracker rules test`")
    return EXIT_OK


def _section(heading: str, moved, mark: str, limit: int | None) -> None:
    if not moved:
        return
    print(f"{len(moved)} {heading}:")
    for m in moved[:limit]:
        terms = f"  (matched: {' · '.join(m.terms)})" if m.terms else ""
        print(f"  {mark} {m.title}{terms}")
    if limit is not None and len(moved) > limit:
        print(f"  ... and {len(moved) - limit} more (--all lists them)")
