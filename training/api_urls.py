from django.urls import path

from . import api

urlpatterns = [
    path("trainings", api.TrainingList.as_view(), name="api_trainings"),
    path("trainings/<int:training_id>", api.TrainingDetail.as_view(), name="api_training"),
    path(
        "trainings/<int:training_id>/cancel",
        api.TrainingCancel.as_view(),
        name="api_training_cancel",
    ),
    path(
        "trainings/<int:training_id>/events",
        api.TrainingEvents.as_view(),
        name="api_training_events",
    ),
    path("inference-servers", api.InferenceServerList.as_view(), name="api_inference_servers"),
    path(
        "inference-servers/<int:server_id>",
        api.InferenceServerDetail.as_view(),
        name="api_inference_server",
    ),
    path(
        "inference-servers/<int:server_id>/stop",
        api.InferenceServerStop.as_view(),
        name="api_inference_server_stop",
    ),
    path(
        "inference-servers/<int:server_id>/events",
        api.InferenceServerEvents.as_view(),
        name="api_inference_server_events",
    ),
    path("datasets/validate", api.DatasetValidate.as_view(), name="api_dataset_validate"),
    path("me", api.Me.as_view(), name="api_me"),
    path("models", api.ModelList.as_view(), name="api_models"),
    path("models/<int:training_id>", api.ModelDetail.as_view(), name="api_model"),
    path("models/<int:training_id>/files", api.ModelFiles.as_view(), name="api_model_files"),
    path(
        "downloads/<int:training_id>/<path:filename>",
        api.ModelDownload.as_view(),
        name="api_model_download",
    ),
    path("control-sessions", api.ControlSessionList.as_view(), name="api_control_sessions"),
    path(
        "control-sessions/<int:session_id>",
        api.ControlSessionDetail.as_view(),
        name="api_control_session",
    ),
    path(
        "control-sessions/<int:session_id>/close",
        api.ControlSessionClose.as_view(),
        name="api_control_session_close",
    ),
]
