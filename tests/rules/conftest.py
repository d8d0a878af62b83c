from __future__ import annotations

import pytest

from monitor.types import Document
from rules_helpers import SEED, SEED_TITLE


@pytest.fixture
def seed_doc() -> Document:
    return Document(title=SEED_TITLE, text=SEED.read_text(encoding="utf-8"),
                    url="https://example.com/china-envoy", source="Seed desk", lang="en")
