"""Forms: parse and validate input; writes go through services."""

import zoneinfo

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth import password_validation
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import Classroom, Invitation, Role, School, User
from .selectors import school_teachers, user_signs_in_without_email
from .services.schools import school_signup

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class LoginForm(AllauthLoginForm):
    """allauth's login; students, who have no e-mail address, skip its verification step."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and user_signs_in_without_email(user=user):
            self._login.email_verification = EmailVerificationMethod.NONE
        return cleaned


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset by e-mail, for accounts of one's own only: an account the school manages
    gets a new password from its teachers, since the address on it was typed in by a teacher."""

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if not user.managed_by_school]
        return email


class SchoolSignupForm(SignupForm):
    """Signs up a school: the person signing up becomes its first admin."""

    school_name = forms.CharField(label=_("Name of your school"), max_length=200)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    accept_avv = forms.BooleanField(
        label=_(
            "I accept the data-processing agreement (AVV) for my school, the terms of use and "
            "the privacy notice."
        ),
        error_messages={"required": _("Please accept the data-processing agreement (AVV).")},
    )
    field_order = [
        "school_name",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "accept_avv",
    ]

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            user.first_name = self.cleaned_data["first_name"]
            user.last_name = self.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            school_signup(
                user=user,
                name=self.cleaned_data["school_name"],
                avv_accepted=self.cleaned_data["accept_avv"],
                language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("de", "en") else "de",
            )
        return user


class PasswordPairForm(forms.Form):
    """A new password typed twice, checked by Django's password validators."""

    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NewAccountForm(PasswordPairForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    field_order = ["first_name", "last_name", "password1", "password2"]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class StudentSignupForm(NewAccountForm):
    code = JoinCodeForm.base_fields["code"]
    field_order = ["code", "first_name", "last_name", "password1", "password2"]


class SchoolSettingsForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    language = forms.ChoiceField(label=_("language"), choices=School.Language.choices)
    time_zone = forms.ChoiceField(label=_("time zone"), choices=[(tz, tz) for tz in TIME_ZONES])
    analytics_opt_out = forms.BooleanField(
        label=_("Send no anonymous usage statistics about this school"), required=False
    )
    server_idle_minutes = forms.IntegerField(
        label=School._meta.get_field("server_idle_minutes").verbose_name,
        help_text=School._meta.get_field("server_idle_minutes").help_text,
        min_value=1,
        max_value=120,
        required=False,  # empty: unchanged
    )
    retention_months = forms.IntegerField(
        label=School._meta.get_field("retention_months").verbose_name,
        help_text=School._meta.get_field("retention_months").help_text,
        min_value=1,
        max_value=120,
        required=False,  # empty keeps the current setting
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.TEACHER


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("role"),
        choices=[(Role.TEACHER, Role.TEACHER.label), (Role.ADMIN, Role.ADMIN.label)],
    )


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name", "subject", "co_teachers"]
        widgets = {"co_teachers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_teachers"].queryset = school_teachers(school=school)
        self.fields["co_teachers"].label_from_instance = (
            lambda m: m.user.get_full_name() or m.user.email
        )


class StudentForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to generate one from the name."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=User._meta.get_field("email").max_length,
    )


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Class list (CSV)"),
        help_text=_(
            "Columns: first_name, last_name and optionally username, email; separated by ; or ,"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class StudentsBulkForm(forms.Form):
    """Selected students of a classroom and what to do with them."""

    class Action(models.TextChoices):
        PASSWORDS = "passwords", _("New passwords and a login sheet")
        MOVE = "move", _("Move to another classroom")
        REMOVE = "remove", _("Remove from the classroom")

    students = forms.ModelMultipleChoiceField(
        label=_("Students"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(label=_("With the selected students"), choices=Action.choices)
    target = forms.ModelChoiceField(label=_("Move to"), queryset=None, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, students, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["target"].queryset = targets

    def clean(self):
        cleaned = super().clean()
        move = cleaned.get("action") == self.Action.MOVE
        if move and cleaned.get("confirmed") and not cleaned.get("target"):
            self.add_error("target", _("Choose the classroom to move them to."))
        return cleaned
