"""Quantities: number parsing and normalisation on hand-built Docs."""

import pytest

from conftest import parsed, run


def quantities(doc):
    return [{k: q[k] for k in ("text", "kind", "value", "low", "high", "unit", "qualifier", "direction", "referent")}
            for q in doc._.quantities]


@pytest.mark.parametrize("words, value", [
    ("$ 31.4 million", 31_400_000.0), ("eight", 8.0), ("1,200", 1200.0), ("two dozen", 24.0),
    ("73", 73.0), ("2.5bn", 2_500_000_000.0), ("one hundred", 100.0), ("forty-five", 45.0),
])
def test_parse_number(nlp, words, value):
    from geoextract.quantities import parse_number

    doc = nlp.make_doc(words)
    assert parse_number(list(doc)) == value


def test_money_with_qualifier_and_level_after_to(nlp):
    doc = run(nlp, parsed(nlp, """
        Trade   1 nsubj  NOUN
        doubled 1 ROOT   VERB double VBD
        to      1 prep   ADP
        more    4 amod   ADJ
        than    3 quantmod ADP
        $       7 nmod   SYM
        31.4    7 compound NUM
        million 2 pobj   NUM
        .       1 punct  PUNCT
    """, ents=[(3, 8, "MONEY")]))
    found = quantities(doc)
    money = next(q for q in found if q["kind"] == "money")
    assert money["value"] == 31_400_000.0 and money["unit"] == "USD" and money["qualifier"] == "more_than"
    assert money["direction"] is None  # the level reached, not the change
    assert money["referent"] == "Trade"
    change = next(q for q in found if q["kind"] == "change")
    assert (change["value"], change["unit"], change["direction"]) == (2.0, "multiple", "up")


def test_counted_noun_and_at_least(nlp):
    doc = run(nlp, parsed(nlp, """
        At    1 advmod ADV
        least 2 advmod ADJ
        eight 5 nummod NUM
        North 4 compound PROPN
        Korean 5 amod  ADJ
        ships 6 nsubj  NOUN ship NNS
        docked 6 ROOT  VERB dock
        .     6 punct  PUNCT
    """, ents=[(0, 3, "CARDINAL"), (3, 5, "NORP")]))
    assert quantities(doc) == [{"text": "At least eight", "kind": "count", "value": 8.0, "low": None, "high": None,
                                "unit": "ships", "qualifier": "at_least", "direction": None,
                                "referent": "North Korean ships"}]


def test_vague_amount_is_a_range_of_the_counted_noun(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj  PROPN
        employs   1 ROOT   VERB employ
        tens      1 dobj   NOUN ten NNS
        of        2 prep   ADP
        thousands 3 pobj   NOUN thousand NNS
        of        4 prep   ADP
        workers   5 pobj   NOUN worker NNS
        .         1 punct  PUNCT
    """, ents=[(0, 1, "GPE")]))
    [q] = quantities(doc)
    assert (q["text"], q["low"], q["high"], q["unit"], q["qualifier"]) == ("tens of thousands", 10_000, 99_999, "workers", "range")


def test_bare_years_and_uncounted_numbers_are_not_quantities(nlp):
    doc = run(nlp, parsed(nlp, """
        In    2 prep  ADP
        2017  0 pobj  NUM
        trade 3 nsubj NOUN
        grew  3 ROOT  VERB grow
        .     3 punct PUNCT
    """, ents=[(1, 2, "CARDINAL")]))
    assert quantities(doc) == []
