"""Quantities: money, percent, counts and vague amounts, normalised and tied to a referent.

Writes `doc.spans["quantities"]` and `doc._.quantities`, a list of plain dicts aligned with
the spans: value (or low/high for ranges and vague amounts), unit (ISO currency, "percent",
"multiple" for "doubled", or the counted noun: "ships", "workers"), qualifier, direction
when the amount is a change, and the referent noun phrase.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

SPANS_KEY = "quantities"
NER_LABELS = {"MONEY", "PERCENT", "CARDINAL", "QUANTITY"}

CURRENCY_SYMBOLS = {"a$": "AUD", "c$": "CAD", "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "r$": "BRL", "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₩": "KRW", "₹": "INR"}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "jpy": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "cny": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rubles": "RUB", "rub": "RUB", "won": "KRW", "krw": "KRW", "rupee": "INR", "rupees": "INR",
    "inr": "INR", "franc": "CHF", "francs": "CHF", "chf": "CHF", "lira": "TRY", "hryvnia": "UAH",
}
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}
WORDS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "half": 0.5, "dozen": 12,
}
# Vague amounts as ranges: "dozens" is two dozen or more, below a hundred.
VAGUE = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
    "tens of thousands": (10_000, 99_999), "hundreds of thousands": (100_000, 999_999),
    "millions": (2_000_000, 9_999_999), "tens of millions": (10_000_000, 99_999_999),
    "hundreds of millions": (100_000_000, 999_999_999), "billions": (2e9, 9.999e9),
    "several": (3, 9), "a few": (2, 5), "a handful": (2, 6),
}
# Fractions of a whole, as percent: "fell by a third", "about a fifth of the world's oil".
FRACTIONS = {"third": 1 / 3, "thirds": 1 / 3, "quarter": 1 / 4, "quarters": 1 / 4, "fifth": 1 / 5, "fifths": 1 / 5,
             "tenth": 1 / 10, "tenths": 1 / 10}
FRACTION_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}
MULTIPLES = {"double": 2.0, "triple": 3.0, "quadruple": 4.0, "halve": 0.5}
QUALIFIERS = [
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("more than", "more_than"), ("over", "more_than"), ("above", "more_than"), ("upwards of", "more_than"),
    ("up to", "up_to"), ("as many as", "up_to"), ("as much as", "up_to"), ("at most", "up_to"),
    ("less than", "less_than"), ("fewer than", "less_than"), ("under", "less_than"), ("below", "less_than"),
    ("nearly", "about"), ("almost", "about"), ("about", "about"), ("around", "about"), ("roughly", "about"),
    ("approximately", "about"), ("some", "about"), ("an estimated", "about"), ("close to", "about"),
]
QUALIFIER_WORDS = [(words.split(), len(words.split())) for words, _ in QUALIFIERS]
MAX_QUALIFIER_WORDS = max(n for _, n in QUALIFIER_WORDS)
UP_VERBS = {"increase", "rise", "grow", "jump", "climb", "surge", "soar", "expand", "boost", "gain", "double",
            "triple", "quadruple", "raise", "up"}
DOWN_VERBS = {"fall", "drop", "decline", "decrease", "cut", "shrink", "slump", "plunge", "halve", "reduce",
              "slide", "sink", "lower", "down", "tumble"}
_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")


ANCHOR_ATTRS = {"LOWER": LOWER, "LEMMA": LEMMA}
_COMMON = {"a", "an", "the", "of", "by", "to"}  # too frequent to pick sentences by


def _anchor_words(patterns: list[list[dict[str, Any]]]) -> dict[str, set[str]]:
    """Per attribute, words of which every pattern needs at least one.

    From each pattern, its first required token constrained on LOWER or LEMMA to values that
    are not common words (all patterns here have one; a pattern without raises at build time).
    """
    anchors: dict[str, set[str]] = {}
    for pattern in patterns:
        for token in pattern:
            if token.get("OP") in ("?", "*"):
                continue
            attr = next((a for a in ANCHOR_ATTRS if a in token), None)
            if attr is None:
                continue
            value = token[attr]
            words = {value} if isinstance(value, str) else set(value.get("IN", ())) if isinstance(value, dict) else set()
            if words and not words & _COMMON:
                anchors.setdefault(attr, set()).update(w.lower() if attr == "LOWER" else w for w in words)
                break
        else:
            raise ValueError(f"quantity pattern without an anchor word: {pattern}")
    return anchors


def _joined_as_written(doc: Doc, start: int, end: int) -> bool:
    """The words from start to end are separated by single spaces, as a qualifier is written."""
    return all(doc[i].whitespace_ == " " for i in range(start, end - 1))


@Language.factory(
    "geoextract_quantities",
    assigns=["doc.spans", "doc._.quantities"],
    requires=["doc.ents", "token.dep"],
    default_config={"spans_key": SPANS_KEY},
)
def make_quantity_finder(nlp: Language, name: str, spans_key: str) -> "QuantityFinder":
    return QuantityFinder(nlp, name, spans_key=spans_key)


class QuantityFinder:
    def __init__(self, nlp: Language, name: str = "geoextract_quantities", *, spans_key: str = SPANS_KEY) -> None:
        self.name = name
        self.spans_key = spans_key
        if not Doc.has_extension("quantities"):
            Doc.set_extension("quantities", default=None)
        self.matcher = Matcher(nlp.vocab)
        # Vague amounts the NER does not tag, and changes stated as multiples.
        self.matcher.add("vague", [
            [{"LOWER": {"IN": ["tens", "hundreds"]}}, {"LOWER": "of"}, {"LOWER": {"IN": ["thousands", "millions"]}}],
            [{"LOWER": {"IN": ["dozens", "scores", "hundreds", "thousands", "millions", "billions"]}}, {"LOWER": "of"}],
            [{"LOWER": "several"}, {"LOWER": {"IN": ["few", "handful"]}, "OP": "?"},
             {"POS": "ADJ", "OP": "*"}, {"POS": "NOUN", "DEP": {"IN": ["nsubj", "dobj", "pobj", "nsubjpass"]}}],
            [{"LOWER": "a"}, {"LOWER": {"IN": ["few", "handful"]}},  # "a" alone is no amount
             {"POS": "ADJ", "OP": "*"}, {"POS": "NOUN", "DEP": {"IN": ["nsubj", "dobj", "pobj", "nsubjpass"]}}],
            [{"LOWER": "a"}, {"LOWER": {"IN": ["few", "handful"]}, "POS": "NOUN",  # "a handful of ..."
                              "DEP": {"IN": ["nsubj", "dobj", "pobj", "nsubjpass"]}}],
        ])
        self.matcher.add("fraction", [
            [{"LOWER": "by"}, {"LOWER": {"IN": list(FRACTION_COUNTS)}}, {"LOWER": {"IN": list(FRACTIONS)}}],
            [{"LOWER": {"IN": list(FRACTION_COUNTS)}}, {"LOWER": {"IN": list(FRACTIONS)}}, {"LOWER": "of"}],
        ])
        self.matcher.add("multiple", [[{"LEMMA": {"IN": list(MULTIPLES)}, "POS": "VERB"}],
                                      [{"LOWER": "to"}, {"LOWER": {"IN": list(MULTIPLES)}}]])  # "to double imports"
        # Every pattern needs one of these words (LOWER or LEMMA): only sentences that have one
        # go through the Matcher, which otherwise steps every pattern over every token.
        self.anchors = {attr: np.array(sorted(nlp.vocab.strings.add(word) for word in words), dtype="uint64")
                        for attr, words in _anchor_words(self.patterns()).items()}

    def __call__(self, doc: Doc) -> Doc:
        spans = [self._with_qualifier(ent) for ent in doc.ents if ent.label_ in NER_LABELS]
        for match_id, start, end in self._matches(doc):
            kind = doc.vocab.strings[match_id]
            span = doc[start:end]
            if kind == "multiple" and span[0].lower_ == "to":
                span = doc[start + 1:end]
            elif kind == "fraction":  # keep "a third", without "by" or "of"
                span = doc[start + 1:end] if span[0].lower_ == "by" else doc[start:end - 1]
            elif kind == "vague":
                if span[0].lower_ in ("several", "a") and span[-1].pos_ == "NOUN":
                    # "several (Danish) ministries": the amount is "several"
                    span = doc[start:start + (2 if end - start > 1 and span[1].lower_ in ("few", "handful") else 1)]
                    if span.text.lower() not in VAGUE:
                        continue
                elif span[-1].lower_ == "of":
                    span = doc[start:end - 1]
            spans.append(self._with_qualifier(Span(doc, span.start, span.end, label=kind.upper())))
        spans = [s for s in filter_spans(spans) if s is not None]
        records, kept = [], []
        sent_starts = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        for span in spans:
            record = self.normalise(span)
            if record is None:
                continue
            record["sent_index"] = _sent_index(sent_starts, span.start)
            records.append(record)
            kept.append(span)
        doc.spans[self.spans_key] = kept
        doc._.quantities = records
        return doc

    def patterns(self) -> list[list[dict[str, Any]]]:
        return [pattern for key in ("vague", "fraction", "multiple")
                for pattern in self.matcher.get(key)[1]]

    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The Matcher's matches, from the sentences that hold an anchor word only."""
        columns = doc.to_array([ANCHOR_ATTRS[attr] for attr in self.anchors]) if len(doc) else None
        if columns is None:
            return []
        hits = np.zeros(len(doc), dtype=bool)
        for index, ids in enumerate(self.anchors.values()):
            hits |= np.isin(columns[:, index], ids)
        if not hits.any():
            return []
        if not doc.has_annotation("SENT_START"):
            return list(self.matcher(doc))
        found: list[tuple[int, int, int]] = []
        for sent in doc.sents:
            if hits[sent.start:sent.end].any():
                found.extend((match_id, sent.start + start, sent.start + end)
                             for match_id, start, end in self.matcher(sent))
        return found

    @staticmethod
    def _with_qualifier(span: Span) -> Span:
        """Widen a span to the left over a qualifier ("at least", "more than") it does not hold."""
        doc, start = span.doc, span.start
        before = [doc[i].lower_ for i in range(max(0, start - MAX_QUALIFIER_WORDS), start)]
        for words, n in QUALIFIER_WORDS:
            if len(before) >= n and before[len(before) - n:] == words and _joined_as_written(doc, start - n, start):
                return Span(doc, start - n, span.end, label=span.label_)
        return span

    def normalise(self, span: Span) -> dict[str, Any] | None:
        """The value, unit, qualifier, direction and referent of one amount, or None."""
        tokens = list(span)
        qualifier = None
        lowered = span.text.lower()
        for words, name in QUALIFIERS:
            if lowered.startswith(words + " ") and (words != "some" or len(tokens) > 1):
                qualifier = name
                tokens = tokens[len(words.split()):]
                break
        if not tokens:
            return None
        rest = " ".join(t.lower_ for t in tokens)
        value = low = high = None
        kind, unit = "count", None
        if span.label_ == "MULTIPLE":
            lemma = tokens[0].lemma_.lower()
            value, kind, unit = MULTIPLES.get(lemma), "change", "multiple"
            direction = "down" if lemma == "halve" else "up"
            return _record(span, kind, value, None, None, unit, qualifier, direction, _referent_of_verb(tokens[0]))
        if len(tokens) == 2 and tokens[0].lower_ in FRACTION_COUNTS and tokens[1].lower_ in FRACTIONS:
            count, part = FRACTION_COUNTS[tokens[0].lower_], FRACTIONS[tokens[-1].lower_]
            head = _head_of(span)
            return _record(span, "percent", round(100 * count * part, 1), None, None, "percent", qualifier,
                           _direction(head), _referent_nearby(span, head))
        if rest in VAGUE:
            low, high = VAGUE[rest]
            qualifier = qualifier or "range"
        else:
            value = parse_number(tokens)
            if value is None:
                return None
        if span.label_ == "PERCENT" or any(t.lower_ in ("percent", "%", "pct") or t.text == "per" for t in tokens):
            kind, unit = "percent", "percent"
            if "points" in rest:
                unit = "percentage points"
        else:
            currency = _currency(span)
            if currency:
                kind, unit = "money", currency
            elif span.label_ == "QUANTITY":
                kind, unit = "measure", _measure_unit(tokens)
        head = _head_of(span)
        referent = None
        if kind == "count":
            noun = _counted_noun(span, head)
            if noun is None:
                if span.label_ == "CARDINAL" and value is not None and 1900 <= value <= 2100:
                    return None  # a bare year the NER called a number
                if span.label_ == "CARDINAL" and not qualifier:
                    return None  # an uncounted bare number ("the G20", "page 3")
            else:
                unit = noun.lower_ if noun.tag_ in ("NNS", "NNPS") else noun.lemma_.lower() + "s"
                referent = _phrase(noun, exclude=span)
        direction = _direction(head) if kind in ("percent", "money") else None
        if referent is None:
            referent = _referent_nearby(span, head)
        if referent is None:
            referent = _referent_of_verb(head) if head.pos_ in ("VERB", "AUX") else None
            if referent is None and head.dep_ in ("pobj", "dobj", "npadvmod", "attr", "nsubj"):
                verb = _governing_verb(head)
                referent = _referent_of_verb(verb) if verb is not None else None
        return _record(span, kind, value, low, high, unit, qualifier, direction, referent)


def parse_number(tokens: list[Token]) -> float | None:
    """"$31.4 million" -> 31400000.0; "eight" -> 8.0; "1,200" -> 1200.0; "two dozen" -> 24.0."""
    total, current, seen = 0.0, None, False
    for token in tokens:
        text = re.sub(r"^[a-z]{0,2}[$€£¥₽₩₹]", "", token.lower_).strip("$€£¥₽₩₹")
        if not text:
            continue
        match = re.match(r"^(\d[\d,]*(?:\.\d+)?)([a-z%]*)$", text)
        if match and _NUMBER.match(match.group(1)):
            current = float(match.group(1).replace(",", ""))
            seen = True
            suffix = match.group(2)
            if suffix in SCALES:
                current *= SCALES[suffix]
        elif text in SCALES and text not in ("m", "b", "k") and seen:
            current = (current or 1.0) * SCALES[text]
            total, current = total + current, None
        elif text in ("hundred", "dozen") and seen:
            current = (current or 1.0) * WORDS[text]
        elif text in WORDS and text not in ("a", "an") and not (text == "half" and seen):
            current = (current or 0.0) + WORDS[text]
            seen = True
        elif text in ("a", "an", "and", "-") and not seen:
            continue
        elif text in ("and", "-"):
            continue
    if not seen:
        return None
    return total + (current or 0.0)


def _record(span: Span, kind: str, value: float | None, low: float | None, high: float | None,
            unit: str | None, qualifier: str | None, direction: str | None, referent: str | None) -> dict[str, Any]:
    return {
        "text": span.text, "kind": kind, "value": value, "low": low, "high": high, "unit": unit,
        "qualifier": qualifier, "direction": direction, "referent": referent,
        "start": span.start_char, "end": span.end_char, "token_start": span.start, "token_end": span.end,
    }


def _currency(span: Span) -> str | None:
    doc = span.doc
    window = list(span) + ([doc[span.end]] if span.end < len(doc) else [])
    if span.start > 0:
        window.insert(0, doc[span.start - 1])
    for token in window:
        lower = token.lower_
        for symbol, code in CURRENCY_SYMBOLS.items():
            if lower.startswith(symbol):
                return code
        if lower in CURRENCY_WORDS and (token in span or span.label_ == "MONEY" or token.i == span.end):
            return CURRENCY_WORDS[lower]
    return None


def _measure_unit(tokens: list[Token]) -> str | None:
    words = [t.lower_ for t in tokens if not t.like_num and not t.is_punct and t.lower_ not in WORDS and t.lower_ not in SCALES]
    return " ".join(words) or None


def _head_of(span: Span) -> Token:
    return span.root


def _counted_noun(span: Span, head: Token) -> Token | None:
    """The noun an amount counts: "eight ships", "tens of thousands of workers"."""
    doc = span.doc
    if head.dep_ in ("nummod", "quantmod", "amod") and head.head.pos_ in ("NOUN", "PROPN") and head.head.i >= span.end:
        return head.head
    nxt = span.end
    if nxt < len(doc) and doc[nxt].lower_ == "of":
        for child in doc[nxt].children:
            if child.dep_ == "pobj" and child.pos_ in ("NOUN", "PROPN"):
                return child
    for token in span:
        if token.head.i >= span.end and token.head.pos_ == "NOUN" and token.dep_ in ("nummod", "amod", "quantmod"):
            return token.head
    if head.pos_ == "NOUN" and head.tag_ == "NNS" and head.i >= span.end - 1 and head.lower_ not in VAGUE:
        return head
    return None


def _phrase(noun: Token, exclude: Span | None = None) -> str:
    """The noun with its modifiers to the left ("North Korean fuel ships"), minus the amount."""
    keep = [t for t in noun.lefts if t.dep_ in ("amod", "compound", "nmod", "poss") and (exclude is None or t.i >= exclude.end)]
    start = min([t.left_edge.i for t in keep] + [noun.i])
    if exclude is not None:
        start = max(start, exclude.end) if start < exclude.end <= noun.i else start
    return noun.doc[start:noun.i + 1].text


def _referent_nearby(span: Span, head: Token) -> str | None:
    """The noun an amount qualifies: "€2.2 billion military aid package", "25 percent tariffs",
    "£9bn of oil"."""
    doc = span.doc
    if (head.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and head.head.pos_ == "NOUN"
            and head.head.i >= span.end and head.head.lower_ not in CURRENCY_WORDS):
        return _phrase(head.head, exclude=span)
    if span.end < len(doc) and doc[span.end].lower_ == "of":
        for child in doc[span.end].children:
            if child.dep_ == "pobj" and child.pos_ in ("NOUN", "PROPN"):
                return _phrase(child)
    return None


def _governing_verb(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


def _referent_of_verb(verb: Token | None) -> str | None:
    """What a verb's amount measures: its subject ("trade ... doubled to $31.4 million")."""
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ in ("NOUN", "PROPN"):
            return child.doc[child.left_edge.i:child.right_edge.i + 1].text
    return None


def _direction(head: Token) -> str | None:
    """"rose 12 percent" -> up; the amount after "to" is a level, not a change."""
    verb = head if head.pos_ == "VERB" else _governing_verb(head)
    if verb is None:
        return None
    if head.dep_ == "pobj" and head.head.lower_ in ("to", "at", "from"):
        return None
    lemma = verb.lemma_.lower()
    if lemma in UP_VERBS:
        return "up"
    if lemma in DOWN_VERBS:
        return "down"
    return None


def _sent_index(sent_starts: list[int], token_index: int) -> int:
    return max(0, bisect_right(sent_starts, token_index) - 1)
