"""Fixtures for the parse/extract tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.extract.pool import Extractor

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    """One pool for a test module: workers take about a second to warm up."""
    with Extractor(workers=2, deadline=10.0) as pool:
        yield pool
