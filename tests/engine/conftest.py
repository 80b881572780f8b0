"""Shared fixtures of the engine tests: where the benchmark data lives, an independent checker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TANDEM_SHARED_DATA", REPO.parent / "shared" / "data"))
PSPLIB = SHARED / "psplib"
MSPDI = SHARED / "mspdi"


@pytest.fixture(scope="session")
def psplib_dir() -> Path:
    if not (PSPLIB / "j30").is_dir():
        pytest.skip(f"PSPLIB data not found in {PSPLIB}")
    return PSPLIB


@pytest.fixture(scope="session")
def mspdi_dir() -> Path:
    if not MSPDI.is_dir():
        pytest.skip(f"MSPDI samples not found in {MSPDI}")
    return MSPDI
