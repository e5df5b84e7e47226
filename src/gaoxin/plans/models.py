"""Plans and targets: the year's targets (computed by a measure of the catalogue, or reported with
evidence), the units that own them, and the task allocation tables (任务配当表) with their dated time
nodes, progress reports and supervision notices (督办单)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import Attachment, TimeStamped
from gaoxin.places.models import Facility, Zone
from gaoxin.places.validators import validate_lon_lat
from gaoxin.plans.choices import (
    PROJECT_STAGES,
    Direction,
    ProjectCategory,
    ProjectKind,
    ProjectStage,
    TargetKind,
)

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Unit(TimeStamped):
    """A government unit (a bureau, a centre, a street office) that owns targets and leads or shares
    tasks; its members report progress for it."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="plan_units"
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="plans_unit_once")]

    def __str__(self) -> str:
        return self.name


class Target(TimeStamped):
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    code = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="targets"
    )
    kind = models.CharField(_("how it is measured"), max_length=10, choices=TargetKind.choices)
    measure = models.CharField(_("measure"), max_length=60, blank=True)
    params = models.JSONField(_("measure parameters"), default=dict, blank=True)
    goal = models.DecimalField(_("goal"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    goal_max = models.DecimalField(
        _("upper end of the goal"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a range such as 3–5: the goal is met at its lower end."),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    unit_label = models.CharField(_("unit of the goal"), max_length=20, blank=True)
    start_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    source = models.CharField(_("source document"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "code"], name="plans_target_once"),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("start_on")), name="plans_target_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_on is not None and self.due_on is not None and self.due_on < self.start_on:
            raise ValidationError({"due_on": _("A target cannot be due before it starts.")})
        if self.goal_max is not None and self.goal is not None and self.goal_max < self.goal:
            raise ValidationError({"goal_max": _("The upper end cannot be below the goal.")})
        if self.kind == TargetKind.COMPUTED and not self.measure:
            raise ValidationError({"measure": _("A computed target needs its measure.")})
        if self.kind == TargetKind.REPORTED and self.measure:
            raise ValidationError({"measure": _("A reported target has no measure.")})


class TargetReport(models.Model):
    """A reported figure of a target with no data on the platform, with its evidence."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="reports"
    )
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    as_of = models.DateField(_("as of"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target report")
        verbose_name_plural = _("target reports")
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.as_of}: {self.value}"


class Programme(TimeStamped):
    """A plan run by a task allocation table (任务配当表), e.g. the parks' 双带 action plan."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    coordinator = models.ForeignKey(
        Unit, verbose_name=_("coordinating unit"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(_("document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "year", "name"], name="plans_programme_once")]

    def __str__(self) -> str:
        return self.name


class Task(TimeStamped):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.CharField(_("number"), max_length=20)
    content = models.TextField(_("content"))
    measurable = models.CharField(_("measurable target"), max_length=300, blank=True)
    lead = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    partners = models.ManyToManyField(
        Unit, verbose_name=_("responsible units"), blank=True, related_name="shared_tasks"
    )
    leader = models.CharField(_("responsible leader"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["programme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="plans_task_once")]
        permissions = [("supervise", _("Can issue supervision notices (督办单)"))]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:40]}"


class Node(models.Model):
    """A dated time node (节点) of a task: due on its date, done when finished."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="nodes")
    title = models.CharField(_("what is due"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("time node")
        verbose_name_plural = _("time nodes")
        ordering = ["task", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on})"


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    node = models.ForeignKey(
        Node,
        verbose_name=_("time node"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026-11 or 2026-W47"))
    text = models.TextField(_("progress"))
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_on = models.DateField(_("reported on"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period}"


class SupervisionNotice(models.Model):
    """A 督办单: issued to the lead unit when a time node passes its date unfinished; closed when the
    node is done."""

    node = models.OneToOneField(
        Node, verbose_name=_("time node"), on_delete=models.CASCADE, related_name="notice"
    )
    number = models.CharField(_("number"), max_length=30)
    unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="notices"
    )
    issued_on = models.DateField(_("issued on"))
    days_late = models.PositiveIntegerField(_("days late when issued"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class Project(TimeStamped):
    """A major project (重点项目) of the zone: its kind and stage, its investment plan and the investment
    completed each month, its milestones, its place on the map and the targets it serves. A shantytown
    renovation (棚改) also counts the households to relocate and the resettlement homes."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=ProjectCategory.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=ProjectStage.choices)
    owner = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="projects"
    )
    total_investment_yuan = models.DecimalField(
        _("total investment (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR_VALIDATORS)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    description = models.TextField(_("description"), blank=True)
    targets = models.ManyToManyField(
        Target, verbose_name=_("targets served"), blank=True, related_name="projects"
    )
    households = models.PositiveIntegerField(_("households to relocate"), null=True, blank=True)
    resettlement_units = models.PositiveIntegerField(_("resettlement homes planned"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="plans_project_once"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plans_project_years"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_lon_lat(self.lon, self.lat, "lon")
        if self.kind and self.stage and self.stage not in PROJECT_STAGES.get(self.kind, ()):
            raise ValidationError({"stage": _("This stage is not one of the project's kind.")})
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("A project cannot end before it starts.")})


class ProjectStageChange(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ProjectStage.choices)
    entered_on = models.DateField(_("entered on"))

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["project", "entered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage} {self.entered_on}"


class ProjectYear(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    planned_yuan = models.DecimalField(
        _("investment planned (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("yearly investment plan")
        verbose_name_plural = _("yearly investment plans")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="plans_project_year_once")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"


class ProjectMonth(models.Model):
    """A month's progress: the investment completed in the month and, for a renovation, the running
    totals of agreements, demolitions and resettlement homes."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="months"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    completed_yuan = models.DecimalField(
        _("investment completed in the month (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    signed = models.PositiveIntegerField(_("agreements signed (to date)"), null=True, blank=True)
    demolished = models.PositiveIntegerField(_("households demolished (to date)"), null=True, blank=True)
    units_started = models.PositiveIntegerField(
        _("resettlement homes started (to date)"), null=True, blank=True
    )
    units_finished = models.PositiveIntegerField(
        _("resettlement homes finished (to date)"), null=True, blank=True
    )
    units_delivered = models.PositiveIntegerField(
        _("resettlement homes delivered (to date)"), null=True, blank=True
    )
    note = models.CharField(_("progress on site"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="plans_project_month_once"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="plans_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class CareFacility(TimeStamped):
    """What the elderly-care targets and residents need of an elderly-care facility (a places.Facility of
    the elderly-care class): its places, its canteen's meals, its reading room."""

    facility = models.OneToOneField(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="care"
    )
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    day_places = models.PositiveIntegerField(_("day-care places"), null=True, blank=True)
    meals_per_day = models.PositiveIntegerField(_("meals per day (capacity)"), null=True, blank=True)
    delivers_meals = models.BooleanField(_("delivers meals to those who cannot come"), default=False)
    reading_room_opened_on = models.DateField(_("reading room (国学书屋) opened on"), null=True, blank=True)

    class Meta:
        verbose_name = _("elderly-care details")
        verbose_name_plural = _("elderly-care details")

    def __str__(self) -> str:
        return str(self.facility)


class StarAssessment(models.Model):
    """An assessment of an institution by GB/T 37276-2018: its score and the star grade it earns."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="star_assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    score = models.DecimalField(
        _("score (of 1,000)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    stars = models.PositiveSmallIntegerField(_("star grade"), editable=False)
    assessor = models.CharField(_("assessed by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("star assessment")
        verbose_name_plural = _("star assessments")
        ordering = ["facility", "assessed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "assessed_on"], name="plans_assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.assessed_on}: {self.score}"


class MealMonth(models.Model):
    """A canteen's meals in a month: served, and of them subsidised (80+ or low-income elderly)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.CASCADE, related_name="meal_months"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    meals_served = models.PositiveIntegerField(_("meals served"))
    meals_subsidised = models.PositiveIntegerField(_("of them subsidised"))

    class Meta:
        verbose_name = _("meals of a month")
        verbose_name_plural = _("meals of the months")
        ordering = ["facility", "month"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "month"], name="plans_meals_once"),
            models.CheckConstraint(
                condition=models.Q(meals_subsidised__lte=models.F("meals_served")),
                name="plans_meals_subsidised",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="plans_meals_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.month:%Y-%m}"

    def clean(self) -> None:
        if (
            self.meals_subsidised is not None
            and self.meals_served is not None
            and self.meals_subsidised > self.meals_served
        ):
            raise ValidationError({"meals_subsidised": _("More subsidised meals than meals served.")})
