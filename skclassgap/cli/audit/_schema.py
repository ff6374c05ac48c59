"""The JSON Schema of ``skclassgap audit --json`` (the parts users act on).

:data:`RESULT_SCHEMA` pins the verdict and its uncertainty: every strategy
that ran carries its change against the baseline with the interval bounds,
the verdict names a best strategy or None with the lead's interval, the
baseline's per-class records carry bootstrap bounds, and the headline has
its pooled and fold-mean figures. Other keys may be added; these may not
drift. The tests validate real runs against it.
"""

_NUMBER_OR_NULL = {"type": ["number", "null"]}

_INTERVAL = {
    "type": "object",
    "required": ["mean", "low", "high"],
    "properties": {
        "mean": {"type": "number"},
        "low": _NUMBER_OR_NULL,
        "high": _NUMBER_OR_NULL,
    },
}

_METRIC = {
    "type": "object",
    "required": ["mean", "std", "folds"],
    "properties": {
        "mean": {"type": "number"},
        "std": {"type": "number"},
        "folds": {"type": "array", "items": {"type": "number"}, "minItems": 2},
    },
}

_STRATEGY = {
    "type": "object",
    "required": ["status", "note", "summary"],
    "properties": {
        "status": {"enum": ["ok", "merged", "declined", "failed"]},
        "note": {"type": "string"},
        "summary": {"type": "string"},
        "metrics": {"type": "object", "additionalProperties": _METRIC},
        "fit_seconds": {"type": "number"},
        "rank": {"type": "integer", "minimum": 1},
        "same_as": {"type": "string"},
        "change": {
            "oneOf": [
                {"type": "null"},
                {
                    **_INTERVAL,
                    "required": [*_INTERVAL["required"], "improves"],
                    "properties": {
                        **_INTERVAL["properties"],
                        "improves": {"type": "boolean"},
                    },
                },
            ]
        },
    },
    "allOf": [
        {
            "if": {"properties": {"status": {"const": "ok"}}},
            "then": {"required": ["metrics", "fit_seconds", "rank", "change"]},
        },
        {
            "if": {"properties": {"status": {"const": "merged"}}},
            "then": {"required": ["same_as"]},
        },
    ],
}

_PER_CLASS = {
    "type": "object",
    "required": [
        "class",
        "support",
        "recall",
        "recall_low",
        "recall_high",
        "precision_low",
        "precision_high",
        "f1_low",
        "f1_high",
    ],
}

_VERDICT = {
    "type": "object",
    "required": [
        "objective",
        "column",
        "greater_is_better",
        "confidence",
        "method",
        "n_folds",
        "best",
        "lead",
        "baseline_value",
        "lead_value",
        "change",
        "first_two",
    ],
    "properties": {
        "confidence": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "n_folds": {"type": "integer", "minimum": 2},
        "best": {"type": ["string", "null"]},
        "lead": {"type": ["string", "null"]},
        "change": {"oneOf": [{"type": "null"}, _INTERVAL]},
        "first_two": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["names", "difference", "distinguishable"],
                    "properties": {
                        "names": {
                            "type": "array",
                            "items": {"type": "string"},
                            "minItems": 2,
                            "maxItems": 2,
                        },
                        "difference": _INTERVAL,
                        "distinguishable": {"type": "boolean"},
                    },
                },
            ]
        },
    },
}

RESULT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "skclassgap audit result",
    "type": "object",
    "required": [
        "skclassgap_version",
        "data",
        "cv",
        "objective",
        "baseline",
        "strategies",
        "ranking",
        "best",
        "verdict",
        "preprocessing",
    ],
    "properties": {
        "cv": {
            "type": "object",
            "required": ["n_splits", "n_repeats", "n_folds", "random_state"],
        },
        "baseline": {
            "type": "object",
            "required": ["headline", "fold_mean", "per_class"],
            "properties": {
                "per_class": {"type": "array", "items": _PER_CLASS, "minItems": 2},
                "fold_mean": {
                    "type": "object",
                    "additionalProperties": {"type": "number"},
                },
            },
        },
        "strategies": {
            "type": "object",
            "required": ["baseline"],
            "additionalProperties": _STRATEGY,
        },
        "ranking": {"type": "array", "items": {"type": "string"}},
        "best": {"type": ["string", "null"]},
        "verdict": _VERDICT,
        "preprocessing": {
            "type": "object",
            "required": ["single_feature_ranking", "leakage", "sentinels", "warnings"],
        },
    },
}
