"""geoextract train: the CNN names model and the transformer model, end to end on our sentences.

The CNN model starts from the small model's NER encoder (`model` tests). The transformer
model's encoder is a 1-layer BERT with a WordPiece vocabulary of the words below, written to a temp
folder (no download); the sentences are ours. Tests marked `trf` need the trf extra (torch,
spacy-transformers) and skip without it; the label joiner and the error paths need neither.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, Span
from typer.testing import CliRunner

from geoextract.cli import app
from geoextract.errors import GeoextractError
from geoextract.transformer import CONLL_LABELS, KEEP, REFINE, EntityLabels, encoder_path, stash_entities

SENTENCES = [
    ("Angela Merkel met Vladimir Putin in Moscow on Tuesday .", [("Angela Merkel", "PER"), ("Vladimir Putin", "PER"), ("Moscow", "LOC")]),
    ("The European Union imposed new sanctions on Iran .", [("European Union", "ORG"), ("Iran", "LOC")]),
    ("French officials said Paris would host the talks .", [("French", "MISC"), ("Paris", "LOC")]),
    ("Reuters reported that NATO warned Russia on Monday .", [("Reuters", "ORG"), ("NATO", "ORG"), ("Russia", "LOC")]),
    ("Emmanuel Macron visited Berlin and met Olaf Scholz .", [("Emmanuel Macron", "PER"), ("Berlin", "LOC"), ("Olaf Scholz", "PER")]),
    ("The United Nations said Syria and Turkey held talks .", [("United Nations", "ORG"), ("Syria", "LOC"), ("Turkey", "LOC")]),
    ("German and Italian ministers met in Brussels .", [("German", "MISC"), ("Italian", "MISC"), ("Brussels", "LOC")]),
    ("Xi Jinping warned Japan over the islands .", [("Xi Jinping", "PER"), ("Japan", "LOC")]),
]


def _docs() -> list[dict]:
    docs = []
    for i, (text, ents) in enumerate(SENTENCES):
        docs.append({"id": f"s{i}", "text": text, "entities": [[text.index(t), text.index(t) + len(t), label] for t, label in ents]})
    return docs


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny uncased BERT (vocab of our sentences' words and characters) and the training file."""
    pytest.importorskip("torch")
    pytest.importorskip("spacy_transformers")
    import torch
    from transformers import BertConfig, BertModel

    root = tmp_path_factory.mktemp("trf")
    encoder = root / "encoder"
    encoder.mkdir()
    words = sorted({w.lower() for text, _ in SENTENCES for w in text.split()})
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789.,'\"-()$%")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + [c for c in chars if c not in words] + ["##" + c for c in chars]
    (encoder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (encoder / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "tokenizer_class": "BertTokenizer",
                                                              "model_max_length": 512}), encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512)
    BertModel(config).save_pretrained(encoder)
    data = _write_jsonl(root / "docs.jsonl", _docs())
    return {"root": root, "encoder": encoder, "data": data}


@pytest.mark.trf
@pytest.mark.model
def test_frozen_cased_model_trains_saves_small_and_reloads_with_the_same_predictions(tiny):
    from geoextract.pipeline import load_pipeline
    from geoextract.training import Settings, _examples, read_docs, score, train

    out = tiny["root"] / "frozen"
    lines: list[str] = []
    result = train(out, tiny["data"], tiny["data"], Settings(arch="trf", encoder=str(tiny["encoder"]), epochs=30, patience=30, threads=1),
                   log=lines.append)
    # our eight sentences are learnt (train = dev here: this checks the workflow, not accuracy)
    assert result.scores["ALL"]["f"] >= 0.8, lines
    assert set(result.scores) >= {"ALL", "PER", "LOC", "ORG", "MISC"}
    assert (out / "training.json").exists() and (out / "conll_ner" / "model").exists()
    # frozen: the encoder is not copied, its folder is named in the config
    assert sorted(p.name for p in (out / "transformer").iterdir()) == ["cfg"]
    assert str(tiny["encoder"]) in (out / "config.cfg").read_text()
    meta = json.loads((out / "meta.json").read_text())
    assert meta["performance"]["conll_dev_ALL_f"] == result.scores["ALL"]["f"]

    nlp = load_pipeline(str(out))
    names = nlp.pipe_names
    assert names.index("ner") < names.index("geoextract_stash_entities") < names.index("transformer") \
        < names.index("conll_ner") < names.index("geoextract_ner_labels") < names.index("geoextract_actors")
    # the reloaded CoNLL NER predicts what the trained one scored
    examples = _examples(nlp, read_docs(tiny["data"]))
    docs = nlp.get_pipe("transformer").pipe(nlp.make_doc(eg.predicted.text) for eg in examples)
    reloaded = score(nlp.get_pipe("conll_ner").pipe(docs), examples)
    assert reloaded["ALL"] == result.scores["ALL"]
    # and the whole pipeline gives OntoNotes labels: names from the transformer, dates from the small model
    doc = nlp("Angela Merkel met Vladimir Putin in Moscow on Tuesday .")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Angela Merkel") == "PERSON" and labels.get("Moscow") in ("GPE", "LOC")
    assert set(labels.values()) <= {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "MISC", "EVENT", "LAW", "PRODUCT",
                                    "WORK_OF_ART", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}


@pytest.mark.trf
@pytest.mark.model
def test_extract_runs_the_whole_pipeline_with_the_trained_model(tiny, tmp_path):
    from geoextract.training import Settings, train

    model = tiny["root"] / "for-extract"
    train(model, tiny["data"], tiny["data"], Settings(arch="trf", encoder=str(tiny["encoder"]), epochs=2, threads=1), log=lambda _: None)
    inputs = _write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "Angela Merkel met Vladimir Putin in Moscow on Tuesday. "
                                                                          "The European Union imposed sanctions on Iran."}])
    result = CliRunner().invoke(app, ["extract", str(inputs), "--model", str(model), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert "conll_ner" in run["settings"]["pipeline"] and run["counts"]["documents"] == 1
    assert (tmp_path / "out" / "mentions.csv").read_text().count("\n") > 1


@pytest.mark.trf
@pytest.mark.model
def test_fine_tuned_uncased_model_holds_its_encoder_and_reloads(tiny):
    from geoextract.pipeline import load_pipeline
    from geoextract.training import Settings, train

    out = tiny["root"] / "fine-tuned"
    result = train(out, tiny["data"], tiny["data"], Settings(arch="trf", encoder=str(tiny["encoder"]), fine_tune=True, cased=False, depth=0,
                                                             epochs=2, threads=1), log=lambda _: None)
    assert result.seconds["encode"] == 0.0 and len(result.epochs) == 2
    assert (out / "transformer" / "model").stat().st_size > 50_000  # the (tiny) encoder's weights are saved
    assert "CasedTransformerTok2Vec" not in (out / "config.cfg").read_text()
    nlp = load_pipeline(str(out))
    doc = nlp("Emmanuel Macron visited Berlin on Monday .")
    assert doc._.trf_data is not None and len(doc) == 7


@pytest.fixture(scope="module")
def docs_file(tmp_path_factory) -> Path:
    return _write_jsonl(tmp_path_factory.mktemp("cnn") / "docs.jsonl", _docs())


@pytest.mark.model
def test_cnn_model_starts_from_the_small_ner_trains_and_reloads_with_the_same_predictions(docs_file, tmp_path):
    from geoextract.pipeline import load_pipeline
    from geoextract.training import Settings, _examples, build_pipeline, read_docs, score, train

    # the CoNLL NER's encoder starts as a copy of the small model's NER encoder
    nlp = build_pipeline(Settings())
    examples = _examples(nlp, read_docs(docs_file))
    nlp.get_pipe("conll_ner").initialize(lambda: examples, nlp=nlp)
    from geoextract.training import _transfer

    assert _transfer(nlp, log=lambda _: None)
    assert nlp.get_pipe("conll_ner").model.get_ref("tok2vec").to_bytes() == nlp.get_pipe("ner").model.get_ref("tok2vec").to_bytes()

    out = tmp_path / "cnn"
    lines: list[str] = []
    result = train(out, docs_file, docs_file, Settings(epochs=12, patience=12), log=lines.append)
    assert "convolutional encoder (from the base NER)" in lines[0]
    # our eight sentences are learnt (train = dev here: this checks the workflow, not accuracy)
    assert result.scores["ALL"]["f"] >= 0.8, lines
    meta = json.loads((out / "meta.json").read_text())
    assert meta["name"] == "geoextract_cnn" and meta["performance"]["conll_dev_ALL_f"] == result.scores["ALL"]["f"]
    assert not any(r.startswith("spacy-transformers") for r in meta["requirements"])
    assert not (out / "transformer").exists()

    nlp = load_pipeline(str(out))
    names = nlp.pipe_names
    assert names.index("ner") < names.index("geoextract_stash_entities") < names.index("conll_ner") \
        < names.index("geoextract_ner_labels") < names.index("geoextract_actors")
    reloaded = score(nlp.get_pipe("conll_ner").pipe(nlp.make_doc(eg.predicted.text) for eg in examples), examples)
    assert reloaded["ALL"] == result.scores["ALL"]
    doc = nlp("Xi Jinping warned Japan over the islands on Tuesday .")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("Xi Jinping") == "PERSON" and labels.get("Japan") == "GPE" and labels.get("Tuesday") == "DATE"

    inputs = _write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "Xi Jinping warned Japan over the islands on Tuesday. "
                                                                          "The European Union imposed new sanctions on Iran."}])
    result = CliRunner().invoke(app, ["extract", str(inputs), "--model", str(out), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert "conll_ner" in run["settings"]["pipeline"] and run["counts"]["relations"] >= 1


def test_unknown_architecture_is_a_one_line_error(tmp_path, docs_file):
    result = CliRunner().invoke(app, ["train", str(tmp_path / "m"), "--arch", "rnn", "--train", str(docs_file),
                                      "--dev", str(docs_file)])
    assert result.exit_code == 2
    assert result.output.strip() == "error: E054 unknown model architecture 'rnn' (choose one of: cnn, trf)"
    assert not (tmp_path / "m").exists()


def test_train_without_data_is_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["train", str(tmp_path / "m"), "--train", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: E050 training data not found") and "\n" not in result.output.strip()
    assert "Traceback" not in result.output


def test_unknown_encoder_is_a_coded_error():
    with pytest.raises(GeoextractError) as error:
        encoder_path("no_such_encoder_package")
    assert error.value.code == "E052"


def _doc_with(words: list[str], ents: list[tuple[int, int, str]], base: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.spans["base_ents"] = [Span(doc, s, e, label=label) for s, e, label in base]
    doc.set_ents([Span(doc, s, e, label=label) for s, e, label in ents])
    return doc


def test_labels_joined_from_the_conll_ner_and_the_small_model():
    words = "Putin met German envoys in Moscow near the Volga on 3 May , said Reuters , citing 12 sources".split()
    doc = _doc_with(words,
                    ents=[(0, 1, "PER"), (2, 3, "MISC"), (5, 6, "LOC"), (8, 9, "LOC"), (14, 15, "ORG")],
                    base=[(0, 1, "ORG"), (2, 3, "NORP"), (5, 6, "GPE"), (8, 9, "LOC"), (10, 12, "DATE"),
                          (14, 15, "PERSON"), (17, 18, "CARDINAL"), (3, 4, "CARDINAL")])
    joiner = EntityLabels("base_ents", {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"},
                          {"LOC": ["GPE", "LOC", "FAC"], "MISC": ["NORP"]}, ["DATE", "CARDINAL"])
    got = [(e.text, e.label_) for e in joiner(doc).ents]
    assert got == [("Putin", "PERSON"), ("German", "NORP"), ("envoys", "CARDINAL"), ("Moscow", "GPE"), ("Volga", "LOC"),
                   ("3 May", "DATE"), ("Reuters", "ORG"), ("12", "CARDINAL")]
    # a MISC name the small model has no label for stays MISC (no actor is made of it); LOC defaults to GPE
    doc = _doc_with(["Euro", "2024", "in", "Lyon"], ents=[(0, 1, "MISC"), (3, 4, "LOC")], base=[(1, 2, "DATE")])
    assert [(e.text, e.label_) for e in joiner(doc).ents] == [("Euro", "MISC"), ("2024", "DATE"), ("Lyon", "GPE")]
    # a currency sign the CoNLL NER calls MISC gives way to the small model's whole amount
    doc = _doc_with(["trade", "reached", "A$", "312", "billion", "in", "Perth"], ents=[(2, 3, "MISC"), (6, 7, "LOC")],
                    base=[(2, 5, "MONEY"), (6, 7, "GPE")])
    joiner = EntityLabels("base_ents", CONLL_LABELS, REFINE, KEEP)
    assert [(e.text, e.label_) for e in joiner(doc).ents] == [("A$ 312 billion", "MONEY"), ("Perth", "GPE")]


def test_stash_leaves_the_entities_unset_for_the_next_ner():
    doc = _doc_with(["Putin", "in", "Moscow"], ents=[(0, 1, "PERSON"), (2, 3, "GPE")], base=[])
    doc = stash_entities(doc)
    assert [(e.text, e.label_) for e in doc.spans["base_ents"]] == [("Putin", "PERSON"), ("Moscow", "GPE")]
    assert doc.ents == () and all(t.ent_iob == 0 for t in doc)  # missing, not "outside": the NER may tag them
