from __future__ import annotations

from django.urls import URLPattern, path

from birtizim.web.projects import views

app_name = "projects"
urlpatterns: list[URLPattern] = [
    path("", views.portfolio, name="portfolio"),
    path("export.xlsx", views.portfolio_export, name="portfolio_export"),
    path("oc4ids.json", views.oc4ids_export, name="oc4ids"),
    path("new/", views.project_create, name="project_create"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/read/", views.alerts_read_all, name="alerts_read_all"),
    path("alerts/<int:alert_id>/read/", views.alert_read, name="alert_read"),
    path("<int:project_id>/", views.object_detail, name="object"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/reports/new/", views.report_create, name="report_create"),
    path("<int:project_id>/reports/<int:report_id>/photos/", views.report_photos, name="report_photos"),
    path("<int:project_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:project_id>/import/", views.progress_import, name="import"),
    path("<int:project_id>/import/template.xlsx", views.import_template, name="import_template"),
    path("<int:project_id>/changes/new/", views.change_create, name="change_create"),
    path("<int:project_id>/baselines/", views.baseline_compare, name="baselines"),
    path("<int:project_id>/baselines/new/", views.baseline_create, name="baseline_create"),
]
