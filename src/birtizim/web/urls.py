from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from birtizim.web.audit import views as audit_views
from birtizim.web.common import error_pages
from birtizim.web.common.health import health
from birtizim.web.common.login import ThrottledLoginView
from birtizim.web.registry import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<int:upload_id>/", views.upload_detail, name="upload_detail"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("worklists/", views.worklists, name="worklists"),
    path("worklists/<slug:district>/", views.worklist, name="worklist"),
    path("worklists/<slug:district>/export.xlsx", views.worklist_export, name="worklist_export"),
    path("worklists/<slug:district>/assign/", views.worklist_assign, name="worklist_assign"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("data-quality/export.xlsx", views.data_quality_export, name="data_quality_export"),
    path("people/<int:person_id>/iin/", views.person_iin, name="person_iin"),
    path("people/<int:person_id>/contacts/", views.person_contacts, name="person_contacts"),
    path("people/<int:person_id>/outcome/", views.outcome, name="outcome"),
    # Review, decisions that last, and publication (docs/web.md)
    path("runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:run_id>/discard/", views.run_discard, name="run_discard"),
    path("review/", views.review, name="review"),
    path("review/<int:run_id>/<int:record_id>/", views.review_item, name="review_item"),
    path("review/<int:run_id>/<int:record_id>/decide/", views.review_decide, name="review_decide"),
    path("review/decisions/", views.decisions, name="decisions"),
    path("review/decisions/<int:decision_id>/undo/", views.decision_undo, name="decision_undo"),
    path("review/merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/detach/", views.person_detach, name="person_detach"),
    path("people/<int:person_id>/merge/", views.person_merge, name="person_merge"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    # The modules: capital repair deadlines, children's club vouchers, outreach and plausibility, fare inspection.
    path("projects/", include("birtizim.web.projects.urls")),
    path("vouchers/", include("birtizim.web.vouchers.urls")),
    path("outreach/", include("birtizim.web.outreach.urls")),
    path("fares/", include("birtizim.web.fares.urls")),
]

# Refusals and failures in the reader's language, styled, with a viewport (Django's own are bare English).
handler400 = error_pages.bad_request
handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
handler500 = error_pages.server_error
