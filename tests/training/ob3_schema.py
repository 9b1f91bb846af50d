"""The OB 3.0 AchievementCredential rules the tests hold issued credentials to, written as a
JSON Schema from the specification's data model (required properties and their types),
independently of the code that builds credentials."""

TYPES = {"type": "array", "items": {"type": "string"}}
IRI = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:"}
DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
}

ALIGNMENT = {
    "type": "object",
    "required": ["type", "targetName", "targetUrl"],
    "properties": {
        "type": {**TYPES, "contains": {"const": "Alignment"}},
        "targetName": {"type": "string", "minLength": 1},
        "targetUrl": IRI,
        "targetType": {
            "enum": [
                "ceasn:Competency",
                "ceterms:Credential",
                "CFItem",
                "CFRubric",
                "CFRubricCriterion",
                "CFRubricCriterionLevel",
                "CTDL",
            ]
        },
    },
}
IDENTITY = {
    "type": "object",
    "required": ["type", "identityHash", "identityType", "hashed"],
    "properties": {
        "type": {"const": "IdentityObject"},
        "hashed": {"type": "boolean"},
        "identityHash": {"type": "string"},
        "identityType": {"type": "string"},
        "salt": {"type": "string"},
    },
}
ACHIEVEMENT = {
    "type": "object",
    "required": ["id", "type", "name", "description", "criteria"],
    "properties": {
        "id": IRI,
        "type": {**TYPES, "contains": {"const": "Achievement"}},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "criteria": {
            "type": "object",
            "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}],
        },
        "alignment": {"type": "array", "items": ALIGNMENT},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"],
    "properties": {
        "@context": {
            "type": "array",
            "prefixItems": [
                {"const": "https://www.w3.org/ns/credentials/v2"},
                {"const": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
            ],
            "minItems": 2,
        },
        "id": IRI,
        "type": {
            **TYPES,
            "allOf": [
                {"contains": {"const": "VerifiableCredential"}},
                {"contains": {"const": "OpenBadgeCredential"}},
            ],
        },
        "issuer": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {"id": IRI, "type": {**TYPES, "contains": {"const": "Profile"}}},
        },
        "validFrom": DATETIME,
        "validUntil": DATETIME,
        "name": {"type": "string"},
        "credentialSubject": {
            "type": "object",
            "required": ["type", "achievement"],
            "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
            "properties": {
                "type": {**TYPES, "contains": {"const": "AchievementSubject"}},
                "identifier": {"type": "array", "items": IDENTITY},
                "achievement": ACHIEVEMENT,
            },
        },
        "credentialStatus": {
            "type": "object",
            "required": ["id", "type", "statusPurpose", "statusListIndex", "statusListCredential"],
            "properties": {"type": {"const": "BitstringStatusListEntry"}},
        },
        "credentialSchema": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "type"]},
        },
    },
}
