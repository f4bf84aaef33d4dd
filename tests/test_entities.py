"""Document-level entity consistency and the gazetteer's corrections, on hand-built Docs."""

from conftest import parsed, run


def ents(doc):
    return [(ent.text, ent.label_) for ent in doc.ents]


def test_one_name_one_label_and_missed_surnames(nlp):
    # "Alexander Lebed met Tarango . Tarango thanked Lebed ." with NER mistakes on the second sentence
    doc = parsed(nlp, """
        Alexander 1 compound PROPN
        Lebed 2 nsubj PROPN
        met 2 ROOT VERB meet
        Tarango 2 dobj PROPN
        . 2 punct PUNCT
        Tarango 6 nsubj PROPN
        thanked 6 ROOT VERB thank
        Lebed 6 dobj PROPN
        . 6 punct PUNCT
    """, ents=[(0, 2, "PERSON"), (3, 4, "PERSON"), (5, 6, "ORG")])
    doc = run(nlp, doc)
    assert ents(doc) == [("Alexander Lebed", "PERSON"), ("Tarango", "PERSON"), ("Tarango", "PERSON"), ("Lebed", "PERSON")]


def test_gazetteer_adds_and_relabels_names(nlp):
    # the NER missed "Russia" and called "Xinhua" a person
    doc = parsed(nlp, """
        Xinhua 1 nsubj PROPN
        said 1 ROOT VERB say
        Russia 3 nsubj PROPN
        agreed 1 ccomp VERB agree
        . 1 punct PUNCT
    """, ents=[(0, 1, "PERSON")])
    doc = run(nlp, doc)
    assert ents(doc) == [("Xinhua", "ORG"), ("Russia", "GPE")]


def test_lowercase_words_are_not_made_names(nlp):
    doc = parsed(nlp, """
        Turkey 1 nsubj PROPN
        sold 1 ROOT VERB sell
        turkey 1 dobj NOUN
        . 1 punct PUNCT
    """, ents=[(0, 1, "GPE")])
    doc = run(nlp, doc)
    assert ents(doc) == [("Turkey", "GPE")]
