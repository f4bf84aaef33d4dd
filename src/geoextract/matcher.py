"""Dependency-pattern matching for the relation rules, fast on the subset they use.

spaCy's `DependencyMatcher` first runs every node of every pattern as a token pattern over the
whole document and walks each hit up to its root; with 166 patterns that cost more than the
statistical model itself. `TreeMatcher` takes the same patterns (spaCy's format) and gives the
same matches in the same order, but starts from the tokens that can be a pattern's anchor,
found through an index of the anchor's LEMMA/LOWER/ENT_TYPE values, then follows the pattern's
relations from there. It handles node attributes LEMMA, LOWER, POS, TAG, DEP, ENT_TYPE (a
string, IN or NOT_IN), the flags IS_LOWER, IS_TITLE, IS_UPPER (true or false) and the operators
`>`, `<`, `>>`, `<<`; a pattern with anything else is handed to a spaCy `DependencyMatcher` as is.

Order of matches, as spaCy gives them: by pattern (the order added), then by tree (sentence),
then lexicographically by the token of each node in the pattern's node order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_LOWER, IS_TITLE, IS_UPPER, LEMMA, LOWER, POS, TAG
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

ATTRIBUTES = ("LEMMA", "LOWER", "POS", "TAG", "DEP", "ENT_TYPE", "IS_LOWER", "IS_TITLE", "IS_UPPER")
ARRAY = [LEMMA, LOWER, POS, TAG, DEP, ENT_TYPE, IS_LOWER, IS_TITLE, IS_UPPER, HEAD]  # ids (flags 0/1), as the Doc stores them
FLAGS = ("IS_LOWER", "IS_TITLE", "IS_UPPER")  # true/false in a pattern
DEP_INDEX = ATTRIBUTES.index("DEP")
INDEXED = ("LEMMA", "LOWER", "ENT_TYPE")  # an anchor constrained on one of these is looked up, not scanned
OPERATORS = (">", "<", ">>", "<<")


class TreeMatcher:
    """A drop-in for `DependencyMatcher.add` / `__call__` on geoextract's pattern subset."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._patterns: list[tuple[int, list[tuple[int, str, list[tuple[int, Any, bool]]]]]] = []
        self._order: list[int] = []  # per pattern: its key's position, for spaCy's order across both matchers
        self._fallback = DependencyMatcher(vocab)
        self._fallback_keys: dict[int, int] = {}
        self._keys: dict[int, int] = {}
        # anchor index: attribute -> value id -> patterns whose first node needs that value
        self._by_value: dict[int, dict[int, list[int]]] = {}
        self._scanned: list[int] = []  # patterns whose anchor has no indexed value: every token is tried

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]]) -> None:
        key_hash = self.vocab.strings.add(key)
        position = self._keys.setdefault(key_hash, len(self._keys))
        for pattern in patterns:
            compiled = _compile(pattern, self.vocab)
            if compiled is None:
                self._fallback.add(key, [pattern])
                self._fallback_keys[key_hash] = position
            else:
                index = len(self._patterns)
                self._patterns.append((key_hash, compiled))
                self._order.append(position)
                _, _, _, equal, sets = compiled[0]
                anchor = next(((where, value) for where, value in equal if ATTRIBUTES[where] in INDEXED), None) or \
                    next(((where, value) for where, value, positive in sets if positive and ATTRIBUTES[where] in INDEXED), None)
                if anchor is None:
                    self._scanned.append(index)
                else:
                    values = self._by_value.setdefault(anchor[0], {})
                    for value in [anchor[1]] if isinstance(anchor[1], int) else anchor[1]:
                        values.setdefault(value, []).append(index)

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        if not self._patterns and not self._fallback_keys:
            return []
        view = _DocView(doc)
        anchors: dict[int, list[int]] = {index: list(range(view.n)) for index in self._scanned}
        for where, by_value in self._by_value.items():
            for i, value in enumerate(view.values[where]):
                for index in by_value.get(value, ()):
                    anchors.setdefault(index, []).append(i)
        found: list[tuple[int, int, list[int]]] = []  # (key position, pattern index, tokens)
        for index in sorted(anchors):
            nodes = self._patterns[index][1]
            for tokens in _match(view, nodes, anchors[index]):
                found.append((self._order[index], index, tokens))
        if self._fallback_keys:
            for n, (key_hash, tokens) in enumerate(self._fallback(doc)):
                found.append((self._fallback_keys[key_hash], len(self._patterns) + n, tokens))
        found.sort(key=lambda item: (item[0], item[1]))  # stable: each pattern's own order is kept
        keys = {position: key for key, position in self._keys.items()}
        return [(keys[position], tokens) for position, _, tokens in found]


def _compile(pattern: list[dict[str, Any]], vocab: Vocab) -> list[tuple[int, str, list[tuple[int, Any, bool]]]] | None:
    """Nodes as (index of the left node or -1, operator, checks on string ids); None if outside the subset."""
    names: dict[str, int] = {}
    nodes = []
    for node in pattern:
        attrs = node.get("RIGHT_ATTRS", {})
        checks = []
        for attr, value in attrs.items():
            if attr not in ATTRIBUTES:
                return None
            where = ATTRIBUTES.index(attr)
            if attr in FLAGS:
                if not isinstance(value, bool):
                    return None
                checks.append((where, int(value), True))
            elif isinstance(value, str):
                checks.append((where, vocab.strings.add(value), True))
            elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"} and len(value) == 1:
                (op, values), = value.items()
                if not all(isinstance(v, str) for v in values):
                    return None
                checks.append((where, frozenset(vocab.strings.add(v) for v in values), op == "IN"))
            else:
                return None
        if not nodes:
            left, operator = -1, ""
        else:
            if node.get("REL_OP") not in OPERATORS or node.get("LEFT_ID") not in names:
                return None
            left, operator = names[node["LEFT_ID"]], node["REL_OP"]
        names[node["RIGHT_ID"]] = len(nodes)
        nodes.append(_node(left, operator, checks))
    return nodes


def _node(left: int, operator: str, checks: list[tuple[int, Any, bool]]) -> tuple:
    """A compiled node: (left, operator, dep, equal, sets).

    A child (">") with one required DEP is looked up in the parent's children by that label
    (`dep`), so the check is not repeated; the other checks come as equalities first, then
    set membership, which fail fastest.
    """
    dep = None
    if operator == ">":
        dep = next((value for where, value, positive in checks if where == DEP_INDEX and isinstance(value, int)), None)
    equal = tuple((where, value) for where, value, positive in checks
                  if isinstance(value, int) and not (dep is not None and where == DEP_INDEX and value == dep))
    sets = tuple((where, value, positive) for where, value, positive in checks if not isinstance(value, int))
    return left, operator, dep, equal, sets


class _DocView:
    """The token attributes (as ids), heads and children of one doc as plain lists, read at once."""

    def __init__(self, doc: Doc) -> None:
        self.n = len(doc)
        array = doc.to_array(ARRAY)  # uint64: string hashes as the StringStore gives them
        self.values = array[:, :-1].T.tolist()
        # HEAD is an offset; the negative ones come wrapped in uint64
        index = np.arange(self.n, dtype=np.int64)
        heads = index + array[:, -1].astype(np.int64)
        self.heads = heads.tolist()
        # Children as one list grouped by head (in token order within a head) and each head's
        # start in it: no list per token is built, which cost more in allocation and garbage
        # collection than the matching itself.
        key = np.where(heads == index, self.n, heads)  # a root is nobody's child: last
        order = np.argsort(key, kind="stable")
        self._kids = order.tolist()
        self._start = np.searchsorted(key[order], np.arange(self.n + 1)).tolist()
        self._by_dep: dict[int, dict[int, list[int]]] = {}  # token -> DEP id -> its children with it

    def children(self, i: int) -> list[int]:
        return self._kids[self._start[i]:self._start[i + 1]]

    def children_with(self, i: int, dep: int) -> list[int]:
        by_dep = self._by_dep.get(i)
        if by_dep is None:
            deps = self.values[DEP_INDEX]
            by_dep = self._by_dep[i] = {}
            for j in self.children(i):  # in order, so the lists stay sorted
                by_dep.setdefault(deps[j], []).append(j)
        return by_dep.get(dep, ())

    def related(self, i: int, operator: str) -> list[int]:
        if operator == ">":
            return self.children(i)
        if operator == "<":
            return [] if self.heads[i] == i else [self.heads[i]]
        if operator == "<<":
            out, j = [], i
            while self.heads[j] != j:
                j = self.heads[j]
                out.append(j)
            return sorted(out)
        out, stack = [], self.children(i)  # ">>": every descendant
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children(j))
        return sorted(out)

    def ok(self, i: int, equal: tuple, sets: tuple) -> bool:
        values = self.values
        for where, value in equal:
            if values[where][i] != value:
                return False
        for where, value, positive in sets:
            if (values[where][i] in value) != positive:
                return False
        return True


def _match(view: _DocView, nodes: list[tuple[int, str, list[tuple[int, Any, bool]]]],
           anchors: list[int]) -> list[list[int]]:
    """Every assignment of tokens to nodes, lexicographic in node order, from candidate anchors in order."""
    results: list[list[int]] = []
    assigned = [0] * len(nodes)

    def extend(k: int) -> None:
        if k == len(nodes):
            results.append(list(assigned))
            return
        left, operator, dep, equal, sets = nodes[k]
        candidates = view.related(assigned[left], operator) if dep is None else view.children_with(assigned[left], dep)
        for j in candidates:
            if view.ok(j, equal, sets):
                assigned[k] = j
                extend(k + 1)

    _, _, _, equal, sets = nodes[0]
    for anchor in anchors:
        if view.ok(anchor, equal, sets):
            assigned[0] = anchor
            extend(1)
    return results
