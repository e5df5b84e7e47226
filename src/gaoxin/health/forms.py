from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.health.choices import CancelReason, Sex
from gaoxin.health.models import ServicePackage, Team
from gaoxin.places.models import Community


class RegisterForm(forms.Form):
    id_number = forms.CharField(label=_("ID number (身份证号)"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.TypedChoiceField(label=_("Sex"), choices=Sex.choices, coerce=int)
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.order_by("code"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    package = forms.ModelChoiceField(
        label=_("Sign with my team (package)"), queryset=ServicePackage.objects.all(), required=False
    )


class SignForm(forms.Form):
    package = forms.ModelChoiceField(label=_("Service package"), queryset=ServicePackage.objects.all())


class ApplyForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Family-doctor team"), queryset=Team.objects.select_related("institution")
    )
    package = forms.ModelChoiceField(label=_("Service package"), queryset=ServicePackage.objects.all())


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CancelReason.choices)


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"), required=False, widget=forms.TextInput(attrs={"placeholder": _("user")})
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("action: read, reveal …")}),
    )
    target = forms.CharField(
        label=_("Object (type or id)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("object type or id")}),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
