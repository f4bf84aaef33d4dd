"""The actor gazetteer and resolver: every actor mention, with one canonical identity.

Writes `doc.spans["actors"]`: one span per mention, `label_` the NER-style label, `kb_id_`
the actor id, `id_` how it was resolved (name, alias, acronym, demonym, metonym, short_name,
ner). `doc._.actors` maps each actor id seen in the doc to its name and type (plain data,
so `Doc.to_bytes` and multiprocessing keep working).

Resolution, in order of precedence:
- gazetteer names, aliases, acronyms (exact case), demonyms ("Russian diplomats") and
  metonyms (a capital or seat of power for its government: "the Kremlin" -> Russia);
- NER entities whose normalised text is a gazetteer name ("Kim Jong - un", "the U.S.");
- a later short name after a full name ("Kim" after "Kim Jong Un", "Kortunov" after
  "Andrey Kortunov"), for gazetteer and unknown persons alike;
- any other PERSON/ORG/GPE/NORP entity becomes an actor with a stable id from its name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .rules import NAME_FIELDS, load_actors, validate_actors

SPANS_KEY = "actors"
UNKNOWN_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "location", "NORP": "group", "LOC": "location", "FAC": "location"}
TITLES = {
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "president", "prime", "minister", "premier",
    "chancellor", "king", "queen", "prince", "general", "gen.", "leader", "secretary", "senator", "sen.",
    "spokesman", "spokeswoman", "ambassador", "envoy", "chairman", "supreme", "foreign", "defence",
    "defense", "sir", "lord", "the",
}
# A short name must look like a name, not a word that happens to be part of one.
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]+$")


def normalise(text: str) -> str:
    """A lookup key: no accents, case, punctuation, leading article or possessive."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(['’]s|['’])$", "", text.strip())
    text = re.sub(r"^(the)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", "", text.lower())


def _surface_forms(value: str, exact: bool) -> set[str]:
    """The spellings matched for a gazetteer string; acronyms and demonyms keep their case."""
    forms = {value}
    if exact:
        return forms
    if value[:1].islower():  # "the Kremlin" also as "The Kremlin" at the start of a sentence
        forms.add(value[:1].upper() + value[1:])
    if len(value) > 3:
        forms.add(value.upper())  # headlines
    return forms


@Language.factory(
    "geoextract_actors",
    assigns=["doc.spans", "doc._.actors"],
    requires=["doc.ents"],
    default_config={"spans_key": SPANS_KEY, "ner_labels": ["PERSON", "ORG", "GPE", "NORP"]},
)
def make_actor_resolver(nlp: Language, name: str, spans_key: str, ner_labels: list[str]) -> "ActorResolver":
    return ActorResolver(nlp, name, spans_key=spans_key, ner_labels=ner_labels)


class ActorResolver:
    """Finds actor mentions and resolves them to canonical actors."""

    def __init__(self, nlp: Language, name: str = "geoextract_actors", *, spans_key: str = SPANS_KEY,
                 ner_labels: Iterable[str] = ("PERSON", "ORG", "GPE", "NORP")) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.ner_labels = set(ner_labels)
        if not Doc.has_extension("actors"):
            Doc.set_extension("actors", default=None)
        self.entries: list[dict[str, Any]] = []
        self._build()

    # -- data ------------------------------------------------------------------------------
    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   actors: Iterable[dict[str, Any]] | str | Path | None = None) -> None:
        """Load gazetteer entries (records, or a JSONL path; default pipeline/actors.jsonl)."""
        if actors is None or isinstance(actors, (str, Path)):
            self.entries = load_actors(actors)
        else:
            self.entries = validate_actors(actors)
        self._build()

    def add_actors(self, actors: Iterable[dict[str, Any]]) -> None:
        """Add or override entries (same id replaces; their names leave other actors) and rebuild."""
        added = validate_actors(actors)
        taken = {normalise(v) for e in added for v in [e["name"], *(x for k in NAME_FIELDS for x in e.get(k, []))]}
        by_id = {}
        for entry in self.entries:  # a name the user gives to their actor leaves the bundled one
            by_id[entry["id"]] = {**entry, **{k: [v for v in entry.get(k, []) if normalise(v) not in taken]
                                              for k in NAME_FIELDS}, "_name_taken": normalise(entry["name"]) in taken}
        for entry in added:
            by_id[entry["id"]] = entry
        self.entries = list(by_id.values())
        self._build()

    def _build(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, tuple[str, str]] = {}  # normalised name -> (actor id, resolution)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.tokens = Matcher(self.nlp.vocab)
        for entry in self.entries:
            actor_id = entry["id"]
            self.by_id[actor_id] = entry
            names = {"name": [] if entry.get("_name_taken") else [entry["name"]], **{k: entry.get(k, []) for k in NAME_FIELDS}}
            for kind, values in names.items():
                resolution = "alias" if kind == "aliases" else kind.rstrip("s")
                exact = kind in ("acronyms", "demonyms")
                for value in values:
                    key = normalise(value)
                    if key and not exact:
                        self.by_key.setdefault(key, (actor_id, resolution))
                    label = f"{actor_id}|{resolution}"
                    patterns = [self.nlp.make_doc(form) for form in sorted(_surface_forms(value, exact))]
                    self.phrases.add(label, patterns)
            if entry.get("patterns"):
                self.tokens.add(f"{actor_id}|pattern", entry["patterns"])

    # -- processing ------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        matches = list(self.phrases(doc)) + (list(self.tokens(doc)) if len(self.tokens) else [])
        inside_ent = {}
        for ent in doc.ents:
            if ent.label_ in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT") and len(ent) > 1:
                for i in range(ent.start, ent.end):
                    inside_ent[i] = ent
        for match_id, start, end in matches:
            actor_id, resolution = self.nlp.vocab.strings[match_id].split("|")
            entry = self.by_id[actor_id]
            if resolution == "demonym" and not self._demonym_is_actor(doc[start:end]):
                continue
            ent = inside_ent.get(start)
            if resolution in ("demonym", "metonym", "acronym") and ent is not None and (ent.start < start or ent.end > end):
                continue  # "Russian" in "the Russian International Affairs Council": the longer name wins
            found.append(Span(doc, start, end, label=entry["label"], kb_id=actor_id, span_id=resolution))
        found = filter_spans(found)
        self._correct_ents(doc, found)
        taken = {i for span in found for i in range(span.start, span.end)}
        for ent in doc.ents:
            if ent.label_ not in self.ner_labels or any(i in taken for i in range(ent.start, ent.end)):
                continue
            if ent.label_ == "NORP" and not ent[-1].text.endswith("s"):
                continue  # "Western", "Asian": an adjective; "Kurds", "Palestinians": a group
            if not any(t.text[:1].isupper() or t.like_num for t in ent):
                continue  # "ministry", "the government": a word, not a name
            span = self._trim(ent)
            if span is not None:
                found.append(span)
        found.sort(key=lambda s: s.start)

        actors: dict[str, dict[str, str]] = {}
        persons: list[tuple[str, set[str]]] = []  # actor id and its name parts, newest last
        mentions: list[Span] = []
        for span in found:
            actor_id, resolution = span.kb_id_, span.id_
            if not actor_id:
                actor_id, resolution = self._resolve_ner(span, persons)
                span = Span(doc, span.start, span.end, label=span.label_, kb_id=actor_id, span_id=resolution)
                if actor_id not in self.by_id and actor_id not in actors:
                    actors[actor_id] = {"name": _display_name(span), "type": UNKNOWN_TYPES[span.label_], "country": ""}
            entry = self.by_id.get(actor_id)
            if entry is not None:
                actors.setdefault(actor_id, {"name": entry["name"], "type": entry["type"], "country": entry.get("country") or ""})
            if actors[actor_id]["type"] == "person" and resolution != "short_name":
                parts = {t.text for t in span if _NAME_TOKEN.match(t.text) and t.lower_ not in TITLES}
                if entry is not None:
                    parts |= {p for p in entry["name"].split() if _NAME_TOKEN.match(p)}
                persons.append((actor_id, parts))
            mentions.append(span)
        mentions.extend(self._short_names(doc, mentions, persons))
        mentions.sort(key=lambda s: s.start)
        doc.spans[self.spans_key] = mentions
        doc._.actors = actors
        return doc

    @staticmethod
    def _correct_ents(doc: Doc, found: list[Span]) -> None:
        """The gazetteer knows better than the NER: a name it knows becomes (or relabels) an entity."""
        ents = list(doc.ents)
        by_tokens = {(ent.start, ent.end): index for index, ent in enumerate(ents)}
        covered = {i for ent in ents for i in range(ent.start, ent.end)}
        changed = False
        for span in found:
            if span.id_ == "demonym":
                label = "NORP"
            elif span.id_ == "metonym":
                if not span.text[:1].isupper() or span[0].lower_ == "the":
                    continue  # "the Kremlin", "the White House": leave the NER's call
                label = "GPE"
            else:
                label = span.label_
            index = by_tokens.get((span.start, span.end))
            if index is not None:
                if ents[index].label_ != label and span.id_ in ("name", "alias", "acronym"):
                    ents[index] = Span(doc, span.start, span.end, label=label)
                    changed = True
            elif not any(i in covered for i in range(span.start, span.end)):
                ents.append(Span(doc, span.start, span.end, label=label))
                covered.update(range(span.start, span.end))
                changed = True
        if changed:
            doc.ents = sorted(ents, key=lambda ent: ent.start)

    def _demonym_is_actor(self, span: Span) -> bool:
        """"Russian diplomats", "Russian trade", "Russians" are actors; "Russian" as a language is not."""
        head = span[-1]
        if head.text.endswith("s") and head.pos_ in ("PROPN", "NOUN"):
            return True  # plural people: "Russians"
        return head.dep_ in ("amod", "compound", "nmod") or head.pos_ == "ADJ"

    def _trim(self, ent: Span) -> Span | None:
        """Drop titles, articles and a possessive from the edges of an NER span."""
        start, end = ent.start, ent.end
        doc = ent.doc
        while start < end and (doc[start].lower_ in TITLES or doc[start].is_punct):
            start += 1
        while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'") or doc[end - 1].is_punct):
            end -= 1
        if start >= end:
            return None
        return Span(doc, start, end, label=ent.label_)

    def _resolve_ner(self, span: Span, persons: list[tuple[str, set[str]]]) -> tuple[str, str]:
        key = normalise(span.text)
        if key in self.by_key:
            actor_id, _ = self.by_key[key]
            return actor_id, "ner_alias"
        if len(span) == 1 and span.label_ in ("PERSON", "ORG", "GPE"):  # the NER often mislabels a lone surname
            for actor_id, parts in reversed(persons):
                if span.text in parts:
                    return actor_id, "short_name"
        return f"x-{_slug(span.text)}", "ner"

    def _short_names(self, doc: Doc, mentions: list[Span], persons: list[tuple[str, set[str]]]) -> list[Span]:
        """Capitalised tokens the NER missed that repeat a part of an earlier person's name."""
        if not persons:
            return []
        taken = {i for span in mentions for i in range(span.start, span.end)}
        first_seen = {}
        for span in mentions:
            if span.kb_id_ in {p for p, _ in persons}:
                first_seen.setdefault(span.kb_id_, span.start)
        found = []
        for token in doc:
            if token.i in taken or token.pos_ != "PROPN" or not _NAME_TOKEN.match(token.text):
                continue
            for actor_id, parts in reversed(persons):
                if token.text in parts and first_seen.get(actor_id, len(doc)) < token.i:
                    found.append(Span(doc, token.i, token.i + 1, label="PERSON", kb_id=actor_id, span_id="short_name"))
                    break
        return found

    # -- serialisation: the gazetteer travels with the pipeline ------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "actors.jsonl", [{k: v for k, v in e.items() if k != "_line"} for e in self.entries])

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ActorResolver":
        self.entries = validate_actors(srsly.read_jsonl(Path(path) / "actors.jsonl"), Path(path) / "actors.jsonl")
        self._build()
        return self


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _display_name(span: Span) -> str:
    text = re.sub(r"\s+", " ", span.text).strip()
    return re.sub(r"^(the|The)\s+", "", text)
