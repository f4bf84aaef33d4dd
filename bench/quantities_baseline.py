"""geoextract's quantities against quantulum3 on the same gold, scored by the same code.

quantulum3 (PyPI) is the usual library for amounts in text: it normalises money and percent
but has no notion of vague amounts ("tens of thousands") or of what a count counts ("eight
ships"). This script runs both on every gold document that lists quantities and scores them
with `geoextract.evaluation.score_quantities`, the function behind `geoextract evaluate`:
value+unit (the amount overlaps the gold text, same value or range, same unit) and referent.

    pip install quantulum3 stemming
    python bench/quantities_baseline.py tests/data/gold/dev.jsonl tests/data/gold/heldout.jsonl

Two quantulum3 readings are scored: as it is (a count's unit is quantulum's "dimensionless",
which never equals a counted noun), and helped by us: a dimensionless amount takes the word
after it as its counted noun ("8 ships" -> ships), the simplest rule a user would add.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from geoextract.evaluation import Evaluation, read_gold, score_quantities
from geoextract.pipeline import load_pipeline

CURRENCIES = {"dollar": "USD", "united states dollar": "USD", "euro": "EUR", "pound sterling": "GBP",
              "british pound": "GBP", "yen": "JPY", "japanese yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
              "chinese yuan": "CNY", "rouble": "RUB", "ruble": "RUB", "russian ruble": "RUB",
              "australian dollar": "AUD", "canadian dollar": "CAD", "swiss franc": "CHF", "indian rupee": "INR"}
_WORD = re.compile(r"\s*([A-Za-z][\w-]*)")


def quantulum_classifier() -> str | None:
    """quantulum3's unit classifier: the shipped one, or one retrained here when it cannot load.

    quantulum3 0.10 ships its classifier pickled by an older scikit-learn; a newer one cannot
    unpickle it ("No module named '_loss'"). quantulum3's documented remedy is to retrain it from
    the training data it ships (`classifier.train_classifier`, about 10 s; needs `stemming`).
    """
    from quantulum3 import classifier

    if not classifier.USE_CLF:
        return None
    try:
        classifier.classifier("en_US", None)
        return None
    except Exception as error:  # the pickle's failure modes vary with the scikit-learn version
        path = Path(tempfile.gettempdir()) / "geoextract-quantulum3-clf.joblib"
        if not path.exists():
            print(f"quantulum3: shipped classifier does not load ({error}); retraining it to {path}", file=sys.stderr)
            classifier.train_classifier(store=True, output_path=str(path))
        return str(path)


def quantulum_amounts(text: str, classifier_path: str | None = None) -> tuple[list[dict], list[dict]]:
    """quantulum3's amounts in the shape of `doc._.quantities` (no referent, qualifier or
    direction), from one parse: as it reads them, and with a count's next word as its unit."""
    from quantulum3 import parser

    plain, helped = [], []
    for quantity in parser.parse(text, classifier_path=classifier_path):
        start, end = quantity.span
        unit_name = (quantity.unit.name or "").lower()
        entity = (quantity.unit.entity.name or "").lower() if quantity.unit.entity else ""
        code = getattr(quantity.unit, "currency_code", None)
        if entity == "currency":
            unit = code or CURRENCIES.get(unit_name, unit_name)
        elif unit_name in ("percentage", "percent"):
            unit = "percent"
        else:
            unit = unit_name
        value = float(quantity.value)
        spread = float(quantity.uncertainty or 0)
        amount = {"start": start, "end": end, "text": quantity.surface, "value": value if not spread else None,
                  "low": value - spread if spread else value, "high": value + spread if spread else value,
                  "unit": "" if unit == "dimensionless" else unit, "referent": None}
        plain.append(amount)
        following = _WORD.match(text, end) if unit == "dimensionless" else None
        helped.append({**amount, "unit": following.group(1)} if following else amount)
    return plain, helped


def main(paths: list[str]) -> None:
    try:
        import quantulum3  # noqa: F401
    except ImportError:
        sys.exit("quantities_baseline: quantulum3 is not installed (pip install quantulum3)")
    classifier_path = quantulum_classifier()
    nlp = load_pipeline()
    docs = [doc for path in paths for doc in read_gold(Path(path)) if doc.get("quantities")]
    results = {name: Evaluation() for name in ("geoextract", "quantulum3", "quantulum3 + next word")}
    for gold, parsed in zip(docs, nlp.pipe(doc["text"] for doc in docs)):
        score_quantities(parsed.text, list(parsed._.quantities or []), gold, results["geoextract"])
        plain, helped = quantulum_amounts(gold["text"], classifier_path)
        score_quantities(gold["text"], plain, gold, results["quantulum3"])
        score_quantities(gold["text"], helped, gold, results["quantulum3 + next word"])
    gold_count = sum(len(doc["quantities"]) for doc in docs)
    print(f"{len(docs)} documents, {gold_count} gold amounts ({', '.join(paths)})\n")
    print(f"{'extractor':<24} {'value+unit P':>12} {'R':>6} {'F1':>6}   {'referent P':>10} {'R':>6} {'F1':>6}")
    for name, result in results.items():
        v, r = result.quantities["value+unit"], result.quantities["referent"]
        print(f"{name:<24} {v.precision:>12.3f} {v.recall:>6.3f} {v.f1:>6.3f}   {r.precision:>10.3f} {r.recall:>6.3f} {r.f1:>6.3f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/gold/dev.jsonl", "tests/data/gold/heldout.jsonl"])
