"""Google's own files (../shared/data/google-merchant, or under COMPTOIR_SHARED_DATA): the attribute specification and
the product taxonomy. A test that needs them skips only when the folder is absent (a fresh clone); in CI it runs."""

from functools import cache
from pathlib import Path

import pytest

from comptoir.connectors.tests.shared_data import shared_data_dir
from comptoir.feeds.domain.specification import Specification, parse_taxonomy, specification_from_files


def google_dir() -> Path:
    folder = shared_data_dir() / "google-merchant"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (../shared/data is only in CI and the lead's checkout)")
    return folder


@cache
def _load(folder: Path) -> tuple[Specification, dict[int, str]]:
    spec = specification_from_files(
        attributes_csv=(folder / "merchant_product_attributes_from_proto.csv").read_text(encoding="utf-8"),
        proto_texts=[(folder / name).read_text(encoding="utf-8") for name in ("products_common.proto", "types.proto")],
    )
    return spec, parse_taxonomy((folder / "taxonomy-with-ids.en-US.txt").read_text(encoding="utf-8"))


def google_specification() -> tuple[Specification, dict[int, str]]:
    """The specification and taxonomy (id -> path), parsed once per process."""
    return _load(google_dir())
