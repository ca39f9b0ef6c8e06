from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_chargebacks")]

    operations = [
        migrations.AlterField(
            model_name="chargeback",
            name="event_id",
            field=models.BigIntegerField(
                null=True,
                blank=True,
                help_text="Chargebacks recorded before the ChargebackRecorded event: the seller order's "
                "SellerOrderEvent. Later ones are found from the event (its data's chargeback_id).",
            ),
        ),
    ]
