"""Compliance officers: staff users in one group, with a DRF token for the officer API."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.audit import Actor, audit_append

OFFICERS_GROUP = "compliance_officers"


def is_officer(user: object) -> bool:
    # An API key authenticates a client app, never an officer.
    return bool(
        isinstance(user, get_user_model())
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=OFFICERS_GROUP).exists())
    )


class IsComplianceOfficer(BasePermission):
    message = "Compliance officers only."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_officer(request.user)


@transaction.atomic
def officer_create(*, username: str, actor: Actor, password: str | None = None) -> tuple[AbstractUser, str, str]:
    """Create the officer, or reset its password. Returns (user, password, token key)."""
    password = password or secrets.token_urlsafe(12)
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    group, _ = Group.objects.get_or_create(name=OFFICERS_GROUP)
    user.groups.add(group)
    token, _ = Token.objects.get_or_create(user=user)
    audit_append(
        actor=actor,
        action="officer.create" if created else "officer.reset_password",
        obj=user,
        object_type="auth.user",
        details={"username": username},
    )
    return user, password, token.key
