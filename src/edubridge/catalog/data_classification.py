"""Classification of the catalog's fields: shared resources are published material."""

from edubridge.governance.registry import classify, dataset, internal, personal, public

_RESOURCES = "while the resource is shared; published versions kept for provenance"

classify(
    "catalog.Resource",
    retention=_RESOURCES,
    id=internal("Internal key"),
    identifier=public("Identifier used in metadata and by other nodes"),
    owner=public("Partner that shares it (none when harvested)"),
    origin=public("Node it was harvested from"),
    origin_identifier=public("OAI-PMH identifier at its origin"),
    origin_url=public("Its page at its origin"),
    origin_publisher=public("Publisher named by its origin"),
    withdrawn_at=public("When it was withdrawn"),
    kind=public("Kind of resource"),
    title=public("Title, in several languages"),
    description=public("Description, in several languages"),
    subjects=public("Subjects"),
    education_levels=public("Education levels"),
    age_min=public("Youngest typical age"),
    age_max=public("Oldest typical age"),
    languages=public("Languages of the content"),
    country=public("Country of origin"),
    licence=public("SPDX licence identifier"),
    accessibility=public("Accessibility features (schema.org)"),
    learning_minutes=public("Typical learning time"),
    created_at=public("When it was first shared"),
    updated_at=public("When it last changed"),
)
classify(
    "catalog.ResourceVersion",
    retention=_RESOURCES,
    id=internal("Internal key"),
    resource=public("Resource of the version"),
    number=public("Version number"),
    status=public("Draft or published"),
    changelog=public("What changed"),
    derived_from=public("Version it was translated or adapted from"),
    created_by=personal("Who made the version"),
    created_at=public("When it was made"),
    published_at=public("When it was published"),
    metadata=public("The resource's metadata when the version was published"),
    outline=public("Sections, pages, links and assessments of the version"),
    made_with=public("Made by people, AI-assisted or AI-generated"),
    ai_model=public("The AI model used, when one was"),
)
classify(
    "catalog.ContentFile",
    retention=_RESOURCES,
    id=internal("Internal key"),
    version=public("Version of the file"),
    path=public("Path of the file in the resource"),
    sha256=public("SHA-256 of the content, which is stored once by it"),
    size=public("Size in bytes"),
    media_type=public("Media type"),
)
classify(
    "catalog.Alignment",
    retention=_RESOURCES,
    id=internal("Internal key"),
    version=public("Aligned version"),
    item=public("Framework item it is aligned to"),
    alignment_type=public("Teaches, assesses or requires"),
)
classify(
    "catalog.Release",
    retention="kept as the record of what partners released together",
    id=internal("Internal key"),
    identifier=public("Identifier of the release"),
    title=public("Title"),
    notes=public("Release notes"),
    versions=public("Versions released"),
    status=public("Awaiting approval or published"),
    created_by=personal("Who prepared it"),
    created_at=public("When it was prepared"),
    published_at=public("When every partner had approved"),
)
classify(
    "catalog.ReleaseParty",
    retention="kept as the record of what partners released together",
    id=internal("Internal key"),
    release=public("Release"),
    organisation=public("Partner"),
    approved_by=personal("Curator who approved for the partner"),
    approved_at=public("When"),
)
classify(
    "catalog.SearchEntry",
    retention="rebuilt from the resource",
    id=internal("Internal key"),
    resource=internal("Resource indexed"),
    body=internal("Normalised words of its titles and descriptions"),
)
classify(
    "catalog.Facet",
    retention="rebuilt from the resource",
    id=internal("Internal key"),
    resource=internal("Resource"),
    name=internal("Facet"),
    value=internal("Value"),
)
classify(
    "catalog.RemoteNode",
    retention="while this node harvests it",
    id=internal("Internal key"),
    base_url=public("OAI-PMH base URL"),
    name=public("Repository name"),
    created_at=internal("When it was first harvested"),
)
classify(
    "catalog.Harvest",
    retention="while this node harvests it",
    id=internal("Internal key"),
    node=internal("Node harvested"),
    set_spec=internal("Set harvested"),
    metadata_prefix=internal("Metadata format harvested"),
    until=internal("Datestamp the next harvest starts from"),
    started=internal("Datestamp of the harvest under way"),
    resumption_token=internal("Where the harvest under way has got to"),
    finished_at=internal("When the last harvest finished"),
)
classify(
    "catalog.Collection",
    retention=_RESOURCES,
    id=internal("Internal key"),
    identifier=public("Identifier of the collection"),
    owner=public("Partner that made it"),
    title=public("Title, in several languages"),
    description=public("Description, in several languages"),
    resources=public("Resources in it"),
    created_at=public("When it was made"),
    updated_at=public("When it last changed"),
)
classify(
    "catalog.CollectionEntry",
    retention=_RESOURCES,
    id=internal("Internal key"),
    collection=public("Collection"),
    resource=public("Resource"),
    position=public("Place in the collection"),
)
classify(
    "catalog.AssessmentItem",
    retention=_RESOURCES,
    id=internal("Internal key"),
    version=public("Version of the item"),
    position=public("Place in the version"),
    identifier=public("Identifier of the item"),
    data=public("Prompt, choices, correct response and scoring"),
    ai_forbidden=public("Whether learners may use AI help on the item"),
)
classify(
    "catalog.SearchChange",
    retention="the latest few thousand changes",
    id=internal("Order of the change"),
    resource_id=internal("Resource whose search entry changed"),
    stamp=internal("Random stamp of the change"),
)

dataset(
    "catalog",
    "Catalog resources, their versions and files",
    "catalog.Resource",
    "catalog.ResourceVersion",
    "catalog.ContentFile",
    "catalog.Alignment",
    "catalog.AssessmentItem",
    left_out=("catalog.ResourceVersion.created_by",),
)
