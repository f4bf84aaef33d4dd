"""Named entities made consistent within a document, after the statistical NER.

A small CNN tagger labels each mention on its own, so one article may call "Tarango" a person
in one sentence and an organisation in the next, or miss "Lebed" after tagging "Alexander
Lebed". Within one document a name almost always means one thing, so this component:

- relabels every mention of the same name to the label most of its mentions got (a longer,
  multi-word mention of a person counts for its surname too);
- adds the mentions the NER missed: a capitalised token or token sequence that spells a name
  already tagged elsewhere in the document, or the surname of a tagged person.

It writes `doc.ents`; the actor resolver after it reads them.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from spacy.attrs import LOWER

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")
# Words that are capitalised at the start of a sentence or in headlines but are not names.
_STOP = {"the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "this", "that",
         "mr", "mrs", "ms", "dr", "president", "minister", "prime", "new", "north", "south", "east", "west"}


@Language.component("geoextract_entities", assigns=["doc.ents"], requires=["doc.ents"])
def consistent_entities(doc: Doc) -> Doc:
    ents = list(doc.ents)
    if not ents:
        return doc
    votes: dict[str, Counter] = defaultdict(Counter)
    for ent in ents:
        if ent.label_ not in NAME_LABELS:
            continue
        votes[_key(ent.text)][ent.label_] += len(ent)
        if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].text[:1].isupper():
            votes[_key(ent[-1].text)]["PERSON"] += 2  # "Lebed" after "Alexander Lebed"
    label_of = {key: counts.most_common(1)[0][0] for key, counts in votes.items()}
    new_ents: list[Span] = []
    for ent in ents:
        label = label_of.get(_key(ent.text)) if ent.label_ in NAME_LABELS else None
        new_ents.append(Span(doc, ent.start, ent.end, label=label) if label and label != ent.label_ else ent)
    # mentions the NER missed: the same spelling as a tagged name (up to four tokens)
    covered = {i for ent in new_ents for i in range(ent.start, ent.end)}
    names = {key for key in label_of if key.split()[0] not in _STOP}
    firsts = {key.split()[0] for key in names}  # most tokens start no name: one set lookup each
    longest = max((len(key.split()) for key in names), default=0)
    added: list[Span] = []
    # Only tokens that start a known name are looked at (a numpy test over the lower-case ids),
    # not every token of the document.
    first_ids = np.array([doc.vocab.strings.as_int(first) for first in firsts], dtype="uint64")
    candidates = np.isin(doc.to_array(LOWER), first_ids).nonzero()[0].tolist()
    i = 0
    for candidate in candidates:
        if candidate < i:  # inside a name added just before
            continue
        i = candidate
        token = doc[i]
        if i in covered or not token.text[:1].isupper():
            continue
        found = None
        for size in range(min(longest, 4), 0, -1):
            span = doc[i:i + size]
            if len(span) == size and not any(j in covered for j in range(span.start, span.end)) and _key(span.text) in names:
                if all(t.text[:1].isupper() or t.is_punct for t in span):
                    found = span
                    break
        if found is not None:
            added.append(Span(doc, found.start, found.end, label=label_of[_key(found.text)]))
            i = found.end
    if added:
        new_ents = filter_spans(new_ents + added)
    doc.ents = sorted(new_ents, key=lambda span: span.start)
    return doc


def _key(text: str) -> str:
    return " ".join(text.split()).lower()
