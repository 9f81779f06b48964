from __future__ import annotations

from django.urls import URLPattern, path, re_path

from birtizim.web.fares import views

app_name = "fares"
MONTH = r"(?P<month>\d{4}-(?:0[1-9]|1[0-2]))"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("strata/", views.strata, name="strata"),
    path("plans/", views.plans, name="plans"),
    re_path(rf"^plans/{MONTH}/$", views.plan, name="plan"),
    path("protocols/", views.protocols, name="protocols"),
    path("protocols.xlsx", views.protocols_export, name="protocols_export"),
    path("protocols/<int:protocol_id>/iin/", views.protocol_iin, name="protocol_iin"),
    re_path(rf"^report-{MONTH}\.xlsx$", views.report_export, name="report_export"),
    path("offenders/", views.offenders, name="offenders"),
    path("people/<int:protocol_id>/", views.person, name="person"),
    path("import/", views.imports, name="imports"),
    path("import/<int:batch_id>/", views.import_detail, name="import_detail"),
    # The inspector's phone page and what it talks to
    path("inspector/", views.inspector, name="inspector"),
    path("inspector/sw.js", views.inspector_worker, name="inspector_worker"),
    path("inspector/state/", views.inspector_state, name="inspector_state"),
    path("inspector/checks/", views.inspector_check, name="inspector_check"),
    path("inspector/protocols/", views.inspector_protocol, name="inspector_protocol"),
]
