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
    path("groups/<int:group_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:enrolment_id>/end/", views.enrolment_end, name="enrolment_end"),
    path("sessions/<int:session_id>/", views.session, name="session"),
    path("timesheets/<int:timesheet_id>/", views.timesheet, name="timesheet"),
    path("timesheets/<int:timesheet_id>/move/", views.timesheet_move, name="timesheet_move"),
    path("timesheets/<int:timesheet_id>/links/", views.timesheet_links, name="links"),
    path("timesheets/<int:timesheet_id>/export.xlsx", views.timesheet_export, name="timesheet_export"),
    path("links/<int:link_id>/reissue/", views.link_reissue, name="link_reissue"),
    # Parents: no login, the signed one-time token is the permission
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    # Akimat
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("timesheets/", views.timesheets, name="timesheets"),
    path("flags/", views.flags, name="flags"),
    path("flags/run/", views.flags_run, name="flags_run"),
    path("flags/<int:flag_id>/", views.flag, name="flag"),
    path("queue/", views.queue, name="queue"),
    path("queue/applications/", views.applications, name="applications"),
    # The register: children, applications, vouchers
    path("children/", views.children, name="children"),
    path("children/new/", views.child_register, name="child_register"),
    path("children/<int:child_id>/", views.child, name="child"),
    path("children/<int:child_id>/apply/", views.application_take, name="application_take"),
    path("children/<int:child_id>/vouchers/", views.voucher_issue, name="voucher_issue"),
    path("vouchers/<int:voucher_id>/accept/", views.voucher_accept, name="voucher_accept"),
]
