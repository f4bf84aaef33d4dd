"""Sentence starts at line breaks, and none after an abbreviated title, set before the parser
so it respects them.

News text often puts one paragraph (or a headline) per line with no final full stop; the
parser would run such a line into the next sentence. Hard-wrapped text (most lines ending
mid-sentence) is left alone. The parser also ends sentences at the full stop of "Capt." or
"Lt." ("said Fire Department Capt. | Hugh Madlock"), cutting the name from its title and its
organisation: a capitalised word after an abbreviated title starts no sentence.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

ENDINGS = (".", "!", "?", '"', "”", "’", ":", ";", ")")
# Abbreviated titles before a name: with the tokenizer's own ("Gen.", "Sen.", "Dr."), the ones
# `pipeline.keep_title_abbreviations` makes single tokens.
ABBREVIATED_TITLES = ("Lt.", "Capt.", "Sgt.", "Col.", "Maj.", "Cmdr.", "Cdr.", "Comdr.", "Brig.", "Cpl.", "Pvt.",
                      "Insp.", "Det.", "Supt.", "Lieut.", "Atty.", "Msgr.", "Gens.", "Sens.", "Reps.", "Gen.", "Sen.",
                      "Rep.", "Gov.", "Adm.", "Dr.", "Prof.", "Rev.", "Mr.", "Mrs.", "Ms.")


# their string ids, which are hashes of the text: the same in every vocabulary
_TITLE_IDS = np.array([get_string_id(title) for title in ABBREVIATED_TITLES], dtype="uint64")


@Language.component("geoextract_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    if len(doc) < 2:
        return doc
    array = doc.to_array([ORTH, IS_SPACE])  # read once for both searches
    _sentence_breaks(doc, array[:, 1])
    _titles(doc, array[:, 0])
    return doc


def _titles(doc: Doc, orth: np.ndarray) -> None:
    for i in np.flatnonzero(np.isin(orth[:-1], _TITLE_IDS)).tolist():
        word = doc[i + 1]
        if word.is_title and (not word.tag_ or word.tag_.startswith("NNP")):  # not "the Col. Then ..."
            word.is_sent_start = False


def _sentence_breaks(doc: Doc, space: np.ndarray) -> None:
    # Newlines are in whitespace tokens only (a token's own trailing whitespace is one space at
    # most), so only the runs of whitespace tokens are visited, not every token, and the lines
    # are read from them without joining the document's text.
    spaces = space.nonzero()[0].tolist()
    runs: list[tuple[int, int, int]] = []  # (first, last, line breaks) of each run holding a break
    n, k = len(doc), 0
    while k < len(spaces):
        first = last = spaces[k]
        while k + 1 < len(spaces) and spaces[k + 1] == last + 1:
            k += 1
            last = spaces[k]
        k += 1
        breaks = sum(doc[i].text.count("\n") for i in range(first, last + 1))
        if breaks:
            runs.append((first, last, breaks))
    # a line is the words between two runs; it ends a sentence when its last word does
    endings, start = [], 0
    for first, last, _ in runs + [(n, n, 0)]:
        if first > start:
            endings.append(doc[first - 1].text.endswith(ENDINGS))
        start = last + 1
    if len(endings) < 2:
        return
    if len(endings) >= 5 and sum(endings) / len(endings) < 0.5:
        return  # hard-wrapped: a line break is not a sentence break
    for first, last, breaks in runs:
        if first == 0 or last + 1 >= n:
            continue  # no word before the break, or none after it
        previous, token = doc[first - 1], doc[last + 1]
        # One line break between two capitalised words may split a name ("Foreign\nMinistry").
        name_split = breaks == 1 and previous.text[:1].isupper() and token.text[:1].isupper() and not previous.is_punct
        if not name_split:
            token.is_sent_start = True
