"""Department import batches move to the kit (common.ImportBatch, kind "parks.<dataset>"); each figure
keeps the batch it came from."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Old = apps.get_model("parks", "ImportBatch")
    New = apps.get_model("common", "ImportBatch")
    Fact = apps.get_model("parks", "Fact")
    for old in Old.objects.order_by("pk"):
        facts = Fact.objects.filter(batch_id=old.pk)
        new = New.objects.create(
            kind=f"parks.{old.dataset}",
            filename=old.filename,
            file_format="xlsx" if old.filename.lower().endswith(".xlsx") else "csv",
            options={"year": old.year},
            status="applied",
            summary={"rows": old.rows, "written": facts.count(), "problem_count": 0},
            created_by_id=old.created_by_id,
            applied_at=old.created_at,
        )
        New.objects.filter(pk=new.pk).update(created_at=old.created_at, updated_at=old.updated_at)
        facts.update(new_batch_id=new.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0001_initial"),
        ("common", "0003_importbatch"),
    ]

    operations = [
        migrations.AddField(
            model_name="fact",
            name="new_batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="common.importbatch",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="fact", name="batch"),
        migrations.DeleteModel(name="ImportBatch"),
        migrations.RenameField(model_name="fact", old_name="new_batch", new_name="batch"),
        migrations.AlterField(
            model_name="fact",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="facts",
                to="common.importbatch",
                verbose_name="import",
            ),
        ),
    ]
