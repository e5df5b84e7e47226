from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gaoxin.common.navigation import Landing, NavLink


class HealthConfig(AppConfig):
    name = "gaoxin.health"
    label = "health"
    verbose_name = _("Health records and family doctors")

    def ready(self) -> None:
        from gaoxin.common import crypto
        from gaoxin.health.models import Resident

        crypto.register(Resident, ["id_cipher", "phone_cipher"], hash_field="id_hash", hashed="id_cipher")

    def navigation(self) -> list[NavLink]:
        from gaoxin.health import access

        return [
            NavLink(_("My health"), "health:me", access.has_own_record_page, order=5),
            NavLink(_("Family doctors"), "health:residents", access.is_staff_of_care, order=50),
            NavLink(_("Signing KPIs"), "health:kpis", access.can_see_kpis_only, order=51),
            NavLink(_("Audit log"), "health:audit", access.can_read_audit, order=95),
        ]

    def landing(self, user: Any) -> Landing | None:
        """A resident starts at her own health page, a team's doctor at the follow-ups due, a centre
        manager at the residents, the auditor at the log."""
        from django.urls import reverse

        from gaoxin.health import access

        if access.can_read_audit(user):
            return Landing(95, reverse("health:audit"))
        if access.has_own_record_page(user) and not access.is_staff_of_care(user):
            return Landing(90, reverse("health:me"))
        if access.is_team_member(user):  # a family doctor: today's follow-ups due
            return Landing(80, reverse("health:followups"))
        if access.works_at_hospital(user):  # a hospital's referral desk: the referrals received
            return Landing(80, reverse("health:referrals"))
        if access.is_staff_of_care(user):
            return Landing(80, reverse("health:residents"))
        return None
