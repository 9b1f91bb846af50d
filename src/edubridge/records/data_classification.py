"""Classification of the learning records: statements name learners (their mbox or account),
so they are personal data; pseudonymised exports leave the node (governance)."""

from edubridge.governance.registry import classify, dataset, internal, personal

classify(
    "records.LrsClient",
    retention="while the client may write",
    id=internal("Internal key"),
    organisation=internal("Organisation whose statements the client reads and writes"),
    name=internal("Name of the tool"),
    key=internal("HTTP Basic user name of the tool"),
    secret_hash=internal("Salted hash of the tool's secret; the secret is never stored"),
    scopes=internal("What the client may do"),
    active=internal("Whether the client may sign in"),
    created_at=internal("When it was made"),
)
classify(
    "records.Statement",
    retention="as the organisation's records policy says; erased with the learner",
    id=internal("Internal key"),
    statement_id=personal("Statement id"),
    organisation=personal("Organisation that stored it"),
    client=personal("Tool that sent it"),
    version=internal("xAPI version"),
    stored=personal("When it was stored"),
    timestamp=personal("When it happened"),
    actor=personal("The learner: mbox or account (an inverse functional identifier)"),
    verb=personal("What the learner did"),
    object_type=personal("Kind of object"),
    object=personal("What it was done to"),
    registration=personal("Attempt or enrolment it belongs to"),
    target=personal("Statement its StatementRef object points at"),
    voided=personal("Whether a later statement voided it"),
    data=personal("The statement itself"),
)
classify(
    "records.Reference",
    retention="with its statement",
    id=internal("Internal key"),
    statement=personal("Statement"),
    kind=personal("Activity or agent"),
    value=personal("Activity id or agent identifier the statement names"),
)
classify(
    "records.Document",
    retention="as the organisation's records policy says; erased with the learner",
    id=internal("Internal key"),
    organisation=personal("Organisation that stored it"),
    kind=internal("State, activity profile or agent profile"),
    activity=personal("Activity it is about"),
    agent=personal("The learner it is about (an inverse functional identifier)"),
    registration=personal("Attempt it belongs to"),
    document_id=personal("Its id"),
    content=personal("What the tool kept: progress, bookmarks, preferences"),
    content_type=internal("Its media type"),
    etag=internal("SHA-1 of its content, for concurrent writes"),
    updated=personal("When it last changed"),
)
classify(
    "records.Activity",
    retention="while statements name it",
    id=internal("Internal key"),
    organisation=internal("Organisation whose statements define it"),
    activity_id=internal("Activity IRI"),
    definition=internal("Its definition, merged from statements"),
)
classify(
    "records.Attachment",
    retention="with the statements that carry it",
    id=internal("Internal key"),
    organisation=personal("Organisation that stored it"),
    sha2=personal("SHA-2 of its content"),
    content_type=internal("Its media type"),
    content=personal("What a statement attached: a certificate, an essay, a signature"),
)
classify(
    "records.Share",
    retention="while the partners share",
    id=internal("Internal key"),
    owner=internal("Organisation whose statements are shared"),
    partner=internal("Organisation whose clients may read them, pseudonymised"),
    agreement=internal("Data-sharing agreement the share rests on"),
    created_at=internal("When the sharing began"),
)
classify(
    "records.Clock",
    retention="while the organisation stores statements",
    organisation=internal("Organisation whose statements it times"),
    last=internal("The last stored time given, so the next is later"),
)

dataset(
    "learning-records",
    "Learning records (xAPI statements)",
    "records.Statement",
    "records.Reference",
    "records.Attachment",
    aggregatable=True,
)
