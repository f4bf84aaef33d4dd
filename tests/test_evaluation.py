"""Scoring against gold: matching rules, schemes, and the gold file checks (no model needed:
the predictions are set on Docs by hand)."""

import json

import pytest
import spacy
from spacy.tokens import Doc, Span

from conftest import ROOT, SHARED
from geoextract.errors import GeoextractError
from geoextract.evaluation import Counts, evaluate, load_maps, read_gold

BLANK = spacy.blank("en")
for name in ("relations", "quantities"):
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=None)


class Predicted:
    """Stands in for a pipeline: returns Docs whose predictions the test wrote."""

    def __init__(self, **by_text):
        self.by_text = by_text

    def pipe(self, items, as_tuples=True, batch_size=32):
        for text, context in items:
            yield self.by_text[text](text), context

    def get_pipe(self, name):
        raise KeyError(name)


def relation(source, kind, target, s_span, t_span, **extra):
    return {"source": source, "source_id": source.lower(), "relation": kind, "target": target,
            "target_id": target.lower(), "source_start": s_span[0], "source_end": s_span[1],
            "target_start": t_span[0], "target_end": t_span[1], "confidence": 0.8, "pattern_id": "test",
            "evidence": "", "polarity": "affirmed", "modality": "asserted", **extra}


TEXT = "Russia sold oil to Cuba and Iran."


def doc_with(relations=(), ents=(), quantities=()):
    def make(text):
        doc = BLANK(text)
        doc.ents = [doc.char_span(s, e, label=label) for s, e, label in ents]
        doc._.relations = list(relations)
        doc._.quantities = list(quantities)
        return doc
    return make


def test_counts():
    c = Counts(tp=3, fp=1, fn=2)
    assert (round(c.precision, 3), round(c.recall, 3), round(c.f1, 3)) == (0.75, 0.6, 0.667)
    assert Counts().f1 == 0.0


def test_relations_match_on_spans_when_given():
    gold = [{"id": "d", "text": TEXT, "relations": [
        {"head": "Russia", "relation": "TRADE", "tail": "Cuba", "head_span": [0, 6], "tail_span": [19, 23]},
        {"head": "Russia", "relation": "TRADE", "tail": "Iran", "head_span": [0, 6], "tail_span": [28, 32]}]}]
    found = [relation("Russia", "TRADE", "Cuba", (0, 6), (19, 23)),
             relation("Russia", "TRADE", "Iran", (0, 6), (19, 23)),   # right names, wrong mention
             relation("Russia", "AID", "Cuba", (0, 6), (19, 23))]     # wrong type
    result = evaluate(gold, Predicted(**{TEXT: doc_with(found)}))
    assert result.relations["TRADE"] == Counts(tp=1, fp=1, fn=1)
    assert result.relations["AID"] == Counts(fp=1)
    misses = [m.what for m in result.mistakes if m.kind == "miss"]
    assert misses == ["Russia TRADE Iran"]


def test_relations_match_on_names_and_cameo_codes():
    gold = [{"id": "d", "text": TEXT, "relations": [
        {"head": "the russia", "relation": "TRADE", "tail": "CUB"},
        {"head": "RUSGOV", "relation": "112", "relation_root": "11", "tail": "IRN"}]}]
    found = [relation("Russia", "TRADE", "Cuba", (0, 6), (19, 23)), relation("Russia", "ACCUSE", "Iran", (0, 6), (28, 32))]
    found[0]["target_id"] = "cub"
    found[1]["source_id"], found[1]["target_id"] = "rus", "irn"
    result = evaluate(gold, Predicted(**{TEXT: doc_with(found)}))
    assert result.relations["TRADE"].tp == 1 and result.relations["ACCUSE"].tp == 1


def test_only_types_the_scheme_can_express_are_scored():
    gold = [{"id": "d", "text": TEXT, "relations": [
        {"head": "Russia", "relation": "Work_For", "tail": "Cuba"},
        {"head": "Russia", "relation": "Live_In", "tail": "Iran"}]}]
    found = [relation("Russia", "TRADE", "Cuba", (0, 6), (19, 23))]
    result = evaluate(gold, Predicted(**{TEXT: doc_with(found)}))
    assert set(result.relations) == {"AFFILIATION"}       # TRADE is not counted as a false hit
    assert result.relations["AFFILIATION"] == Counts(fn=1)
    assert result.unscored["Live_In (mapped to none)"] == 1


def test_min_confidence_drops_weak_predictions():
    gold = [{"id": "d", "text": TEXT, "relations": []}]
    weak = relation("Russia", "TRADE", "Cuba", (0, 6), (19, 23), confidence=0.2)
    assert evaluate(gold, Predicted(**{TEXT: doc_with([weak])})).relations_overall.fp == 1
    assert evaluate(gold, Predicted(**{TEXT: doc_with([weak])}), min_confidence=0.5).relations_overall.fp == 0


def test_entities_map_labels_and_score_names():
    gold = [{"id": "d", "text": TEXT, "entities": [[0, 6, "LOC"], [19, 23, "LOC"], [28, 32, "LOC"]]}]
    result = evaluate(gold, Predicted(**{TEXT: doc_with(ents=[(0, 6, "GPE"), (19, 23, "PERSON"), (7, 11, "DATE")])}))
    assert result.entities["LOC"] == Counts(tp=1, fn=2)
    assert result.entities["PER"] == Counts(fp=1)
    assert result.names == Counts(tp=1, fp=1, fn=2)
    assert "MISC" not in result.entities


def test_a_leading_the_goes_unless_it_is_a_capital_inside_the_sentence():
    text = "The Commission met at The Oval and the Kremlin."  # "The Oval" is the ground's own name
    gold = [{"id": "d", "text": text, "entities": [[4, 14, "ORG"], [22, 30, "LOC"], [39, 46, "LOC"]]}]
    predicted = doc_with(ents=[(0, 14, "ORG"), (22, 30, "FAC"), (35, 46, "LOC")])
    assert evaluate(gold, Predicted(**{text: predicted})).names == Counts(tp=3)


def quantity(text, start, end, unit, value=None, low=None, high=None, referent=None, **extra):
    return {"text": text, "start": start, "end": end, "value": value, "low": low, "high": high, "unit": unit,
            "referent": referent, "qualifier": None, "direction": None, **extra}


def test_quantities_value_unit_and_referent():
    text = "Russia sent dozens of ships and $3.5 million in aid."
    gold = [{"id": "d", "text": text, "quantities": [
        {"text": "dozens of ships", "low": 24, "high": 99, "unit": "ships", "referent": "ships"},
        {"text": "$3.5 million", "value": 3_500_000, "unit": "USD", "referent": "aid"}]}]
    found = [quantity("dozens of ships", 12, 27, "ship", low=24, high=99, referent="ships"),
             quantity("$3.5 million", 32, 44, "USD", value=3_500_000, referent="money")]
    result = evaluate(gold, Predicted(**{text: doc_with(quantities=found)}))
    assert result.quantities["value+unit"] == Counts(tp=2)
    assert result.quantities["referent"] == Counts(tp=1, fp=1, fn=1)


def test_gold_file_problems_are_listed_together(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "text": "Russia met Cuba.", "entities": [[0, 99, "LOC"]]}),
        "{not json",
        json.dumps({"id": "b", "text": ""}),
        json.dumps({"id": "c", "text": "Cuba.", "relations": [{"head": "Cuba"}]}),
    ]), encoding="utf-8")
    with pytest.raises(GeoextractError) as error:
        read_gold(path)
    message = str(error.value)
    assert message.startswith(f"E014 invalid gold file {path}: 4 error(s)")
    for where in ("line 1:", "line 2:", "line 3:", "line 4:"):
        assert where in message


def test_documents_marked_not_to_evaluate_are_skipped(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Russia.", "evaluate": False}) + "\n", encoding="utf-8")
    with pytest.raises(GeoextractError, match="E015"):
        read_gold(path)


def test_bundled_maps_are_valid():
    maps = load_maps()
    assert maps["relations"]["Work_For"] == "AFFILIATION"
    assert maps["cameo_roots"]["18"] == "ASSAULT"


def test_bad_maps_are_reported(tmp_path):
    path = tmp_path / "maps.json"
    path.write_text(json.dumps({"entity_labels": {"PER": "PEOPLE"}, "cameo_roots": {"01": "TALK"}}))
    with pytest.raises(GeoextractError, match="2 error"):
        load_maps(path)


def test_own_gold_files_are_valid():
    for path in sorted((ROOT / "tests" / "data" / "gold").glob("*.jsonl")):
        if path.name.endswith("_actors.jsonl"):
            continue
        docs = read_gold(path)
        assert docs, path


def test_predictions_the_gold_scheme_cannot_express_are_set_aside():
    text = "U.S. Ambassador Vernon Walters of Acme spoke."
    gold = [{"id": "d", "text": text, "entities": [[0, 4, "Loc"], [16, 30, "Peop"], [34, 38, "Org"]],
             "relations": [{"head": "Vernon Walters", "relation": "Work_For", "tail": "Acme",
                            "head_span": [16, 30], "tail_span": [34, 38]}]}]
    found = [relation("Vernon Walters", "AFFILIATION", "United States", (16, 30), (0, 4)),  # a Loc: not Work_For
             relation("Vernon Walters", "AFFILIATION", "Acme", (16, 30), (34, 38))]
    result = evaluate(gold, Predicted(**{text: doc_with(found)}))
    assert result.relations["AFFILIATION"] == Counts(tp=1)
    assert result.outside_scheme == 1
