"""Classification of the core app's fields (docs/specs/data-classification.md)."""

from edubridge.governance.registry import classify, dataset, internal, personal, public

classify(
    "core.Country",
    retention="reference data, kept while ISO 3166-1 lists the code",
    code=public("ISO 3166-1 alpha-2 code of the country"),
)

classify(
    "core.Organisation",
    retention="while the organisation is a partner, then archived",
    id=public("Internal key"),
    slug=public("Stable identifier used in addresses"),
    name=public("Name shown to partners and the public"),
    kind=public("Kind of institution"),
    country=public("Country whose rules apply to the organisation"),
    languages=public("Languages the organisation works in"),
    website=public("Public web site"),
    description=public("Public description"),
    contact_email=internal("Institutional contact for partners; not a person's address"),
    is_active=public("Whether the partnership is current"),
    created_at=internal("When the organisation joined the node"),
)

classify(
    "core.Membership",
    retention="while the person is a member; removed with the membership",
    id=internal("Internal key"),
    user=personal("Links a person to the organisation"),
    organisation=personal("The organisation the person belongs to"),
    roles=personal("What the person may do in the organisation"),
    created_at=personal("When the person joined"),
)

classify(
    "core.ApiToken",
    retention="until revoked or expired, then 1 year for the audit trail",
    id=internal("Internal key"),
    user=personal("Owner of the token"),
    name=personal("Owner's label for the token"),
    prefix=internal("First characters, to recognise a token without storing it"),
    digest=internal("SHA-256 of the token; the token itself is never stored"),
    created_at=personal("When the owner created it"),
    last_used_at=personal("When it was last used, to spot stale tokens"),
    expires_at=internal("When it stops working"),
    revoked_at=internal("When it was revoked"),
)

classify(
    "core.AuditEntry",
    retention="6 years, then actor details pseudonymised",
    id=internal("Internal key"),
    at=internal("When the write happened"),
    actor=personal("Who made the write"),
    actor_label=personal("Username of the actor at the time"),
    organisation=internal("Organisation in which the write happened"),
    action=internal("What kind of write it was"),
    target_type=internal("Kind of object written"),
    target_id=internal("Key of the object written"),
    summary=personal("Short description of the object; may name a person"),
    changes=personal("Before and after values; may hold personal fields"),
)

dataset("members", "Members of an organisation and their accounts", "auth.User", "core.Membership")
