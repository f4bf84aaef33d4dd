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


class _FullDisk:
    """A file object that fails every write as a full disk does."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        raise OSError(28, "No space left on device")

    def close(self):
        self.real.close()


def test_a_full_disk_is_a_one_line_error_and_the_previous_table_stays(tmp_path):
    from geoextract.errors import GeoextractError

    (tmp_path / "mentions.csv").write_text("previous")
    writer = TableWriter(tmp_path, "mentions", ("csv",))
    writer._csv_file = _FullDisk(writer._csv_file)
    writer._csv = csv.writer(writer._csv_file, lineterminator="\r\n")
    with pytest.raises(GeoextractError, match=r"^E038 cannot write .*\.mentions\.csv\.tmp: no space left on device \(free disk"):
        writer.write(_mention("Russia", 0))
    writer.abort()
    assert (tmp_path / "mentions.csv").read_text() == "previous" and not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(GeoextractError, match=r"^E038 cannot write .*gone.*: no such file or directory"):
        TableWriter(tmp_path / "gone", "mentions", ("csv", "parquet"))
    frame = pd.DataFrame({"actor_id": ["russia"], "name": ["Russia"]})
    with pytest.raises(GeoextractError, match=r"^E038 cannot write .*gone.*actors\.csv: .*non-existent directory"):
        write_frame(frame, tmp_path / "gone", "actors", ("csv",))


@pytest.mark.model
def test_a_write_that_fails_mid_run_is_one_line_and_resume_finishes(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from geoextract import table
    from geoextract.cli import app
    from geoextract.extraction import SAMPLE

    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(SAMPLE), "--out", str(out), "-q"]).exit_code == 0
    previous = (out / "relations.csv").read_bytes()
    real_write, calls = table.TableWriter.write, [0]

    def fills_up(self, row):
        calls[0] += 1
        if calls[0] > 40:
            raise table._write_error(self.paths[next(iter(self.paths))], OSError(28, "No space left on device"))
        real_write(self, row)

    monkeypatch.setattr(table.TableWriter, "write", fills_up)
    result = runner.invoke(app, ["extract", str(SAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"error: E038 cannot write {out / 'mentions.csv'}: no space left on device "
                                          "(free disk space, or choose another --out or --cache; a run stopped so can "
                                          "continue with --resume)"]
    assert (out / "relations.csv").read_bytes() == previous and not list(out.glob(".*.tmp"))
    monkeypatch.setattr(table.TableWriter, "write", real_write)
    result = runner.invoke(app, ["extract", str(SAMPLE), "--out", str(out), "-q", "--resume"])
    assert result.exit_code == 0 and (out / "relations.csv").read_bytes() == previous
