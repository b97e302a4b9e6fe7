"""Training of the role model: who did it, who was hurt, what was hit, from MUC-4's dev messages.

Hands ``eventfuse train roles`` the model file ``eventfuse/data/roles.model.json`` and its figures: per class,
out-of-fold (5 folds grouped by message) beside the model refit on all of dev. MUC-4's test sets (TST1, TST2) are
never read here: ``bench muc`` scores on them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import BenchDataError
from ..extract.role_model import (
    MODEL_FILE,
    NONE,
    PERPETRATOR,
    ROLE_CLASSES,
    VICTIM,
    Candidate,
    anchor_of,
    candidates,
    features,
    responsibility_status,
)
from ..learned import LinearModel, best_threshold, fit

log = logging.getLogger(__name__)

OUTPUTS = (MODEL_FILE,)
DEV_FILE = "muc4-dev.jsonl"  # the only MUC file read: tst1 and tst2 are the benchmark's test sets
FOLDS = 5
# Strong regularisation and frequent features only: the cross-validated figure stays within 0.02 of the full-dev one.
C = 0.01
MIN_FEATURE_COUNT = 20  # a feature seen on fewer training spans is left out (it cannot be weighed)
# MUC-4 template slots -> the role their strings fill.
SLOT_ROLES = {
    "perp_organization_id": PERPETRATOR,
    "perp_individual_id": PERPETRATOR,
    "hum_tgt_name": VICTIM,
    "hum_tgt_description": VICTIM,
}
# When one string fills two slots, the role a reader would name first.
PRIORITY = (PERPETRATOR, VICTIM)
_ARTICLES = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER"}


@dataclass(frozen=True)
class Example:
    """One candidate span of a dev message: its features, its role in the message's templates, its message."""

    row: dict[str, float]
    label: str
    message: str
    text: str


def train(data_root: Path, out_dir: Path) -> dict[str, Any]:
    """Fit the role model on MUC-4 dev and write it to ``out_dir``; return the figures (cross-validated and
    full-dev, per class)."""
    from ..bench import read_jsonl
    from ..bench.muc import CaseRestorer, dateline, restore_case
    from ..extract import Extractor
    from ..geo import Gazetteer
    from ..lexicon import load_lexicon
    from ..model import Article, article_id_for
    from ..nlp import load_model

    path = Path(data_root) / "muc" / DEV_FILE
    if not path.is_file():
        raise BenchDataError(f"{path}: MUC-4 dev file not found (pass --data DIR holding muc/{DEV_FILE})")
    messages = list(read_jsonl(path, ("text", "templates")))
    nlp = load_model()
    lexicon = load_lexicon()
    extractor = Extractor(lexicon, Gazetteer.open(), learned_roles=False)
    restorer = CaseRestorer.build(nlp, extractor.gazetteer, lexicon)
    texts = [restore_case(m["text"], restorer) for m in messages]
    examples: list[Example] = []
    for message, text, doc in zip(messages, texts, nlp.pipe(texts, batch_size=16), strict=True):
        article = Article(id=article_id_for(text), raw_text=text, text=text, published=dateline(message["text"]))
        examples.extend(message_examples(extractor, article, doc, message))
    return fit_and_write(examples, out_dir)


def message_examples(extractor: Any, article: Any, doc: Any, message: dict[str, Any]) -> Iterator[Example]:
    """The candidate spans of one message with their features and roles."""
    gold = gold_strings(message.get("templates") or [])
    actors_finder = next(f for f in extractor.finders if f.name == "actors")
    actors = actors_finder.actor_mentions(article.text, doc)
    triggers = {}
    for mention in extractor.extract(article, doc):
        tail = mention.id.rsplit(":", 1)[-1]
        cue = next((c for c in mention.claims if c.field == "event_type"), None)
        if tail.isdigit() and cue is not None and mention.sub_event_type:
            triggers[int(tail)] = (cue.start, cue.end, mention.sub_event_type)
    people = actors_finder.people
    toll_words = actors_finder.toll_words
    responsibility = extractor.patterns.responsibility
    entities = tuple(doc.ents)
    for index, sentence in enumerate(doc.sents):
        found = triggers.get(index)
        trigger = None
        if found is not None:
            span = doc.char_span(found[0], found[1], alignment_mode="expand")
            trigger = span.root if span is not None else None
        in_sentence = [a for a in actors if sentence.start_char <= a.start < sentence.end_char]
        listed = candidates(sentence, in_sentence, people, nouns=trigger is not None, entities=entities)
        for candidate in listed:
            row = features(
                candidate,
                anchor_of(sentence, trigger),
                triggered=trigger is not None,
                event_class=found[2] if found else "",
                toll_words=toll_words,
                responsibility=responsibility_status(sentence.text, responsibility),
            )
            yield Example(row, label_of(candidate, gold), str(message.get("id")), candidate.text)


def gold_strings(templates: Sequence[dict[str, Any]]) -> dict[str, set[str]]:
    """Per role, the normalised strings the message's templates fill it with (every alternative)."""
    found: dict[str, set[str]] = {role: set() for role in PRIORITY}
    for template in templates:
        for slot, role in SLOT_ROLES.items():
            for fill in template.get(slot) or []:
                found[role].update(n for n in (_norm(a) for a in fill.get("alts") or []) if n)
    return found


def label_of(candidate: Candidate, gold: dict[str, set[str]]) -> str:
    """The role a candidate fills: its words are a fill's words, or one holds the other with the same head noun."""
    text = _norm(candidate.text)
    if not text:
        return NONE
    head = text.split()[-1]
    for role in PRIORITY:
        for fill in gold[role]:
            if text == fill or (fill.split()[-1] == head and (fill in text or text in fill)):
                return role
    return NONE


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[A-Z0-9]+", folded.replace("'", ""))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def fit_and_write(examples: Sequence[Example], out_dir: Path) -> dict[str, Any]:
    """Cross-validate (folds grouped by message), fit on all, choose each role's threshold on the out-of-fold
    probabilities, write the model with its figures."""
    from sklearn.model_selection import GroupKFold

    if not examples:
        raise BenchDataError("no candidate spans in the MUC-4 dev messages")
    counts = Counter(name for e in examples for name, value in e.row.items() if value)
    names = sorted(name for name, n in counts.items() if n >= MIN_FEATURE_COUNT)
    rows = [e.row for e in examples]
    labels = [e.label for e in examples]
    groups = [e.message for e in examples]
    oof: list[dict[str, float]] = [{} for _ in examples]
    for train_index, test_index in GroupKFold(n_splits=FOLDS).split(rows, labels, groups):
        fold_model, _ = fit(
            "roles",
            [rows[i] for i in train_index],
            [labels[i] for i in train_index],
            [groups[i] for i in train_index],
            c=C,
            folds=1,
            features=names,
        )
        for i in test_index:
            oof[i] = _probabilities(fold_model, rows[i])
    thresholds = {}
    for role in (PERPETRATOR, VICTIM):
        threshold, _ = best_threshold([p.get(role, 0.0) for p in oof], [label == role for label in labels])
        thresholds[role] = round(threshold, 4)
    model, _ = fit("roles", rows, labels, groups, c=C, folds=1, features=names)
    full = [_probabilities(model, row) for row in rows]
    figures = {
        "data": f"MUC-4 dev ({DEV_FILE}): {len(set(groups))} messages, {len(examples)} candidate spans",
        "classes": dict(Counter(labels)),
        "thresholds": thresholds,
        "cross_validated": per_class(labels, oof, thresholds),
        "full_dev": per_class(labels, full, thresholds),
        "folds": f"{FOLDS} folds grouped by message (GroupKFold)",
        "features": len(names),
        "command": "eventfuse train roles",
    }
    model = replace(model, meta=figures)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir / MODEL_FILE)
    return figures


def _probabilities(model: LinearModel, row: dict[str, float]) -> dict[str, float]:
    probabilities = model.probabilities(row)
    return {c: probabilities.get(c, 0.0) for c in ROLE_CLASSES}


def per_class(labels: Sequence[str], probabilities: Sequence[dict[str, float]], thresholds: dict[str, float]) -> dict:
    """Precision, recall and F1 of each role (a span is given a role when its probability reaches the role's
    threshold; others by the most probable class)."""
    figures = {}
    for role in (PERPETRATOR, VICTIM):
        threshold = thresholds.get(role)
        predicted = [
            (p.get(role, 0.0) >= threshold) if threshold is not None else max(p, key=lambda c: p[c]) == role
            for p in probabilities
        ]
        truth = [label == role for label in labels]
        tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
        precision = tp / sum(predicted) if any(predicted) else 0.0
        recall = tp / sum(truth) if any(truth) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures[role] = {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4), "n": sum(truth)}
    return figures
