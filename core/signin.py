"""Signing in with a password, by every way in (the officer console, the admin, anything calling `authenticate`):
one authentication backend, one lock-out.

The budget is API_THROTTLE_RATES["login"] attempts per window and per user name, counted in Redis by one atomic
INCR *before* the password is compared: parallel guesses each take a number, and only the first ones within the
budget reach the password hasher. A completed sign-in ends the run (the window is cleared when the session is
made, `user_logged_in`): a right password that the page then refuses (a staff user who is no officer, a user who is no
staff at the admin) leaves the count as it was, so the next answer cannot tell that guess was right. The name counted is
the name authentication looks up, after the same NFKC normalisation Django's sign-in forms apply
(`ｏｆｆ２` is `off2`), so no spelling of a name has a budget of its own. When the budget is spent, the backend
refuses before the password is compared, whatever it is, and no other backend is asked.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from core import throttles

SCOPE = "login"


def signin_name(username: str) -> str:
    """The name authentication looks up: NFKC, as django.contrib.auth's forms and `normalize_username` give it."""
    return get_user_model().normalize_username(username.strip())


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        name = signin_name(username)
        if wait := throttles.over_budget(SCOPE, name):
            if request is not None:
                request.signin_wait = wait  # the sign-in page answers 429 with Retry-After
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=name, password=password)


def signin_completed(sender, request, user, **kwargs):
    """`user_logged_in` receiver (connected by core.apps): the stored name is the one authentication looked up."""
    throttles.clear(SCOPE, signin_name(user.get_username()))
