"""The REST API on the bundled examples: filters, paging, one event with its evidence, articles, writes with
a token, size limits, errors as JSON, and untrusted article text stored and returned as data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventfuse import pipeline
from eventfuse.store import SqlStore
from eventfuse.web import create_app

BALAD_ATTACK = "ev_45808f9fbe9f"  # five sources, a rewrite among them, two disputed fields (examples/EXPECTED.md)
XSS_ARTICLE = {
    "title": '<img src=x onerror="window.__xss=1">Rockets hit <b>Balad</b>',
    "outlet": "<script>window.__xss=2</script>Evil Wire",
    "url": "javascript:window.__xss=3",
    "published": "2025-04-20",
    "text": (
        "<script>window.__xss=4</script>Four rockets struck the Balad air base in Iraq on Saturday, "
        'police said. <img src=x onerror="window.__xss=5"> Two soldiers were wounded in the attack, '
        'the police said. <a href="javascript:window.__xss=6">Read more</a>\n\n'
        "The rockets were fired from the town of Dujail, the police said."
    ),
}


@pytest.fixture
def client(examples_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(examples_db)) as test_client:
        yield test_client


@pytest.fixture
def writer(examples_copy: Path, web_resources: pipeline.Resources) -> Iterator[TestClient]:
    with TestClient(create_app(examples_copy, token="s3cret", resources=web_resources)) as test_client:
        yield test_client


AUTH = {"Authorization": "Bearer s3cret"}


def _ids(response: object) -> list[str]:
    return [e["id"] for e in response.json()["events"]]  # type: ignore[attr-defined]


def test_lists_the_example_events_in_date_order_with_what_the_map_needs(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert body["total"] == 5 and body["offset"] == 0 and body["limit"] == 100
    dates = [e["date"] for e in body["events"]]
    assert dates == sorted(dates)
    balad = next(e for e in body["events"] if e["id"] == BALAD_ATTACK)
    assert balad["location"]["name"] == "Balad" and balad["location"]["lat"] == pytest.approx(34.01, abs=0.01)
    assert balad["origin"]["name"] == "Ad Dujayl"
    assert balad["sources"] == 5 and balad["independent_sources"] == 4
    assert set(balad["disputed"]) == {"killed:soldiers", "outcome:launch vehicle"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2025-04-12&date_to=2025-04-13", 2),
        ("date_from=2025-05", 2),
        ("date_to=2025-04", 3),
        ("event_type=Shelling", 2),
        ("event_type=explosions", 3),
        ("country=so", 1),
        ("country=IQ&event_type=Arrests", 1),
        ("actor=boko", 1),
        ("actor=Al-Shabaab", 1),
        ("q=Beledweyne", 1),
        ("bbox=40,30,50,40", 3),  # Iraq
        ("bbox=40,0,50,10", 1),  # Somalia
        ("bbox=170,-10,-170,10", 0),  # across the antimeridian
        ("bbox=40,30,50,40&date_from=2025-04-06&actor=iraq", 1),
    ],
)
def test_filters(client: TestClient, query: str, expected: int) -> None:
    body = client.get(f"/api/events?{query}").json()
    assert body["total"] == expected, body
    assert len(body["events"]) == expected


@pytest.mark.parametrize("extra", ["", "&actor=a", "&bbox=-180,-90,180,90"])
def test_paging_walks_the_same_order(client: TestClient, extra: str) -> None:
    everything = _ids(client.get(f"/api/events?limit=1000{extra}"))
    pages = [_ids(client.get(f"/api/events?limit=2&offset={offset}{extra}")) for offset in (0, 2, 4)]
    assert [i for page in pages for i in page] == everything
    assert client.get(f"/api/events?limit=2&offset=2{extra}").json()["total"] == len(everything)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("offset=-1", "offset"),
        ("date_from=yesterday", "date_from"),
        ("country=Iraq", "country"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=0,50,10,40", "bbox"),
    ],
)
def test_invalid_parameters_are_422_json_naming_the_parameter(client: TestClient, query: str, parameter: str) -> None:
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and parameter in body["message"]
    assert body["details"][0]["parameter"] == parameter


def test_one_event_with_fields_claims_discrepancies_sources_and_history(client: TestClient) -> None:
    event = client.get(f"/api/events/{BALAD_ATTACK}").json()
    killed = event["fields"]["killed:soldiers"]
    assert killed["status"] == "disputed"
    assert {"article_id", "start", "end", "quote", "attributed_to"} <= set(killed["claims"][0])
    notes = {d["field"]: d["note"] for d in event["discrepancies"]}
    assert notes["killed:soldiers"] == "2 vs 0"
    rewrites = [s for s in event["sources"] if s["derived_from"]]
    assert [s["outlet"] for s in rewrites] == ["Daily Frontier Digest"]
    assert [h["action"] for h in event["history"]][0] == "created"
    assert event["display"]["fields"]["location"].startswith("Balad")
    assert event["display"]["positions"][0] == ["2", "0"]
    assert client.get(f"/api/events/{BALAD_ATTACK[:8]}").json()["id"] == BALAD_ATTACK


def test_claim_offsets_point_into_the_cleaned_article_text(client: TestClient) -> None:
    event = client.get(f"/api/events/{BALAD_ATTACK}").json()
    for claim in event["fields"]["killed:soldiers"]["claims"]:
        article = client.get(f"/api/articles/{claim['article_id']}").json()
        assert article["text"][claim["start"] : claim["end"]] == claim["wording"]


def test_articles_with_cleaned_text_and_removed_boilerplate(client: TestClient) -> None:
    listing = client.get("/api/articles?limit=100").json()
    assert listing["total"] == 13 and len(listing["articles"]) == 13
    with_removed = [client.get(f"/api/articles/{a['id']}").json() for a in listing["articles"]]
    cleaned = [a for a in with_removed if a["removed"]]
    assert cleaned, "the examples carry boilerplate"
    first = cleaned[0]["removed"][0]
    assert {"start", "end", "text", "reason"} <= set(first)
    assert first["text"] not in cleaned[0]["text"]
    assert client.get("/api/articles?limit=2&offset=12").json()["articles"][0]["id"] == listing["articles"][12]["id"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/events/ev_000000000000", 404),
        ("get", "/api/events/ev", 404),
        ("get", "/api/articles/a_0000", 404),
        ("get", "/api/nothing-here", 404),
        ("delete", "/api/events", 405),
    ],
)
def test_errors_are_json_with_a_message(client: TestClient, method: str, path: str, status: int) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status and body["message"]


def test_openapi_schema_lists_the_endpoints(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/articles", "/api/articles/{article_id}"} <= set(
        schema["paths"]
    )
    assert "post" in schema["paths"]["/api/articles"]
    params = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"date_from", "date_to", "event_type", "country", "actor", "q", "bbox", "limit", "offset"} <= params


def test_page_and_api_carry_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/api/events", "/static/app.js"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "default-src 'none'" in policy
    page = client.get("/").text
    assert "<script>" not in page and "onclick" not in page  # no inline script in the page itself


def test_tile_server_is_allowed_for_images_only_when_configured(examples_db: Path) -> None:
    app = create_app(examples_db, tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    with TestClient(app) as client:
        policy = client.get("/").headers["content-security-policy"]
        assert "img-src 'self' data: https://*.tile.example.org" in policy
        assert client.get("/api/config").json()["tile_url"].startswith("https://{s}.tile.example.org")


def test_vendored_files_are_served(client: TestClient) -> None:
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/topojson-client/topojson-client.min.js",
        "/static/vendor/world-atlas/countries-110m.json",
    ):
        assert client.get(path).status_code == 200, path


def test_unknown_host_names_are_refused_when_hosts_are_given(examples_db: Path) -> None:
    with TestClient(create_app(examples_db, allowed_hosts=["127.0.0.1", "localhost"])) as client:
        assert client.get("/api/events", headers={"Host": "rebound.example:8000"}).status_code == 400
        assert client.get("/api/events", headers={"Host": "127.0.0.1:8000"}).status_code == 200


# --- writes ---------------------------------------------------------------------------------------


def test_post_needs_the_token(writer: TestClient) -> None:
    article = {"text": "Two rockets hit Balad on Saturday, police said.", "published": "2025-04-20"}
    missing = writer.post("/api/articles", json=article)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "token" in missing.json()["message"]
    wrong = writer.post("/api/articles", json=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert writer.get("/api/articles").json()["total"] == 13  # nothing was stored


def test_post_ingests_and_processes_like_the_cli(writer: TestClient, seeds: Path) -> None:
    text = (seeds / "000_5bcd107d223617e9.txt").read_text(encoding="utf-8")
    response = writer.post(
        "/api/articles", json={"text": text, "published": "2024-04-22", "outlet": "Task & Purpose"}, headers=AUTH
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["added"] is True and body["article_id"].startswith("a_")
    assert body["events"], "the seed reports a rocket attack"
    attack = next(e for e in body["events"] if e["date"] == "2024-04-21")
    assert attack["origin"]["name"] == "Zummar"
    assert writer.get(f"/api/events/{attack['id']}").json()["sources"][0]["outlet"] == "Task & Purpose"
    article = writer.get(f"/api/articles/{body['article_id']}").json()
    assert any(r["reason"] for r in article["removed"])  # boilerplate removed as by the CLI
    again = writer.post("/api/articles", json={"text": text, "published": "2024-04-22"}, headers=AUTH)
    assert again.status_code == 200 and again.json()["added"] is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "exactly one of 'text' and 'html'"),
        ({"text": "a", "html": "<p>a</p>"}, "exactly one of 'text' and 'html'"),
        ({"text": "   "}, "no text"),
        ({"text": "Rockets hit Balad.", "published": "someday"}, "published"),
        ({"text": "Rockets hit Balad.", "colour": "red"}, "colour"),
        ({"text": 5}, "text"),
    ],
)
def test_post_rejects_bad_articles_with_422(writer: TestClient, body: dict[str, object], message: str) -> None:
    response = writer.post("/api/articles", json=body, headers=AUTH)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_post_refuses_what_is_not_json(writer: TestClient) -> None:
    response = writer.post("/api/articles", content="text=hello", headers={**AUTH, "Content-Type": "text/plain"})
    assert response.status_code == 415
    broken = writer.post("/api/articles", content="{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["message"]


def test_request_size_limit(examples_copy: Path) -> None:
    app = create_app(examples_copy, max_body_bytes=1000)
    with TestClient(app) as client:
        big = client.post("/api/articles", json={"text": "x" * 2000})
        assert big.status_code == 413 and "limit" in big.json()["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 200
            yield b'"}'

        chunked = client.post("/api/articles", content=chunks(), headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413
        assert client.get("/api/articles").json()["total"] == 13


def test_untrusted_text_is_stored_and_returned_as_data(writer: TestClient) -> None:
    response = writer.post("/api/articles", json=XSS_ARTICLE, headers=AUTH)
    assert response.status_code == 201
    article = writer.get(f"/api/articles/{response.json()['article_id']}")
    assert article.headers["content-type"] == "application/json"
    assert "<script>window.__xss=4</script>" in article.json()["text"]
    assert article.json()["url"] == "javascript:window.__xss=3"  # kept as given; the page never links it


def test_serve_warns_when_bound_beyond_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    from eventfuse.cli import app

    started: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **kwargs: started.append(kwargs))
    runner = CliRunner()
    db = str(tmp_path / "serve.db")
    local = runner.invoke(app, ["serve", "--db", db, "--port", "8123"])
    assert local.exit_code == 0 and "warning" not in local.output
    public = runner.invoke(app, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert public.exit_code == 0
    assert "warning" in public.output and "--token" in public.output
    guarded = runner.invoke(app, ["serve", "--db", db, "--host", "0.0.0.0", "--token", "t"])
    assert "warning" in guarded.output and "--token" not in guarded.output
    assert started[0] == {"host": "127.0.0.1", "port": 8123, "log_level": "warning"}


def test_an_article_that_cannot_be_processed_is_422_and_the_next_post_works(writer: TestClient) -> None:
    """Issue 20 item 1: one article over the model's max_length made every later POST a 500."""
    big = "Clashes broke out in Beledweyne on Monday, killing five soldiers, officials said. " * 15000
    refused = writer.post("/api/articles", json={"text": big}, headers=AUTH)
    assert refused.status_code == 422
    assert "1,229,999 characters, over the 100,000" in refused.json()["message"]
    good = {
        "text": "Five rockets struck the Balad air base in Iraq on Saturday, a spokesman said.",
        "published": "2025-04-20",
    }
    assert writer.post("/api/articles", json=good, headers=AUTH).status_code == 201
    assert writer.post("/api/articles", json={"text": big}, headers=AUTH).status_code == 422  # still set aside


def test_a_lone_surrogate_escape_in_a_posted_article_is_stored_as_a_replacement_character(writer: TestClient) -> None:
    """Issue 20 item 3: a lone surrogate escape raised UnicodeEncodeError: a 500."""
    body = '{"text": "A bomb killed 9 in Baidoa \\ud800 police said on Sunday.", "published": "2025-04-20"}'
    posted = writer.post("/api/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert posted.status_code == 201, posted.text
    article = writer.get(f"/api/articles/{posted.json()['article_id']}").json()
    assert article["text"] == "A bomb killed 9 in Baidoa \ufffd police said on Sunday."


# --- the API's edges (issue 20 item 7) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("offset=9223372036854775808", "offset"),  # 2^63: SQLite's integers end there (was a plain-text 500)
        ("offset=99999999999999999999999", "offset"),
        ("limit=1e3", "limit"),
        ("date_from=2025-13-45", "date_from"),
        ("date_to=2025-02-30", "date_to"),
        ("date_from=2025-00", "date_from"),
        ("date_to=0000", "date_to"),
    ],
)
def test_impossible_numbers_and_dates_are_422_json(client: TestClient, query: str, parameter: str) -> None:
    for path in ("/api/events", "/api/articles"):
        if path == "/api/articles" and not query.startswith(("offset", "limit")):
            continue
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.text)
        body = response.json()
        assert body["status"] == 422 and parameter in body["message"]
        assert body["details"][0]["parameter"] == parameter


def test_a_date_that_exists_is_accepted(client: TestClient) -> None:
    assert client.get("/api/events?date_from=2024-02-29&date_to=2025-12").status_code == 200


@pytest.mark.parametrize("pattern", ["____", "ev_%", "%", "ev\\_%"])
def test_ids_are_no_patterns(client: TestClient, pattern: str) -> None:
    assert client.get(f"/api/events/{pattern}").status_code == 404
    assert client.get(f"/api/articles/{pattern}").status_code == 404


def test_q_and_type_match_percent_and_underscore_literally(client: TestClient) -> None:
    assert client.get("/api/events", params={"q": "%%%%"}).json()["total"] == 0
    assert client.get("/api/events", params={"q": "_" * 6}).json()["total"] == 0
    assert client.get("/api/events", params={"event_type": "%"}).json()["total"] == 0
    assert client.get("/api/events", params={"q": "Balad"}).json()["total"] >= 1


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def test_every_error_carries_the_security_headers(examples_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(examples_copy, allowed_hosts=["127.0.0.1", "testserver"], max_body_bytes=1000)

    def breaks(self: object, where: object = None) -> object:
        raise RuntimeError("the disk went away")

    with TestClient(app, raise_server_exceptions=False) as client:
        responses = {
            400: client.get("/api/events", headers={"Host": "rebound.example"}),
            404: client.get("/api/events/ev_000000000000"),
            413: client.post("/api/articles", json={"text": "x" * 2000}),
            422: client.get("/api/events?offset=-1"),
        }
        monkeypatch.setattr(SqlStore, "count_events", breaks)
        responses[500] = client.get("/api/events")
    for status, response in responses.items():
        assert response.status_code == status
        if status == 400:  # Starlette's TrustedHostMiddleware answers an unknown host in plain text
            assert response.text == "Invalid host header"
        else:
            assert response.headers["content-type"] == "application/json", status
            assert response.json()["status"] == status
        for header in SECURITY_HEADERS:
            assert header in response.headers, (status, header)
    assert "the disk went away" not in responses[500].text  # the cause goes to the log, not to the client


def test_a_posted_page_of_navigation_only_is_422(writer: TestClient) -> None:
    page = {"html": "<html><body><nav><a href=/>Home</a> | <a href=/about>About</a></nav></body></html>"}
    response = writer.post("/api/articles", json=page, headers=AUTH)
    assert response.status_code == 422 and "no article text" in response.json()["message"]


def test_a_merged_event_id_answers_with_the_event_that_absorbed_it(examples_copy: Path) -> None:
    from eventfuse.store import open_store

    with open_store(examples_copy) as store:
        other = next(e.id for e in store.events() if e.id != BALAD_ATTACK)
        with store.transaction():
            store.merge_events(BALAD_ATTACK, other, None)
    with TestClient(create_app(examples_copy)) as client:
        response = client.get(f"/api/events/{other}")
        assert response.status_code == 200
        assert response.json()["id"] == BALAD_ATTACK and response.json()["merged_from"] == other
        assert client.get("/api/events/ev_000000000000").status_code == 404


def test_pages_follow_next_to_the_end(client: TestClient) -> None:
    everything = [e["id"] for e in client.get("/api/events").json()["events"]]
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        page = client.get("/api/events", params=params).json()
        seen += [e["id"] for e in page["events"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == everything and len(everything) == 5


def test_a_post_processes_the_posted_article_and_no_other_pending_one(writer: TestClient, examples_copy: Path) -> None:
    from eventfuse.model import Article, article_id_for
    from eventfuse.store import open_store

    waiting = "Gunmen attacked a checkpoint near Kirkuk on Monday, killing two police officers, officials said."
    with open_store(examples_copy) as store:
        store.add_article(Article(id=article_id_for(waiting), raw_text=waiting, text=waiting))
    posted = "Militants fired three rockets at an air base near Balad on Sunday, the army said; nobody was hurt."
    response = writer.post("/api/articles", json={"text": posted, "published": "2025-04-20"}, headers=AUTH)
    assert response.status_code == 201
    with open_store(examples_copy) as store:
        assert store.article_status(response.json()["article_id"]) == ("processed", None)
        assert store.article_status(article_id_for(waiting)) == ("pending", None)


@pytest.mark.parametrize("published", ["0001-01-01T00:00:00Z", "1899-12-31", "9999-12-31", "2999-01-01T00:00:00+00:00"])
def test_a_far_publication_date_is_422_naming_it_and_stores_nothing(writer: TestClient, published: str) -> None:
    """Issue 29 item 2: a report dated 0001-01-01 was stored (201); every later report of the place then got 422."""
    text = "Militants fired three rockets at an air base near Balad on Sunday, the army said; nobody was hurt."
    before = writer.get("/api/articles").json()["total"]
    response = writer.post("/api/articles", json={"text": text, "published": published}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["message"].startswith("published: publication date")
    assert response.json()["details"][0]["value"] == published
    assert writer.get("/api/articles").json()["total"] == before
    assert writer.post("/api/articles", json={"text": text, "published": "2025-04-20"}, headers=AUTH).status_code == 201


def test_a_far_date_already_stored_fails_no_later_post(examples_copy: Path, web_resources: pipeline.Resources) -> None:
    """A store written before dates were checked may hold a report of year 1: later reports of its place go in."""
    from eventfuse.model import Article, article_id_for
    from eventfuse.store import open_store

    far = "Militants fired three rockets at an air base near Balad on Sunday, the army said; one soldier was hurt."
    with open_store(examples_copy) as store:
        store.add_article(Article(id=article_id_for(far), raw_text=far, text=far, published="0001-01-01T00:00+00:00"))
        pipeline.run(store, web_resources)
        assert store.article_status(article_id_for(far)) == ("processed", None)
    posted = "Militants fired three rockets at an air base near Balad on Sunday, the army said; nobody was hurt."
    with TestClient(create_app(examples_copy, token="s3cret", resources=web_resources)) as client:
        response = client.post("/api/articles", json={"text": posted, "published": "2025-04-20"}, headers=AUTH)
    assert response.status_code == 201, response.json()


def _twin_of_balad(path: Path) -> str:
    """A second event whose id starts as the Balad attack's does (a copy of its row under another id)."""
    import sqlite3

    twin = BALAD_ATTACK[:9] + "000000"
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(events)")]
        picked = ", ".join("?" if c == "id" else c for c in columns)
        conn.execute(
            f"INSERT INTO events ({', '.join(columns)}) SELECT {picked} FROM events WHERE id = ?", (twin, BALAD_ATTACK)
        )
    return twin


def test_an_id_prefix_of_several_events_is_409_listing_them(examples_copy: Path) -> None:
    """Issue 29 item 4: GET /api/events/ev_f answered with one of the two events whose ids start so."""
    twin = _twin_of_balad(examples_copy)
    with TestClient(create_app(examples_copy)) as client:
        response = client.get(f"/api/events/{BALAD_ATTACK[:9]}")
        assert response.status_code == 409
        assert response.json()["details"][0]["candidates"] == sorted([BALAD_ATTACK, twin])
        assert BALAD_ATTACK in response.json()["message"] and twin in response.json()["message"]
        assert client.get(f"/api/events/{BALAD_ATTACK[:10]}").json()["id"] == BALAD_ATTACK  # unique again
        assert client.get(f"/api/events/{BALAD_ATTACK}").status_code == 200


def test_a_very_long_event_id_is_404(client: TestClient) -> None:
    response = client.get("/api/events/" + "ev_" + "a" * 60_000)
    assert response.status_code == 404


BIG = "ev_b16b16b16b16"


def _big_event(path: Path, reports: int = 3000) -> None:
    """An event of ``reports`` sources, each with a claim in every field: the Balad attack told 3,000 times."""
    import dataclasses

    from eventfuse.store import open_store

    with open_store(path) as store:
        balad = store.get_event(BALAD_ATTACK)
        assert balad is not None
        sources = [dataclasses.replace(balad.sources[n % 5], article_id=f"a_big{n:07d}") for n in range(reports)]
        fields = {
            name: dataclasses.replace(
                fused,
                claims=tuple(
                    dataclasses.replace(fused.claims[0], article_id=s.article_id, start=n, end=n + 5)
                    for n, s in enumerate(sources)
                ),
            )
            for name, fused in balad.fields.items()
        }
        big = dataclasses.replace(balad, id=BIG, fields=fields, sources=tuple(sources))
        with store.transaction():
            store.save_event(big, {})


def test_a_big_event_comes_in_pages_with_totals_and_a_next_link(examples_copy: Path) -> None:
    """Issue 29 item 5: an event of 3,000 reports was one response of 14.8 MB."""
    _big_event(examples_copy)
    with TestClient(create_app(examples_copy)) as client:
        first = client.get(f"/api/events/{BIG}")
        assert first.status_code == 200 and len(first.content) < 2_000_000
        body = first.json()
        assert len(body["sources"]) == 100 and body["page"]["totals"]["sources"] == 3000
        assert all(len(f["claims"]) <= 100 for f in body["fields"].values())
        assert set(body["page"]["totals"]["claims"].values()) == {3000}
        assert set(body["display"]["sources"]) >= {s["article_id"] for s in body["sources"]}
        seen, following = [], f"/api/events/{BIG}?limit=1000"
        while following:
            page = client.get(following).json()
            seen += [s["article_id"] for s in page["sources"]]
            following = page["page"]["next"]
        assert seen == [f"a_big{n:07d}" for n in range(3000)]
        small = client.get(f"/api/events/{BALAD_ATTACK}").json()
        assert len(small["sources"]) == 5 and small["page"]["next"] is None
