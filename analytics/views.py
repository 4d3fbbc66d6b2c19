"""Dashboards: the school home (per role), a classroom's progress, a student's progress, and
the school's audit log. Read-only; every number comes from analytics.selectors."""

from itertools import islice

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.selectors import hand_ins_to_grade
from edubotics.pagination import newest_first
from schools import selectors as school_selectors
from schools.access import access_classroom, access_member, role_required
from schools.audit import audit_record
from schools.csv_export import csv_response
from schools.models import AuditAction, Role
from training.selectors import running_trainings, trainings_awaiting_approval

from . import selectors
from .audit_text import audit_sentences
from .forms import AuditFilterForm

HOME_LIST_SIZE = 20  # approvals, running trainings, hand-ins: the oldest first, more next visit
CSV_CHUNK = 1000  # events named per round of queries in the audit CSV

COLUMNS = ["name", "total", "completed", "failed", "success_rate", "avg_duration", "last_activity"]


def home(request):
    membership = request.membership
    every = school_selectors.classrooms_for_dashboard(membership=membership, archived=None)
    context = {
        "classrooms": [c for c in every if not c.is_archived],
        "archived": [c for c in every if c.is_archived],
    }
    if membership.role == Role.STUDENT:
        return render(
            request,
            "schools/student_home.html",
            {**context, "home": selectors.student_home(student=membership)},
        )
    context["awaiting"] = trainings_awaiting_approval(membership=membership)[:HOME_LIST_SIZE]
    context["running"] = running_trainings(membership=membership)[:HOME_LIST_SIZE]
    context["to_grade"] = hand_ins_to_grade(membership=membership)[:HOME_LIST_SIZE]
    if membership.is_admin:
        context["overview"] = selectors.school_overview(school=request.school)
    return render(request, "schools/dashboard.html", context)


@role_required(Role.TEACHER)
def classroom_progress(request, classroom_id):
    classroom = access_classroom(membership=request.membership, classroom_id=classroom_id)
    sort = request.GET.get("sort") if request.GET.get("sort") in COLUMNS else "name"
    descending = request.GET.get("dir") == "desc"
    progress = selectors.classroom_progress(classroom=classroom, sort=sort, descending=descending)
    if request.GET.get("format") == "csv":
        response, writer = csv_response(name=f"{classroom.name}-{timezone.localdate():%Y-%m-%d}")
        writer.writerow(
            [
                _("Last name"),
                _("First name"),
                _("Username"),
                _("Trainings"),
                _("Completed"),
                _("Failed"),
                _("Success rate (%)"),
                _("Average duration (s)"),
                _("Last activity"),
            ]
        )
        for row in progress.rows:
            user = row.member.user
            writer.writerow(
                [
                    user.last_name,
                    user.first_name,
                    user.username,
                    row.total,
                    row.completed,
                    row.failed,
                    "" if row.success_rate is None else str(row.success_rate).replace(".", ","),
                    "" if row.avg_duration is None else round(row.avg_duration),
                    timezone.localtime(row.last_activity).strftime("%d.%m.%Y %H:%M")
                    if row.last_activity
                    else "",
                ]
            )
        return response
    return render(
        request,
        "analytics/classroom.html",
        {
            "classroom": classroom,
            "progress": progress,
            "sort": sort,
            "descending": descending,
            "columns": COLUMNS,
        },
    )


def student_progress(request, member_id):
    student = access_member(membership=request.membership, member_id=member_id)
    if student.role != Role.STUDENT:
        return render(request, "analytics/student.html", {"student": student, "progress": None})
    return render(
        request,
        "analytics/student.html",
        {"student": student, "progress": selectors.student_progress(student=student)},
    )


@role_required(Role.ADMIN)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = school_selectors.audit_events(school=request.school)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Please correct the filter."))
    elif form.is_bound:
        events = school_selectors.audit_events(school=request.school, **form.filters())
    if request.GET.get("format") == "csv":
        audit_record(
            school=request.school, action=AuditAction.AUDIT_LOG_EXPORTED, actor=request.membership
        )
        response, writer = csv_response(
            name=" ".join([_("Audit log"), request.school.slug, f"{timezone.localdate():%Y-%m-%d}"])
        )
        writer.writerow([_("When"), _("Who"), _("Action"), _("What happened"), _("IP address")])
        rows = events.iterator(chunk_size=CSV_CHUNK)
        while chunk := list(islice(rows, CSV_CHUNK)):
            for event, sentence in audit_sentences(chunk):
                writer.writerow(
                    [
                        timezone.localtime(event.created_at).strftime("%d.%m.%Y %H:%M:%S"),
                        event.actor_label,
                        event.get_action_display(),
                        sentence,
                        event.ip_address or "",
                    ]
                )
        return response
    page = newest_first(request, events, page_size=50)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "analytics/audit_log.html",
        {
            "form": form,
            "page": page,
            "events": audit_sentences(page.items),
            "query": query.urlencode(),
        },
    )
