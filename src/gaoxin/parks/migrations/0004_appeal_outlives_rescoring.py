"""Objections belong to the firm and the evaluation and outlive re-scoring (the result link may be empty)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def link(apps: Any, schema_editor: Any) -> None:
    Appeal = apps.get_model("parks", "Appeal")
    for appeal in Appeal.objects.select_related("result").iterator():
        appeal.evaluation_id = appeal.result.evaluation_id
        appeal.enterprise_id = appeal.result.enterprise_id
        appeal.save(update_fields=["evaluation", "enterprise"])


class Migration(migrations.Migration):
    dependencies = [("parks", "0003_fact_value_signed")]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="evaluation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeals",
                to="parks.evaluation",
                verbose_name="evaluation",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="enterprise",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeals",
                to="parks.enterprise",
                verbose_name="enterprise",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appeal",
            name="evaluation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeals",
                to="parks.evaluation",
                verbose_name="evaluation",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="enterprise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="appeals",
                to="parks.enterprise",
                verbose_name="enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="result",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="appeals",
                to="parks.result",
                verbose_name="result",
            ),
        ),
    ]
