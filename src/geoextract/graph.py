"""The actor graph: one node per canonical actor, one edge per (source, relation, target).

Built with pandas group-bys from the same relation table the CSV holds, then written as
GraphML with scalar attributes only and named keys (`label`, `weight`), which Gephi reads as
the node label and the edge weight. `read_graph` gives back the same MultiDiGraph.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pandas as pd
from networkx.readwrite.graphml import GraphMLWriter

from .errors import Errors, GeoextractError
from .records import RelationType


def build_graph(relations: pd.DataFrame, actors: pd.DataFrame | None = None, *, min_weight: int = 1,
                relation_types: Iterable[str] | None = None, min_confidence: float = 0.0) -> nx.MultiDiGraph:
    """Aggregate relation rows into an actor graph.

    Args:
        relations: a relation table (`table.load_relations`).
        actors: the actors table, for node counts; nodes get relation counts without it.
        min_weight: drop edges supported by fewer rows.
        relation_types: keep only these relation types.
        min_confidence: ignore rows below this confidence.
    """
    frame = relations
    if relation_types:
        wanted = [t.upper() for t in relation_types]
        unknown = sorted(set(wanted) - set(RelationType.__members__))
        if unknown:
            raise GeoextractError(Errors.E012, values=", ".join(unknown), choices=", ".join(RelationType.__members__))
        frame = frame[frame["relation"].astype(str).isin(wanted)]
    if min_confidence > 0:
        frame = frame[frame["confidence"] >= min_confidence]
    graph = nx.MultiDiGraph()
    if frame.empty:
        return graph
    frame = frame.assign(relation=frame["relation"].astype(str))
    keys = ["source_id", "relation", "target_id"]
    edges = frame.groupby(keys, sort=True, observed=True).agg(
        source=("source", "first"), target=("target", "first"),
        weight=("doc_id", "size"), documents=("doc_id", "nunique"),
        confidence=("confidence", "mean"),
    ).reset_index()
    actions = (frame.groupby(keys + ["action"], sort=True, observed=True).size()
               .reset_index(name="n").sort_values(keys + ["n", "action"], ascending=[True] * 3 + [False, True])
               .drop_duplicates(keys))
    edges = edges.merge(actions[keys + ["action"]], on=keys, how="left")
    edges = edges[edges["weight"] >= min_weight]

    ends = pd.concat([
        frame[["source_id", "source", "source_type"]].set_axis(["actor_id", "name", "type"], axis=1),
        frame[["target_id", "target", "target_type"]].set_axis(["actor_id", "name", "type"], axis=1),
    ])
    nodes = ends.drop_duplicates("actor_id").set_index("actor_id")
    used = set(edges["source_id"]) | set(edges["target_id"])
    counts = actors.set_index("actor_id") if actors is not None and not actors.empty else None
    for actor_id in sorted(used):
        row = nodes.loc[actor_id]
        attrs = {"label": str(row["name"]), "type": str(row["type"])}
        if counts is not None and actor_id in counts.index:
            attrs["mentions"] = int(counts.at[actor_id, "mentions"])
            attrs["documents"] = int(counts.at[actor_id, "documents"])
        graph.add_node(actor_id, **attrs)
    for edge in edges.itertuples(index=False):
        graph.add_edge(
            edge.source_id, edge.target_id, key=edge.relation,
            relation=edge.relation, weight=int(edge.weight), documents=int(edge.documents),
            confidence=round(float(edge.confidence), 3),
            action=str(edge.action) if isinstance(edge.action, str) else "",
            label=f"{edge.relation.lower()}: {edge.action}" if isinstance(edge.action, str) and edge.action else edge.relation.lower(),
        )
    return graph


class _NamedKeyWriter(GraphMLWriter):
    """GraphML keys named after their attribute ("label", "weight"), not d0, d1, ...

    Gephi maps keys named `label` and `weight` to its node label and edge weight, and
    `edgelabel` to the edge label. Key ids stay unique: an edge attribute whose name a node
    attribute already uses gets an `edge_` id (`edgelabel` for the label); the attribute
    name, which networkx reads back, is unchanged.
    """

    def get_key(self, name, attr_type, scope, default):
        keys_key = (name, attr_type, scope)
        if keys_key in self.keys:
            return self.keys[keys_key]
        new_id = name
        if scope == "edge" and any(k[0] == name and k[2] != "edge" for k in self.keys):
            new_id = "edgelabel" if name == "label" else f"edge_{name}"
        self.keys[keys_key] = new_id
        key_kwargs = {"id": new_id, "for": scope, "attr.name": name, "attr.type": attr_type}
        key_element = self.myElement("key", **key_kwargs)
        if default is not None:
            default_element = self.myElement("default")
            default_element.text = str(default)
            key_element.append(default_element)
        self.xml.insert(0, key_element)
        return new_id


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write GraphML atomically (temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    writer = _NamedKeyWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    writer.dump(str(tmp))
    os.replace(tmp, path)
    return path


def read_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read a GraphML file written by `write_graphml` back into a MultiDiGraph."""
    graph = nx.read_graphml(path, force_multigraph=True)
    for key in ("node_default", "edge_default"):  # the reader adds these, empty, to every graph
        if not graph.graph.get(key):
            graph.graph.pop(key, None)
    return graph
