import pytest
from rest_framework.test import APIClient

from core.audit import Actor
from core.officers import officer_create
from tests import factories


@pytest.fixture
def officer(db):
    user, _, token = officer_create(username="officer", actor=Actor.system("test"))
    user.email = "officer@facegate.test"
    user.save()
    return user, token


@pytest.fixture
def api(officer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {officer[1]}")
    return client


@pytest.fixture
def tenant(db):
    return factories.tenant("acme")


@pytest.fixture
def notice(tenant):
    return factories.notice(tenant)
