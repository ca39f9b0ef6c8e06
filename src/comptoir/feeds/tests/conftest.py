import pytest


@pytest.fixture(autouse=True)
def _feed_files(settings, tmp_path):
    """Generated feeds go to a temporary MEDIA_ROOT; links point to a fixed site."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_SITE_URL = "https://shop.example"
    return settings.MEDIA_ROOT
