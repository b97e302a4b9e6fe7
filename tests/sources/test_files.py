"""File sources: each input kind, metadata, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from eventfuse.errors import InputError
from eventfuse.model import Article, article_id_for
from eventfuse.sources.files import Defaults, read_articles

BODY = "Five rockets hit the base on Sunday, officials said.\n\nNo one was hurt in the attack, the army said."


def _read(paths: list[Path], **kwargs: object) -> tuple[list[Article], list[InputError]]:
    items = list(read_articles(paths, **kwargs))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)]


def test_txt_title_and_sidecar_metadata(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Rockets hit base\n\n" + BODY, encoding="utf-8")
    (tmp_path / "report.meta.json").write_text(
        json.dumps({"outlet": "Meridian Post", "published": "2025-03-10", "url": "https://m.example/a"})
    )
    articles, errors = _read([path])
    assert not errors
    [article] = articles
    assert article.title == "Rockets hit base"
    assert article.raw_text == BODY
    assert (article.outlet, article.published, article.url) == ("Meridian Post", "2025-03-10", "https://m.example/a")
    assert article.published_source == "metadata"


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(BODY, encoding="utf-8")
    [article], _ = _read([path])
    assert article.title is None
    assert article.raw_text.startswith("Five rockets")


def test_command_line_metadata_fills_only_gaps(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY + " More.")
    (tmp_path / "b.meta.json").write_text(json.dumps({"published": "2025-01-02"}))
    articles, _ = _read([tmp_path], defaults=Defaults(published="2024-04-22", outlet="Desk"))
    by_name = {Path(a.source_path or "").name: a for a in articles}
    assert by_name["a.txt"].published == "2024-04-22" and by_name["a.txt"].published_source == "cli"
    assert by_name["b.txt"].published == "2025-01-02"
    assert {a.outlet for a in articles} == {"Desk"}


def test_html_main_text_title_date_and_site(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Rockets hit base</title>"
        "<meta property='og:site_name' content='Gulf Dispatch'>"
        "<meta property='article:published_time' content='2025-04-14T09:30:00+03:00'></head>"
        "<body><nav>Home | World | Sport</nav><article><h1>Rockets hit base</h1>"
        "<p>Five rockets struck the air base late on Saturday night, a military spokesman said.</p>"
        "<p>Two soldiers were killed in the attack, the spokesman told reporters at the scene.</p>"
        "<script>alert('x')</script></article><footer>Copyright Gulf Dispatch</footer></body></html>"
    )
    [article], errors = _read([page])
    assert not errors
    assert article.title == "Rockets hit base"
    assert article.outlet == "Gulf Dispatch"
    assert article.published == "2025-04-14"
    assert "Five rockets struck" in article.raw_text and "Two soldiers" in article.raw_text
    assert "alert" not in article.raw_text and "Home | World" not in article.raw_text


def test_jsonl_good_lines_survive_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "First report of the attack on the base.", "outlet": "A"}),
        '{"text": "broken',
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Second report of the attack on the base.", "published": "2025-04-13"}),
    ]
    path.write_text("\n".join(lines))
    articles, errors = _read([path])
    assert [a.raw_text for a in articles] == [
        "First report of the attack on the base.",
        "Second report of the attack on the base.",
    ]
    assert articles[1].published == "2025-04-13"
    assert len(errors) == 2
    assert "line 2" in errors[0].source and "malformed JSON" in errors[0].reason
    assert "'text' field" in errors[1].reason


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": "One report."}, {"text": "Another report."}]))
    articles, errors = _read([path])
    assert len(articles) == 2 and not errors


def test_same_content_same_id_whatever_the_whitespace(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY.replace(" ", "  ") + "\n\n")
    a, b = _read([tmp_path])[0]
    assert a.id == b.id


def test_bad_inputs_each_get_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "huge.txt").write_text("word " * 400)
    (tmp_path / "gz.txt").write_bytes(gzip.compress(b"compressed text" * 50))
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "good.txt").write_text(BODY)
    missing = tmp_path / "missing.txt"
    articles, errors = _read([tmp_path, missing], max_bytes=1500)
    assert [Path(a.source_path or "").name for a in articles] == ["good.txt"]
    reasons = {Path(e.source.split(" line")[0]).name: e.reason for e in errors}
    assert "binary" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "limit" in reasons["huge.txt"] and "--max-bytes" in reasons["huge.txt"]
    assert "gz.txt" in reasons  # compressed bytes are binary or undecodable, never an article
    assert "malformed JSON" in reasons["bad.json"]
    assert "no such file" in reasons["missing.txt"]
    assert all("\n" not in str(e) for e in errors)


def test_legacy_encoding_is_detected(tmp_path: Path) -> None:
    text = "Les roquettes ont frappé la base près de la frontière, a déclaré un responsable. " * 5
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    [article], errors = _read([tmp_path])
    assert not errors
    assert "frappé" in article.raw_text


# --- hostile inputs: each is that input's error, and the batch goes on (issue 20) -------------------------

GOOD_TEXT = "Five rockets hit the base on Sunday, officials said."


def test_deeply_nested_json_is_rejected_and_the_files_after_it_are_read(tmp_path: Path) -> None:
    (tmp_path / "a_nested.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "b_nested.jsonl").write_text(
        '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}\n" + json.dumps({"text": BODY})
    )
    (tmp_path / "c_good.txt").write_text(GOOD_TEXT)
    (tmp_path / "d_good.txt").write_text(BODY)
    (tmp_path / "d_good.meta.json").write_text('{"outlet": ' * 50_000)
    articles, errors = _read([tmp_path])
    assert sorted(Path(a.source_path or "").name for a in articles) == ["b_nested.jsonl#1", "c_good.txt"]
    reasons = {Path(e.source).name: e.reason for e in errors}
    assert "nested too deeply" in reasons["a_nested.json"]
    assert "nested too deeply" in reasons["b_nested.jsonl line 1"]
    assert "nested too deeply" in reasons["d_good.meta.json"]


def test_an_unexpected_error_in_a_reader_is_that_file_s_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventfuse.sources import files

    real = files._article_from_plain_text

    def breaks(text: str, name: str) -> Article:
        if "break" in name:
            raise KeyError("lost")
        return real(text, name)

    monkeypatch.setattr(files, "_article_from_plain_text", breaks)
    (tmp_path / "a_break.txt").write_text(BODY)
    (tmp_path / "b_good.txt").write_text(GOOD_TEXT)
    articles, [error] = _read([tmp_path])
    assert [Path(a.source_path or "").name for a in articles] == ["b_good.txt"]
    assert Path(error.source).name == "a_break.txt"
    assert (
        error.reason
        == "could not be read (a missing entry: 'lost'): a bug in eventfuse; the traceback is in the log file"
    )


def test_lone_surrogate_escapes_and_undecodable_file_names_are_read_and_stored(tmp_path: Path) -> None:
    from eventfuse import pipeline
    from eventfuse.clean import load_rules
    from eventfuse.store import Store

    (tmp_path / "a.jsonl").write_text(
        '{"text": "A bomb killed 9 in Baidoa \\ud800 police said.", "title": "Baidoa \\udfff blast"}\n'
        + json.dumps({"text": BODY})
        + "\n"
    )
    odd_name = tmp_path / os.fsdecode(b"b-caf\xe9.txt")  # a Latin-1 file name on a UTF-8 system
    odd_name.write_text(GOOD_TEXT)
    articles, errors = _read([tmp_path])
    assert errors == [] and len(articles) == 3
    with Store.open(tmp_path / "s.db") as store:
        report = pipeline.ingest(store, articles, load_rules())
        assert report.errors == [] and len(report.added) == 3
        stored = [store.get_article(a) for a in report.added]
    texts = {a.raw_text: a for a in stored if a}
    baidoa = texts["A bomb killed 9 in Baidoa \ufffd police said."]
    assert baidoa.title == "Baidoa \ufffd blast"
    assert baidoa.id == article_id_for("A bomb killed 9 in Baidoa \ud800 police said.")
    assert texts[GOOD_TEXT].source_path is not None and texts[GOOD_TEXT].source_path.endswith("b-caf\\xe9.txt")


def test_nul_bytes_past_the_first_8_kb_never_reach_the_stored_text(tmp_path: Path) -> None:
    from eventfuse import pipeline
    from eventfuse.clean import load_rules
    from eventfuse.store import Store

    head = (BODY + "\n\n") * 100  # 9,900 bytes: past the 8 KB that are checked for NUL bytes
    (tmp_path / "a.txt").write_bytes(head.encode() + b"Three\x00 soldiers were\x00\x00 killed.")
    [article], errors = _read([tmp_path / "a.txt"])
    assert errors == []
    with Store.open(tmp_path / "s.db") as store:
        [article_id] = pipeline.ingest(store, [article], load_rules()).added
        stored = store.get_article(article_id)
    assert stored is not None and "\x00" not in stored.raw_text and "\x00" not in stored.text
    assert stored.text.endswith("Three soldiers were killed.")


def test_binary_data_after_a_text_head_is_rejected_as_binary(tmp_path: Path) -> None:
    import random

    rng = random.Random(20)
    noise = bytes(rng.randrange(256) for _ in range(60_000))
    (tmp_path / "a.txt").write_bytes(((BODY + "\n\n") * 100).encode() + noise)
    _, [error] = _read([tmp_path / "a.txt"])
    assert "binary" in error.reason


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav><a href=/>Home</a> | <a href=/about>About</a></nav></body></html>",
        "<html><body><p>Home | About</p></body></html>",
        "<html><body><div>Home</div><div>About us</div><div>Contact</div><div>Sign in</div></body></html>",
        "<html><body><p>Page not found</p></body></html>",
    ],
)
def test_a_page_of_navigation_only_is_not_an_article(tmp_path: Path, page: str) -> None:
    """Issue 20 item 9: such a page was stored as the 12-character article "Home | About"."""
    (tmp_path / "nav.html").write_text(page)
    articles, [error] = _read([tmp_path / "nav.html"])
    assert articles == [] and "no article text" in error.reason


def test_a_one_sentence_page_is_an_article(tmp_path: Path) -> None:
    (tmp_path / "brief.html").write_text(
        "<html><body><p>Five rockets struck the Balad air base on Saturday.</p></body></html>"
    )
    [article], errors = _read([tmp_path / "brief.html"])
    assert errors == [] and article.raw_text == "Five rockets struck the Balad air base on Saturday."


# --- messages that say what the input is (issue 20 item 10) ----------------------------------------------

WORLD_TEXT = (
    "Clashes in Beledweyne — “five soldiers” killed, officials said.\n\nThe army’s café was hit; naïve reports."
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "a.txt").write_bytes(WORLD_TEXT.encode(encoding))
    [article], errors = _read([tmp_path / "a.txt"])
    assert errors == [] and article.raw_text == WORLD_TEXT


def test_a_file_mixing_utf8_and_windows_1252_lines_is_read_line_by_line(tmp_path: Path) -> None:
    utf8_line = "Clashes in Beledweyne — “five soldiers” killed, officials said.\n"
    cp1252_line = "The army’s café was hit; naïve reports.\n"
    (tmp_path / "a.txt").write_bytes(utf8_line.encode() + b"\n" + cp1252_line.encode("cp1252"))
    [article], errors = _read([tmp_path / "a.txt"])
    assert errors == []
    assert article.raw_text == utf8_line + "\n" + cp1252_line.strip()


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_a_web_archive_given_to_analyze_points_to_ingest(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n"))
    _, [error] = _read([tmp_path / name])
    assert "web archive" in error.reason and f"eventfuse ingest {tmp_path / name}" in error.reason
    assert "binary" not in error.reason


def test_a_title_with_nothing_after_it_is_the_text(tmp_path: Path) -> None:
    """Found by the fuzz target: '!\\n\\n' gave an article with a title and no text."""
    (tmp_path / "a.txt").write_text("Rockets hit Balad\n\n\n")
    [article], errors = _read([tmp_path / "a.txt"])
    assert errors == [] and article.raw_text == "Rockets hit Balad" and article.title is None


def test_markdown_in_a_folder_is_not_read_as_news(tmp_path: Path) -> None:
    """Issue 29 item 7: `analyze docs/` read Markdown files as reports; .md is no documented input."""
    (tmp_path / "README.md").write_text("# Notes\n\nGunmen killed three farmers near Dalori on Monday.\n")
    (tmp_path / "report.txt").write_text("Gunmen killed three farmers near Dalori on Monday, police said.\n")
    read = list(read_articles([tmp_path]))
    assert [Path(a.source_path or "").name for a in read if isinstance(a, Article)] == ["report.txt"]
    assert not [e for e in read if isinstance(e, InputError)]


def test_an_empty_json_array_is_a_named_error(tmp_path: Path) -> None:
    """Issue 29 item 7: a JSON file holding [] gave 0 articles and exit 0 with no word."""
    (tmp_path / "none.json").write_text("[]")
    [error] = list(read_articles([tmp_path / "none.json"]))
    assert isinstance(error, InputError) and error.source.endswith("none.json") and "empty JSON array" in error.reason
