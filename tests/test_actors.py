"""Actor resolution on hand-built Docs: gazetteer names, acronyms, demonyms, metonyms, short names."""

import pytest

from conftest import ACTORS, parsed, run
from geoextract.actors import normalise
from geoextract.errors import GeoextractError
from geoextract.rules import validate_actors


def mentions(doc):
    return [(span.text, doc._.actors[span.kb_id_]["name"], span.id_) for span in doc.spans["actors"]]


def test_acronym_metonym_and_demonym(nlp):
    doc = run(nlp, parsed(nlp, """
        The      1 det      DET
        Kremlin  4 nsubj    PROPN
        and      1 cc       CCONJ
        DPRK     1 conj     PROPN
        warned   4 ROOT     VERB  warn
        American 6 amod     ADJ
        diplomats 4 dobj    NOUN  diplomat NNS
        .        4 punct    PUNCT
    """))
    assert mentions(doc) == [
        ("The Kremlin", "Russia", "metonym"),
        ("DPRK", "North Korea", "acronym"),
        ("American", "United States", "demonym"),
    ]


def test_acronyms_match_case_exactly(nlp):
    doc = run(nlp, parsed(nlp, """
        Tell  0 ROOT  VERB
        us    0 dobj  PRON
        about 0 prep  ADP
        it    2 pobj  PRON
        .     0 punct PUNCT
    """))
    assert mentions(doc) == []


def test_spelling_variant_from_ner_and_later_short_name(nlp):
    doc = run(nlp, parsed(nlp, """
        Kim   2 compound PROPN
        Jong  2 compound PROPN
        -un   3 nsubj    PROPN
        spoke 3 ROOT     VERB speak
        .     3 punct    PUNCT
        Kim   6 nsubj    PROPN
        left  6 ROOT     VERB leave
        .     6 punct    PUNCT
    """, ents=[(0, 3, "PERSON")]))
    found = mentions(doc)
    assert found[0][1] == "Kim Jong Un"
    assert found[1] == ("Kim", "Kim Jong Un", "short_name")


def test_unknown_names_become_actors_with_stable_ids(nlp):
    doc = run(nlp, parsed(nlp, """
        Mr       2 compound PROPN
        Andrey   2 compound PROPN
        Kortunov 3 nsubj    PROPN
        spoke    3 ROOT     VERB speak
        .        3 punct    PUNCT
        Kortunov 5 nsubj    PROPN
        left     5 ROOT     VERB leave
        .        5 punct    PUNCT
    """, ents=[(0, 3, "PERSON"), (5, 6, "PERSON")]))
    spans = list(doc.spans["actors"])
    assert [s.text for s in spans] == ["Andrey Kortunov", "Kortunov"]  # the title is trimmed
    assert {s.kb_id_ for s in spans} == {"x-andrey-kortunov"}
    assert doc._.actors["x-andrey-kortunov"] == {"name": "Andrey Kortunov", "type": "person", "country": ""}


def test_language_use_of_a_demonym_is_not_an_actor(nlp):
    doc = run(nlp, parsed(nlp, """
        She     1 nsubj PRON
        speaks  1 ROOT  VERB speak
        Russian 1 dobj  PROPN
        .       1 punct PUNCT
    """))
    assert mentions(doc) == []


def test_normalise_ignores_case_accents_articles_and_possessives():
    assert normalise("the Kremlin's") == normalise("Kremlin") == "kremlin"
    assert normalise("Kim Jong-un") == normalise("Kim Jong Un") == "kimjongun"
    assert normalise("Erdoğan") == "erdogan"


def test_gazetteer_validation_reports_every_problem_at_once():
    bad = [dict(ACTORS[0], _line=1), dict(ACTORS[0], _line=2, type="country"),
           {"id": "x", "name": "", "type": "state", "label": "GPE", "aliases": ["Moscow"], "_line": 3}]
    with pytest.raises(GeoextractError) as info:
        validate_actors(bad, "actors.jsonl")
    message = str(info.value)
    assert message.startswith("E008 invalid rule file actors.jsonl")
    assert "duplicate id" in message and "'type' must be one of" in message
    assert "'name' must be a non-empty string" in message and "'Moscow' already belongs to actor 'russia'" in message
