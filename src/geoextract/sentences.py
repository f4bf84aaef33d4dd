"""Sentence starts at line breaks, set before the parser so it respects them.

News text often puts one paragraph (or a headline) per line with no final full stop; the
parser would run such a line into the next sentence. Hard-wrapped text (most lines ending
mid-sentence) is left alone.
"""

from __future__ import annotations

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

ENDINGS = (".", "!", "?", '"', "”", "’", ":", ";", ")")


@Language.component("geoextract_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    # Newlines are in whitespace tokens only (a token's own trailing whitespace is one space at
    # most), so only the runs of whitespace tokens are visited, not every token, and the lines
    # are read from them without joining the document's text.
    spaces = doc.to_array(IS_SPACE).nonzero()[0].tolist() if len(doc) else []
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
        return doc
    if len(endings) >= 5 and sum(endings) / len(endings) < 0.5:
        return doc  # hard-wrapped: a line break is not a sentence break
    for first, last, breaks in runs:
        if first == 0 or last + 1 >= n:
            continue  # no word before the break, or none after it
        previous, token = doc[first - 1], doc[last + 1]
        # One line break between two capitalised words may split a name ("Foreign\nMinistry").
        name_split = breaks == 1 and previous.text[:1].isupper() and token.text[:1].isupper() and not previous.is_punct
        if not name_split:
            token.is_sent_start = True
    return doc
