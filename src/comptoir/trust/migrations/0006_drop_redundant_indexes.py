"""Indexes that only slowed writes (docs/PERFORMANCE.md, "History import"): the seller and product indexes of reviews
(composite indexes start with the same columns), and on PostgreSQL the LIKE twin of the review status (only ever
compared whole)."""

import django.db.models.deletion
from django.db import migrations, models

LIKE_TWINS = (("trust_review", "status"),)


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
        ("catalog", "0004_product_variant_constraints"),
        ("sellers", "0003_settlement_currency"),
        ("trust", "0005_history_import_grace_proposals"),
    ]

    operations = [
        migrations.RunPython(drop_like_twins, create_like_twins),
        migrations.AlterField(
            model_name="review",
            name="product",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The product rated (the seller order's first line).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="catalog.product",
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="seller",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="reviews", to="sellers.seller"
            ),
        ),
    ]
