"""Stories across documents: rewrites of one report grouped, claims counted by independent story.

Half of what an analyst reads about an event rewrites the same wire report, so "five articles
say so" may be one source. `minhash` sketches each text; `group_stories` groups documents
whose sketches agree (LSH banding, then union-find); `build_claims` merges the same claim across
documents and counts the distinct stories behind it (`independent_sources`).

Why these settings (measured on the five 2017 seed articles, three of them rewrites of one
Reuters report, and on the 2,225 BBC articles): word 5-shingles give a heavily reworded rewrite
a Jaccard of 0.03-0.07 to its source, the same as BBC follow-ups that merely reuse a paragraph;
pairs of content-word stems at most three apart give the rewrites 0.11-0.17 against at most
0.018 for independent articles on the same events. At that level 64 slots decide by chance
(the seeds were grouped right under 28 of 40 permutation families), 128 under 38 of 40 at a
threshold of 0.07. Groups are connected components (single linkage): an outlet's follow-ups
that repeat its own background paragraphs join the story, and so do not count as independent.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import islice

import numpy as np
import pandas as pd

from .errors import Errors, GeoextractError

NUM_PERM = 128  # 64 slots estimate a Jaccard near 0.1 too coarsely to tell a heavy rewrite from an unrelated text
THRESHOLD = 0.07  # estimated Jaccard at which two documents are one story (measured on the seed and BBC corpora)
WINDOW = 3  # features are pairs of content words at most this far apart
EMPTY = np.uint32(0xFFFFFFFF)  # every slot of the signature of a text without words
_PRIME = 4294967311  # the smallest prime above 2**32: the permutations are (a * x + b) mod _PRIME
_WORD = re.compile(r"\w+")
# Function words carry no facts and change freely in a rewrite; dropping them lets a
# reworded sentence keep the pairs of words that state its facts.
_STOP = frozenset("""a an the of to in on for and or but nor is are was were be been being by with at from as
that this these those it its which who whom whose has have had having not no will would can could may might
must shall should said says say saying also than then there their they them he she his her him we our us you
your i my me do does did done so if into over about after before up out more most such what when where while
all any some other only just very""".split())


def features(text: str, window: int = WINDOW) -> set[str]:
    """The set a signature sketches: ordered pairs of content-word stems at most `window` apart.

    Text is NFKC-normalised and lower-cased, punctuation dropped, function words removed and
    each word cut to its first five letters (a crude stem: "sanctions"/"sanctioned" agree).
    """
    return {pair for block in _pair_blocks(text, window) for pair in block}


def _pair_blocks(text: str, window: int = WINDOW, block: int = 50_000) -> Iterator[list[str]]:
    """The pairs of `features`, repeats included, for `block` words at a time, so a 20 MB text
    never has its millions of words or tens of millions of pairs in memory at once."""
    words = (word[:5] for word in (m.group() for m in _WORD.finditer(unicodedata.normalize("NFKC", text).lower()))
             if word not in _STOP)
    tail: list[str] = []  # the last words of the block before, which pair with the first of this one
    while chunk := list(islice(words, block)):
        seq = tail + chunk
        yield [f"{seq[i]} {seq[j]}" for j in range(len(tail), len(seq)) for i in range(max(0, j - window), j)]
        tail = seq[-window:]


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    # A fixed family derived from blake2b of the slot number: the same in every process, run
    # and numpy version (never Python's salted hash() or a random generator).
    raw = b"".join(hashlib.blake2b(f"geoextract.minhash.{i}".encode(), digest_size=8).digest() for i in range(num_perm))
    ab = np.frombuffer(raw, dtype="<u4").reshape(num_perm, 2).astype(np.uint64)
    return ab[:, 0] | np.uint64(1), ab[:, 1]


def minhash(text: str, num_perm: int = NUM_PERM) -> bytes:
    """A MinHash signature of `features(text)`: `num_perm` little-endian uint32 values.

    Identical in every process and run. The share of equal slots in two signatures estimates
    the Jaccard similarity of the two feature sets. A text without words gets all slots
    0xFFFFFFFF, which `group_stories` never groups.
    """
    if num_perm < 1:
        raise GeoextractError(Errors.E013, option="num_perm", reason="must be 1 or more")
    a, b = _permutations(num_perm)
    slots = np.full(num_perm, EMPTY - 1, dtype=np.uint64)
    empty = True
    # A minimum does not change when an item repeats, so the pairs are hashed block by block,
    # repeats and all, and the signature equals that of the set of distinct pairs.
    for pairs in _pair_blocks(text):
        if not pairs:
            continue
        empty = False
        hashes = np.unique(np.fromiter((zlib.crc32(pair.encode()) for pair in pairs), dtype=np.uint64, count=len(pairs)))
        for start in range(0, len(hashes), 4096):  # a, b, x < 2**32, so a * x + b < 2**64: no overflow in uint64
            block = hashes[None, start:start + 4096]
            slots = np.minimum(slots, ((a[:, None] * block + b[:, None]) % np.uint64(_PRIME)).min(axis=1))
    if empty:
        return np.full(num_perm, EMPTY, dtype="<u4").tobytes()
    return slots.astype("<u4").tobytes()


def group_stories(documents: pd.DataFrame, signatures: Sequence[bytes] | np.ndarray, *,
                  threshold: float = THRESHOLD, bucket_window: int = 16) -> pd.DataFrame:
    """Group documents that tell one story (rewrites, copies) from their MinHash signatures.

    Candidate pairs come from LSH banding with one slot per band (a pair is a candidate when
    any slot agrees), so nothing is compared with everything; each candidate is kept when its
    estimated Jaccard reaches `threshold`, and groups are the connected components.

    Args:
        documents: doc_id and optionally date and source, one row per signature, in input order.
        signatures: `minhash` results (bytes each) or a 2-D uint32 array, row i for document i.
        threshold: estimated Jaccard at which two documents count as one story.
        bucket_window: in a band, each document is compared with the next documents sharing
            its slot value, at most this many; in a larger bucket (a common phrase is the
            minimum of many documents) only with those that also share the next slot.

    Returns:
        One row per document, in input order: doc_id, story_id (the doc_id of the story's
        earliest document, by date, undated last, then input order), story_size, similarity
        (estimated Jaccard to that first document).
    """
    _require(documents, ["doc_id"], "documents")
    _unique(documents)
    if not 0.0 < threshold <= 1.0:
        raise GeoextractError(Errors.E013, option="threshold", reason="must be above 0 and at most 1")
    sig = _signature_matrix(signatures, len(documents))
    dates = parse_dates(documents["date"]) if "date" in documents else pd.Series(pd.NaT, index=documents.index)
    order = _chronological(dates)  # node r is the r-th document in time: the root of a group is its earliest
    sig = sig[order]
    n = len(sig)
    first, second = _candidates(sig, bucket_window)
    keep = _similarity(sig, first, second) >= threshold
    root = _components(n, first[keep], second[keep])
    size = np.bincount(root, minlength=n)[root]
    similarity = np.ones(n)
    grouped = root != np.arange(n)
    similarity[grouped] = _similarity(sig, np.flatnonzero(grouped), root[grouped])
    doc_ids = documents["doc_id"].astype(str).to_numpy()[order]
    stories = pd.DataFrame({"doc_id": doc_ids, "story_id": doc_ids[root], "story_size": size,
                            "similarity": similarity.round(3)}, index=order)
    return stories.sort_index().reset_index(drop=True)


def _signature_matrix(signatures: Sequence[bytes] | np.ndarray, n_documents: int) -> np.ndarray:
    if isinstance(signatures, np.ndarray):
        sig = signatures
    else:
        lengths = {len(s) for s in signatures}
        if len(lengths) > 1 or any(length % 4 for length in lengths):
            raise GeoextractError(Errors.E020, reason=f"signatures of different or odd byte lengths {sorted(lengths)}")
        sig = np.frombuffer(b"".join(signatures), dtype="<u4").reshape(len(signatures), -1) if signatures else np.empty((0, 1), "<u4")
    if sig.ndim != 2 or len(sig) != n_documents:
        raise GeoextractError(Errors.E020, reason=f"{len(sig)} signatures for {n_documents} documents")
    return sig.astype(np.uint32, copy=False)


def _chronological(dates: pd.Series) -> np.ndarray:
    """Row positions by date (undated last), then input order."""
    keys = pd.DataFrame({"date": dates.reset_index(drop=True), "position": np.arange(len(dates))})
    return keys.sort_values(["date", "position"], na_position="last", kind="stable")["position"].to_numpy()


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as UTC timestamps; missing, empty or unparseable values become NaT."""
    return pd.to_datetime(values.astype("string"), errors="coerce", utc=True, format="mixed")


def iso_dates(dates: pd.Series) -> pd.Series:
    """ISO dates ("2017-10-03") of timestamps, missing where the timestamp is (fast: no strftime)."""
    days = np.asarray(pd.to_datetime(dates, utc=True).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), dtype="datetime64[D]")
    return pd.Series(np.datetime_as_string(days), index=dates.index, dtype=object).where(~np.isnat(days), None)


def _candidates(sig: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) that agree on at least one slot, each slot a band of its own.

    In a bucket of more than `window` documents (a common phrase is their minimum) only
    documents that also agree on the next slot are paired: the bucket says little, and a
    truly similar pair agrees on other, smaller buckets anyway.
    """
    n, k = sig.shape
    live = np.flatnonzero(~(sig == EMPTY).all(axis=1))
    found = []
    for band in range(k):
        key, tie = sig[live, band], sig[live, (band + 1) % k]
        order = np.lexsort((live, tie, key))
        key, tie, ids = key[order], tie[order], live[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        sizes = np.diff(np.r_[starts, len(key)])
        crowded = np.repeat(sizes > window, sizes)
        for step in range(1, min(window, len(ids))):
            same = (key[:-step] == key[step:]) & (~crowded[:-step] | (tie[:-step] == tie[step:]))
            if not same.any():
                break
            a, b = ids[:-step][same], ids[step:][same]
            found.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
        if len(found) > 64:
            found = [distinct(np.concatenate(found))]
    pairs = distinct(np.concatenate(found)) if found else np.empty(0, np.int64)
    return pairs // n, pairs % n


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is many times slower on large int arrays)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _similarity(sig: np.ndarray, first: np.ndarray, second: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    """Estimated Jaccard of each pair: the share of equal slots.

    In chunks of pairs: each gathers two copies of the pairs' signatures (512 bytes a pair with
    128 slots), so 200,000 pairs at once held 250 MB, the peak of a 20,000-document run; 20,000
    hold 25 MB, and run no slower (bench/bench.py --rss-scaling; README, "Speed and memory").
    """
    out = np.empty(len(first))
    for start in range(0, len(first), chunk):
        part = slice(start, start + chunk)
        out[part] = (sig[first[part]] == sig[second[part]]).mean(axis=1)
    return out


def _components(n: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Union-find over the pairs, vectorised: every node points at the smallest node of its group."""
    parent = np.arange(n)
    while True:
        a, b = parent[first], parent[second]
        low, high = np.minimum(a, b), np.maximum(a, b)
        if (low == high).all():
            return parent
        np.minimum.at(parent, high, low)  # hook each root under the smaller root
        while True:  # pointer jumping until every node points at a root
            jumped = parent[parent]
            if (jumped == parent).all():
                break
            parent = jumped


def _require(frame: pd.DataFrame, names: list[str], table: str) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise GeoextractError(Errors.E021, table=table, columns=", ".join(missing))


CLAIM_COLUMNS = ["source", "relation", "target", "action", "action_key", "polarity", "source_id", "target_id", "documents",
                 "doc_ids", "independent_sources", "earliest_date", "first_source", "first_document", "mean_confidence",
                 "max_confidence", "rows"]
# The head of an action phrase is the last word before its first preposition ("employment of workers").
_PREPOSITIONS = frozenset("of for to with on against from in into over between by at about".split())
# Words that end in "s" without being plurals (or that mean something else without it).
_NOT_PLURAL = frozenset("news arms series species means headquarters whereabouts".split())


def action_key(action: str | None) -> str:
    """The action a claim is keyed on: the head word of the action phrase, in the singular.

    Rows name one action in different words: a verb's lemma ("trade"), a noun phrase as written
    ("bilateral trade", "tougher UN sanctions") or a pattern's fixed phrase ("employment of
    workers"). The key keeps the head, the phrase's last word before any preposition, and
    takes an English plural "-s" off it, so "trade", "bilateral trade" and "trades" are the
    action "trade", and "sanctions", "tougher sanctions" and "sanction" are "sanction".
    Different words stay different actions ("sell" is not "trade"). No model is needed, so
    claims can be built from any relation table.
    """
    words = " ".join(str(action or "").lower().split()).split(" ")
    cut = next((i for i, word in enumerate(words) if i and word in _PREPOSITIONS), len(words))
    head = words[:cut][-1].strip(".,;:'\"()[]")
    return _singular(head)


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _NOT_PLURAL or not word.endswith("s") or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # supplies, but ties
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]  # taxes, launches
    return word[:-1]


def build_claims(relations: pd.DataFrame, stories: pd.DataFrame | None = None,
                 documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Merge the same claim across documents and count the independent stories behind it.

    A claim is (source_id, relation, target_id, action_key(action), polarity): "Russia trades
    with North Korea" and "bilateral trade between Russia and North Korea" are one claim (the
    action "trade"), "Russia sells oil to North Korea" another; an empty action is a value of
    its own; polarity is part of the key so that "X did not trade with Y" never counts as
    support for "X traded with Y". Vectorised (sorts and reductions, no loop over rows; the
    action key is computed once per distinct action): a million rows take seconds.

    Args:
        relations: a relation table (`table.load_relations`); `doc_date`/`doc_source` are used
            for documents that `documents` lacks.
        stories: `group_stories` output (doc_id, story_id); without it, or for a document it
            lacks, each document is a story of its own.
        documents: doc_id and optionally date and source, in input order.

    Returns:
        One row per claim, most independently supported first: source, relation, target,
        action (as the earliest document wrote it), action_key, polarity, source_id,
        target_id, documents, doc_ids ("; "-joined by date, then input order),
        independent_sources (distinct stories among the documents), earliest_date (ISO date
        of the earliest dated document), first_source (the outlet of the earliest document,
        empty when unknown), first_document (its id), mean_confidence, max_confidence, rows.
    """
    _require(relations, ["doc_id", "source", "source_id", "relation", "target", "target_id", "action", "confidence"],
             "relations")
    if relations.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    doc_codes, doc_values = pd.factorize(relations["doc_id"].astype(str))
    # factorize numbers documents by first appearance: a row is a document's first where its code tops all before it
    first_rows = np.flatnonzero(doc_codes > np.maximum.accumulate(np.r_[-1, doc_codes[:-1]]))
    docs = _document_order(relations.iloc[first_rows], stories, documents)
    lookup = pd.Index(docs["doc_id"]).get_indexer(pd.Index(doc_values))
    rank, story = docs["rank"].to_numpy()[lookup][doc_codes], docs["story"].to_numpy()[lookup][doc_codes]
    keys = [_codes(relations[name]) for name in ("source_id", "relation", "target_id")]
    keys.append(_codes(relations["action"], lambda values: values.map(action_key)))
    polarity = (relations["polarity"].astype("string").fillna("affirmed").replace("", "affirmed") if "polarity" in relations
                else pd.Series("affirmed", index=relations.index, dtype="string"))
    keys.append(_codes(polarity))

    order = np.lexsort([rank, *keys[::-1]])  # rows by claim key, then by document date
    keys, rank, story = [key[order] for key in keys], rank[order], story[order]
    starts = np.flatnonzero(np.r_[True, np.any([key[1:] != key[:-1] for key in keys], axis=0)])
    claim = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
    rows = np.diff(np.r_[starts, len(order)])
    new_doc = np.r_[True, (claim[1:] != claim[:-1]) | (rank[1:] != rank[:-1])]
    documents_per_claim = np.add.reduceat(new_doc.astype(np.int64), starts)
    independent = np.bincount(distinct(claim.astype(np.int64) * (story.max() + 1) + story) // (story.max() + 1),
                              minlength=len(starts))
    confidence = relations["confidence"].to_numpy(dtype=float)[order]
    by_rank = docs.sort_values("rank")
    dated = by_rank["date"].notna().to_numpy()
    first_dated = np.minimum.reduceat(np.where(dated[rank], rank, len(by_rank)), starts)
    iso = np.append(iso_dates(by_rank["date"]).to_numpy(), None)
    first_row = order[starts]  # names as written in the claim's earliest document

    def column(values: pd.Series) -> pd.Series:
        return pd.Series(values.iloc[first_row].to_numpy(dtype=object, na_value=None), dtype=object)

    claims = pd.DataFrame({
        **{name: column(relations[name]) for name in ("source", "relation", "target")},
        "action": column(relations["action"]).fillna(""),
        "action_key": column(relations["action"]).fillna("").map(action_key), "polarity": column(polarity),
        **{name: column(relations[name]) for name in ("source_id", "target_id")}, "documents": documents_per_claim,
        "doc_ids": _joined(by_rank["doc_id"].to_numpy(dtype=object)[rank[new_doc]], documents_per_claim),
        "independent_sources": independent, "earliest_date": pd.Series(iso[first_dated], dtype=object),
        "first_source": pd.Series(by_rank["source"].to_numpy(dtype=object, na_value=None)[rank[starts]], dtype=object),
        "first_document": pd.Series(by_rank["doc_id"].to_numpy(dtype=object)[rank[starts]], dtype=object),
        "mean_confidence": (np.add.reduceat(confidence, starts) / rows).round(3),
        "max_confidence": np.maximum.reduceat(confidence, starts), "rows": rows,
    })
    ranking = np.lexsort((np.arange(len(starts)), -rows, -documents_per_claim, -independent))
    return claims.iloc[ranking].reset_index(drop=True)


def _codes(values: pd.Series, normalise: Callable[[pd.Series], pd.Series] | None = None) -> np.ndarray:
    """Integer codes that sort like the (normalised) values, missing as ""; only distinct values are normalised."""
    codes, uniques = pd.factorize(values)
    uniques = pd.Series(np.append(np.asarray(uniques, dtype=object), ""), dtype=object).fillna("").astype(str)
    if normalise is not None:
        uniques = normalise(uniques)
    return pd.factorize(uniques, sort=True)[0][codes]  # code -1 (missing) takes the appended ""


def _joined(doc_ids: np.ndarray, counts: np.ndarray) -> pd.Series:
    """"; "-joined doc ids, `counts[i]` of them for claim i; only claims with several documents need a join."""
    ends = np.cumsum(counts)
    joined = pd.Series(doc_ids[ends - counts], dtype=object)
    several = np.flatnonzero(counts > 1)
    ids = doc_ids.tolist()
    joined.iloc[several] = ["; ".join(ids[end - count:end]) for end, count in zip(ends[several], counts[several])]
    return joined


def _document_order(firsts: pd.DataFrame, stories: pd.DataFrame | None, documents: pd.DataFrame | None) -> pd.DataFrame:
    """One row per document: doc_id, date, source, story (a code) and rank (by date, then input order).

    `firsts` is each document's first relation row. Documents the relations name but
    `documents` lacks come after it, in order of first appearance, with the relation rows'
    doc_date and doc_source; a document's own date and source win over its rows'.
    """
    rows = pd.DataFrame({"doc_id": firsts["doc_id"].astype(str).to_numpy(dtype=object),
                         "date": firsts["doc_date"].to_numpy(dtype=object) if "doc_date" in firsts else None,
                         "source": firsts["doc_source"].to_numpy(dtype=object) if "doc_source" in firsts else None})
    if documents is not None:
        _require(documents, ["doc_id"], "documents")
        _unique(documents)
        given = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).to_numpy(dtype=object),
                              "date": documents["date"].to_numpy(dtype=object) if "date" in documents else None,
                              "source": documents["source"].to_numpy(dtype=object) if "source" in documents else None})
        given = given.merge(rows, on="doc_id", how="left", suffixes=("", "_row"))
        for name in ("date", "source"):
            given[name] = given[name].where(given[name].notna() & (given[name].astype("string") != ""), given[f"{name}_row"])
        rows = pd.concat([given[["doc_id", "date", "source"]], rows[~rows["doc_id"].isin(given["doc_id"])]], ignore_index=True)
    docs = rows.assign(date=parse_dates(rows["date"]), source=rows["source"].astype("string"))
    docs["rank"] = np.argsort(_chronological(docs["date"]))
    story = docs["doc_id"]
    if stories is not None:
        _require(stories, ["doc_id", "story_id"], "stories")
        story = docs["doc_id"].map(stories.drop_duplicates("doc_id").set_index("doc_id")["story_id"].astype(str)).fillna(story)
    docs["story"] = pd.factorize(story)[0]
    return docs


def _unique(documents: pd.DataFrame) -> None:
    repeated = documents["doc_id"][documents["doc_id"].duplicated()]
    if len(repeated):
        raise GeoextractError(Errors.E022, values=", ".join(map(str, repeated.unique()[:5])))
