from __future__ import annotations

from django.urls import URLPattern, path

from birtizim.web.vouchers import views

app_name = "vouchers"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    # Providers
    path("groups/", views.groups, name="groups"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/sessions/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session, name="session"),
    path("timesheets/<int:timesheet_id>/", views.timesheet, name="timesheet"),
    path("timesheets/<int:timesheet_id>/move/", views.timesheet_move, name="timesheet_move"),
    path("timesheets/<int:timesheet_id>/links/", views.timesheet_links, name="links"),
    path("timesheets/<int:timesheet_id>/export.xlsx", views.timesheet_export, name="timesheet_export"),
    # Parents: no login, the signed one-time token is the permission
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    # Akimat
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("timesheets/", views.timesheets, name="timesheets"),
    path("flags/", views.flags, name="flags"),
    path("flags/run/", views.flags_run, name="flags_run"),
    path("flags/<int:flag_id>/", views.flag, name="flag"),
    path("queue/", views.queue, name="queue"),
]
