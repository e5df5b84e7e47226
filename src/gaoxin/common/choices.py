from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Rejected: problems found")
    VALIDATED = "validated", _("Validated, waiting for confirmation")
    APPLIED = "applied", _("Applied")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (xlsx)"
    GEOJSON = "geojson", "GeoJSON"


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS, OpenStreetMap)")
    GCJ02 = "gcj02", _("GCJ-02 (Amap / Tencent maps)")
