from django.urls import path

from . import budget_views, views

# Mounted under /s/<school_slug>/trainings/.
urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("new/", views.training_new, name="training_new"),
    path("api-token/", views.api_token, name="api_token"),
    path(
        "api-token/<int:api_token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"
    ),
    path("<int:training_id>/", views.training_detail, name="training_detail"),
    path("<int:training_id>/progress/", views.training_progress, name="training_progress"),
    path("<int:training_id>/cancel/", views.training_cancel_view, name="training_cancel"),
    path("<int:training_id>/server/", views.server_panel, name="server_panel"),
    path("servers/<int:server_id>/stop/", views.server_stop_view, name="server_stop"),
    path("<int:training_id>/approve/", budget_views.training_approve_view, name="training_approve"),
    path("<int:training_id>/decline/", budget_views.training_decline_view, name="training_decline"),
    path("budget/", budget_views.budget, name="budget"),
    path("budget/settings/", budget_views.budget_settings_view, name="budget_settings"),
]
