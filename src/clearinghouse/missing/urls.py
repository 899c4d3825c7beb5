"""The missing-children pages under ``/missing/`` (namespace ``missing``)."""

from django.urls import path

from clearinghouse.missing import views

app_name = "missing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.new_case, name="new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/edit/", views.edit_case, name="edit"),
    path("cases/<int:pk>/recover/", views.recover, name="recover"),
    path("cases/<int:pk>/located-deceased/", views.located_deceased, name="located-deceased"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("cases/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("cases/<int:pk>/photos/", views.add_photo, name="add-photo"),
    path("cases/<int:pk>/poster/publish/", views.publish_poster, name="publish-poster"),
    path("cases/<int:pk>/poster/withdraw/", views.withdraw_poster, name="withdraw-poster"),
    path("cases/<int:pk>/poster-<str:language>.pdf", views.poster_pdf, name="poster-pdf"),
    path("cases/<int:pk>/team-adam/", views.request_team_adam, name="request-team-adam"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("team-adam/<int:pk>/deploy/", views.deploy_team_adam, name="deploy-team-adam"),
    path("team-adam/<int:pk>/decline/", views.decline_team_adam, name="decline-team-adam"),
    path("team-adam/<int:pk>/complete/", views.complete_team_adam, name="complete-team-adam"),
    path("team-adam/<int:pk>/activity/", views.log_team_adam_activity, name="team-adam-activity"),
]
