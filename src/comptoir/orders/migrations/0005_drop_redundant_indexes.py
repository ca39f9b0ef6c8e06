"""Indexes that only slowed writes (docs/PERFORMANCE.md, "History import"): the buyer index of orders and the seller index
of seller orders (composite indexes start with the same column), and on PostgreSQL the LIKE twins of the order
numbers and statuses (only ever compared whole)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LIKE_TWINS = (
    ("orders_order", "number"),
    ("orders_order", "status"),
    ("orders_sellerorder", "number"),
    ("orders_sellerorder", "status"),
)


def _like_twin(schema_editor, table: str, column: str) -> str:
    """The name Django gives the `varchar_pattern_ops` index it adds on PostgreSQL beside a unique or indexed
    character column (for LIKE 'prefix%'), which no query of these columns uses."""
    return schema_editor.quote_name(schema_editor._create_index_name(table, [column], suffix="_like"))


def drop_like_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in LIKE_TWINS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_like_twin(schema_editor, table, column)}")


def create_like_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in LIKE_TWINS:
        name, quoted = _like_twin(schema_editor, table, column), schema_editor.quote_name(column)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {schema_editor.quote_name(table)} ({quoted} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_presentment_charge"),
        ("sellers", "0003_settlement_currency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_like_twins, create_like_twins),
        migrations.AlterField(
            model_name="order",
            name="buyer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="sellerorder",
            name="seller",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="seller_orders",
                to="sellers.seller",
            ),
        ),
    ]
