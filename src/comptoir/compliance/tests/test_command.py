"""`comptoir compliance rules-load | rules | refresh`."""

import io

import pytest
from django.core.management import CommandError, call_command

from comptoir.compliance.models import ComplianceRule, OfferMarketBlock
from comptoir.compliance.tests.support import KNIVES_GB, rules_file, slug_category
from comptoir.testing.builders import make_offer, make_product

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_rules_are_listed_empty_then_loaded_with_their_sources_and_refreshed():
    assert "No rule loaded" in run("rules")

    loaded = run("rules-load", "--skip", "eu_gpsr_picture")

    assert "16 new, 0 changed, 0 removed, 0 unchanged" in loaded
    listing = run("rules", "--day", "2024-01-01")
    assert "gb_bladed_items" in listing and "Offensive Weapons Act 2019" in listing
    assert "eu_batteries_epr" in listing and "(not in force)" in listing  # from 2025-08-18
    assert "0 changed" in run("refresh")


def test_a_file_of_rules_blocks_an_offer_and_a_bad_file_is_an_error(tmp_path):
    knife = make_product("Knife", category=slug_category("knives"), brand="Opinel")
    make_offer(product=knife)

    assert "1 changed; 1 blocked markets in all" in run("rules-load", str(rules_file(tmp_path, KNIVES_GB)))
    assert OfferMarketBlock.objects.get().country == "GB"

    broken = tmp_path / "broken.json"
    broken.write_text('{"rules": [{"code": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError):
        run("rules-load", str(broken))
    assert list(ComplianceRule.objects.values_list("code", flat=True)) == ["gb_bladed_items"]
