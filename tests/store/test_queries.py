"""Event filters run in SQL, through indexes, on both backends, and answer what the plain definition of each
filter says (checked here in Python over every event); merge redirects resolve in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventfuse.model import Event
from eventfuse.store import EventFilter, PostgresStore, SQLiteStore, SqlStore, open_store
from eventfuse.store.copy import copy_store
from eventfuse.summary import ACTOR_FIELDS, actor_names


@pytest.fixture
def examples_store(store_target: str, reference_db: Path) -> SqlStore:
    with open_store(reference_db) as reference:
        store = open_store(store_target)
        assert isinstance(reference, SqlStore) and isinstance(store, SqlStore)
        copy_store(reference, store)
    return store


def _actor_matches(event: Event, needle: str) -> bool:
    words = list(actor_names(event))
    for name in ACTOR_FIELDS:
        if name in event.fields:
            words += event.fields[name].wordings
    return any(needle.casefold() in w.casefold() for w in words)


def _inside(event: Event, west: float, south: float, east: float, north: float) -> bool:
    location = event.fields.get("location")
    value = location.value if location else None
    if not isinstance(value, dict) or value.get("lat") is None:
        return False
    inside_lon = west <= value["lon"] <= east if west <= east else value["lon"] >= west or value["lon"] <= east
    return south <= value["lat"] <= north and inside_lon


def test_each_filter_answers_what_its_definition_says(examples_store: SqlStore) -> None:
    store = examples_store
    everything = store.events()
    assert len(everything) == 5

    def ids(events: list[Event]) -> list[str]:
        return [e.id for e in events]

    for needle in ("islamic", "Al-Shabaab", "US", "militants", "zz-nobody", "%", "_"):
        expected = [e.id for e in everything if _actor_matches(e, needle)]
        assert ids(store.events(EventFilter(actor=needle))) == expected, needle
    assert any(store.events(EventFilter(actor="al-shabaab")))
    for box in ((40.0, 30.0, 50.0, 40.0), (-20.0, 0.0, 60.0, 20.0), (170.0, -90.0, -170.0, 90.0)):
        assert ids(store.events(EventFilter(bbox=box))) == [e.id for e in everything if _inside(e, *box)], box
    for kind in ("explosions", "Shelling", "attack", "no such type"):
        expected = [
            e.id
            for e in everything
            if any(kind.casefold() in (t or "").casefold() for t in (e.event_type, e.sub_event_type))
        ]
        assert ids(store.events(EventFilter(event_type=kind))) == expected, kind
    balad = ids(store.events(EventFilter(text="balad")))
    assert balad and balad == ids(store.events(EventFilter(text="BALAD")))
    assert store.events(EventFilter(text="%%%%")) == [] and store.events(EventFilter(text="______")) == []
    country = everything[0].country
    assert ids(store.events(EventFilter(country=(country or "").lower()))) == [
        e.id for e in everything if e.country == country
    ]
    assert store.count_events(EventFilter(actor="zz-nobody")) == 0


def test_pages_follow_one_another_by_key(examples_store: SqlStore) -> None:
    everything = [e.id for e in examples_store.events()]
    seen: list[str] = []
    after = None
    while True:
        page = examples_store.event_page(EventFilter(limit=2), after)
        seen += [summary.split('"id": "', 1)[1].split('"', 1)[0] for summary in page.summaries]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == everything


def test_the_filters_use_indexes(examples_store: SqlStore) -> None:
    store = examples_store
    if isinstance(store, SQLiteStore):

        def plan(where: EventFilter) -> str:
            clauses, params = store._filter(where)
            rows = store.db.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE " + " AND ".join(clauses), params)
            return " ".join(str(tuple(row)) for row in rows)

        assert "events_place" in plan(EventFilter(bbox=(40.0, 30.0, 50.0, 40.0)))
        assert "event_search" in plan(EventFilter(actor="shabaab")) and "VIRTUAL TABLE" in plan(
            EventFilter(text="balad")
        )
        assert "events_country" in plan(EventFilter(country="IQ"))
        assert "events_date" in plan(EventFilter(date_from="2025-01-01"))
    else:
        assert isinstance(store, PostgresStore)
        store.db.execute("SET enable_seqscan = off")  # five rows: make the planner show the index it can use

        def plan(where: EventFilter) -> str:
            clauses, params = store._filter(where)
            sql = "EXPLAIN SELECT id FROM events WHERE " + " AND ".join(clauses)
            return " ".join(row[0] for row in store._tuples(sql, params))

        assert "events_place" in plan(EventFilter(bbox=(40.0, 30.0, 50.0, 40.0)))
        assert "events_actors" in plan(EventFilter(actor="shabaab"))
        assert "events_record" in plan(EventFilter(text="balad"))
        assert "events_country" in plan(EventFilter(country="IQ"))


def test_a_merged_id_resolves_to_the_event_that_absorbed_it(examples_store: SqlStore) -> None:
    store = examples_store
    first, second = (e.id for e in store.events()[:2])
    with store.transaction():
        store.merge_events(first, second, None)
    event, merged_into = store.resolve_event(second)
    assert event is not None and event.id == first and merged_into == first
    assert store.resolve_event(first)[0] is not None and store.resolve_event(first)[1] is None
    assert store.resolve_event("ev_nothing") == (None, None)
