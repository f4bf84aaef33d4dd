"""`extract(engine="dask")`: partitions, part files, actor counts, option errors, and whole runs
on a local two-worker cluster whose outputs must equal the single-machine run's byte for byte."""

import importlib.util
import json
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from geoextract import distributed
from geoextract.errors import GeoextractError
from geoextract.actors import ActorTable
from geoextract.extraction import extract
from geoextract.processing import PipelineSpec
from geoextract.records import Document
from geoextract.table import SCHEMAS

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason='Dask is not installed: pip install "geoextract[dask]"')
COMPARED = ("relations.csv", "review.csv", "mentions.csv", "quantities.csv", "documents.csv", "actors.csv",
            "graph.graphml")


def document(doc_id: str, chars: int) -> Document:
    return Document(id=doc_id, text="x" * chars)


def test_partitions_are_the_local_batches():
    docs = [document(str(i), 10) for i in range(5)]
    assert [[d.id for d in part] for part in distributed.partitions(docs, 2)] == [["0", "1"], ["2", "3"], ["4"]]
    docs = [document("a", 30), document("b", 80), document("c", 10), document("d", 10)]
    # a partition also closes once its text reaches max_chars, as the local engine's batches do
    assert [[d.id for d in part] for part in distributed.partitions(docs, 10, max_chars=100)] == [["a", "b"], ["c", "d"]]
    assert list(distributed.partitions([], 3)) == []


def mention(doc_id: str, text: str, actor_id: str, actor: str, label: str = "GPE") -> dict:
    return {"doc_id": doc_id, "sent_index": 0, "text": text, "actor": actor, "actor_id": actor_id,
            "actor_type": "state", "label": label, "resolution": "name", "start": 0, "end": len(text)}


def test_actors_are_counted_across_parts_as_in_one_run():
    russia = {"name": "Russia", "type": "state", "label": "GPE", "country": "RUS", "sector": "GOV"}
    parts = [  # (mentions, (doc_id, date) of the part's documents, gazetteer info per actor from the worker)
        ([mention("d1", "Russia", "russia", "Russia"), mention("d1", "Moscow", "russia", "Russia"),
          mention("d2", "the\nKremlin", "russia", "Russia", label="ORG"), mention("d2", "Acme", "x-acme", "Acme", "ORG")],
         [("d1", "2024-03-01"), ("d2", None)], {"russia": russia, "x-acme": None}),
        ([], [("d3", "2024-01-01")], {}),
        ([mention("d4", "Russia", "russia", "Russia", label="LOC"), mention("d4", "ACME", "x-acme", "ACME", "ORG")],
         [("d4", "2024-05-02")], {"russia": {**russia, "country": "XXX"}, "x-acme": {"name": "Acme Corp"}}),
    ]
    actors = ActorTable()
    for rows, documents, infos in parts:
        distributed.add_actors(actors, pa.Table.from_pylist(rows, schema=SCHEMAS["mentions"]),
                               pa.table({"doc_id": [d for d, _ in documents], "date": [t for _, t in documents]}), infos)
    frame = actors.frame().set_index("actor_id")
    # what the first mention's document said wins; counts and aliases add up; dates span the mentions
    assert frame.loc["russia", ["country", "aliases", "mentions", "documents", "first_date", "last_date"]].tolist() == [
        "RUS", "Moscow; Russia; the Kremlin", 4, 3, "2024-03-01", "2024-05-02"]
    assert frame.loc["x-acme", ["name", "aliases", "mentions", "documents"]].tolist() == ["Acme", "ACME; Acme", 2, 2]


def test_write_part_is_atomic_and_needs_the_shared_folder(tmp_path):
    rows = [mention("d1", "Russia", "russia", "Russia")]
    path = distributed.write_part(tmp_path, 7, rows, SCHEMAS["mentions"])
    assert path.name == "part-00007.parquet" and [p.name for p in tmp_path.iterdir()] == [path.name]
    assert pq.read_table(path).to_pylist() == rows
    with pytest.raises(FileNotFoundError):  # a worker that does not see the client's folder
        distributed.write_part(tmp_path / "elsewhere", 0, rows, SCHEMAS["mentions"])


def test_process_partition_reports_failed_documents_and_write_errors(nlp, tmp_path, monkeypatch):
    # The hand-built pipeline has no tagger, so raw text fails in it: the failure path without a model.
    spec = PipelineSpec("hand-built")
    monkeypatch.setitem(distributed._PIPELINES, spec, nlp)
    docs = [Document(id="a", text="Russia and China met.", path="in.jsonl"), Document(id="b", text="Talks.")]
    assert distributed.process_partition(spec, 0, docs, str(tmp_path / "missing"), 0.0, 8)["fatal"] == "write"
    for name in distributed.DATASET_TABLES:
        (tmp_path / name).mkdir()
    report = distributed.process_partition(spec, 3, docs, str(tmp_path), 0.0, 8)
    assert report["documents"] == 0 and [(doc_id, path) for doc_id, path, _ in report["failed"]] == [
        ("a", "in.jsonl"), ("b", None)]
    assert [s.path for s in distributed._failures(report)] == ["in.jsonl", "b"]
    for name in distributed.DATASET_TABLES:  # every table has the part, empty here, with its schema
        written = pq.read_table(tmp_path / name / "part-00003.parquet")
        assert written.schema == SCHEMAS[name] and written.num_rows == 0


@pytest.mark.parametrize("options, code, option", [
    ({"engine": "spark"}, "E013", "--engine"),
    ({"scheduler": "tcp://127.0.0.1:8786"}, "E013", "--scheduler"),
    ({"engine": "dask", "resume": True}, "E013", "--resume"),
    ({"engine": "dask", "cache": "cache"}, "E013", "--cache"),
    ({"engine": "dask", "scheduler": "tcp://127.0.0.1:8786", "n_process": 2}, "E013", "--n-process"),
])
def test_options_the_engine_does_not_take(tmp_path, options, code, option):
    with pytest.raises(GeoextractError) as error:
        extract(None, tmp_path / "out", **options)
    assert error.value.code == code and option in str(error.value)


def test_missing_dask_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(GeoextractError) as error:
        extract(None, tmp_path / "out", engine="dask")
    assert error.value.code == "E034" and 'pip install "geoextract[dask]"' in str(error.value)
    assert not (tmp_path / "out" / ".geoextract").exists()


@needs_dask
def test_unreachable_scheduler(tmp_path):
    import dask
    import distributed  # noqa: F401  (its config defaults must exist before dask.config.set, which restores them)

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), pytest.raises(GeoextractError) as error:
        extract(None, tmp_path / "out", engine="dask", scheduler="tcp://127.0.0.1:9")
    assert error.value.code == "E035" and "tcp://127.0.0.1:9" in str(error.value)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []  # nothing left behind


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      memory_limit="2GiB") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    extract(None, out, formats=("csv", "parquet"))
    return out


@needs_dask
def test_a_model_that_does_not_load_on_the_workers(cluster, tmp_path):
    with pytest.raises(GeoextractError) as error:
        extract(None, tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address, model="no_such_model")
    assert error.value.code == "E036" and "E006" in str(error.value)
    assert not (tmp_path / "out" / "dataset").exists() and not (tmp_path / "out" / ".geoextract").exists()


@needs_dask
@pytest.mark.model
def test_two_workers_write_what_one_machine_writes(cluster, local_run, tmp_path):
    out = tmp_path / "dask"
    summary = extract(None, out, engine="dask", scheduler=cluster.scheduler_address, batch_size=2,
                      formats=("csv", "parquet"))
    run = json.loads((out / "run.json").read_text())
    assert run["settings"]["engine"] == "dask" and run["settings"]["scheduler"] == cluster.scheduler_address
    assert run["settings"]["partitions"] == 3 and run["settings"]["workers"] == 2  # both workers had work
    assert run["counts"] == json.loads((local_run / "run.json").read_text())["counts"]
    for name in COMPARED:
        assert (out / name).read_bytes() == (local_run / name).read_bytes(), name
    for name in ("relations", "mentions", "quantities", "documents", "actors"):
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(local_run / f"{name}.parquet")), name
    # the dataset as pandas (or Dask, DuckDB, Spark) reads it: a folder of part files, in order
    for name in distributed.DATASET_TABLES:
        assert sorted(p.name for p in (out / "dataset" / name).iterdir()) == [f"part-0000{i}.parquet" for i in range(3)]
        pd.testing.assert_frame_equal(pd.read_parquet(out / "dataset" / name),
                                      pd.read_parquet(local_run / f"{name}.parquet"))
    assert not (out / ".geoextract").exists() and summary.relations > 0


@needs_dask
@pytest.mark.model
def test_without_a_scheduler_a_local_cluster_is_started_and_closed(local_run, tmp_path):
    from distributed import Client

    out = tmp_path / "dask"
    extract(None, out, engine="dask", n_process=2)
    address = json.loads((out / "run.json").read_text())["settings"]["scheduler"]
    assert address.startswith("tcp://")
    assert (out / "relations.csv").read_bytes() == (local_run / "relations.csv").read_bytes()
    with pytest.raises(OSError):
        Client(address, timeout="1s")
