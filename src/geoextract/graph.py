"""The actor graph: one node per canonical actor, one edge per (source, relation, target).

Built with pandas group-bys from the same relation table the CSV holds, then written as
GraphML with scalar attributes only and named keys (`label`, `weight`), which Gephi reads as
the node label and the edge weight, or as GEXF with a timeline (`write_gexf`). `read_graph`
gives back the same MultiDiGraph. `graph_frames` gives the same graph as a node table and an
edge table, which both writers also take and stream with the same bytes, without the
networkx graph's per-node and per-edge dicts in memory (what `extract` writes).

Both writers make text XML 1.0 can hold: control characters other than tab and newline are
removed (W011) and a carriage return becomes a newline, as an XML reader would make it anyway.
"""

from __future__ import annotations

import itertools
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, tostring

import networkx as nx
import numpy as np
import pandas as pd
from networkx.readwrite.gexf import GEXFReader, GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

from .errors import Errors, GeoextractError, Warnings
from .records import RelationType
from .stories import distinct, iso_dates, parse_dates

NODE_ATTRIBUTES = ("country", "sector", "wikidata", "roles")  # taken from the actors table when it has them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def build_graph(relations: pd.DataFrame, actors: pd.DataFrame | None = None, *, min_weight: int = 1,
                relation_types: Iterable[str] | None = None, min_confidence: float = 0.0,
                stories: pd.DataFrame | None = None, isolated: bool = False) -> nx.MultiDiGraph:
    """Aggregate relation rows into an actor graph.

    Edges carry relation, weight (rows), documents, independent_sources (distinct stories
    among those documents), confidence (mean), action (the most frequent), label and, when
    their documents are dated, first_date and last_date (ISO dates). Nodes carry label, type,
    first_date, the actors table's mentions and documents, and its country, sector, wikidata
    and roles where present.

    Args:
        relations: a relation table (`table.load_relations`).
        actors: the actors table, for node counts and attributes.
        min_weight: drop edges supported by fewer rows.
        relation_types: keep only these relation types.
        min_confidence: ignore rows below this confidence.
        stories: `stories.group_stories` output; without it every document is its own story.
        isolated: also make a node of every actor of `actors` that no kept edge touches (an
            actor only mentioned, such as a leader talked about but never acting), dated by
            the actors table's first_date; a run's graph.graphml has them all.
    """
    return graph_frames(relations, actors, min_weight=min_weight, relation_types=relation_types,
                        min_confidence=min_confidence, stories=stories, isolated=isolated).to_networkx()


@dataclass
class GraphFrames:
    """The actor graph as two tables, which the writers stream without building a networkx
    graph (for a large run, the graph's per-node and per-edge dicts were the end's memory peak).

    `nodes` is indexed by actor_id, in the graph's node order (actors with edges sorted by id,
    then the isolated ones in the actors table's order), with label, type, first_date and the
    actors table's columns; `edges` has source_id, target_id, relation and the edge columns,
    sorted by source, relation and target. `to_networkx()` gives what `build_graph` returns.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    _unsafe: bool | None = field(default=None, init=False, repr=False, compare=False)  # both writers ask

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self.edges)

    def to_networkx(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(zip(self.nodes.index.tolist(), _node_attributes(self.nodes)))
        graph.add_edges_from(zip(*_ends(self.edges), _edge_attributes(self.edges)))
        return graph

    def edge_order(self) -> np.ndarray:
        """The row order in which a MultiDiGraph built by `to_networkx` yields its edges: by
        source node, then by target in the order its first edge was added, then by key."""
        if self.edges.empty:
            return np.arange(0)
        source = self.nodes.index.get_indexer(self.edges["source_id"])
        pair = self.edges.groupby(["source_id", "target_id"], sort=False).ngroup().to_numpy()  # first-seen order
        return np.lexsort((np.arange(len(self.edges)), pair, source))

    def needs_cleaning(self) -> bool:
        """Whether any id or text holds what XML 1.0 cannot, or a carriage return (`_xml_safe`)."""
        if self._unsafe is None:
            texts: list[Any] = self.nodes.index.tolist()
            for frame, names in ((self.nodes, [c for c in self.nodes.columns if c not in _NUMBERS]),
                                 (self.edges, ["relation", "action"])):
                for name in names:
                    texts.extend(map(_joined, frame[name].to_numpy(dtype=object)))
            self._unsafe = _unsafe_text(texts)
        return self._unsafe


_NUMBERS = {"first_date", "mentions", "documents"}


def _joined(value: Any) -> Any:
    """A list-valued attribute (roles read from JSON) as text, "; "-joined as CSV gives it."""
    return "; ".join(map(str, value)) if isinstance(value, (list, tuple, np.ndarray)) else value


def _ends(edges: pd.DataFrame) -> list[list[Any]]:
    """The edges' source ids, target ids and keys (their relations), as lists."""
    return [edges[name].to_numpy(dtype=object).tolist() for name in ("source_id", "target_id", "relation")]


def graph_frames(relations: pd.DataFrame, actors: pd.DataFrame | None = None, *, min_weight: int = 1,
                 relation_types: Iterable[str] | None = None, min_confidence: float = 0.0,
                 stories: pd.DataFrame | None = None, isolated: bool = False) -> GraphFrames:
    """`build_graph`'s nodes and edges as tables (`GraphFrames`); the same arguments."""
    frame = relations
    if relation_types:
        wanted = [t.upper() for t in relation_types]
        unknown = sorted(set(wanted) - set(RelationType.__members__))
        if unknown:
            raise GeoextractError(Errors.E012, values=", ".join(unknown), choices=", ".join(RelationType.__members__))
        frame = frame[frame["relation"].astype(str).isin(wanted)]
    if min_confidence > 0:
        frame = frame[frame["confidence"] >= min_confidence]
    if frame.empty:
        nodes = pd.DataFrame({"label": [], "type": [], "first_date": pd.Series([], dtype="datetime64[ns]")},
                             index=pd.Index([], name="actor_id", dtype=object))
        return GraphFrames(_with_isolated(nodes, actors) if isolated else nodes,
                           pd.DataFrame({name: [] for name in EDGE_COLUMNS}))
    # Group on integer codes (sorted like the ids), never on the strings themselves.
    doc, docs = pd.factorize(frame["doc_id"].astype(str))
    firsts = np.flatnonzero(doc > np.maximum.accumulate(np.r_[-1, doc[:-1]]))  # each document's first row
    doc_dates = parse_dates(frame["doc_date"].iloc[firsts]) if "doc_date" in frame else pd.Series(pd.NaT, index=range(len(docs)))
    story = np.arange(len(docs))
    if stories is not None:
        story_ids = pd.Series(docs).map(stories.drop_duplicates("doc_id").set_index("doc_id")["story_id"].astype(str))
        story = pd.factorize(story_ids.fillna(pd.Series(docs)))[0]
    actor, actor_ids = pd.factorize(pd.concat([frame["source_id"], frame["target_id"]], ignore_index=True), sort=True)
    relation, relation_names = pd.factorize(frame["relation"].astype(str), sort=True)
    action, action_names = pd.factorize(frame["action"].astype("string").fillna(""), sort=True)
    n = len(frame)
    rows = pd.DataFrame({"source": actor[:n], "relation": relation, "target": actor[n:], "action": action,
                         "doc": doc, "story": story[doc], "date": doc_dates.dt.tz_localize(None).to_numpy()[doc],
                         "confidence": frame["confidence"].to_numpy(dtype=float)})
    keys = ["source", "relation", "target"]
    edges = rows.groupby(keys, sort=True).agg(
        weight=("doc", "size"), documents=("doc", "nunique"), independent_sources=("story", "nunique"),
        confidence=("confidence", "mean"), first_date=("date", "min"), last_date=("date", "max"))
    action_names = np.append(np.asarray(action_names, dtype=object), "")  # code -1, an edge without one: ""
    named = rows[action_names[action] != ""]
    counts = named.groupby([*keys, "action"], sort=True).size().rename("n").reset_index()
    # the most frequent action of each edge; on a tie, the first alphabetically
    counts = counts.sort_values([*keys, "n", "action"], ascending=[True, True, True, False, True]).drop_duplicates(keys)
    edges = edges.join(counts.set_index(keys)["action"]).reset_index()
    edges = edges[edges["weight"] >= min_weight]
    edges = edges.assign(source_id=np.asarray(actor_ids, dtype=object)[edges["source"]],
                         target_id=np.asarray(actor_ids, dtype=object)[edges["target"]],
                         relation=np.asarray(relation_names, dtype=object)[edges["relation"]],
                         action=action_names[edges["action"].fillna(-1).astype(int)])

    used = distinct(np.concatenate([edges["source"].to_numpy(), edges["target"].to_numpy()]))
    ends = pd.DataFrame({"actor": actor, "row": np.arange(2 * n), "date": np.tile(rows["date"].to_numpy(), 2)})
    ends = ends[np.isin(actor, used)].groupby("actor", sort=True).agg(row=("row", "first"), first_date=("date", "min"))
    names = pd.concat([frame["source"], frame["target"]], ignore_index=True).iloc[ends["row"]]
    types = pd.concat([frame["source_type"], frame["target_type"]], ignore_index=True).iloc[ends["row"]]
    nodes = pd.DataFrame({"label": names.to_numpy(dtype=object), "type": types.to_numpy(dtype=object),
                          "first_date": ends["first_date"].to_numpy()},
                         index=pd.Index(np.asarray(actor_ids, dtype=object)[ends.index], name="actor_id"))
    if actors is not None and not actors.empty:
        extra = [c for c in ("mentions", "documents", *NODE_ATTRIBUTES) if c in actors.columns]
        nodes = nodes.join(actors.drop_duplicates("actor_id").set_index("actor_id")[extra])
    if isolated:
        nodes = _with_isolated(nodes, actors)
    return GraphFrames(nodes, edges[EDGE_COLUMNS].reset_index(drop=True))


EDGE_COLUMNS = ["source_id", "target_id", "relation", "weight", "documents", "independent_sources", "confidence",
                "action", "first_date", "last_date"]


def _with_isolated(nodes: pd.DataFrame, actors: pd.DataFrame | None) -> pd.DataFrame:
    """`nodes` and, after them, the actors of the actors table it lacks, in the table's order."""
    if actors is None or actors.empty or not {"actor_id", "name", "type"} <= set(actors.columns):
        return nodes
    rest = actors.drop_duplicates("actor_id")
    rest = rest[~rest["actor_id"].astype(str).isin(set(nodes.index))]
    if rest.empty:
        return nodes
    more = pd.DataFrame({"label": rest["name"].to_numpy(dtype=object), "type": rest["type"].to_numpy(dtype=object),
                         "first_date": (parse_dates(rest["first_date"]) if "first_date" in rest
                                        else pd.Series(pd.NaT, index=rest.index)).dt.tz_localize(None).to_numpy()},
                        index=pd.Index(rest["actor_id"].astype(str).to_numpy(dtype=object), name="actor_id"))
    extra = [c for c in ("mentions", "documents", *NODE_ATTRIBUTES) if c in rest.columns]
    more = more.join(rest.set_index(rest["actor_id"].astype(str))[extra])
    if nodes.empty:
        return more
    return pd.concat([nodes, more])


def _node_attributes(nodes: pd.DataFrame) -> list[dict[str, object]]:
    """One attribute dict per node: scalars only, nothing missing."""
    columns = {"label": nodes["label"].astype(str), "type": nodes["type"].astype(str),
               "first_date": iso_dates(nodes["first_date"])}
    for name in ("mentions", "documents"):
        if name in nodes:
            columns[name] = pd.to_numeric(nodes[name], errors="coerce").astype("Int64")
    for name in NODE_ATTRIBUTES:
        if name in nodes:  # roles read from JSON are lists; CSV gives "; "-joined text
            values = nodes[name].map(_joined)
            columns[name] = values.astype("string").replace("", pd.NA)
    return _records(columns)


def _edge_attributes(edges: pd.DataFrame) -> list[dict[str, object]]:
    """One attribute dict per edge: scalars only, nothing missing."""
    relation = edges["relation"].astype(str)
    action = edges["action"].fillna("").astype(str)
    columns = {
        "relation": relation, "weight": edges["weight"].astype(int), "documents": edges["documents"].astype(int),
        "independent_sources": edges["independent_sources"].astype(int), "confidence": edges["confidence"].round(3),
        "action": action, "label": relation.str.lower().where(action == "", relation.str.lower() + ": " + action),
        "first_date": iso_dates(edges["first_date"]), "last_date": iso_dates(edges["last_date"]),
    }
    return _records(columns)


def _records(columns: dict[str, pd.Series]) -> list[dict[str, object]]:
    """Row dicts of Python scalars from columns, leaving out missing values (GraphML cannot hold None)."""
    names = list(columns)
    values = [column.to_numpy(dtype=object, na_value=None).tolist() for column in columns.values()]
    return [{name: value for name, value in zip(names, row) if value is not None} for row in zip(*values)]


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


class _StreamingWriter(_NamedKeyWriter):
    """Writes the same bytes as `_NamedKeyWriter.dump`, one node or edge at a time.

    networkx's writer builds an element for every node, edge and value before writing any of
    it; for a large run's graph (30,000 actors) that tree is the run's memory peak. Here a
    first pass over the graph creates the keys in the order networkx creates them (graph, then
    node, then edge attributes, by first appearance), and the second serialises each node and
    edge with networkx's own element builders and indentation, then lets it go.
    """

    def stream(self, graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
        graph_data = {k: v for k, v in graph.graph.items() if k not in ("node_default", "edge_default")}
        node_default = graph.graph.get("node_default", {})
        edge_default = graph.graph.get("edge_default", {})
        for scope, items, default in (("graph", [graph_data], {}),
                                      ("node", (d for _, d in graph.nodes(data=True)), node_default),
                                      ("edge", (d for _, _, d in graph.edges(data=True)), edge_default)):
            for data in items:
                for k, v in data.items():
                    if type(v) not in self.xml_type:
                        raise nx.NetworkXError(f"GraphML writer does not support {type(v)} as data values.")
                    self.get_key(str(k), self.get_xml_type(type(v)), scope, default.get(k))

        def element(tag: str, attrs: dict[str, str], data: dict, scope: str, default: dict) -> Element:
            el = self.myElement(tag, **attrs)
            for k, v in data.items():
                el.append(self.add_data(str(k), type(v), str(v), scope, default.get(k)))
            return el

        def children() -> Iterable[Element]:
            for node, data in graph.nodes(data=True):
                yield element("node", {"id": str(node)}, data, "node", node_default)
            for u, v, key, data in graph.edges(keys=True, data=True):
                yield element("edge", {"source": str(u), "target": str(v), "id": str(key)}, data, "edge", edge_default)
            for k, v in graph_data.items():
                yield self.add_data(str(k), type(v), str(v), "graph", None)

        write = _writer(handle, self.encoding)
        _write_head(write, self.xml, self.encoding)
        for key in self.xml:  # the keys, in the order get_key inserted them
            self.indent(key, 1)
            write(tostring(key, encoding="unicode"))
        attrs = {"edgedefault": "directed" if graph.is_directed() else "undirected"}
        if graph.graph.get("id") is not None:
            attrs["id"] = graph.graph["id"]
        _write_streamed(write, self.myElement("graph", **attrs), children(), 2, self.indent, "\n")
        write("</graphml>\n")


class _FrameView:
    """What the streaming writers read of a MultiDiGraph, over `GraphFrames`: its nodes and
    edges in networkx's order, each attribute dict made when the writer reaches it, a few
    thousand at a time, and let go. `timeline` names the dates as `write_gexf` does (start,
    end). No node of a geoextract graph has an `id` attribute, so `nodes[node]` (which
    networkx's GEXF writer asks for each edge's ends) is empty."""

    CHUNK = 2000

    def __init__(self, frames: GraphFrames, timeline: bool = False) -> None:
        self.graph: dict = {}
        self._frames, self._timeline = frames, timeline
        self._order = frames.edge_order()
        self.nodes = _FrameNodes(self._node_items)

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def _node_items(self) -> Iterator[tuple[Any, dict]]:
        nodes = self._frames.nodes
        for start in range(0, len(nodes), self.CHUNK):
            chunk = nodes.iloc[start:start + self.CHUNK]
            for node, data in zip(chunk.index.tolist(), _node_attributes(chunk)):
                if self._timeline and "first_date" in data:
                    data["start"] = data.pop("first_date")
                yield node, data

    def edges(self, data: bool = False, keys: bool = False) -> Iterator[tuple]:
        edges = self._frames.edges
        for start in range(0, len(self._order), self.CHUNK):
            chunk = edges.iloc[self._order[start:start + self.CHUNK]]
            for u, v, key, attrs in zip(*_ends(chunk), _edge_attributes(chunk)):
                if self._timeline and "first_date" in attrs:
                    attrs["start"], attrs["end"] = attrs.pop("first_date"), attrs.pop("last_date")
                yield (u, v) + ((key,) if keys else ()) + ((attrs,) if data else ())


class _FrameNodes:
    """`graph.nodes(data=True)` and `graph.nodes[node]` of a `_FrameView`."""

    _NO_ATTRIBUTES: dict = {}

    def __init__(self, items: Callable[[], Iterator[tuple[Any, dict]]]) -> None:
        self._items = items

    def __call__(self, data: bool = False) -> Iterator:
        return self._items() if data else (node for node, _ in self._items())

    def __getitem__(self, node: Any) -> dict:
        return self._NO_ATTRIBUTES


def _writer(handle: BinaryIO, encoding: str) -> Callable[[str], None]:
    """Text to the binary file, encoded as ElementTree encodes it."""
    return lambda text: handle.write(text.encode(encoding, "xmlcharrefreplace"))


def _write_head(write: Callable[[str], None], root: Element, encoding: str) -> None:
    """The XML declaration and the root's opening tag, as ElementTree writes them."""
    attrs = "".join(f' {name}="{value}"' for name, value in root.attrib.items())
    write(f"<?xml version='1.0' encoding='{encoding}'?>\n<{root.tag}{attrs}>\n  ")


def _write_streamed(write: Callable[[str], None], parent: Element, children: Iterable[Element], level: int,
                    indent: Callable[[Element, int], None], tail: str) -> None:
    """`parent` with `children` (at `level`), each serialised and let go as it comes, with the
    bytes networkx's `indent` and ElementTree give the whole tree; `tail` follows the parent."""
    opening = tostring(Element(parent.tag, parent.attrib), encoding="unicode")  # '<tag ... />'
    previous = None
    for child in children:
        write(opening[:-3] + ">\n" + "  " * level if previous is None else _serialised(previous))
        indent(child, level)
        previous = child
    if previous is None:
        write(opening + tail)
    else:
        previous.tail = "\n" + "  " * (level - 1)
        write(_serialised(previous) + f"</{parent.tag}>{tail}")


def _serialised(element: Element) -> str:
    """`tostring(element, encoding="unicode")` for a tree of plain tags (no namespace, comment
    or processing instruction), with ElementTree's own escaping: the same text without the
    namespace scan and writer set-up tostring spends on each of a graph's thousands of nodes."""
    parts: list[str] = []
    if not _plain_into(element, parts.append):
        return tostring(element, encoding="unicode")
    return "".join(parts)


def _plain_into(element: Element, write: Callable[[str], Any]) -> bool:
    tag = element.tag
    if not isinstance(tag, str) or tag.startswith("{"):
        return False
    write("<" + tag)
    for key, value in element.items():
        if not isinstance(key, str) or not isinstance(value, str) or key.startswith("{"):
            return False
        write(f' {key}="{ElementTree._escape_attrib(value)}"')  # type: ignore[attr-defined]
    if element.text or len(element):
        write(">")
        if element.text:
            write(ElementTree._escape_cdata(element.text))  # type: ignore[attr-defined]
        for child in element:
            if not _plain_into(child, write):
                return False
        write("</" + tag + ">")
    else:
        write(" />")
    if element.tail:
        write(ElementTree._escape_cdata(element.tail))  # type: ignore[attr-defined]
    return True


def write_graphml(graph: nx.MultiDiGraph | GraphFrames, path: str | Path) -> Path:
    """Write GraphML atomically (temporary file, then rename), streamed node by node.

    `graph` may be `GraphFrames` (`graph_frames`): the same bytes as from its `to_networkx()`,
    without that graph in memory.

    Raises:
        GeoextractError: E023 when the file cannot be written.
    """
    writer = _StreamingWriter(encoding="utf-8", prettyprint=True)
    if isinstance(graph, GraphFrames):
        if not graph.needs_cleaning():
            view = _FrameView(graph)
            return _replace(Path(path), lambda handle: writer.stream(view, handle))  # type: ignore[arg-type]
        graph = graph.to_networkx()  # rare (control characters in names): cleaned on a copy
    safe = _xml_safe(graph)
    return _replace(Path(path), lambda handle: writer.stream(safe, handle))


def write_gexf(graph: nx.MultiDiGraph | GraphFrames, path: str | Path, in_place: bool = False) -> Path:
    """Write GEXF 1.2 for Gephi with a timeline, atomically and byte-for-byte reproducibly.

    The graph is dynamic with date time format: an edge lives from the earliest to the latest
    date of the documents behind it (its first_date/last_date), a node from the first date it
    appears on. What rests only on undated documents gets no interval, which Gephi reads as
    present throughout the timeline (W010). No modification date is written.

    `in_place` renames the date attributes in `graph` itself instead of in a copy: no second
    graph in memory, but `graph` is changed (what `extract` does with a graph it is done with).

    `graph` may be `GraphFrames`, written as its `to_networkx()` would be, without building it.

    Raises:
        GeoextractError: E023 when the file cannot be written.
    """
    writer = _StreamingGEXFWriter(encoding="utf-8", prettyprint=True)
    if isinstance(graph, GraphFrames):
        if not graph.needs_cleaning():
            undated = int(graph.edges["first_date"].isna().sum())
            if undated:
                warnings.warn(Warnings.W010.format(count=undated), stacklevel=2)
            view = _FrameView(graph, timeline=True)
            return _replace(Path(path), lambda handle: writer.stream(view, handle))  # type: ignore[arg-type]
        graph, in_place = graph.to_networkx(), True
    safe = _xml_safe(graph)
    if in_place or safe is not graph:  # a copy already, or the caller's to change
        timeline = safe
    else:
        timeline = nx.MultiDiGraph()
        timeline.add_nodes_from((node, dict(data)) for node, data in safe.nodes(data=True))
        timeline.add_edges_from((u, v, k, dict(data)) for u, v, k, data in safe.edges(keys=True, data=True))
    for _, attrs in timeline.nodes(data=True):
        if "first_date" in attrs:
            attrs["start"] = attrs.pop("first_date")
    undated = 0
    for _, _, attrs in timeline.edges(data=True):
        if "first_date" in attrs:
            attrs["start"], attrs["end"] = attrs.pop("first_date"), attrs.pop("last_date")
        else:
            undated += 1
    if undated:
        warnings.warn(Warnings.W010.format(count=undated), stacklevel=2)
    return _replace(Path(path), lambda handle: writer.stream(timeline, handle))


class _Part:
    """Some of a graph's nodes or edges, shaped as GEXFWriter.add_nodes/add_edges read a graph
    (no graph attributes: the GEXF is written from the timeline, which has none)."""

    def __init__(self, graph: nx.MultiDiGraph, nodes: list | None = None, edges: list | None = None) -> None:
        self._graph, self._nodes, self._edges = graph, nodes or [], edges or []
        self.graph: dict = {}
        self.nodes = self._NodeView(graph, self._nodes)

    class _NodeView:
        def __init__(self, graph: nx.MultiDiGraph, items: list) -> None:
            self._graph, self._items = graph, items

        def __call__(self, data: bool = True) -> list:
            return self._items

        def __getitem__(self, node: Any) -> dict:
            return self._graph.nodes[node]

    def is_multigraph(self) -> bool:
        return True

    def edges(self, data: bool = True, keys: bool = True) -> list:
        return self._edges


class _StreamingGEXFWriter(GEXFWriter):
    """Writes the bytes `write_gexf` wrote with networkx's whole-tree writer, a few thousand
    nodes or edges at a time: a first pass declares the attributes (their ids, types and
    order), the second serialises each node and edge with networkx's own element builders."""

    CHUNK = 2000

    def _elements(self, graph: nx.MultiDiGraph, kind: str) -> Iterable[Element]:
        """The node or edge elements networkx's builders make, CHUNK at a time."""
        nodes = kind == "nodes"
        items = iter(graph.nodes(data=True) if nodes else graph.edges(keys=True, data=True))
        while chunk := list(itertools.islice(items, self.CHUNK)):
            scratch = Element("scratch")
            if nodes:
                self.add_nodes(_Part(graph, nodes=chunk), scratch)
            else:
                self.add_edges(_Part(graph, edges=chunk), scratch)
            yield from scratch[0]

    # What add_nodes/add_edges take out of a node's or edge's data before add_attributes
    # declares the rest, as networkx 3 does (a GEXF 1.2 writer: spells, not slices).
    _NODE_FIELDS = frozenset({"id", "label", "pid", "start", "end", "parents", "spells", "viz"})
    _EDGE_FIELDS = frozenset({"id", "label", "weight", "type", "start", "end", "spells", "viz"})

    def _declare(self, graph: nx.MultiDiGraph) -> None:
        """Declare every attribute with the id, type and order networkx's builders would give
        it, from the data alone: no element is built twice. Values are scalars here (geoextract
        writes no dynamic, list-valued attributes); anything else takes networkx's own pass."""
        # lazily, item by item, as the second pass streams: no copy of the graph's data
        nodes = ((d.items(), self._NODE_FIELDS) for _, d in graph.nodes(data=True))
        edges = ((_with_key(d, key), self._EDGE_FIELDS) for _, _, key, d in graph.edges(keys=True, data=True))
        for kind, items in (("node", nodes), ("edge", edges)):
            for pairs, fields in items:
                for k, v in pairs:
                    if k in fields:
                        continue
                    if type(v) not in self.xml_type or isinstance(v, list):
                        self._declare_by_building(graph)
                        return
                    self.get_attr_id("networkx_key" if k == "key" else str(k), self.xml_type[type(v)], kind, {}, "static")

    def _declare_by_building(self, graph: nx.MultiDiGraph) -> None:
        all_edge_ids = set(self.all_edge_ids)
        for kind in ("nodes", "edges"):
            for _ in self._elements(graph, kind):
                pass
        self.edge_id, self.all_edge_ids = itertools.count(), all_edge_ids  # the real pass numbers edges again

    def stream(self, graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
        self.graph_element = Element("graph", defaultedgetype="directed" if graph.is_directed() else "undirected",
                                     mode="static", name="")
        edge_ids = {str(d["id"]) for _, _, d in graph.edges(data=True) if d.get("id") is not None}
        self.all_edge_ids = set(edge_ids)
        self._declare(graph)  # first pass: attribute declarations
        self.graph_element.set("mode", "dynamic")  # also when nothing is dated, so Gephi always offers the timeline
        self.graph_element.set("timeformat", "date")
        meta = self.xml.find("meta")
        meta.attrib.pop("lastmodifieddate", None)  # a date inside would make every run's file differ
        write = _writer(handle, self.encoding)
        _write_head(write, self.xml, self.encoding)
        self.indent(meta, 1)
        write(tostring(meta, encoding="unicode"))
        opening = tostring(Element("graph", self.graph_element.attrib), encoding="unicode")
        write(opening[:-3] + ">\n    ")  # the graph always holds its nodes and edges sections
        for declarations in self.graph_element:
            self.indent(declarations, 2)
            write(tostring(declarations, encoding="unicode"))
        _write_streamed(write, Element("nodes"), self._elements(graph, "nodes"), 3, self.indent, "\n    ")
        _write_streamed(write, Element("edges"), self._elements(graph, "edges"), 3, self.indent, "\n  ")
        write("</graph>\n</gexf>\n")


def _with_key(data: dict, key: Any) -> Iterable[tuple[Any, Any]]:
    """An edge's data items as networkx's GEXF writer sees them: `data.copy()` then
    `update(key=key)`, so the key replaces a "key" value in place or comes last."""
    yield from ((k, key if k == "key" else v) for k, v in data.items())
    if "key" not in data:
        yield "key", key


def _replace(path: Path, dump: Callable[[BinaryIO], None]) -> Path:
    """Write through `dump` into a temporary file beside `path`, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            dump(handle)
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise GeoextractError(Errors.E023, path=path, reason=error.strerror or str(error)) from None
    return path


def _xml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph itself when XML 1.0 holds all its text, else a copy whose text it holds and
    a reader gives back unchanged (a copy of a large graph costs as much memory as the graph)."""
    if not _needs_cleaning(graph):
        return graph
    removed = 0

    def clean(value):
        nonlocal removed
        if not isinstance(value, str):
            return value
        value, count = _NOT_XML.subn("", value.replace("\r\n", "\n").replace("\r", "\n"))
        removed += count
        return value

    safe = nx.MultiDiGraph(**{clean(k): clean(v) for k, v in graph.graph.items()})
    safe.add_nodes_from((clean(n), {k: clean(v) for k, v in d.items()}) for n, d in graph.nodes(data=True))
    safe.add_edges_from((clean(u), clean(v), clean(k), {a: clean(b) for a, b in d.items()})
                        for u, v, k, d in graph.edges(keys=True, data=True))
    if removed:
        warnings.warn(Warnings.W011.format(count=removed), stacklevel=3)
    return safe


def _needs_cleaning(graph: nx.MultiDiGraph) -> bool:
    """Whether any name or value in the graph has text XML 1.0 cannot hold, or a carriage
    return (`_unsafe_text`); this runs for each file written."""
    texts: list[Any] = [*graph.graph.keys(), *graph.graph.values()]
    for node, data in graph.nodes(data=True):
        texts.append(node)
        texts.extend(data.keys())
        texts.extend(data.values())
    for u, v, key, data in graph.edges(keys=True, data=True):
        texts.extend((u, v, key))
        texts.extend(data.keys())
        texts.extend(data.values())
    return _unsafe_text(texts)


def _unsafe_text(texts: list[Any]) -> bool:
    """Whether any of the strings among `texts` has what XML 1.0 cannot hold, or a carriage
    return: one search over them joined by line breaks (which XML holds), not one per value."""
    joined = "\n".join([text for text in texts if isinstance(text, str)])
    return "\r" in joined or _NOT_XML.search(joined) is not None


def read_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read a GraphML file written by `write_graphml` back into a MultiDiGraph."""
    graph = nx.read_graphml(path, force_multigraph=True)
    for key in ("node_default", "edge_default"):  # the reader adds these, empty, to every graph
        if not graph.graph.get(key):
            graph.graph.pop(key, None)
    return graph


class _MultiGEXFReader(GEXFReader):
    """networkx's GEXF reader, always giving a multigraph (it drops the keys when no pair has two edges)."""

    def add_edge(self, G, edge_element, edge_attr):
        super().add_edge(G, edge_element, edge_attr)
        self.simple_graph = False


def read_gexf(path: str | Path) -> nx.MultiDiGraph:
    """Read a GEXF file written by `write_gexf` back into the MultiDiGraph `build_graph` made."""
    with open(path, "rb") as handle:
        read = _MultiGEXFReader(node_type=None)(handle)
    graph = nx.MultiDiGraph()
    for node, data in read.nodes(data=True):
        attrs = dict(data)
        if "start" in attrs:
            attrs["first_date"] = attrs.pop("start")
        graph.add_node(node, **attrs)
    # without edges the reader gives a simple graph (its multigraph switch is an edge's doing)
    edges = read.edges(keys=True, data=True) if read.is_multigraph() else ()
    for source, target, key, data in edges:
        attrs = {k: v for k, v in data.items() if k != "id"}  # the GEXF edge id, a counter
        if "start" in attrs:
            attrs["first_date"], attrs["last_date"] = attrs.pop("start"), attrs.pop("end")
        if isinstance(attrs.get("weight"), float) and attrs["weight"].is_integer():  # GEXF keeps weights as doubles
            attrs["weight"] = int(attrs["weight"])
        graph.add_edge(source, target, key=key, **attrs)
    return graph
