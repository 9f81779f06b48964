from __future__ import annotations

from django.urls import URLPattern, path

from birtizim.web.outreach import views

app_name = "outreach"
urlpatterns: list[URLPattern] = [
    path("", views.flags, name="flags"),
    path("flags.xlsx", views.flags_export, name="flags_export"),
    path("follow-up/", views.followups, name="followups"),
    path("follow-up/<int:follow_up_id>/", views.followup, name="followup"),
    path("follow-up/<int:follow_up_id>/assign/", views.followup_step, {"action": "assign"}, name="followup_assign"),
    path("follow-up/<int:follow_up_id>/answer/", views.followup_step, {"action": "answer"}, name="followup_answer"),
    path("follow-up/<int:follow_up_id>/close/", views.followup_step, {"action": "close"}, name="followup_close"),
    path("follow-up/<int:follow_up_id>/reopen/", views.followup_step, {"action": "reopen"}, name="followup_reopen"),
    path("districts/<slug:district>/", views.district, name="district"),
    path("districts/<slug:district>/report/", views.report, name="report"),
    path("surveys/", views.surveys, name="surveys"),
    path("import/", views.imports, name="imports"),
    path("import/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("import/<int:batch_id>/delete/", views.import_delete, name="import_delete"),
    path("import/template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("rules/", views.rules, name="rules"),
]
