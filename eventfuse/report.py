"""Renders fused events for people: the terminal report (Rich), the Markdown brief and the HTML brief.

Article text is untrusted: it reaches Rich only as Text (never markup), Markdown only escaped, and HTML only
through Jinja2's autoescaping, on a page that may run no script.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import jinja2
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .fuse import format_range, toll_total
from .model import Claim, Event, FusedField, Source, Speaker, source_name

# The order fields are shown in; others follow alphabetically.
# What the report says of an event no report places: said outright, so no one reads a missing line as an oversight.
NO_LOCATION = "none: the reports name no place that could be located"
FIELD_ORDER = ("event_type", "date", "time", "location", "origin", "actor1", "actor2", "assoc_actor", "weapon")
QUOTE_CHARS = 160
WORDING_CHARS = 60
# Claims shown per field in the terminal; the JSON and `eventfuse show` list them all.
CLAIMS_SHOWN = 3
# A bigger event is summarised in the terminal (`show --all` prints everything): this many sources, outlets
# and values are listed, the rest counted.
SOURCES_SHOWN = 10
TOP_SHOWN = 5
# How a source's other figure for a count is introduced (FusedField.other_figures).
OTHER_FIGURE = "set aside, another figure the same source gives:"


# What a terminal would act on rather than show: C0 controls (ESC starts the sequences that clear a screen or
# set a window title), DEL, C1 controls (0x9b is a one-byte CSI), the bidirectional overrides and isolates
# that reorder what follows them, and lone surrogates (which cannot be written out).
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = frozenset("\n\t")


def terminal_text(text: str, one_line: bool = False) -> str:
    """Untrusted text made safe to print: control characters shown as escapes (``\\x1b``, ``\\u202e``), never
    sent to the terminal. With ``one_line``, line breaks and tabs are shown as ``\\n`` and ``\\t`` too, so
    one input is always one line."""

    def visible(match: re.Match[str]) -> str:
        char = match.group()
        if char in _LINE_BREAKS and not one_line:
            return char
        return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _TERMINAL_UNSAFE.sub(visible, text)


def display_value(value: Any) -> str:
    """A field value in words."""
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return "; ".join(display_value(v) for v in value)
    if isinstance(value, dict):
        if "min" in value or "max" in value:
            return format_range(value)
        if "sub_event_type" in value:
            return f"{value.get('event_type')} / {value.get('sub_event_type')}"
        if "lat" in value or "country_code" in value:
            return _place_words(value)
        if "agent" in value or "action" in value:
            agent = f" by {value['agent']}" if value.get("agent") else ""
            return f"{value.get('object', '')} {value.get('action', '')}{agent}".strip()
        if "status" in value:
            actor = f" ({value['actor']})" if value.get("actor") else ""
            return f"{value['status']}{actor}"
        if "value" in value:
            extra = f" {value['timezone']}" if value.get("timezone") else ""
            return f"{value['value']}{extra}"
        if "name" in value:
            kind = f" ({value['type']})" if value.get("type") else ""
            return f"{value['name']}{kind}"
        if value and all(isinstance(v, dict) for v in value.values()):
            return ", ".join(f"{k.replace(':', ' ')} {display_value(v)}" for k, v in value.items())
    return str(value)


def _place_words(value: dict[str, Any]) -> str:
    parts = [str(value.get("name") or "?")]
    admin = ", ".join(str(v) for v in (value.get("admin1"), value.get("country_code")) if v)
    if admin:
        parts.append(f"({admin})")
    if value.get("lat") is not None and value.get("lon") is not None:
        parts.append(f"{value['lat']:.3f}, {value['lon']:.3f}")
    if value.get("geo_precision"):
        parts.append(f"precision {value['geo_precision']}")
    variants = value.get("variants") or []
    if variants:
        parts.append("also: " + ", ".join(str(v) for v in variants))
    return " ".join(parts)


def speaker_words(speaker: Speaker | None) -> str:
    """Who says it, with the chain of citation: "Reuters, citing Iraqi security sources"."""
    if speaker is None:
        return "the outlet"
    words = speaker.name
    if speaker.via is not None:
        words += ", citing " + speaker_words(speaker.via)
    return words


def ordered_fields(event: Event) -> list[FusedField]:
    def rank(key: str) -> tuple[int, str]:
        base = key.split(":", 1)[0]
        return (FIELD_ORDER.index(base) if base in FIELD_ORDER else len(FIELD_ORDER), key)

    return [event.fields[k] for k in sorted(event.fields, key=rank)]


def source_label(source: Source) -> str:
    """An outlet's name, else the file it came from, else its title, else its id."""
    return source_name(source.outlet, source.source_path, source.title, source.article_id)


def _outlet(event: Event, claim: Claim) -> str:
    for source in event.sources:
        if source.article_id == claim.article_id:
            return source_label(source)
    return claim.article_id


def _wording(claim: Claim) -> str:
    words = re.sub(r"\s+", " ", claim.wording or claim.quote[:QUOTE_CHARS]).strip()
    return words if len(words) <= WORDING_CHARS else words[: WORDING_CHARS - 1] + "…"


def _quote(claim: Claim) -> str:
    quote = re.sub(r"\s+", " ", claim.quote).strip()
    return quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1] + "…"


def _toll_words(event: Event) -> str:
    """The event's tolls over all parties ("at least 2 killed, 5 injured"), or "" when no source gives one."""
    parts = []
    for kind in ("killed", "injured"):
        total = toll_total(event.fields, kind)
        if total is None:
            continue
        disputed = any(k.split(":", 1)[0] == kind and f.status == "disputed" for k, f in event.fields.items())
        words = "no one" if total.get("min") == 0 and total.get("max") == 0 else format_range(total)
        parts.append(f"{words} {kind}" + (" (disputed)" if disputed else ""))
    return ", ".join(parts)


def independence_words(event: Event) -> str:
    """How many articles report the event and how many independent origins they come down to."""
    articles = len(event.sources)
    origins = len({s.origin or s.article_id for s in event.sources})
    return (
        f"{articles} article{'s' if articles != 1 else ''} from "
        f"{origins} independent origin{'s' if origins != 1 else ''}"
    )


def headline_sentence(event: Event) -> str:
    """The brief's first sentence: what happened where and when, its toll, who reports it, where they differ.

    "Shelling/artillery/missile attack at Rumalyn (SY) on 2024-04-21, no one injured: 2 articles from
    2 independent origins; sources disagree on outcome:launch vehicle."
    """
    sentence = event.title or event.id
    tolls = _toll_words(event)
    if tolls:
        sentence += f", {tolls}"
    sentence += f": {independence_words(event)}"
    if event.discrepancies:
        sentence += "; sources disagree on " + ", ".join(dict.fromkeys(d.field for d in event.discrepancies))
    return sentence + "."


# --- terminal ------------------------------------------------------------------------------------


def _counted(counts: Counter[str], shown: int = TOP_SHOWN) -> str:
    """The commonest items with their counts ("Reuters (120), AFP (40)"), and how many others."""
    top = ", ".join(f"{item} ({n})" for item, n in counts.most_common(shown))
    rest = len(counts) - shown
    return top + (f" and {rest} more" if rest > 0 else "")


def event_renderable(event: Event, history: Sequence[dict[str, Any]] = (), full: bool = False) -> RenderableType:
    """One event as a Rich panel: fields with status and evidence, disagreements, sources. Every piece of
    stored text goes through ``terminal_text``: an outlet's name or a quote cannot drive the terminal.

    A big event is summarised unless ``full``: each field's values and the sources that give them counted, the
    first sources listed and the others counted by outlet, the history counted."""
    safe = terminal_text
    shown_claims = None if full else CLAIMS_SHOWN
    table = Text()
    for fused in ordered_fields(event):
        if table:
            table.append("\n")
        table.append(f"{safe(fused.field)}: ", style="bold cyan")
        table.append(safe(display_value(fused.value)))
        style = {"disputed": "red", "updated": "yellow", "corroborated": "green", "compatible": "green"}.get(
            fused.status, ""
        )
        table.append(f"  [{safe(fused.status)}", style=style)
        table.append(f", credibility {fused.credibility}]", style=style)
        for claim in fused.claims[:shown_claims]:
            table.append("\n    ")
            table.append(safe(_outlet(event, claim)), style="bold")
            table.append(f" / {safe(speaker_words(claim.attributed_to))}")
            if claim.hedged:
                table.append(" (hedged)", style="yellow")
            table.append(f': "{safe(_wording(claim))}"', style="dim")
        if shown_claims is not None and len(fused.claims) > shown_claims:
            values = Counter(display_value(c.value) for c in fused.claims)
            outlets = Counter(_outlet(event, c) for c in fused.claims)
            table.append(f"\n    +{len(fused.claims) - shown_claims} more claims; ", style="dim")
            table.append(safe(f"values: {_counted(values)}; from {_counted(outlets)}", one_line=True), style="dim")
        for claim in fused.other_figures[:shown_claims]:
            table.append(f"\n    {OTHER_FIGURE} {safe(_outlet(event, claim))}: ", style="dim")
            table.append(f'"{safe(_wording(claim))}" ({safe(display_value(claim.value))})', style="dim")
    if "location" not in event.fields:
        table.append("\nlocation: ", style="bold cyan")
        table.append(NO_LOCATION, style="yellow")
    parts: list[RenderableType] = [table]
    if event.discrepancies:
        parts.append(Text("\nWhere sources disagree", style="bold red"))
        for discrepancy in event.discrepancies:
            lines = Text(f"• {safe(discrepancy.field)}: ", style="bold")
            lines.append(safe(discrepancy.note))
            for position in discrepancy.positions:
                outlets = sorted({_outlet(event, c) for c in position.claims})
                if not full and len(outlets) > TOP_SHOWN:
                    named = _counted(Counter(_outlet(event, c) for c in position.claims))
                else:
                    named = ", ".join(outlets)
                lines.append(f"\n    {safe(display_value(position.value))} — {safe(named, one_line=True)}")
                for claim in position.claims[:shown_claims]:
                    quote = f'\n      {speaker_words(claim.attributed_to)}: "{_quote(claim)}"'
                    lines.append(safe(quote), style="dim")
            parts.append(lines)
    parts.append(Text("\nSources", style="bold"))
    listed = event.sources if full else event.sources[:SOURCES_SHOWN]
    for source in listed:
        line = Text(f"• {safe(source_label(source), one_line=True)}")
        if source.title:
            line.append(f" — {safe(source.title, one_line=True)}", style="dim")
        if source.published:
            line.append(f" ({safe(source.published, one_line=True)})")
        if source.derived_from:
            original = next((source_label(s) for s in event.sources if s.article_id == source.derived_from), "")
            rewrite = f"\n    rewrite of {safe(original or source.derived_from, one_line=True)}: "
            line.append(rewrite + safe(source.derivation or "", one_line=True), style="yellow")
        if source.cites:
            line.append("\n    cites " + safe(", ".join(source.cites), one_line=True))
        parts.append(line)
    if len(listed) < len(event.sources):
        others = Counter(source_label(s) for s in event.sources[len(listed) :])
        more = f"+{sum(others.values())} more sources, by outlet: {_counted(others)}"
        parts.append(Text(safe(more, one_line=True) + f" (eventfuse show {event.id} --all lists them)", style="dim"))
    if event.related:
        parts.append(Text("Related events: " + safe(", ".join(event.related), one_line=True)))
    membership = [h for h in history if h["action"] in ("created", "joined")]
    if membership:
        changes = ", ".join(f"{h['action']} ({h.get('score', 0):.2f})" for h in membership)
        if not full and len(membership) > SOURCES_SHOWN:
            scores = [h.get("score", 0) for h in membership]
            actions = Counter(h["action"] for h in membership)
            changes = f"{_counted(actions)}, scores {min(scores):.2f} to {max(scores):.2f}"
        changed = sum(1 for h in history if h["action"] == "changed")
        parts.append(Text(f"History: {changes}; {changed} field changes (eventfuse show --json)", style="dim"))
    title = Text(f"{safe(event.title, one_line=True)}  [{safe(event.id, one_line=True)}]")
    return Panel(Group(*parts), title=title, title_align="left")


def events_table(events: Sequence[Event], shown_ids: Mapping[str, str] | None = None) -> Table:
    """The events as a table; ``shown_ids`` gives the id to show for each (its shortest unique prefix, which
    `show` takes): the id column never wraps nor is cut, so the id can be copied from a narrow terminal."""
    shown_ids = shown_ids or {}
    table = Table(show_header=True, header_style="bold")
    for column in ("id", "date", "type", "where", "sources", "disputed"):
        table.add_column(column, no_wrap=column == "id")
    for event in events:
        location = event.fields.get("location")
        where = display_value(location.value) if location else (event.country or "")
        table.add_row(
            *(
                Text(terminal_text(cell, one_line=True))
                for cell in (
                    shown_ids.get(event.id, event.id),
                    event.date or "?",
                    event.sub_event_type or event.event_type or "?",
                    where[:60],
                    str(len(event.sources)),
                    ", ".join(d.field for d in event.discrepancies),
                )
            )
        )
    return table


# --- Markdown ------------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Untrusted text made inert in Markdown (HTML, links, emphasis and table pipes, control characters)."""
    text = terminal_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)


def event_markdown(event: Event) -> str:
    """One event as a Markdown brief: headline, fields, disagreements, sources."""
    lines = [f"## {md_escape(event.title)}", "", md_escape(headline_sentence(event)), "", f"Event `{event.id}`", ""]
    lines += ["| field | value | status | credibility | sources |", "|---|---|---|---|---|"]
    for fused in ordered_fields(event):
        sources = "; ".join(
            f"{md_escape(_outlet(event, c))} ({md_escape(speaker_words(c.attributed_to))}"
            + (", hedged" if c.hedged else "")
            + f'): "{md_escape(_quote(c))}"'
            for c in fused.claims[:3]
        )
        for claim in fused.other_figures[:CLAIMS_SHOWN]:
            sources += (
                f"; {OTHER_FIGURE} {md_escape(_outlet(event, claim))}: "
                f'"{md_escape(_wording(claim))}" ({md_escape(display_value(claim.value))})'
            )
        lines.append(
            f"| {md_escape(fused.field)} | {md_escape(display_value(fused.value))} | {fused.status} | "
            f"{fused.credibility}: {md_escape(fused.credibility_reason)} | {sources} |"
        )
    if "location" not in event.fields:
        lines.append(f"| location | {NO_LOCATION} | | | |")
    if event.discrepancies:
        lines += ["", "### Where sources disagree", ""]
        for discrepancy in event.discrepancies:
            lines.append(f"- **{md_escape(discrepancy.field)}**: {md_escape(discrepancy.note)}")
            for position in discrepancy.positions:
                outlets = ", ".join(sorted({md_escape(_outlet(event, c)) for c in position.claims}))
                lines.append(f"  - {md_escape(display_value(position.value))}: {outlets}")
    lines += ["", "### Sources", "", md_escape(independence_words(event)), ""]
    for source in event.sources:
        line = f"- {md_escape(source_label(source))}"
        if source.title:
            line += f": {md_escape(source.title)}"
        if source.derived_from:
            line += f" (rewrite of `{source.derived_from}`: {md_escape(source.derivation or '')})"
        if source.cites:
            line += f"; cites {md_escape(', '.join(source.cites))}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def events_markdown(events: Sequence[Event]) -> str:
    head = f"# eventfuse report: {len(events)} event{'s' if len(events) != 1 else ''}\n\n"
    return head + "\n".join(event_markdown(e) for e in events)


# --- HTML ----------------------------------------------------------------------------------------


@functools.cache
def _brief_template() -> jinja2.Template:
    """The HTML brief's template (data/brief.html), with every value escaped: article text is untrusted."""
    source = resources.files("eventfuse").joinpath("data", "brief.html").read_text(encoding="utf-8")
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.from_string(source)


def _safe_url(url: str | None) -> str | None:
    """A source's URL when it is a web address, so a link never runs script (``javascript:``)."""
    return url if url and re.match(r"^https?://[^\s\"'<>]+$", url, re.I) else None


def _claim_view(event: Event, claim: Claim) -> dict[str, Any]:
    return {
        "outlet": _outlet(event, claim),
        "speaker": speaker_words(claim.attributed_to),
        "hedged": claim.hedged,
        "wording": claim.wording or "",
        "quote": _quote(claim),
    }


def _event_view(event: Event) -> dict[str, Any]:
    """What the HTML brief shows of an event: the Markdown brief's content, as plain strings."""
    labels = {s.article_id: source_label(s) for s in event.sources}
    return {
        "id": event.id,
        "title": event.title or event.id,
        "headline": headline_sentence(event),
        "fields": [
            {
                "name": fused.field,
                "value": display_value(fused.value),
                "status": fused.status,
                "credibility": fused.credibility,
                "reason": fused.credibility_reason,
                "independent_sources": fused.independent_sources,
                "claims": [_claim_view(event, c) for c in fused.claims[:CLAIMS_SHOWN]],
                "more": max(0, len(fused.claims) - CLAIMS_SHOWN),
                "other_figures": [
                    dict(_claim_view(event, c), value=display_value(c.value))
                    for c in fused.other_figures[:CLAIMS_SHOWN]
                ],
            }
            for fused in ordered_fields(event)
        ],
        "discrepancies": [
            {
                "field": d.field,
                "note": d.note,
                "positions": [
                    {
                        "value": display_value(p.value),
                        "outlets": ", ".join(sorted({_outlet(event, c) for c in p.claims})),
                        "claims": [_claim_view(event, c) for c in p.claims[:CLAIMS_SHOWN]],
                    }
                    for p in d.positions
                ],
            }
            for d in event.discrepancies
        ],
        "independence": independence_words(event),
        "sources": [
            {
                "label": source_label(s),
                "title": s.title or "",
                "published": s.published or "",
                "url": _safe_url(s.url),
                "shown_url": s.url or "",
                "derived_from": labels.get(s.derived_from or "", s.derived_from or ""),
                "derivation": s.derivation or "",
                "cites": ", ".join(s.cites),
                "origin": labels.get(s.origin, s.origin),
            }
            for s in event.sources
        ],
        "related": list(event.related),
    }


def events_html(events: Sequence[Event]) -> str:
    """One self-contained HTML page (inline style, no script, nothing fetched) with a brief per event."""
    title = f"eventfuse report: {len(events)} event{'s' if len(events) != 1 else ''}"
    return _brief_template().render(title=title, events=[_event_view(e) for e in events], other_figure=OTHER_FIGURE)


def event_html(event: Event) -> str:
    """One event's brief as a self-contained HTML page."""
    return _brief_template().render(
        title=event.title or event.id, events=[_event_view(event)], other_figure=OTHER_FIGURE
    )
