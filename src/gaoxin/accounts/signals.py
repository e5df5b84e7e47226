"""Every change of a role or a permission is audited (等保 level 3: security administration is
accountable): a user's groups and own permissions, a group's permissions, and a user's active, staff
and superuser flags and street. The actor is the user of the request being served (the admin), or the
system at the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, pre_save
from django.utils.translation import gettext_noop

from gaoxin.accounts.models import User
from gaoxin.common import audit

WATCHED = ("is_active", "is_staff", "is_superuser", "street_id")


def _names(model: type[Any], pks: set[int] | None) -> str:
    if not pks:
        return ""
    if model is Group:
        return ", ".join(sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True)))
    if model is User:
        return ", ".join(sorted(User.objects.filter(pk__in=pks).values_list("username", flat=True)))
    return ", ".join(
        sorted(
            f"{a}.{c}"
            for a, c in Permission.objects.filter(pk__in=pks).values_list(
                "content_type__app_label", "codename"
            )
        )
    )


def _change_note(action: str, model: Any, pk_set: set[int] | None) -> str:
    """What a role or permission change did, in the log's language."""
    names = _names(model, pk_set)
    if action == "post_add":
        return audit.note(gettext_noop("added: %(names)s"), names=names)
    if action == "post_remove":
        return audit.note(gettext_noop("removed: %(names)s"), names=names)
    return audit.note(gettext_noop("all removed"))


def user_groups_changed(
    sender: Any, instance: Any, action: str, model: Any, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    what = "role" if model is Group else "permission"
    if isinstance(instance, User):
        audit.record_here(
            f"{what}_change",
            "user",
            instance.username[:40],
            label=instance.username,
            detail=_change_note(action, model, pk_set),
        )
    elif isinstance(instance, Group):
        audit.record_here(
            "permission_change",
            "role",
            instance.name[:40],
            label=instance.name,
            detail=_change_note(action, model, pk_set),
        )


def user_flags_changed(sender: Any, instance: User, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values(*WATCHED).first()
    if before is None:
        return
    changed = [
        audit.note(
            gettext_noop("%(field)s: %(before)s → %(after)s"),
            field=getattr(User._meta.get_field(f), "verbose_name", f),
            before=before[f],
            after=getattr(instance, f),
        )
        for f in WATCHED
        if before[f] != getattr(instance, f)
    ]
    if changed:
        audit.record_here(
            "user_change", "user", instance.username[:40], label=instance.username, detail="; ".join(changed)
        )


def connect() -> None:
    m2m_changed.connect(user_groups_changed, sender=User.groups.through, weak=False)
    m2m_changed.connect(user_groups_changed, sender=User.user_permissions.through, weak=False)
    m2m_changed.connect(user_groups_changed, sender=Group.permissions.through, weak=False)
    pre_save.connect(user_flags_changed, sender=User, weak=False)
