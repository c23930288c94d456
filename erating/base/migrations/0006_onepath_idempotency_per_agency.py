"""Idempotency keys unique per agency (agency, idempotency_key) instead of globally, so the
ratings table can be distributed by agency (docs/architecture.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('base', '0005_followup_cases_alerts'),
    ]

    operations = [
        # The per-agency constraint first, so keys are never without one; then the global one goes.
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.UniqueConstraint(fields=('agency', 'idempotency_key'), name='rating_key_unique_per_agency'),
        ),
        migrations.AlterField(
            model_name='rating',
            name='idempotency_key',
            field=models.UUIDField(),
        ),
    ]
