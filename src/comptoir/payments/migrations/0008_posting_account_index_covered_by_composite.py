"""Drop `payments_posting`'s single-column index on account_id: the (account_id, entry_id) index starts with it and
answers every look-up by account, so the single one only cost a checkout one more index entry per posting.

The index is dropped by name on both databases (the name Django gave it in 0001): AlterField alone would rebuild the
whole ledger table on SQLite to change nothing else."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0007_fx_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="posting",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="payments.ledgeraccount",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "payments_posting_account_id_a388d136"',
                    reverse_sql='CREATE INDEX "payments_posting_account_id_a388d136" ON "payments_posting" ("account_id")',
                ),
            ],
        ),
    ]
