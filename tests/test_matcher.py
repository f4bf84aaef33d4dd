"""TreeMatcher gives spaCy's DependencyMatcher's matches, in its order, on hand-built parses."""

import pytest
from spacy.matcher import DependencyMatcher

from conftest import parsed
from geoextract.matcher import TreeMatcher

SENTENCES = [
    """
    Russia       1 nsubj  PROPN
    sold         1 ROOT   VERB  sell
    oil          1 dobj   NOUN
    to           1 prep   ADP
    North        5 compound PROPN
    Korea        3 pobj   PROPN
    and          1 cc     CCONJ
    China        1 conj   PROPN
    .            1 punct  PUNCT
    Japan        10 nsubj PROPN
    urged        10 ROOT  VERB  urge
    China        10 dobj  PROPN
    to           13 aux   PART
    stop         10 xcomp VERB
    .            10 punct PUNCT
    """,
    """
    Chinese      2 amod     ADJ  chinese
    President    2 compound PROPN president
    Xi           3 compound PROPN
    Jinping      4 nsubj    PROPN
    met          4 ROOT     VERB meet
    Russian      7 amod     ADJ  russian
    President    7 compound PROPN president
    Putin        4 dobj     PROPN
    in           4 prep     ADP
    Moscow       8 pobj     PROPN
    .            4 punct    PUNCT
    """,
]
ENTS = [[(0, 1, "GPE"), (4, 6, "GPE"), (7, 8, "GPE"), (9, 10, "GPE"), (11, 12, "GPE")],
        [(0, 1, "NORP"), (2, 4, "PERSON"), (5, 6, "NORP"), (7, 8, "PERSON"), (9, 10, "GPE")]]

EXTRA = {  # operators and attributes beyond the bundled patterns' subset, and a fallback case
    "chain": [{"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB"}},
              {"LEFT_ID": "v", "REL_OP": ">>", "RIGHT_ID": "n", "RIGHT_ATTRS": {"POS": "PROPN", "DEP": {"NOT_IN": ["nsubj"]}}}],
    "up": [{"RIGHT_ID": "n", "RIGHT_ATTRS": {"ENT_TYPE": "GPE"}},
           {"LEFT_ID": "n", "REL_OP": "<<", "RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": {"IN": ["sell", "urge", "meet"]}}}],
    "head": [{"RIGHT_ID": "n", "RIGHT_ATTRS": {"LOWER": "china"}},
             {"LEFT_ID": "n", "REL_OP": "<", "RIGHT_ID": "v", "RIGHT_ATTRS": {}}],
    "flags": [{"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB", "IS_LOWER": True}},
              {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "n", "RIGHT_ATTRS": {"IS_TITLE": True, "IS_UPPER": False}}],
    "sibling": [{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "sell"}},  # "$+" is spaCy's only: fallback
                {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "o", "RIGHT_ATTRS": {"DEP": "dobj"}},
                {"LEFT_ID": "o", "REL_OP": "$+", "RIGHT_ID": "p", "RIGHT_ATTRS": {}}],
}


def _both(nlp, patterns):
    ours, theirs = TreeMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
    for key, pattern in patterns:
        ours.add(key, [pattern])
        theirs.add(key, [pattern])
    return ours, theirs


@pytest.mark.parametrize("index", range(len(SENTENCES)))
def test_bundled_patterns_match_as_spacy_does(nlp, index):
    patterns = [(p["id"], p["pattern"]) for p in nlp.get_pipe("geoextract_relations").patterns]
    ours, theirs = _both(nlp, patterns)
    doc = parsed(nlp, SENTENCES[index], ENTS[index])
    assert ours(doc) == theirs(doc)
    assert ours(doc)  # the sentences do hit some patterns
    # every bundled pattern is in the fast subset: none is handed to spaCy's slower matcher
    assert not ours._fallback_keys


def test_other_operators_attributes_and_fallback(nlp):
    ours, theirs = _both(nlp, list(EXTRA.items()))
    keys = set()
    for spec, ents in zip(SENTENCES, ENTS):
        doc = parsed(nlp, spec, ents)
        found = ours(doc)
        assert found == theirs(doc)
        keys |= {nlp.vocab.strings[key] for key, _ in found}
    assert keys == set(EXTRA)  # every pattern, the fallback included, matched somewhere


def test_no_patterns_no_matches(nlp):
    assert TreeMatcher(nlp.vocab)(parsed(nlp, SENTENCES[0], ENTS[0])) == []


@pytest.mark.model
def test_same_matches_as_spacy_on_parsed_news():
    """On real parses (the bundled sample articles, parsed by the model), every bundled
    pattern matches exactly as spaCy's DependencyMatcher, in the same order."""
    import json

    from geoextract.extraction import SAMPLE
    from geoextract.pipeline import load_pipeline

    model = load_pipeline()
    patterns = [(p["id"], p["pattern"]) for p in model.get_pipe("geoextract_relations").patterns]
    ours, theirs = _both(model, patterns)
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    total = 0
    for doc in model.pipe(texts):
        found = ours(doc)
        assert found == theirs(doc)
        total += len(found)
    assert total > 50  # the articles do hit many patterns
