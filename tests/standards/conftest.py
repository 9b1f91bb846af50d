import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "case"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def kenya() -> dict:
    return load("ke-ai-literacy.json")


@pytest.fixture
def indonesia() -> dict:
    return load("id-ai-informatics.json")


@pytest.fixture
def legacy() -> dict:
    return load("legacy-opensalt.json")
