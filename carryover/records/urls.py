"""URLs of the records pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.my_data_export, name="my_data_export"),
    path("my-data/close/", views.my_data_close, name="my_data_close"),
    path("downloads/<id:pk>/<str:token>/", views.export_download, name="export_download"),
    path("clients/<id:client_id>/records/", views.client_records, name="client_records"),
    path("clients/<id:client_id>/records/export/", views.client_records_export, name="client_records_export"),
    path("clients/<id:client_id>/records/fhir/", views.client_fhir, name="client_fhir"),
    path("clients/<id:client_id>/records/hold/", views.client_hold, name="client_hold"),
    path("clients/import/", views.client_import_page, name="client_import"),
    path("practice/archive/", views.practice_archive, name="practice_archive"),
    path("practice/archive/<id:pk>/download/", views.practice_archive_download, name="practice_archive_download"),
    path("practice/retention/", views.practice_retention, name="practice_retention"),
]
