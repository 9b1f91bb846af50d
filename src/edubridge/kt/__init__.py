"""Knowledge tracing: BKT, IRT, Elo and a logistic model, with a scikit-learn-like API.

No Django here: the models read a ``Responses`` table (see ``data``) and are usable on
their own. Every model has ``fit(responses)`` (returns the model), ``predict_proba``
(one step ahead: each answer from the answers before it), ``partial_fit`` (follow
learners through new answers), ``get_params``/``set_params``, and fitted attributes
ending in ``_``; ``random_state`` makes fits repeatable.
"""

from edubridge.kt.bkt import BKT
from edubridge.kt.data import Responses
from edubridge.kt.elo import Elo
from edubridge.kt.evaluate import cross_evaluate, evaluate
from edubridge.kt.irt import IRT
from edubridge.kt.logistic import Logistic

__all__ = ["BKT", "IRT", "Elo", "Logistic", "Responses", "cross_evaluate", "evaluate"]
