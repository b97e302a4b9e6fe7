"""MUC-4 benchmark: the extractor's claims scored as filled terrorism templates, slot by slot.

Hands ``eventfuse bench muc`` per-slot precision, recall and F1 on the test sets (TST1 + TST2) and on DEV.

What is filled from what (``Extractor.extract`` on the message, after case restoration):

- relevance: MUC-4 keys terrorist incidents only. A message none of whose (non-background) event sentences
  has a MUC incident type fills no slot at all; sentences whose type has none (an armed clash between the
  army and guerrillas, arrests, protests, agreements ...) add nothing, while sentences with no event type
  (a toll, a claim of responsibility) do.
- ``incident_type``: the sub-event type of each event sentence through ``INCIDENT_TYPES``;
  "Looting/property destruction" is ARSON when its cue speaks of fire, ROBBERY when of theft, and otherwise
  ("destroyed", "blew up") damage done by the incident, which adds no type of its own.
- ``perp_org``: the named actor1 of event sentences (a lexicon actor, or an organisation the learned role model
  names), the actor1 the role model names outside them, and the actor of claimed or attributed responsibility;
  generic nouns ("gunmen") are not organisations. A value matches as written, without its
  members' noun ("ELN guerrillas" -> "ELN") or under its lexicon name.
- ``instrument``: weapon words of the incident's sentences.
- ``deaths`` / ``injuries``: the party of killed / injured tolls, against the human targets whose MUC
  EFFECT OF INCIDENT is DEATH / INJURY (the fill's cross-referenced target).
- ``date``: the event dates; an incident the text does not date gets the message's dateline date, as the
  keys date it ("- 09 JAN 90": on or before the report).
- ``location``: the event places; an incident the text does not place gets the country of the dateline
  place ("SAN SALVADOR, 3 JAN 90" -> El Salvador), as the keys place it.

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
text, then writes lexicon actor names as the lexicon does ("FMLN", "Shining Path"; not aliases that are
also common words: "is" stays the verb, not "IS"), capitalises the names
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
DATELINE_PLACE = re.compile(r"\s*([A-Z][A-Z .'-]*?),\s*\d{1,2} [A-Z]{3}")
DATE_RE = re.compile(r"\b(\d{1,2}) (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]* (\d{2}|\d{4})\b")
ARTICLES = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER"}
# Weapon cues that name the act, not the instrument (MUC's INSTRUMENT ID is the thing used).
ACT_WORDS = frozenset(
    (
        "shot",
        "shooting",
        "shootings",
        "opened fire",
        "gunfire",
        "sniper fire",
        "stabbed",
        "stabbing",
        "hacked",
        "set on fire",
        "set ablaze",
        "torched",
        "arson",
        "burned down",
        "burnt down",
    )
)
# A person's name at the start of a toll's wording ("Hector Oqueli Colindres was killed").
PERSON_NAME = re.compile(r"(?!(?:He|She)\b)[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}")
# Words for an organisation's members after its name ("FMLN guerrillas", "ELN rebels").
MEMBER_NOUNS = frozenset(
    "guerrillas guerrilla rebels rebel terrorists terrorist militants militant members member fighters fighter "
    "commandos commando urban units unit troops forces men gunmen".split()
)
# The incident type of a sentence that only reports damage: it speaks of the incident without typing it.
DAMAGE = ""
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
        # An alias that is also a common word ("IS", "US") stays lower case: "is" is far more often the verb.
        names = {
            alias.casefold(): alias
            for actor in lexicon.actors
            for alias in (actor.name, *actor.aliases)
            if any(c.isupper() for c in alias) and alias.casefold() not in stop
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


def system_values(
    mentions: list[Mention], published: str | None = None, country: str | None = None
) -> dict[str, list[Any]]:
    """Per slot, the distinct values the extractor's claims give (see the module docstring). An incident the
    text does not date gets the message date ``published``, as the MUC keys date it ("- 09 JAN 90"); one it
    does not place gets the ``country`` of the dateline, as the keys place it ("EL SALVADOR")."""
    values: dict[str, list[Any]] = {slot: [] for slot in SLOTS}

    def add(slot: str, value: Any) -> None:
        if isinstance(value, tuple) and any(isinstance(v, tuple) and v[-1] == value[-1] for v in values[slot]):
            return  # the same organisation under another wording
        if slot == "instrument" and any(_norm(v) == _norm(value) or _head(v) == _head(value) for v in values[slot]):
            return  # "bomb" and "bombs", "dynamite" and "dynamite charge": one instrument named twice
        if value and value not in values[slot]:
            values[slot].append(value)

    reported = [m for m in mentions if not m.background]
    types = {id(m): _mention_type(m) for m in reported if m.sub_event_type}
    if not any(types.values()):
        return values  # no terrorist incident reported: MUC keys no template for the message
    for mention in reported:
        incident = types.get(id(mention))
        if mention.sub_event_type and incident is None:
            continue  # a sentence about a clash, an arrest, a protest: not the incident's
        add("incident_type", incident)
        typed = incident is not None  # an incident's sentence (or one about its damage), not a bare toll
        for claim in mention.claims:
            value = claim.value
            if claim.field == "actor1" and not value.get("generic"):
                add("perp_org", _organisation(claim.wording or value["name"], value["name"]))
            elif (
                claim.field == "responsibility"
                and value.get("actor")
                and value["status"] in ("claimed", "attributed")
                and not value["actor"].startswith("Unidentified")  # "gunmen" claimed: no organisation named
            ):
                add("perp_org", _organisation(value["actor"], value["actor"]))
            elif claim.field == "weapon" and typed and (claim.wording or "").casefold() not in ACT_WORDS:
                add("instrument", claim.wording or str(value))
            elif claim.field.startswith(("killed:", "injured:")) and not claim.negated and (value.get("max") or 1) > 0:
                add("deaths" if claim.field.startswith("killed:") else "injuries", _victim(value, claim.wording))
            elif claim.field == "date" and typed:
                add("date", value["value"])
            elif claim.field == "location" and typed:
                add("location", value.get("as_written") or value["name"])
    if not values["date"] and published:
        add("date", published)
    if not values["location"] and country:
        add("location", country)
    return values


def _victim(value: dict[str, Any], wording: str | None) -> str:
    """Who a toll is about: its party, or for one named person ("Hector Oqueli was killed") the name."""
    party = str(value.get("party") or "people")
    if party == "person" and wording:
        name = PERSON_NAME.match(wording)
        if name is not None:
            return name.group(0).strip()
    return party


def _organisation(wording: str, name: str) -> tuple[str, ...]:
    """An organisation as its acceptable strings: as written, without the members' noun ("ELN guerrillas" ->
    "ELN"), and its lexicon name."""
    words = wording.split()
    while len(words) > 1 and words[-1].casefold() in MEMBER_NOUNS:
        words.pop()
    return tuple(dict.fromkeys((wording, " ".join(words), name)))


def _mention_type(mention: Mention) -> str | None:
    wording = next((c.wording or "" for c in mention.claims if c.field == "event_type"), "")
    return incident_type(mention.sub_event_type or "", wording, mention.text)


def incident_type(sub_event_type: str, wording: str, sentence: str) -> str | None:
    if sub_event_type == "Looting/property destruction":
        # damage alone ("destroyed", "blew up") is what an incident did, not an incident of its own
        if FIRE_WORDS.search(wording):
            return "ARSON"
        return "ROBBERY" if THEFT_WORDS.search(wording) else DAMAGE
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
        forms = value if isinstance(value, tuple) else (value,)  # a value may have several acceptable strings
        for index, entity in enumerate(gold):
            if index not in used and any(matcher(str(form), alt) for form in forms for alt in entity.alts):
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


def dateline_country(text: str, gazetteer: Any) -> str | None:
    """The country of the place a message is filed from ("SAN SALVADOR, 4 FEB 90 ..." -> "El Salvador")."""
    match = DATELINE_PLACE.match(text)
    if not match:
        return None
    candidates = gazetteer.lookup(match.group(1).title())
    best = max(candidates, key=lambda c: c.score, default=None)
    country = gazetteer.country(best.country_code) if best is not None and best.country_code else None
    return country.name if country is not None else None


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
            system = system_values(mentions, article.published, dateline_country(message["text"], gazetteer))
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
