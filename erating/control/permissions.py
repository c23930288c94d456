from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from erating.base.models import User

ANY_ROLE = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN, User.SUPERVISOR, User.OFFICER)
MANAGERS = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN)
ANALYSTS = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN, User.SUPERVISOR)


def role_required(*roles):
    """Login plus role; the data a role may see is limited by the request scope, not here."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
