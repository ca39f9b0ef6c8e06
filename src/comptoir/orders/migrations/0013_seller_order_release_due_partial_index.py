"""Index a seller order's `release_due_at` only where set: it is unset from placing to delivery, so a checkout writes
no entry, and the release task's `release_due_at <= now` only matches set values.

The full index is dropped by name on both databases (the name Django gave it): AlterField alone would rebuild the
seller orders' table on SQLite."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_credit_note_kind_chargeback"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sellerorder",
                    name="release_due_at",
                    field=models.DateTimeField(
                        blank=True, help_text="When escrow is released to the seller.", null=True
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "orders_sellerorder_release_due_at_eb4a75ca"',
                    reverse_sql='CREATE INDEX "orders_sellerorder_release_due_at_eb4a75ca" '
                    'ON "orders_sellerorder" ("release_due_at")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="sellerorder",
            index=models.Index(
                condition=models.Q(("release_due_at__isnull", False)),
                fields=["release_due_at"],
                name="seller_order_release_due",
            ),
        ),
    ]
