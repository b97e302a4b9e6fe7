"""The FastAPI app: the REST API over the event store (through ``Store`` only) and the static page.

Hands JSON to the page in ``static/``; POST /api/articles runs the same ingest and run as the CLI.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__, pipeline, summary
from ..errors import AmbiguousIdError, EventfuseError, InputError
from ..model import Article, Event, article_id_for, to_json
from ..processes import die_with_parent
from ..report import display_value, ordered_fields, source_label, speaker_words
from ..sources.files import DEFAULT_MAX_BYTES
from ..sources.html import article_from_html
from ..sources.meta import implausible_published, is_iso_date_prefix, normalise_published
from ..store import EventFilter, Store, open_store

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_PAGE = 1000
DEFAULT_PAGE = 100
# Offsets past any store (SQLite's integers end at 2^63 - 1; a larger one was a plain-text 500).
MAX_OFFSET = 10**12
# A request body above this is refused with 413 before it is read whole: the article limit plus JSON framing.
DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_BYTES + 64_000


class ApiError(HTTPException):
    """An error the API reports as JSON: status code and a message that says what to do."""


# --- response and request models (they make the OpenAPI schema) ------------------------------------


class PlacePoint(BaseModel):
    name: str | None = None
    lat: float
    lon: float
    country_code: str | None = None
    geo_precision: int | None = None


class EventSummary(BaseModel):
    """One event as listed: enough for the map, the timeline and the list; GET /api/events/{id} has the rest."""

    id: str
    title: str
    event_type: str | None
    sub_event_type: str | None
    date: str | None
    country: str | None
    location: PlacePoint | None = Field(description="the target place, when its coordinates are known")
    origin: PlacePoint | None = Field(description="where the attack came from, when its coordinates are known")
    actors: list[str] = Field(description="names of actor1, actor2, assoc_actor and responder")
    sources: int = Field(description="articles behind the event")
    independent_sources: int = Field(description="independent origins among them (a rewrite counts once)")
    disputed: list[str] = Field(description="fields on which sources give incompatible values")


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters")
    limit: int
    offset: int
    next: str | None = Field(description="pass as `after` for the next page; null on the last")
    events: list[EventSummary]


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    chars: int = Field(description="length of the cleaned text")


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    articles: list[ArticleSummary]


class ArticleIn(BaseModel):
    """A report to ingest: plain ``text`` or an ``html`` page (main text, title and date taken from it)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="the report as plain text")
    html: str | None = Field(default=None, description="the report as an HTML page (instead of text)")
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(default=None, description="publication date, YYYY-MM-DD")
    author: str | None = None


class IngestResult(BaseModel):
    article_id: str
    added: bool = Field(description="false when the same article was already stored")
    events: list[EventSummary] = Field(description="the events the article contributes to")


class ErrorBody(BaseModel):
    status: int
    error: str = Field(description="the HTTP reason phrase")
    message: str = Field(description="what went wrong and what to do")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="one entry per invalid parameter (an ambiguous id: its `candidates`)"
    )


class WebConfig(BaseModel):
    version: str
    tile_url: str | None = Field(description="an online tile layer the page may show beside the offline basemap")
    tile_attribution: str | None
    write_requires_token: bool


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "not found"},
    422: {"model": ErrorBody, "description": "invalid parameters"},
}


# --- app state ------------------------------------------------------------------------------------


@dataclass
class WebState:
    """What one app holds: where the store is, the write token, and the pipeline resources once loaded."""

    db_path: Path | str
    token: str | None
    tile_url: str | None
    tile_attribution: str | None
    load_resources: Callable[[], pipeline.Resources]
    resources: pipeline.Resources | None = None
    # SQLite has one writer, and the resources load once: writes and the first load go one at a time.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    store_name: str = ""  # the store as it can be shown (a URL without its password)
    readers: threading.local = field(default_factory=threading.local)

    def get_resources(self) -> pipeline.Resources:
        if self.resources is None:
            self.resources = self.load_resources()
        return self.resources


APP_FACTORY = "eventfuse.web.app:app_from_environment"  # what `serve --workers N` has each process build
SETTINGS_VARIABLE = "EVENTFUSE_SERVE_SETTINGS"


@dataclass(frozen=True)
class ServeSettings:
    """What `eventfuse serve` builds its app from; handed to worker processes through their environment."""

    db: str
    token: str | None = None
    tile_url: str | None = None
    tile_attribution: str | None = None
    allowed_hosts: list[str] | None = None

    def app(self) -> FastAPI:
        return create_app(
            self.db,
            token=self.token,
            tile_url=self.tile_url,
            tile_attribution=self.tile_attribution,
            allowed_hosts=self.allowed_hosts,
        )

    def export(self) -> None:
        os.environ[SETTINGS_VARIABLE] = json.dumps(asdict(self))


def app_from_environment() -> FastAPI:
    """The app of one `serve --workers N` process, from the settings the parent put in the environment; the
    process ends with `serve` however that ends."""
    die_with_parent()
    return ServeSettings(**json.loads(os.environ[SETTINGS_VARIABLE])).app()


def create_app(
    db_path: Path | str,
    token: str | None = None,
    *,
    resources: pipeline.Resources | None = None,
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    allowed_hosts: list[str] | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The eventfuse web app over the store at ``db_path``.

    ``token``: when set, POST requests need ``Authorization: Bearer <token>``. ``resources``: already
    loaded pipeline resources (else loaded on the first POST). ``tile_url``: an optional online tile layer
    (``https://{s}.tile.example.org/{z}/{x}/{y}.png``). ``allowed_hosts``: Host header values to accept
    (``eventfuse serve`` passes the loopback names when bound to loopback, against DNS rebinding).
    """
    with open_store(db_path) as store:  # creates or migrates it now, so a bad path fails at start-up
        store_name = store.path
    state = WebState(
        db_path=db_path,
        store_name=store_name,
        token=token or None,
        tile_url=tile_url or None,
        tile_attribution=tile_attribution,
        load_resources=pipeline.Resources.load,
        resources=resources,
    )
    app = FastAPI(
        title="eventfuse",
        version=__version__,
        description="Fused, sourced conflict events from news reports. The event JSON is described in docs/schema.md.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.web = state
    _install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes)
    if allowed_hosts:  # any other Host header is answered 400 (against DNS rebinding)
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts, www_redirect=False)
    # Added last, so it is the outermost: the 400, 413 and 500 answered by the others carry its headers too.
    app.add_middleware(SecurityHeadersMiddleware, csp=content_security_policy(tile_url))
    app.include_router(_routes())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _state(request: Request) -> WebState:
    return request.app.state.web


def _reader(request: Request) -> Store:
    """The store this thread reads through, opened on first use and kept (sqlite3 connections stay in their
    thread; a PostgreSQL connection per server thread, not per request)."""
    state = _state(request)
    store = getattr(state.readers, "store", None)
    if store is None:
        store = state.readers.store = open_store(state.db_path)
    return store


def _open_store(request: Request) -> Store:
    """One connection per request, opened in the endpoint's own thread (sqlite3 connections stay in theirs)."""
    return Store.open(_state(request).db_path)


def _require_token(request: Request) -> None:
    expected = _state(request).token
    if expected is None:
        return
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(
            401,
            "this server requires a token for writes: send 'Authorization: Bearer <token>' "
            "with the token given to `eventfuse serve --token`",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _require_json(request: Request) -> None:
    # A browser sends a cross-site POST without a preflight only when it is not JSON; refusing those keeps
    # other sites from writing through the user's browser to a server without a token.
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, "send the article as JSON with 'Content-Type: application/json'")


# --- routes ---------------------------------------------------------------------------------------


def _routes() -> APIRouter:
    """The page and the REST API, as one router the app includes."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    @router.get("/api/config", response_model=WebConfig, tags=["meta"])
    def config(request: Request) -> WebConfig:
        """What the page needs to know: the optional tile layer and whether writes need a token."""
        state = _state(request)
        return WebConfig(
            version=__version__,
            tile_url=state.tile_url,
            tile_attribution=state.tile_attribution,
            write_requires_token=state.token is not None,
        )

    @router.get("/api/events", response_model=EventPage, responses=ERROR_RESPONSES, tags=["events"])
    async def list_events(
        request: Request,
        date_from: Annotated[
            str | None, Query(description="on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)")
        ] = None,
        date_to: Annotated[str | None, Query(description="on or before this date")] = None,
        event_type: Annotated[
            str | None, Query(max_length=200, description="ACLED event or sub-event type (substring)")
        ] = None,
        country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")] = None,
        actor: Annotated[
            str | None, Query(max_length=200, description="an actor's name or wording (substring, any role)")
        ] = None,
        q: Annotated[str | None, Query(max_length=200, description="text the event record contains")] = None,
        bbox: Annotated[
            str | None,
            Query(description="west,south,east,north in degrees: events whose location falls inside"),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        after: Annotated[
            str | None, Query(max_length=300, description="the `next` of the previous page: the page after it")
        ] = None,
    ) -> Response:
        """Events in date order, filtered and paged. Pages come from the store's summary columns; follow
        `next` (keyset pagination) rather than raising `offset` to walk a long list."""
        for name, value in (("date_from", date_from), ("date_to", date_to)):
            if value is not None and not is_iso_date_prefix(value):
                raise _invalid(name, value, "a date that exists, written YYYY, YYYY-MM or YYYY-MM-DD")
        box = _parse_bbox(bbox) if bbox else None
        where = EventFilter(
            date_from, date_to, event_type or None, country, q or None, limit, offset, actor or None, box
        )
        # Async, on the server's event loop, over this thread's open store: a page is two indexed reads of
        # stored JSON text, cheaper than a hop to a worker thread; nothing is parsed.
        store = _reader(request)
        page = store.event_page(where, after)
        total = store.count_events(where)
        body = (
            f'{{"total":{total},"limit":{limit},"offset":{offset if after is None else 0},'
            f'"next":{json.dumps(page.next_after)},"events":[{",".join(page.summaries)}]}}'
        )
        return Response(body, media_type="application/json")

    @router.get(
        "/api/events/{event_id}",
        responses={
            **ERROR_RESPONSES,
            200: {"description": "the event", "content": {"application/json": {"schema": {"type": "object"}}}},
            409: {"model": ErrorBody, "description": "the id's first characters start several"},
        },
        response_class=Response,
        tags=["events"],
    )
    async def get_event(
        event_id: str,
        request: Request,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Response:
        """One event in the JSON of docs/schema.md, with its `history`, and `display`: each value in words. An
        event since merged into another answers as that one, with `merged_from` naming the id asked for.

        A big event comes in pages: its sources, mention ids and history, and each field's and each position's
        claims, from `offset`, `limit` of each; `page` gives the totals and the link to the `next` page."""
        store = _reader(request)
        try:
            event, merged_into = store.resolve_event(event_id) if len(event_id) >= 4 else (None, None)
        except AmbiguousIdError as err:
            error = ApiError(409, f"{err}; list the events with GET /api/events")
            error.details = [{"parameter": "event_id", "value": event_id, "candidates": err.candidates}]  # type: ignore[attr-defined]
            raise error from None
        if event is None:
            raise ApiError(404, f"no event {event_id!r}: list the events with GET /api/events")
        body = to_json(event)
        body["history"] = store.history(event.id)
        body["display"] = event_display(event)
        body["page"] = _page_of_event(body, offset, limit, request.url.path)
        if merged_into:
            body["merged_from"] = event_id
        # plain JSON of plain values: FastAPI's encoder would walk it again, at five times json.dumps's cost
        return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), media_type="application/json")

    @router.get("/api/articles", response_model=ArticlePage, responses=ERROR_RESPONSES, tags=["articles"])
    def list_articles(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> ArticlePage:
        """Stored articles in the order they were ingested."""
        with _open_store(request) as store:
            articles = store.list_articles(limit, offset)
            total = store.count_articles()
        return ArticlePage(
            total=total,
            limit=limit,
            offset=offset,
            articles=[
                ArticleSummary(
                    id=a.id, title=a.title, outlet=a.outlet, published=a.published, url=a.url, chars=len(a.text)
                )
                for a in articles
            ],
        )

    @router.get("/api/articles/{article_id}", responses=ERROR_RESPONSES, tags=["articles"])
    def get_article(article_id: str, request: Request) -> dict[str, Any]:
        """One article: metadata, `raw_text`, the cleaned `text` that claim offsets point into, and the
        boilerplate `removed` from it with the reason for each piece."""
        with _open_store(request) as store:
            article = store.get_article(article_id)
        if article is None:
            raise ApiError(404, f"no article {article_id!r}: list the articles with GET /api/articles")
        return to_json(article)

    @router.post(
        "/api/articles",
        response_model=IngestResult,
        status_code=201,
        responses={
            **ERROR_RESPONSES,
            200: {"model": IngestResult, "description": "the article was already stored"},
            401: {"model": ErrorBody, "description": "a token is required"},
            413: {"model": ErrorBody, "description": "the body is too large"},
            422: {"model": ErrorBody, "description": "invalid parameters, or the article could not be processed"},
            415: {"model": ErrorBody, "description": "the body is not JSON"},
            503: {"model": ErrorBody, "description": "the language model or gazetteer cannot be loaded"},
        },
        tags=["articles"],
        dependencies=[Depends(_require_token), Depends(_require_json)],
    )
    def post_article(article_in: ArticleIn, request: Request) -> JSONResponse:
        """Ingest one report and process it as `eventfuse analyze` does: clean, extract, group, fuse."""
        article = _article_from_input(article_in)
        state = _state(request)
        with state.write_lock:
            try:
                resources = state.get_resources()
            except EventfuseError as err:
                raise ApiError(503, f"cannot process articles: {err}") from err
            with Store.open(state.db_path) as store:
                report = pipeline.ingest(store, [article], resources.rules)
                if report.errors:  # refused as it was cleaned (a far date found in the page): nothing was stored
                    raise ApiError(422, f"article {article.id} not stored: {report.errors[0].reason}")
                article_id = report.article_ids[0]
                pipeline.run(store, resources, only=[article_id])
                status, failure = store.article_status(article_id) or ("processed", None)
                if status == "failed":  # set aside with its reason: the store stays open to the next article
                    raise ApiError(422, f"article {article_id} could not be processed: {failure}")
                events = pipeline.events_of_articles(store, [article_id])
        result = IngestResult(
            article_id=article_id, added=bool(report.added), events=[event_summary(e) for e in events]
        )
        return JSONResponse(result.model_dump(), status_code=201 if report.added else 200)

    return router


def _article_from_input(given: ArticleIn) -> Article:
    if (given.text is None) == (given.html is None):
        raise _invalid("body", None, "give exactly one of 'text' and 'html'")
    published = None
    if given.published:
        published = normalise_published(given.published, "published")
        if published is None:
            raise _invalid("published", given.published, "not a date: use YYYY-MM-DD")
        far = implausible_published(published)
        if far:
            raise _invalid("published", given.published, far)
    if given.html is not None:
        try:
            article = article_from_html(given.html, "api")
        except InputError as err:
            raise _invalid("html", None, err.reason) from err
    else:
        text = (given.text or "").strip()
        article = Article(id=article_id_for(text), raw_text=text, source_path="api")
    if not article.raw_text.strip():
        raise _invalid("text" if given.text is not None else "html", None, "the article has no text")
    return Article(
        id=article.id,
        raw_text=article.raw_text,
        title=given.title or article.title,
        url=given.url or article.url,
        outlet=given.outlet or article.outlet,
        author=given.author or article.author,
        published=published or article.published,
        published_source="metadata" if published else article.published_source,
        source_path="api",
    )


# --- what the page shows ------------------------------------------------------------------------


def event_summary(event: Event) -> EventSummary:
    return EventSummary(**summary.event_summary(event))


def _page_of_event(body: dict[str, Any], offset: int, limit: int, path: str) -> dict[str, Any]:
    """Cut an event's long lists to one page, in place: sources, mention ids, history, each field's claims (and
    other figures) and each disagreement's claims; the words of ``display`` for what the page still cites. The
    totals of each list and the path of the next page (None on the last) are returned."""
    end = offset + limit
    totals: dict[str, Any] = {"claims": {}}
    for key in ("sources", "mention_ids", "history"):
        totals[key] = len(body[key])
        body[key] = body[key][offset:end]
    longest = max(totals["sources"], totals["mention_ids"], totals["history"])
    for name, fused in body["fields"].items():
        totals["claims"][name] = len(fused["claims"])
        longest = max(longest, len(fused["claims"]), len(fused.get("other_figures") or ()))
        fused["claims"] = fused["claims"][offset:end]
        if fused.get("other_figures"):
            fused["other_figures"] = fused["other_figures"][offset:end]
    for discrepancy in body["discrepancies"]:
        for position in discrepancy["positions"]:
            longest = max(longest, len(position["claims"]))
            position["claims"] = position["claims"][offset:end]
    cited = {s["article_id"] for s in body["sources"]}
    keys = set()
    for fused in body["fields"].values():
        for claim in (*fused["claims"], *(fused.get("other_figures") or ())):
            cited.add(claim["article_id"])
            keys.add(f"{claim['article_id']}:{claim['start']}:{claim['end']}")
    display = body["display"]
    display["sources"] = {k: v for k, v in display["sources"].items() if k in cited}
    display["speakers"] = {k: v for k, v in display["speakers"].items() if k in keys}
    following = f"{path}?offset={end}&limit={limit}" if longest > end else None
    return {"offset": offset, "limit": limit, "totals": totals, "next": following}


def event_display(event: Event) -> dict[str, Any]:
    """Each value in the words of the terminal report, so the page and the CLI say the same."""
    return {
        "field_order": [f.field for f in ordered_fields(event)],
        "fields": {name: display_value(fused.value) for name, fused in event.fields.items()},
        "positions": [[display_value(p.value) for p in d.positions] for d in event.discrepancies],
        "sources": {s.article_id: source_label(s) for s in event.sources},
        "speakers": {
            f"{c.article_id}:{c.start}:{c.end}": speaker_words(c.attributed_to)
            for fused in event.fields.values()
            for c in fused.claims
        },
    }


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise _invalid("bbox", text, "give four numbers: west,south,east,north") from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise _invalid("bbox", text, "latitudes within -90..90 with south <= north, longitudes within -180..180")
    return west, south, east, north


def _invalid(name: str, value: Any, message: str) -> ApiError:
    error = ApiError(422, f"{name}: {message}")
    error.details = [{"parameter": name, "value": value, "message": message}]  # type: ignore[attr-defined]
    return error


# --- errors as JSON -------------------------------------------------------------------------------


def _error_response(
    status: int, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    body: dict[str, Any] = {"status": status, "error": reason, "message": message}
    if details is not None:
        body["details"] = details
    # ASCII JSON: a message that echoes a parameter with a lone surrogate stays writable
    content = json.dumps(body, ensure_ascii=True, default=str)
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and not isinstance(exc, ApiError):
            message = f"no such page {request.url.path!r}: the API is under /api (schema at /api/openapi.json)"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return _error_response(exc.status_code, message, getattr(exc, "details", None), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "parameter": ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path")),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            message = "the body is not valid JSON"
        else:
            message = "; ".join(f"{d['parameter']}: {d['message']}" for d in details) or "invalid request"
        return _error_response(422, message, details)

    @app.exception_handler(EventfuseError)
    async def eventfuse_error(request: Request, exc: EventfuseError) -> JSONResponse:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return _error_response(500, str(exc))


# --- middleware -----------------------------------------------------------------------------------


def content_security_policy(tile_url: str | None = None) -> str:
    """No inline script or style, nothing from elsewhere but the configured tile server's images."""
    images = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "x"))
        host = parts.hostname or ""
        if "{s}" in tile_url.split("/")[2]:
            host = "*." + host.split(".", 1)[1] if "." in host else host
        if parts.scheme in ("http", "https") and host:
            port = f":{parts.port}" if parts.port else ""
            images += f" {parts.scheme}://{host}{port}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and companions to every response; an exception no handler took is
    answered here as a JSON 500 (with the headers), its traceback logged, its message not shown."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise  # the answer is half sent: the server closes the connection
            response = _error_response(500, "internal error: the server log has the details; please report it")
            await response(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while reading a chunked body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        too_large = _error_response(
            413, f"the request body is over the {self.max_bytes:,}-byte limit: send a shorter article"
        )
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(scope, receive, send)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # Read the body here, up to the limit, then hand it on: a chunked body cannot lie about its size.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
