"""The actor gazetteer and resolver: every actor mention, with one canonical identity.

Writes `doc.spans["actors"]`: one span per mention, `label_` the NER-style label, `kb_id_`
the actor id, `id_` how it was resolved (name, alias, acronym, demonym, metonym, short_name,
ner). `doc._.actors` maps each actor id seen in the doc to its name, type, label, country,
sector, wikidata id and roles in time (plain data, so `Doc.to_bytes` and multiprocessing keep
working); `attributes_at(info, date)` gives an actor's country, sector and role on a date.

Resolution, in order of precedence:
- gazetteer names, aliases, acronyms (exact case), demonyms ("Russian diplomats") and
  metonyms (a capital or seat of power for its government: "the Kremlin" -> Russia); a name
  two actors share goes to the one listed first;
- NER entities whose normalised text is a gazetteer name ("Kim Jong - un", "the U.S."), or a
  spelling variant of one (`name_key`: "Bashar Assad", "Dmitriy Peskov");
- a short name next to a full name: "Kim" after "Kim Jong Un", "Kortunov" after "Andrey
  Kortunov", "al-Baghdadi" after "Abu Bakr al-Baghdadi", and a lone first name just before the
  surname that completes it ("(US President Donald) Trump"), for gazetteer and unknown persons;
- any other PERSON/ORG/GPE/NORP entity becomes an actor whose id is `x-` and the `name_key`
  of its name, so that spelling variants share one id in every document.

In a sports story a place that plays is a team, an organisation, and a name before a state in
brackets an athlete (`sports_teams`): "Leicestershire beat Somerset" is no event between places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.attrs import ORTH, POS
from spacy.symbols import PROPN
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .entities import (CLUB_WORDS, INITIAL, NO_NAMES, person_name_part, players_table, ranked, sports_story,
                       dateline, team_words_around, word_at)

# Roles in time and the actors table need no spaCy: they live in rules and table, so a run
# served from the cache never imports spaCy; they stay importable from here.
from .rules import (EXACT_FIELDS, FORMER_ELITE, NAME_FIELDS, attributes_at, format_roles, load_actors,  # noqa: F401
                    normalise, role_at, role_sector, validate_actors)
from .table import ActorTable  # noqa: F401

SPANS_KEY = "actors"
UNKNOWN_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "location", "NORP": "group", "LOC": "location", "FAC": "location"}
TITLES = {
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "president", "prime", "minister", "premier",
    "chancellor", "king", "queen", "prince", "general", "gen.", "leader", "secretary", "senator", "sen.",
    "spokesman", "spokeswoman", "ambassador", "envoy", "chairman", "supreme", "foreign", "defence",
    "defense", "sir", "lord", "the",
}
# Head nouns of institutions that a title word can begin ("Foreign Ministry", "Supreme Court").
INSTITUTION_HEADS = {
    "ministry", "ministries", "office", "department", "court", "council", "committee", "service",
    "services", "agency", "bureau", "commission", "command", "staff", "forces", "force", "cabinet",
    "secretariat", "directorate", "administration", "leadership", "assembly", "soviet", "headquarters",
}
COMPASS = {"north", "south", "east", "west"}
# Natural features named after a country: "the Sea of Japan" is water, not Japan.
FEATURES = {"sea", "gulf", "bay", "strait", "straits", "ocean", "lake", "river", "cape", "channel", "sound", "isle"}
# A short name must look like a name, not a word that happens to be part of one.
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]+$")
_ARTICLES = {"al", "el"}  # the Arabic article, written "al-", "Al ", "el-" or left out
_TRANSLITERATION = (  # Russian and Ukrainian names in English: one spelling per sound
    (re.compile(r"ks(?=[aeiouy])"), "x"),  # Aleksandr, Maksim
    (re.compile(r"(?:iy|yy|ii|yi)$"), "y"),  # Zelenskiy, Zelenskyy, Dmitriy, Yuriy
    (re.compile(r"(?<=[ae])i$"), "y"),  # Sergei, Andrei, Nikolai
    (re.compile(r"(?<=[tu]r)i$"), "y"),  # Dmitri, Yuri
)


@lru_cache(maxsize=1 << 16)  # names repeat within and across documents; the key is pure
def name_key(text: str, person: bool = False) -> str:
    """A key that spelling variants of one name share, its words joined by hyphens.

    Case, accents, apostrophes, hyphens or spaces, a leading "the" and a possessive do not
    count, nor does the Arabic article before another word ("al-Assad", "Al Assad", "Assad";
    "el-Sisi", "Sisi", but "El Salvador" keeps its Spanish one). For a person, common
    transliteration endings fold too:
    "Zelenskiy"/"Zelenskyy"/"Zelensky", "Sergei"/"Sergey", "Dmitri"/"Dmitry", "Aleksei"/"Alexey".
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).strip()
    text = re.sub(r"^the\s+", "", re.sub(r"['’]s?$", "", text), flags=re.IGNORECASE)
    text = re.sub(r"['’ʻ`]", "", text)  # "Sa'ar" is "Saar"
    words = list(re.finditer(r"[^\W_]+", text))
    keys = []
    for index, match in enumerate(words):
        word = match.group()
        if (word.lower() in _ARTICLES and index + 1 < len(words)
                and (word.lower() == "al" or word.islower() or text[match.end():match.end() + 1] == "-")):
            continue
        word = word.lower()
        if person and len(word) >= 4:
            for pattern, replacement in _TRANSLITERATION:
                word = pattern.sub(replacement, word)
        keys.append(word)
    return "-".join(keys)


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
        added = validate_actors(actors, known=self.by_id, standard_codes=False)
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
        self.by_id: dict[str, dict[str, Any]] = {entry["id"]: entry for entry in self.entries}
        self.infos = {actor_id: _info(entry, self.by_id) for actor_id, entry in self.by_id.items()}
        self.by_key: dict[str, tuple[str, str]] = {}  # normalised name -> (actor id, resolution)
        self.by_variant: dict[str, str] = {}  # name_key -> actor id, for NER spellings the gazetteer lacks
        claimed: dict[tuple[bool, str], str] = {}  # a name shared by two actors goes to the first listed
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.tokens = Matcher(self.nlp.vocab)
        for actor_id, entry in self.by_id.items():
            names = {"name": [] if entry.get("_name_taken") else [entry["name"]], **{k: entry.get(k, []) for k in NAME_FIELDS}}
            for kind, values in names.items():
                resolution = "alias" if kind == "aliases" else kind.rstrip("s")
                exact = kind in EXACT_FIELDS
                for value in values:
                    key = value if exact else normalise(value)
                    if not key or claimed.setdefault((exact, key), actor_id) != actor_id:
                        continue
                    if not exact:
                        self.by_key[key] = (actor_id, resolution)
                        for person in {False, entry["type"] == "person"}:
                            self.by_variant.setdefault(name_key(value, person), actor_id)
                    patterns = [self.nlp.make_doc(form) for form in sorted(_surface_forms(value, exact))]
                    self.phrases.add(f"{actor_id}|{resolution}", patterns)
            if entry.get("patterns"):
                self.tokens.add(f"{actor_id}|pattern", entry["patterns"])
        # states named for their half of a divided land: "the North" after North Korea
        self.halves: dict[str, set[str]] = {}
        for actor_id, entry in self.by_id.items():
            first, _, rest = entry["name"].partition(" ")
            if entry["type"] == "state" and rest and first.lower() in COMPASS:
                self.halves.setdefault(first, set()).add(actor_id)

    # -- processing ------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        matches = list(self.phrases(doc)) + (list(self.tokens(doc)) if len(self.tokens) else [])
        ents = list(doc.ents)  # Doc.ents walks every token: read once, passed on
        inside_ent, in_feature = {}, set()
        for ent in ents:
            if ent.label_ in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT") and len(ent) > 1:
                for i in range(ent.start, ent.end):
                    inside_ent[i] = ent
            if ent.label_ in ("LOC", "FAC", "GPE") and _feature_of(ent):
                in_feature.update(range(ent.start + 1, ent.end))
        for match_id, start, end in matches:
            actor_id, resolution = self.nlp.vocab.strings[match_id].split("|")
            if start in in_feature:
                continue  # "Japan" in "the Sea of Japan", "Mexico" in "the Gulf of Mexico"
            entry = self.by_id[actor_id]
            if resolution == "demonym" and not self._demonym_is_actor(doc[start:end]):
                continue
            ent = inside_ent.get(start)
            if resolution in ("demonym", "metonym", "acronym") and ent is not None and (ent.start < start or ent.end > end):
                continue  # "Russian" in "the Russian International Affairs Council": the longer name wins
            if entry["type"] != "person" and end - start == 1 and person_name_part(doc[start:end]):
                continue  # "Jordan" after "Michael Jordan" is the player, not the state
            if end - start == 1 and doc[start].lower_ in NO_NAMES and sports_story(doc):
                continue  # "W L PCT GB": a standings table's heading, not Great Britain
            found.append(Span(doc, start, end, label=entry["label"], kb_id=actor_id, span_id=resolution))
        found = self._whole_names(doc, filter_spans(found), ents)
        ents = self._correct_ents(doc, found, ents)
        if ents and sports_story(doc):
            states = {i for span in found if self.by_id[span.kb_id_]["type"] == "state"
                      for i in range(span.start, span.end)}
            ents = sports_teams(doc, ents, states)
        taken = {i for span in found for i in range(span.start, span.end)}
        for ent in ents:
            if ent.label_ not in self.ner_labels or any(i in taken for i in range(ent.start, ent.end)):
                continue
            if ent.label_ == "NORP" and not ent[-1].text.endswith("s"):
                continue  # "Western", "Asian": an adjective; "Kurds", "Palestinians": a group
            if not any(t.text[:1].isupper() or t.like_num for t in ent):
                continue  # "ministry", "the government": a word, not a name
            if not any(t.pos_ in ("PROPN", "NOUN", "NUM", "X") for t in ent):
                continue  # a headline's verb the NER took for a place ("Russia is Supporting North Korea")
            span = self._trim(ent)
            if span is not None:
                found.append(span)
        found.sort(key=lambda s: s.start)

        actors: dict[str, dict[str, Any]] = {}
        persons: list[tuple[str, set[str]]] = []  # actor id and its name parts, newest last
        mentions: list[Span] = []
        for span in found:
            actor_id, resolution = span.kb_id_, span.id_
            if not actor_id:
                actor_id, resolution = self._resolve_ner(span, persons)
                span = Span(doc, span.start, span.end, label=span.label_, kb_id=actor_id, span_id=resolution)
                if actor_id not in self.by_id and actor_id not in actors:
                    actors[actor_id] = _unknown_info(span)
            if actor_id in self.infos and actor_id not in actors:
                info = self.infos[actor_id]
                actors[actor_id] = {**info, "roles": [dict(role) for role in info["roles"]]}
            if actors[actor_id]["type"] == "person" and resolution != "short_name":
                parts = {_part(t.text) for t in span if _NAME_TOKEN.match(t.text) and t.lower_ not in TITLES}
                if actor_id in self.by_id:
                    parts |= {_part(p) for p in self.by_id[actor_id]["name"].split() if _NAME_TOKEN.match(p)}
                persons.append((actor_id, parts - {""}))
            mentions.append(span)
        mentions = self._first_names_before_surnames(mentions, persons, actors)
        mentions.extend(self._short_names(doc, mentions, persons))
        mentions.extend(self._halves(doc, mentions))
        mentions.sort(key=lambda s: s.start)
        doc.spans[self.spans_key] = mentions
        doc._.actors = actors
        return doc

    def _whole_names(self, doc: Doc, found: list[Span], ents: list[Span]) -> list[Span]:
        """An NER name around a gazetteer match that spells the same actor is the mention:
        "Dmitriy Peskov", not "Peskov" alone."""
        out = {(span.start, span.end): span for span in found}
        covering = {i: span for span in found for i in range(span.start, span.end)}
        for ent in ents:
            if ent.label_ not in ("PERSON", "ORG") or len(ent) < 2:
                continue
            inner = list({(s.start, s.end): s for i in range(ent.start, ent.end) if (s := covering.get(i))}.values())
            if not inner or len({s.kb_id_ for s in inner}) > 1 or inner[0].start < ent.start or inner[-1].end > ent.end:
                continue
            span = self._trim(ent)
            if span is None or inner[0].start < span.start or inner[-1].end > span.end:
                continue
            if all(len(span) <= len(s) for s in inner):
                continue  # "Kim Jong Un's": the match is the name already
            if self._gazetteer_id(span) == inner[0].kb_id_:
                for s in inner:
                    out.pop((s.start, s.end))
                out[(span.start, span.end)] = Span(doc, span.start, span.end, label=span.label_,
                                                   kb_id=inner[0].kb_id_, span_id="ner_alias")
        return sorted(out.values(), key=lambda span: span.start)

    def _gazetteer_id(self, span: Span) -> str | None:
        """The gazetteer actor an NER name spells, exactly or as a variant (`name_key`)."""
        key = normalise(span.text)
        if key in self.by_key:
            return self.by_key[key][0]
        person = span.label_ == "PERSON"
        return self.by_variant.get(name_key(span.text, person)) or self.by_variant.get(name_key(span.text))

    @staticmethod
    def _correct_ents(doc: Doc, found: list[Span], ents: list[Span]) -> list[Span]:
        """The gazetteer knows better than the NER: a name it knows becomes (or relabels) an entity.

        Returns the document's entities after the change.
        """
        ents = list(ents)
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
            ents = sorted(ents, key=lambda ent: ent.start)
            doc.ents = ents
        return ents

    def _demonym_is_actor(self, span: Span) -> bool:
        """"Russian diplomats", "Russian trade", "Russians", "Saudi-led" are actors; "Russian" as
        a language is not."""
        head = span[-1]
        if head.text.endswith("s") and head.pos_ in ("PROPN", "NOUN"):
            return True  # plural people: "Russians"
        if head.dep_ == "npadvmod" and head.head.tag_ in ("VBN", "VBD") and head.i + 1 == head.head.i - 1:
            return True  # "Saudi-led coalition", "Houthi-held port": the hyphen's participle
        return head.dep_ in ("amod", "compound", "nmod") or head.pos_ == "ADJ"

    def _trim(self, ent: Span) -> Span | None:
        """Drop titles, articles and a possessive from the edges of an NER span."""
        start, end = ent.start, ent.end
        doc = ent.doc
        if ent.label_ == "PERSON" and _title_as_surname(ent):
            return Span(doc, start, end, label=ent.label_)  # "Ray shot King": a surname, not a title
        while start < end and (doc[start].lower_ in TITLES or doc[start].is_punct):
            if ent.label_ != "PERSON" and doc[start].lower_ != "the" and self._names_an_institution(doc, start, end):
                break  # "Foreign Ministry", "Supreme Court", "Defense Department" keep their first word
            start += 1
        while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'") or doc[end - 1].is_punct):
            end -= 1
        if start >= end:
            return None
        return Span(doc, start, end, label=ent.label_)

    @staticmethod
    def _names_an_institution(doc: Doc, start: int, end: int) -> bool:
        """The titles from `start` on are followed by an institution's head noun in the span."""
        i = start
        while i < end and doc[i].lower_ in TITLES:
            i += 1
        return i < end and doc[i].lower_ in INSTITUTION_HEADS

    def _resolve_ner(self, span: Span, persons: list[tuple[str, set[str]]]) -> tuple[str, str]:
        actor_id = self._gazetteer_id(span)
        if actor_id is not None and not (span.label_ == "PERSON" and person_name_part(span)
                                         and self.by_id[actor_id]["type"] != "person"):
            return actor_id, "ner_alias"
        person = span.label_ == "PERSON"
        words = set(name_key(span.text, person=True).split("-")) - _ARTICLES - {""}
        if words and span.label_ in ("PERSON", "ORG", "GPE"):  # the NER often mislabels a lone surname
            for actor_id, parts in reversed(persons):
                if words <= parts and len(words) < len(parts):
                    return actor_id, "short_name"
        return f"x-{name_key(span.text, person) or 'unnamed'}", "ner"

    def _first_names_before_surnames(self, mentions: list[Span], persons: list[tuple[str, set[str]]],
                                     actors: dict[str, dict[str, Any]]) -> list[Span]:
        """A lone unknown name that is part of exactly one other person's name in the document is
        that person, also before the full name ("(US President Donald) Trump"); the unknown
        actor goes."""
        out = []
        for span in mentions:
            if span.id_ == "ner" and span.label_ == "PERSON" and len(span) == 1:
                part = _part(span.text)
                owners = {actor_id for actor_id, parts in persons if part in parts and actor_id != span.kb_id_}
                if len(owners) == 1:
                    span = Span(span.doc, span.start, span.end, label="PERSON", kb_id=owners.pop(),
                                span_id="short_name")
            out.append(span)
        used = {span.kb_id_ for span in out}
        for actor_id in [a for a in actors if a not in used]:
            del actors[actor_id]
        return out

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
        for i in (doc.to_array(POS) == PROPN).nonzero()[0].tolist():  # no Token object for other words
            token = doc[i]
            if i in taken or not _NAME_TOKEN.match(token.text):
                continue
            part = _part(token.text)
            for actor_id, parts in reversed(persons):
                if part in parts and first_seen.get(actor_id, len(doc)) < token.i:
                    found.append(Span(doc, token.i, token.i + 1, label="PERSON", kb_id=actor_id, span_id="short_name"))
                    break
        return found

    def _halves(self, doc: Doc, mentions: list[Span]) -> list[Span]:
        """"the North" once North Korea is named ("... cut its trade with the North"): the state
        named for that half, the last one mentioned before it. Not "the North Atlantic", "the
        South China Sea", nor before any such state is named."""
        if not self.halves or not mentions:
            return []
        found = []
        taken = {i for span in mentions for i in range(span.start, span.end)}
        orth = doc.to_array(ORTH)  # only the tokens spelled "North" (or "South"...) are looked at
        for word, ids in self.halves.items():
            for i in (orth == get_string_id(word)).nonzero()[0].tolist():
                after = doc[i + 1] if i + 1 < len(doc) else None
                if i in taken or i == 0 or doc[i - 1].lower_ != "the" or (
                        after is not None and (after.text[:1].isupper() or after.text == "-")):
                    continue
                before = [span for span in mentions if span.start < i and span.kb_id_ in ids]
                if before:
                    found.append(Span(doc, i, i + 1, label="GPE", kb_id=before[-1].kb_id_, span_id="short_name"))
        return found

    # -- serialisation: the gazetteer travels with the pipeline ------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "actors.jsonl", [{k: v for k, v in e.items() if k != "_line"} for e in self.entries])

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ActorResolver":
        # An assembled pipeline's gazetteer may hold a user's entries, coded in their own scheme.
        self.entries = validate_actors(srsly.read_jsonl(Path(path) / "actors.jsonl"), Path(path) / "actors.jsonl",
                                       standard_codes=False)
        self._build()
        return self


def _feature_of(ent: Span) -> bool:
    """The name of a natural feature followed by "of": "the Sea of Japan", "Bay of Bengal"."""
    first = 1 if ent[0].lower_ == "the" else 0
    return len(ent) > first + 2 and ent[first].lower_ in FEATURES and ent[first + 1].lower_ == "of"


def _display_name(span: Span) -> str:
    text = re.sub(r"\s+", " ", span.text).strip()
    return re.sub(r"^(the|The)\s+", "", text)


def _part(word: str) -> str:
    """A word of a person's name as short names are compared: "Zelenskiy" is "zelensky"."""
    key = name_key(word, person=True)
    return "" if key in _ARTICLES else key


def _info(entry: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What `doc._.actors` holds for a gazetteer actor: scalars, and roles as small dicts."""
    roles = []
    for role in entry.get("roles") or []:
        of = by_id.get(role.get("of") or "")
        roles.append({"title": role["title"], "of": role.get("of") or "", "label": _role_title(role, of),
                      "start": role.get("start") or "", "end": role.get("end") or "", "sector": role_sector(role, of)})
    roles.sort(key=lambda role: role["start"], reverse=True)
    info = {"name": entry["name"], "type": entry["type"], "label": entry["label"],
            "country": entry.get("country") or "", "sector": entry.get("sector") or "",
            "wikidata": entry.get("wikidata") or "", "roles": roles}
    if not info["sector"] and roles:  # a user's person without a sector: the one its roles give
        current = role_at(roles, None)
        info["sector"] = current["sector"] if current else FORMER_ELITE
    return info


def _role_title(role: dict[str, Any], of: dict[str, Any] | None) -> str:
    """A role as one would write it: "President of the United States", "Chairman of the State Duma"
    (a title that names its body already), "Secretary of the Security Council of Russia"."""
    title = role["title"]
    if of is None:
        return f"{title} of {role['of']}" if role.get("of") else title
    name = of["name"]
    if name.lower() in title.lower():
        return title
    if name.endswith(" " + title):  # "High Commissioner for Human Rights" of its Office: the title it names
        return re.split(r" of (?:the )?", name)[-1] if re.split(r" of (?:the )?", name)[-1].endswith(title) else name
    words = name.split()
    for size in range(len(words) - 1, 1, -1):  # the title ends with the start or the end of the name
        if title.endswith(" " + " ".join(words[:size])):
            return title + name[len(" ".join(words[:size])):]
        if title.endswith(" " + " ".join(words[-size:])):
            return title[:-len(" ".join(words[-size:]))] + name
    return f"{title} of {_with_article(of)}"


def _with_article(entry: dict[str, Any]) -> str:
    """An actor's name as it follows "President of": "the United States", "the European Commission",
    "Russia", "NATO". States take "the" when the gazetteer lists it ("the Netherlands");
    organisations do, unless their name is an acronym."""
    name = entry["name"]
    if name.lower().startswith("the "):
        return name
    if f"the {name}" in entry.get("aliases", []) or entry.get("type") in ("igo", "org") and not name.isupper():
        return f"the {name}"
    return name


def sports_teams(doc: Doc, ents: list[Span], nations: set[int]) -> list[Span]:
    """In a sports story, a place that plays is a team: an organisation ("Leicestershire beat
    Somerset", "Kent 108-3", "Pohang 3 Ulsan 2"), not a place or a person, wherever its name
    appears in the story. A state's national side keeps the state's name and label (`nations`:
    the tokens of gazetteer states; "Romania beat Lithuania 2-1"), and so do England, Scotland,
    Wales and Northern Ireland. A player is no team: a name with an initial ("P. Johnson 84"),
    one of more than one word the NER calls a person unless it is a club's (`_club`), one
    followed by bowling figures ("Croft 8-0-37-2") or after a lower-case word ("c Croft b Gough
    33"), one after its place in a table of athletes ("2 . Orrin 81 points"). A date after a
    name is no score: "MILWAUKEE , Wisconsin 1996-08-29" is a dateline, and stays a place; so
    does a name after "at" or "in" ("At Portsmouth : Middlesex beat Hampshire", "In Pittsburgh
    , ..."). A name of two or more words followed by a state in
    brackets is an athlete, a person, whatever the NER said ("Olabisi Afolabi ( Nigeria )"),
    unless a word of it names a club ("Real Madrid ( Spain )").

    Returns the document's entities, written back to `doc.ents` when a label changed. For a
    sports story only (`sports_story`), which the caller checks.
    """
    teams: set[str] = set()
    athletes: set[int] = set()
    athletes_listed = players_table(doc, ents)
    # a date after a name, not the numbers of a standings row the NER read as one ("CHICAGO [63 62]")
    dated = {ent.start for ent in ents if ent.label_ in ("DATE", "TIME")
             and any(t.is_alpha or _YEAR.search(t.text) for t in ent)}
    for ent in ents:
        if ent.label_ in ("ORG", "GPE", "LOC", "FAC") and _for_nation(doc, ent, nations):
            athletes.add(ent.start)
            continue
        if ent.label_ not in _TEAM_LABELS or any(i in nations for i in range(ent.start, ent.end)):
            continue
        key = normalise(ent.text)
        if key in HOME_NATIONS or any(INITIAL.match(t.text) for t in ent):
            continue
        before = doc[ent.start - 1] if ent.start > 0 else None
        if before is not None and before.lower_ in ("at", "in"):
            continue  # "At Portsmouth : Middlesex beat Hampshire": where, not who
        if athletes_listed and ent.label_ == "PERSON" and ranked(doc, ent.start):
            continue  # "2 . Orrin 81 points" in a table of riders: a rider
        after = doc[ent.end] if ent.end < len(doc) else None
        scored = (after is not None and after.i not in dated and bool(_SCORE.match(word_at(doc, after)))
                  and (ent.label_ != "PERSON" or len(ent) == 1 or _club(doc, ent, athletes_listed))
                  and not (before is not None and before.is_lower))
        head = ent.root.head
        plays = ent.label_ != "PERSON" and (
            ent.root.dep_ in ("nsubj", "dobj") and head.lemma_ in PLAY_VERBS
            or ent.root.dep_ == "nsubj" and head.lemma_ in TEAM_SUBJECT_VERBS
            or ent.root.dep_ == "pobj" and head.lower_ in _OPPONENT
            and (head.head.lemma_ in PLAY_VERBS or head.head.lower_ in MATCH_NOUNS)
            or team_words_around(ent) or _owns_player(doc, ent))
        if scored or plays:
            teams.add(key)
    named = _athletes_before_nations(doc, nations)
    if not teams and not athletes and not named:
        return ents
    # every mention of a team's name but a dateline's ("NEW YORK 1996-08-30") and a place's
    # ("In Pittsburgh , Berry tied the game")
    out = []
    taken = {i for span in named for i in range(span.start, span.end)}
    for ent in ents:
        if any(i in taken for i in range(ent.start, ent.end)):
            continue
        if ent.start in athletes:
            ent = Span(doc, ent.start, ent.end, label="PERSON")
        elif (ent.label_ in _TEAM_LABELS and normalise(ent.text) in teams and ent.end not in dated
              and not _where(doc, ent)):
            ent = Span(doc, ent.start, ent.end, label="ORG")
        out.append(ent)
    out = sorted(out + named, key=lambda span: span.start)
    doc.ents = out
    return out


def _athletes_before_nations(doc: Doc, nations: set[int]) -> list[Span]:
    """Athletes the NER missed or cut in a results table or draw: two to four capitalised
    words right before a state in brackets ("7 - Ivo Marr ( Norway ) beat", ", Ann Lee (
    Chile ) 64 71"), whatever entities the NER drew over them; in a squad's list, before a
    club in brackets too, and the club is an organisation (`_listed`). Not a club's name
    ("Real Madrid ( Spain )", a club's word in it), nor a side in a fixture or a results row
    ("v Dunmore Park ( Norway )", "Harbury ( Norway ) 2 Tarnby ( Chile ) 0")."""
    found: list[Span] = []
    opens = np.flatnonzero(doc.to_array(ORTH) == doc.vocab.strings.as_int("(")).tolist() if len(doc) else []
    for i in opens:
        close = next((j for j in range(i + 2, min(i + 5, len(doc))) if doc[j].text == ")"), None)
        if close is None or i == 0:
            continue
        inside = doc[i + 1:close]
        nation = all(j in nations for j in range(inside.start, inside.end)) or normalise(inside.text) in HOME_NATIONS
        if not nation and not all(t.is_title for t in inside):
            continue
        start = i
        while start > 0 and i - start < 4 and _athlete_word(doc, start - 1):
            start -= 1
        if i - start < 2 or not doc[start].is_title or _club_row(doc, start, close):
            continue
        if nation:
            found.append(Span(doc, start, i, label="PERSON"))
        elif _listed(doc, start, close):  # and the player's club
            found += [Span(doc, start, i, label="PERSON"), Span(doc, i + 1, close, label="ORG")]
    return found


def _listed(doc: Doc, start: int, close: int) -> bool:
    """Whether a name with a club in brackets is an item of a squad's list: a comma, a dash
    or a colon before it, a comma, a full stop or the line's end after the bracket
    ("Defenders - Ivo Marr ( Harbury ) , Ola Berg ( Tarnby ) .")."""
    before = doc[start - 1].text if start > 0 else "\n"
    after = doc[close + 1].text if close + 1 < len(doc) else "\n"
    return (before in (",", "-", ":") or "\n" in before) and (after in (",", ".") or "\n" in after)


def _club_row(doc: Doc, start: int, close: int) -> bool:
    """Whether the name at `start`, a state in brackets after it closed at `close`, is a side in
    a fixture or a results row: "v Dunmore Park ( Norway )", "Harbury ( Norway ) v ...",
    "Harbury ( Norway ) 2 Tarnby ( Chile ) 0"."""
    if start > 0 and doc[start - 1].lower_ in _CLUB_VERSUS:
        return True
    after = doc[close + 1:close + 3]
    return len(after) > 0 and (after[0].lower_ in _CLUB_VERSUS or len(after) == 2 and after[0].is_digit
                               and len(after[0]) <= 2 and (after[1].is_title or after[1].text == "("))


def _athlete_word(doc: Doc, i: int) -> bool:
    token = doc[i]
    if token.text == "-":  # a hyphen inside a name: "Heinz-Harald"
        return not token.whitespace_ and i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].is_alpha
    return token.is_alpha and token.text[:1].isupper() and token.lower_ not in CLUB_WORDS


# The "v" of a club fixture ("Harbury v Tarnby"); not a draw's "vs.", which stands between
# athletes ("Ivo Marr ( Norway ) vs. Ola Berg ( Chile )"), unlike the entity stage's `_VERSUS`.
_CLUB_VERSUS = {"v", "v.", "vs"}


# Verbs a team is the subject or object of, or the object of a preposition after
# ("drew with", "lost to").
PLAY_VERBS = {"beat", "defeat", "draw", "lose", "play", "host", "face", "meet", "thrash", "rout", "edge", "overcome",
              "tie", "trail", "dismiss", "concede", "eliminate", "knock", "upset"}
# Verbs only a team is the subject of, among places: "Leeds handed ...", "Boston has won".
TEAM_SUBJECT_VERBS = {"win", "lead", "score", "finish", "rally", "clinch", "hand", "secure", "sign", "dominate",
                      "qualify", "advance", "sweep", "snap", "extend", "move", "top"}
# A game against a team: "a semifinal against X", "the game against X", "a 2-1 victory over X".
MATCH_NOUNS = {"game", "games", "match", "matches", "win", "victory", "defeat", "loss", "semifinal", "semi-final",
               "final", "clash", "tie", "draw", "series", "opener", "showdown", "derby", "playoff", "play-off"}
HOME_NATIONS = {"england", "scotland", "wales", "northern ireland"}
_TEAM_LABELS = ("GPE", "LOC", "PERSON", "FAC")
_SCORE = re.compile(r"\d+(?:-\d+)?$")  # "84", "2-1", "108-3"; not bowling figures "8-0-37-2"
_YEAR = re.compile(r"\d{4}")
_OPPONENT = {"to", "with", "against", "over"}  # "lost to X", "drew with X", "a win over X"


def _where(doc: Doc, ent: Span) -> bool:
    """Whether a team's place is named as a place: a dateline ("LEEDS , England 1996-08-26"),
    after "at", "in" or "into" ("heading into Boston"), or before a place's noun ("Sao Paulo
    airport")."""
    if ent.start > 0 and doc[ent.start - 1].lower_ in ("at", "in", "into"):
        return True
    return dateline(ent) or ent.end < len(doc) and doc[ent.end].lower_ in _PLACE_AFTER


_PLACE_AFTER = {"airport", "stadium", "hotel", "hospital", "area", "suburb", "street", "streets"}


def _owns_player(doc: Doc, ent: Span) -> bool:
    """"[Baltimore] 's Cal Ripken": a place's player is its team's."""
    end = ent.end
    return (end + 1 < len(doc) and doc[end].lower_ in ("'s", "’s") and doc[end + 1].ent_type_ == "PERSON"
            and doc[end + 1].ent_iob_ == "B")


def _club(doc: Doc, ent: Span, athletes_listed: bool) -> bool:
    """Whether a name of two or more words the NER called a person, a score after it, is a
    club's: a word of it names a club ("Manchester United 2"), or the story lists no athletes
    (`players_table`) and the name is no scorer's in brackets ("( Roberto Carlos 79 )") or a
    golfer's before rounds ("Hal Sutton 72 69 74 70"): "Ajax Amsterdam 2", "Hansa Rostock 0"."""
    if any(t.lower_ in CLUB_WORDS for t in ent):
        return True
    if athletes_listed or (ent.start > 0 and doc[ent.start - 1].text == "("):
        return False
    rounds = [t for t in doc[ent.end:ent.end + 2] if t.is_digit]
    return not (len(rounds) == 2 and all(60 <= int(t.text) <= 85 for t in rounds))


def _for_nation(doc: Doc, ent: Span, nations: set[int]) -> bool:
    """"Olabisi Afolabi ( Nigeria )": two or more capitalised words, no club's, then a state
    (or a home nation) in brackets."""
    end = ent.end
    if len(ent) < 2 or end + 2 >= len(doc) or doc[end].text != "(":
        return False
    if not all(_athlete_word(doc, i) for i in range(ent.start, ent.end)):
        return False  # a club's word in it; a hyphen only inside a given name ("Heinz-Harald")
    close = next((i for i in range(end + 2, min(end + 5, len(doc))) if doc[i].text == ")"), None)
    if close is None:
        return False
    inside = doc[end + 1:close]
    if _club_row(doc, ent.start, close):
        return False
    return all(i in nations for i in range(inside.start, inside.end)) or normalise(inside.text) in HOME_NATIONS


def _unknown_info(span: Span) -> dict[str, Any]:
    return {"name": _display_name(span), "type": UNKNOWN_TYPES[span.label_], "label": span.label_, "country": "",
            "sector": "", "wikidata": "", "roles": []}


def _title_as_surname(ent: Span) -> bool:
    """A person entity that is one capitalised title word with no article or possessive
    before it and no name after it is a surname ("the slaying of King", "Bishop said"), not
    a title ("the King", "the country's President")."""
    if len(ent) != 1 or not ent[0].text[:1].isupper() or ent[0].pos_ != "PROPN" or ent[0].lower_ not in TITLES:
        return False
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and (before.pos_ in ("DET", "PRON") or before.tag_ == "POS" or before.dep_ == "poss"):
        return False
    return not any(child.dep_ in ("det", "poss") for child in ent[0].children)
