"""Sentence starts at line breaks, set before the parser so it respects them.

News text often puts one paragraph (or a headline) per line with no final full stop; the
parser would run such a line into the next sentence. Hard-wrapped text (most lines ending
mid-sentence) is left alone.
"""

from __future__ import annotations

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
    breaks, previous = 0, None
    for token in doc:
        if token.is_space:
            breaks += token.text.count("\n")
            continue
        if breaks and previous is not None:
            # One line break between two capitalised words may split a name ("Foreign\nMinistry").
            name_split = breaks == 1 and previous.text[:1].isupper() and token.text[:1].isupper() and not previous.is_punct
            if not name_split:
                token.is_sent_start = True
        breaks = token.whitespace_.count("\n")
        previous = token
    return doc
