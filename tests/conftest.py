"""Shared fixtures: synthetic data directories with the real schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from stations.data import synthetic


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A valid synthetic dataset of 30 stations in 10 countries."""
    return synthetic.write_dataset(tmp_path / "data", n=30)
