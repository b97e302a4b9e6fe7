"""MUC-4 benchmark: the extractor's claims scored as filled terrorism templates, slot by slot.

Hands ``eventfuse bench muc`` per-slot precision, recall and F1 on the test sets (TST1 + TST2) and on DEV.

What is filled from what (``Extractor.extract`` on the message, after case restoration):

- ``incident_type``: the sub-event type of each event mention (not background) through ``INCIDENT_TYPES``;
  "Looting/property destruction" is ARSON when its cue speaks of fire, ROBBERY when of theft; ACLED types
  with no MUC counterpart (arrests, agreements, protests ...) fill nothing.
- ``perp_org``: the named (lexicon) actor1 of event sentences and the actor of claimed or attributed
  responsibility; generic nouns ("gunmen") are not organisations.
- ``instrument``: weapon words of event sentences.
- ``deaths`` / ``injuries``: the party of killed / injured tolls, against the human targets whose MUC
  EFFECT OF INCIDENT is DEATH / INJURY (the fill's cross-referenced target).
- ``date``: the event dates; ``location``: the event places.

Scoring (document level, as in the role-filler evaluations of MUC-4 template papers, e.g. Patwardhan &
Riloff 2009, Du et al. 2021): per message and slot, the gold fills of all its templates are merged into a
set of entities (each with its alternative strings); the system's distinct values are paired one to one
with them. A string fill matches when the normalised strings are equal or their head nouns (last word, a
plural "s" dropped) are equal ("THE FMLN GUERRILLAS" ~ "GUERRILLAS"); incident types match exactly; a date
matches a day the fill names or any day in its range ("17 FEB 90 - 18 FEB 90"; "- 04 FEB 90", on or
before, counts its day); a place matches the most specific place the fill names ("GUATEMALA: PETEN
(DEPARTMENT): FLORES (CITY)" -> FLORES) or, for a country-only fill, the country. Optional fills (a "?" in
the key, or all fills of an OPTIONAL template) count when matched and are not missed otherwise. Unmatched
system values are false positives, also in messages with no template. P = matched / system values,
R = matched / gold entities (minus unmatched optional ones); ``f1`` overall is the micro average over slots.

The texts are upper case; spaCy tags and parses upper-case text poorly, so ``restore_case`` lower-cases the
text, then writes lexicon actor names as the lexicon does ("FMLN", "Shining Path"), capitalises the names
of countries, regions and towns of 20,000 or more people in the gazetteer (longest match first, stop words
excepted), capitalises words unknown to spaCy's vocabulary (mostly names: "Cerezo"; short ones with no vowel
are acronyms and stay in capitals) and sentence starts. Offsets are unchanged.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BenchDataError
from ..model import Article, Mention, article_id_for
from . import read_jsonl, require_dir

if TYPE_CHECKING:
    from spacy.language import Language


ANCHORS: dict[str, str] = {
    "f1": "document-level role-filler F1 on MUC-4 test (trained systems): GTT 0.50, GRIT 0.55 (Du et al. 2021)",
}
SLOTS = ("incident_type", "perp_org", "instrument", "deaths", "injuries", "date", "location")
# ACLED sub-event type -> MUC-4 incident type.
INCIDENT_TYPES = {
    "Attack": "ATTACK",
    "Armed clash": "ATTACK",
    "Air/drone strike": "ATTACK",
    "Shelling/artillery/missile attack": "ATTACK",
    "Mob violence": "ATTACK",
    "Sexual violence": "ATTACK",
    "Remote explosive/landmine/IED": "BOMBING",
    "Suicide bomb": "BOMBING",
    "Grenade": "BOMBING",
    "Abduction/forced disappearance": "KIDNAPPING",
    "Looting/property destruction": "ARSON",
}
FIRE_WORDS = re.compile(r"burn|fire|blaze|torch|arson|incendiar|flame", re.I)
THEFT_WORDS = re.compile(r"rob|steal|stole|loot|theft|ransack|plunder|hold.?up|heist", re.I)
STOPPAGE_WORDS = re.compile(r"\b(armed|transport|general|national) (strike|stoppage)|work stoppage|paro armado", re.I)
MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
DATE_RE = re.compile(r"\b(\d{1,2}) (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]* (\d{2}|\d{4})\b")
ARTICLES = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER"}
SPLITS = {"dev": ("muc4-dev",), "test": ("muc4-tst1", "muc4-tst2")}


# --- case restoration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRestorer:
    """What ``restore_case`` needs: words spaCy knows, place names, and lexicon names with their case."""

    known_words: frozenset[str]  # lower-cased strings of spaCy's vocabulary
    place_names: frozenset[str]  # lower-cased names of countries, regions and towns of 20,000 or more
    names: dict[str, str]  # lower-cased lexicon actor alias -> as the lexicon writes it
    max_words: int = 4

    @classmethod
    def build(cls, nlp: Language, gazetteer: Any, lexicon: Any) -> CaseRestorer:
        known = frozenset(s.casefold() for s in nlp.vocab.strings if s.isalpha())
        rows = gazetteer.db.execute(
            "SELECT n.key FROM name n JOIN place p ON p.geonameid = n.geonameid "
            "WHERE n.kind = 'name' AND (p.population >= 20000 OR p.feature_class = 'A')"
        )
        stop = nlp.Defaults.stop_words
        places = frozenset(key for (key,) in rows if key and key not in stop and not key.isdigit())
        names = {
            alias.casefold(): alias
            for actor in lexicon.actors
            for alias in (actor.name, *actor.aliases)
            if any(c.isupper() for c in alias)
        }
        return cls(known, places, names)


def restore_case(text: str, restorer: CaseRestorer) -> str:
    """Upper-case text in mixed case (see the module docstring); character offsets are unchanged."""
    if sum(c.islower() for c in text) > sum(c.isupper() for c in text):
        return text  # already mixed case
    chars = list(text.lower())
    words = list(re.finditer(r"[a-z][a-z'.-]*[a-z]|[a-z]", text.lower()))
    taken: set[int] = set()
    for i in range(len(words)):
        for size in range(min(restorer.max_words, len(words) - i), 0, -1):
            group = words[i : i + size]
            if any(w.start() in taken for w in group):
                continue
            phrase = text[group[0].start() : group[-1].end()].lower()
            alias = restorer.names.get(phrase)
            if alias is not None and len(alias) == len(phrase):
                chars[group[0].start() : group[-1].end()] = alias
            elif phrase in restorer.place_names:
                for w in group:
                    chars[w.start()] = chars[w.start()].upper()
            else:
                continue
            taken.update(w.start() for w in group)
            break
    for w in words:
        if w.start() in taken:
            continue
        word = w.group(0)
        if word.strip(".'-") not in restorer.known_words:
            # unknown to spaCy: a name ("Cerezo"), or an acronym when it has no vowel or is short ("FMLN")
            if len(word) <= 4 and not re.search(r"[aeiouy]", word):
                chars[w.start() : w.end()] = word.upper()
            else:
                chars[w.start()] = chars[w.start()].upper()
    # sentence starts
    for match in re.finditer(r"(?:^|[.!?\]]\s+|\n\s*|--\s+)([a-z])", "".join(chars)):
        chars[match.start(1)] = chars[match.start(1)].upper()
    return "".join(chars)


# --- gold and system values ---------------------------------------------------------------------


@dataclass
class Entity:
    """A gold fill: its acceptable strings, and whether missing it is allowed."""

    alts: tuple[str, ...]
    optional: bool


@dataclass
class Tally:
    tp: int = 0
    system: int = 0
    gold: int = 0  # gold entities that must be found (optional ones only when matched)

    def figures(self) -> dict[str, float | int]:
        p = self.tp / self.system if self.system else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "p": round(p, 4),
            "r": round(r, 4),
            "f1": round(f1, 4),
            "tp": self.tp,
            "system": self.system,
            "gold": self.gold,
        }


@dataclass
class SplitScore:
    slots: dict[str, Tally] = field(default_factory=lambda: {slot: Tally() for slot in SLOTS})
    messages: int = 0

    def figures(self) -> dict[str, Any]:
        total = Tally(
            tp=sum(t.tp for t in self.slots.values()),
            system=sum(t.system for t in self.slots.values()),
            gold=sum(t.gold for t in self.slots.values()),
        )
        overall = total.figures()
        return {
            "f1": overall["f1"],
            "p": overall["p"],
            "r": overall["r"],
            "messages": self.messages,
            "slots": {slot: tally.figures() for slot, tally in self.slots.items()},
        }


def gold_entities(templates: list[dict[str, Any]]) -> dict[str, list[Entity]]:
    """Per slot, the distinct gold entities of a message's templates."""
    found: dict[str, dict[tuple[str, ...], bool]] = {slot: {} for slot in SLOTS}

    def add(slot: str, alts: Iterable[str], optional: bool) -> None:
        key = tuple(a for a in alts if a)
        if key:
            found[slot][key] = found[slot].get(key, True) and optional

    for template in templates:
        whole_optional = bool(template.get("optional"))
        for slot, key in (
            ("incident_type", "incident_type"),
            ("perp_org", "perp_organization_id"),
            ("instrument", "incident_instrument_id"),
            ("date", "incident_date"),
            ("location", "incident_location"),
        ):
            for fill in template.get(key) or []:
                add(slot, fill["alts"], whole_optional or fill.get("optional", False))
        for fill in template.get("hum_tgt_effect_of_incident") or []:
            slot = "deaths" if "DEATH" in fill["alts"] else "injuries" if "INJURY" in fill["alts"] else None
            if slot and fill.get("ref"):
                add(slot, fill["ref"], whole_optional or fill.get("optional", False))
    return {slot: [Entity(alts, optional) for alts, optional in values.items()] for slot, values in found.items()}


def system_values(mentions: list[Mention]) -> dict[str, list[Any]]:
    """Per slot, the distinct values the extractor's claims give (see the module docstring)."""
    values: dict[str, list[Any]] = {slot: [] for slot in SLOTS}

    def add(slot: str, value: Any) -> None:
        if value and value not in values[slot]:
            values[slot].append(value)

    for mention in mentions:
        if mention.background:
            continue
        if mention.sub_event_type:
            wording = next((c.wording or "" for c in mention.claims if c.field == "event_type"), "")
            add("incident_type", incident_type(mention.sub_event_type, wording, mention.text))
        for claim in mention.claims:
            value = claim.value
            if claim.field == "actor1" and not value.get("generic"):
                add("perp_org", claim.wording or value["name"])
            elif (
                claim.field == "responsibility" and value.get("actor") and value["status"] in ("claimed", "attributed")
            ):
                add("perp_org", value["actor"])
            elif claim.field == "weapon" and mention.sub_event_type:
                add("instrument", claim.wording or str(value))
            elif claim.field.startswith(("killed:", "injured:")) and not claim.negated and (value.get("max") or 1) > 0:
                add("deaths" if claim.field.startswith("killed:") else "injuries", value.get("party") or "people")
            elif claim.field == "date" and mention.sub_event_type:
                add("date", value["value"])
            elif claim.field == "location" and mention.sub_event_type:
                add("location", value.get("as_written") or value["name"])
                if value.get("name") and value["name"] != value.get("as_written"):
                    pass  # the resolved name is checked in matching through the written one only
    return values


def incident_type(sub_event_type: str, wording: str, sentence: str) -> str | None:
    if sub_event_type == "Looting/property destruction":
        return "ROBBERY" if THEFT_WORDS.search(wording) and not FIRE_WORDS.search(wording) else "ARSON"
    if STOPPAGE_WORDS.search(sentence) and sub_event_type in ("Peaceful protest", "Protest with intervention"):
        return "FORCED WORK STOPPAGE"
    return INCIDENT_TYPES.get(sub_event_type)


# --- matching -----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[A-Z0-9]+", folded.replace("'", ""))
    while words and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _head(text: str) -> str:
    words = _norm(text).split()
    if not words:
        return ""
    head = words[-1]
    return head[:-1] if len(head) > 3 and head.endswith("S") and not head.endswith("SS") else head


def string_match(system: str, gold: str) -> bool:
    s, g = _norm(system), _norm(gold)
    return bool(s) and (s == g or _head(s) == _head(g))


def _days(fill: str) -> tuple[set[str], tuple[date, date] | None]:
    found = []
    for day, month, year in DATE_RE.findall(fill.upper()):
        yy = int(year)
        yy = yy + 1900 if yy < 100 else yy
        try:
            found.append(date(yy, MONTHS[month], int(day)))
        except ValueError:
            continue
    days = {d.isoformat() for d in found}
    span = (min(found), max(found)) if len(found) >= 2 and not fill.strip().startswith("-") else None
    return days, span


def date_match(system: str, gold: str) -> bool:
    days, span = _days(gold)
    if system in days:
        return True
    if span is None or not re.match(r"^\d{4}-\d{2}-\d{2}$", system):
        return False
    return span[0] <= date.fromisoformat(system) <= span[1]


def place_match(system: str, gold: str) -> bool:
    named = [re.sub(r"\(.*?(\)|$)", "", part).strip() for part in gold.split(":")]
    named = [n for n in named if n]
    if not named:
        return False
    return _norm(system) == _norm(named[-1])


MATCHERS = {"date": date_match, "location": place_match, "incident_type": lambda s, g: s == g}


def score_slot(tally: Tally, slot: str, system: list[Any], gold: list[Entity]) -> None:
    """Pair system values with gold entities one to one (first match in order) and count."""
    matcher = MATCHERS.get(slot, string_match)
    used: set[int] = set()
    tp = 0
    for value in system:
        for index, entity in enumerate(gold):
            if index not in used and any(matcher(str(value), alt) for alt in entity.alts):
                used.add(index)
                tp += 1
                break
    tally.tp += tp
    tally.system += len(system)
    tally.gold += sum(1 for i, e in enumerate(gold) if not e.optional or i in used)


# --- running ------------------------------------------------------------------------------------


def load_messages(data_dir: Path, limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Messages per split (``dev``, ``test``) from the ``muc4-*.jsonl`` files; ``limit`` caps each split."""
    files = {path.stem: path for path in require_dir(data_dir)}
    splits: dict[str, list[dict[str, Any]]] = {}
    for split, stems in SPLITS.items():
        for stem in stems:
            if stem not in files:
                continue
            messages = splits.setdefault(split, [])
            for record in read_jsonl(files[stem], ("text", "templates")):
                if limit is None or len(messages) < limit:
                    messages.append(record)
    if not splits:
        raise BenchDataError(f"{data_dir}: no muc4-dev/-tst1/-tst2 .jsonl files (pass --data DIR)")
    return splits


def dateline(text: str) -> str | None:
    """The message date from its dateline ("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) --")."""
    match = DATE_RE.search(text[:120].upper())
    if not match:
        return None
    days, _ = _days(match.group(0))
    return min(days) if days else None


def run(data_dir: Path, *, limit: int | None = None) -> dict[str, Any]:
    """Figures on the test sets (top level) and per split, with the time spaCy and extraction took."""
    from ..extract import Extractor
    from ..geo import Gazetteer
    from ..lexicon import load_lexicon
    from ..nlp import load_model

    splits = load_messages(Path(data_dir), limit)
    nlp = load_model()
    lexicon = load_lexicon()
    extractor = Extractor(lexicon, Gazetteer.open())
    gazetteer = extractor.gazetteer
    restorer = CaseRestorer.build(nlp, gazetteer, lexicon)
    result: dict[str, Any] = {}
    timing = {"spacy_seconds": 0.0, "extract_seconds": 0.0, "chars": 0}
    for split, messages in splits.items():
        score = SplitScore()
        texts = [restore_case(m["text"], restorer) for m in messages]
        started = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=16))
        timing["spacy_seconds"] += time.perf_counter() - started
        for message, text, doc in zip(messages, texts, docs, strict=True):
            article = Article(id=article_id_for(text), raw_text=text, text=text, published=dateline(message["text"]))
            started = time.perf_counter()
            mentions = extractor.extract(article, doc)
            timing["extract_seconds"] += time.perf_counter() - started
            timing["chars"] += len(text)
            system = system_values(mentions)
            gold = gold_entities(message["templates"])
            for slot in SLOTS:
                score_slot(score.slots[slot], slot, system[slot], gold[slot])
            score.messages += 1
        result[split] = score.figures()
    top = result.get("test") or next(iter(result.values()))
    figures: dict[str, Any] = {
        "f1": top["f1"],
        "slots": {s: {k: v[k] for k in ("p", "r", "f1")} for s, v in top["slots"].items()},
    }
    figures["sets"] = result
    spacy_s, extract_s = timing["spacy_seconds"], timing["extract_seconds"]
    figures["speed"] = {
        "spacy_seconds": round(spacy_s, 2),
        "extract_seconds": round(extract_s, 2),
        "extract_over_spacy": round(extract_s / spacy_s, 3) if spacy_s else 0.0,
    }
    return figures
