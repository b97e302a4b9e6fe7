"""Typed records of the domain lexicon: actors, event types, weapons, attribution, hedges, numbers.

Built by ``eventfuse.lexicon.loader`` from the TOML files and handed to every extraction stage via ``Lexicon``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")

# ACLED actor types and the inter code each one carries.
ACTOR_TYPES: dict[str, int] = {
    "State forces": 1,
    "Rebel group": 2,
    "Political militia": 3,
    "Identity militia": 4,
    "Rioters": 5,
    "Protesters": 6,
    "Civilians": 7,
    "External/Other forces": 8,
}

SPEAKER_KINDS: tuple[str, ...] = (
    "government official",
    "military",
    "armed group",
    "media outlet",
    "monitor/NGO",
    "anonymous source",
    "other",
)

EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)

DISORDER_TYPES: tuple[str, ...] = (
    "Political violence",
    "Demonstrations",
    "Strategic developments",
    "Political violence; Demonstrations",
)

# PLOVER event categories (PLOVER manual 0.7b1, 2021).
PLOVER_EVENTS: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "DEMAND",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True)
class Actor:
    """A named conflict actor with its ACLED type, inter code, home country and aliases."""

    name: str
    type: str
    inter: int
    country: str  # ISO 3166-1 alpha-2, "" when transnational
    aliases: tuple[str, ...]
    note: str = ""
    source: str = ""  # the lexicon file the entry came from


@dataclass(frozen=True)
class PhraseMatch(Generic[V]):
    """One occurrence of a lexicon phrase in a text, with the entries the phrase stands for."""

    start: int
    end: int
    surface: str
    values: tuple[V, ...]


@dataclass(frozen=True)
class ActorMatch:
    """One occurrence of an actor alias in a text; ``surface`` is exactly ``text[start:end]``."""

    start: int
    end: int
    surface: str
    actor: Actor


@dataclass(frozen=True)
class ActorNoun:
    """A generic actor description ("gunmen", "protesters") and the ACLED actor it stands for when unnamed."""

    words: tuple[str, ...]
    type: str
    inter: int
    label: str  # may hold {country} (country name) placeholders, e.g. "Protesters ({country})"
    note: str = ""


@dataclass(frozen=True)
class Cue:
    """A lowercase trigger phrase and how strongly it points at an event type (0-1)."""

    phrase: str
    weight: float


@dataclass(frozen=True)
class SubEventType:
    """An ACLED sub-event type with its event type, disorder type, PLOVER codes, CASE label and cues."""

    name: str
    event_type: str
    disorder_type: str
    plover_event: str
    plover_mode: str
    case_label: str
    cues: tuple[Cue, ...]
    negative_cues: tuple[Cue, ...] = ()
    plover_context: str = ""
    description: str = ""
    overrides: tuple[str, ...] = ()  # classes this one replaces when both are cued (ACLED precedence)
    override_cues: tuple[Cue, ...] = ()  # cues that count only towards replacing an overridden class


@dataclass(frozen=True)
class OtherEventType:
    """An event class outside ACLED's taxonomy (CASE 2021 'unseen' labels) so a classifier can recognise it."""

    case_label: str
    name: str
    cues: tuple[Cue, ...]
    negative_cues: tuple[Cue, ...] = ()
    plover_event: str = ""
    plover_mode: str = ""
    plover_context: str = ""
    description: str = ""
    overrides: tuple[str, ...] = ()
    override_cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class ActorCue:
    """Cue phrases whose event class depends on an actor's type: the doer's ("the army seized control of the
    town" regains territory, "rebels seized control" overtakes it) or the target's ("killed soldiers" is a
    clash, "killed villagers" an attack). ``classes`` maps actor types to event classes; ``default`` is the
    class when no actor of those types is found ("" = the cue then counts for nothing)."""

    name: str
    role: str  # "doer" or "target"
    classes: tuple[tuple[str, str], ...]  # (ACLED actor type, sub-event name)
    cues: tuple[Cue, ...]
    default: str = ""
    description: str = ""


@dataclass(frozen=True)
class Weapon:
    """A weapon type, the words that name it, and the ACLED sub-event type and PLOVER mode it suggests."""

    name: str
    category: str
    cues: tuple[str, ...]
    sub_event_type: str
    plover_mode: str = ""


@dataclass(frozen=True)
class SpeakerNoun:
    """Head nouns of a speaker phrase ("spokesman", "a source") and the speaker kind they signal."""

    words: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Organisation:
    """A named source of claims: a news outlet or wire, a monitor or NGO, an official body."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    wire: bool = False
    country: str = ""


@dataclass(frozen=True)
class Attribution:
    """Cues for who said what: reporting verbs and phrases, speaker nouns, named organisations, channels."""

    reporting_verbs: tuple[str, ...]
    reporting_phrases: tuple[str, ...]
    speaker_nouns: tuple[SpeakerNoun, ...]
    organisations: tuple[Organisation, ...]
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Hedge:
    """A hedge cue and how much it weakens a claim (0 none .. 1 fully uncertain)."""

    phrase: str
    strength: float
    kind: str = "uncertainty"  # uncertainty | attribution | speculation


@dataclass(frozen=True)
class Hedges:
    """Hedge cues and negation cues."""

    hedges: tuple[Hedge, ...]
    negations: tuple[str, ...]
    denials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantifier:
    """A vague number wording ("dozens") as a range, with the single figure ACLED codes for it."""

    phrase: str
    min: int | None
    max: int | None
    acled: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Qualifier:
    """A number qualifier ("at least", "nearly") and what it does to a stated figure n.

    The resulting range is ``(n + min_offset, n + max_offset)``; an offset of ``None`` leaves that end open.
    """

    phrase: str
    min_offset: int | None
    max_offset: int | None
    approximate: bool = False


@dataclass(frozen=True)
class Numbers:
    """Number words, vague quantities and qualifiers."""

    words: dict[str, int] = field(default_factory=dict)
    quantifiers: tuple[Quantifier, ...] = ()
    qualifiers: tuple[Qualifier, ...] = ()
