"""The benchmark scripts the README documents run and print what it says they print.

These check that the commands work on a few documents; the figures themselves are measured
by running the scripts on the real corpora (README, "Speed and memory"), never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

SAMPLE = ROOT / "src" / "geoextract" / "sample" / "articles.jsonl"


def run_script(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.model
def test_bench_compares_bare_spacy_and_extract_in_one_run(tmp_path):
    figures = tmp_path / "figures.json"
    done = run_script("bench/bench.py", "--corpus", str(SAMPLE), "--limit", "4", "--n-process", "1",
                      "--skip", "blis", "--json", str(figures))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "spacy-1" in done.stdout and "geoextract-1" in done.stdout
    assert "identical outputs: True" in done.stdout
    assert "geoextract-1 vs spacy-bulk-1" in done.stdout
    result = json.loads(figures.read_text())
    assert set(result) == {"spacy-1", "geoextract-1", "spacy-bulk-1", "cache-cold", "cache-warm"}
    assert result["spacy-1"]["words"] == result["geoextract-1"]["words"] > 0  # the same text on both sides
    assert result["spacy-bulk-1"]["words"] == result["spacy-1"]["words"]
    assert all(result[name]["peak_rss_mb"] > 0 for name in result)


def test_bench_refuses_a_missing_corpus(tmp_path):
    done = run_script("bench/bench.py", "--corpus", str(tmp_path / "none.jsonl"))
    assert done.returncode != 0
    assert "not found" in done.stderr and "Traceback" not in done.stderr


def test_claims_scale_builds_tables_and_graph_from_synthetic_rows():
    done = run_script("bench/claims_scale.py", "2000", "300")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2,000" in done.stdout or "2000" in done.stdout


@pytest.mark.model
def test_quantities_baseline_scores_both_extractors():
    pytest.importorskip("quantulum3", reason="the baseline needs quantulum3 (pip install quantulum3 stemming)")
    pytest.importorskip("stemming", reason="retraining quantulum3's classifier needs stemming")
    done = run_script("bench/quantities_baseline.py", "tests/data/gold/dev.jsonl")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith(("geoextract", "quantulum3"))}
    assert {"geoextract", "quantulum3"} <= set(lines)
