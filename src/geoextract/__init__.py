"""geoextract: who did what to whom in geopolitical news, as typed tables and an actor graph.

    >>> import geoextract
    >>> summary = geoextract.extract(["articles/"], "outputs")     # doctest: +SKIP
    >>> relations = geoextract.load_relations("outputs/relations.csv")  # doctest: +SKIP
"""

from .errors import GeoextractError
from .records import Document, Mention, Quantity, Relation, RelationType
from .table import load_relations

__version__ = "0.1.0"

__all__ = ["Document", "GeoextractError", "Mention", "Quantity", "Relation", "RelationType", "extract",
           "load_pipeline", "load_relations", "build_graph", "__version__"]


def extract(*args, **kwargs):
    """Run the pipeline over documents and write the outputs (see `geoextract.extraction.extract`)."""
    from .extraction import extract as run

    return run(*args, **kwargs)


def load_pipeline(*args, **kwargs):
    """The spaCy pipeline with geoextract's components (see `geoextract.pipeline.load_pipeline`)."""
    from .pipeline import load_pipeline as load

    return load(*args, **kwargs)


def build_graph(*args, **kwargs):
    """The actor graph from a relation table (see `geoextract.graph.build_graph`)."""
    from .graph import build_graph as build

    return build(*args, **kwargs)
