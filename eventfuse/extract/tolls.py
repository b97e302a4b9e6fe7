"""Tolls: how many people were killed, injured or shot, and who they were (the party), as ranges.

Hands on killed:PARTY, injured:PARTY and shot:PARTY claims (a "no one was hurt" toll is a negated zero).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Claim
from .context import NOTHING, DocumentContext, Finder, Found, SentenceContext, Shared
from .registry import register

if TYPE_CHECKING:
    from spacy.tokens import Span

# A person's death told without a toll word ("he died at the scene").
DIED = r"died|dies|succumbed|lost (?:his|her) life"
# Words after "killed"/"shot" that make it active ("a man killed his wife"): an object follows.
ACTIVE_OBJECT = re.compile(
    r"\s+(?:a|an|the|his|her|their|its|him|them|himself|herself|themselves|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|\d+)\b"
)
# "fired one shot": the shot is a round, not a person hit.
FIRED_BEFORE = re.compile(r"\b(?:fired|fire|fires|firing|heard|rang out)\s+$", re.I)
# A month name just before a number makes it a day ("the May 3 killing").
DAY_OF_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.I)


@register("tolls")
class TollsFinder(Finder):
    """Toll patterns over the words of ``extraction.toml`` [toll], tried in order; a later pattern never takes
    words an earlier one took. A sentence with no toll word is skipped before the patterns."""

    needs = ("background", "foreground")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.patterns = shared.patterns
        self.quantities = shared.quantities
        self.toll_res = self.toll_patterns()
        # Every toll pattern needs one of these words: a sentence without any is skipped before the patterns.
        self.toll_cue = re.compile(
            r"\b(?:"
            + "|".join(sorted(map(re.escape, self.patterns.toll_words), key=len, reverse=True))
            + rf"|{DIED}|claim(?:ed|ing) the li(?:fe|ves))",
            re.I,
        )

    def toll_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The toll patterns, tried in this order; a later one never takes words an earlier one took."""
        q = self.quantities
        qualifier = q.qualifier
        people = "|".join(sorted(map(re.escape, self.patterns.people), key=len, reverse=True))
        killed = "|".join(sorted(map(re.escape, self.patterns.killed_words), key=len, reverse=True))
        injured = "|".join(sorted(map(re.escape, self.patterns.injured_words), key=len, reverse=True))
        # "shot" as a toll is people hit ("five people were shot"), not shots fired at them ("shot at a car")
        shot = "|".join(sorted(map(re.escape, self.patterns.shot_words), key=len, reverse=True))
        # Words between a number and the people it counts ("three [Iraqi security] fighters") are never a
        # toll word, a conjunction or another number: "two dead and multiple others injured" counts two dead.
        single = [w for w in self.patterns.toll_words if " " not in w]
        ages = ["year-old", "years-old", "month-old", "week-old", "day-old", "year", "years", "month", "months"]
        stops = "|".join(sorted(map(re.escape, [*single, *ages, "and", "or", "but", *q.words]), key=len, reverse=True))
        age = r"\d{1,3}[- ](?:year|month|week|day)s?[- ]old\s+"  # "a 12 year-old girl" is one girl
        filler = rf"(?:{age}|(?!(?:{stops}|\d[\d,]*)\s)[\w.'-]+\s+)"
        one = [p for p in self.patterns.people if not _plural(p)]
        one_party = rf"(?P<party>{filler}{{0,1}}?(?:{'|'.join(sorted(map(re.escape, one), key=len, reverse=True))}))"
        fatal = "|".join(sorted(map(re.escape, self.patterns.fatal_nouns), key=len, reverse=True)) or "(?!)"
        party = rf"(?P<party>{filler}{{0,3}}?(?:{people}))"
        verb = rf"(?P<verb>{killed}|{injured}|(?:{shot})(?!\s+(?:at|back|up|down|out|through|into)\b))"
        # "were [later] killed", but "was fatally wounded" is a death, not an injury
        be = r"(?:were|was|have been|has been|had been|are|is)\s+(?:(?!fatally\b)\w+\s+)?"
        quantity = q.person_quantity
        died = DIED
        name = r"\b[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}(?:,\s*\d{1,3})?"
        person_number = q.person_number
        second = rf"(?P<qual2>(?:{qualifier})\s+)?(?P<num2>{person_number})\s+(?P<party2>{filler}{{0,3}}?(?:{people}))"
        # A number that ends a clause ("killed one and injured three"), not one that counts something else.
        clause_end = r"(?=\s*(?:[,.;:)]|and\b|or\b|$))"
        return (
            re.compile(rf"\b(?P<neg>no|none of the|not a single)\s+{party}\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{quantity}\s+{party},?\s+and\s+{second}\s+(?:{be})?{verb}\b", re.I),
            # "two soldiers were killed", "a 25-year-old man who was shot and killed"
            re.compile(rf"\b{quantity}\s+(?:of\s+the\s+)?{party}(?:,?\s+who)?\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{verb}\s+{quantity}\s+{party},?\s+and\s+{second}\b", re.I),
            re.compile(rf"\b{verb}\s+{quantity}\s+{party}\b", re.I),
            re.compile(rf"\b(?P<verb>claimed the lives? of|claiming the lives? of)\s+{quantity}\s+{party}", re.I),
            re.compile(rf"\b(?P<neg>no one|nobody)\s+{be}{verb}\b", re.I),
            re.compile(rf"\b{q.quantity}\s+(?:{be})?{verb}\b", re.I),
            re.compile(rf"\b{verb}\s+{q.quantity}{clause_end}", re.I),
            # one person, named or "he"/"she", who was killed or died (not who killed): at least one, as the
            # article may name others
            re.compile(rf"\b(?P<one>he|she)\s+(?:{be}{verb}|(?P<verb_i>{died}))\b", re.I),
            # "Izaak Bridges, 21, and Tanishia Graham, 32, were shot to death": each person named
            re.compile(
                rf"(?P<name>{name}(?:(?:,\s*|,?\s+and\s+){name})*)(?:,\s*\d{{1,3}},)?\s+(?:{be}{verb}|(?P<verb_i>{died}))\b"
            ),
            # "the victim died", "the man was shot and killed": one person the report has spoken of, at least one
            re.compile(rf"\b(?P<the>the)\s+{one_party}\s+(?:{be}{verb}|(?P<verb_i>{died}))\b", re.I),
            # "leaving two people dead", "left one dead"
            re.compile(rf"\b(?:left|leaving|leaves)\s+{quantity}(?:\s+{party})?\s+(?P<verb>dead)\b", re.I),
            # "the death of a 25-year-old man"
            re.compile(rf"\b(?P<verb>deaths? of)\s+{quantity}\s+{party}", re.I),
            # "a fatal shooting", "the homicide": someone died, at least one
            re.compile(rf"\b(?:a|an|the|this|that)\s+(?:\w+\s+)?(?P<fatal>{fatal})\b", re.I),
        )

    def find(self, sentence: SentenceContext, document: DocumentContext) -> Found:
        if sentence.background or not self.toll_cue.search(sentence.event_text):
            return NOTHING
        return Found(tuple(self.claims(sentence, document.entities)))

    def claims(self, sentence: SentenceContext, entities: Sequence[Span] | None = None) -> list[Claim]:
        """The sentence's toll claims; ``entities``: the Doc's, when already listed (else the sentence's own)."""
        text = sentence.event_text
        claims: list[Claim] = []
        taken: list[tuple[int, int]] = []
        last_party: str | None = None
        span = sentence.span
        # the entities within the sentence, as its own .ents gives them
        within = span.ents if entities is None else [e for e in entities if span.start <= e.start and e.end <= span.end]
        persons = [
            (e.start_char - sentence.start, e.end_char - sentence.start)
            for e in within
            if e.label_ == "PERSON" and not sentence.in_background(e.start_char)
        ]
        killed_words, shot_words = self.patterns.killed_words, self.patterns.shot_words
        for pattern in self.toll_res:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                groups = match.groupdict()
                verb = (groups.get("verb") or groups.get("verb_i") or "").casefold()
                if groups.get("fatal") is not None or _is_kill(verb, killed_words) or verb.startswith("death"):
                    kind = "killed"
                elif verb in shot_words:
                    kind = "shot"
                    if FIRED_BEFORE.search(text, 0, match.start()):
                        continue  # "the officer fired one shot": a shot fired, not a person hit
                else:
                    kind = "injured"
                if (
                    groups.get("party")
                    and groups.get("verb")
                    and not text[match.end("party") : match.start("verb")].strip()
                ):
                    if ACTIVE_OBJECT.match(text, match.end()):
                        continue  # "a man killed his wife", "a student shot five people": who did it, not the toll
                named = 0
                if groups.get("name") is not None:
                    named = sum(1 for s, e in persons if match.start("name") <= s and e <= match.end("name"))
                    if not any(s <= match.start("name") < e for s, e in persons):
                        continue  # "Police were killed" names no one
                party_phrase = groups.get("party") or ""
                if groups.get("neg"):
                    low, high = 0, 0
                elif groups.get("one") is not None or groups.get("name") is not None:
                    low, high, party_phrase = max(1, named), None, "person"
                elif groups.get("the") is not None or groups.get("fatal") is not None:
                    low, high = 1, None
                else:
                    figure = self.quantities.range(groups.get("qual"), groups.get("num") or "")
                    low, high = figure.min, figure.max
                    if low is None or (groups.get("num") or "").casefold() in ("a", "an") and _plural(party_phrase):
                        continue  # "a lot of people": "a" counts one person, not a crowd
                    if DAY_OF_MONTH.search(text, 0, match.start("num")):
                        continue  # "the May 3 killing", "his Jan. 19 death": a date, not a toll
                    number = groups["num"]
                    if number.isdigit() and 1900 <= int(number) <= 2099 and not groups.get("qual"):
                        if not party_phrase or "\n" in text[match.end("num") : match.end()]:
                            continue  # "his 2015 death", "August 25, 2015\n\nThe child shot": a year
                    if re.match(r"of\s+the\s", text[match.end("num") :].lstrip(), re.I):
                        high = None  # "two of the victims were wounded": at least two
                    if groups.get("num2"):
                        second = self.quantities.range(groups.get("qual2"), groups["num2"])
                        if second.min is None:
                            continue
                        low2, high2 = second.min, second.max
                        low, high = low + low2, None if high is None or high2 is None else high + high2
                        key, key2 = self.party(party_phrase)[0], self.party(groups["party2"])[0]
                        party_phrase = party_phrase if key == key2 else "people"
                party, party_words = self.party(party_phrase) if party_phrase else (last_party or "people", "")
                last_party = party
                if groups.get("num2"):
                    party_words = text[match.start() : match.start("verb")].strip()
                value = {"min": low, "max": high, "party": party_words or party}
                wording = text[match.start() : match.end()]
                claims.append(
                    sentence.claim(
                        f"{kind}:{party}",
                        value,
                        match.start(),
                        match.end(),
                        wording=wording,
                        negated=bool(groups.get("neg")),
                    )
                )
                taken.append((match.start(), match.end()))
        return claims

    def party(self, phrase: str) -> tuple[str, str]:
        """The party key a toll is about (its head noun, unified) and its words as written."""
        words = phrase.casefold().split()
        head = words[-1] if words else "people"
        if len(words) >= 2 and " ".join(words[-2:]) in self.patterns.party_synonyms:
            head = " ".join(words[-2:])
        key = self.patterns.party_synonyms.get(head, head)
        return key, phrase.strip()


def _plural(phrase: str) -> bool:
    """Whether a phrase's head noun names several people ("a lot of people", not "a police officer")."""
    head = phrase.casefold().split()[-1] if phrase.split() else ""
    return head in ("people", "men", "women", "children", "police") or (head.endswith("s") and not head.endswith("ss"))


def _is_kill(verb: str, killed_words: Sequence[str]) -> bool:
    return verb in killed_words or verb.startswith(("claimed the li", "claiming the li", "kill"))
