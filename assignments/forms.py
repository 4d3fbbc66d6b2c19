"""Forms of the assignment pages: write, reuse, hand in, grade, and a training inside an
assignment's limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from training.forms import TrainingForm

from .models import Assignment, Grading
from .services import ASSIGNMENT_FIELDS

# A browser's date-and-time picker sends this format; the school's time zone applies.
DUE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("classroom", *ASSIGNMENT_FIELDS)
        widgets = {
            "due_at": DUE_WIDGET,
            "instructions": forms.Textarea(attrs={"rows": 10}),
            "datasets": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classrooms
        if self.instance.pk:
            del self.fields["classroom"]  # another classroom: reuse it instead


class ReuseForm(forms.Form):
    classroom = forms.ModelChoiceField(label=_("Classroom"), queryset=None)
    due_at = forms.DateTimeField(label=_("Due"), widget=DUE_WIDGET)

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classrooms


class HandInForm(forms.Form):
    training = forms.ModelChoiceField(label=_("Your model"), queryset=None, empty_label=None)
    reflection = forms.CharField(
        label=_("Reflection: what did you try, what worked, what would you change?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, models, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = models
        self.fields["training"].label_from_instance = lambda t: (
            f"{t.model_name} ({t.completed_at:%d.%m.%Y %H:%M})" if t.completed_at else t.model_name
        )


class GradeForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    grade = forms.DecimalField(label=_("Grade"), max_digits=6, decimal_places=1, required=False)
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("passed")), ("no", _("not passed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, grading, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].localize = True  # 2,5 as a German teacher types it
        if grading == Grading.PASS_FAIL:
            del self.fields["grade"]
        else:
            del self.fields["passed"]
            self.fields["grade"].required = True
            self.fields["grade"].label = (
                _("Points") if grading == Grading.POINTS else _("Grade (1–6)")
            )


class AssignmentTrainingForm(TrainingForm):
    """The new-training form inside an assignment's limits: its datasets and policy only."""

    def __init__(self, *args, assignment: Assignment, **kwargs):
        allowed = assignment.allowed_datasets
        initial = {
            "policy_type": assignment.policy_type,
            "dataset": (allowed or [""])[0],
            "steps": assignment.max_steps,  # the dataset's default may be more than allowed
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["policy_type"].choices = [
            (assignment.policy_type, assignment.get_policy_type_display())
        ]
        if allowed:
            self.fields["dataset"] = forms.ChoiceField(
                label=self.fields["dataset"].label, choices=[(name, name) for name in allowed]
            )
