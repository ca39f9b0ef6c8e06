"""Where the real shop exports live: ../shared/data from the repository root (SOURCES.md there), or the folder
COMPTOIR_SHARED_DATA names (a worktree whose parent has no shared/ folder). Tests skip when it is absent."""

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[4]


def shared_data_dir() -> Path:
    return Path(os.environ.get("COMPTOIR_SHARED_DATA") or REPOSITORY.parent / "shared" / "data")


def shared_file(*parts: str) -> Path:
    path = shared_data_dir().joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/data is only in CI and the lead's checkout)")
    return path
