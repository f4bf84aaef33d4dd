"""The result store: content keys, JSON round trips, damaged entries, commits that survive a kill."""

import sqlite3
import subprocess
import sys

from geoextract.results import RESULT_VERSION, ResultStore, content_key

RESULT = {"v": RESULT_VERSION, "parts": 1, "words": 3, "sents": 1, "mentions": [], "quantities": [],
          "relations": [{"source": "Кремль & <Co>", "confidence": 0.65}], "actors": {}}


def test_content_key_depends_on_text_and_fingerprint():
    assert content_key("Russia warned Japan.", "a") == content_key("Russia warned Japan.", "a")
    assert content_key("Russia warned Japan.", "a") != content_key("Russia warned Japan!", "a")
    assert content_key("Russia warned Japan.", "a") != content_key("Russia warned Japan.", "b")
    assert content_key("bad \udc80 surrogate", "a")  # text decoded with surrogateescape still keys


def test_store_round_trip_and_misses(tmp_path):
    store = ResultStore(tmp_path / "r.sqlite")
    assert store.get("k") is None
    store.put("k", RESULT)
    assert store.get("k") == RESULT
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
