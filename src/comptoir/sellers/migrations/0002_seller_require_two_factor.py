from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("sellers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="seller",
            name="require_two_factor",
            field=models.BooleanField(default=False),
        ),
    ]
