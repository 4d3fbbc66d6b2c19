"""What the assignments app holds about a student, for the privacy registry (privacy.registry):
their hand-ins with reflection, feedback and grade. Erasure deletes them: a grade is personal,
and the school's statistics count trainings, not hand-ins."""

from schools.models import Membership

from .models import Submission


def _hand_ins(membership: Membership):
    return Submission.objects.for_school(membership.school).filter(student=membership)


def export_member(membership: Membership) -> dict[str, list[dict]]:
    return {
        "hand_ins": [
            {
                "id": hand_in.pk,
                "member_id": membership.pk,
                "assignment": hand_in.assignment.title,
                "training_id": hand_in.training_id,
                "handed_in": hand_in.handed_in_at,
                "reflection": hand_in.reflection,
                "feedback": hand_in.feedback,
                "grade": hand_in.grade,
                "passed": hand_in.passed,
                "returned": hand_in.returned_at,
            }
            for hand_in in _hand_ins(membership).select_related("assignment")
        ]
    }


def erase_member(membership: Membership, *, keep_hub_models: bool) -> None:
    _hand_ins(membership).delete()
