"""Plants belong to a park: filled from the parcel (else the owner's park, else the zone's first park),
names made unique per park, then the park required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def fill_park(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Plant = apps.get_model("parks", "Plant")
    Park = apps.get_model("parks", "Park")
    seen = set()
    for plant in Plant.objects.select_related("parcel", "owner").order_by("pk"):
        if plant.park_id is None:
            plant.park_id = (
                (plant.parcel.park_id if plant.parcel_id else None)
                or (plant.owner.park_id if plant.owner_id else None)
                or Park.objects.order_by("pk").values_list("pk", flat=True).first()
            )
        if plant.completed_on is None and plant.stage == "completed":
            plant.completed_on = plant.parcel.completed_on if plant.parcel_id else None
        if (plant.park_id, plant.name) in seen:
            plant.name = ("%s-%s" % (plant.name, plant.pk))[:100]
        seen.add((plant.park_id, plant.name))
        plant.save()


class Migration(migrations.Migration):
    dependencies = [("parks", "0006_plants_and_leases")]

    operations = [
        migrations.RunPython(fill_park, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="plant",
            name="park",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plants",
                to="parks.park",
                verbose_name="park",
            ),
        ),
        migrations.AddConstraint(
            model_name="plant",
            constraint=models.UniqueConstraint(fields=("park", "name"), name="plant_name_once_per_park"),
        ),
    ]
