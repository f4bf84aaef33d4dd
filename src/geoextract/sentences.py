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
    lines = [line.rstrip() for line in doc.text.split("\n") if line.strip()]
    if len(lines) < 2:
        return doc
    ended = sum(1 for line in lines if line.endswith(ENDINGS))
    if len(lines) >= 5 and ended / len(lines) < 0.5:
        return doc  # hard-wrapped: a line break is not a sentence break
    # Newlines are in whitespace tokens only (a token's own trailing whitespace is one space at
    # most), so only the runs of whitespace tokens are visited, not every token.
    spaces = doc.to_array(IS_SPACE).nonzero()[0].tolist()
    n, k = len(doc), 0
    while k < len(spaces):
        first = last = spaces[k]
        while k + 1 < len(spaces) and spaces[k + 1] == last + 1:
            k += 1
            last = spaces[k]
        k += 1
        if first == 0 or last + 1 >= n:
            continue  # no word before the break, or none after it
        breaks = sum(doc[i].text.count("\n") for i in range(first, last + 1))
        if not breaks:
            continue
        previous, token = doc[first - 1], doc[last + 1]
        # One line break between two capitalised words may split a name ("Foreign\nMinistry").
        name_split = breaks == 1 and previous.text[:1].isupper() and token.text[:1].isupper() and not previous.is_punct
        if not name_split:
            token.is_sent_start = True
    return doc
