#!/usr/bin/env python3
"""Fits the overlay router: a logistic regression p(overlay | features) on the features the
Swift code emits and their pairwise products, and writes the coefficients as Swift constants.

Input: the generator's manifest (for labels and the by-photo split) and a JSON-lines file with
one object per image: {"id": ..., "features": {name: value, ...}} as printed by
`retouch detect IMAGE --json --features` (see training/overlays/README.md for the loop).
`--fit FEATURES --fit-manifest M` fits on the training photos of another (larger) set made by
the same generator, such as `generate.py --variants 24`; the held-back figures always come from
the test photos of the first set, which no fit sees.

Model: the features, plus every product of two features (interactions such as "many regions
but each small" that a linear score cannot express), are standardised on the training split
and fitted by Newton's method with an L2 penalty (no intercept penalty). The penalty is chosen
by 5-fold cross-validation by photo on the training split (lowest log loss), never by the
held-back figures. The standardisation is folded into the coefficients, so the Swift side is
b + w.x + sum of q_ij x_i x_j. Logistic regression fitted by maximum likelihood is calibrated on
data like its training data; the reliability table on the held-back split checks that.

Evaluation on the test split (photos never seen in training): ROC AUC, accuracy at the 0.6
threshold, the share of clean images above 0.6, and a reliability table.

With --evaluate-only nothing is fitted: the overlay_probability the Swift router printed for
each image (with the committed coefficients) is evaluated instead, end to end.

usage: train_router.py FEATURES.jsonl [--manifest M] [--fit F.jsonl --fit-manifest M]
                       [--swift OUT.swift] [--l2 L] [--evaluate-only]
"""
import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = 0.6


def load(features_path, manifest_path):
    rows = {r["id"]: r for r in csv.DictReader(open(manifest_path), delimiter="\t")}
    names, data = None, []
    for line in open(features_path):
        obj = json.loads(line)
        feats = obj["features"]
        if names is None:
            names = list(feats)
        row = rows.get(obj["id"])
        if row is None:
            continue
        data.append((obj["id"], row["split"], int(row["label"]), [feats[n] for n in names], row["kinds"],
                     obj.get("overlay_probability"), row["photo"]))
    return names, data


def fit(x, y, l2, iterations=50):
    """Newton-Raphson for L2-penalised logistic regression; w[0] is the unpenalised intercept."""
    X = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], l2)
    penalty[0] = 0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-X @ w))
        gradient = X.T @ (p - y) + penalty * w
        hessian = (X * (p * (1 - p))[:, None]).T @ X + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def pairs(count):
    return [(i, j) for i in range(count) for j in range(i, count)]


def expand(x):
    """The features followed by every product x_i * x_j (i <= j)."""
    return np.hstack([x] + [(x[:, i] * x[:, j])[:, None] for i, j in pairs(x.shape[1])])


class Router:
    """Degree-2 logistic regression with the standardisation folded in: p = sigmoid(b + c.expand(x))."""

    def __init__(self, x, y, l2):
        e = expand(x)
        mean, std = e.mean(axis=0), e.std(axis=0)
        std[std == 0] = 1
        w = fit((e - mean) / std, y, l2)
        self.standardised = w[1:]
        self.coefficients = w[1:] / std
        self.intercept = w[0] - (w[1:] * mean / std).sum()

    def predict(self, x):
        return 1 / (1 + np.exp(-(expand(x) @ self.coefficients + self.intercept)))


def log_loss(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def cross_validated_l2(x, y, photos, candidates=(1, 3, 10, 30, 100, 300), folds=5, repeats=2):
    """The L2 penalty with the lowest log loss over folds that keep each photo on one side."""
    unique = np.unique(photos)
    losses = {}
    for l2 in candidates:
        total = []
        for repeat in range(repeats):
            order = np.random.default_rng(repeat).permutation(unique)
            p = np.zeros(len(y))
            for fold in np.array_split(order, folds):
                held = np.isin(photos, fold)
                p[held] = Router(x[~held], y[~held], l2).predict(x[held])
            total.append(log_loss(p, y))
        losses[l2] = float(np.mean(total))
    print("cross-validated log loss by L2:", ", ".join(f"{l2}: {loss:.4f}" for l2, loss in losses.items()))
    return min(losses, key=losses.get)


def roc_auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    # average ranks over ties
    for s in np.unique(scores):
        tie = scores == s
        ranks[tie] = ranks[tie].mean()
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def reliability(p, y, bins=10):
    lines = ["  bin         n   mean p   observed"]
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if inside.sum() == 0:
            continue
        lines.append(f"  {lo:.1f}-{hi:.1f}  {inside.sum():5d}   {p[inside].mean():.3f}    {y[inside].mean():.3f}")
    return "\n".join(lines)


def evaluate(sets, test_rows):
    """Prints AUC, accuracy and clean share above the threshold per set, the test reliability
    table and the share above the threshold per overlay kind; returns the summary lines."""
    report = []
    for name, (p, y) in sets.items():
        if len(p) == 0:
            continue
        auc = roc_auc(p, y)
        acc = ((p >= THRESHOLD) == (y == 1)).mean()
        clean_above = (p[y == 0] >= THRESHOLD).mean()
        missed = (p[y == 1] < THRESHOLD).mean()
        report.append(f"{name}: n={len(p)} ROC AUC {auc:.4f}  accuracy@{THRESHOLD} {acc:.4f}  "
                      f"clean above {THRESHOLD}: {clean_above:.4f}  overlays below: {missed:.4f}")
    print("\n".join(report))
    p_test, y_test = sets["test"]
    print("reliability (test):")
    print(reliability(p_test, y_test))
    kinds = {}
    for row, p in zip(test_rows, p_test):
        for k in (row[4].split("+") if row[4] else ["clean"]):
            kinds.setdefault(k, []).append(p)
    print("share above threshold by kind (test):",
          ", ".join(f"{k} {np.mean(np.array(v) >= THRESHOLD):.3f} (n={len(v)})" for k, v in sorted(kinds.items())))
    return report


def swift_source(names, router, summary):
    count = len(names)
    linear = "\n".join(f'        "{n}": {c:+.8g},' for n, c in sorted(zip(names, router.coefficients[:count])))
    keyed = sorted(("*".join(sorted((names[i], names[j]))), c)
                   for (i, j), c in zip(pairs(count), router.coefficients[count:]))
    pair_lines = "\n".join(f'        "{k}": {c:+.8g},' for k, c in keyed)
    return f'''// Generated by training/overlays/train_router.py from the synthetic overlay set; do not edit.
// {summary}

extension OverlayRouter {{
    /// Weight per feature name, standardisation folded in.
    public static let fittedWeights: [String: Double] = [
{linear}
    ]
    /// Weight per product of two features, keyed by the two names in alphabetical order joined by "*".
    public static let fittedPairWeights: [String: Double] = [
{pair_lines}
    ]
    public static let fittedIntercept: Double = {router.intercept:+.8g}
}}
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("features", help="features of the set whose test photos give the held-back figures")
    parser.add_argument("--manifest", default=str(ROOT / "bench/data/overlays/manifest.tsv"))
    parser.add_argument("--fit", help="fit on this set's training photos instead (same generator and seed)")
    parser.add_argument("--fit-manifest", help="the manifest of --fit's set")
    parser.add_argument("--swift", help="write the coefficients to this Swift file")
    parser.add_argument("--l2", type=float, help="L2 penalty (default: chosen by cross-validation by photo)")
    parser.add_argument("--evaluate-only", action="store_true",
                        help="evaluate the probabilities the Swift router printed; fit nothing")
    args = parser.parse_args()

    names, data = load(args.features, args.manifest)
    test_rows = [d for d in data if d[1] == "test"]
    x_test = np.array([d[3] for d in test_rows], dtype=float)
    y_test = np.array([d[2] for d in test_rows], dtype=float)
    if args.fit:
        fit_names, fit_data = load(args.fit, args.fit_manifest or str(Path(args.fit).parent / "manifest.tsv"))
        if fit_names != names:
            sys.exit(f"{args.fit} has features {fit_names}, {args.features} has {names}: extract both with one binary")
    else:
        fit_data = data
    train_rows = [d for d in fit_data if d[1] == "train"]
    if {d[6] for d in train_rows} & {d[6] for d in test_rows}:
        sys.exit("a photo is in both the fitting set's training split and the held-back split: generate both sets with one seed")
    x_train = np.array([d[3] for d in train_rows], dtype=float)
    y_train = np.array([d[2] for d in train_rows], dtype=float)
    if args.evaluate_only:
        evaluate({"train": (np.array([d[5] for d in train_rows], dtype=float), y_train),
                  "test": (np.array([d[5] for d in test_rows], dtype=float), y_test)}, test_rows)
        return
    l2 = args.l2 if args.l2 is not None else cross_validated_l2(x_train, y_train, np.array([d[6] for d in train_rows]))
    router = Router(x_train, y_train, l2)
    print(f"fitted on {len(train_rows)} training images, L2 {l2}")
    report = evaluate({"train": (router.predict(x_train), y_train), "test": (router.predict(x_test), y_test)},
                      test_rows)
    strongest = np.argsort(-np.abs(router.standardised))[:12]
    labels = names + [f"{names[i]}*{names[j]}" for i, j in pairs(len(names))]
    print("largest standardised weights:", ", ".join(f"{labels[k]} {router.standardised[k]:+.2f}" for k in strongest))
    if args.swift:
        summary = report[-1].replace("test:", "held-back photos:")
        Path(args.swift).write_text(swift_source(names, router, summary))
        print(f"wrote {args.swift}")


if __name__ == "__main__":
    main()
