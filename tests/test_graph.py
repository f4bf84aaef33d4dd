"""Tables and graph: typed loading, aggregation, stories on edges, GraphML and GEXF round trips."""

import warnings

import networkx as nx
import pandas as pd
import pytest

from geoextract.errors import GeoextractError
from geoextract.graph import build_graph, read_gexf, read_graph, write_gexf, write_graphml
from geoextract.records import Relation, columns
from geoextract.table import load_relations


def relation(**overrides):
    base = dict(
        relation_id="d1:r1", doc_id="d1", sent_index=0, source="Russia", source_id="russia", source_type="state",
        relation="TRADE", target="North Korea", target_id="north-korea", target_type="state", action="oil exports",
        action_category="ECONOMIC", quantity_text="$31.4 million", quantity_value=31.4e6, quantity_unit="USD",
        quantity_qualifier=None, polarity="affirmed", modality="asserted", attributed_to=None, time_text="2017",
        confidence=0.8, confidence_basis="rule trade.x 0.80 = 0.80", pattern_id="trade.x", evidence="Russia & <North Korea> traded.", source_start=0, source_end=6,
        target_start=9, target_end=20, trigger_start=22, trigger_end=28)
    base.update(overrides)
    return Relation(**base)


@pytest.fixture
def table(tmp_path):
    rows = [relation().as_row(),
            relation(relation_id="d2:r1", doc_id="d2", confidence=0.6).as_row(),
            relation(relation_id="d2:r2", doc_id="d2", relation="SANCTION", source="United Nations", source_id="united-nations",
                     source_type="igo", action="sanctions").as_row()]
    path = tmp_path / "relations.csv"
    pd.DataFrame(rows, columns=columns(Relation)).to_csv(path, index=False)
    return path


def test_relation_record_rejects_unknown_types():
    with pytest.raises(ValueError):
        relation(relation="HUGS")
    with pytest.raises(ValueError):
        relation(confidence=1.5)


def test_load_relations_is_typed(table):
    frame = load_relations(table)
    assert isinstance(frame["relation"].dtype, pd.CategoricalDtype)
    assert "AFFILIATION" in frame["relation"].cat.categories
    assert str(frame["source_start"].dtype) == "Int64"
    assert frame["quantity_value"].dtype == "float64"
    assert pd.isna(frame.loc[0, "quantity_qualifier"])


def test_load_relations_names_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"doc_id": ["a"]}).to_csv(path, index=False)
    with pytest.raises(GeoextractError, match=r"^E011 relation table .* lacks columns: relation_id, sent_index"):
        load_relations(path)


def test_graph_aggregates_rows_into_weighted_edges(table):
    graph = build_graph(load_relations(table))
    assert isinstance(graph, nx.MultiDiGraph)
    trade = graph.edges["russia", "north-korea", "TRADE"]
    assert (trade["weight"], trade["documents"], trade["label"]) == (2, 2, "trade: oil exports")
    assert graph.nodes["russia"]["label"] == "Russia"
    assert set(graph.edges(keys=True)) == {("russia", "north-korea", "TRADE"), ("united-nations", "north-korea", "SANCTION")}


def test_graph_filters(table):
    frame = load_relations(table)
    assert build_graph(frame, min_weight=2).number_of_edges() == 1
    assert list(build_graph(frame, relation_types=["sanction"]).edges(keys=True)) == [("united-nations", "north-korea", "SANCTION")]
    assert build_graph(frame, min_confidence=0.7).edges["russia", "north-korea", "TRADE"]["weight"] == 1
    with pytest.raises(GeoextractError, match="^E012 unknown relation type"):
        build_graph(frame, relation_types=["HUGS"])


def test_graphml_round_trip_with_named_keys(table, tmp_path):
    graph = build_graph(load_relations(table))
    graph.nodes["russia"]["label"] = 'Russia <&> "quoted" \u041c\u043e\u0441\u043a\u0432\u0430'
    path = write_graphml(graph, tmp_path / "g.graphml")
    back = read_graph(path)
    assert nx.utils.graphs_equal(graph, back)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
    xml = path.read_text(encoding="utf-8")
    assert '<key id="label" for="node" attr.name="label"' in xml
    assert '<key id="weight" for="edge" attr.name="weight" attr.type="long"' in xml
    assert '<key id="edgelabel" for="edge" attr.name="label"' in xml
    assert 'id="d0"' not in xml


def frame(*rows):
    return pd.DataFrame([row.as_row() for row in rows], columns=columns(Relation))


def dated(doc_id, date, **overrides):
    return relation(relation_id=f"{doc_id}:r1", doc_id=doc_id, doc_date=date, **overrides)


def test_edges_count_independent_stories():
    rows = frame(dated("d1", "2017-10-03"), dated("d2", "2017-10-04"), dated("d3", None), dated("d4", "2017-10-06"))
    stories = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4"], "story_id": ["d1", "d1", "d3", "d3"]})
    trade = build_graph(rows, stories=stories).edges["russia", "north-korea", "TRADE"]
    assert (trade["weight"], trade["documents"], trade["independent_sources"]) == (4, 4, 2)
    assert build_graph(rows).edges["russia", "north-korea", "TRADE"]["independent_sources"] == 4
    partial = pd.DataFrame({"doc_id": ["d1", "d2"], "story_id": ["d1", "d1"]})  # d3, d4: stories of their own
    assert build_graph(rows, stories=partial).edges["russia", "north-korea", "TRADE"]["independent_sources"] == 3


def test_edges_and_nodes_carry_their_first_and_last_dates():
    rows = frame(dated("d1", "2017-10-05"), dated("d2", "2017-10-03T23:00:00Z"), dated("d3", "not a date"),
                 dated("d4", None, relation="SANCTION", source="United Nations", source_id="united-nations", source_type="igo"))
    graph = build_graph(rows)
    trade = graph.edges["russia", "north-korea", "TRADE"]
    assert (trade["first_date"], trade["last_date"]) == ("2017-10-03", "2017-10-05")
    assert "first_date" not in graph.edges["united-nations", "north-korea", "SANCTION"]  # only undated documents
    assert graph.nodes["north-korea"]["first_date"] == "2017-10-03"
    assert "first_date" not in graph.nodes["united-nations"]


def test_nodes_take_actor_attributes_when_the_table_has_them():
    rows = frame(relation(), relation(relation_id="d2:r2", doc_id="d2", relation="SANCTION", source="United Nations",
                                      source_id="united-nations", source_type="igo"))
    before = pd.DataFrame({"actor_id": ["russia", "north-korea"], "name": ["Russia", "North Korea"], "type": ["state", "state"],
                           "label": ["GPE", "GPE"], "aliases": ["", ""], "mentions": [5, 3], "documents": [2, 1]})
    graph = build_graph(rows, before)
    assert graph.nodes["russia"] == {"label": "Russia", "type": "state", "mentions": 5, "documents": 2}
    after = before.assign(country=["RUS", None], sector=["GOV", float("nan")], wikidata=["Q159", ""],
                          roles=[["member: UN Security Council", "nuclear power"], None])
    graph = build_graph(rows, after)
    assert graph.nodes["russia"] == {"label": "Russia", "type": "state", "mentions": 5, "documents": 2, "country": "RUS",
                                     "sector": "GOV", "wikidata": "Q159", "roles": "member: UN Security Council; nuclear power"}
    assert graph.nodes["north-korea"] == {"label": "North Korea", "type": "state", "mentions": 3, "documents": 1}
    assert graph.nodes["united-nations"] == {"label": "United Nations", "type": "igo"}  # not in the actors table


def test_actors_without_relations_are_nodes_when_asked(tmp_path):
    rows = frame(relation())
    actors = pd.DataFrame({"actor_id": ["russia", "vladimir-putin", "north-korea"],
                           "name": ["Russia", "Vladimir Putin", "North Korea"], "type": ["state", "person", "state"],
                           "label": ["GPE", "PERSON", "GPE"], "country": ["RUS", "RUS", "PRK"], "sector": ["GOV", "GOV", "GOV"],
                           "wikidata": ["Q159", "Q7747", "Q423"], "roles": ["", "President of Russia 2012-05-07..", ""],
                           "aliases": ["", "Putin", ""], "mentions": [5, 2, 3], "documents": [2, 1, 1],
                           "first_date": [None, "2017-10-03", None], "last_date": [None, "2017-10-04", None]})
    assert sorted(build_graph(rows, actors).nodes) == ["north-korea", "russia"]  # `geoextract graph`: the edges' actors
    graph = build_graph(rows, actors, isolated=True)
    assert list(graph.nodes) == ["north-korea", "russia", "vladimir-putin"]
    assert graph.nodes["vladimir-putin"] == {"label": "Vladimir Putin", "type": "person", "first_date": "2017-10-03",
                                             "mentions": 2, "documents": 1, "country": "RUS", "sector": "GOV",
                                             "wikidata": "Q7747", "roles": "President of Russia 2012-05-07.."}
    assert graph.degree("vladimir-putin") == 0
    assert list(build_graph(rows.iloc[:0], actors, isolated=True).nodes) == ["russia", "vladimir-putin", "north-korea"]
    alone = build_graph(rows.iloc[:0], actors.iloc[1:2], isolated=True)  # a graph of one node, no edge
    assert dict(read_gexf(write_gexf(alone, tmp_path / "g.gexf")).nodes(data=True)) == dict(alone.nodes(data=True))
    assert dict(read_graph(write_graphml(alone, tmp_path / "g.graphml")).nodes(data=True)) == dict(alone.nodes(data=True))


NAME = 'Kim <&> "Jong" \'Un\'\x00\x07\x1b \u0416\u0443\u043a\u043e\u0432 \ubd81\ud55c \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001f30d\r\nend\ttab'
CLEAN = 'Kim <&> "Jong" \'Un\' \u0416\u0443\u043a\u043e\u0432 \ubd81\ud55c \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001f30d\nend\ttab'


def test_graphml_keeps_any_name_xml_can_hold(tmp_path):
    graph = build_graph(frame(dated("d1", "2017-10-03", source=NAME, action=NAME)))
    with pytest.warns(UserWarning, match=r"^W011 9 control character\(s\) removed"):
        back = read_graph(write_graphml(graph, tmp_path / "g.graphml"))
    assert back.nodes["russia"]["label"] == CLEAN
    assert back.edges["russia", "north-korea", "TRADE"]["action"] == CLEAN


def test_gexf_plays_the_story_on_a_timeline(tmp_path):
    rows = frame(dated("d1", "2017-10-05"), dated("d2", "2017-10-03"),
                 dated("d3", None, relation="SANCTION", source="United Nations", source_id="united-nations", source_type="igo"))
    graph = build_graph(rows)
    with pytest.warns(UserWarning, match=r"^W010 1 edge\(s\) rest only on documents without a usable date"):
        path = write_gexf(graph, tmp_path / "g.gexf")
    xml = path.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in xml and 'timeformat="date"' in xml
    assert 'label="trade: oil exports" weight="2" start="2017-10-03" end="2017-10-05"' in xml
    assert '<node id="russia" label="Russia" start="2017-10-03">' in xml
    assert '<node id="united-nations" label="United Nations">' in xml  # undated: present throughout
    assert "lastmodifieddate" not in xml
    plain = nx.read_gexf(path)  # what Gephi and networkx see
    assert plain.nodes["russia"]["start"] == "2017-10-03"
    back = read_gexf(path)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


def test_gexf_round_trip_of_hard_names_and_byte_identical_output(tmp_path):
    graph = build_graph(frame(dated("d1", "2017-10-03", source=NAME, action=NAME), dated("d2", "2017-10-04")))
    with pytest.warns(UserWarning, match="^W011"):
        first = write_gexf(graph, tmp_path / "a.gexf").read_bytes()
        second = write_gexf(graph, tmp_path / "b.gexf").read_bytes()
    assert first == second
    back = read_gexf(tmp_path / "a.gexf")
    assert back.nodes["russia"]["label"] == CLEAN
    assert back.edges["russia", "north-korea", "TRADE"]["action"] == CLEAN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gexf", "b.gexf"]  # no temporary files left


@pytest.mark.filterwarnings("ignore:W010")
def test_writers_report_unwritable_paths(tmp_path):
    graph = build_graph(frame(relation()))
    for write in (write_graphml, write_gexf):
        with pytest.raises(GeoextractError, match="^E023 cannot write graph file .*missing"):
            write(graph, tmp_path / "missing" / "g.xml")


@pytest.mark.parametrize("shape", ["full", "graph attributes", "nodes only", "empty"])
def test_graphml_is_streamed_with_the_bytes_networkx_would_write(tmp_path, shape):
    from geoextract.graph import _NamedKeyWriter

    graph = nx.MultiDiGraph()
    if shape != "empty":
        graph.add_node("russia", label="Russia", mentions=3, share=0.5)
        graph.add_node("x-a & b <c>", label='A "quoted" & <tagged>\nname\t')
        graph.add_node("bare")  # no attributes: an empty element
    if shape in ("full", "graph attributes"):
        graph.add_edge("russia", "bare", key="TRADE", label="trade: oil", weight=2, confidence=0.75, flag=True)
        graph.add_edge("bare", "russia", key="AID", weight=1)
    if shape == "graph attributes":
        graph.graph.update(name="run", node_default={"mentions": 0}, edge_default={})
    path = write_graphml(graph, tmp_path / "streamed.graphml")
    expected = tmp_path / "tree.graphml"
    writer = _NamedKeyWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    with open(expected, "wb") as handle:
        writer.dump(handle)
    assert path.read_bytes() == expected.read_bytes()
    assert nx.utils.graphs_equal(read_graph(path), read_graph(expected))


def test_gexf_in_place_gives_the_same_file_and_the_copy_leaves_the_graph_alone(tmp_path):
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="A", first_date="2017-01-02")
    graph.add_node("b", label="B")
    graph.add_edge("a", "b", key="TRADE", weight=1, first_date="2017-01-02", last_date="2017-02-01")
    before = [dict(d) for _, d in graph.nodes(data=True)]
    copied = write_gexf(graph, tmp_path / "copy.gexf")
    assert [dict(d) for _, d in graph.nodes(data=True)] == before
    in_place = write_gexf(graph, tmp_path / "in-place.gexf", in_place=True)
    assert in_place.read_bytes() == copied.read_bytes()


@pytest.mark.filterwarnings("ignore::UserWarning")  # W010: the undated edge, on purpose
@pytest.mark.parametrize("shape", ["full", "nodes only", "empty", "many"])
def test_gexf_is_streamed_with_the_bytes_networkx_would_write(tmp_path, shape, monkeypatch):
    from networkx.readwrite.gexf import GEXFWriter

    from geoextract.graph import _StreamingGEXFWriter

    monkeypatch.setattr(_StreamingGEXFWriter, "CHUNK", 3)  # several chunks of nodes and of edges
    graph = nx.MultiDiGraph()
    if shape != "empty":
        graph.add_node("russia", label="Russia", mentions=3, first_date="2017-01-02")
        graph.add_node("x-a & b", label='A "quoted" <name>', share=0.5)
        graph.add_node("bare")
    if shape in ("full", "many"):
        graph.add_edge("russia", "bare", key="TRADE", label="trade", weight=2, first_date="2017-01-02",
                       last_date="2017-03-01", confidence=0.7)
        graph.add_edge("bare", "russia", key="AID", weight=1, action="aid")
    if shape == "many":
        for i in range(7):
            graph.add_node(f"n{i}", label=f"N{i}", mentions=i)
            graph.add_edge(f"n{i}", "russia", key="CONSULT", weight=i + 1, first_date=f"2017-02-0{i + 1}",
                           last_date=f"2017-02-0{i + 2}")
    path = write_gexf(graph, tmp_path / "streamed.gexf")
    timeline = nx.MultiDiGraph()  # what write_gexf wrote with networkx's whole-tree writer
    for node, data in graph.nodes(data=True):
        attrs = dict(data)
        if "first_date" in attrs:
            attrs["start"] = attrs.pop("first_date")
        timeline.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = dict(data)
        if "first_date" in attrs:
            attrs["start"], attrs["end"] = attrs.pop("first_date"), attrs.pop("last_date")
        timeline.add_edge(u, v, key=key, **attrs)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(timeline)
    writer.graph_element.set("mode", "dynamic")
    writer.graph_element.set("timeformat", "date")
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    with open(tmp_path / "tree.gexf", "wb") as handle:
        writer.write(handle)
    assert path.read_bytes() == (tmp_path / "tree.gexf").read_bytes()


@pytest.mark.filterwarnings("ignore:W010")
@pytest.mark.parametrize("names", ["plain", "control characters"])
def test_graph_frames_are_written_with_the_bytes_of_their_networkx_graph(tmp_path, monkeypatch, names):
    from geoextract.graph import GraphFrames, _FrameView, graph_frames

    monkeypatch.setattr(_FrameView, "CHUNK", 2)  # several chunks of nodes and of edges
    name = NAME if names == "control characters" else "Russia"
    # Sorted, Russia's edges are AID -> North Korea, TRADE -> China, TRADE -> North Korea; a
    # MultiDiGraph yields both North Korea edges first, as it met that neighbour first.
    rows = frame(dated("d1", "2017-10-03", source=name),
                 dated("d2", None, relation="TRADE", target="China", target_id="china"),
                 dated("d3", "2017-10-05", relation="AID", action="food aid"),
                 dated("d4", "2017-10-06", relation="SANCTION", source="United Nations", source_id="united-nations",
                       source_type="igo", action="sanctions"))
    actors = pd.DataFrame({"actor_id": ["russia", "vladimir-putin", "china"], "name": ["Russia", "Vladimir Putin", "China"],
                           "type": ["state", "person", "state"], "country": ["RUS", "RUS", "CHN"],
                           "roles": [["President of Russia"], ["President of Russia", "KGB officer"], []],
                           "mentions": [5, 2, 1], "documents": [2, 1, 1], "first_date": [None, "2017-10-02", None]})
    frames = graph_frames(rows, actors, isolated=True)
    assert isinstance(frames, GraphFrames) and frames.needs_cleaning() == (names != "plain")
    graph = frames.to_networkx()
    assert list(frames.nodes.index) == list(graph.nodes) == ["china", "north-korea", "russia", "united-nations",
                                                             "vladimir-putin"]
    order = frames.edges.iloc[frames.edge_order()][["source_id", "target_id", "relation"]]
    assert list(order.itertuples(index=False, name=None)) == list(graph.edges(keys=True))
    assert list(graph.edges(keys=True))[:3] == [("russia", "north-korea", "AID"), ("russia", "north-korea", "TRADE"),
                                                 ("russia", "china", "TRADE")]
    for write in (write_graphml, write_gexf):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            streamed = write(frames, tmp_path / f"frames.{write.__name__}").read_bytes()
            built = write(build_graph(rows, actors, isolated=True), tmp_path / f"graph.{write.__name__}").read_bytes()
        assert streamed == built
        assert sorted({str(w.message)[:4] for w in caught}) == sorted((["W011"] if names != "plain" else []) + (
            ["W010"] if write is write_gexf else []))
    assert list(graph_frames(rows.iloc[:0], actors.iloc[1:2], isolated=True).nodes.index) == ["vladimir-putin"]
    empty = graph_frames(rows.iloc[:0])
    assert empty.number_of_nodes() == empty.number_of_edges() == 0
    assert nx.utils.graphs_equal(read_graph(write_graphml(empty, tmp_path / "empty.graphml")), nx.MultiDiGraph())
