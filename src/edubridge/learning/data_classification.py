"""Classification of the learning fields: models and banks are public, learner records personal
(pseudonymous: names stay in core)."""

from edubridge.governance.registry import classify, dataset, internal, personal, public

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

classify(
    "learning.Learner",
    retention="until the learner's records are erased",
    id=internal("Internal key"),
    organisation=personal("Organisation the learner practises with"),
    pseudonym=personal("Random identifier in learning records, instead of the name"),
    user=personal("Link to the person in core; removed to anonymise the records"),
    created_at=personal("When the learner first practised"),
)
classify(
    "learning.ItemBank",
    retention="while the partner offers the bank",
    id=internal("Internal key"),
    identifier=public("Identifier of the bank"),
    organisation=public("Partner whose learners practise it"),
    name=public("Name"),
    version=public("Catalog version whose items it serves"),
    model=public("Fitted model that serves it"),
    target=public("Predicted success the next item aims at"),
    mastered=public("Mastery threshold"),
    fitted_at=public("When its model was last fitted"),
    created_at=public("When it was made"),
)
classify(
    "learning.BankItem",
    retention="while the bank exists",
    id=internal("Internal key"),
    bank=public("Bank"),
    item=public("Assessment item"),
    skills=public("Skills (framework items) it practises"),
)
classify(
    "learning.Answer",
    retention="until the learner's records are erased",
    id=internal("Internal key"),
    statement_id=personal("xAPI statement id of the answer"),
    learner=personal("Learner (pseudonym) who answered"),
    bank=personal("Bank practised"),
    item=personal("Item answered"),
    response=personal("What the learner answered"),
    score=personal("Score of the answer"),
    correct=personal("Whether it was right"),
    mastery=personal("Mastery after the answer"),
    statement=personal("The answer as an xAPI statement (actor: the pseudonym)"),
    answered_at=personal("When"),
)
classify(
    "learning.Mastery",
    retention="until the learner's records are erased",
    id=internal("Internal key"),
    learner=personal("Learner (pseudonym)"),
    bank=personal("Bank practised"),
    skill=personal("Skill"),
    value=personal("P(known) of the skill now"),
    answers=personal("Answers given on the skill"),
    updated_at=personal("Last answer on the skill"),
)

dataset(
    "practice",
    "Practice answers and mastery of learners",
    "learning.Learner",
    "learning.Answer",
    "learning.Mastery",
    aggregatable=True,
)
