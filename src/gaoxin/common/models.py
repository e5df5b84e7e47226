"""Base models shared by every app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.choices import (
    AUDIT_ACTIONS,
    AUDIT_OUTCOMES,
    AUDIT_TARGETS,
    FINISHED,
    FileFormat,
    ImportStatus,
    JobStatus,
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(
            "audit events are deleted only by `gaoxin audit purge` after the retention period"
        )


class AuditEvent(models.Model):
    """One read or write of personal data: who, when, which object, what, with which outcome.

    Append-only: saving an existing event, updating or deleting through the ORM raises; in the database
    (PostgreSQL and SQLite alike) a trigger refuses UPDATE, and DELETE of events younger than 180 days
    (the legal floor; `gaoxin audit purge` removes what is older than GAOXIN_AUDIT_RETENTION_DAYS).
    Never holds a clear 身份证号 or phone."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        # An event outlives its user and is never rewritten: deleting a user leaves the events as they
        # are (the id and the name stay). Users who acted are deactivated, not deleted (accounts.admin).
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=20, db_index=True)
    target_type = models.CharField(_("object type"), max_length=40, db_index=True)
    target_id = models.CharField(_("object"), max_length=40, blank=True, db_index=True)
    target_label = models.CharField(_("object label"), max_length=120, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, default="ok")
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return "%s %s %s %s:%s" % (self.at, self.actor_name, self.action, self.target_type, self.target_id)

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError(
            "audit events are deleted only by `gaoxin audit purge` after the retention period"
        )

    def action_text(self) -> str:
        return str(AUDIT_ACTIONS.get(self.action, self.action))

    def target_type_text(self) -> str:
        if self.target_type in AUDIT_TARGETS:
            return str(AUDIT_TARGETS[self.target_type])
        from gaoxin.common.imports import REGISTRY  # an import's object type is the kind of file

        importer = REGISTRY.get(self.target_type)
        return str(importer.label()) if importer is not None else self.target_type

    def outcome_text(self) -> str:
        return str(AUDIT_OUTCOMES.get(self.outcome, self.outcome))


class ImportBatch(TimeStamped):
    """One uploaded file of any kind (gaoxin.common.imports): validated first, written only when
    nothing is wrong — at once, or when a user confirms the preview."""

    kind = models.CharField(_("kind of file"), max_length=60, db_index=True)
    filename = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices, blank=True)
    content = models.BinaryField(_("content"), blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def dataset(self) -> str:
        """The part of the kind after the app (“facilities” of “places.facilities”)."""
        return self.kind.partition(".")[2]

    @property
    def problem_count(self) -> int:
        """How many problems the check found (the list kept may be shortened)."""
        return int(self.summary.get("problem_count") or len(self.problems))


class Job(models.Model):
    """Long work run outside the request (gaoxin.common.jobs): on a Celery worker when a broker is set,
    else on the embedded worker. Its progress, its result and its failure are kept here, so a job
    outlives the page that started it and a restart of the workers."""

    kind = models.CharField(_("kind of job"), max_length=60, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("what it is doing"), max_length=200, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class WorkerBeat(models.Model):
    """A job worker's sign of life (written every few seconds by the embedded worker and by each Celery
    worker): the health endpoint reports the workers seen in the last minute."""

    name = models.CharField(_("worker"), max_length=120, unique=True)
    kind = models.CharField(_("kind of worker"), max_length=20)
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A file attached as evidence (a progress report's photo or PDF, a document): checked at the edge
    by ``gaoxin.common.attachments`` (size, type by content), kept in the database so that a backup
    holds it. The app that links it serves it behind its own gate."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
