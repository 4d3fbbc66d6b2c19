from django.urls import include, path

from .views import classrooms, members, public, students

# Everything under /s/<school_slug>/: SchoolMiddleware turns the slug into request.school.
tenant_patterns = [
    path("join/", classrooms.classroom_join_with_code, name="classroom_join"),
    path("classrooms/new/", classrooms.classroom_create, name="classroom_create"),
    path("classrooms/<int:classroom_id>/", classrooms.classroom_detail, name="classroom_detail"),
    path("classrooms/<int:classroom_id>/edit/", classrooms.classroom_edit, name="classroom_edit"),
    path(
        "classrooms/<int:classroom_id>/archive/",
        classrooms.classroom_archive,
        name="classroom_archive",
    ),
    path(
        "classrooms/<int:classroom_id>/restore/",
        classrooms.classroom_restore,
        name="classroom_restore",
    ),
    path(
        "classrooms/<int:classroom_id>/delete/",
        classrooms.classroom_delete,
        name="classroom_delete",
    ),
    path(
        "classrooms/<int:classroom_id>/join-code/",
        classrooms.classroom_join_code,
        name="classroom_join_code",
    ),
    path("classrooms/<int:classroom_id>/students/add/", students.student_add, name="student_add"),
    path(
        "classrooms/<int:classroom_id>/students/selected/",
        students.students_bulk,
        name="students_bulk",
    ),
    path(
        "classrooms/<int:classroom_id>/students/import/",
        students.student_import,
        name="student_import",
    ),
    path(
        "classrooms/<int:classroom_id>/students/import/<int:import_id>/",
        students.student_import_progress,
        name="student_import_progress",
    ),
    path(
        "classrooms/<int:classroom_id>/students/<int:member_id>/remove/",
        students.student_remove,
        name="student_remove",
    ),
    path("students/<int:member_id>/password/", students.student_password, name="student_password"),
    path("login-sheet/", students.login_sheet, name="login_sheet"),
    path("members/", members.members, name="members"),
    path("members/<int:member_id>/role/", members.member_role, name="member_role"),
    path(
        "members/<int:member_id>/deactivate/", members.member_deactivate, name="member_deactivate"
    ),
    path(
        "members/<int:member_id>/reactivate/", members.member_reactivate, name="member_reactivate"
    ),
    path("invitations/new/", members.invitation_create, name="invitation_create"),
    path(
        "invitations/<int:invitation_id>/resend/",
        members.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/", members.school_settings, name="school_settings"),
]

urlpatterns = [
    path("", public.home, name="home"),
    path("join/", public.student_signup, name="student_signup"),
    path("invitations/<str:token>/", public.invitation_accept, name="invitation_accept"),
    path("s/<slug:school_slug>/", include(tenant_patterns)),
]
