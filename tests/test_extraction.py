"""Whole runs. Splitting long texts needs no model; the rest are end-to-end and marked `model`."""

import json

import pandas as pd
import pytest

from conftest import ROOT, SHARED, read_jsonl
from geoextract import load_relations, processing
from geoextract.extraction import extract, split_text
from geoextract.graph import read_graph
from geoextract.extraction import SAMPLE
from geoextract.records import RelationType

REQUIRED = ("doc_id, sent_index, source, source_type, relation, target, target_type, action, action_category, "
            "quantity_text, quantity_value, quantity_unit, quantity_qualifier, polarity, modality, attributed_to, "
            "time_text, confidence, pattern_id, evidence, source_start, source_end, target_start, target_end, "
            "trigger_start, trigger_end").split(", ")


def test_split_text_covers_everything_at_boundaries():
    text = ("Paragraph one is here. " * 30 + "\n\n") * 10
    parts = split_text(text, max_chars=1000)
    assert len(parts) > 1
    assert "".join(part for _, part in parts) == text
    assert all(text[offset:offset + len(part)] == part for offset, part in parts)
    assert all(len(part) <= 1000 for _, part in parts)
    assert all(part.endswith("\n\n") for _, part in parts[:-1])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    summary = extract(None, out, formats=("csv", "parquet"))
    return out, summary


@pytest.mark.model
def test_sample_run_writes_every_output(sample_run):
    out, summary = sample_run
    for name in ("relations.csv", "relations.parquet", "mentions.csv", "actors.csv", "quantities.csv",
                 "graph.graphml", "run.json"):
        assert (out / name).stat().st_size > 0, name
    frame = load_relations(out / "relations.csv")
    assert set(REQUIRED) <= set(frame.columns)
    assert set(frame["relation"].astype(str)) <= {t.value for t in RelationType}
    assert frame["confidence"].between(0, 1).all()
    parquet = load_relations(out / "relations.parquet")
    pd.testing.assert_frame_equal(frame, parquet)
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["documents"] == 6 and run["counts"]["relations"] == len(frame)
    assert run["spacy"] and run["settings"]["model_version"] and run["skipped"] == []


@pytest.mark.model
def test_offsets_point_into_the_document_text(sample_run):
    out, _ = sample_run
    texts = {d["id"]: d for d in read_jsonl(SAMPLE)}
    frame = load_relations(out / "relations.csv")
    for row in frame.itertuples():
        text = texts[row.doc_id]["text"]
        assert text[row.source_start:row.source_end].strip(), row
        assert text[row.trigger_start:row.trigger_end] in row.evidence
        assert row.evidence in text
        assert row.doc_date == texts[row.doc_id]["date"] and row.doc_source == texts[row.doc_id]["source"]
    mentions = pd.read_csv(out / "mentions.csv")
    for row in mentions.itertuples():
        assert texts[row.doc_id]["text"][row.start:row.end] == row.text


@pytest.mark.model
def test_graph_matches_the_table(sample_run):
    out, _ = sample_run
    graph = read_graph(out / "graph.graphml")
    frame = load_relations(out / "relations.csv")
    assert graph.number_of_edges() == frame.groupby(["source_id", "relation", "target_id"], observed=True).ngroups
    assert sum(d["weight"] for _, _, d in graph.edges(data=True)) == len(frame)
    assert all("label" in d for _, d in graph.nodes(data=True))


@pytest.mark.model
def test_sample_key_facts_recall(sample_run):
    """The facts the sample articles were written to state (tests/data/sample_expected.jsonl)."""
    out, _ = sample_run
    frame = load_relations(out / "relations.csv")
    found = set(zip(frame["doc_id"], frame["source"], frame["relation"].astype(str), frame["target"]))
    expected = read_jsonl(ROOT / "tests" / "data" / "sample_expected.jsonl")
    hits = [e for e in expected if (e["doc_id"], e["source"], e["relation"], e["target"]) in found]
    recall = len(hits) / len(expected)
    assert recall >= 0.5, f"sample key-fact recall {recall:.2f}"


@pytest.mark.model
def test_confidence_is_explained_filtered_and_reviewed(tmp_path, sample_run):
    out, _ = sample_run
    frame = load_relations(out / "relations.csv")
    for row in frame.itertuples():  # "rule x 0.80; pronoun 'he' read as ... -0.15 = 0.65"
        terms = row.confidence_basis.split(" = ")[0].split("; ")
        total = sum(float(term.rsplit(" ", 1)[1]) for term in terms)
        assert round(max(0.05, min(1.0, total)), 2) == pytest.approx(row.confidence), row.confidence_basis
    review = pd.read_csv(out / "review.csv")
    assert set(review["relation_id"]) == set(frame.loc[frame["confidence"] < 0.5, "relation_id"])
    summary = extract(None, tmp_path, min_confidence=0.6, review_below=0.7)
    strict = load_relations(tmp_path / "relations.csv")
    assert len(strict) == (frame["confidence"] >= 0.6).sum() == summary.relations
    assert summary.below_min_confidence == (frame["confidence"] < 0.6).sum()
    assert pd.read_csv(tmp_path / "review.csv")["confidence"].between(0.6, 0.7, inclusive="left").all()


@pytest.mark.model
def test_two_processes_give_the_same_table(tmp_path, sample_run):
    out, _ = sample_run
    extract(None, tmp_path, n_process=2, batch_size=2)
    assert (tmp_path / "relations.csv").read_bytes() == (out / "relations.csv").read_bytes()


@pytest.mark.model
def test_long_document_is_processed_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(processing, "MAX_CHARS", 2000)
    sentence = "Russia backed North Korea at the United Nations. "
    text = (sentence * 20 + "\n\n") * 6
    (tmp_path / "long.txt").write_text(text + "Japan urged China to stop.")
    summary = extract([tmp_path / "long.txt"], tmp_path / "out")
    assert summary.parts > 1 and summary.documents == 1
    frame = load_relations(tmp_path / "out" / "relations.csv")
    assert frame["trigger_start"].max() > 4_000  # relations found in later parts, offsets document-wide
    assert frame["sent_index"].max() >= 100
    assert ("Japan", "REQUEST", "China") in set(zip(frame["source"], frame["relation"].astype(str), frame["target"]))
    for row in frame.itertuples():
        assert text[row.source_start:row.source_end] in ("Russia", "Japan") or row.source_start >= len(text)
    assert any("processed in" in note for note in json.loads((tmp_path / "out" / "run.json").read_text())["notes"])


# Key facts of the reference articles, written down by us as (doc prefix, source, relation, target).
SEED_FACTS = [
    ("000", "Russia", "TRADE", "North Korea"),
    ("000", "Russia", "SANCTION", "North Korea"),
    ("000", "Andrey Kortunov", "AFFILIATION", "Russian International Affairs Council"),
    ("000", "Andrey Kortunov", "STATEMENT", "Russia"),
    ("001", "Russia", "AID", "North Korea"),
    ("001", "Russia", "SANCTION", "North Korea"),
    ("001", "Russia", "SUPPORT", "North Korea"),
    ("002", "Reuters", "STATEMENT", "Russia"),
    ("003", "Xi Jinping", "AFFILIATION", "China"),
    ("003", "China", "COERCE", "North Korea"),
    ("003", "Russia", "TRADE", "North Korea"),
    ("003", "Russia", "COOPERATE", "North Korea"),
    ("003", "Russia", "AID", "North Korea"),
    ("004", "Russia", "AID", "North Korea"),
    ("004", "Russia", "SANCTION", "North Korea"),
    ("004", "Russia", "TRADE", "North Korea"),
    ("004", "Andrey Kortunov", "AFFILIATION", "Russian International Affairs Council"),
    ("004", "Andrey Kortunov", "STATEMENT", "Russia"),
    ("004", "Russia", "ACCUSE", "United States"),
    ("004", "Russia", "COOPERATE", "Belarus"),
]


@pytest.mark.model
@pytest.mark.skipif(not (SHARED / "corpus" / "seeds").is_dir(), reason="needs ../shared/corpus/seeds")
def test_seed_articles_key_facts(tmp_path):
    extract([SHARED / "corpus" / "seeds"], tmp_path)
    frame = load_relations(tmp_path / "relations.csv")
    found = {(d[:3], s, r, t) for d, s, r, t in zip(frame["doc_id"], frame["source"], frame["relation"].astype(str), frame["target"])}
    missing = [fact for fact in SEED_FACTS if fact not in found]
    assert len(missing) <= 2, missing
    trade = frame[(frame["relation"] == "TRADE") & (frame["source"] == "Russia") & (frame["target"] == "North Korea")]
    assert {31_400_000.0, 8.0} <= set(trade["quantity_value"].dropna()) | set(
        frame[frame["source"] == "Russia"]["quantity_value"].dropna())
    assert (frame["attributed_to"] == "Sputnik").any()


SEEDS_JUDGED = ROOT / "tests" / "data" / "seeds_judged.jsonl"


def seed_scores(frame, judged):
    """Precision of a run's rows against our judgments (a row nobody judged counts as not
    correct, so the score is a lower bound) and recall of the key facts: SEED_FACTS and the
    `key_fact` entries of seeds_judged.jsonl."""
    verdicts = {(j["doc_id"], j["source"], j["relation"], j["target"], j["trigger_start"]): j["verdict"]
                for j in judged if j["kind"] == "row"}
    rows = list(zip(frame["doc_id"], frame["source"], frame["relation"].astype(str), frame["target"],
                    frame["trigger_start"].astype(int)))
    unjudged = [row for row in rows if row not in verdicts]
    wrong = [row for row in rows if verdicts.get(row) == "wrong"]
    correct = sum(verdicts.get(row) == "correct" for row in rows)
    found = {(d[:3], s, r, t) for d, s, r, t, _ in rows}
    facts = SEED_FACTS + [(j["doc_id"][:3], j["source"], j["relation"], j["target"]) for j in judged
                          if j["kind"] == "key_fact"]
    missed = [fact for fact in facts if fact not in found]
    return correct / max(1, len(rows)), 1 - len(missed) / len(facts), wrong, unjudged, missed


def test_seed_judgments_are_well_formed():
    judged = read_jsonl(SEEDS_JUDGED)
    rows = [j for j in judged if j["kind"] == "row"]
    assert {j["kind"] for j in judged} == {"row", "key_fact"}
    assert all(j["verdict"] in ("correct", "wrong") and j["reason"] for j in rows)
    assert all(0 <= j["trigger_start"] < j["trigger_end"] for j in rows)
    assert all(j["relation"] in RelationType.__members__ for j in judged)
    keys = [(j["doc_id"], j["source"], j["relation"], j["target"], j["trigger_start"]) for j in rows]
    assert len(keys) == len(set(keys))  # one verdict per row


@pytest.mark.model
@pytest.mark.skipif(not (SHARED / "corpus" / "seeds").is_dir(), reason="needs ../shared/corpus/seeds")
def test_seed_articles_precision_and_recall(tmp_path):
    """Every row of the seed run against our judgment of it (tests/data/seeds_judged.jsonl)."""
    extract([SHARED / "corpus" / "seeds"], tmp_path)
    frame = load_relations(tmp_path / "relations.csv")
    precision, recall, wrong, unjudged, missed = seed_scores(frame, read_jsonl(SEEDS_JUDGED))
    print(f"seed rows {len(frame)}: precision {precision:.3f}, key-fact recall {recall:.3f}; "
          f"wrong {wrong}; not judged {unjudged}; missed {missed}")
    assert precision >= 0.9, (precision, wrong, unjudged)
    assert recall >= 0.8, (recall, missed)


OUTPUTS = ("relations.csv", "relations.parquet", "mentions.csv", "quantities.csv", "actors.csv", "documents.csv",
           "review.csv", "stories.csv", "claims.csv", "claims.parquet", "graph.graphml", "graph.gexf")


def _same_outputs(a, b, names=OUTPUTS):
    return [name for name in names if (a / name).exists() and (a / name).read_bytes() != (b / name).read_bytes()]


def _corpus(path, n):
    """n distinct documents made from the sample articles (the last sentence numbers them)."""
    articles = read_jsonl(SAMPLE)
    with open(path, "w", encoding="utf-8") as stream:
        for i in range(n):
            article = articles[i % len(articles)]
            stream.write(json.dumps({**article, "id": f"{article['id']}-{i}",
                                     "text": f"{article['text']}\n\nThis is copy number {i}."}) + "\n")
    return path


@pytest.mark.model
def test_two_runs_give_byte_identical_outputs(tmp_path, sample_run):
    out, _ = sample_run
    extract(None, tmp_path, formats=("csv", "parquet"))
    assert _same_outputs(out, tmp_path) == []


@pytest.mark.model
def test_cache_reuses_results_and_a_changed_rule_file_misses(tmp_path, sample_run):
    out, _ = sample_run
    first = extract(None, tmp_path / "a", cache=tmp_path / "cache", formats=("csv", "parquet"))
    second = extract(None, tmp_path / "b", cache=tmp_path / "cache", formats=("csv", "parquet"))
    assert (first.cache_hits, second.cache_hits) == (0, 6)
    assert second.settings["pipeline"] is None  # every document came from the cache: the model never loaded
    assert _same_outputs(out, tmp_path / "a") == [] and _same_outputs(out, tmp_path / "b") == []
    patterns = (ROOT / "pipeline" / "relations.jsonl").read_text().splitlines()
    (tmp_path / "fewer.jsonl").write_text("\n".join(patterns[:-1]) + "\n")
    third = extract(None, tmp_path / "c", cache=tmp_path / "cache", relations=tmp_path / "fewer.jsonl")
    assert third.cache_hits == 0


@pytest.mark.model
def test_a_killed_run_keeps_previous_outputs_and_resume_finishes_it(tmp_path):
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    corpus = _corpus(tmp_path / "corpus.jsonl", 120)
    out = tmp_path / "out"
    extract([_corpus(tmp_path / "small.jsonl", 2)], out)
    previous = (out / "relations.csv").read_bytes()
    command = [sys.executable, "-m", "geoextract", "extract", str(corpus), "--out", str(out), "--batch-size", "2", "-q"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    journal = out / ".geoextract" / "journal.sqlite"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if journal.exists():
            try:
                with sqlite3.connect(journal) as db:
                    done = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:  # table not created yet
                continue
            if done >= 4:
                break
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (out / "relations.csv").read_bytes() == previous  # the old table, whole
    resumed = extract([corpus], out, resume=True)
    assert 4 <= resumed.resumed < 120 and resumed.documents == 120
    assert not journal.exists()  # removed once the run completed
    extract([corpus], tmp_path / "straight")
    assert _same_outputs(out, tmp_path / "straight") == []
