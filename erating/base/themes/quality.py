"""How well the matcher finds themes: precision, recall and F1 per theme and language against the
labelled comments in tests/data/themes_<language>.tsv (language, themes, comment; written for this
purpose, 100 per language). Used by the tests (a floor) and `bench.themes` (the figures)."""
from pathlib import Path

from erating.base.themes.taxonomy import CODES

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"


def labelled(language, folder=DATA):
    """-> [(text, set of theme codes)]"""
    out = []
    for line in (folder / f"themes_{language}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            _, codes, text = line.split("\t")
            out.append((text, {c for c in codes.split(",") if c}))
    return out


def evaluate(matcher, language, folder=DATA):
    """-> {"items", "per_theme": {code: (precision, recall, f1, support)}, "macro_f1"}; themes
    with neither a label nor a match in the set are left out of the macro average."""
    items = labelled(language, folder)
    tp, fp, fn = dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0)
    for text, gold in items:
        found = matcher.match(text)
        for code in CODES:
            tp[code] += code in found and code in gold
            fp[code] += code in found and code not in gold
            fn[code] += code in gold and code not in found
    per_theme = {}
    for code in CODES:
        if not (tp[code] + fp[code] + fn[code]):
            continue
        precision = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else 0.0
        recall = tp[code] / (tp[code] + fn[code]) if tp[code] + fn[code] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_theme[code] = (precision, recall, f1, tp[code] + fn[code])
    macro = sum(v[2] for v in per_theme.values()) / len(per_theme) if per_theme else 0.0
    return {"items": items, "per_theme": per_theme, "macro_f1": macro}
