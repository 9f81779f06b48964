"""Who viewed or exported which personal records: the log the region administrator reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Access(models.Model):
    class Action(models.TextChoices):
        VIEW_LIST = "view_list", _("Viewed a work list page")
        VIEW_RECORDS = "view_records", _("Viewed personal records")
        REVEAL_IIN = "reveal_iin", _("Revealed an IIN")
        REVEAL_CONTACTS = "reveal_contacts", _("Revealed a phone and an address")
        EXPORT = "export", _("Exported a list")
        EXPORT_FULL_IIN = "export_full_iin", _("Exported a list with full IINs")
        RECORD_OUTCOME = "record_outcome", _("Recorded an outcome")
        ASSIGN = "assign", _("Assigned residents to an officer")
        VIEW_DATA_QUALITY = "view_data_quality", _("Viewed agency rows at fault")
        VIEW_REVIEW = "view_review", _("Viewed rows awaiting review")
        VIEW_PERSON = "view_person", _("Viewed a resident's rows")
        DECIDE = "decide", _("Decided a row")
        UNDO_DECISION = "undo_decision", _("Undid a decision")
        DETACH = "detach", _("Detached a row from a resident")
        MERGE = "merge", _("Merged two residents")
        UNDO_MERGE = "undo_merge", _("Undid a merge")
        PUBLISH = "publish", _("Published a run")
        DISCARD = "discard", _("Discarded a run")
        REISSUE_LINK = "reissue_link", _("Reissued a parent's link")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150)  # kept if the user is deleted
    action = models.CharField(max_length=32, choices=Action.choices)
    run_id = models.BigIntegerField(null=True)
    district = models.CharField(max_length=64, blank=True)
    query = models.CharField(max_length=200, blank=True)  # the search typed, as the officer typed it
    # What was viewed, as a code the log page puts into words (``audit.labels.SUBJECT``), and its reference
    # (a record's number, a month): "vouchers.group_roster" 126 reads "Vouchers: roster of group no. 126".
    subject = models.CharField(max_length=64, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True)
    person_ids = models.JSONField(default=list)  # the run's person ids shown (a page, or the one revealed)
    records = models.PositiveIntegerField(default=0)  # how many personal records were shown or exported
    # Who was in an export or a reveal: keyed hashes of their IINs (audit.services.iin_hash), never the IINs.
    # The same IIN gives the same hash in every entry and every run, so "who took this person away" is a
    # lookup of one hash; without the key (BIRTIZIM_AUDIT_KEY) the hashes cannot be turned back into IINs.
    iin_hashes = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
