"""Tables: formula neutralisation in CSV (not Parquet), typed read-back, column subsets, atomic writes."""

import csv

import pandas as pd
import pytest

from geoextract.table import TableWriter, csv_cell, load_table, write_frame

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "'quoted", "'=both", "plain", "",
             "Кремль <&> \"q\""]


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_cells_never_start_a_formula(value):
    cell = csv_cell(value)
    assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_numbers_and_none_are_not_touched():
    assert csv_cell(-2.5) == -2.5 and csv_cell(None) == "" and csv_cell(3) == 3


def _mention(text: str, start: int) -> dict:
    return {"doc_id": "d1", "sent_index": 0, "text": text, "actor": text, "actor_id": f"a{start}",
            "actor_type": "org", "label": "ORG", "resolution": "ner", "start": start, "end": start + 1}


def test_streamed_csv_is_neutralised_and_reads_back_raw(tmp_path):
    writer = TableWriter(tmp_path, "mentions", ("csv", "parquet"))
    for index, value in enumerate(DANGEROUS):
        writer.write(_mention(value, index))
    assert not (tmp_path / "mentions.csv").exists()  # nothing under the final name until close()
    writer.close()
    with open(tmp_path / "mentions.csv", newline="", encoding="utf-8") as stream:
        cells = [row["text"] for row in csv.DictReader(stream)]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    from_csv = load_table(tmp_path / "mentions.csv", "mentions")
    from_parquet = load_table(tmp_path / "mentions.parquet", "mentions")
    assert from_csv["text"].fillna("").tolist() == from_parquet["text"].fillna("").tolist() == DANGEROUS
    assert from_csv["start"].tolist() == list(range(len(DANGEROUS)))


def test_whole_frames_are_neutralised_too(tmp_path):
    frame = pd.DataFrame({"actor_id": ["=cmd"], "name": ["-x"], "type": ["org"], "label": ["ORG"], "aliases": ["@a"],
                          "mentions": [-1], "documents": [1]})
    write_frame(frame, tmp_path, "actors", ("csv",))
    text = (tmp_path / "actors.csv").read_text()
    assert "'=cmd" in text and "'-x" in text and "'@a" in text and ",-1," in text
    back = load_table(tmp_path / "actors.csv", "actors")
    assert back.loc[0, "actor_id"] == "=cmd" and back.loc[0, "mentions"] == -1


def test_a_subset_of_columns(tmp_path):
    writer = TableWriter(tmp_path, "mentions", ("csv", "parquet"))
    writer.write(_mention("Russia", 0))
    writer.close()
    for suffix in ("csv", "parquet"):
        frame = load_table(tmp_path / f"mentions.{suffix}", "mentions", columns=["doc_id", "start"])
        assert list(frame.columns) == ["doc_id", "start"] and frame["start"].dtype == "Int64"


def test_abort_leaves_the_previous_table(tmp_path):
    (tmp_path / "mentions.csv").write_text("previous")
    writer = TableWriter(tmp_path, "mentions", ("csv",))
    writer.write(_mention("Russia", 0))
    writer.abort()
    assert (tmp_path / "mentions.csv").read_text() == "previous"
    assert not list(tmp_path.glob(".*.tmp"))
