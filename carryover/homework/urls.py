"""URLs of the homework pages and the worksheet builder."""

from django.urls import path

from . import builder, views

urlpatterns = [
    # Client
    path("today/", views.today, name="client_home"),
    path("today/welcome/", views.welcome_dismiss, name="welcome_dismiss"),
    path("do/<id:pk>/", views.occurrence_do, name="occurrence_do"),
    path("do/<id:pk>/offline/", views.occurrence_offline, name="occurrence_offline"),
    path("practice-log/", views.practice_log, name="practice_log"),
    path("drafts/<id:pk>/autosave/", views.draft_autosave, name="draft_autosave"),
    path("my/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("my/<id:pk>/not-working/", views.assignment_not_working, name="assignment_not_working"),
    path("updates/<id:pk>/seen/", views.revision_seen, name="revision_seen"),
    path("ladder/", views.ladder, name="ladder"),
    # Client and therapist
    path("entries/<id:pk>/", views.entry_detail, name="entry_detail"),
    path("attachments/<id:pk>/", views.attachment_view, name="attachment_view"),
    # Therapist
    path("library/", views.library, name="library"),
    path("library/<id:pk>/", views.template_preview, name="template_preview"),
    path("library/new/", builder.template_new, name="template_new"),
    path("library/<id:pk>/edit/", builder.template_edit, name="template_edit"),
    path("library/<id:pk>/copy/", builder.template_copy, name="template_copy"),
    path("library/<id:pk>/favourite/", views.favourite_toggle, name="favourite_toggle"),
    path("clients/<id:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<id:client_id>/assign/<id:template_id>/", views.assign, name="assign"),
    path("clients/<id:client_id>/goals/new/", views.goal_new, name="goal_new"),
    path("clients/<id:client_id>/ladder/", views.client_ladder, name="client_ladder"),
    path("assignments/<id:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<id:pk>/status/", views.assignment_status, name="assignment_status"),
    path("notices/<id:pk>/resolve/", views.notice_resolve, name="notice_resolve"),
]
