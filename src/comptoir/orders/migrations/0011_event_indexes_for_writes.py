"""Fewer index entries per seller order event (docs/PERFORMANCE.md, "History import", fifth round): the date index
goes (every query by date is per seller, served by `order_event_seller_cover`, or per seller order), and the actor's
index keeps only the events that have an actor (the one query by actor, SET_NULL when a user is deleted, never looks
for NULL). The partial index is built before the full one is dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_seller_order_goods_country"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="sellerorderevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)), fields=["actor"], name="order_event_actor_set"
            ),
        ),
        migrations.AlterField(
            model_name="sellerorderevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="sellerorderevent",
            name="created_at",
            field=models.DateTimeField(),
        ),
    ]
