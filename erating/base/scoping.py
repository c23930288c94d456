"""The one place that decides what a request may see.

Every tenant model uses django-scopes' ScopedManager on the dimensions `agency`, `premise`
and `officer`. A request runs inside the scope computed here; a query made outside any scope
raises ScopeError instead of leaking rows. A dimension set to None means "no restriction".
"""
from contextlib import contextmanager

from django_scopes import scope, scopes_disabled

from erating.base.models import User

VIEW_AS_SESSION_KEY = "view_as_agency"
NOTHING = {}


def dimensions_for(user, view_as_agency_id=None):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.role == User.SYSTEM_ADMIN:
        return {"agency": view_as_agency_id, "premise": None, "officer": None}
    if user.agency_id is None:
        return NOTHING
    if user.role == User.AGENCY_ADMIN:
        return {"agency": user.agency_id, "premise": None, "officer": None}
    if user.role == User.SUPERVISOR:
        # The through table is unscoped: this lookup is what builds the scope.
        premise_ids = list(User.premises.through.objects.filter(user_id=user.id).values_list("premise_id", flat=True))
        return {"agency": user.agency_id, "premise": premise_ids, "officer": None}
    if user.role == User.OFFICER:
        return {"agency": user.agency_id, "premise": None, "officer": user.id}
    return NOTHING


def dimensions_for_request(request):
    # The API's middleware chain has no sessions or users (erating/wsgi.py): no user, no scope.
    user = getattr(request, "user", None)
    if user is None:
        return NOTHING
    view_as = request.session.get(VIEW_AS_SESSION_KEY) if getattr(user, "is_system_admin", False) else None
    return dimensions_for(user, view_as)


@contextmanager
def agency_scope(agency_id):
    """For public and device entry points, once the agency is known from a code or token."""
    with scope(agency=agency_id, premise=None, officer=None):
        yield


@contextmanager
def lookup_scope():
    """Resolve a public code or device token to its agency; nothing else may run in here."""
    with scopes_disabled():
        yield
