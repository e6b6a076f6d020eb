#!/usr/bin/python3
"""Convert a fitted scikit-learn IsolationForest (+ optional StandardScaler and feature
names) into an isoscope model JSON.

    /usr/bin/python3 tools/sklearn_to_isoscope.py MODEL.pkl [--scaler SCALER.pkl]
        [--features FEATURES.json] -o model.json

Loading a pickle runs code from it: convert only files you trust.
Feature names must be the column names isoscope's readers give the data
(C-MAPSS: unit_number, time_in_cycles, op_setting_1..3, sensor_1..21).
"""
import argparse
import datetime
import hashlib
import json
import math
import sys


def fail(message):
    print(f"sklearn_to_isoscope: {message}", file=sys.stderr)
    sys.exit(1)


def load(path, what):
    try:
        import joblib
        return joblib.load(path)
    except FileNotFoundError:
        fail(f"{what} {path}: no such file")
    except Exception as exc:  # a converter must explain, not trace back
        fail(f"{what} {path} could not be loaded: {exc}")


def feature_names(args, forest, scaler, n_features):
    if args.features:
        try:
            with open(args.features) as fh:
                names = json.load(fh)
        except Exception as exc:
            fail(f"features file {args.features}: {exc}")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            fail(f"features file {args.features} must hold a JSON list of strings")
    else:
        source = getattr(scaler, "feature_names_in_", None)
        if source is None:
            source = getattr(forest, "feature_names_in_", None)
        if source is None:
            fail("the model has no feature names: pass --features FEATURES.json (a JSON list of column names)")
        names = [str(n) for n in source]
    if len(names) != n_features:
        fail(f"{len(names)} feature names for a model fitted on {n_features} features")
    return names


def tree_json(estimator, features):
    tree = estimator.tree_
    left = [int(v) for v in tree.children_left]
    out = {"feature": [], "threshold": [], "left": left, "right": [int(v) for v in tree.children_right], "size": []}
    for node in range(tree.node_count):
        leaf = left[node] == -1
        out["feature"].append(-1 if leaf else int(features[int(tree.feature[node])]))
        out["threshold"].append(0.0 if leaf else float(tree.threshold[node]))
        out["size"].append(int(tree.n_node_samples[node]))
    return out


def finite_list(values, what):
    out = [float(v) for v in values]
    if not all(math.isfinite(v) for v in out):
        fail(f"{what} holds a non-finite value")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--scaler")
    parser.add_argument("--features")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()

    import sklearn
    from sklearn.ensemble import IsolationForest

    forest = load(args.model, "model")
    if not isinstance(forest, IsolationForest):
        fail(f"{args.model} holds a {type(forest).__name__}, not a fitted IsolationForest")
    if not hasattr(forest, "estimators_"):
        fail(f"{args.model}: the IsolationForest is not fitted")
    scaler = load(args.scaler, "scaler") if args.scaler else None
    n_features = int(forest.n_features_in_)
    names = feature_names(args, forest, scaler, n_features)

    if scaler is not None:
        if getattr(scaler, "n_features_in_", n_features) != n_features:
            fail(f"the scaler was fitted on {scaler.n_features_in_} features, the forest on {n_features}")
        mean = scaler.mean_ if getattr(scaler, "mean_", None) is not None and scaler.with_mean else [0.0] * n_features
        scale = scaler.scale_ if getattr(scaler, "scale_", None) is not None and scaler.with_std else [1.0] * n_features
    else:
        mean, scale = [0.0] * n_features, [1.0] * n_features

    with open(args.model, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    contamination = forest.contamination if forest.contamination == "auto" else float(forest.contamination)
    max_samples = forest.max_samples if isinstance(forest.max_samples, str) else forest.max_samples
    model = {
        "format": "isoscope-model",
        "version": 1,
        "id": f"sklearn-{digest[:12]}",
        "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "features": names,
        "scaler": {"mean": finite_list(mean, "scaler mean"), "scale": finite_list(scale, "scaler scale")},
        "forest": {
            "kind": "isolation-forest",
            "maxSamples": int(forest.max_samples_),
            "trees": [tree_json(est, feats) for est, feats in zip(forest.estimators_, forest.estimators_features_)],
        },
        "threshold": {"contamination": contamination, "offset": float(forest.offset_)},
        "training": {
            "producer": f"scikit-learn {sklearn.__version__} via sklearn_to_isoscope.py",
            "params": {
                "trees": int(forest.n_estimators),
                "maxSamples": max_samples if max_samples == "auto" else float(max_samples),
                "maxFeatures": float(forest.max_features),
                "bootstrap": bool(forest.bootstrap),
                "contamination": contamination,
                "seed": forest.random_state if isinstance(forest.random_state, int) else None,
            },
            "rows": 0,
            "baseline": "unknown",
            "fingerprint": f"sklearn-pickle-sha256:{digest}",
            "source": args.model,
        },
        "metrics": {},
    }
    try:
        with open(args.output, "w") as fh:
            json.dump(model, fh, allow_nan=False)
    except OSError as exc:
        fail(f"cannot write {args.output}: {exc}")
    print(f"sklearn_to_isoscope: wrote {args.output} ({len(model['forest']['trees'])} trees, {n_features} features)", file=sys.stderr)


if __name__ == "__main__":
    main()
