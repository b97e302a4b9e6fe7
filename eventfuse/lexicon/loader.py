"""Reads and validates lexicon TOML files (bundled and user-supplied) and merges them in order.

Hands a ``LexiconData`` of typed records to ``eventfuse.lexicon.Lexicon``; every problem is a one-line LexiconError.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventfuse.errors import LexiconError
from eventfuse.lexicon.index import is_case_sensitive
from eventfuse.lexicon.normalise import match_key
from eventfuse.lexicon.records import (
    ACTOR_TYPES,
    DISORDER_TYPES,
    EVENT_TYPES,
    PLOVER_EVENTS,
    SPEAKER_KINDS,
    Actor,
    ActorCue,
    ActorNoun,
    Attribution,
    Cue,
    Hedge,
    Hedges,
    Numbers,
    Organisation,
    OtherEventType,
    Qualifier,
    Quantifier,
    SpeakerNoun,
    SubEventType,
    Weapon,
)

log = logging.getLogger(__name__)

BUNDLED_FILES: tuple[str, ...] = (
    "actors.toml",
    "actor_nouns.toml",
    "event_types.toml",
    "weapons.toml",
    "attribution.toml",
    "hedges.toml",
    "numbers.toml",
)

_COUNTRY = re.compile(r"^(?:[A-Z]{2})?$")


@dataclass(frozen=True)
class _Field:
    kind: str  # str | int | number | bool | list[str] | cues
    required: bool = True
    allowed: tuple[Any, ...] | None = None
    check: Callable[[Any], str | None] | None = None  # returns a problem in words, or None


def _country(value: str) -> str | None:
    return None if _COUNTRY.match(value) else f'country {value!r} is not an ISO 3166-1 alpha-2 code (or "")'


def _unit(value: float) -> str | None:
    return None if 0 <= value <= 1 else f"{value} is outside 0..1"


def _inter(value: int) -> str | None:
    return None if 1 <= value <= 8 else f"inter {value} is outside 1..8"


# Array-of-tables sections: the key field names an entry; an entry naming an existing one extends it.
_ARRAYS: dict[str, tuple[str, dict[str, _Field]]] = {
    "actor": (
        "name",
        {
            "name": _Field("str"),
            "type": _Field("str", allowed=tuple(ACTOR_TYPES)),
            "inter": _Field("int", check=_inter),
            "country": _Field("str", check=_country),
            "aliases": _Field("list[str]"),
            "note": _Field("str", required=False),
        },
    ),
    "noun": (
        "label",
        {
            "words": _Field("list[str]"),
            "type": _Field("str", allowed=tuple(ACTOR_TYPES)),
            "inter": _Field("int", check=_inter),
            "label": _Field("str"),
            "note": _Field("str", required=False),
        },
    ),
    "sub_event": (
        "name",
        {
            "name": _Field("str"),
            "event_type": _Field("str", allowed=EVENT_TYPES),
            "disorder_type": _Field("str", allowed=DISORDER_TYPES),
            "plover_event": _Field("str", allowed=PLOVER_EVENTS),
            "plover_mode": _Field("str"),
            "plover_context": _Field("str", required=False),
            "case_label": _Field("str"),
            "description": _Field("str", required=False),
            "cues": _Field("cues"),
            "negative_cues": _Field("cues", required=False),
            "overrides": _Field("list[str]", required=False),
            "override_cues": _Field("cues", required=False),
        },
    ),
    "other_event": (
        "case_label",
        {
            "case_label": _Field("str"),
            "name": _Field("str"),
            "plover_event": _Field("str", required=False, allowed=(*PLOVER_EVENTS, "")),
            "plover_mode": _Field("str", required=False),
            "plover_context": _Field("str", required=False),
            "description": _Field("str", required=False),
            "cues": _Field("cues"),
            "negative_cues": _Field("cues", required=False),
            "overrides": _Field("list[str]", required=False),
            "override_cues": _Field("cues", required=False),
        },
    ),
    "actor_cue": (
        "name",
        {
            "name": _Field("str"),
            "role": _Field("str", allowed=("doer", "target")),
            "classes": _Field("table[str]"),
            "default": _Field("str", required=False),
            "description": _Field("str", required=False),
            "cues": _Field("cues"),
        },
    ),
    "weapon": (
        "name",
        {
            "name": _Field("str"),
            "category": _Field("str"),
            "cues": _Field("list[str]"),
            "sub_event_type": _Field("str"),
            "plover_mode": _Field("str", required=False),
        },
    ),
    "speaker_noun": (
        "kind",
        {"words": _Field("list[str]"), "kind": _Field("str", allowed=SPEAKER_KINDS)},
    ),
    "organisation": (
        "name",
        {
            "name": _Field("str"),
            "aliases": _Field("list[str]", required=False),
            "kind": _Field("str", allowed=SPEAKER_KINDS),
            "wire": _Field("bool", required=False),
            "country": _Field("str", required=False, check=_country),
        },
    ),
    "hedge": (
        "phrase",
        {
            "phrase": _Field("str"),
            "strength": _Field("number", check=_unit),
            "kind": _Field("str", required=False, allowed=("uncertainty", "attribution", "speculation")),
        },
    ),
    "quantifier": (
        "phrase",
        {
            "phrase": _Field("str"),
            "min": _Field("int", required=False),
            "max": _Field("int", required=False),
            "acled": _Field("int", required=False),
            "note": _Field("str", required=False),
        },
    ),
    "qualifier": (
        "phrase",
        {
            "phrase": _Field("str"),
            "min_offset": _Field("int", required=False),
            "max_offset": _Field("int", required=False),
            "approximate": _Field("bool", required=False),
        },
    ),
}

# Plain tables: lists of words merged across files.
_TABLES: dict[str, dict[str, _Field]] = {
    "reporting": {"verbs": _Field("list[str]", required=False), "phrases": _Field("list[str]", required=False)},
    "channels": {"words": _Field("list[str]")},
    "negation": {"words": _Field("list[str]", required=False), "denials": _Field("list[str]", required=False)},
}


def _type_problem(value: Any, kind: str) -> str | None:
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "list[str]":
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    elif kind == "table[str]":
        ok = isinstance(value, dict) and all(isinstance(v, str) and v.strip() for v in value.values())
        if not ok:
            return "must be a table of name = string"
    elif kind == "cues":
        ok = isinstance(value, dict) and all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and 0 <= w <= 1 for w in value.values()
        )
        if not ok:
            return "must be a table of phrase = weight, each weight a number in 0..1"
    else:  # pragma: no cover - the specs above are fixed
        raise AssertionError(kind)
    if ok:
        return None
    wanted = {"list[str]": "a list of non-empty strings", "number": "a number", "int": "an integer"}.get(
        kind, f"a {kind}"
    )
    return f"must be {wanted}, got {type(value).__name__}"


@dataclass
class LexiconData:
    """Everything read from the lexicon files, merged in order (later files extend or override)."""

    files: list[str] = field(default_factory=list)
    entries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {s: {} for s in _ARRAYS})
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, key) -> file
    last_file: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, key) -> file that last set it
    nouns: list[dict[str, Any]] = field(default_factory=list)
    speaker_nouns: list[dict[str, Any]] = field(default_factory=list)
    lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def add_file(self, path: Path) -> None:
        name = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise LexiconError(f"{name}: cannot read lexicon file ({exc.strerror or exc}); check the path") from exc
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise LexiconError(f"{name}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
        except tomllib.TOMLDecodeError as exc:
            raise LexiconError(f"{name}: not valid TOML: {exc}") from exc
        self.files.append(name)
        for section, value in doc.items():
            if section in _ARRAYS:
                self._add_array(name, section, value)
            elif section in _TABLES:
                self._add_table(name, section, value)
            elif section == "numbers":
                self._add_numbers(name, value)
            else:
                known = ", ".join(sorted([*_ARRAYS, *_TABLES, "numbers"]))
                raise LexiconError(f"{name}: unknown section {section!r}; known sections: {known}")

    def _add_array(self, file: str, section: str, value: Any) -> None:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise LexiconError(f"{file}: {section!r} must be an array of tables ([[{section}]])")
        key_field, spec = _ARRAYS[section]
        existing = self.entries[section]
        in_this_file: dict[str, int] = {}
        for i, entry in enumerate(value, start=1):
            key = entry.get(key_field)
            label = f"{file}: [[{section}]] entry {i}" + (f" ({key!r})" if isinstance(key, str) else "")
            if not isinstance(key, str) or not key.strip():
                raise LexiconError(f"{label}: missing or empty {key_field!r}")
            # Nouns and speaker nouns are many-per-key lists; other sections are keyed.
            extending = section not in ("noun", "speaker_noun") and key in existing
            for fname, fspec in spec.items():
                if fname not in entry:
                    if fspec.required and not extending:
                        raise LexiconError(f"{label}: missing required key {fname!r}")
                    continue
                problem = _type_problem(entry[fname], fspec.kind)
                if problem is None and fspec.allowed is not None and entry[fname] not in fspec.allowed:
                    allowed = ", ".join(repr(a) for a in fspec.allowed)
                    problem = f"{entry[fname]!r} is not one of {allowed}"
                if problem is None and fspec.check is not None:
                    problem = fspec.check(entry[fname])
                if problem:
                    raise LexiconError(f"{label}: {fname!r} {problem}")
            unknown = sorted(set(entry) - set(spec))
            if unknown:
                raise LexiconError(f"{label}: unknown key(s) {', '.join(map(repr, unknown))}")
            if section in ("actor", "noun") and "type" in entry and "inter" in entry:
                if ACTOR_TYPES[entry["type"]] != entry["inter"]:
                    raise LexiconError(
                        f"{label}: inter {entry['inter']} does not match type {entry['type']!r} "
                        f"(ACLED inter {ACTOR_TYPES[entry['type']]})"
                    )
            if section == "noun":
                self.nouns.append(dict(entry))
                continue
            if section == "speaker_noun":
                self.speaker_nouns.append(dict(entry))
                continue
            if key in in_this_file:
                raise LexiconError(f"{label}: duplicate {key_field} {key!r} (also entry {in_this_file[key]})")
            in_this_file[key] = i
            self.last_file[(section, key)] = file
            if extending:
                merged = existing[key]
                for fname, fvalue in entry.items():
                    if isinstance(fvalue, list) and isinstance(merged.get(fname), list):
                        merged[fname] = merged[fname] + [v for v in fvalue if v not in merged[fname]]
                    elif isinstance(fvalue, dict) and isinstance(merged.get(fname), dict):
                        merged[fname] = {**merged[fname], **fvalue}
                    else:
                        merged[fname] = fvalue
                if section == "actor":
                    merged_type, merged_inter = merged["type"], merged["inter"]
                    if ACTOR_TYPES[merged_type] != merged_inter:
                        raise LexiconError(f"{label}: inter {merged_inter} does not match type {merged_type!r}")
            else:
                existing[key] = dict(entry)
                self.origin[(section, key)] = file

    def _add_table(self, file: str, section: str, value: Any) -> None:
        if not isinstance(value, dict):
            raise LexiconError(f"{file}: [{section}] must be a table")
        spec = _TABLES[section]
        for fname, fvalue in value.items():
            if fname not in spec:
                raise LexiconError(f"{file}: [{section}]: unknown key {fname!r}; known: {', '.join(spec)}")
            problem = _type_problem(fvalue, spec[fname].kind)
            if problem:
                raise LexiconError(f"{file}: [{section}]: {fname!r} {problem}")
            current = self.lists.setdefault((section, fname), [])
            current.extend(v for v in fvalue if v not in current)

    def _add_numbers(self, file: str, value: Any) -> None:
        if not isinstance(value, dict):
            raise LexiconError(f"{file}: [numbers] must be a table of word = integer")
        for word, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise LexiconError(f"{file}: [numbers]: {word!r} must be a non-negative integer, got {number!r}")
            self.numbers[word.lower()] = number


def _cues(table: dict[str, float] | None) -> tuple[Cue, ...]:
    return tuple(Cue(phrase.lower(), float(weight)) for phrase, weight in (table or {}).items())


@dataclass(frozen=True)
class Records:
    """The typed records built from merged lexicon data."""

    files: tuple[str, ...]
    actors: tuple[Actor, ...]
    actor_nouns: tuple[ActorNoun, ...]
    sub_event_types: tuple[SubEventType, ...]
    other_event_types: tuple[OtherEventType, ...]
    actor_cues: tuple[ActorCue, ...]
    weapons: tuple[Weapon, ...]
    attribution: Attribution
    hedges: Hedges
    numbers: Numbers


def read_lexicon_files(paths: Sequence[Path]) -> Records:
    """Read, validate and merge the given lexicon files in order; raise LexiconError on the first problem."""
    data = LexiconData()
    for path in paths:
        data.add_file(Path(path))
    _check_alias_collisions(data)
    e = data.entries
    actors = tuple(
        Actor(
            name=a["name"],
            type=a["type"],
            inter=a["inter"],
            country=a["country"],
            aliases=tuple(a["aliases"]),
            note=a.get("note", ""),
            source=data.origin.get(("actor", a["name"]), ""),
        )
        for a in e["actor"].values()
    )
    sub_events = tuple(
        SubEventType(
            name=s["name"],
            event_type=s["event_type"],
            disorder_type=s["disorder_type"],
            plover_event=s["plover_event"],
            plover_mode=s["plover_mode"],
            case_label=s["case_label"],
            cues=_cues(s["cues"]),
            negative_cues=_cues(s.get("negative_cues")),
            plover_context=s.get("plover_context", ""),
            description=s.get("description", ""),
            overrides=tuple(s.get("overrides", ())),
            override_cues=_cues(s.get("override_cues")),
        )
        for s in e["sub_event"].values()
    )
    sub_names = {s.name for s in sub_events}
    _check_overrides(data, sub_names | set(e["other_event"]))
    actor_cues = []
    for a in e["actor_cue"].values():
        where = f"{data.last_file.get(('actor_cue', a['name']), 'lexicon')}: [[actor_cue]] ({a['name']!r})"
        for actor_type, name in a["classes"].items():
            if actor_type not in ACTOR_TYPES:
                raise LexiconError(f"{where}: classes key {actor_type!r} is not an ACLED actor type")
            if name not in sub_names:
                raise LexiconError(
                    f"{where}: class {name!r} is not a known ACLED sub-event type; use a [[sub_event]] name"
                )
        if a.get("default") and a["default"] not in sub_names:
            raise LexiconError(f"{where}: default {a['default']!r} is not a known ACLED sub-event type")
        actor_cues.append(
            ActorCue(
                a["name"],
                a["role"],
                tuple(a["classes"].items()),
                _cues(a["cues"]),
                a.get("default", ""),
                a.get("description", ""),
            )
        )
    weapons = []
    for w in e["weapon"].values():
        if w["sub_event_type"] not in sub_names:
            where = data.origin.get(("weapon", w["name"]), "lexicon")
            raise LexiconError(
                f"{where}: [[weapon]] ({w['name']!r}): sub_event_type {w['sub_event_type']!r} is not a known "
                "ACLED sub-event type; use one of the [[sub_event]] names"
            )
        weapons.append(
            Weapon(
                w["name"],
                w["category"],
                tuple(c.lower() for c in w["cues"]),
                w["sub_event_type"],
                w.get("plover_mode", ""),
            )
        )
    lists = data.lists
    return Records(
        files=tuple(data.files),
        actors=actors,
        actor_nouns=tuple(
            ActorNoun(tuple(w.lower() for w in n["words"]), n["type"], n["inter"], n["label"], n.get("note", ""))
            for n in data.nouns
        ),
        sub_event_types=sub_events,
        other_event_types=tuple(
            OtherEventType(
                case_label=o["case_label"],
                name=o["name"],
                cues=_cues(o["cues"]),
                negative_cues=_cues(o.get("negative_cues")),
                plover_event=o.get("plover_event", ""),
                plover_mode=o.get("plover_mode", ""),
                plover_context=o.get("plover_context", ""),
                description=o.get("description", ""),
                overrides=tuple(o.get("overrides", ())),
                override_cues=_cues(o.get("override_cues")),
            )
            for o in e["other_event"].values()
        ),
        actor_cues=tuple(actor_cues),
        weapons=tuple(weapons),
        attribution=Attribution(
            reporting_verbs=tuple(lists.get(("reporting", "verbs"), ())),
            reporting_phrases=tuple(lists.get(("reporting", "phrases"), ())),
            speaker_nouns=tuple(
                SpeakerNoun(tuple(w.lower() for w in s["words"]), s["kind"]) for s in data.speaker_nouns
            ),
            organisations=tuple(
                Organisation(
                    o["name"], tuple(o.get("aliases", ())), o["kind"], o.get("wire", False), o.get("country", "")
                )
                for o in e["organisation"].values()
            ),
            channels=tuple(lists.get(("channels", "words"), ())),
        ),
        hedges=Hedges(
            hedges=tuple(
                Hedge(h["phrase"].lower(), float(h["strength"]), h.get("kind", "uncertainty"))
                for h in e["hedge"].values()
            ),
            negations=tuple(lists.get(("negation", "words"), ())),
            denials=tuple(lists.get(("negation", "denials"), ())),
        ),
        numbers=Numbers(
            words=dict(data.numbers),
            quantifiers=tuple(
                Quantifier(q["phrase"].lower(), q.get("min"), q.get("max"), q.get("acled"), q.get("note", ""))
                for q in e["quantifier"].values()
            ),
            qualifiers=tuple(
                Qualifier(q["phrase"].lower(), q.get("min_offset"), q.get("max_offset"), q.get("approximate", False))
                for q in e["qualifier"].values()
            ),
        ),
    )


def _check_overrides(data: LexiconData, classes: set[str]) -> None:
    # An event class may only take precedence over classes that exist: a sub-event name or a CASE label.
    for section in ("sub_event", "other_event"):
        for key, entry in data.entries[section].items():
            for name in entry.get("overrides", ()):
                if name not in classes or name == key:
                    where = data.last_file.get((section, key), "lexicon")
                    raise LexiconError(
                        f"{where}: [[{section}]] ({key!r}): overrides {name!r} is not another event class; "
                        f"name a [[sub_event]] name or an [[other_event]] case_label"
                    )


def _check_alias_collisions(data: LexiconData) -> None:
    # Two actors from the same file may not share an alias; a later file may take an alias over (logged).
    owner: dict[str, tuple[str, str]] = {}
    for name, actor in data.entries["actor"].items():
        file = data.origin.get(("actor", name), "")
        for alias in [name, *actor["aliases"]]:
            key = match_key(alias, casefold=not is_case_sensitive(alias))
            previous = owner.get(key)
            if previous and previous[0] != name:
                if previous[1] == file:
                    raise LexiconError(
                        f"{file}: [[actor]] ({name!r}): alias {alias!r} is already an alias of {previous[0]!r}; "
                        "an alias must name one actor"
                    )
                log.warning("lexicon %s: alias %r moves from %r to %r", file, alias, previous[0], name)
            owner[key] = (name, file)
