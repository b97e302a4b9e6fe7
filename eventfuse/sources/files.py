"""Reads articles from files and directories: .txt (with optional sidecar metadata), .html and .json/.jsonl.

Yields an Article for every readable report and an InputError for every rejected one, so a batch goes on.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import InputError, one_line_reason
from ..model import Article, article_id_for
from .html import article_from_html
from .meta import normalise_published

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5_000_000
# Markdown is no news format: a folder's README or notes are not read as reports (a .md file named directly is).
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
WARC_SUFFIXES = (".warc", ".warc.gz")  # web archives go through `eventfuse ingest` (sources/warc.py)
# JSON deeper than this raises RecursionError in json.loads (Python's recursion limit, less what the stack holds).
NESTING_LIMIT = sys.getrecursionlimit()
# A text may hold a stray NUL; random binary data holds one byte in 256.
MAX_NUL_SHARE = 0.001
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A first line this short, followed by a blank line and not ending a sentence, is taken as the title.
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class Defaults:
    """Metadata given on the command line; a file's own metadata wins over it."""

    published: str | None = None
    outlet: str | None = None
    url: str | None = None


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | InputError]:
    """Files named directly, and supported files found recursively in directories, in a stable order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _is_article_file(child):
                    yield child
        elif path.is_file():
            yield path
        elif not path.exists():
            yield InputError(str(path), "no such file or directory")
        else:
            yield InputError(str(path), "not a regular file")


def _is_article_file(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.endswith(SIDECAR_SUFFIX) and path.name != "EXPECTED.md"


def read_articles(
    paths: Iterable[Path], defaults: Defaults = Defaults(), max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | InputError]:
    """Every article in ``paths``; a rejected input yields an InputError naming it and why."""
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield from read_file(item, defaults, max_bytes)
        except InputError as err:
            yield err
        except Exception as err:  # a bug shown by one file: that file's error, the batch goes on
            log.error("%s: could not be read: %s", item, one_line_reason(err), extra={"trace": traceback.format_exc()})
            yield InputError(
                str(item),
                f"could not be read ({one_line_reason(err)}): a bug in eventfuse; the traceback is in the log file",
            )


def read_file(
    path: Path, defaults: Defaults = Defaults(), max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | InputError]:
    """The articles in one file (one for .txt/.html, one per object for .json/.jsonl); a whole-file problem raises."""
    name = str(path)
    if name.lower().endswith(WARC_SUFFIXES):
        raise InputError(name, f"a web archive: read it with `eventfuse ingest {name}`, then `eventfuse run`")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                name, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (raise it with --max-bytes)"
            )
        data = path.read_bytes()
    except OSError as err:
        raise InputError(name, f"cannot read: {err.strerror or err}") from err
    text = decode_bytes(data, name)
    if not text.strip():
        raise InputError(name, "empty file")
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        yield from _articles_from_json(text, name, defaults)
        return
    meta = _read_sidecar(path)
    if suffix in HTML_SUFFIXES:
        article = article_from_html(text, name)
    else:
        article = _article_from_plain_text(text, name)
    yield _with_metadata(article, meta, defaults)


def decode_bytes(data: bytes, name: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM) first, UTF-16 without a BOM, a file of UTF-8 lines and
    Windows-1252 lines line by line, else the detected encoding; binary is rejected."""
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
            if not _looks_binary(text):
                return text
        except UnicodeDecodeError as err:
            raise InputError(
                name,
                f"looks like {utf16.upper()} without a byte-order mark, but {err.reason} at byte {err.start:,} (convert it to UTF-8)",
            ) from None
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # NUL bytes at the start, or more than a stray few anywhere (binary data after a text head), are binary;
        # a stray NUL in a text is dropped when the article is stored (model.storable_text)
        first = data.find(b"\x00")
        if 0 <= first < 8192 or (first >= 0 and data.count(b"\x00") > len(data) * MAX_NUL_SHARE):
            raise InputError(name, f"binary file (NUL bytes from offset {first:,}), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _mixed_utf8_and_cp1252(data, name)
    if text is not None:
        if _looks_binary(text):
            raise InputError(name, "binary file (control characters), not text")
        return text
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(name, "undecodable text: not UTF-8 and no encoding could be detected (convert it to UTF-8)")
    text = str(best)
    if _looks_binary(text):
        raise InputError(name, "binary file, not text")
    log.info("%s: decoded as %s", name, best.encoding)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes look like UTF-16 with no byte-order mark: most characters of
    Latin-script text are below U+0100, so every other byte is NUL (the high byte), and the others seldom are."""
    sample = data[:8192]
    if len(sample) < 16 or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _mixed_utf8_and_cp1252(data: bytes, name: str) -> str | None:
    """A file whose lines are UTF-8 but for some in Windows-1252 (text pasted together from two editors), read
    line by line; None when no line is UTF-8 beyond ASCII (then it is one legacy encoding, detected whole)."""
    lines = data.splitlines(keepends=True)
    utf8_lines = legacy_lines = 0
    decoded = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="replace"))
            legacy_lines += 1
    if not utf8_lines or not legacy_lines:
        return None
    log.warning("%s: mixed encodings: %d lines read as UTF-8, %d as Windows-1252", name, utf8_lines, legacy_lines)
    return "".join(decoded).removeprefix("\ufeff")


def _looks_binary(text: str) -> bool:
    """Over 5% control characters in the first 4,096 characters, or in any later stretch of 64 KiB (binary data
    after a text head)."""
    for start in (0, *range(4096, len(text), 65536)):
        sample = text[start : start + (4096 if start == 0 else 65536)]
        if sample and len(_CONTROL.findall(sample)) / len(sample) > 0.05:
            return True
    return False


def _article_from_plain_text(text: str, name: str) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title = None
    head, sep, rest = text.partition("\n\n")
    first = head.strip()
    title_like = sep and "\n" not in first and 0 < len(first) <= MAX_TITLE_CHARS and not first.endswith((".", '"', "”"))
    if title_like and rest.strip():  # a title with nothing after it is the text itself
        title, text = first, rest
    body = text.strip()
    return Article(id=article_id_for(body), raw_text=body, title=title, source_path=name)


def _json_loads(text: str, where: str) -> object:
    """``json.loads``, with JSON nested deeper than Python's recursion limit rejected as such (an InputError)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(
            where, f"JSON nested too deeply (over {NESTING_LIMIT:,} levels); an article is a flat object"
        ) from None


def _read_sidecar(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        meta = _json_loads(decode_bytes(sidecar.read_bytes(), str(sidecar)), str(sidecar))
    except json.JSONDecodeError as err:
        raise InputError(str(sidecar), f"malformed JSON metadata at line {err.lineno}: {err.msg}") from err
    if not isinstance(meta, dict):
        raise InputError(str(sidecar), "metadata must be a JSON object")
    return {k: v for k, v in meta.items() if isinstance(v, str)}


def _with_metadata(article: Article, meta: dict[str, str], defaults: Defaults) -> Article:
    """Fill title, outlet, url and published from the file's metadata, then from the command line."""
    published = article.published
    published_source = article.published_source
    for value, origin in ((meta.get("published"), "metadata"), (defaults.published, "cli")):
        if not published and value:
            published = normalise_published(value, article.source_path or "")
            published_source = origin
    return replace(
        article,
        title=article.title or meta.get("title"),
        outlet=article.outlet or meta.get("outlet") or defaults.outlet,
        url=article.url or meta.get("url") or defaults.url,
        author=article.author or meta.get("author"),
        published=published,
        published_source=published_source if published else None,
    )


def _articles_from_json(text: str, name: str, defaults: Defaults) -> Iterator[Article | InputError]:
    """One article per JSON object: a JSON array, a single object, or JSON Lines (one bad line never loses others)."""
    if text.lstrip().startswith("["):
        try:
            data = _json_loads(text, name)
        except json.JSONDecodeError as err:
            yield InputError(name, f"malformed JSON at line {err.lineno}: {err.msg}")
            return
        except InputError as err:
            yield err
            return
        if not isinstance(data, list):
            yield InputError(name, "a JSON file must hold an object, an array of objects, or one object per line")
            return
        if not data:
            yield InputError(name, "an empty JSON array: no articles in it")
            return
        for index, obj in enumerate(data):
            yield _article_from_record(obj, f"{name}#{index}", defaults)
        return
    try:
        yield _article_from_record(_json_loads(text, name), name, defaults)
        return
    except (json.JSONDecodeError, InputError):
        pass  # not one JSON document: JSON Lines, each line its own
    index = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = _json_loads(line, f"{name} line {lineno}")
        except json.JSONDecodeError as err:
            yield InputError(f"{name} line {lineno}", f"malformed JSON: {err.msg}")
        except InputError as err:
            yield err
        else:
            yield _article_from_record(obj, f"{name}#{index}", defaults)
        index += 1


def _article_from_record(obj: object, where: str, defaults: Defaults) -> Article | InputError:
    if not isinstance(obj, dict):
        return InputError(where, "a JSON article must be an object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputError(where, "the 'text' field is missing or empty")
    meta = {
        k: v for k, v in obj.items() if k in {"title", "url", "outlet", "published", "author"} and isinstance(v, str)
    }
    article = Article(id=article_id_for(text.strip()), raw_text=text.strip(), source_path=where)
    return _with_metadata(article, meta, defaults)
