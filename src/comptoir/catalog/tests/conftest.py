import pytest


@pytest.fixture
def media_root(tmp_path, settings):
    """Stored files go to a temporary MEDIA_ROOT (the default storage follows the setting)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
