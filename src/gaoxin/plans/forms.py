"""Every input of the plans pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.common import measures
from gaoxin.common.forms import DateInput, EvidenceField, UploadField, limit_choices, set_choices
from gaoxin.plans.choices import TargetKind
from gaoxin.plans.models import YEAR_VALIDATORS, CareFacility, Node, Target, Unit


def _param_field(p: measures.Param) -> forms.Field:
    common: dict[str, Any] = {"label": p.label, "required": False}
    if p.kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *(p.choices() if p.choices else [])], **common)
    if p.kind == "decimal":
        return forms.DecimalField(max_digits=16, decimal_places=4, **common)
    if p.kind == "integer":
        return forms.IntegerField(**common)
    if p.kind == "date":
        return forms.DateField(widget=DateInput(), **common)
    return forms.CharField(max_length=200, **common)


def param_name(measure: str, param: str) -> str:
    return f"p__{measure.replace('.', '__')}__{param}"


class TargetForm(forms.ModelForm[Target]):
    """A target; the parameters of each measure of the catalogue are fields of their own (the page
    shows those of the measure chosen)."""

    measure = forms.ChoiceField(label=_("Measure"), required=False)

    class Meta:
        model = Target
        fields = [
            "year",
            "code",
            "title",
            "owner",
            "kind",
            "measure",
            "goal",
            "goal_max",
            "direction",
            "unit_label",
            "start_on",
            "due_on",
            "source",
            "order",
        ]
        widgets = {"start_on": DateInput(), "due_on": DateInput()}

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "owner", Unit.objects.filter(zone=zone))
        self.catalogue = measures.catalogue()
        set_choices(self, "measure", [("", "—"), *((k, str(m.label)) for k, m in self.catalogue.items())])
        self.param_groups: list[tuple[str, list[str]]] = []
        stored = self.instance.params if self.instance.pk else {}
        for key, m in self.catalogue.items():
            names = []
            for p in m.params:
                name = param_name(key, p.name)
                self.fields[name] = _param_field(p)
                if self.instance.measure == key and p.name in stored:
                    self.initial[name] = stored[p.name]
                elif p.default is not None:
                    self.initial[name] = p.default
                names.append(name)
            self.param_groups.append((key, names))

    def param_fields(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (key, str(self.catalogue[key].label), [self[n] for n in names])
            for key, names in self.param_groups
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("measure") or ""
        if data.get("kind") == TargetKind.COMPUTED:
            m = self.catalogue.get(key)
            if m is None:
                raise ValidationError({"measure": _("A computed target needs its measure.")})
            raw = {p.name: data.get(param_name(key, p.name)) for p in m.params}
            try:
                data["params"] = measures.clean_params(m, raw)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        else:
            data["measure"], data["params"] = "", {}
        return data

    def target_data(self) -> dict[str, Any]:
        fields = [f for f in self.Meta.fields]
        return {f: self.cleaned_data.get(f) for f in fields} | {"params": self.cleaned_data.get("params", {})}


class TargetReportForm(forms.Form):
    value = forms.DecimalField(label=_("Figure"), min_value=0, max_digits=16, decimal_places=2)
    as_of = forms.DateField(label=_("As of"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    evidence = EvidenceField(label=_("Evidence (PDF, image, xlsx or docx)"), required=False)


class ProgressForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("e.g. 2026-11 or 2026-W47"))
    node = forms.ModelChoiceField(label=_("Time node"), queryset=Node.objects.none(), required=False)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    attachment = EvidenceField(label=_("Attachment (PDF, image, xlsx or docx)"), required=False)

    def __init__(self, *args: Any, task: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "node", task.nodes.all())


class FinishForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())


class ImportForm(forms.Form):
    file = UploadField(label=_("File (xlsx or CSV)"))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, validators=YEAR_VALIDATORS)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), validators=YEAR_VALIDATORS)
    coordinator = forms.ModelChoiceField(label=_("Coordinating unit"), queryset=Unit.objects.none())
    document = forms.CharField(label=_("Document"), max_length=200, required=False)

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "coordinator", Unit.objects.filter(zone=zone))


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=10, help_text=_("e.g. 2026-11"))
    completed_10k_yuan = forms.DecimalField(
        label=_("Investment completed in the month (万元)"), min_value=0, max_digits=14, decimal_places=2
    )
    signed = forms.IntegerField(label=_("Agreements signed (to date)"), min_value=0, required=False)
    demolished = forms.IntegerField(label=_("Households demolished (to date)"), min_value=0, required=False)
    units_started = forms.IntegerField(
        label=_("Resettlement homes started (to date)"), min_value=0, required=False
    )
    units_finished = forms.IntegerField(
        label=_("Resettlement homes finished (to date)"), min_value=0, required=False
    )
    units_delivered = forms.IntegerField(
        label=_("Resettlement homes delivered (to date)"), min_value=0, required=False
    )
    note = forms.CharField(label=_("Progress on site"), max_length=300, required=False)

    def __init__(self, *args: Any, renovation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not renovation:
            for name in ("signed", "demolished", "units_started", "units_finished", "units_delivered"):
                del self.fields[name]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"))
    entered_on = forms.DateField(label=_("Entered on"), widget=DateInput())

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "stage", stages)


class CareForm(forms.ModelForm[CareFacility]):
    class Meta:
        model = CareFacility
        fields = ["beds", "day_places", "meals_per_day", "delivers_meals", "reading_room_opened_on"]
        widgets = {"reading_room_opened_on": DateInput()}


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    score = forms.DecimalField(
        label=_("Score (of 1,000)"), min_value=0, max_value=1000, max_digits=6, decimal_places=1
    )
    assessor = forms.CharField(label=_("Assessed by"), max_length=100, required=False)


class MealsForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=10, help_text=_("e.g. 2026-11"))
    served = forms.IntegerField(label=_("Meals served"), min_value=0, max_value=10_000_000)
    subsidised = forms.IntegerField(label=_("Of them subsidised"), min_value=0, max_value=10_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("served") is not None
            and data.get("subsidised") is not None
            and data["subsidised"] > data["served"]
        ):
            raise ValidationError(_("More subsidised meals than meals served."))
        return data
