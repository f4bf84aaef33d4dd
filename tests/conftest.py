"""Shared fixtures: a blank pipeline with geoextract's components and hand-built parsed Docs.

Rule tests build `Doc`s from words, heads, dependency labels, POS tags, lemmas and entities
written out by hand, so they run without a statistical model and do not change when a model
is upgraded. Tests that load the model are marked `model`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

ACTORS = [
    {"id": "russia", "name": "Russia", "type": "state", "label": "GPE", "country": "RUS", "sector": "GOV",
     "aliases": ["Russian Federation"], "acronyms": [], "demonyms": ["Russian", "Russians"],
     "metonyms": ["Moscow", "the Kremlin", "Kremlin"], "roles": []},
    {"id": "north-korea", "name": "North Korea", "type": "state", "label": "GPE", "country": "PRK", "sector": "GOV",
     "aliases": ["N Korea"], "acronyms": ["DPRK"], "demonyms": ["North Korean", "North Koreans"],
     "metonyms": ["Pyongyang"], "roles": []},
    {"id": "united-states", "name": "United States", "type": "state", "label": "GPE", "country": "USA", "sector": "GOV",
     "aliases": ["America"], "acronyms": ["US", "U.S."], "demonyms": ["American"], "metonyms": ["Washington"], "roles": []},
    {"id": "china", "name": "China", "type": "state", "label": "GPE", "country": "CHN", "sector": "GOV",
     "aliases": [], "acronyms": [], "demonyms": ["Chinese"], "metonyms": ["Beijing"], "roles": []},
    {"id": "united-nations", "name": "United Nations", "type": "igo", "label": "ORG", "country": "", "sector": "IGO",
     "aliases": [], "acronyms": ["UN"], "demonyms": [], "metonyms": [], "roles": []},
    {"id": "kim-jong-un", "name": "Kim Jong Un", "type": "person", "label": "PERSON", "country": "PRK", "sector": "GOV",
     "aliases": ["Kim Jong-un"], "acronyms": [], "demonyms": [], "metonyms": [], "roles": []},
    {"id": "vladimir-putin", "name": "Vladimir Putin", "type": "person", "label": "PERSON", "country": "RUS", "sector": "GOV",
     "aliases": ["Putin"], "acronyms": [], "demonyms": [], "metonyms": [], "roles": []},
    {"id": "xinhua", "name": "Xinhua News Agency", "type": "media", "label": "ORG", "country": "CHN", "sector": "MED",
     "aliases": ["Xinhua"], "acronyms": [], "demonyms": [], "metonyms": [], "roles": []},
]


@pytest.fixture(scope="session")
def nlp():
    """A blank English pipeline with geoextract's components and the test gazetteer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("geoextract_entities")
    nlp.add_pipe("geoextract_actors").initialize(actors=ACTORS)
    nlp.add_pipe("geoextract_quantities")
    nlp.add_pipe("geoextract_relations").initialize()  # the bundled pipeline/relations.jsonl
    return nlp


def parsed(nlp, spec: str, ents: list[tuple[int, int, str]] = ()) -> Doc:
    """A Doc from a compact hand-written parse, one token per line:

        word  head-index  dep  POS  [lemma]  [TAG]

    Heads are absolute token indices (a root points to itself). Entities are
    (start token, end token, label).
    """
    rows = [line.split() for line in spec.strip().splitlines() if line.strip()]
    words = [r[0] for r in rows]
    heads = [int(r[1]) for r in rows]
    deps = [r[2] for r in rows]
    pos = [r[3] for r in rows]
    lemmas = [r[4] if len(r) > 4 and r[4] != "-" else r[0].lower() for r in rows]
    tags = [r[5] if len(r) > 5 else "" for r in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in {".", ",", "'s", ":", ";", "%", "?"} for i in range(len(words))]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, lemmas=lemmas,
              tags=tags if any(tags) else None,
              ents=_iob(len(words), ents))
    return doc


def _iob(n: int, ents) -> list[str]:
    tags = ["O"] * n
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def run(nlp, doc: Doc) -> Doc:
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r["source"], r["relation"], r["target"]) for r in doc._.relations}


def relation_types(doc: Doc) -> set[str]:
    """The relation types a Doc's rows have."""
    return {r["relation"] for r in doc._.relations}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
