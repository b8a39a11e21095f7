"""The generated Python client (clients/python), imported as a client developer would use it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

CLIENT_DIR = Path(__file__).resolve().parents[2] / "clients" / "python"


@pytest.fixture(scope="session")
def facegate_client():
    sys.path.insert(0, str(CLIENT_DIR))
    import facegate_client

    return facegate_client
