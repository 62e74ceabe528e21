from django import forms
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from briefings.params import has_control


def _clean_code(value):
    code = "".join(value.split()).lower()
    if has_control(code) or len(code) > 32:
        raise forms.ValidationError(gettext("That is not a code."))
    return code


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, user, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device  # set up: only this (unconfirmed) device; else any confirmed one

    def clean_code(self):
        code = _clean_code(self.cleaned_data["code"])
        with transaction.atomic():  # the devices are locked while their counters change
            devices = [self.device] if self.device is not None else candidates(self.user, code)
            if any(not device.verify_is_allowed()[0] for device in devices):
                # django-otp doubles the pause after each wrong code.
                raise forms.ValidationError(
                    gettext("Too many wrong codes: wait a little, then type the current one.")
                )
            matched = next((device for device in devices if device.verify_token(code)), None)
        if matched is None:
            raise forms.ValidationError(
                gettext("That code is wrong or has expired. Try the current one.")
            )
        self.matched = matched
        return code


def candidates(user, code):
    """The devices a code is for: digits are an app's code, anything else a recovery code.

    So a recovery code is not also tried (and counted wrong) against the app's device.
    """
    app = code.isdigit()
    return [
        device
        for device in devices_for_user(user, for_verify=True)
        if isinstance(device, TOTPDevice) == app
    ]


class ReauthForm(forms.Form):
    """The password, or a code from the second factor."""

    secret = forms.CharField(
        label=gettext_lazy("Password or code"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if has_control(secret):
            raise forms.ValidationError(gettext("That is not right."))
        user = self.request.user
        # Through authenticate(), so a wrong password counts towards the lockout as at login.
        if authenticate(self.request, username=user.get_username(), password=secret):
            return secret
        code = "".join(secret.split()).lower()
        if len(code) <= 32:
            with transaction.atomic():
                if any(device.verify_token(code) for device in candidates(user, code)):
                    return secret
        raise forms.ValidationError(gettext("That is neither your password nor a current code."))
