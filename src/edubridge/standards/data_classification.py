"""Classification of the standards app's fields: frameworks are published reference data."""

from edubridge.governance.registry import classify, dataset, internal, personal, public

_FRAMEWORKS = "while the framework is in use; retired items kept for crosswalk history"

classify(
    "standards.Definition",
    retention=_FRAMEWORKS,
    id=internal("Internal key"),
    framework=public("Framework the definition belongs to"),
    kind=public("Which CASE definition list it belongs to"),
    identifier=public("CASE identifier"),
    uri=public("CASE URI"),
    title=public("Name of the subject, concept, licence, item type or grouping"),
    last_change=public("CASE lastChangeDateTime"),
    data=public("The definition as published"),
)
classify(
    "standards.Framework",
    retention=_FRAMEWORKS,
    id=internal("Internal key"),
    identifier=public("CASE identifier"),
    uri=public("CASE URI"),
    title=public("Title of the framework"),
    creator=public("Creator, as published"),
    publisher=public("Publisher, as published"),
    organisation=public("Partner maintaining the framework on this node"),
    country=public("Jurisdiction of the framework"),
    language=public("Language of the framework"),
    subjects=public("Subjects"),
    version=public("Version"),
    description=public("Description"),
    adoption_status=public("Adoption status"),
    framework_type=public("CASE frameworkType"),
    case_version=public("CASE version it was imported as"),
    last_change=public("CASE lastChangeDateTime"),
    builtin=public("Shipped with EduBridge"),
    extra=public("Other published CASE properties, kept for a lossless export"),
    rubrics=public("CFRubrics of the package"),
    package_extensions=public("CASE 1.1 extensions of the package"),
    imported_at=internal("When this node last imported it"),
)
classify(
    "standards.Item",
    retention=_FRAMEWORKS,
    id=internal("Internal key"),
    framework=public("Framework of the item"),
    identifier=public("CASE identifier"),
    uri=public("CASE URI"),
    full_statement=public("Statement"),
    abbreviated_statement=public("Short statement"),
    human_coding_scheme=public("Code"),
    list_enumeration=public("Position label"),
    item_type=public("Item type"),
    education_levels=public("Education levels"),
    language=public("Language"),
    notes=public("Notes"),
    parent=public("Parent in the framework tree"),
    position=public("Order in the framework"),
    last_change=public("CASE lastChangeDateTime"),
    retired=public("Dropped by a newer version of the framework"),
    extra=public("Other published CASE properties"),
)
classify(
    "standards.Association",
    retention=_FRAMEWORKS,
    id=internal("Internal key"),
    framework=public("Framework whose package holds it"),
    identifier=public("CASE identifier"),
    uri=public("CASE URI"),
    association_type=public("CASE association type"),
    origin_identifier=public("Origin node"),
    origin_uri=public("Origin node URI"),
    origin_title=public("Origin node title"),
    destination_identifier=public("Destination node"),
    destination_uri=public("Destination node URI"),
    destination_title=public("Destination node title"),
    sequence_number=public("Order among siblings"),
    last_change=public("CASE lastChangeDateTime"),
    extra=public("Other published CASE properties"),
)

_AGREEMENTS = (
    "kept as the record of the agreement; decided_by and signed_by pseudonymised on erasure"
)

classify(
    "standards.Crosswalk",
    retention=_AGREEMENTS,
    id=internal("Internal key"),
    identifier=public("Identifier of the agreement, used in its CASE export"),
    source=public("Framework whose items are mapped"),
    target=public("Framework they are mapped to"),
    organisation=public("Partner that opened it"),
    partner=public("Partner that confirms it"),
    status=public("In review or published"),
    created_by=personal("Who opened it"),
    created_at=internal("When it was opened"),
    published_at=public("When both partners had signed"),
    snapshot=public("The agreement as signed, frozen at publication"),
)
classify(
    "standards.CrosswalkLink",
    retention=_AGREEMENTS,
    id=internal("Internal key"),
    crosswalk=public("Crosswalk of the link"),
    identifier=public("CASE association identifier"),
    source_item=public("Source item"),
    target_item=public("Target item"),
    relation=public("Kind of correspondence"),
    status=public("Suggested, accepted or rejected"),
    rank=internal("Rank of the suggestion"),
    score=internal("Score of the suggestion"),
    evidence=internal("Why it was suggested"),
    decided_by=personal("Who decided"),
    decided_at=internal("When it was decided"),
    reason=personal("Why it was decided so; free text that may name people"),
)
classify(
    "standards.Signature",
    retention=_AGREEMENTS,
    id=internal("Internal key"),
    crosswalk=public("Crosswalk signed"),
    organisation=public("Signing partner"),
    signed_by=personal("Person who signed for the partner"),
    signed_at=public("When"),
    digest=public("Fingerprint of the accepted links signed"),
    note=personal("Note of the signatory"),
)

dataset(
    "frameworks",
    "Curriculum frameworks and crosswalks",
    "standards.Framework",
    "standards.Item",
    "standards.Association",
    "standards.Crosswalk",
    "standards.CrosswalkLink",
    left_out=(
        "standards.Crosswalk.created_by",
        "standards.CrosswalkLink.decided_by",
        "standards.CrosswalkLink.reason",
    ),
)
