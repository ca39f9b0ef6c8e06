"""GLB and USDZ checks (catalog.domain.models_3d). Pure: no database."""

import pytest

from comptoir.catalog.domain.models_3d import ModelKind, ModelLimits, ModelRefused, validate_model
from comptoir.catalog.tests.files import glb_bytes, png_bytes, usdz_bytes

LIMITS = ModelLimits(max_bytes=100_000)


def test_a_binary_gltf_2_is_a_glb():
    assert validate_model(glb_bytes(), LIMITS) == ModelKind.GLB


def test_a_usdz_with_a_usdc_first_is_a_usdz():
    assert validate_model(usdz_bytes(), LIMITS) == ModelKind.USDZ
    assert validate_model(usdz_bytes(first="scene.usda"), LIMITS) == ModelKind.USDZ


@pytest.mark.parametrize(
    "content, reason",
    [
        (glb_bytes(version=1), "invalid"),
        (glb_bytes(length_delta=4), "invalid"),  # the header announces more than the file holds
        (glb_bytes(length_delta=-4), "invalid"),
        (glb_bytes()[:16], "invalid"),
        (usdz_bytes(first="readme.txt"), "invalid"),
        (usdz_bytes(compressed=True), "invalid"),
        (b"PK\x03\x04 not really a zip", "invalid"),
        (png_bytes(), "unsupported_type"),
        (b"solid cube\nendsolid cube\n", "unsupported_type"),  # an ASCII STL
    ],
)
def test_malformed_or_other_files_are_refused(content, reason):
    with pytest.raises(ModelRefused) as refused:
        validate_model(content, LIMITS)
    assert refused.value.reason == reason


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ModelRefused) as refused:
        validate_model(glb_bytes(), ModelLimits(max_bytes=50))
    assert refused.value.reason == "too_large"
