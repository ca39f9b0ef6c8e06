"""The ranked seller's trust copy on each document, so that a trust change rewrites `quality` by seller (see
search.services.search_seller_trust_refresh). Documents indexed before this migration have no ranked seller: trust changes
skip them until the next `comptoir search reindex`."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('search', '0002_search_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchdocument',
            name='quality_base',
            field=models.FloatField(default=0.0, help_text="The points of `quality` that do not depend on the seller's trust."),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='ranked_seller_id',
            field=models.BigIntegerField(help_text='Seller of the lowest landed price whose trust `quality` uses.', null=True),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='seller_satisfaction',
            field=models.FloatField(default=50.0, help_text='Buyer-satisfaction pillar (0–100) of the ranked seller, as last copied.'),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='seller_trust',
            field=models.FloatField(default=50.0, help_text='Trust score (0–100) of the ranked seller, as last copied.'),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='visibility_multiplier',
            field=models.FloatField(default=1.0, help_text='Visibility multiplier of the ranked seller, as last copied.'),
        ),
        migrations.AddIndex(
            model_name='searchdocument',
            index=models.Index(fields=['ranked_seller_id'], name='search_doc_ranked_seller'),
        ),
    ]
