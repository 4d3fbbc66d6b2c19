"""Forms of the training pages: a new training, the budget settings, a declined training."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PolicyType

# What each policy is for, in a sentence, beside its choice on the new-training form.
POLICY_PURPOSE = {
    PolicyType.ACT: _(
        "The robot imitates the recorded movements. The right start for most tasks; trains quickly."
    ),
    PolicyType.ACT_BBOX: _(
        "Like ACT, and the model also looks for one object in the camera image: for tasks where "
        "the object lies somewhere different each time."
    ),
    PolicyType.GR00T: _(
        "NVIDIA's large robot model, fine-tuned on your recordings: for harder tasks with several "
        "steps. Takes longer and costs more GPU time."
    ),
}
# Expert settings, behind "Advanced": the dataset gives good defaults.
ADVANCED_FIELDS = ("steps", "batch_size", "epochs", "learning_rate")


class TrainingForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Student"), queryset=None, required=False)
    policy_type = forms.ChoiceField(
        label=_("Policy type"),
        choices=PolicyType.choices,
        initial=PolicyType.ACT,
        widget=forms.RadioSelect,
    )
    dataset = forms.CharField(
        label=_("Dataset on the Hugging Face Hub"),
        max_length=200,
        help_text=_("Choose one of the list or type owner/name."),
        widget=forms.TextInput(attrs={"list": "known-datasets", "autocomplete": "off"}),
    )
    object_description = forms.CharField(
        label=_("Object to detect (ACT + BBox)"), max_length=200, required=False
    )
    steps = forms.IntegerField(
        label=_("Steps (ACT)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Empty: derived from the dataset."),
    )
    batch_size = forms.IntegerField(
        label=_("Batch size"),
        min_value=1,
        max_value=150,
        required=False,
        help_text=_("Empty: derived from the dataset (ACT up to 150, GR00T up to 128)."),
    )
    epochs = forms.IntegerField(
        label=_("Epochs (GR00T)"), min_value=1, max_value=100, required=False
    )
    learning_rate = forms.FloatField(
        label=_("Learning rate (GR00T)"), min_value=1e-7, max_value=1, required=False
    )
    off_peak = forms.BooleanField(
        label=_("Train tonight (from 02:00, cheaper GPU time)"), required=False
    )

    def __init__(self, *args, students=None, **kwargs):
        super().__init__(*args, **kwargs)
        if students is None:
            del self.fields["student"]
        else:
            self.fields["student"].queryset = students
            self.fields["student"].required = True
            self.fields["student"].empty_label = _("Choose a student")
            self.fields["student"].label_from_instance = (
                lambda m: f"{m.user.get_full_name()} ({m.user.username})"
            )

    def policy_choices(self):
        """The policy radio buttons, each with what it is for."""
        return [
            (choice, POLICY_PURPOSE.get(choice.data["value"], "")) for choice in self["policy_type"]
        ]

    def basic_fields(self):
        return [f for f in self.visible_fields() if f.name not in ("policy_type", *ADVANCED_FIELDS)]

    def advanced_fields(self):
        return [f for f in self.visible_fields() if f.name in ADVANCED_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("policy_type") == PolicyType.GR00T
            and (cleaned.get("batch_size") or 0) > 128
        ):
            self.add_error("batch_size", _("GR00T trains with a batch size of at most 128."))
        if cleaned.get("policy_type") == PolicyType.ACT_BBOX and not cleaned.get(
            "object_description"
        ):
            self.add_error(
                "object_description",
                _("ACT with bounding boxes needs a short description of the object to detect."),
            )
        return cleaned


class LibraryFilterForm(forms.Form):
    """The library's filters and sort, read from the query string (invalid values are ignored)."""

    policy_type = forms.ChoiceField(
        label=_("Policy"), choices=[("", _("All policies")), *PolicyType.choices], required=False
    )
    classroom = forms.ModelChoiceField(
        label=_("Classroom"), queryset=None, required=False, empty_label=_("All classrooms")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("newest", _("Newest")),
            ("loss", _("Lowest final loss")),
            ("rating", _("Best rated")),
            ("sessions", _("Most sessions")),
        ],
        required=False,
    )

    def __init__(self, *args, classrooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if classrooms is None:
            del self.fields["classroom"]
        else:
            self.fields["classroom"].queryset = classrooms

    def value(self, name, default=""):
        return (self.cleaned_data.get(name) or default) if self.is_valid() else default


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well did the model do? (1 = badly, 5 = very well)"),
        choices=[(n, "★" * n) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("What did you notice?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BudgetSettingsForm(forms.Form):
    """The admin's budget settings, with a share field per classroom (empty: no share)."""

    per_training_limit_eur = forms.DecimalField(
        label=_("Cost limit per training (EUR)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text=_("Empty: no limit beyond the budget."),
    )
    approval_threshold_eur = forms.DecimalField(
        label=_("Teacher approval above (EUR)"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        help_text=_("A student's training estimated above this waits for a teacher's approval."),
    )

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.classrooms = classrooms
        for classroom in classrooms:
            share = getattr(classroom, "budget", None)
            self.fields[f"share_{classroom.pk}"] = forms.DecimalField(
                label=_("Monthly share of %(classroom)s (EUR)") % {"classroom": classroom.name},
                required=False,
                min_value=Decimal("0"),
                max_digits=10,
                decimal_places=2,
                initial=share.monthly_eur if share else None,
            )

    def shares(self) -> dict:
        return {c: self.cleaned_data[f"share_{c.pk}"] for c in self.classrooms}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the student reads this)"), max_length=500, widget=forms.Textarea
    )
