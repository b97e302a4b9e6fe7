"""A fuzz target on the readers (txt, html, json/jsonl, warc): generated and mutated inputs never raise, and what
comes out is articles that can be stored or errors of one line naming the input.

Bounded: each reader gets EVENTFUSE_FUZZ_EXAMPLES examples (60 in the test command; more for a longer run, e.g.
EVENTFUSE_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/sources/test_fuzz_readers.py), of bounded size.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventfuse.clean import clean, load_rules
from eventfuse.errors import InputError
from eventfuse.model import Article, article_id_for
from eventfuse.sources.files import read_articles
from eventfuse.sources.warc import read_warc

FUZZ = settings(
    max_examples=int(os.environ.get("EVENTFUSE_FUZZ_EXAMPLES", "60")),
    deadline=None,  # shared cores: time is the budget of the whole run, not of one example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RULES = load_rules()
NEWS = "Five rockets struck the Balad air base in Iraq on Saturday, a military spokesman said."

# Any code point, lone surrogates, controls and bidi marks included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
hostile_text = st.lists(
    st.sampled_from([NEWS, "\x00", "\x1b[2J", "\ud800", "\u202e", "\r", "\n\n", "é", "“", "|", "<", "&", "\\"])
    | any_text,
    max_size=12,
).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "outlet", "published", "url", "x"]) | any_text, children, max_size=5
        )
    ),
    max_leaves=12,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "cp1252", "latin-1"])


def _mutated(data: bytes, cuts: list[int], flips: list[tuple[int, int]]) -> bytes:
    """The bytes truncated at a cut and with some bytes replaced: what a damaged download looks like."""
    mutable = bytearray(data)
    for position, value in flips:
        if mutable:
            mutable[position % len(mutable)] = value
    for cut in cuts[:1]:
        mutable = mutable[: cut % (len(mutable) + 1)]
    return bytes(mutable)


mutations = st.tuples(
    st.lists(st.integers(0, 1 << 20), max_size=1),
    st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=4),
)


def _check(path: Path, items: list[object]) -> None:
    for item in items:
        if isinstance(item, InputError):
            assert "\n" not in item.reason and item.reason, item
            assert item.source.startswith(str(path.with_suffix(""))), item
        else:
            assert isinstance(item, Article) and item.raw_text.strip()
            cleaned = clean(item, RULES)  # what ingest stores: it must be storable as UTF-8
            for value in (cleaned.raw_text, cleaned.text, cleaned.title, cleaned.outlet, cleaned.source_path):
                if value is not None:
                    value.encode("utf-8")
            assert article_id_for(cleaned.raw_text) == item.id


def _read(suffix: str, data: bytes, sidecar: bytes | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        if sidecar is not None:
            (Path(tmp) / "input.meta.json").write_bytes(sidecar)
        _check(path, list(read_articles([path])))


@FUZZ
@given(
    st.binary(max_size=3000) | hostile_text.flatmap(lambda t: encodings.map(lambda e: t.encode(e, "replace"))),
    mutations,
)
def test_txt_reader(data: bytes, mutation: tuple[list[int], list[tuple[int, int]]]) -> None:
    _read(".txt", _mutated(data, *mutation))


@FUZZ
@given(hostile_text, json_values)
def test_txt_reader_with_a_sidecar(text: str, meta: object) -> None:
    _read(".txt", text.encode("utf-8", "surrogatepass"), json.dumps(meta).encode())


tags = st.sampled_from(["p", "div", "nav", "article", "script", "style", "a", "h1", "title", "br", "table", "!--"])


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(tags)
        text = draw(hostile_text).replace("\ud800", "")
        close = draw(st.booleans())
        parts.append(f"<{tag} class='{draw(hostile_text)[:20]}'>{text}" + (f"</{tag}>" if close else ""))
    page = "<html><head><meta charset='utf-8'></head><body>" + "".join(parts) + "</body></html>"
    return page.encode("utf-8", "surrogatepass")


@FUZZ
@given(html_pages() | st.binary(max_size=2000), mutations)
def test_html_reader(data: bytes, mutation: tuple[list[int], list[tuple[int, int]]]) -> None:
    _read(".html", _mutated(data, *mutation))


@FUZZ
@given(st.lists(json_values, max_size=4), st.booleans(), st.sampled_from([".json", ".jsonl"]), mutations)
def test_json_readers(
    values: list[object], ascii_only: bool, suffix: str, mutation: tuple[list[int], list[tuple[int, int]]]
) -> None:
    if suffix == ".json":
        text = json.dumps(values if len(values) != 1 else values[0], ensure_ascii=ascii_only)
    else:
        text = "\n".join(json.dumps(v, ensure_ascii=ascii_only) for v in values)
    _read(suffix, _mutated(text.encode("utf-8", "surrogatepass"), *mutation))


@FUZZ
@given(
    st.lists(
        st.tuples(html_pages() | st.binary(max_size=500), st.sampled_from(["200 OK", "404 Not Found"])), max_size=3
    ),
    st.booleans(),
    mutations,
)
def test_warc_reader(
    pages: list[tuple[bytes, str]], gzip: bool, mutation: tuple[list[int], list[tuple[int, int]]]
) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for number, (body, status) in enumerate(pages):
        headers = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://news.example/{number}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("input.warc.gz" if gzip else "input.warc")
        path.write_bytes(_mutated(buffer.getvalue(), *mutation))
        items = list(read_warc(path, min_chars=1))
        for item in items:
            if isinstance(item, InputError):
                assert "\n" not in item.reason and item.reason, item
            else:
                assert isinstance(item, Article)
                clean(item, RULES).text.encode("utf-8")


@FUZZ
@given(
    st.binary(max_size=2000) | html_pages() | hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([".txt", ".html", ".json", ".jsonl"]),
    mutations,
)
def test_a_bad_input_never_stops_the_batch_and_a_rerun_stores_nothing_new(
    data: bytes, suffix: str, mutation: tuple[list[int], list[tuple[int, int]]]
) -> None:
    from eventfuse import pipeline
    from eventfuse.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        bad, good = Path(tmp) / f"a_bad{suffix}", Path(tmp) / "b_good.txt"
        bad.write_bytes(_mutated(data, *mutation))
        good.write_text(NEWS)
        with Store.open(Path(tmp) / "s.db") as store:
            first = pipeline.ingest(store, read_articles([bad, good]), RULES)
            assert article_id_for(NEWS) in first.article_ids  # the input after the bad one was read and stored
            counts = store.count_articles()
            again = pipeline.ingest(store, read_articles([bad, good]), RULES)
            assert again.added == [] and store.count_articles() == counts
            assert [e.reason for e in again.errors] == [e.reason for e in first.errors]
