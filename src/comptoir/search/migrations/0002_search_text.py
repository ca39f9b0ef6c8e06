"""PostgreSQL: the tsvector moves from the wide document row to the narrow search_searchtext table (see SearchText)."""

import django.db.models.deletion
from django.db import migrations, models

# The structure as this migration made it, frozen here (migration 0005 gives the table one row per language).
CREATE_SQL = (
    "ALTER TABLE search_searchtext ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_text_vector_gin ON search_searchtext USING GIN (search_vector)",
)
DROP_SQL = (
    "DROP INDEX IF EXISTS search_text_vector_gin",
    "ALTER TABLE search_searchtext DROP COLUMN IF EXISTS search_vector",
)



def move_vector_to_text_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE_SQL:
        schema_editor.execute(statement)
    schema_editor.execute("INSERT INTO search_searchtext (product_id, category_id, search_vector) "
                          "SELECT product_id, category_id, search_vector FROM search_searchdocument")
    schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_gin")
    schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector")


def move_vector_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector")
    schema_editor.execute("UPDATE search_searchdocument d SET search_vector = t.search_vector FROM search_searchtext t WHERE t.product_id = d.product_id")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS search_document_vector_gin ON search_searchdocument USING GIN (search_vector)")
    for statement in DROP_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchText",
            fields=[
                ("document", models.OneToOneField(db_column="product_id", on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                  related_name="+", serialize=False, to="search.searchdocument")),
                ("category_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(move_vector_to_text_table, move_vector_back),
    ]
