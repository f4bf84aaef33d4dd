"""The result store: content keys, JSON round trips, damaged entries, commits that survive a kill."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from geoextract.results import RESULT_VERSION, ResultStore, content_key, table_rows

RESULT = {"v": RESULT_VERSION, "parts": 1, "words": 3, "sents": 1, "mentions": [], "quantities": [],
          "relations": [{"source": "Кремль & <Co>", "confidence": 0.65}], "actors": {}}


def test_content_key_depends_on_text_and_fingerprint():
    assert content_key("Russia warned Japan.", "a") == content_key("Russia warned Japan.", "a")
    assert content_key("Russia warned Japan.", "a") != content_key("Russia warned Japan!", "a")
    assert content_key("Russia warned Japan.", "a") != content_key("Russia warned Japan.", "b")
    assert content_key("bad \udc80 surrogate", "a")  # text decoded with surrogateescape still keys


def test_store_round_trip_and_misses(tmp_path):
    store = ResultStore(tmp_path / "r.sqlite")
    assert store.get("k") is None and "k" not in store
    store.put("k", RESULT)
    assert store.get("k") == RESULT and "k" in store and (store.hits, store.misses) == (1, 1)  # `in` counts nothing
    store.close()
    again = ResultStore(tmp_path / "r.sqlite")
    assert again.get("k") == RESULT and len(again) == 1 and (again.hits, again.misses) == (1, 0)


def test_damaged_or_old_entries_are_misses(tmp_path):
    store = ResultStore(tmp_path / "r.sqlite")
    store.put("old", {**RESULT, "v": RESULT_VERSION - 1})
    store.close()
    with sqlite3.connect(tmp_path / "r.sqlite") as db:
        db.execute("INSERT INTO results VALUES ('bad', ?)", (b"not zlib",))
    store = ResultStore(tmp_path / "r.sqlite")
    assert store.get("old") is None and store.get("bad") is None and store.misses == 2


def test_a_damaged_or_full_store_is_a_one_line_error(tmp_path):
    from geoextract.errors import GeoextractError

    (tmp_path / "junk.sqlite").write_bytes(b"this is no database, " * 100)
    with pytest.raises(GeoextractError, match=r"^E039 cannot use the result store .*junk\.sqlite: file is not a database \(delete it"):
        ResultStore(tmp_path / "junk.sqlite")
    store = ResultStore(tmp_path / "r.sqlite", commit_every=0)
    store._db.execute("PRAGMA max_page_count = 3")  # a disk with no room left
    with pytest.raises(GeoextractError, match=r"^E038 cannot write .*r\.sqlite: database or disk is full"):
        store.put("big", {**RESULT, "text": os.urandom(50_000).hex()})
    store.close()


def test_nothing_is_unpickled_from_a_store_or_anywhere(tmp_path):
    """A store entry that is a pickle is a miss; geoextract's code imports no pickle-like loader."""
    import pickle
    import zlib

    class Boom:
        def __reduce__(self):
            return (Path(tmp_path / "pwned").touch, ())

    store = ResultStore(tmp_path / "r.sqlite")
    store._db.execute("INSERT INTO results VALUES ('k', ?)", (zlib.compress(pickle.dumps(Boom())),))
    assert store.get("k") is None and not (tmp_path / "pwned").exists()
    source = Path(__file__).resolve().parents[1] / "src" / "geoextract"
    loaders = ("import pickle", "from pickle", "cPickle", "import dill", "import joblib", "import shelve", "import marshal",
               "read_pickle", "allow_pickle=True", "torch.load(")
    found = [(path.name, loader) for path in source.rglob("*.py") for loader in loaders if loader in path.read_text()]
    assert found == []


def test_committed_results_survive_a_killed_process(tmp_path):
    path = tmp_path / "r.sqlite"
    script = (f"import os, signal\nfrom geoextract.results import ResultStore\n"
              f"store = ResultStore({str(path)!r}, commit_every=0)\n"
              f"store.put('a', {RESULT!r})\nstore.put('b', {RESULT!r})\n"
              f"os.kill(os.getpid(), signal.SIGKILL)\n")
    process = subprocess.run([sys.executable, "-c", script])
    assert process.returncode == -9
    store = ResultStore(path)
    assert store.get("a") == RESULT and store.get("b") == RESULT


def _files(folder: Path) -> dict[str, bytes]:
    """The outputs of a run (not the temporary files or the journal)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


@pytest.mark.model
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_run_killed_at_any_write_leaves_each_output_whole(tmp_path):
    """SIGKILL between any two file operations: every output is the previous run's or the new run's,
    byte for byte, never a part; and the next run completes. Killing the process exactly before
    its k-th rename is the worst moment for each k: its temporary files are written, nothing cleans up."""
    from geoextract.extraction import SAMPLE, extract

    articles = SAMPLE.read_text(encoding="utf-8").splitlines()
    (tmp_path / "old.jsonl").write_text("\n".join(articles[:2]) + "\n", encoding="utf-8")
    cache, formats = tmp_path / "cache", ("csv", "parquet")
    extract([tmp_path / "old.jsonl"], tmp_path / "old", cache=cache, formats=formats)
    extract([SAMPLE], tmp_path / "new", cache=cache, formats=formats)  # from now on no model loads: all cached
    old, new = _files(tmp_path / "old"), _files(tmp_path / "new")
    renames = [0]
    real_replace = os.replace

    def counting(src, dst):
        renames[0] += 1
        real_replace(src, dst)

    os.replace = counting
    try:
        extract([SAMPLE], tmp_path / "count", cache=cache, formats=formats)
    finally:
        os.replace = real_replace
    assert renames[0] >= len(new)  # every output is renamed into place
    for k in range(1, renames[0] + 1):
        out = tmp_path / f"killed-{k}"
        shutil.copytree(tmp_path / "old", out)
        pid = os.fork()
        if pid == 0:  # the child: a run that dies, as under SIGKILL, just before its k-th rename
            calls = [0]

            def dying(src, dst):
                calls[0] += 1
                if calls[0] == k:
                    os._exit(9)
                real_replace(src, dst)

            os.replace = dying
            try:
                extract([SAMPLE], out, cache=cache, formats=formats)
            finally:
                os._exit(0 if calls[0] < k else 1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 9, k
        left = _files(out)
        assert set(left) <= set(old) | set(new)
        for name, data in left.items():
            assert data in (old.get(name), new.get(name)), (k, name)
        assert sum(left.get(name) == new[name] != old.get(name) for name in new) <= k - 1  # renamed before the kill
        summary = extract([SAMPLE], out, cache=cache, formats=formats, resume=True)
        done = _files(out)
        counts = {k: v for k, v in json.loads(done.pop("run.json"))["counts"].items() if k not in ("from_cache", "resumed")}
        assert counts == {k: v for k, v in json.loads(new["run.json"])["counts"].items() if k not in ("from_cache", "resumed")}
        # every document is served again without the model: from the cache (which already held
        # them, so the killed run did not journal them again) or from the killed run's journal
        assert summary.resumed + summary.cache_hits == summary.documents == len(articles)
        assert done == {name: data for name, data in new.items() if name != "run.json"}  # timings and paths aside
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file, no journal


def test_relation_rows_carry_each_actors_sector_on_the_document_date():
    """Roles in time: Trump is GOV in 2019 and again in 2025, a former elite (ELI) in 2022."""
    from geoextract.records import Document

    trump = {"name": "Donald Trump", "type": "person", "label": "PERSON", "country": "USA", "sector": "GOV",
             "wikidata": "Q22686", "roles": [
                 {"title": "President", "of": "united-states", "label": "President of the United States",
                  "start": "2025-01-20", "end": "", "sector": "GOV"},
                 {"title": "President", "of": "united-states", "label": "President of the United States",
                  "start": "2017-01-20", "end": "2021-01-20", "sector": "GOV"}]}
    china = {"name": "China", "type": "state", "label": "GPE", "country": "CHN", "sector": "GOV", "wikidata": "Q148",
             "roles": []}
    relation = {"sent_index": 0, "source": "Donald Trump", "source_id": "donald-trump", "source_type": "person",
                "relation": "ACCUSE", "target": "China", "target_id": "china", "target_type": "state", "action": "accuse",
                "action_category": "POLITICAL", "polarity": "affirmed", "modality": "asserted", "attributed_to": None,
                "time_text": None, "confidence": 0.8, "confidence_basis": "rule 0.80", "pattern_id": "accuse.dobj",
                "evidence": "Trump accused China.", "source_start": 0, "source_end": 5, "target_start": 15,
                "target_end": 20, "trigger_start": 6, "trigger_end": 14, "quantity": None}
    result = {**RESULT, "relations": [relation], "actors": {"donald-trump": trump, "china": china}}
    sectors = {}
    for date in ("2019-05-01", "2022-03", "2025-06-30T10:00:00Z", None, "last spring"):
        [row] = table_rows(Document(id="d", text="Trump accused China.", date=date), result)["relations"]
        sectors[date] = (row["source_country"], row["source_sector"], row["target_sector"])
    assert sectors == {"2019-05-01": ("USA", "GOV", "GOV"), "2022-03": ("USA", "ELI", "GOV"),
                       "2025-06-30T10:00:00Z": ("USA", "GOV", "GOV"), None: ("USA", "GOV", "GOV"),
                       "last spring": ("USA", "GOV", "GOV")}  # no usable date: the gazetteer's current sector


@pytest.mark.model
def test_a_long_documents_parts_are_let_go_as_they_are_read(monkeypatch):
    """A 20 MB text is 200 parts: each part's Doc is added to the result and dropped, never all held."""
    import gc
    import weakref

    from geoextract import processing
    from geoextract.pipeline import default_model

    nlp = processing.PipelineSpec(default_model()).load()
    monkeypatch.setattr(processing, "MAX_CHARS", 1000)
    text = "Russia sold oil to North Korea in March, officials in Seoul said on Monday.\n\n" * 300
    alive: weakref.WeakSet = weakref.WeakSet()
    most = [0]
    real_pipe = nlp.pipe

    def pipe(texts, **kwargs):
        for doc in real_pipe(texts, **kwargs):
            gc.collect()
            alive.add(doc)
            most[0] = max(most[0], len(alive))
            yield doc

    monkeypatch.setattr(nlp, "pipe", pipe)
    [result] = processing.process_documents(nlp, [text], batch_size=2)
    assert result["parts"] == len(processing.split_text(text)) > 20
    assert len(result["relations"]) >= 300 and result["relations"][-1]["trigger_start"] > len(text) - 100
    assert most[0] <= 3  # a batch of two and the one being read
