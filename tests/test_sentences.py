"""Line breaks as sentence starts (before the parser), but not in hard-wrapped text."""

import spacy

from geoextract.sentences import line_breaks


def starts(text):
    doc = line_breaks(spacy.blank("en")(text))
    return [t.text for t in doc if t.is_sent_start and t.i > 0]


def test_a_line_without_a_full_stop_ends_its_sentence():
    assert starts("Russia Plays A Double Game\n\nPresident Trump spoke.\nTrade grew besides\nBilateral trade doubled.") == [
        "President", "Trade", "Bilateral"]


def test_hard_wrapped_text_is_left_to_the_parser():
    text = "The ministry said the\nMinistry of Trade would\nconsider the request from\nthe government of Japan and\nthe delegation that came\nyesterday."
    assert starts(text) == []


def test_a_name_split_over_two_lines_stays_in_one_sentence():
    assert starts("He works for the Russian Foreign\nMinistry, he said.\nThen he left.") == ["Then"]


def test_no_sentence_starts_after_an_abbreviated_title():
    # the tokenizer keeps "Capt." and "Lt." whole (as it keeps "Gen."), and the name after one
    # starts no sentence, which the parser then respects; a word that is no name still can
    from geoextract.pipeline import keep_title_abbreviations

    nlp = spacy.blank("en")
    assert [t.text for t in nlp("said Capt. Hugh Madlock")] == ["said", "Capt", ".", "Hugh", "Madlock"]
    keep_title_abbreviations(nlp)
    doc = line_breaks(nlp("said county Fire Department Capt. Hugh Madlock and Lt. Anna Berg."))
    assert [t.text for t in doc][4:6] == ["Capt.", "Hugh"]
    assert doc[5].is_sent_start is False and doc[9].is_sent_start is False
    doc = line_breaks(nlp("He met the Col. then he left."))
    assert doc[4].is_sent_start is None  # left to the parser
