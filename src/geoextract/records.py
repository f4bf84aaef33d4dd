"""The typed records that flow from text to table to graph.

One vocabulary throughout: a `Relation` has a `source` and a `target` (as networkx and
GraphML name the ends of an edge), a closed `relation` type from the ontology and its
provenance. The tables (`table.py`) and the graph (`graph.py`) are built from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum


class RelationType(str, Enum):
    """The closed vocabulary of `relation` (docs: ../shared/docs/ontology.md, PLOVER-based)."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    TRADE = "TRADE"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    AFFILIATION = "AFFILIATION"
    STATEMENT = "STATEMENT"


class ActionCategory(str, Enum):
    ECONOMIC = "ECONOMIC"
    MILITARY = "MILITARY"
    DIPLOMATIC = "DIPLOMATIC"
    CYBER = "CYBER"
    LABOR = "LABOR"
    TRANSPORT = "TRANSPORT"
    EDUCATION = "EDUCATION"
    HUMANITARIAN = "HUMANITARIAN"
    POLITICAL = "POLITICAL"
    MEDIA = "MEDIA"


class Polarity(str, Enum):
    AFFIRMED = "affirmed"
    NEGATED = "negated"


class Modality(str, Enum):
    ASSERTED = "asserted"
    HEDGED = "hedged"
    REPORTED = "reported"


ACTOR_TYPES = ("state", "igo", "person", "media", "company", "group", "org", "location")


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """One input article. `source` here is the outlet; it becomes `doc_source` in tables."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    line: int | None = None  # the line of a JSONL input that held it


@dataclass(frozen=True, kw_only=True, slots=True)
class Mention:
    """One mention of an actor, resolved to its canonical name."""

    doc_id: str
    sent_index: int
    text: str
    actor: str
    actor_id: str
    actor_type: str
    label: str
    resolution: str  # how the mention was resolved: name, alias, acronym, demonym, metonym, short_name, ner
    start: int
    end: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Quantity:
    """One amount in the text, normalised; `relation_id` names the relation it belongs to."""

    doc_id: str
    sent_index: int
    text: str
    kind: str  # money, percent, count, measure
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    qualifier: str | None  # at_least, more_than, about, up_to, less_than, range
    direction: str | None  # up, down, when the amount is a change
    referent: str | None
    start: int
    end: int
    relation_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation:
    """One typed relation: `source` does `relation` to `target`, with its evidence."""

    relation_id: str
    doc_id: str
    sent_index: int
    source: str
    source_id: str
    source_type: str
    relation: RelationType
    target: str
    target_id: str
    target_type: str
    # ISO 3166 alpha-3 country and sector (GOV, MIL, ELI...) of each end on the document's date
    source_country: str | None = None
    source_sector: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    action: str
    action_category: ActionCategory
    quantity_text: str | None
    quantity_value: float | None
    quantity_unit: str | None
    quantity_qualifier: str | None
    polarity: Polarity
    modality: Modality
    attributed_to: str | None
    time_text: str | None
    confidence: float
    confidence_basis: str
    pattern_id: str
    evidence: str
    source_start: int
    source_end: int
    target_start: int
    target_end: int
    trigger_start: int
    trigger_end: int
    quantity_start: int | None = None
    quantity_end: int | None = None
    doc_title: str | None = None
    doc_date: str | None = None
    doc_source: str | None = None
    doc_url: str | None = None

    def __post_init__(self) -> None:
        # Coerce plain strings (as stored on the Doc) into the closed vocabularies, so a
        # typo in a rule file fails here rather than producing an unknown type downstream.
        object.__setattr__(self, "relation", RelationType(self.relation))
        object.__setattr__(self, "action_category", ActionCategory(self.action_category))
        object.__setattr__(self, "polarity", Polarity(self.polarity))
        object.__setattr__(self, "modality", Modality(self.modality))
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is outside [0, 1]")

    def as_row(self) -> dict[str, object]:
        """A flat dict of scalars, enums as their string values."""
        row = {}
        for f in fields(self):
            value = getattr(self, f.name)
            row[f.name] = value.value if isinstance(value, Enum) else value
        return row


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentRow:
    """One processed document in documents.csv: its metadata and what was found in it."""

    doc_id: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    path: str | None
    chars: int
    words: int
    parts: int
    sentences: int
    mentions: int
    relations: int
    quantities: int


def columns(record_type: type) -> list[str]:
    """Column names of a record type, in table order."""
    return [f.name for f in fields(record_type)]
