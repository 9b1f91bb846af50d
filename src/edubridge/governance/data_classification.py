"""Classification of the fields of Django's own apps and of the other apps EduBridge installs."""

from edubridge.governance.registry import classify, internal, personal, public

_ACCOUNT = "while the account exists; erased on request"

classify(
    "auth.User",
    retention=_ACCOUNT,
    id=internal("Internal key"),
    password=personal("Salted hash for signing in; the password is never stored"),
    last_login=personal("Security: spotting unused or misused accounts"),
    is_superuser=internal("Node operator flag"),
    username=personal("Sign-in name, shown to colleagues"),
    first_name=personal("Name shown to colleagues"),
    last_name=personal("Name shown to colleagues"),
    email=personal("Account recovery and notices"),
    is_staff=internal("Access to the administration site"),
    is_active=internal("Whether the account may sign in"),
    date_joined=personal("When the account was created"),
    groups=internal("Django permission groups"),
    user_permissions=internal("Django permissions granted directly"),
)
classify(
    "auth.Group",
    retention="while used",
    id=internal("Internal key"),
    name=internal("Name of a permission group"),
    permissions=internal("Permissions of the group"),
)
classify(
    "auth.Permission",
    retention="while the model exists",
    id=internal("Internal key"),
    name=public("Name of a permission"),
    content_type=internal("Model the permission is about"),
    codename=public("Code of a permission"),
)
classify(
    "contenttypes.ContentType",
    retention="while the model exists",
    id=internal("Internal key"),
    app_label=public("Application of a model"),
    model=public("Name of a model"),
)
classify(
    "sessions.Session",
    retention="until the session expires (2 weeks) or the user signs out",
    session_key=personal("Identifies a signed-in browser"),
    session_data=personal("The signed-in user and their language choice"),
    expire_date=internal("When the session ends"),
)
classify(
    "admin.LogEntry",
    retention="6 years, like the audit log",
    id=internal("Internal key"),
    action_time=internal("When the change was made in the admin"),
    user=personal("Who made the change"),
    content_type=internal("Kind of object changed"),
    object_id=internal("Key of the object changed"),
    object_repr=personal("Description of the object; may name a person"),
    action_flag=internal("Addition, change or deletion"),
    change_message=personal("What changed; may name a person"),
)
classify(
    "django_tasks_database.DBTaskResult",
    retention="until pruned by `edubridge prune_db_task_results`",
    id=internal("Identifier of a background task"),
    status=internal("Queued, running, done or failed"),
    enqueued_at=internal("When it was queued"),
    started_at=internal("When it started"),
    finished_at=internal("When it ended"),
    args_kwargs=internal("Its arguments: identifiers of banks, never learner data"),
    priority=internal("Priority"),
    task_path=internal("Which task"),
    worker_ids=internal("Workers that ran it"),
    queue_name=internal("Queue"),
    backend_name=internal("Backend"),
    run_after=internal("Earliest time to run"),
    return_value=internal("What it returned: identifiers of refitted banks"),
    exception_class_path=internal("Error, when it failed"),
    traceback=internal("Traceback, when it failed"),
)
