"""How well a fitted model predicts answers it has not seen: AUC, RMSE, log-loss and
calibration, overall and for each group of learners (for bias audits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

from edubridge.kt.data import Responses

BINS = 10


def scores(correct: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    """The metrics of predictions against answers. AUC is None when only one outcome occurs."""
    correct = np.asarray(correct, dtype=float)
    predicted = np.clip(np.asarray(predicted, dtype=float), 1e-9, 1 - 1e-9)
    if len(correct) == 0:
        return {"n": 0, "auc": None, "rmse": None, "log_loss": None, "calibration": []}
    both = len(np.unique(correct)) == 2
    bins = np.minimum((predicted * BINS).astype(int), BINS - 1)
    calibration = [
        {
            "bin": f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}",
            "n": int((bins == b).sum()),
            "predicted": float(predicted[bins == b].mean()),
            "observed": float(correct[bins == b].mean()),
        }
        for b in range(BINS)
        if (bins == b).any()
    ]
    return {
        "n": len(correct),
        "auc": float(roc_auc_score(correct, predicted)) if both else None,
        "rmse": float(np.sqrt(np.mean((correct - predicted) ** 2))),
        "log_loss": float(log_loss(correct, predicted, labels=[0, 1])),
        "calibration": calibration,
    }


def cross_evaluate(scored: Sequence[tuple[Any, Responses]]) -> dict[str, Any]:
    """The metrics of out-of-fold predictions pooled: each pair is a model and the answers
    of learners it was not fitted on (``Responses.folds_by_learner``)."""
    if not scored:
        return scores(np.zeros(0), np.zeros(0))
    correct = np.concatenate([test.at_input_rows(test.correct) for _, test in scored])
    predicted = np.concatenate([model.predict_proba(test) for model, test in scored])
    return scores(correct, predicted)


def evaluate(
    model: Any, responses: Responses, groups: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Metrics of ``model.predict_proba`` on ``responses``; with ``groups`` (learner label ->
    group label), the same for each group too, under ``"by_group"``."""
    predicted = model.predict_proba(responses)
    correct = responses.at_input_rows(responses.correct)
    result = scores(correct, predicted)
    if groups is not None:
        labels = np.array([groups.get(str(label), "unknown") for label in responses.learners])
        row_group = labels[responses.at_input_rows(responses.learner)]
        result["by_group"] = {
            str(group): scores(correct[row_group == group], predicted[row_group == group])
            for group in np.unique(row_group)
        }
    return result
