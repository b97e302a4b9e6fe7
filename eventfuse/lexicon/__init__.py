"""Domain knowledge as data: actors and aliases, actor nouns, ACLED/PLOVER/CASE event types, weapons, attribution,
hedges and number wording, loaded from TOML, validated, and compiled into fast matchers.

Hands a picklable ``Lexicon`` (typed records plus ``find_actors``/``match_actor`` and cue finders) to the stages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from eventfuse.lexicon.index import PhraseIndex, is_case_sensitive
from eventfuse.lexicon.loader import BUNDLED_FILES, Records, read_lexicon_files
from eventfuse.lexicon.normalise import fold_for_matching, match_key, normalise_name
from eventfuse.lexicon.records import (
    ACTOR_TYPES,
    SPEAKER_KINDS,
    Actor,
    ActorCue,
    ActorMatch,
    ActorNoun,
    Attribution,
    Cue,
    Hedge,
    Hedges,
    Numbers,
    Organisation,
    OtherEventType,
    PhraseMatch,
    Qualifier,
    Quantifier,
    SpeakerNoun,
    SubEventType,
    Weapon,
)

LEXICON_DIR = Path(__file__).resolve().parent

# Words that follow a name without being part of it ("Kataib Hezbollah-affiliated", "Hamas fighters").
_TRAILING_WORDS = frozenset(
    "affiliated backed linked led aligned allied run controlled held supported loyal sponsored inspired "
    "militants militant fighters fighter members member group groups militia militias militiamen forces rebels "
    "insurgents operatives cells cell movement organisation organization spokesman spokesperson official officials "
    "commander commanders leader leaders statement".split()
)
# "pro-Russian forces" and "anti-ISIS coalition" do not name Russian forces or ISIS.
_EXCLUDED_PREFIXES = ("pro-", "anti-")


@dataclass(frozen=True)
class EventCue:
    """What a cue phrase points at: an ACLED sub-event type name or a CASE label, with its weight."""

    label: str
    weight: float
    negative: bool = False
    acled: bool = True  # False for the non-ACLED CASE labels
    overriding: bool = False  # counts only towards taking precedence over a class the label overrides
    actor_cue: ActorCue | None = None  # the class depends on an actor's type (``label`` is then unused)


_MATCHED_MAX = 50_000  # names remembered by match_actor before it starts afresh


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The loaded lexicon: typed records and matchers compiled once at load time. Picklable."""

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
    _actor_index: PhraseIndex[Actor] = field(init=False, repr=False)
    _by_name: dict[str, Actor] = field(init=False, repr=False)
    _by_normalised: dict[str, Actor] = field(init=False, repr=False)
    _short_aliases: dict[str, Actor] = field(init=False, repr=False)
    _normalised_keys: list[str] = field(init=False, repr=False)
    _noun_index: PhraseIndex[ActorNoun] = field(init=False, repr=False)
    _cue_index: PhraseIndex[EventCue] = field(init=False, repr=False)
    _overrides: dict[str, frozenset[str]] = field(init=False, repr=False)
    _weapon_index: PhraseIndex[Weapon] = field(init=False, repr=False)
    _hedge_index: PhraseIndex[Hedge] = field(init=False, repr=False)
    _organisation_index: PhraseIndex[Organisation] = field(init=False, repr=False)
    _organisation_by_normalised: dict[str, Organisation] = field(init=False, repr=False)
    _speaker_kinds: dict[str, str] = field(init=False, repr=False)
    # match_actor's answers: the fuzzy search over every alias is the dearest lookup in extraction, and the same
    # organisation and person names recur article after article
    _matched: dict[tuple[str, float], Actor | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = functools.partial(object.__setattr__, self)
        # Later files win an alias: the last actor that claims a key owns it (every spelling is still indexed).
        owner: dict[tuple[bool, str], Actor] = {}
        spellings: list[tuple[tuple[bool, str], str]] = []
        by_normalised: dict[str, Actor] = {}
        short: dict[str, Actor] = {}
        for actor in self.actors:
            for alias in (actor.name, *actor.aliases):
                sensitive = is_case_sensitive(alias)
                key = (sensitive, match_key(alias, casefold=not sensitive))
                owner[key] = actor
                spellings.append((key, alias))
                if sensitive:
                    short[key[1]] = actor
                elif norm := normalise_name(alias):
                    by_normalised[norm] = actor
        entries = [(alias, owner[key]) for key, alias in spellings]
        set_("_actor_index", PhraseIndex(entries, exclude_prefixes=_EXCLUDED_PREFIXES))
        set_("_by_name", {a.name: a for a in self.actors})
        set_("_by_normalised", by_normalised)
        set_("_short_aliases", short)
        set_("_normalised_keys", sorted(by_normalised))
        set_("_matched", {})
        set_("_noun_index", PhraseIndex((w, n) for n in self.actor_nouns for w in n.words))
        cues: list[tuple[str, EventCue]] = []
        for s in self.sub_event_types:
            cues += [(c.phrase, EventCue(s.name, c.weight)) for c in s.cues]
            cues += [(c.phrase, EventCue(s.name, c.weight, negative=True)) for c in s.negative_cues]
            cues += [(c.phrase, EventCue(s.name, c.weight, overriding=True)) for c in s.override_cues]
        for o in self.other_event_types:
            cues += [(c.phrase, EventCue(o.case_label, c.weight, acled=False)) for c in o.cues]
            cues += [(c.phrase, EventCue(o.case_label, c.weight, negative=True, acled=False)) for c in o.negative_cues]
            cues += [
                (c.phrase, EventCue(o.case_label, c.weight, acled=False, overriding=True)) for c in o.override_cues
            ]
        for a in self.actor_cues:
            cues += [(c.phrase, EventCue(a.default, c.weight, actor_cue=a)) for c in a.cues]
        set_("_cue_index", PhraseIndex(_with_inflections(cues), ignore_case=True))
        overrides = {s.name: frozenset(s.overrides) for s in self.sub_event_types}
        overrides |= {o.case_label: frozenset(o.overrides) for o in self.other_event_types}
        set_("_overrides", overrides)
        set_("_weapon_index", PhraseIndex(((c, w) for w in self.weapons for c in w.cues), ignore_case=True))
        set_("_hedge_index", PhraseIndex((h.phrase, h) for h in self.hedges.hedges))
        orgs = self.attribution.organisations
        set_("_organisation_index", PhraseIndex((a, o) for o in orgs for a in (o.name, *o.aliases)))
        set_("_organisation_by_normalised", {normalise_name(a): o for o in orgs for a in (o.name, *o.aliases)})
        set_("_speaker_kinds", {w: s.kind for s in self.attribution.speaker_nouns for w in s.words})

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild the matchers on the other side instead of shipping them.
        return (
            Lexicon,
            (
                self.files,
                self.actors,
                self.actor_nouns,
                self.sub_event_types,
                self.other_event_types,
                self.actor_cues,
                self.weapons,
                self.attribution,
                self.hedges,
                self.numbers,
            ),
        )

    # ----- actors -----
    def find_actors(self, text: str) -> list[ActorMatch]:
        """Every actor alias in ``text``: word-bounded, longest first, no overlaps; short acronyms case-sensitive."""
        return [ActorMatch(m.start, m.end, m.surface, m.values[0]) for m in self._actor_index.find(text)]

    def actor(self, name: str) -> Actor | None:
        """The actor with this canonical name, or None."""
        return self._by_name.get(name)

    def match_actor(self, name: str, score_cutoff: float = 88) -> Actor | None:
        """Look a name up: exact alias first (after ``normalise_name``), then fuzzy (rapidfuzz ratio >= cutoff).

        Trailing words that are not part of a name ("-affiliated", "fighters", "'s") are dropped when the whole
        name does not match. Short acronyms ("KH", "IS") only match exactly, with their case.
        """
        key = (name, score_cutoff)
        if key in self._matched:
            return self._matched[key]
        if len(self._matched) >= _MATCHED_MAX:
            self._matched.clear()
        found = self._match_actor(name, score_cutoff)
        self._matched[key] = found
        return found

    def _match_actor(self, name: str, score_cutoff: float) -> Actor | None:
        text = re.sub(r"['\u2019]s\b", "", name.strip())
        text = re.sub(r"^(?:the|The|THE)\s+", "", text)
        candidates = _name_candidates(text)
        for cand in candidates:
            found = self._exact_actor(cand)
            if found is not None:
                return found
        for cand in candidates:
            norm = normalise_name(cand)
            if is_case_sensitive(cand) or len(norm) < 4:
                continue
            best = process.extractOne(norm, self._normalised_keys, scorer=fuzz.ratio, score_cutoff=score_cutoff)
            if best is not None:
                return self._by_normalised[best[0]]
        return None

    def _exact_actor(self, name: str) -> Actor | None:
        found = self._short_aliases.get(match_key(name, casefold=False))
        if found is not None or is_case_sensitive(name):
            return found
        return self._by_normalised.get(normalise_name(name))

    def find_actor_nouns(self, text: str) -> list[PhraseMatch[ActorNoun]]:
        """Generic actor descriptions ("gunmen", "security forces") in ``text``."""
        return self._noun_index.find(text)

    # ----- events, weapons, hedges, sources -----
    def sub_event_type(self, name: str) -> SubEventType | None:
        """The ACLED sub-event type with this name, or None."""
        return next((s for s in self.sub_event_types if s.name == name), None)

    def find_event_cues(self, text: str) -> list[PhraseMatch[EventCue]]:
        """Event-type cue phrases in ``text``; each match carries every (sub-event or CASE label, weight) it cues."""
        return self._cue_index.find(text)

    def overrides(self, label: str) -> frozenset[str]:
        """The event classes (sub-event names, CASE labels) that ``label`` takes precedence over when both are cued."""
        return self._overrides.get(label, frozenset())

    def find_weapons(self, text: str) -> list[PhraseMatch[Weapon]]:
        """Weapon words in ``text``."""
        return self._weapon_index.find(text)

    def find_hedges(self, text: str) -> list[PhraseMatch[Hedge]]:
        """Hedge cues in ``text``."""
        return self._hedge_index.find(text)

    def find_organisations(self, text: str) -> list[PhraseMatch[Organisation]]:
        """Named outlets, wires, monitors and official bodies in ``text``."""
        return self._organisation_index.find(text)

    def match_organisation(self, name: str) -> Organisation | None:
        """An outlet, monitor or official body by name or alias (normalised exact match)."""
        return self._organisation_by_normalised.get(normalise_name(name))

    def speaker_kind(self, head: str) -> str | None:
        """The speaker kind a head noun or phrase signals ("spokesman" -> "government official"), or None."""
        return self._speaker_kinds.get(" ".join(head.lower().split()))


# Last words that take no plural: function words, and forms that are already inflected.
_NO_PLURAL = frozenset(
    "a an the of on in at to for from by with into onto off out up down over back its their his her him them "
    "it this that these those who which and or no not as than after before during near".split()
)


def _plural(phrase: str) -> str | None:
    """The regular English plural of a cue phrase's last word ("mudslide" -> "mudslides", "observation point" ->
    "observation points", "march" -> "marches"), or None when the word takes none or is already inflected."""
    head, _, last = phrase.rpartition(" ")
    if not last.isalpha() or len(last) < 3 or last in _NO_PLURAL or last.endswith(("s", "ed", "ing", "ly")):
        return None
    if last.endswith(("ch", "sh", "x", "z")):
        plural = last + "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def _present_participle(phrase: str) -> str | None:
    """The -ing form of a phrase that starts with a regular past tense ("abducted" -> "abducting", "fired
    rockets" -> "firing rockets", "freed" -> "freeing", "rallied" -> "rallying"), or None."""
    first, sep, rest = phrase.partition(" ")
    if len(first) < 5 or not first.isalpha() or not first.endswith("ed"):
        return None
    if first.endswith("eed"):
        stem = first[:-1]
    elif first.endswith("ied"):
        stem = first[:-3] + "y"
    else:
        stem = first[:-2]
    return f"{stem}ing{sep}{rest}"


def _with_inflections(cues: list[tuple[str, EventCue]]) -> list[tuple[str, EventCue]]:
    """Cue phrases plus the plural of each and the -ing form of those that start with a past tense, with the
    same weight, unless the form is itself a cue phrase (then its own entries decide): a cue noun names the
    thing once or many times, and "abducting" reports what "abducted" does."""
    phrases = {phrase for phrase, _ in cues}
    extra: list[tuple[str, EventCue]] = []
    for phrase, cue in cues:
        for form in (_plural(phrase), _present_participle(phrase)):
            if form and form not in phrases:
                extra.append((form, cue))
    return cues + extra


def _name_candidates(name: str) -> list[str]:
    # The whole name, then the name without trailing non-name words, keeping the original case for acronyms.
    candidates = [name] if name else []
    tokens = re.split(r"[\s\-\u2010-\u2015]+", fold_for_matching(name).strip())
    while len(tokens) > 1 and tokens[-1].lower().strip(".,;:") in _TRAILING_WORDS:
        tokens = tokens[:-1]
        candidates.append(" ".join(tokens))
    return candidates


def bundled_files() -> tuple[Path, ...]:
    """The lexicon files shipped with eventfuse, in load order."""
    return tuple(LEXICON_DIR / name for name in BUNDLED_FILES)


@functools.lru_cache(maxsize=16)
def _load(key: tuple[tuple[str, int, int], ...]) -> Lexicon:
    records: Records = read_lexicon_files([Path(path) for path, _, _ in key])
    return Lexicon(
        files=records.files,
        actors=records.actors,
        actor_nouns=records.actor_nouns,
        sub_event_types=records.sub_event_types,
        other_event_types=records.other_event_types,
        actor_cues=records.actor_cues,
        weapons=records.weapons,
        attribution=records.attribution,
        hedges=records.hedges,
        numbers=records.numbers,
    )


def load_lexicon(extra: Sequence[Path] = ()) -> Lexicon:
    """Load the bundled lexicon plus user files in ``extra`` (same format; later files extend or override).

    Results are cached per set of files (and their modification times). Raises LexiconError naming the file and
    the entry on any malformed input.
    """
    key = []
    for path in (*bundled_files(), *(Path(p) for p in extra)):
        try:
            stat = path.stat()
            key.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            key.append((str(path), -1, -1))  # read_lexicon_files reports the problem
    return _load(tuple(key))


__all__ = [
    "ACTOR_TYPES",
    "SPEAKER_KINDS",
    "Actor",
    "ActorCue",
    "ActorMatch",
    "ActorNoun",
    "Attribution",
    "Cue",
    "EventCue",
    "Hedge",
    "Hedges",
    "Lexicon",
    "Numbers",
    "Organisation",
    "OtherEventType",
    "PhraseIndex",
    "PhraseMatch",
    "Qualifier",
    "Quantifier",
    "SpeakerNoun",
    "SubEventType",
    "Weapon",
    "bundled_files",
    "fold_for_matching",
    "load_lexicon",
    "normalise_name",
]
