"""Classification of the adaptive models' fields: parameters and cards, no learner data."""

from edubridge.governance.registry import classify, internal, public

classify(
    "learning.AdaptiveModel",
    retention="while the partner offers the model",
    id=internal("Internal key"),
    identifier=public("Identifier of the model"),
    organisation=public("Partner that offers it"),
    name=public("Name"),
    kind=public("Served here or external"),
    url=public("Base URL of an external model"),
    parameters=public("Fitted parameters (per skill), no learner data"),
    card=public("Model card: intended use, languages, metrics, limitations"),
    conformance=public("Last conformance report"),
    created_at=public("When it was registered"),
)
