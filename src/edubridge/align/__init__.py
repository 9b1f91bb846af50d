"""Framework alignment: rank target items for source items, with evidence. No Django here."""

from edubridge.align.aligner import FEATURE_GROUPS, Aligner, Candidate, Decision, Node
from edubridge.align.metrics import evaluate

__all__ = ["FEATURE_GROUPS", "Aligner", "Candidate", "Decision", "Node", "evaluate"]
