from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.lifecircle.models import Profile


class RunForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Profile"), queryset=Profile.objects.all(), empty_label=None)
