"""factory_boy factories. A child takes its school from its parent, so tenants never mix by accident."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from assignments.models import Assignment
from schools.models import Classroom, Enrollment, Invitation, Membership, Role, School, User
from training.models import Training

PASSWORD = "correct-horse-battery"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Schule {n}")
    slug = factory.Sequence(lambda n: f"schule-{n}")
    language = "en"  # the tests read English; German is tested where it is meant


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username if "@" in u.username else "")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        if create and user.email:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.TEACHER


class AdminFactory(MembershipFactory):
    role = Role.ADMIN


class TeacherFactory(MembershipFactory):
    role = Role.TEACHER


class StudentFactory(MembershipFactory):
    role = Role.STUDENT
    user = factory.SubFactory(
        UserFactory, username=factory.Sequence(lambda n: f"student{n}"), managed_by_school=True
    )


class ClassroomFactory(DjangoModelFactory):
    class Meta:
        model = Classroom

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Robotik {n}")
    subject = "Klasse 10"
    primary_teacher = factory.SubFactory(TeacherFactory, school=factory.SelfAttribute("..school"))


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    school = factory.SelfAttribute("classroom.school")
    student = factory.SubFactory(StudentFactory, school=factory.SelfAttribute("..school"))


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    school = factory.SubFactory(SchoolFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.TEACHER
    invited_by = factory.SubFactory(AdminFactory, school=factory.SelfAttribute("..school"))


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    started_by = factory.SelfAttribute("student")
    dataset = "edubotics-demo/so101-pick-place"
    policy_type = "ACT"
    model_name = factory.Sequence(lambda n: f"edubotics-ai/schule-act-{n:08d}")
    steps = 200
    batch_size = 60
    progress_total = 200


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    school = factory.SelfAttribute("classroom.school")
    created_by = factory.SelfAttribute("classroom.primary_teacher")
    title = factory.Sequence(lambda n: f"Greifen lernen {n}")
    instructions = "Trainiere ein **ACT**-Modell."
    datasets = "edubotics-demo/so101-pick-place"
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    published_at = factory.LazyFunction(timezone.now)
