import json
from pathlib import Path

import pytest

import edubridge.standards

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "case"
DEMO = Path(edubridge.standards.__file__).resolve().parent / "demo"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def kenya() -> dict:
    return json.loads((DEMO / "ke-ai-literacy.json").read_text())


@pytest.fixture
def indonesia() -> dict:
    return json.loads((DEMO / "id-ai-informatics.json").read_text())


@pytest.fixture
def legacy() -> dict:
    return load("legacy-opensalt.json")
