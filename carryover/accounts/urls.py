"""URLs of the accounts pages (sign-in itself is allauth's, under /accounts/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # "caseload" (the therapist's home) is served by carryover.review.
    path("clients/invite/", views.invite_client, name="invite_client"),
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/settings/", views.practice_settings, name="practice_settings"),
    path("practice/crisis-resources/", views.practice_crisis_resources, name="practice_crisis_resources"),
    path("practice/invite/", views.invite_staff, name="invite_staff"),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invite/new-link/", views.invitation_request_link, name="invitation_request_link"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("help/", views.help_now, name="help"),
    path("profile/", views.profile, name="profile"),
    path("profile/sign-out-other-devices/", views.sign_out_other_devices, name="sign_out_other_devices"),
    path("profile/display/", views.display_preferences, name="profile_display"),
    path("account/two-factor-required/", views.mfa_required, name="mfa_required"),
    path("session/ping/", views.session_ping, name="session_ping"),
]
