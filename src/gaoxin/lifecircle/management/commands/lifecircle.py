import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.lifecircle import exports, services
from gaoxin.lifecircle.models import Profile
from gaoxin.places.models import Zone


class Command(BaseCommand):
    help = "Life-circle evaluation: `gaoxin lifecircle evaluate --zone 370871 [--profile jining-2026] [--format json|xlsx] [-o FILE]`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["evaluate"])
        parser.add_argument("--zone", required=True)
        parser.add_argument(
            "--profile", default="", help="profile name (latest version), e.g. jining-2026 or gb50180-2018"
        )
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output")

    def handle(self, *args: Any, **o: Any) -> None:
        zone = Zone.objects.filter(code=o["zone"]).first()
        if zone is None:
            raise CommandError(f"No zone with code {o['zone']}.")
        profile = None
        if o["profile"]:
            profile = Profile.objects.filter(name=o["profile"]).order_by("-version").first()
            if profile is None:
                raise CommandError(
                    f"No profile named {o['profile']} ({', '.join(sorted(set(Profile.objects.values_list('name', flat=True))))})."
                )
        try:
            evaluation = services.evaluate(actor=None, zone=zone, profile=profile)
        except services.EvaluationError as exc:
            raise CommandError(str(exc)) from None
        results = list(evaluation.area_results.select_related("area", "area__community", "street"))
        if o["format"] == "xlsx":
            data = exports.results_xlsx(evaluation, results, f"{zone.name} · {evaluation.profile}")
            if not o["output"]:
                raise CommandError("xlsx needs -o FILE.")
            Path(o["output"]).write_bytes(data)
            self.stderr.write(f"Wrote {o['output']}")
            return
        doc = {
            "evaluation": evaluation.pk,
            "profile": str(evaluation.profile),
            "duration_ms": evaluation.duration_ms,
            "summary": {k: v for k, v in evaluation.summary.items() if k not in ("community",)},
            "areas": [
                {
                    "code": r.area.code,
                    "name": r.area.name,
                    "street": r.street.code,
                    "population": r.population,
                    "completeness": r.completeness,
                    "passes": r.passes,
                    "items": r.items,
                }
                for r in results
            ],
        }
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        if o["output"]:
            Path(o["output"]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
