"""What every knowledge-tracing estimator shares: scikit-learn's parameter handling
(``get_params``, ``set_params``, ``clone``), and a clear error before it is fitted."""

from __future__ import annotations

from sklearn.base import BaseEstimator


class NotFittedError(ValueError):
    """The model has not been fitted yet."""


class Estimator(BaseEstimator):
    def _check_fitted(self) -> None:
        if not hasattr(self, "skills_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit() first")
