"""How a fitted model does for each group of learners, measured with fairlearn's MetricFrame.

For every group attribute (language, country, gender where consented) the held-out answers
are split by the learner's group, and each group gets its AUC, its calibration (mean
predicted success minus observed success) and its predicted mastery rate (the share of its
learners' skills the model calls mastered). The disparity ratio of a metric is the worst
group's value over the best's; below the threshold (the four-fifths rule, 0.8, by default)
the model is flagged. A group with fewer than ``MIN_ANSWERS`` answers (for the mastery rate,
learner-skill pairs) is reported, not judged: its figures are mostly noise.
No Django here: the service feeds it arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from fairlearn.metrics import MetricFrame, count
from sklearn.metrics import roc_auc_score

MIN_ANSWERS = 30


def _auc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(roc_auc_score(y_true, y_pred)) if len(np.unique(y_true)) == 2 else math.nan


def _calibration(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_pred) - np.mean(y_true))


def _clean(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 4)


def audit(
    correct: np.ndarray,
    predicted: np.ndarray,
    groups: Mapping[str, np.ndarray],
    mastered: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
    threshold: float = 0.8,
) -> dict[str, Any]:
    """Metrics by group for each attribute, their disparity ratios and what is flagged.

    ``groups``: attribute -> the group of each answer's learner ("" where unknown).
    ``mastered``: attribute -> (mastered flag, group) per learner and skill, when the model
    says what is mastered (BKT)."""
    out: dict[str, Any] = {"threshold": threshold, "attributes": {}, "flagged": []}
    for attribute, labels in groups.items():
        known = labels != ""
        if len(np.unique(labels[known])) < 2:
            continue
        frame = MetricFrame(
            metrics={"n": count, "auc": _auc, "calibration": _calibration},
            y_true=correct[known],
            y_pred=predicted[known],
            sensitive_features=labels[known],
        )
        by_group: dict[str, dict[str, Any]] = {
            str(g): {k: int(v) if k == "n" else _clean(v) for k, v in row.items()}
            for g, row in frame.by_group.iterrows()
        }
        if mastered and attribute in mastered:
            flags, owners = mastered[attribute]
            mask = owners != ""
            rates = MetricFrame(
                metrics={"pairs": count, "rate": lambda y_true, y_pred: float(np.mean(y_pred))},
                y_true=flags[mask],
                y_pred=flags[mask],
                sensitive_features=owners[mask],
            )
            for g, row in rates.by_group.iterrows():
                found = by_group.setdefault(str(g), {})
                found["mastery_rate"] = _clean(row["rate"])
                found["mastery_pairs"] = int(row["pairs"])
        ratios = {}
        for metric, size in (("auc", "n"), ("mastery_rate", "mastery_pairs")):
            judged = [m for m in by_group.values() if (m.get(size) or 0) >= MIN_ANSWERS]
            values = [m[metric] for m in judged if m.get(metric) is not None]
            if len(values) >= 2 and max(values) > 0:
                ratios[metric] = round(min(values) / max(values), 4)
        sized = [m for m in by_group.values() if (m.get("n") or 0) >= MIN_ANSWERS]
        calibration = [m["calibration"] for m in sized if m.get("calibration") is not None]
        gap = round(max(calibration) - min(calibration), 4) if len(calibration) >= 2 else None
        flagged = sorted(m for m, r in ratios.items() if r < threshold)
        out["attributes"][attribute] = {
            "by_group": by_group,
            "ratios": ratios,
            "calibration_gap": gap,
            "flagged": flagged,
        }
        out["flagged"] += [f"{attribute}:{metric}" for metric in flagged]
    return out
