"""The errors services and selectors raise; ``common.middleware.domain_errors`` answers them.

Services speak of the domain, not of HTTP: a refused action is ``NotAllowed`` (403), a record that
does not exist *or lies outside the actor's districts or organisation* is ``NotFound`` (404, so ids
cannot be probed), and a record that changed meanwhile is ``Conflict`` (409). A view that wants to
show the message in its own page catches the error; any other ends in the middleware.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors the web answers with a status; the message, if any, is for the reader."""

    status = 400


class NotAllowed(DomainError):
    """The actor's role may not do this (403)."""

    status = 403


class NotFound(DomainError):
    """Not there, or not there for this actor (404)."""

    status = 404


class Conflict(DomainError):
    """The record's state does not allow the step any more: someone acted first (409)."""

    status = 409
