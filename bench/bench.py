"""Throughput and memory of `geoextract extract` against bare spaCy, measured in one run.

Every measurement runs in its own fresh process, on the same corpus, model, cores, thread
settings and batch size, one after the other, and reports words per second (non-punctuation
tokens, counted the same way for both), wall time and peak resident memory of the whole
process tree (main process plus workers, sampled from /proc).

    python bench/bench.py --corpus ../shared/corpus/bbc.jsonl --limit 500
    python bench/bench.py --corpus ../shared/corpus/reuters21578.jsonl --rss-scaling 2000,20000

Measurements:
- spacy-N: `nlp.pipe(texts, n_process=N, batch_size=B)` with the model alone (no geoextract
  components, nothing written), thinc ops as geoextract runs them (NumpyOps without blis);
  spacy-blis-1 is the same with spaCy's default ops, for reference.
- spacy-bulk-1: bare spaCy with geoextract's bulk attribute ruler and lemmatizer
  (`geoextract.attributes`, the same annotations, and part of why geoextract-1 keeps up with
  spacy-1); geoextract-1 against it is the cost of geoextract's own stages and output alone.
- geoextract-N: `geoextract extract CORPUS --n-process N` end to end, all outputs written.
- cache: the same extract run twice with `--cache`, cold then warm.
- rss-scaling: peak memory of geoextract extract on the first M and the first K documents.

The words/s of a run counts everything after the interpreter starts (imports, model load,
reading, writing), the same for both sides; `--limit` large enough makes that start small.
Besides wall time, each run reports the CPU time of its whole process tree (user + system,
from getrusage of the finished children) and words per CPU-second: on a machine shared with
other jobs, wall time measures the neighbours too, CPU time much less. `--repeat N` runs each
pair (spaCy, then geoextract) N times, alternating, and keeps each side's fastest run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREADS = {var: "1" for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")}

BARE = r"""
import json, sys
from thinc.api import use_ops
import spacy
path, limit, n_process, batch_size, fast = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
model, bulk = sys.argv[6], sys.argv[7] == "1"
def texts():
    with open(path, encoding="utf-8") as stream:
        for n, line in enumerate(stream):
            if n >= limit:
                break
            text = json.loads(line).get("text")
            if isinstance(text, str) and text.strip():
                yield text
if fast:
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(model)
else:
    nlp = spacy.load(model)
if bulk:
    sys.path.insert(0, sys.argv[8])
    from geoextract.attributes import speed_up
    speed_up(nlp)
words = docs = 0
for doc in nlp.pipe(texts(), n_process=n_process, batch_size=batch_size):
    words += sum(1 for token in doc if not token.is_punct and not token.is_space)
    docs += 1
print(json.dumps({"words": words, "documents": docs}))
"""


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(command: list[str], env: dict[str, str]) -> dict:
    """Run a command; return its wall time, peak tree RSS and stdout."""
    peak = [0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and every process it waited for
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command[:4])} ... failed ({process.returncode}):\n{stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak[0] / 2**20, "stdout": stdout}


def slice_corpus(corpus: Path, limit: int, folder: Path) -> Path:
    """The first `limit` lines of a JSONL corpus, as the file both sides read."""
    path = folder / f"{corpus.stem}-{limit}.jsonl"
    with open(corpus, encoding="utf-8") as source, open(path, "w", encoding="utf-8") as target:
        for n, line in enumerate(source):
            if n >= limit:
                break
            target.write(line)
    return path


def run_bare(corpus: Path, limit: int, n_process: int, args: argparse.Namespace, env: dict, fast: bool = True,
             bulk: bool = False) -> dict:
    result = measure([sys.executable, "-c", BARE, str(corpus), str(limit), str(n_process), str(args.batch_size),
                      "1" if fast else "0", args.model, "1" if bulk else "0", str(ROOT / "src")], env)
    counts = json.loads(result["stdout"])
    return {**result, **counts, "wps": counts["words"] / result["wall_s"], "wpcs": counts["words"] / result["cpu_s"]}


def run_geoextract(corpus: Path, out: Path, n_process: int, args: argparse.Namespace, env: dict,
                   extra: list[str] | None = None) -> dict:
    command = [sys.executable, "-m", "geoextract", "extract", str(corpus), "--out", str(out), "--quiet",
               "--n-process", str(n_process), "--batch-size", str(args.batch_size), "--model", args.model,
               *(extra or [])]
    result = measure(command, env)
    run = json.loads((out / "run.json").read_text())
    counts = run["counts"]
    return {**result, "words": counts["words"], "documents": counts["documents"], "relations": counts["relations"],
            "wps": counts["words"] / result["wall_s"], "wpcs": counts["words"] / result["cpu_s"]}


def fastest(best: dict | None, result: dict) -> dict:
    return result if best is None or result["wall_s"] < best["wall_s"] else best


def show(name: str, result: dict, base: dict | None = None) -> None:
    ratio = f"{result['wps'] / base['wps']:>5.2f}x" if base else " " * 6
    cpu_ratio = f"{result['wpcs'] / base['wpcs']:>5.2f}x" if base else ""
    print(f"{name:<18} {result['documents']:>7} {result['words']:>10} {result['wall_s']:>9.1f} "
          f"{result['wps']:>9.0f} {result['peak_rss_mb']:>9.0f}  {ratio} {result['cpu_s']:>9.1f} "
          f"{result['wpcs']:>9.0f}  {cpu_ratio}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "bbc.jsonl")
    parser.add_argument("--limit", type=int, default=500, help="first N documents of the corpus")
    parser.add_argument("--n-process", default="1,2", help="process counts to compare, e.g. 1,2")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default=None, help="spaCy pipeline [default: geoextract's default]")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: blis,bulk,cache,spacy")
    parser.add_argument("--rss-scaling", default="", help="two sizes, e.g. 2000,20000: peak RSS of each")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side, alternating; the fastest counts")
    parser.add_argument("--json", type=Path, help="also write all figures here")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"bench: corpus {args.corpus} not found (give --corpus PATH to a JSONL file with 'text')")
    if args.model is None:
        sys.path.insert(0, str(ROOT / "src"))
        from geoextract.pipeline import default_model

        args.model = default_model()
    env = {**os.environ, **THREADS}
    skip = set(filter(None, args.skip.split(",")))
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = slice_corpus(args.corpus, args.limit, folder)
        print(f"corpus {args.corpus.name}, first {args.limit} documents; model {args.model}; batch size "
              f"{args.batch_size}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} before the runs\n")
        print(f"{'run':<18} {'docs':>7} {'words':>10} {'wall s':>9} {'words/s':>9} {'peak MB':>9}  ratio  "
              f"{'CPU s':>9} {'words/CPU-s':>9}  ratio")
        counts = [int(n) for n in args.n_process.split(",")]
        for n in counts:
            bare = ours = None
            for _ in range(args.repeat):  # alternate the two sides; keep each one's fastest run
                if "spacy" not in skip:
                    bare = fastest(bare, run_bare(corpus, args.limit, n, args, env))
                ours = fastest(ours, run_geoextract(corpus, folder / f"out-{n}", n, args, env))
            if bare:
                figures[f"spacy-{n}"] = bare
                show(f"spacy-{n}", bare)
            figures[f"geoextract-{n}"] = ours
            show(f"geoextract-{n}", ours, bare)
        if "blis" not in skip and "spacy" not in skip:
            figures["spacy-blis-1"] = run_bare(corpus, args.limit, 1, args, env, fast=False)
            show("spacy-blis-1", figures["spacy-blis-1"], figures.get("spacy-1"))
        if "bulk" not in skip and "spacy" not in skip and "geoextract-1" in figures:
            figures["spacy-bulk-1"] = run_bare(corpus, args.limit, 1, args, env, bulk=True)
            show("spacy-bulk-1", figures["spacy-bulk-1"], figures.get("spacy-1"))
            ratio = figures["geoextract-1"]["wps"] / figures["spacy-bulk-1"]["wps"]
            print(f"\ngeoextract-1 vs spacy-bulk-1 (the cost of geoextract's own stages and output): {ratio:.2f}x")
        if len(counts) > 1:
            first, last = figures[f"geoextract-{counts[0]}"], figures[f"geoextract-{counts[-1]}"]
            print(f"\ngeoextract --n-process {counts[-1]} vs {counts[0]}: {last['wps'] / first['wps']:.2f}x")
        if "cache" not in skip:
            cache = folder / "cache"
            cold = run_geoextract(corpus, folder / "out-cold", 1, args, env, ["--cache", str(cache)])
            warm = run_geoextract(corpus, folder / "out-warm", 1, args, env, ["--cache", str(cache)])
            figures["cache-cold"], figures["cache-warm"] = cold, warm
            same = all((folder / "out-cold" / name).read_bytes() == (folder / "out-warm" / name).read_bytes()
                       for name in ("relations.csv", "mentions.csv", "quantities.csv", "actors.csv", "graph.graphml"))
            print(f"cache: cold {cold['wall_s']:.1f} s, warm {warm['wall_s']:.1f} s: "
                  f"{cold['wall_s'] / warm['wall_s']:.1f}x faster; identical outputs: {same}")
        if args.rss_scaling:
            small, large = (int(n) for n in args.rss_scaling.split(","))
            peaks = []
            for size in (small, large):
                sliced = slice_corpus(args.corpus, size, folder)
                result = run_geoextract(sliced, folder / f"out-rss-{size}", 1, args, env)
                figures[f"rss-{size}"] = result
                show(f"rss-{size}", result)
                peaks.append(result["peak_rss_mb"])
            print(f"peak RSS {large} vs {small} documents: {peaks[1] / peaks[0]:.2f}x")
    print(f"\nload average {os.getloadavg()[0]:.2f} after the runs (above 0.5 means other jobs shared the CPUs)")
    if args.json:
        args.json.write_text(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "stdout"}
                                         for k, v in figures.items()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
