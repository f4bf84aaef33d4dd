"""Time build_claims and build_graph on synthetic relation rows (default 1,000,000) and
group_stories on synthetic signatures (default 100,000 documents).

    python bench/claims_scale.py [ROWS] [DOCUMENTS]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from geoextract.graph import build_graph
from geoextract.records import RelationType
from geoextract.stories import NUM_PERM, build_claims, group_stories


def relations(n_rows: int, n_docs: int, n_actors: int = 2_000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Relation rows, documents (10% undated) and stories (about three documents each)."""
    rng = np.random.default_rng(seed)
    doc_ids = np.array([f"doc{i:07d}" for i in range(n_docs)], dtype=object)
    dates = pd.Series(pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 730, n_docs), unit="D")).dt.strftime("%Y-%m-%d")
    dates[rng.random(n_docs) < 0.1] = None
    documents = pd.DataFrame({"doc_id": doc_ids, "date": dates, "source": rng.choice(["Reuters", "AP", "BBC", None], n_docs)})
    stories = pd.DataFrame({"doc_id": doc_ids, "story_id": doc_ids[np.arange(n_docs) // 3 * 3]})
    actor_ids = np.array([f"actor-{i}" for i in range(n_actors)], dtype=object)
    names = np.array([f"Actor {i}" for i in range(n_actors)], dtype=object)
    # Zipf-like actor popularity, as in news: a few states in most rows.
    weights = 1 / np.arange(1, n_actors + 1)
    source = rng.choice(n_actors, n_rows, p=weights / weights.sum())
    target = rng.choice(n_actors, n_rows, p=weights / weights.sum())
    doc = rng.integers(0, n_docs, n_rows)
    actions = np.array(["", "oil exports", "sanctions", "talks", "missile test", "aid"] + [f"action {i}" for i in range(200)], dtype=object)
    frame = pd.DataFrame({
        "relation_id": [f"r{i}" for i in range(n_rows)], "doc_id": doc_ids[doc],
        "source": names[source], "source_id": actor_ids[source], "source_type": "state",
        "relation": pd.Categorical(rng.choice([t.value for t in RelationType], n_rows), categories=[t.value for t in RelationType]),
        "target": names[target], "target_id": actor_ids[target], "target_type": "state",
        "action": actions[rng.integers(0, len(actions), n_rows)], "polarity": rng.choice(["affirmed", "negated"], n_rows, p=[0.95, 0.05]),
        "confidence": rng.uniform(0.3, 0.95, n_rows).round(2),
        "doc_date": dates.to_numpy()[doc], "doc_source": documents["source"].to_numpy()[doc]})
    return frame, documents, stories


def signatures(n_docs: int, seed: int = 0) -> np.ndarray:
    """Random signatures with common phrases (5% of slots share 20 values) and planted rewrites
    (10% of documents keep 30% of another's slots) and exact copies (2%)."""
    rng = np.random.default_rng(seed)
    sig = rng.integers(0, 2**32 - 1, (n_docs, NUM_PERM), dtype=np.uint32)
    common = rng.random((n_docs, NUM_PERM)) < 0.05
    sig[common] = rng.integers(0, 20, common.sum(), dtype=np.uint32)
    rewrites = rng.choice(n_docs, n_docs // 10, replace=False)
    keep = rng.random((len(rewrites), NUM_PERM)) < 0.3
    sig[rewrites] = np.where(keep, sig[rng.choice(n_docs, len(rewrites))], sig[rewrites])
    copies = rng.choice(n_docs, n_docs // 50, replace=False)
    sig[copies] = sig[rng.choice(n_docs, len(copies))]
    return sig


def main() -> None:
    n_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_docs = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    frame, documents, stories = relations(n_rows, max(n_rows // 20, 1))
    started = time.perf_counter()
    claims = build_claims(frame, stories, documents)
    print(f"build_claims: {n_rows:,} rows -> {len(claims):,} claims in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    graph = build_graph(frame, stories=stories)
    print(f"build_graph: {n_rows:,} rows -> {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges "
          f"in {time.perf_counter() - started:.2f} s")
    sig = signatures(n_docs)
    started = time.perf_counter()
    groups = group_stories(pd.DataFrame({"doc_id": [f"d{i}" for i in range(n_docs)]}), sig)
    print(f"group_stories: {n_docs:,} documents -> {(groups['story_size'] > 1).sum():,} in "
          f"{groups.loc[groups['story_size'] > 1, 'story_id'].nunique():,} multi-document stories in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
