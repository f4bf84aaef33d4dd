"""Scores against a gold file: entities, relations and quantities, overall and per type.

`evaluate()` is the library function behind `geoextract evaluate`. A gold file is JSONL, one
document per line: `id`, `text` and any of

- `entities`: `[start, end, label]` (labels mapped to PER/ORG/LOC/MISC, see gold_maps.json);
- `relations`: `head`, `relation`, `tail`, optionally `head_span`/`tail_span` character
  offsets, `polarity`, `modality`. `relation` is an ontology type, or a label the maps know
  (CoNLL04 `Work_For`, CAMEO codes with `relation_root`);
- `quantities`: `text` (and optionally `span`), `value` or `low`/`high`, `unit`,
  `qualifier`, `direction`, `referent`.

A document is scored only for the parts its gold has; `"evaluate": false` skips it.

Matching (one to one, per document):
- an entity: same start, end and mapped label;
- a relation: same type, and each argument matches: when the gold gives a span, the predicted
  mention overlaps it; otherwise the names match (case, accents and punctuation aside), or the
  gold is a CAMEO-style actor code ("ARNGOV") whose first three letters are the predicted
  actor's id or country code;
- a quantity (value+unit): the predicted amount overlaps the gold span and has the same value
  (or low/high) and unit (for counted things, the same head noun: "crew members" ~ "members"); its referent matches when the gold referent's head noun is a word of
  the predicted referent.

Relation types are scored only where the gold's scheme can express them: all 19 types for gold
in the ontology's own labels, else the types its labels map to (AFFILIATION and ASSAULT for
CoNLL04). Predicted relations of other types are not counted as false hits.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .actors import normalise
from .errors import Errors, GeoextractError
from .records import RelationType
from .rules import parse_jsonl, pipeline_dir, read_lines

ONTOLOGY = [t.value for t in RelationType]
NAMES = ("PER", "ORG", "LOC")
_CODE = re.compile(r"^[A-Z]{3}[A-Z]*$")


# -- scores ---------------------------------------------------------------------------------
@dataclass
class Counts:
    """True positives, false positives, false negatives; precision, recall and F1 from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Mistake:
    """A miss (in the gold, not found) or a false hit (found, not in the gold)."""

    doc_id: str
    task: str  # entities | relations | quantities
    kind: str  # miss | false
    what: str
    context: str = ""


@dataclass
class Evaluation:
    """The result of `evaluate()`: counts per task and type, attribute accuracy, mistakes."""

    documents: int = 0
    entities: dict[str, Counts] = field(default_factory=dict)
    relations: dict[str, Counts] = field(default_factory=dict)
    quantities: dict[str, Counts] = field(default_factory=dict)
    attributes: dict[str, list[int]] = field(default_factory=dict)  # name -> [correct, compared]
    unscored: Counter = field(default_factory=Counter)
    outside_scheme: int = 0  # predictions the gold's scheme cannot express (see gold_maps.json)
    mistakes: list[Mistake] = field(default_factory=list)

    @property
    def names(self) -> Counts:
        """Entities over PER, ORG and LOC (the named actors)."""
        total = Counts()
        for label in NAMES:
            total += self.entities.get(label, Counts())
        return total

    @property
    def relations_overall(self) -> Counts:
        total = Counts()
        for counts in self.relations.values():
            total += counts
        return total

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": self.documents}
        if self.entities:
            out["entities"] = {"names": self.names.as_dict(), **{k: v.as_dict() for k, v in sorted(self.entities.items())}}
        if self.relations:
            out["relations"] = {"overall": self.relations_overall.as_dict(),
                                **{k: v.as_dict() for k, v in sorted(self.relations.items())}}
        if self.quantities:
            out["quantities"] = {k: v.as_dict() for k, v in self.quantities.items()}
        if self.attributes:
            out["attributes"] = {k: {"accuracy": round(c / n, 4) if n else None, "compared": n}
                                 for k, (c, n) in sorted(self.attributes.items())}
        if self.unscored:
            out["unscored_gold_relations"] = dict(self.unscored)
        if self.outside_scheme:
            out["predictions_outside_gold_scheme"] = self.outside_scheme
        return out

    def table(self) -> str:
        """A plain-text report: one line per score."""
        lines = [f"{self.documents} documents", f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]

        def row(name: str, c: Counts) -> None:
            lines.append(f"{name:<24}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{c.tp:>6}{c.fp:>6}{c.fn:>6}")

        if self.entities:
            row("entities (PER/ORG/LOC)", self.names)
            for label, counts in sorted(self.entities.items()):
                row(f"  {label}", counts)
        if self.relations:
            row("relations", self.relations_overall)
            for label, counts in sorted(self.relations.items()):
                if counts.tp + counts.fp + counts.fn:
                    row(f"  {label}", counts)
        for name, counts in self.quantities.items():
            row(f"quantities {name}", counts)
        for name, (correct, n) in sorted(self.attributes.items()):
            if n:
                lines.append(f"{name:<24}accuracy {correct / n:.3f} on {n} matched")
        if self.unscored:
            listed = ", ".join(f"{k} x{v}" for k, v in self.unscored.most_common(8))
            lines.append(f"gold relations not scored (no ontology type): {listed}")
        if self.outside_scheme:
            lines.append(f"predicted relations not scored (their arguments are entities the gold's scheme "
                         f"does not link with that relation): {self.outside_scheme}")
        return "\n".join(lines)

    def errors_text(self, limit: int | None = None) -> str:
        lines = []
        for mistake in self.mistakes[:limit]:
            context = f"  | {mistake.context}" if mistake.context else ""
            lines.append(f"{mistake.doc_id}\t{mistake.task}\t{mistake.kind}\t{mistake.what}{context}")
        if limit is not None and len(self.mistakes) > limit:
            lines.append(f"... {len(self.mistakes) - limit} more")
        return "\n".join(lines)


# -- gold -----------------------------------------------------------------------------------
def load_maps(path: str | Path | None = None) -> dict[str, dict[str, str | None]]:
    """The label maps (default pipeline/gold_maps.json), without their `_about` notes."""
    path = Path(path) if path else pipeline_dir() / "gold_maps.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GeoextractError(Errors.E003, path=path, reason=error.strerror or error) from None
    except json.JSONDecodeError as error:
        raise GeoextractError(Errors.E014, path=path, count=1, details=f"  - not valid JSON ({error.msg})") from None
    problems = []
    for key, spec in data.get("relation_arguments", {}).items():
        if key.startswith("_"):
            continue
        if not isinstance(spec, dict) or not all(
                isinstance(spec.get(end, []), list) and set(spec.get(end, [])) <= {"PER", "ORG", "LOC", "MISC"}
                for end in ("head", "tail")):
            problems.append(f"relation_arguments.{key}: needs 'head' and 'tail' lists of PER, ORG, LOC, MISC")
    for section in ("entity_labels", "relations", "cameo_codes", "cameo_roots"):
        values = data.get(section, {})
        if not isinstance(values, dict):
            problems.append(f"'{section}' must be an object")
            continue
        for key, value in values.items():
            if key.startswith("_"):
                continue
            allowed = ("PER", "ORG", "LOC", "MISC") if section == "entity_labels" else ONTOLOGY
            if value is not None and value not in allowed:
                problems.append(f"{section}.{key}: {value!r} is not one of {', '.join(allowed)} or null")
    if problems:
        raise GeoextractError(Errors.E014, path=path, count=len(problems), details="\n".join(f"  - {p}" for p in problems))
    return {k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")} for k, v in data.items()
            if not k.startswith("_") and isinstance(v, dict)}


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a gold file; every problem is reported at once (E014)."""
    path = Path(path)
    if not path.exists():
        raise GeoextractError(Errors.E001, path=path)
    docs, problems = parse_jsonl(read_lines(path))
    kept = []
    for doc in docs:
        number = doc.pop("_line")
        found = _check_gold(doc)
        problems.extend(f"line {number}: {p}" for p in found)
        if not found and doc.get("evaluate", True) is not False:
            doc.setdefault("id", f"line-{number}")
            kept.append(doc)
    docs = kept
    if problems:
        problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
        shown = problems[:50] + ([f"... {len(problems) - 50} more"] if len(problems) > 50 else [])
        raise GeoextractError(Errors.E014, path=path, count=len(problems), details="\n".join(f"  - {p}" for p in shown))
    if not docs:
        raise GeoextractError(Errors.E015, path=path)
    return docs


def _check_gold(doc: Any) -> list[str]:
    if not isinstance(doc, dict):
        return ["not a JSON object"]
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["'text' must be a non-empty string"]
    problems = []

    def span_ok(value: Any) -> bool:
        return (isinstance(value, (list, tuple)) and len(value) >= 2 and all(isinstance(v, int) for v in value[:2])
                and 0 <= value[0] < value[1] <= len(text))

    for entity in doc.get("entities") or []:
        if not span_ok(entity) or len(entity) < 3 or not isinstance(entity[2], str):
            problems.append(f"entity {entity!r} must be [start, end, label] inside the text")
    for rel in doc.get("relations") or []:
        if not isinstance(rel, dict) or not all(isinstance(rel.get(k), str) for k in ("head", "relation", "tail")):
            problems.append(f"relation {rel!r} needs 'head', 'relation' and 'tail' strings")
            continue
        for key in ("head_span", "tail_span"):
            if rel.get(key) is not None and not span_ok(rel[key]):
                problems.append(f"relation {rel['head']!r} {rel['relation']} {rel['tail']!r}: '{key}' must be [start, end] inside the text")
    for quantity in doc.get("quantities") or []:
        if not isinstance(quantity, dict) or not isinstance(quantity.get("text"), str):
            problems.append(f"quantity {quantity!r} needs a 'text' string")
            continue
        if quantity.get("span") is not None and not span_ok(quantity["span"]):
            problems.append(f"quantity {quantity['text']!r}: 'span' must be [start, end] inside the text")
        elif quantity.get("span") is None and quantity["text"] not in text:
            problems.append(f"quantity {quantity['text']!r} does not occur in the text")
    return problems


def gold_relation_type(rel: dict[str, Any], maps: dict[str, dict[str, str | None]]) -> tuple[str | None, bool]:
    """(ontology type or None, whether the label was known at all)."""
    label = rel.get("relation", "")
    if label in ONTOLOGY:
        return label, True
    if label in maps.get("relations", {}):
        return maps["relations"][label], True
    codes, roots = maps.get("cameo_codes", {}), maps.get("cameo_roots", {})
    if label in codes:
        return codes[label], True
    root = rel.get("relation_root") or (label[:2] if label[:2].isdigit() else None)
    if root in roots:
        return roots[root], True
    return None, False


def scored_types(docs: list[dict[str, Any]], maps: dict[str, dict[str, str | None]]) -> set[str]:
    """The relation types the gold's labels can express."""
    labels = {rel["relation"] for doc in docs for rel in doc.get("relations") or []}
    if not labels or labels <= set(ONTOLOGY):
        return set(ONTOLOGY)
    types: set[str] = set()
    for label in labels:
        if label in ONTOLOGY:
            types.add(label)
        elif label in maps.get("relations", {}):
            types.update(v for v in maps["relations"].values() if v)
        elif label[:2].isdigit():
            types.update(v for v in maps.get("cameo_roots", {}).values() if v)
            types.update(v for v in maps.get("cameo_codes", {}).values() if v)
    return types


# -- evaluation -----------------------------------------------------------------------------
def evaluate(gold: str | Path | Iterable[dict[str, Any]], nlp: Language | None = None, *, model: str | None = None,
             actors: str | Path | None = None, relations: str | Path | None = None, maps: str | Path | None = None,
             types: Iterable[str] | None = None, min_confidence: float = 0.0, batch_size: int = 32) -> Evaluation:
    """Run the pipeline over the gold documents' texts and score what it finds.

    Args:
        gold: a gold JSONL path, or gold documents (dicts).
        nlp: a pipeline from `load_pipeline()`; default: loaded from model/actors/relations.
        maps: label maps (default pipeline/gold_maps.json).
        types: score only these relation types.
        min_confidence: ignore predicted relations below this confidence.
    """
    docs = read_gold(gold) if isinstance(gold, (str, Path)) else [d for d in gold if d.get("evaluate", True) is not False]
    label_maps = load_maps(maps)
    wanted = scored_types(docs, label_maps)
    if types:
        unknown = sorted(set(types) - set(ONTOLOGY))
        if unknown:
            raise GeoextractError(Errors.E012, values=", ".join(unknown), choices=", ".join(ONTOLOGY))
        wanted &= set(types)
    if nlp is None:
        from .pipeline import load_pipeline

        nlp = load_pipeline(model, actors=actors, relations=relations)
    countries = _countries(nlp)
    result = Evaluation()
    texts = ((doc["text"], doc) for doc in docs)
    arguments = argument_classes(docs, label_maps)
    labels = label_maps["entity_labels"]
    classes = list(NAMES) + (["MISC"] if any(labels.get(e[2], e[2]) == "MISC" for d in docs for e in d.get("entities") or []) else [])
    for parsed, gold_doc in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        result.documents += 1
        if "entities" in gold_doc:
            _score_entities(parsed, gold_doc, labels, classes, result)
        if "relations" in gold_doc:
            _score_relations(parsed, gold_doc, label_maps, wanted, arguments, countries, min_confidence, result)
        if "quantities" in gold_doc:
            _score_quantities(parsed, gold_doc, result)
    return result


def predicted_entities(doc: Doc, labels: dict[str, str | None]) -> set[tuple[int, int, str]]:
    """NER entities in CoNLL classes, without a leading "the" or a trailing possessive.

    A capital "The" inside a sentence is the name's own ("at The Oval", "The Hague"); at the
    start of a sentence it is only capitalised ("The European Commission said"), and goes.
    """
    found = {}
    for ent in doc.ents:
        label = labels.get(ent.label_)
        if label:
            first = ent[0]
            start = ent.start + 1 if len(ent) > 1 and (first.text == "the" or (first.lower_ == "the" and (
                first.is_sent_start or doc[first.i - 1].is_space))) else ent.start
            span = doc[start:ent.end]
            end = span.end - 1 if len(span) > 1 and span[-1].tag_ == "POS" else span.end
            found[(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))] = label
    return {(start, end, label) for (start, end), label in found.items()}


def _countries(nlp: Language) -> dict[str, str]:
    try:
        resolver = nlp.get_pipe("geoextract_actors")
    except KeyError:
        return {}
    return {actor_id: str(entry.get("country") or "") for actor_id, entry in getattr(resolver, "by_id", {}).items()}


def _score_entities(doc: Doc, gold: dict[str, Any], labels: dict[str, str | None], classes: list[str],
                    result: Evaluation) -> None:
    """PER, ORG and LOC always; MISC only when the gold file has it (CoNLL04 does not)."""
    expected = {(s, e, labels.get(label, label)) for s, e, label, *_ in gold["entities"]}
    expected = {item for item in expected if item[2] in classes}
    found = predicted_entities(doc, labels)
    for label in classes:
        gold_set = {item for item in expected if item[2] == label}
        found_set = {item for item in found if item[2] == label}
        counts = result.entities.setdefault(label, Counts())
        counts += Counts(len(gold_set & found_set), len(found_set - gold_set), len(gold_set - found_set))
        for start, end, _ in sorted(gold_set - found_set):
            result.mistakes.append(Mistake(gold["id"], "entities", "miss", f"{label} {doc.text[start:end]!r}", _around(doc.text, start, end)))
        for start, end, _ in sorted(found_set - gold_set):
            result.mistakes.append(Mistake(gold["id"], "entities", "false", f"{label} {doc.text[start:end]!r}", _around(doc.text, start, end)))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _arg_matches(name: str, span: list[int] | None, pred: dict[str, Any], end: str, countries: dict[str, str]) -> bool:
    if span is not None:
        return _overlaps((span[0], span[1]), (pred[f"{end}_start"], pred[f"{end}_end"]))
    if normalise(name) in (normalise(pred[end]), normalise(pred[f"{end}_id"])):
        return True
    if _CODE.match(name):  # a CAMEO-style actor code: country plus sector letters
        code = name[:3]
        actor_id = pred[f"{end}_id"]
        return code == actor_id.upper() or code == countries.get(actor_id, "").upper()
    return False


def _score_relations(doc: Doc, gold: dict[str, Any], maps: dict[str, dict[str, str | None]], wanted: set[str],
                     arguments: dict[str, dict[str, list[str]]],
                     countries: dict[str, str], min_confidence: float, result: Evaluation) -> None:
    expected = []
    for rel in gold["relations"]:
        kind, known = gold_relation_type(rel, maps)
        if kind is None:
            result.unscored[rel["relation"] if not known else f"{rel['relation']} (mapped to none)"] += 1
            continue
        if kind in wanted:
            expected.append((kind, rel))
    predicted = [r for r in (doc._.relations or []) if r["relation"] in wanted and r["confidence"] >= min_confidence]
    if arguments:
        entities = [(s, e, maps["entity_labels"].get(label, label)) for s, e, label, *_ in gold.get("entities") or []]
        kept = []
        for rel in predicted:
            classes = arguments.get(rel["relation"])
            if classes and not (_class_ok(rel["source_start"], rel["source_end"], classes["head"], entities)
                                and _class_ok(rel["target_start"], rel["target_end"], classes["tail"], entities)):
                result.outside_scheme += 1
                continue
            kept.append(rel)
        predicted = kept
    # one prediction per (type, source mention, target mention): duplicates from two rules are one claim
    unique: dict[tuple, dict[str, Any]] = {}
    for rel in predicted:
        unique.setdefault((rel["relation"], rel["source_start"], rel["target_start"], rel["source_id"], rel["target_id"]), rel)
    predicted = list(unique.values())
    used: set[int] = set()
    for kind, rel in expected:
        counts = result.relations.setdefault(kind, Counts())
        match = None
        for index, pred in enumerate(predicted):
            if index in used or pred["relation"] != kind:
                continue
            if (_arg_matches(rel["head"], rel.get("head_span"), pred, "source", countries)
                    and _arg_matches(rel["tail"], rel.get("tail_span"), pred, "target", countries)):
                match = index
                break
        if match is None:
            counts.fn += 1
            result.mistakes.append(Mistake(gold["id"], "relations", "miss", f"{rel['head']} {kind} {rel['tail']}",
                                           _sentence_at(doc, rel.get("head_span") or rel.get("tail_span"))))
            continue
        used.add(match)
        counts.tp += 1
        pred = predicted[match]
        for attribute in ("polarity", "modality"):
            if rel.get(attribute):
                tally = result.attributes.setdefault(attribute, [0, 0])
                tally[0] += pred[attribute] == rel[attribute]
                tally[1] += 1
    for index, pred in enumerate(predicted):
        if index in used:
            continue
        result.relations.setdefault(pred["relation"], Counts()).fp += 1
        result.mistakes.append(Mistake(gold["id"], "relations", "false",
                                       f"{pred['source']} {pred['relation']} {pred['target']} [{pred['pattern_id']}]",
                                       pred["evidence"][:160]))


def argument_classes(docs: list[dict[str, Any]], maps: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per ontology type, the entity classes the gold scheme's relation links (CoNLL04's
    Work_For: PER -> ORG), for the scheme labels the gold file uses."""
    spec, relations = maps.get("relation_arguments", {}), maps.get("relations", {})
    labels = {rel.get("relation") for doc in docs for rel in doc.get("relations") or []}
    return {relations[label]: spec[label] for label in labels & set(spec) if relations.get(label)}


def _class_ok(start: int, end: int, classes: list[str], entities: list[tuple[int, int, str | None]]) -> bool:
    """False when the span falls on a gold entity of a class the relation cannot take."""
    for s, e, label in entities:
        if s < end and start < e and label is not None:
            return label in classes
    return True


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


def _unit_key(unit: Any) -> str:
    unit = str(unit or "").strip().lower()
    if unit in ("%", "per cent", "pct", "percentage points"):
        unit = "percent"
    return _singular(unit)


def _same_unit(gold: Any, pred: Any) -> bool:
    """Same unit, or the same head noun of a counted unit ("crew members" ~ "members")."""
    a, b = _unit_key(gold), _unit_key(pred)
    return a == b or (bool(a) and bool(b) and _unit_key(a.split()[-1]) == _unit_key(b.split()[-1]))


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def _value_matches(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if gold.get("value") is not None:
        value = pred["value"] if pred["value"] is not None else (pred["low"] if pred["low"] == pred["high"] else None)
        return _same_number(gold["value"], value)
    return _same_number(gold.get("low"), pred["low"]) and _same_number(gold.get("high"), pred["high"])


def _referent_matches(gold: str | None, pred: str | None) -> bool:
    if not gold or not pred:
        return False
    head = _unit_key(re.findall(r"[\w-]+", gold.lower())[-1]) if re.findall(r"[\w-]+", gold.lower()) else ""
    return bool(head) and head in {_unit_key(w) for w in re.findall(r"[\w-]+", pred.lower())}


def _score_quantities(doc: Doc, gold: dict[str, Any], result: Evaluation) -> None:
    score_quantities(doc.text, list(doc._.quantities or []), gold, result)


def score_quantities(text: str, predicted: list[dict[str, Any]], gold: dict[str, Any], result: Evaluation) -> None:
    """Add one document's quantity scores to `result`.

    Args:
        text: the document's text.
        predicted: amounts as `doc._.quantities` holds them (start, end, value, low, high, unit,
            referent, qualifier, direction), from geoextract or from another extractor.
        gold: the gold document, with `quantities`.
    """
    values = result.quantities.setdefault("value+unit", Counts())
    referents = result.quantities.setdefault("referent", Counts())
    used: set[int] = set()
    for quantity in gold["quantities"]:
        span = quantity.get("span") or _find(text, quantity["text"])
        candidates = [i for i, p in enumerate(predicted) if i not in used and _overlaps((span[0], span[1]), (p["start"], p["end"]))]
        match = next((i for i in candidates if _value_matches(quantity, predicted[i])
                      and _same_unit(quantity.get("unit"), predicted[i]["unit"])), None)
        has_referent = bool(quantity.get("referent"))
        if match is None:
            values.fn += 1
            referents.fn += has_referent
            got = predicted[candidates[0]] if candidates else None
            found = f" (found {_describe(got)})" if got else ""
            result.mistakes.append(Mistake(gold["id"], "quantities", "miss", f"{_describe(quantity)}{found}",
                                           _around(text, span[0], span[1])))
            continue
        used.add(match)
        values.tp += 1
        pred = predicted[match]
        if has_referent:
            if _referent_matches(quantity["referent"], pred.get("referent")):
                referents.tp += 1
            else:
                referents.fn += 1
                referents.fp += bool(pred.get("referent"))
                result.mistakes.append(Mistake(gold["id"], "quantities", "miss",
                                               f"referent {quantity['referent']!r} of {quantity['text']!r} (found {pred.get('referent')!r})"))
        for attribute in ("qualifier", "direction"):
            if attribute in quantity:
                tally = result.attributes.setdefault(f"quantity {attribute}", [0, 0])
                tally[0] += (quantity[attribute] or None) == (pred.get(attribute) or None)
                tally[1] += 1
    for index, pred in enumerate(predicted):
        if index not in used:
            values.fp += 1
            referents.fp += bool(pred.get("referent"))
            result.mistakes.append(Mistake(gold["id"], "quantities", "false", _describe(pred),
                                           _around(text, pred["start"], pred["end"])))


def _describe(q: dict[str, Any]) -> str:
    amount = q.get("value") if q.get("value") is not None else f"{q.get('low')}..{q.get('high')}"
    return f"{q.get('text')!r} = {amount} {q.get('unit')}"


def _find(text: str, surface: str) -> tuple[int, int]:
    start = text.find(surface)
    return start, start + len(surface)


def _around(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return re.sub(r"\s+", " ", f"{left}[{text[start:end]}]{right}").strip()


def _sentence_at(doc: Doc, span: list[int] | None) -> str:
    if not span:
        return re.sub(r"\s+", " ", doc.text[:160])
    token = doc.char_span(span[0], span[1], alignment_mode="expand")
    if token is None or not len(token) or not doc.has_annotation("SENT_START"):
        return _around(doc.text, span[0], span[1])
    return re.sub(r"\s+", " ", token[0].sent.text)[:160]

