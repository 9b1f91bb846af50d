"""The model interface as OpenAPI 3.1, cut from what this node serves for its own models.

``docs/specs/model-interface.openapi.json`` is this document; a test keeps the two equal.
Write it anew with ``edubridge shell -c "from edubridge.learning.spec import write; write()"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

PREFIX = "/api/v1/models/{identifier}"
PATHS = ("/health", "/model-card", "/predict", "/observe", "/recommend")
SCHEMAS = (
    "AnswerIn",
    "LearnerIn",
    "ItemIn",
    "PredictIn",
    "ObserveIn",
    "ObjectiveIn",
    "RecommendIn",
)
FILE = Path(settings.PACKAGE_DIR).parent.parent / "docs" / "specs" / "model-interface.openapi.json"


def document() -> dict[str, Any]:
    from edubridge.api import api

    served = api.get_openapi_schema()
    paths: dict[str, Any] = {}
    for path in PATHS:
        operations = json.loads(json.dumps(served["paths"][PREFIX + path]))
        for operation in operations.values():
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p["name"] != "identifier"
            ]
            if not operation["parameters"]:
                del operation["parameters"]
            operation.pop("operationId", None)
            operation.pop("security", None)
            operation["tags"] = ["model interface"]
        paths[path] = operations
    schemas = {name: served["components"]["schemas"][name] for name in SCHEMAS}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EduBridge AI education model interface",
            "version": "1.0",
            "description": "The HTTP contract an adaptive model offers to be plugged into "
            "EduBridge. See model-interface.md; errors are RFC 9457 problem documents.",
        },
        "servers": [
            {"url": "{base}", "variables": {"base": {"default": "https://example.org/model"}}}
        ],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write() -> None:
    FILE.write_text(json.dumps(document(), indent=2, ensure_ascii=False) + "\n")
