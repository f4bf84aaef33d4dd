"""Token attributes (POS, morphology, lemmas) from the base model's rule tables, set in bulk.

A small spaCy model spends about a quarter of its time in two rule components: the attribute
ruler (179 Matcher patterns mapping tags to POS and morphology) and the rule lemmatizer. Both
are pure functions of a few token attributes, so geoextract runs them with a per-document
array lookup, memoised across documents, instead of a Python loop that builds a Span or a
Token for every match:

- `FastAttributeRuler` answers each token from its (TAG, LOWER, DEP, ...) values, memoised,
  tests the few multi-token patterns only where a token can start one, and applies all
  matches in spaCy's order (later patterns win);
- `FastLemmatizer` memoises `lemmatize()` on (ORTH, POS, MORPH), the only inputs of spaCy's
  built-in lemmatizer modes, and writes the lemmas with one `Doc.from_array`.

They wrap the model's own components (patterns, tables, serialisation and `add()` stay
theirs) and give the same annotations: `tests/test_attributes.py` compares TAG, POS, MORPH,
LEMMA and DEP with the original components on hand-built Docs, on sentences written for the
tests and on 300 articles of the shared corpora. A
pattern the compiler does not know (an operator, a predicate other than IN / NOT_IN / REGEX)
keeps the original component, so a custom model loses nothing but the speed.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator

# Keys whose token-array values are string hashes (IS_SPACE: 0/1). Not POS: its array value is
# an enum, not the hash of "NOUN", so a pattern on POS keeps spaCy's component.
SUPPORTED_KEYS = ("TAG", "LOWER", "ORTH", "DEP", "IS_SPACE")
BULK_ATTRS = ("POS", "MORPH", "LEMMA")  # written with Doc.from_array; others token by token
# Entries of each memo (a few MB); a memo past this starts again, so memory stays bounded. With
# 100,000 the peak RSS of 20,000 Reuters stories was 1.22x that of 2,000; with 20,000, 1.17x.
MEMO_LIMIT = 20_000
BUILT_IN_MODES = ("rule", "lookup", "pos_lookup")


class _Wrapper:
    """A stand-in for a spaCy component: runs faster, delegates everything else."""

    def __init__(self, original: Any) -> None:
        self.original = original

    def __getattr__(self, name: str) -> Any:
        if name == "original":  # not set yet, as while unpickling
            raise AttributeError(name)
        return getattr(self.original, name)

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


class FastAttributeRuler(_Wrapper):
    """spaCy's AttributeRuler, answered from a table of token signatures."""

    def __init__(self, original: Any) -> None:
        super().__init__(original)
        self._compiled_for = -1

    @classmethod
    def supports(cls, ruler: Any) -> bool:
        try:
            return (all(set(attrs) <= set(_ATTR_NAMES) for attrs in ruler.attrs)
                    and all(_predicates(token) is not None for entry in ruler.patterns
                            for pattern in entry["patterns"] for token in pattern))
        except (AttributeError, KeyError, TypeError):
            return False

    def _compile(self) -> None:
        from spacy.attrs import IDS

        ruler = self.original
        strings = ruler.vocab.strings
        self._singles: list[tuple[int, list[tuple[str, Callable[[int], bool]]]]] = []
        self._anchors: dict[tuple[str, int], list[int]] = {}
        self._always: list[int] = []
        self._multis: list[tuple[int, list[list[tuple[str, Callable[[int], bool]]]]]] = []
        keys: set[str] = set()
        for attr_id, entry in enumerate(ruler.patterns):  # attr_id: the pattern's index
            for pattern in entry["patterns"]:
                tests = _predicates(pattern[0])
                keys.update(key for key, _ in tests)
                compiled = [(key, _test(value, key, strings)) for key, value in tests]
                if len(pattern) == 1:
                    self._singles.append((attr_id, compiled))
                    self._anchor(len(self._singles) - 1, tests, strings)
                else:  # fixed length: the compiler accepts no operators
                    rest = [_predicates(token) for token in pattern[1:]]
                    keys.update(key for tests in rest for key, _ in tests)
                    self._multis.append((attr_id, [compiled] + [[(key, _test(value, key, strings)) for key, value in tests]
                                                                 for tests in rest]))
        self._keys = sorted(keys)
        self._columns = [IDS[key] for key in self._keys]
        self._bulk_ids = [IDS[name] for name in BULK_ATTRS]
        self._position = {key: n for n, key in enumerate(self._keys)}
        self._memo: dict[tuple[int, ...], int] = {}  # signature -> code
        self._code_of: dict[tuple[int, ...], int] = {}  # matched pattern ids (-1: may start a multi) -> code
        self._ids: list[tuple[int, ...]] = []  # code -> single-token pattern ids, in spaCy's order
        self._starts: list[bool] = []
        self._bulk: list[list[int] | None] = []  # code -> values of BULK_ATTRS it sets (None: not known yet)
        self._sets: list[list[bool]] = []
        self._others: list[dict[int, int]] = []  # code -> other attributes it sets (TAG, DEP)
        self._tables: tuple[Any, ...] = ()
        self._compiled_for = len(ruler.attrs)

    def __call__(self, doc: Any) -> Any:
        import numpy
        from spacy.tokens._retokenize import set_token_attrs

        ruler = self.original
        if self._compiled_for != len(ruler.attrs):
            self._compile()
        if not len(doc):
            return doc
        signatures = doc.to_array(self._columns).reshape(len(doc), -1).tolist() if self._columns else [[]] * len(doc)
        memo, strings = self._memo, ruler.vocab.strings
        found = []
        for i, row in enumerate(signatures):
            key = tuple(row)
            code = memo.get(key)
            if code is None:
                code = self._code(self._match(key, strings))
                if len(memo) > MEMO_LIMIT:
                    memo.clear()
                memo[key] = code
            if self._bulk[code] is None:
                self._effect(code, doc[i], set_token_attrs)
            found.append(code)
        codes = numpy.asarray(found, dtype=numpy.intp)
        sets, values, others, starts = self._arrays()
        bulk = self._bulk_ids
        chosen = sets[codes]
        if chosen.any():
            doc.from_array(bulk, numpy.where(chosen, values[codes], doc.to_array(bulk)).astype(numpy.uint64))
        for i in numpy.flatnonzero(others[codes]).tolist():
            for attr, value in self._others[codes[i]].items():
                setattr(doc[i], _ATTR_NAMES[attr], value)
        if starts[codes].any():
            extra: dict[int, list[int]] = {}
            for i in numpy.flatnonzero(starts[codes]).tolist():
                for attr_id, tests in self._multis:
                    if i + len(tests) <= len(doc) and all(
                            all(test(signatures[i + n][self._position[key]]) for key, test in token)
                            for n, token in enumerate(tests)):
                        index = ruler.indices[attr_id]
                        if not -len(tests) <= index < len(tests):
                            return ruler(doc)  # spaCy's own error for a pattern whose index misses its span
                        extra.setdefault(i + index % len(tests), []).append(attr_id)
            for i, ids in extra.items():
                for attr_id in sorted(set(ids) | set(self._ids[codes[i]])):
                    set_token_attrs(doc[i], ruler.attrs[attr_id])
        return doc

    def _code(self, matched: tuple[int, ...]) -> int:
        code = self._code_of.get(matched)
        if code is None:
            code = self._code_of[matched] = len(self._ids)
            starts = bool(matched) and matched[-1] == -1
            self._ids.append(matched[:-1] if starts else matched)
            self._starts.append(starts)
            self._bulk.append(None)
            self._sets.append([False] * len(BULK_ATTRS))
            self._others.append({})
        return code

    def _arrays(self) -> tuple[Any, ...]:
        """The codes' effects as arrays (sets, values, others, starts), rebuilt when codes were added."""
        import numpy

        if not self._tables or len(self._tables[0]) != len(self._ids):
            self._tables = (numpy.array(self._sets, dtype=bool).reshape(-1, len(BULK_ATTRS)),
                            numpy.array([v or [0] * len(BULK_ATTRS) for v in self._bulk], dtype=numpy.uint64).reshape(-1, len(BULK_ATTRS)),
                            numpy.array([bool(o) for o in self._others], dtype=bool),
                            numpy.array(self._starts, dtype=bool))
        return self._tables

    def _anchor(self, index: int, tests: list[tuple[str, Any]], strings: Any) -> None:
        """File a single-token pattern under a value its token must have, so that a new
        signature is tested against a handful of patterns rather than all of them."""
        for wanted in ("LOWER", "ORTH", "TAG", "DEP"):
            value = dict(tests).get(wanted)
            if isinstance(value, str):
                values = [value]
            elif isinstance(value, dict) and set(value) == {"IN"}:
                values = list(value["IN"])
            else:
                continue
            for item in values:
                self._anchors.setdefault((wanted, strings.add(item)), []).append(index)
            return
        self._always.append(index)

    def _match(self, signature: tuple[int, ...], strings: Any) -> tuple[int, ...]:
        """The ids of the single-token patterns a signature matches, in spaCy's order, and -1
        last when the token may start a multi-token pattern."""
        position = self._position
        candidates = set(self._always)
        for key in ("LOWER", "ORTH", "TAG", "DEP"):
            if key in position:
                candidates.update(self._anchors.get((key, signature[position[key]]), ()))
        ids = dict.fromkeys(self._singles[n][0] for n in sorted(candidates)
                            if all(test(signature[position[key]]) for key, test in self._singles[n][1]))
        if any(all(test(signature[position[key]]) for key, test in tests[0]) for _, tests in self._multis):
            ids[-1] = None
        return tuple(ids)

    def _effect(self, code: int, token: Any, set_token_attrs: Callable) -> None:
        """What a code's patterns leave on a token: spaCy's own setter, applied once per code."""
        ruler = self.original
        ids = self._ids[code]
        for attr_id in ids:
            set_token_attrs(token, ruler.attrs[attr_id])
        touched = {attr for attr_id in ids for attr in ruler.attrs[attr_id]}
        bulk = self._bulk_ids
        self._bulk[code] = [_read(token, attr) if attr in touched else 0 for attr in bulk]
        self._sets[code] = [attr in touched for attr in bulk]
        self._others[code] = {attr: _read(token, attr) for attr in sorted(touched) if attr not in bulk}
        self._tables = ()


class FastLemmatizer(_Wrapper):
    """spaCy's built-in Lemmatizer with its answers memoised on (ORTH, POS, MORPH).

    In rule mode a new key is answered by spaCy's own `rule_lemmatize`, run against the same
    tables except that each part of speech's word index is a set: spaCy keeps it as a list of
    up to 57,528 words and tests every candidate form against it one by one.
    """

    def __init__(self, original: Any) -> None:
        super().__init__(original)
        self._memo: dict[tuple[int, int, int], str] = {}
        self._lemmatize: Callable[[Any], list[str]] | None = None

    @classmethod
    def supports(cls, lemmatizer: Any) -> bool:
        from spacy.pipeline import Lemmatizer

        return (isinstance(lemmatizer, Lemmatizer) and type(lemmatizer).__module__.startswith("spacy.")
                and getattr(lemmatizer, "mode", None) in BUILT_IN_MODES)

    def __call__(self, doc: Any) -> Any:
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        lemmatizer = self.original
        if not lemmatizer._validated:
            return lemmatizer(doc)  # spaCy's own check of its tables and error
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.arange(len(doc)) if lemmatizer.overwrite else numpy.flatnonzero(rows[:, 3] == 0)
        if not todo.size:
            return doc
        lemmatize = self._lemmatize or self._lemmatizer()
        memo, strings = self._memo, lemmatizer.vocab.strings
        lemmas = rows[:, 3].copy()
        keys = rows[todo, :3].tolist()
        for i, key in zip(todo.tolist(), map(tuple, keys)):
            lemma = memo.get(key)
            if lemma is None:
                lemma = lemmatize(doc[i])[0]
                if len(memo) > MEMO_LIMIT:
                    memo.clear()
                memo[key] = lemma
            lemmas[i] = strings.add(lemma)  # added again: a memory zone (processing.py) frees a batch's strings
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def _lemmatizer(self) -> Callable[[Any], list[str]]:
        lemmatizer = self.original
        if lemmatizer.mode != "rule":
            self._lemmatize = lemmatizer.lemmatize
            return self._lemmatize
        from spacy.lookups import Lookups

        lookups = Lookups()
        for name in lemmatizer.lookups.tables:
            table = lemmatizer.lookups.get_table(name)
            lookups.add_table(name, {key: frozenset(value) if name == "lemma_index" and isinstance(value, list) else value
                                     for key, value in table.items()})
        shadow = _Shadow(lemmatizer, lookups)
        rule_lemmatize = type(lemmatizer).rule_lemmatize
        self._lemmatize = lambda token: rule_lemmatize(shadow, token)
        return self._lemmatize


class _NoCache(dict):
    """A cache that keeps nothing."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class _Shadow(_Wrapper):
    """The lemmatizer as `rule_lemmatize` sees it, with set-valued word indexes and no cache."""

    def __init__(self, original: Any, lookups: Any) -> None:
        super().__init__(original)
        self.lookups = lookups
        self.cache = _NoCache()  # FastLemmatizer's memo is the (bounded) cache


def speed_up(nlp: Any) -> list[str]:
    """Wrap the pipeline's attribute ruler and lemmatizer in their fast forms, where they qualify.

    Returns the names of the components wrapped. Serialisation, `add()` and the component
    configs stay the originals' (the wrappers delegate), so `nlp.to_disk` saves the same files.
    """
    from spacy.pipeline import AttributeRuler

    wrapped = []
    for index, (name, component) in enumerate(nlp._components):
        fast: _Wrapper | None = None
        if isinstance(component, AttributeRuler) and FastAttributeRuler.supports(component):
            fast = FastAttributeRuler(component)
        elif FastLemmatizer.supports(component):
            fast = FastLemmatizer(component)
        if fast is not None:
            nlp._components[index] = (name, fast)
            wrapped.append(name)
    return wrapped


def _predicates(token: dict) -> list[tuple[str, Any]] | None:
    """A token pattern's (key, value) tests, or None when it uses what the compiler lacks."""
    tests = []
    for key, value in token.items():
        key = key.upper() if isinstance(key, str) else key
        if key not in SUPPORTED_KEYS:
            return None
        if isinstance(value, dict):
            if not value or any(op not in ("IN", "NOT_IN", "REGEX") for op in value):
                return None
        elif not isinstance(value, (str, bool)) or (isinstance(value, bool) != (key == "IS_SPACE")):
            return None
        tests.append((key, value))
    return tests


def _test(value: Any, key: str, strings: Any) -> Callable[[int], bool]:
    """A test on a token's array value (a string hash, or 0/1 for IS_SPACE)."""
    if not isinstance(value, dict):
        wanted = int(value) if isinstance(value, bool) else strings.add(value)
        return lambda got: got == wanted
    checks: list[Callable[[int], bool]] = []
    for op, argument in value.items():
        if op == "REGEX":
            regex = re.compile(argument)
            checks.append(lambda got, regex=regex: bool(regex.search(strings[got])))
        else:
            members = {int(v) if isinstance(v, bool) else strings.add(v) for v in argument}
            checks.append((lambda got, m=members: got in m) if op == "IN" else (lambda got, m=members: got not in m))
    return lambda got: all(check(got) for check in checks)


# spacy.attrs LEMMA, POS, TAG, DEP, MORPH (fixed ids; spaCy is not imported at module level)
_ATTR_NAMES = {73: "lemma", 74: "pos", 75: "tag", 76: "dep", 453: "morph"}


def _read(token: Any, attr: int) -> int:
    name = _ATTR_NAMES.get(attr)
    if name is None:
        raise KeyError(attr)
    value = getattr(token, name)
    return int(value.key) if name == "morph" else int(value)
