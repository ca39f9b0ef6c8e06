"""One full-text entry per document and language (docs/SEARCH.md, "Languages"): on SQLite one FTS5 table per language
replaces `search_fts`; on PostgreSQL search_searchtext gets a row per language with a partial GIN index each. The old
entries are dropped: run `comptoir search reindex` after migrating."""

import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = ("en", "fr", "de", "es", "it")


def _fts_create(language):
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_{language} USING fts5(title, brand, extra, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )


def create_language_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        for language in LANGUAGES:
            schema_editor.execute(_fts_create(language))
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_searchtext ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector"
        )
        for language in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS search_text_vector_{language} ON search_searchtext "
                f"USING GIN (search_vector) WHERE language = '{language}'"
            )


def drop_language_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for language in LANGUAGES:
            schema_editor.execute(f"DROP TABLE IF EXISTS search_fts_{language}")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, brand, extra, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        for language in LANGUAGES:
            schema_editor.execute(f"DROP INDEX IF EXISTS search_text_vector_{language}")


def restore_single_vector(apps, schema_editor):
    """Backwards: migration 0002's vector column and index on the re-created one-row-per-document table."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_searchtext ADD COLUMN IF NOT EXISTS search_vector tsvector NOT NULL DEFAULT ''::tsvector"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_text_vector_gin ON search_searchtext USING GIN (search_vector)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_variant_family_options"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_single_vector),
        migrations.DeleteModel(name="SearchText"),
        migrations.CreateModel(
            name="SearchText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=8)),
                ("category_id", models.BigIntegerField()),
                (
                    "document",
                    models.ForeignKey(
                        db_column="product_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="search.searchdocument",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("document", "language"), name="search_text_one_per_language")
                ],
            },
        ),
        migrations.RunPython(create_language_structures, drop_language_structures),
    ]
