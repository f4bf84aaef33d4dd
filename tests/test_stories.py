"""Stories and claims: MinHash signatures, rewrites grouped across documents, claims merged."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geoextract import stories
from geoextract.errors import GeoextractError
from geoextract.stories import EMPTY, NUM_PERM, THRESHOLD, action_key, build_claims, features, group_stories, minhash

# A wire report, a rewrite of it (two sentences reworded, one cut, a paragraph added), and two
# different reports on the same topic. Written for these tests.
WIRE = """Russia has quietly expanded fuel shipments to North Korea this year, according to port records reviewed by reporters.
At least six tankers left the port of Vanino for Nampo between March and June while declaring destinations in China.
Officials in Washington said the voyages appeared designed to evade United Nations sanctions on the isolated state.
The Russian foreign ministry denied any breach and said all of its trade complied with Security Council resolutions.
Bilateral trade rose to $42 million in the first half of the year, up from $25 million a year earlier.
Analysts said Moscow sees the fuel trade as leverage in its wider talks with the United States over Ukraine.
A senior diplomat in Seoul said South Korea would raise the shipments at the next meeting of the council."""

REWRITE = """Russia has been quietly increasing its fuel deliveries to North Korea this year, port records show.
At least six tankers left the port of Vanino for Nampo between March and June while declaring destinations in China.
American officials believe the voyages were designed to evade United Nations sanctions on the isolated state.
The Russian foreign ministry denied any breach and said all of its trade complied with Security Council resolutions.
Bilateral trade rose to $42 million in the first half of the year, up from $25 million a year earlier.
A senior diplomat in Seoul said South Korea would raise the shipments at the next meeting of the council.
Pyongyang has tested several missiles since the spring, and its economy depends heavily on imported fuel."""

OTHER = """The United States on Thursday imposed sanctions on three shipping firms it accused of moving coal out of North Korea.
The Treasury said the companies, registered in Hong Kong and the Marshall Islands, used forged papers at sea.
North Korea's foreign ministry called the measures an act of war and vowed to strengthen its nuclear deterrent.
China urged all sides to show restraint and said it enforced every Security Council resolution in full."""

OTHER_2 = """The European Union agreed on Monday to ban imports of textiles and seafood from North Korea.
Ministers meeting in Brussels said the ban would cut off one of Pyongyang's last sources of hard currency.
Diplomats said the decision followed months of talks and a report by a United Nations panel of experts.
North Korean state media did not comment on the decision, which takes effect next month."""


def documents(doc_ids, dates=None, sources=None):
    return pd.DataFrame({"doc_id": doc_ids, "date": dates or [None] * len(doc_ids), "source": sources or [None] * len(doc_ids)})


def estimated_jaccard(a: bytes, b: bytes) -> float:
    return float((np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")).mean())


def test_minhash_is_bytes_of_uint32_and_deterministic_across_processes():
    signature = minhash(WIRE)
    assert isinstance(signature, bytes) and len(signature) == 4 * NUM_PERM
    assert len(minhash(WIRE, num_perm=64)) == 256
    code = "import sys; from geoextract.stories import minhash; print(minhash(sys.stdin.read()).hex())"
    for seed in ("1", "2"):  # Python's str hash() is salted per process; the signature must not be
        out = subprocess.run([sys.executable, "-c", code], input=WIRE, capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.stdout.strip() == signature.hex()


def test_features_ignore_case_punctuation_and_function_words():
    assert features("Russia SANCTIONED the regime!") == features("russia sanctioned regime")
    assert features("Russia sanctioned the regime") == {"russi sanct", "russi regim", "sanct regim"}
    assert "sanct russi" in features("sanctions on Russia")  # pairs keep their order
    assert features("the of and") == set()


def test_minhash_estimates_jaccard_of_the_features():
    a, b = features(WIRE), features(REWRITE)
    exact = len(a & b) / len(a | b)
    assert abs(estimated_jaccard(minhash(WIRE), minhash(REWRITE)) - exact) < 0.1
    assert estimated_jaccard(minhash(WIRE), minhash(WIRE)) == 1.0


def test_rewrite_groups_with_its_wire_story_and_different_stories_stay_apart():
    texts = [REWRITE, OTHER, WIRE, OTHER_2]
    docs = documents(["rewrite", "other", "wire", "other2"], ["2017-10-06", "2017-10-05", "2017-10-05T08:00:00Z", None])
    stories = group_stories(docs, [minhash(t) for t in texts])
    assert list(stories.columns) == ["doc_id", "story_id", "story_size", "similarity"]
    assert stories["doc_id"].tolist() == ["rewrite", "other", "wire", "other2"]  # input order
    assert stories["story_id"].tolist() == ["wire", "other", "wire", "other2"]  # the earliest document names the story
    assert stories["story_size"].tolist() == [2, 1, 2, 1]
    assert stories.loc[0, "similarity"] >= THRESHOLD and stories.loc[2, "similarity"] == 1.0
    assert estimated_jaccard(minhash(WIRE), minhash(OTHER)) < THRESHOLD / 2


def test_story_id_is_earliest_by_date_then_input_order_with_undated_last():
    docs = documents(["a", "b", "c", "d"], [None, "2017-10-05", "not a date", "2017-10-03"])
    stories = group_stories(docs, [minhash(WIRE)] * 4)
    assert set(stories["story_id"]) == {"d"}
    undated = group_stories(documents(["a", "b", "c"], [None, "", "garbage"]), [minhash(WIRE)] * 3)
    assert set(undated["story_id"]) == {"a"}
    no_dates = group_stories(pd.DataFrame({"doc_id": ["x", "y"]}), [minhash(WIRE)] * 2)
    assert no_dates["story_id"].tolist() == ["x", "x"]


def test_groups_are_connected_components():
    rng = np.random.default_rng(0)
    a, c = rng.integers(0, 2**31, (2, NUM_PERM), dtype=np.uint32)
    b = np.where(np.arange(NUM_PERM) % 2 == 0, a, c)  # half of a, half of c: a and c share nothing
    d = rng.integers(0, 2**31, NUM_PERM, dtype=np.uint32)
    stories = group_stories(documents(["a", "b", "c", "d"]), np.stack([a, b, c, d]))
    assert stories["story_id"].tolist() == ["a", "a", "a", "d"]
    assert stories["similarity"].tolist() == [1.0, 0.5, 0.0, 1.0]
    as_bytes = group_stories(documents(["a", "b", "c", "d"]), [row.astype("<u4").tobytes() for row in (a, b, c, d)])
    pd.testing.assert_frame_equal(stories, as_bytes)


def test_threshold_decides_and_empty_texts_are_never_grouped():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**31, NUM_PERM, dtype=np.uint32)
    b = np.where(np.arange(NUM_PERM) < NUM_PERM // 4, a, rng.integers(0, 2**31, NUM_PERM, dtype=np.uint32))  # 0.25
    pair = np.stack([a, b])
    assert group_stories(documents(["a", "b"]), pair, threshold=0.25)["story_size"].tolist() == [2, 2]
    assert group_stories(documents(["a", "b"]), pair, threshold=0.3)["story_size"].tolist() == [1, 1]
    assert minhash(" ... ") == np.full(NUM_PERM, EMPTY, dtype="<u4").tobytes()
    empty = group_stories(documents(["e1", "e2"]), [minhash(""), minhash("?!")])
    assert empty["story_id"].tolist() == ["e1", "e2"]


def test_a_wire_copied_many_times_is_one_story():
    docs = documents([f"copy{i}" for i in range(60)])
    stories = group_stories(docs, [minhash(WIRE)] * 60)  # one bucket far above bucket_window
    assert set(stories["story_id"]) == {"copy0"} and set(stories["story_size"]) == {60}


def test_group_stories_reports_bad_inputs():
    with pytest.raises(GeoextractError, match=r"^E020 story signatures do not match the documents: 1 signatures for 2"):
        group_stories(documents(["a", "b"]), [minhash(WIRE)])
    with pytest.raises(GeoextractError, match="^E020 .*different or odd byte lengths"):
        group_stories(documents(["a", "b"]), [minhash(WIRE), minhash(WIRE, num_perm=64)])
    with pytest.raises(GeoextractError, match="^E021 the documents table lacks columns: doc_id"):
        group_stories(pd.DataFrame({"id": ["a"]}), [minhash(WIRE)])
    with pytest.raises(GeoextractError, match="^E022 .*duplicate doc_id values: a"):
        group_stories(documents(["a", "a"]), [minhash(WIRE)] * 2)
    with pytest.raises(GeoextractError, match="^E013 invalid option threshold"):
        group_stories(documents(["a"]), [minhash(WIRE)], threshold=0)


def claim_row(doc_id, action="oil exports", confidence=0.8, polarity="affirmed", **overrides):
    row = dict(doc_id=doc_id, source="Russia", source_id="russia", relation="TRADE", target="North Korea",
               target_id="north-korea", action=action, confidence=confidence, polarity=polarity, doc_date=None, doc_source=None)
    row.update(overrides)
    return row


def test_claim_supported_by_four_documents_from_two_stories():
    relations = pd.DataFrame([claim_row("d1", confidence=0.8), claim_row("d2", action="Oil  Exports", confidence=0.6),
                              claim_row("d3", confidence=0.7), claim_row("d4", confidence=0.9), claim_row("d4", confidence=0.5)])
    docs = documents(["d1", "d2", "d3", "d4"], ["2017-10-05", "2017-10-03", None, "2017-10-04"],
                     ["Daily", "Reuters", None, "Herald"])
    stories = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4"], "story_id": ["d2", "d2", "d3", "d3"]})
    claims = build_claims(relations, stories, docs)
    assert len(claims) == 1
    claim = claims.iloc[0]
    assert (claim["source"], claim["relation"], claim["target"]) == ("Russia", "TRADE", "North Korea")
    assert (claim["documents"], claim["independent_sources"], claim["rows"]) == (4, 2, 5)
    assert claim["doc_ids"] == "d2; d4; d1; d3"  # by date, the undated last
    assert (claim["earliest_date"], claim["first_source"]) == ("2017-10-03", "Reuters")
    assert (claim["mean_confidence"], claim["max_confidence"]) == (0.7, 0.9)
    assert claim["action"] == "Oil  Exports"  # as the earliest document wrote it
    without_stories = build_claims(relations, None, docs).iloc[0]
    assert without_stories["independent_sources"] == without_stories["documents"] == 4


@pytest.mark.parametrize("action, key", [
    ("trade", "trade"), ("bilateral trade", "trade"), ("Trades", "trade"), ("  Oil  Exports ", "export"),
    ("tougher United Nations sanctions", "sanction"), ("employment of workers", "employment"),
    ("build-up of forces", "build-up"), ("works for", "work"), ("supplies", "supply"), ("ties", "tie"),
    ("taxes", "tax"), ("news", "news"), ("crisis", "crisis"), ("talks", "talk"), ("", ""), (None, ""),
])
def test_action_key_is_the_singular_head_word(action, key):
    assert action_key(action) == key


def test_one_claim_whatever_words_name_its_action():
    # "Russia trades with North Korea" told four ways in four documents, two of them one story
    relations = pd.DataFrame([claim_row("d1", action="bilateral trade"), claim_row("d2", action="trade"),
                              claim_row("d3", action="trades"), claim_row("d4", action="Bilateral  Trade"),
                              claim_row("d4", action="sell"), claim_row("d5", action="sell", polarity="negated")])
    stories = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4", "d5"], "story_id": ["d1", "d1", "d3", "d4", "d5"]})
    docs = documents(["d1", "d2", "d3", "d4", "d5"], sources=["Wire", "Daily", None, "Herald", "Post"])
    claims = build_claims(relations, stories, docs)
    assert claims[["action", "action_key", "polarity", "documents", "independent_sources", "rows"]].values.tolist() == [
        ["bilateral trade", "trade", "affirmed", 4, 3, 4], ["sell", "sell", "affirmed", 1, 1, 1],
        ["sell", "sell", "negated", 1, 1, 1]]
    trade = claims.iloc[0]
    assert (trade["doc_ids"], trade["first_source"], trade["first_document"]) == ("d1; d2; d3; d4", "Wire", "d1")


def test_claims_keep_empty_actions_negations_and_other_relations_apart():
    relations = pd.DataFrame([
        claim_row("d1"), claim_row("d2", action=None), claim_row("d3", action=""), claim_row("d4", polarity="negated"),
        claim_row("d5", relation="SANCTION", action="oil exports"), claim_row("d6", target_id="china", target="China")])
    claims = build_claims(relations, None, None)
    assert len(claims) == 5
    empty = claims[(claims["action"] == "") & (claims["relation"] == "TRADE")]
    assert empty["documents"].tolist() == [2] and empty["doc_ids"].tolist() == ["d2; d3"]
    assert claims.iloc[0]["doc_ids"] == "d2; d3"  # most documents first
    assert claims[claims["polarity"] == "negated"]["doc_ids"].tolist() == ["d4"]


def test_claims_take_dates_and_sources_from_relation_rows_when_documents_lack_them():
    relations = pd.DataFrame([claim_row("d1", doc_date="2017-10-09", doc_source="Reuters"),
                              claim_row("d2", doc_date="2017-10-08", doc_source="AP")])
    docs = documents(["d1"], ["2017-10-01"], [None])  # d1's own date wins; its source comes from its rows
    claim = build_claims(relations, None, docs).iloc[0]
    assert (claim["doc_ids"], claim["earliest_date"], claim["first_source"]) == ("d1; d2", "2017-10-01", "Reuters")
    claim = build_claims(relations, None, None).iloc[0]
    assert (claim["doc_ids"], claim["earliest_date"], claim["first_source"]) == ("d2; d1", "2017-10-08", "AP")


def test_earliest_date_skips_undated_documents_but_first_source_is_the_first_document():
    relations = pd.DataFrame([claim_row("d1"), claim_row("d2")])
    docs = documents(["d1", "d2"], [None, "2017-10-04"], ["Wire", "Herald"])
    claim = build_claims(relations, None, docs).iloc[0]
    assert (claim["doc_ids"], claim["earliest_date"], claim["first_source"]) == ("d2; d1", "2017-10-04", "Herald")


def test_build_claims_reports_missing_columns_and_handles_no_rows():
    with pytest.raises(GeoextractError, match="^E021 the relations table lacks columns: action, confidence"):
        build_claims(pd.DataFrame([claim_row("d1")]).drop(columns=["action", "confidence"]), None, None)
    with pytest.raises(GeoextractError, match="^E021 the stories table lacks columns: story_id"):
        build_claims(pd.DataFrame([claim_row("d1")]), pd.DataFrame({"doc_id": ["d1"]}), None)
    empty = build_claims(pd.DataFrame([claim_row("d1")]).iloc[:0], None, None)
    assert empty.empty and "independent_sources" in empty.columns


def test_similarity_in_small_chunks_equals_one_pass():
    """Pairs are compared in chunks, to bound the memory of their gathered signatures."""
    rng = np.random.default_rng(7)
    sig = rng.integers(0, 5, size=(50, 128), dtype=np.uint32)
    first, second = rng.integers(0, 50, size=(2, 333))
    whole = stories._similarity(sig, first, second, chunk=10_000)
    assert np.array_equal(stories._similarity(sig, first, second, chunk=7), whole)
    assert np.array_equal(whole, (sig[first] == sig[second]).mean(axis=1))
