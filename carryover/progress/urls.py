"""URLs of the client's own history: My entries, one entry and its changes, My patterns and its PDF."""

from django.urls import path

from . import views

urlpatterns = [
    path("my/entries/", views.my_entries, name="my_entries"),
    path("my/entries/<id:pk>/", views.my_entry, name="my_entry"),
    path("my/entries/<id:pk>/sharing/", views.my_entry_visibility, name="my_entry_visibility"),
    path("my/entries/<id:pk>/talk/", views.my_entry_talk, name="my_entry_talk"),
    path("my/patterns/", views.my_patterns, name="my_patterns"),
    path("my/patterns/pdf/", views.my_patterns_pdf, name="my_patterns_pdf"),
]
