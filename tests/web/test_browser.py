"""The page in a real browser (Playwright driving Debian's Chromium) on the bundled examples: markers on the map,
an event's disagreement table, a value's quote highlighted in its article, the timeline filter, and an
article full of markup shown as text. A screenshot goes to test-artifacts/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eventfuse import pipeline
from eventfuse.web import create_app

from ..conftest import ROOT
from .conftest import SKIP_REASONS, LiveServer
from .test_api import BALAD_ATTACK, XSS_ARTICLE

CHROMIUM = os.environ.get("EVENTFUSE_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from reaching out to the network (closed here) and from needing a sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def _skip(reason: str) -> None:
    SKIP_REASONS.append(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")  # first, so a browser that cannot start skips before the slow fixtures
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as err:
        _skip(f"playwright is not installed ({err}); pip install -e '.[test]'")
    if not Path(CHROMIUM).is_file():
        _skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set EVENTFUSE_CHROMIUM)")
    manager = sync_playwright().start()
    try:
        context = manager.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
        )
    except Error as err:
        manager.stop()
        _skip(f"Chromium at {CHROMIUM} cannot start: {str(err).splitlines()[0]}")
    yield context
    context.close()
    manager.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    yield page
    page.close()


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=15_000)


def test_map_event_disagreements_and_highlighted_quote(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url + "/")
    markers = page.locator(".ev-marker")
    assert markers.count() == 5  # every example event has coordinates
    assert page.locator(".event-item").count() == 5
    assert page.locator("#map path.land").count() > 100  # the offline Natural Earth basemap
    assert page.locator("#timeline rect.tl-bar").count() == 5

    page.locator(f'.ev-marker[data-id="{BALAD_ATTACK}"]').click()
    table = page.locator("table.disagreements")
    table.wait_for()
    assert "killed soldiers" in table.inner_text()
    assert "Northline News" in table.inner_text()
    assert page.locator(".sources .badge.rewrite").count() == 1  # Daily Frontier Digest rewrites The Meridian Post

    # The "0" side: Northline News says no soldiers were killed.
    table.locator("button.value", has_text="0").first.click()
    mark = table.locator(".evidence mark").first
    mark.wait_for()
    assert "killed" in mark.inner_text().lower()
    assert "Northline News" in table.locator(".evidence").first.inner_text()

    # A field's value: every source's quote, highlighted in its own article text.
    page.locator('tr[data-field="location"] button.value').click()
    evidence = page.locator(".fields .evidence").first
    page.wait_for_function(
        "() => { const e = document.querySelector('.fields .evidence');"
        " return e && e.querySelectorAll('mark').length === e.querySelectorAll('.claim').length; }"
    )
    assert evidence.locator("mark").count() == 5  # one claim per source
    evidence.locator("button.link").first.click()
    reader_mark = page.locator("#reader .article-text mark")
    reader_mark.wait_for()
    assert reader_mark.count() == 1 and reader_mark.inner_text() in page.locator("#reader .article-text").inner_text()
    page.locator("#reader-close").click()

    ARTIFACTS.mkdir(exist_ok=True)
    table.locator("button.value", has_text="0").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web-event.png"))
    assert (ARTIFACTS / "web-event.png").stat().st_size > 10_000
    assert page.errors == []


def test_timeline_brush_and_filters_narrow_the_list_and_map(page: Any, live_server: LiveServer) -> None:
    _open(page, live_server.url + "/")
    box = page.locator("#timeline").bounding_box()
    # Drag over the first third of the timeline: the April events in Iraq.
    page.mouse.move(box["x"] + 2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 30, steps=5)
    page.mouse.up()
    page.wait_for_function("() => document.querySelectorAll('.event-item').length === 3")
    assert page.locator(".ev-marker").count() == 3
    assert page.locator("input[name=date_from]").input_value().startswith("2025-04")
    page.locator("#timeline-range button").click()
    page.wait_for_function("() => document.querySelectorAll('.event-item').length === 5")

    page.locator("select[name=country]").select_option("SO")
    page.wait_for_function("() => document.querySelectorAll('.event-item').length === 1")
    assert "Beledweyne" in page.locator(".event-item").inner_text()
    assert page.errors == []


def test_article_markup_never_runs_or_renders(
    browser: Any, tmp_path: Path, examples_db: Path, web_resources: pipeline.Resources
) -> None:
    db = tmp_path / "xss.db"
    shutil.copy(examples_db, db)
    app = create_app(db, resources=web_resources)
    with LiveServer(app) as server:
        posted = httpx.post(server.url + "/api/articles", json=XSS_ARTICLE, timeout=60).json()
        assert posted["events"], posted
        event_id = posted["events"][0]["id"]
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
        _open(page, f"{server.url}/#{event_id}")
        page.locator("table.fields").wait_for()
        page.locator(f'.sources li[data-article="{posted["article_id"]}"] button.link').click()
        text = page.locator("#reader .article-text")
        text.wait_for()
        page.wait_for_timeout(300)  # an onerror handler would have fired by now

        assert "<script>window.__xss=4</script>" in text.inner_text()  # shown as text
        assert "<img src=x" in text.inner_text()
        assert page.evaluate("window.__xss") is None
        for selector in ("#detail img", "#reader img", "#detail script", "#reader script", "#detail b", "#reader b"):
            assert page.locator(selector).count() == 0, selector
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if h.lower().startswith("javascript:")]
        assert "Evil Wire" in page.locator("#detail .sources").inner_text()
        assert errors == []
        page.close()
