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


def test_fraction_as_percent_and_infinitive_multiple(nlp):
    doc = run(nlp, parsed(nlp, """
        Exports 1 nsubj  NOUN  export NNS
        fell    1 ROOT   VERB  fall VBD
        by      1 prep   ADP
        a       4 det    DET
        third   2 pobj   NOUN
        and     1 cc     CCONJ
        China   7 nsubj  PROPN
        vowed   1 conj   VERB  vow
        to      9 aux    PART
        double  7 xcomp  ADJ   double
        imports 9 dobj   NOUN  import NNS
    """, ents=[(3, 5, "CARDINAL"), (6, 7, "GPE")]))
    found = {q["text"]: q for q in quantities(doc)}
    assert (found["a third"]["value"], found["a third"]["unit"], found["a third"]["direction"]) == (33.3, "percent", "down")
    assert (found["double"]["value"], found["double"]["unit"]) == (2.0, "multiple")


def test_dollar_variants_currency_after_number_and_referent_noun(nlp):
    doc = run(nlp, parsed(nlp, """
        Canberra 1 nsubj    PROPN
        pledged  1 ROOT     VERB  pledge
        A$40m    4 nummod   NUM
        in       2 quantmod ADP
        aid      1 dobj     NOUN
        and      1 cc       CCONJ
        2.3      7 compound NUM
        billion  8 nummod   NUM
        euros    9 nsubj    NOUN  euro NNS
        flowed   1 conj     VERB  flow
    """, ents=[(2, 3, "MONEY"), (6, 8, "CARDINAL")]))
    found = {q["text"]: q for q in quantities(doc)}
    assert (found["A$40m"]["value"], found["A$40m"]["unit"]) == (40_000_000.0, "AUD")
    assert (found["2.3 billion"]["value"], found["2.3 billion"]["unit"]) == (2_300_000_000.0, "EUR")
