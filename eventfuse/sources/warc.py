"""Reads web archives (WARC, e.g. Common Crawl News): streams the response records and keeps English news pages.

Yields an Article per kept page and an InputError per corrupt record; memory stays flat whatever the size,
and the offset of the next record is kept in the store so a rerun resumes where the last one stopped.

Kept: ``response`` records with HTTP 200 and an HTML content type, whose page trafilatura finds an
article in (at least ``MIN_ARTICLE_CHARS`` of main text) and whose language is English: a declared
``lang``/Content-Language other than English drops the page before extraction; otherwise the share of
common English function words in the text must reach ``MIN_ENGLISH_SHARE`` (a cheap heuristic that
tells English from other languages in news text; no model needed).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError, failure_kind, one_line_reason
from ..model import Article
from ..store import Store
from .fetch import HTML_TYPES
from .files import DEFAULT_MAX_BYTES, WARC_SUFFIXES, decode_bytes
from .html import article_from_html

log = logging.getLogger(__name__)

WARC_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
)
MIN_ARTICLE_CHARS = 400
MIN_ENGLISH_SHARE = 0.12
# Progress is written after every kept article, and after this many records in between.
SAVE_EVERY = 500
RESYNC_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
# Function words frequent in English news and rare as words elsewhere ("is", "on", "as", "in", "a" are
# left out: Dutch, French, Portuguese, German use them too).
ENGLISH_WORDS = frozenset(
    "the of and to was were are that for with said by at from his her their has have had its this which who "
    "been not but will would after also they he she there than about into over these those when what".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_HTML_LANG = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
# What warcio (and zlib under it) raises on a damaged archive; a damaged record is reported and skipped.
_CORRUPT = (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError, AttributeError, IndexError, KeyError)


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


@dataclass
class WarcStats:
    """What one read of an archive found; ``records`` counts every record read, whatever its type."""

    path: str
    resumed_from: int = 0
    records: int = 0
    responses: int = 0
    kept: int = 0
    not_ok: int = 0
    not_html: int = 0
    too_large: int = 0
    not_article: int = 0
    not_english: int = 0
    corrupt: int = 0
    already_done: bool = False

    def summary(self) -> str:
        if self.already_done:
            return f"{self.path}: already read to the end (offset {self.resumed_from:,}); nothing new"
        skipped = ", ".join(
            f"{n:,} {label}"
            for n, label in (
                (self.not_ok, "not HTTP 200"),
                (self.not_html, "not HTML"),
                (self.too_large, "too large"),
                (self.not_article, "not an article"),
                (self.not_english, "not English"),
                (self.corrupt, "corrupt"),
            )
            if n
        )
        resumed = f", resumed at offset {self.resumed_from:,}" if self.resumed_from else ""
        return (
            f"{self.path}: {self.records:,} records, {self.responses:,} responses, {self.kept:,} articles kept"
            f"{'; skipped ' + skipped if skipped else ''}{resumed}"
        )


@dataclass
class _Page:
    offset: int
    uri: str | None
    body: bytes
    charset: str | None
    language: str | None


def read_warc(
    path: Path,
    store: Store | None = None,
    stats: WarcStats | None = None,
    max_record_bytes: int = DEFAULT_MAX_BYTES,
    min_chars: int = MIN_ARTICLE_CHARS,
) -> Iterator[Article | InputError]:
    """The English news articles in a WARC (.warc or .warc.gz), read as a stream from the stored offset.

    With a ``store``, the offset of the next unread record is saved as the read goes on (after each
    article the consumer has taken), so a rerun resumes there. ``stats`` is filled in as records pass.
    """
    name = str(path)
    stats = stats if stats is not None else WarcStats(name)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            gzipped = fh.read(2) == GZIP_MAGIC[:2]
    except OSError as err:
        yield InputError(name, f"cannot read: {err.strerror or err}")
        return
    key = str(path.resolve())
    progress = _progress(store, key, size, name)
    offset = stats.resumed_from = progress["next_offset"]
    if offset and offset >= size:
        stats.already_done = True
        return
    last_saved = stats.records
    end = size  # where the next run starts once this one is through: before a cut-off last record

    def save(next_offset: int) -> None:
        nonlocal last_saved
        if store is not None:
            records, kept = progress["records"] + stats.records, progress["kept"] + stats.kept
            store.save_warc_progress(key, size, next_offset, records, kept)
        last_saved = stats.records

    with path.open("rb") as fh:
        while offset is not None:
            fh.seek(offset)
            resume_at = None
            for found in _pages(ArchiveIterator(fh), size, stats, max_record_bytes):
                if isinstance(found, _Damage):
                    stats.corrupt += 1
                    yield InputError(
                        f"{name}@{found.offset}", f"corrupt or truncated WARC record ({found.reason}); skipped"
                    )
                    if not found.fatal:
                        continue
                    resume_at = _next_record_start(path, found.offset + 1, gzipped)
                    if resume_at is None:
                        end = found.offset  # a download still under way reads on from here when rerun
                    else:
                        log.info("%s: records resume at offset %d", name, resume_at)
                    break
                page, next_offset = found
                item = _article(page, name, stats, min_chars) if page else None
                if item is not None:
                    yield item
                    save(next_offset)  # the consumer has stored the article
                elif stats.records - last_saved >= SAVE_EVERY:
                    save(next_offset)
            offset = resume_at
        save(end)


def _progress(store: Store | None, key: str, size: int, name: str) -> dict[str, int]:
    """Where the last read stopped (next_offset) and what it had read (records, kept); zeros the first time."""
    fresh = {"next_offset": 0, "records": 0, "kept": 0}
    progress = store.warc_progress(key) if store is not None else None
    if not progress:
        return fresh
    if progress["next_offset"] > size or progress["size"] > size:
        log.warning("%s: the archive is smaller than when last read; reading it from the start", name)
        return fresh
    return {k: int(progress[k]) for k in fresh}


@dataclass(frozen=True)
class _Damage:
    offset: int
    reason: str
    fatal: bool = True  # the stream cannot go on: look for the next readable record


def _pages(
    iterator: ArchiveIterator, size: int, stats: WarcStats, max_bytes: int
) -> Iterator[tuple[_Page | None, int] | _Damage]:
    """Each record as an HTML page worth extracting (or None) with the offset of the record after it;
    the first damaged record ends the stream with a _Damage (the caller looks for the next good record)."""
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            if iterator.offset < size:  # warcio stops quietly at data it cannot read (a cut gzip member)
                yield _Damage(iterator.offset, "unreadable data where a record should start: truncated archive")
            return
        except _CORRUPT as err:
            yield _Damage(iterator.offset, _describe(err))
            return
        offset = iterator.offset
        stats.records += 1
        try:
            page = _page(record, offset, stats, max_bytes)
            iterator.read_to_end()
        except _CORRUPT as err:
            yield _Damage(offset, _describe(err))
            return
        if getattr(record.raw_stream, "limit", 0) > 0:  # the data ended before the record's Content-Length
            yield _Damage(offset, "the record ends early: truncated archive")
            return
        if record.rec_type not in WARC_TYPES:  # readable, but its header is damaged
            yield _Damage(offset, f"unknown record type {str(record.rec_type)[:40]!r}", fatal=False)
        yield page, iterator.offset


def _page(record: Any, offset: int, stats: WarcStats, max_bytes: int) -> _Page | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    stats.responses += 1
    http = record.http_headers
    if http.get_statuscode() != "200":
        stats.not_ok += 1
        return None
    content_type = http.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        stats.not_html += 1
        return None
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        stats.too_large += 1
        return None
    if not mime and b"<html" not in body[:2048].lower():
        stats.not_html += 1
        return None
    charset = None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    language = http.get_header("Content-Language")
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return _Page(offset, uri, body, charset, language)


def _article(page: _Page, name: str, stats: WarcStats, min_chars: int) -> Article | None:
    """The page's article when it is an English news article, else None (counted in ``stats``)."""
    declared = _declared_language(page)
    if declared and declared != "en":
        stats.not_english += 1
        return None
    where = f"{name}@{page.offset}"
    try:
        html = _decode(page, where)
        article = article_from_html(html, where, url=page.uri)
    except InputError:
        stats.not_article += 1
        return None
    if len(article.raw_text) < min_chars:
        stats.not_article += 1
        return None
    if not declared and not looks_english(article.raw_text):
        stats.not_english += 1
        return None
    stats.kept += 1
    return article


def _declared_language(page: _Page) -> str | None:
    if page.language:
        return page.language.strip()[:2].lower() or None
    found = _HTML_LANG.search(page.body[:4096])
    return found.group(1)[:2].decode("ascii").lower() if found else None


def _decode(page: _Page, where: str) -> str:
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass
    return decode_bytes(page.body, where)


def looks_english(text: str) -> bool:
    """True when common English function words make up at least MIN_ENGLISH_SHARE of the first 500 words."""
    words = _WORD.findall(text[:5000].lower())[:500]
    if len(words) < 20:
        return False
    return sum(1 for w in words if w in ENGLISH_WORDS) / len(words) >= MIN_ENGLISH_SHARE


def _next_record_start(path: Path, start: int, gzipped: bool) -> int | None:
    """The offset of the first readable record at or after ``start`` (scanning in chunks), or None."""
    magic = GZIP_MAGIC if gzipped else WARC_MAGIC
    with path.open("rb") as fh:
        position = start
        while True:
            fh.seek(position)
            chunk = fh.read(RESYNC_CHUNK)
            if not chunk:
                return None
            found = chunk.find(magic)
            while found != -1:
                candidate = position + found
                if (gzipped or candidate == 0 or _preceded_by_newline(fh, candidate)) and _readable_at(path, candidate):
                    return candidate
                found = chunk.find(magic, found + 1)
            if len(chunk) < RESYNC_CHUNK:
                return None
            position += len(chunk) - len(magic) + 1  # a magic number across two chunks is found in the next


def _preceded_by_newline(fh: Any, offset: int) -> bool:
    here = fh.tell()
    fh.seek(offset - 1)
    before = fh.read(1)
    fh.seek(here)
    return before == b"\n"


def _readable_at(path: Path, offset: int) -> bool:
    with path.open("rb") as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh)))
            return bool(record.rec_headers.protocol.startswith("WARC/"))
        except (StopIteration, *_CORRUPT):
            return False


def _describe(err: BaseException) -> str:
    if isinstance(err, AttributeError):  # warcio meets the end of a truncated gzip member this way
        return "unexpected end of data"
    text = " ".join(str(err).split())
    return one_line_reason(err, 160) if text else failure_kind(err)
