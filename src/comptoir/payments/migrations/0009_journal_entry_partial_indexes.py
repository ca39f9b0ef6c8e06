"""Index a journal entry's seller order and author only where they are set: a checkout's capture entry has neither,
and every look-up by them is an equality (which a NULL never matches), so the partial indexes answer the same queries
and a checkout writes two index entries fewer.

The full indexes are dropped by name on both databases (the names Django gave them in 0001): AlterField alone would
rebuild the whole ledger table on SQLite."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0008_posting_account_index_covered_by_composite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="journalentry",
                    name="seller_order_id_ref",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "payments_journalentry_created_by_id_04776d2d"',
                    reverse_sql='CREATE INDEX "payments_journalentry_created_by_id_04776d2d" '
                    'ON "payments_journalentry" ("created_by_id")',
                ),
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "payments_journalentry_seller_order_id_ref_31e08571"',
                    reverse_sql='CREATE INDEX "payments_journalentry_seller_order_id_ref_31e08571" '
                    'ON "payments_journalentry" ("seller_order_id_ref")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("seller_order_id_ref__isnull", False)),
                fields=["seller_order_id_ref"],
                name="journal_entry_seller_order",
            ),
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="journal_entry_created_by",
            ),
        ),
    ]
