"""Tables and graph: typed loading, aggregation, GraphML round trip with named keys."""

import networkx as nx
import pandas as pd
import pytest

from geoextract.errors import GeoextractError
from geoextract.graph import build_graph, read_graph, write_graphml
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
