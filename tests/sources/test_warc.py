"""Web archives: a small WARC written by the test; the filters, corrupt and truncated records, resuming
from the stored offset, and `eventfuse ingest FILE.warc.gz` end to end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from localserver import BLAST, RAID, article_page
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventfuse.cli import app
from eventfuse.errors import InputError
from eventfuse.model import Article
from eventfuse.sources.warc import WarcStats, looks_english, read_warc
from eventfuse.store import Store

GERMAN = [
    "BERLIN — Bei einem Anschlag auf einen Markt in der Stadt sind am Samstag mindestens zwölf Menschen getötet "
    "und viele weitere verletzt worden, teilte die Polizei mit.",
    "Die Behörden gehen von einem terroristischen Hintergrund aus und haben die Ermittlungen aufgenommen. "
    "Die Regierung verurteilte die Tat und kündigte mehr Schutz für die Märkte an.",
    "Augenzeugen berichteten von einer lauten Explosion und dichtem Rauch über dem Viertel in der Innenstadt.",
]
FRENCH = [
    "GAO — Au moins douze personnes ont été tuées samedi lors d'une attaque contre un marché de la ville, "
    "selon des sources locales et sécuritaires.",
    "Les assaillants, arrivés à moto, ont ouvert le feu sur la foule avant de prendre la fuite vers le nord. "
    "Aucun groupe n'a revendiqué l'attaque pour le moment.",
    "Le gouvernement a condamné une attaque lâche et promis que les auteurs seraient retrouvés et jugés.",
]


def _response(
    writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def _write(path: Path, gzip: bool = True) -> None:
    """Two English articles among records that are all dropped for one reason each."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "eventfuse tests"}))
        _response(writer, "https://horn.example/blast", article_page("Car bomb kills 12 in Beledweyne", BLAST))
        request = writer.create_warc_record("https://horn.example/blast", "request", payload=io.BytesIO(b"GET /"))
        writer.write_record(request)
        _response(writer, "https://horn.example/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        _response(writer, "https://horn.example/old", b"<html>gone</html>", status="404 Not Found")
        _response(writer, "https://zeitung.example/a", article_page("Anschlag auf Markt", GERMAN, lang="de"))
        french = article_page("Attaque contre un marché", FRENCH).replace(b' lang="en"', b"")
        _response(writer, "https://journal.example/a", french)
        _response(writer, "https://horn.example/", b"<html><body><p>Home</p><a href='/a'>A</a></body></html>")
        _response(writer, "https://savanna.example/raid", article_page("Gunmen kill seven farmers", RAID))


def _offsets(path: Path) -> list[int]:
    offsets = []
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        for _ in iterator:
            offsets.append(iterator.get_record_offset())
    return offsets


def _read(path: Path, store: Store | None = None) -> tuple[WarcStats, list[Article], list[InputError]]:
    stats = WarcStats(str(path))
    items = []
    for item in read_warc(path, store, stats):
        items.append(item)
        if store is not None and isinstance(item, Article):
            store.add_article(item)
    return (
        stats,
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, InputError)],
    )


@pytest.mark.parametrize("gzip", [True, False])
def test_keeps_english_html_news_pages_only(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    _write(path, gzip)
    stats, articles, errors = _read(path)
    assert not errors
    assert [a.url for a in articles] == ["https://horn.example/blast", "https://savanna.example/raid"]
    assert articles[0].title == "Car bomb kills 12 in Beledweyne" and articles[0].outlet == "Horn Courier"
    assert articles[0].source_path == f"{path}@{_offsets(path)[1]}"
    assert (stats.records, stats.responses, stats.kept) == (9, 7, 2)
    assert (stats.not_html, stats.not_ok, stats.not_english, stats.not_article) == (1, 1, 2, 1)
    assert "9 records, 7 responses, 2 articles kept" in stats.summary()


def test_language_heuristic() -> None:
    assert looks_english(" ".join(BLAST + RAID))
    assert not looks_english(" ".join(GERMAN))
    assert not looks_english(" ".join(FRENCH))
    assert not looks_english("Too short to tell.")


@pytest.mark.parametrize("gzip", [True, False])
def test_a_corrupt_record_is_one_error_and_the_rest_goes_on(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    _write(path, gzip)
    offsets = _offsets(path)
    data = bytearray(path.read_bytes())
    bad = offsets[1]  # the first article
    for index in range(bad + 10, bad + 40):
        data[index] ^= 0x5A
    path.write_bytes(bytes(data))
    stats, articles, errors = _read(path)
    assert [a.url for a in articles] == ["https://savanna.example/raid"]
    assert len(errors) == 1 and errors[0].source == f"{path}@{bad}"
    assert "corrupt or truncated WARC record" in errors[0].reason
    assert stats.corrupt == 1


def test_a_truncated_gzip_archive_keeps_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _write(path)
    whole = path.read_bytes()
    last = _offsets(path)[-1]
    path.write_bytes(whole[: last + 200])
    with Store.open(tmp_path / "e.db") as store:
        stats, articles, errors = _read(path, store)
        assert [a.url for a in articles] == ["https://horn.example/blast"]
        assert len(errors) == 1 and errors[0].source == f"{path}@{last}"
        path.write_bytes(whole)  # the download finishes: a rerun reads from the cut-off record
        stats, articles, errors = _read(path, store)
        assert stats.resumed_from == last and not errors
        assert [a.url for a in articles] == ["https://savanna.example/raid"]
        assert store.warc_progress(str(path.resolve()))["records"] == 9


def test_a_rerun_resumes_after_the_last_record_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _write(path)
    with Store.open(tmp_path / "e.db") as store:
        stream = read_warc(path, store)
        first = next(stream)
        assert isinstance(first, Article)
        store.add_article(first)
        second = next(stream)  # asking for more says the first is stored: its offset is saved
        assert isinstance(second, Article)
        stream.close()  # interrupted before the second article was stored
        progress = store.warc_progress(str(path.resolve()))
        assert progress is not None and progress["next_offset"] == _offsets(path)[2]

        stats, articles, _ = _read(path, store)
        assert stats.resumed_from == _offsets(path)[2]
        assert [a.url for a in articles] == ["https://savanna.example/raid"]

        stats, articles, _ = _read(path, store)
        assert stats.already_done and articles == []
        assert "already read to the end" in stats.summary()
        assert store.count_articles() == 2


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n" * 20)
    _, articles, errors = _read(path)
    assert articles == [] and len(errors) == 1 and errors[0].source == f"{path}@0"
    _, _, errors = _read(tmp_path / "missing.warc.gz")
    assert "cannot read" in errors[0].reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 255)), min_size=1, max_size=6))
def test_damaged_archives_never_raise(tmp_path_factory: pytest.TempPathFactory, cuts: list[tuple[int, int]]) -> None:
    path = tmp_path_factory.mktemp("damaged") / "crawl.warc.gz"
    _write(path)
    data = bytearray(path.read_bytes())
    for position, value in cuts:
        data[position % len(data)] = value
    path.write_bytes(bytes(data))
    stats, articles, errors = _read(path)
    assert len(articles) <= 2 and stats.corrupt == len(errors)


def test_cli_ingest_warc_reports_and_resumes(tmp_path: Path) -> None:
    path, db = tmp_path / "crawl.warc.gz", tmp_path / "e.db"
    _write(path)
    data = bytearray(path.read_bytes())
    bad = _offsets(path)[4]  # the 404 response
    data[bad + 10 : bad + 40] = bytes(30)
    path.write_bytes(bytes(data))
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(path), "--db", str(db)])
    assert first.exit_code == 1
    assert f"rejected {path}@{bad}: corrupt or truncated WARC record" in first.output
    assert "2 articles kept" in first.output and "2 new articles, 0 already stored, 1 inputs rejected" in first.output
    again = runner.invoke(app, ["ingest", str(path), "--db", str(db)])
    assert again.exit_code == 0 and "already read to the end" in again.output
    assert "0 new articles" in again.output
