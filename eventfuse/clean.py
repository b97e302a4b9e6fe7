"""Removes boilerplate (newsletter prompts, teasers, share lines, credits, cookie notices, author bios) from articles.

Hands on the Article with ``text`` cleaned and every removed piece kept in ``removed`` with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .datafiles import load_toml
from .errors import LexiconError
from .model import Article, RemovedLine, storable_name, storable_text

SCOPES = ("line", "prefix", "trailing")


@dataclass(frozen=True)
class Rule:
    reason: str
    pattern: re.Pattern[str]
    scope: str
    max_chars: int | None = None


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    trailing_lines: int = 3


def load_rules(path: Path | None = None) -> Rules:
    """The boilerplate rules: the bundled ``data/boilerplate.toml`` or a user's file of the same form."""
    name = str(path) if path else "eventfuse/data/boilerplate.toml"
    data = load_toml("boilerplate.toml", path)
    rules = []
    for index, entry in enumerate(data.get("rule", [])):
        where = f"{name}: rule {index + 1}"
        if not isinstance(entry.get("reason"), str) or not isinstance(entry.get("pattern"), str):
            raise LexiconError(f"{where}: needs a 'reason' and a 'pattern' string")
        scope = entry.get("scope", "line")
        if scope not in SCOPES:
            raise LexiconError(f"{where}: scope must be one of {', '.join(SCOPES)}, not {scope!r}")
        try:
            pattern = re.compile(entry["pattern"], re.IGNORECASE)
        except re.error as err:
            raise LexiconError(f"{where}: bad regular expression: {err}") from err
        rules.append(Rule(entry["reason"], pattern, scope, entry.get("max_chars")))
    return Rules(tuple(rules), int(data.get("trailing_lines", 3)))


def clean(article: Article, rules: Rules) -> Article:
    """The article with boilerplate removed from ``text`` and kept, with reasons, in ``removed``.

    Untrusted text is made storable first (``model.storable_text``): control characters such as NUL dropped,
    lone surrogates replaced; its id, made from the same normalised content, stays the same."""
    article = _storable(article)
    raw = article.raw_text
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", raw)]
    content = [(s, e) for s, e in lines if raw[s:e].strip()]
    trailing_from = len(content) - rules.trailing_lines
    removed: list[RemovedLine] = []
    for position, (start, end) in enumerate(content):
        line = raw[start:end]
        stripped_at = start + len(line) - len(line.lstrip())
        body = raw[stripped_at:end]
        for rule in rules.rules:
            if rule.max_chars is not None and len(body) > rule.max_chars and rule.scope != "prefix":
                continue
            if rule.scope == "trailing" and position < trailing_from:
                continue
            match = rule.pattern.match(body)
            if not match:
                continue
            cut_end = stripped_at + match.end() if rule.scope == "prefix" else end
            removed.append(RemovedLine(start, cut_end, raw[start:cut_end], rule.reason))
            break
    return replace(article, text=_without(raw, removed), removed=tuple(removed))


def _storable(article: Article) -> Article:
    def text(value: str | None) -> str | None:
        return storable_text(value) if value is not None else None

    return replace(
        article,
        raw_text=storable_text(article.raw_text),
        title=text(article.title),
        url=text(article.url),
        outlet=text(article.outlet),
        published=text(article.published),
        author=text(article.author),
        source_path=storable_name(article.source_path) if article.source_path is not None else None,
    )


def _without(raw: str, removed: list[RemovedLine]) -> str:
    """The raw text minus the removed pieces, blank-line runs left by them folded."""
    pieces = []
    cursor = 0
    for piece in removed:
        pieces.append(raw[cursor : piece.start])
        cursor = piece.end
        whole_line = piece.start == 0 or raw[piece.start - 1] == "\n"
        if whole_line and raw[cursor : cursor + 1] == "\n":
            cursor += 1  # the line's own line break goes with it
    pieces.append(raw[cursor:])
    text = "".join(pieces)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
