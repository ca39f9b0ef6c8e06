import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.payments.models import LedgerBlock, LedgerBlockEntry
from comptoir.payments.tests.conftest import checkout, entry_ids, sql

pytestmark = pytest.mark.django_db(transaction=True)


def test_ledger_seal_and_verify_commands(marketplace, seal_on_commit_off):
    checkout([(marketplace["offer_a"], 1)])
    checkout([(marketplace["offer_b"], 1)])
    out = io.StringIO()

    call_command("ledger", "seal", stdout=out)
    assert "Sealed 2 entries." in out.getvalue()
    assert LedgerBlockEntry.objects.count() == 2

    out = io.StringIO()
    block = LedgerBlock.objects.get()
    call_command("ledger", "verify", "--anchor", f"1:{block.block_hash}", stdout=out)
    assert "Ledger OK: 2 entries, 1 blocks checked" in out.getvalue()


def test_ledger_verify_exits_1_and_names_the_first_bad_entry(marketplace):
    checkout([(marketplace["offer_a"], 1)])
    checkout([(marketplace["offer_b"], 1)])
    target = entry_ids()[1]
    sql("UPDATE payments_journalentry SET memo = 'edited' WHERE id = %s", [target])
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stderr=err)

    assert failure.value.returncode == 1
    assert f"first bad entry #{target}" in str(failure.value)
    assert f"Entry #{target}" in err.getvalue()


def test_ledger_verify_refuses_a_malformed_anchor(marketplace):
    with pytest.raises(CommandError, match="HEIGHT:BLOCK_HASH"):
        call_command("ledger", "verify", "--anchor", "one:abc")
