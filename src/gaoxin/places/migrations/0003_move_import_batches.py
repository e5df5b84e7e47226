"""Import batches move to the kit (common.ImportBatch, kind "places.<dataset>")."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Old = apps.get_model("places", "ImportBatch")
    New = apps.get_model("common", "ImportBatch")
    for old in Old.objects.order_by("pk"):
        new = New.objects.create(
            kind=f"places.{old.dataset}",
            filename=old.filename,
            file_format=old.file_format,
            content=old.content,
            options={"coordinate_system": old.coordinate_system},
            status=old.status,
            problems=old.problems,
            summary=old.summary,
            created_by_id=old.created_by_id,
            applied_at=old.applied_at,
        )
        New.objects.filter(pk=new.pk).update(created_at=old.created_at, updated_at=old.updated_at)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_zone_network_version"),
        ("common", "0003_importbatch"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="ImportBatch"),
    ]
