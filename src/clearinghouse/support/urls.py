"""Recovery services and family support pages under ``/support/`` (namespace
``support``)."""

from django.urls import path

from clearinghouse.support import views
from clearinghouse.support.views import cst, faon, hope

app_name = "support"

urlpatterns = [
    path("", views.home, name="home"),
    path("engagements/", cst.engagement_list, name="engagements"),
    path("engagements/new/", cst.engagement_new, name="engagement-new"),
    path("engagements/<int:pk>/", cst.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/plan/", cst.recovery_plan, name="engagement-plan"),
    path("engagements/<int:pk>/youth/", cst.youth_engagement, name="engagement-youth"),
    path("engagements/<int:pk>/meetings/", cst.meeting, name="engagement-meeting"),
    path("engagements/<int:pk>/close/", cst.close, name="engagement-close"),
    path("families/", hope.family_list, name="families"),
    path("families/new/", hope.family_new, name="family-new"),
    path("families/<int:pk>/", hope.family_detail, name="family"),
    path("families/<int:pk>/match/", hope.family_match, name="family-match"),
    path("families/<int:pk>/refer/", faon.family_refer, name="family-refer"),
    path("matches/<int:pk>/contacts/", hope.match_contact, name="match-contact"),
    path("matches/<int:pk>/end/", hope.match_end, name="match-end"),
    path("volunteers/", hope.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/training/", hope.volunteer_training, name="volunteer-training"),
    path("providers/", faon.provider_list, name="providers"),
    path("providers/new/", faon.provider_new, name="provider-new"),
    path("providers/<int:pk>/", faon.provider_edit, name="provider-edit"),
    path("referrals/<int:pk>/connected/", faon.referral_connected, name="referral-connected"),
    path("referrals/<int:pk>/close/", faon.referral_close, name="referral-close"),
]
