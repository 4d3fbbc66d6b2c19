from django.urls import include, path

from . import views

# Everything under /s/<school_slug>/: SchoolMiddleware turns the slug into request.school.
tenant_patterns = [
    path("join/", views.classroom_join_with_code, name="classroom_join"),
    path("classrooms/new/", views.classroom_create, name="classroom_create"),
    path("classrooms/<int:classroom_id>/", views.classroom_detail, name="classroom_detail"),
    path("classrooms/<int:classroom_id>/edit/", views.classroom_edit, name="classroom_edit"),
    path(
        "classrooms/<int:classroom_id>/archive/", views.classroom_archive, name="classroom_archive"
    ),
    path(
        "classrooms/<int:classroom_id>/restore/", views.classroom_restore, name="classroom_restore"
    ),
    path("classrooms/<int:classroom_id>/delete/", views.classroom_delete, name="classroom_delete"),
    path(
        "classrooms/<int:classroom_id>/join-code/",
        views.classroom_join_code,
        name="classroom_join_code",
    ),
    path("classrooms/<int:classroom_id>/students/add/", views.student_add, name="student_add"),
    path(
        "classrooms/<int:classroom_id>/students/import/",
        views.student_import,
        name="student_import",
    ),
    path(
        "classrooms/<int:classroom_id>/students/<int:member_id>/remove/",
        views.student_remove,
        name="student_remove",
    ),
    path("students/<int:member_id>/password/", views.student_password, name="student_password"),
    path("login-sheet/", views.login_sheet, name="login_sheet"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("members/<int:member_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:member_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"
    ),
    path(
        "invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("settings/", views.school_settings, name="school_settings"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.student_signup, name="student_signup"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("s/<slug:school_slug>/", include(tenant_patterns)),
]
