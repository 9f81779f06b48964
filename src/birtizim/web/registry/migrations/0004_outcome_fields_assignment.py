# Outcomes as the engine's codes with the fields each needs; residents assigned to officers.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_review_and_publication"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # "actualised as" was free text; it is the category's code now (rows kept as written)
        migrations.RenameField(model_name="outcome", old_name="actualised_as", new_name="category"),
        migrations.AlterField(model_name="outcome", name="result", field=models.CharField(max_length=24)),
        migrations.AddField(model_name="outcome", name="on_date", field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name="outcome", name="follow_up", field=models.DateField(blank=True, null=True)),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("person_id", models.BigIntegerField(unique=True)),
                ("district", models.CharField(db_index=True, max_length=64)),
                ("assigned_at", models.DateTimeField(auto_now=True)),
                (
                    "assigned_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "officer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="assignments", to="registry.run"
                    ),
                ),
            ],
            options={"ordering": ["district", "officer_id", "person_id"]},
        ),
    ]
