"""The HTML brief: the Markdown brief's content on one self-contained page, with untrusted text made inert."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from eventfuse.cli import app
from eventfuse.export import EXPORTERS
from eventfuse.fuse import fuse
from eventfuse.model import Article, Claim, Mention, Speaker
from eventfuse.report import event_html, events_html

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class _Tags(HTMLParser):
    """The tags and attributes of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _claim(aid: str, field: str, value: Any, quote: str, wording: str, speaker: Speaker | None = None) -> Claim:
    start = quote.index(wording)
    return Claim(aid, field, value, start, start + len(wording), quote, attributed_to=speaker, wording=wording)


def _event() -> Any:
    """Two independent reports that agree on the rockets and disagree on the toll, and a rewrite of one."""
    wire = "Five rockets hit the base on Sunday and two soldiers were killed, officials said."
    other = (
        "The ministry denied any deaths: Five rockets struck the garrison late that night and no soldiers were killed."
    )
    rewrite = wire + " This story draws on reporting by Wire Agency."
    articles = {
        "a": Article("a", wire, wire, outlet="Wire Agency", published="2024-04-21", url="https://wire.example/1"),
        "b": Article("b", other, other, outlet="Ministry Daily", published="2024-04-21", url="javascript:alert(1)"),
        "c": Article("c", rewrite, rewrite, outlet="Copy Desk", published="2024-04-22"),
    }
    officials = Speaker("officials", "government official")
    mentions = []
    for aid, toll in (("a", "two soldiers were killed"), ("b", "no soldiers were killed"), ("c", "two soldiers")):
        text = articles[aid].text
        count = 0 if aid == "b" else 2
        claims = (
            _claim(aid, "count:rocket", {"min": 5, "max": 5}, text, "Five rockets", officials),
            _claim(aid, "killed:soldiers", {"min": count, "max": count}, text, toll, officials),
        )
        mentions.append(Mention(f"{aid}:0", aid, 0, len(text), text, claims=claims))
    return fuse("ev_test", mentions, articles)


def test_html_brief_has_the_markdown_briefs_content() -> None:
    event = _event()
    page = event_html(event)
    assert page.startswith("<!DOCTYPE html>")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # the headline sentence: the toll as fused, who reports it, where they disagree
    assert "3 articles from 2 independent origins" in text
    assert "sources disagree on killed:soldiers" in text
    # each field with its value, status, credibility and claims
    assert "count:rocket 5 corroborated 1: confirmed" in text
    assert "killed:soldiers" in text and "disputed" in text
    # the disagreement with both positions and their outlets
    section = text.split("Where sources disagree", 1)[1].split("Sources", 1)[0]
    assert "2 (Copy Desk, Wire Agency)" in section and "0 (Ministry Daily)" in section
    # the sources with their independence: the rewrite and what it derives from
    sources = text.split("Sources", 1)[1] if "Sources" in text else ""
    assert "rewrite of Wire Agency" in sources and "credits" in sources


def test_hostile_article_text_comes_out_escaped() -> None:
    event = _event()
    rockets = event.fields["count:rocket"]
    claim = replace(rockets.claims[0], quote=HOSTILE + rockets.claims[0].quote, attributed_to=Speaker(HOSTILE, "other"))
    fields = dict(event.fields, **{"count:rocket": replace(rockets, claims=(claim,), credibility_reason=HOSTILE)})
    sources = tuple(replace(s, title=HOSTILE, outlet=HOSTILE) for s in event.sources)
    hostile = replace(event, title=HOSTILE, fields=fields, sources=sources)
    page = events_html([hostile])
    assert "<script" not in page.casefold() and "<img" not in page.casefold()
    assert "&lt;script&gt;" in page
    tags = _tags(page)
    assert not any(tag in ("script", "img", "iframe", "object") for tag, _ in tags)
    assert not any(name.startswith("on") for _, attrs in tags for name in attrs)
    links = [attrs.get("href") or "" for tag, attrs in tags if tag == "a"]
    assert links == ["https://wire.example/1"]  # the javascript: URL is shown as text, never linked
    assert "javascript:alert(1)" in page
    policy = [attrs for tag, attrs in tags if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in (policy[0].get("content") or "")


def test_export_and_show_write_html_from_the_store(tmp_path: Path) -> None:
    """End to end: an article with markup in it, analysed, exported and shown as HTML."""
    article = tmp_path / "hostile.txt"
    article.write_text(
        "Gunmen abducted <script>alert(1)</script> five farmers near Gwoza on Monday, police said. "
        "Two farmers were killed in the attack, police said."
    )
    db = str(tmp_path / "h.db")
    runner = CliRunner()
    analyzed = runner.invoke(app, ["analyze", str(article), "--db", db, "--published", "2025-05-20", "--quiet"])
    assert analyzed.exit_code == 0, analyzed.output
    assert "html" in EXPORTERS
    out = tmp_path / "briefs.html"
    exported = runner.invoke(app, ["export", "--format", "html", "--db", db, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Where sources disagree" not in page  # one source: nothing to disagree on
    assert "1 article from 1 independent origin" in page
    event_id = re.search(r'<section class="event" id="(ev_[0-9a-f]+)"', page)
    assert event_id
    shown = runner.invoke(app, ["show", event_id.group(1), "--db", db, "--html"])
    assert shown.exit_code == 0
    assert shown.output.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in shown.output
    assert "2 killed" in shown.output


def test_a_sources_other_figure_is_shown_beside_the_field() -> None:
    text = "Two men were found dead on Sunday. One person was pronounced dead on the scene, police said."
    article = Article("a", text, text, outlet="Daily", published="2015-01-01")
    claims = (
        _claim("a", "killed:people", {"min": 2, "max": 2}, text, "Two men were found dead"),
        _claim("a", "killed:people", {"min": 1, "max": 1}, text, "One person was pronounced dead"),
    )
    event = fuse("ev_1", [Mention("a:0", "a", 0, len(text), text, claims=claims)], {"a": article})
    assert event.fields["killed:people"].status == "single-source"
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", event_html(event)))
    assert "2 killed" in page and "Where sources disagree" not in page
    assert "set aside, another figure the same source gives: Daily : 1" in page
