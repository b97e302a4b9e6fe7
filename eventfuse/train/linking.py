"""Training of the linking models (which of an article's places and days belong to its event) on gv and MUC-4 dev.

Hands on ``linking_place.model.json`` and ``linking_date.model.json`` (written into ``out_dir``) and the figures:
the share of articles whose lead event gets the right place (within 40 km of GVA's geocode; MUC-4: the key's
place) and day, by the rules alone and by the rules with the models, cross-validated (folds by incident or
message) beside full-dev.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..extract.linking import (
    DATE_MODEL,
    PLACE_MODEL,
    RULE_DAY_STANDS,
    date_candidates,
    decide,
    lead_mention,
    place_candidates,
)
from ..extract.places import place_value
from ..learned import LinearModel, fit
from ..model import Article, Mention, article_id_for

log = logging.getLogger(__name__)

OUTPUTS = (PLACE_MODEL, DATE_MODEL)
PLACE_KM = 40.0
# The gv incidents trained on: the first ones of the dev file, in its order (all its articles take about half an
# hour to parse on one core; these take a few minutes and give thousands of candidate rows).
GV_INCIDENTS = 1400
MUC_MESSAGES = 700  # of the dev messages with at least one template
C = 0.5
FOLDS = 5


@dataclass(frozen=True)
class Example:
    """One article: its candidates' rows and labels, and what the rules alone chose."""

    group: str
    corpus: str
    place_rows: list[dict[str, float]]
    place_right: list[bool]
    rule_place_right: bool
    date_rows: list[dict[str, float]]
    date_right: list[bool]
    rule_date_right: bool


Item = tuple[Article, str, Callable[..., bool], Callable[[str], bool]]


def _gv(data_root: Path) -> list[Item]:
    from ..bench.gv import articles_of, load_articles
    from ..bench.record import load_incidents
    from ..geo.gazetteer import haversine_km

    data_dir = data_root / "gv"
    incidents = load_incidents(data_dir)
    records = [r for r in load_articles(data_dir, GV_INCIDENTS) if r["incident_id"] in incidents]
    out = []
    for record, article in zip(records, articles_of(records), strict=True):
        gold = incidents[record["incident_id"]]

        def place_ok(lat: float, lon: float, gold: dict[str, Any] = gold) -> bool:
            return gold.get("lat") is not None and haversine_km(lat, lon, gold["lat"], gold["lon"]) <= PLACE_KM

        def day_ok(day: str, gold: dict[str, Any] = gold) -> bool:
            return day[:10] == gold["date"]

        out.append((article, f"gv:{record['incident_id']}", place_ok, day_ok))
    return out


def _muc(
    data_root: Path, gazetteer: Any, nlp: Any
) -> list[tuple[Article, str, Callable[..., bool], Callable[[str], bool]]]:
    from ..bench.muc import CaseRestorer, date_match, dateline, load_messages, place_match, restore_case
    from ..lexicon import load_lexicon

    messages = [m for m in load_messages(data_root / "muc").get("dev", []) if m["templates"]][:MUC_MESSAGES]
    restorer = CaseRestorer.build(nlp, gazetteer, load_lexicon())
    out = []
    for message in messages:
        templates = [t for t in message["templates"] if not t.get("optional")] or message["templates"]
        places = [a for t in templates for f in t.get("incident_location") or [] for a in f["alts"]]
        dates = [a for t in templates for f in t.get("incident_date") or [] for a in f["alts"]]
        text = restore_case(message["text"], restorer)
        article = Article(id=article_id_for(text), raw_text=text, text=text, published=dateline(message["text"]))

        def place_ok(forms: Sequence[str], places: list[str] = places) -> bool:
            return any(place_match(form, gold) for form in forms for gold in places)

        def day_ok(day: str, dates: list[str] = dates) -> bool:
            return any(date_match(day[:10], gold) for gold in dates)

        out.append((article, f"muc:{message['id']}", place_ok, day_ok))
    return out


def _examples(data_root: Path) -> list[Example]:
    from ..clean import load_rules
    from ..extract import Extractor
    from ..geo import Gazetteer
    from ..lexicon import load_lexicon
    from ..nlp import load_model
    from ..pipeline import prepare

    nlp = load_model()
    gazetteer = Gazetteer.open()
    extractor = Extractor(load_lexicon(), gazetteer, linking=False)
    rules = load_rules()
    items: list[tuple[str, Item]] = [("gv", (prepare(article, rules), *rest)) for article, *rest in _gv(data_root)] + [
        ("muc", item) for item in _muc(data_root, gazetteer, nlp)
    ]
    log.info("parsing and extracting %d articles", len(items))
    examples = []
    texts = [item[0].text or item[0].raw_text for _, item in items]
    for n, ((corpus, item), doc) in enumerate(zip(items, nlp.pipe(texts, batch_size=32), strict=True), 1):
        article, group, place_ok, day_ok = item
        if not article.text:
            article = replace(article, text=article.raw_text)
        mentions, document = extractor.extract_document(article, doc)
        lead = lead_mention(mentions, document)
        if lead is None:
            continue
        examples.append(_example(corpus, group, mentions, lead, document, place_ok, day_ok, gazetteer))
        if n % 500 == 0:
            log.info("%d of %d articles", n, len(items))
    return examples


def _place_right(corpus: str, value: dict[str, Any], place_ok: Callable[..., bool], gazetteer: Any) -> bool:
    if corpus == "gv":
        return place_ok(value["lat"], value["lon"])
    from ..bench.record import place_forms

    return place_ok(place_forms(value, gazetteer))


def _example(
    corpus: str,
    group: str,
    mentions: list[Mention],
    lead: Mention,
    document: Any,
    place_ok: Callable[..., bool],
    day_ok: Callable[[str], bool],
    gazetteer: Any,
) -> Example:
    places = place_candidates(document, mentions, lead)
    place_right = [_place_right(corpus, place_value(c.place), place_ok, gazetteer) for c in places]
    rule_place = next((c.value for m in mentions if not m.background for c in m.claims if c.field == "location"), None)
    dates = date_candidates(document, mentions, lead)
    rule_date = next((c.value for m in mentions if not m.background for c in m.claims if c.field == "date"), None)
    return Example(
        group=group,
        corpus=corpus,
        place_rows=[c.features for c in places],
        place_right=place_right,
        rule_place_right=bool(rule_place) and _place_right(corpus, rule_place, place_ok, gazetteer),
        date_rows=[c.features for c in dates],
        date_right=[day_ok(c.day) for c in dates],
        rule_date_right=bool(rule_date) and day_ok(str(rule_date.get("value") or "")),
    )


def _decide(model: LinearModel, rows: list[dict[str, float]], kind: str) -> int | None:
    """The candidate the linker takes (``extract.linking.decide``): None leaves the rules' choice."""
    rule, stand = ("rule_target", model.threshold) if kind == "place" else ("rule_choice", RULE_DAY_STANDS)
    return decide([model.probability(r) for r in rows], rows, rule, stand)


def _accuracy(
    examples: Sequence[Example],
    models: Callable[[Example], LinearModel | None],
    kind: str,
) -> dict[str, float]:
    """Per corpus: the share of articles whose lead event gets the right value by the rules and with the model."""
    out: dict[str, float] = {}
    for corpus in sorted({e.corpus for e in examples}):
        chosen = [e for e in examples if e.corpus == corpus]
        rules = linked = oracle = 0
        for example in chosen:
            rows = example.place_rows if kind == "place" else example.date_rows
            right = example.place_right if kind == "place" else example.date_right
            rule = example.rule_place_right if kind == "place" else example.rule_date_right
            model = models(example)
            pick = None if model is None else _decide(model, rows, kind)
            rules += rule
            oracle += any(right) or rule
            linked += right[pick] if pick is not None else rule
        n = len(chosen) or 1
        out[f"{corpus}_rules"] = round(rules / n, 4)
        out[f"{corpus}_linked"] = round(linked / n, 4)
        out[f"{corpus}_any_candidate"] = round(oracle / n, 4)
        out[f"{corpus}_articles"] = len(chosen)
    return out


def _train_one(name: str, examples: Sequence[Example], kind: str) -> tuple[LinearModel, dict[str, Any]]:
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    groups: list[str] = []
    for example in examples:
        candidate_rows = example.place_rows if kind == "place" else example.date_rows
        right = example.place_right if kind == "place" else example.date_right
        rows.extend(candidate_rows)
        labels.extend("yes" if r else "no" for r in right)
        groups.extend([example.group] * len(candidate_rows))
    if not rows:
        raise BenchDataError(f"no {kind} candidates to train on: is ../shared/bench (or --data) complete?")
    model, cv = fit(name, rows, labels, groups, c=C, folds=FOLDS)
    fold_of = cv.fold_of_group
    cross = _accuracy(examples, lambda e: cv.models[fold_of[e.group]] if e.group in fold_of else None, kind)
    full = _accuracy(examples, lambda e: model, kind)
    figures = {"cv": cross, "full_dev": full, "rows": len(rows), "positives": labels.count("yes")}
    meta = {
        "command": "eventfuse train linking",
        "data": f"gv dev (first {GV_INCIDENTS} incidents), MUC-4 dev (first {MUC_MESSAGES} messages with templates)",
        "figures": figures,
    }
    return replace(model, meta=meta), figures


def train(data_root: Path, out_dir: Path) -> dict[str, Any]:
    examples = _examples(Path(data_root))
    if not examples:
        raise BenchDataError(f"{data_root}: no articles with an event to train the linking models on")
    place, place_figures = _train_one("linking_place", examples, "place")
    date_model, date_figures = _train_one("linking_date", examples, "date")
    out_dir.mkdir(parents=True, exist_ok=True)
    place.save(out_dir / PLACE_MODEL)
    date_model.save(out_dir / DATE_MODEL)
    return {"place": place_figures, "date": date_figures, "articles": len(examples)}
