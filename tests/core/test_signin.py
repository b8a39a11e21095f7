"""Every way of signing in with a password shares one lock-out (core/signin.py), keyed on the name authentication
uses, counted before the password is checked: the admin's login, look-alike spellings of a name and parallel guesses
get no more than the budget (API_THROTTLE_RATES["login"], 5 per 15 minutes). A failed sign-in looks the same
whatever the reason."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections
from django.test import Client

from core.audit import Actor
from core.officers import officer_create

PASSWORD = "the-right-password-9"


@pytest.fixture
def officer(db):
    return officer_create(username="off2", password=PASSWORD, actor=Actor.system("test"))[0]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _officer_login(client, username, password):
    return client.post("/officer/login/", {"username": username, "password": password})


def _admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"})


@pytest.mark.django_db
def test_the_admin_login_is_locked_out_like_the_officer_login(officer):
    client = Client()
    for _ in range(5):
        assert _admin_login(client, "off2", "wrong").status_code == 200
    _admin_login(client, "off2", PASSWORD)
    assert not _signed_in(client)


@pytest.mark.django_db
def test_failures_at_one_way_in_lock_every_other(officer):
    client = Client()
    for _ in range(5):
        _officer_login(client, "off2", "wrong")
    _admin_login(client, "off2", PASSWORD)
    assert not _signed_in(client)
    assert _officer_login(client, "off2", PASSWORD).status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["\uff4f\uff46\uff46\uff12", "o\ufb00\u2082", "\uff4fff2"])
def test_a_compatibility_spelling_of_the_name_shares_its_budget(officer, variant):
    """Django signs `ｏｆｆ２` (fullwidth), `oﬀ₂` (ligature, subscript) in as off2 (NFKC): same name, same budget."""
    client = Client()
    for name in ["off2", variant, "off2", variant, "off2"]:
        assert _officer_login(client, name, "wrong").status_code == 200
    locked = _officer_login(client, variant, PASSWORD)
    assert locked.status_code == 429 and not _signed_in(client)
    admin = Client()
    _admin_login(admin, variant, PASSWORD)
    assert not _signed_in(admin)


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_checked_no_more_often_than_the_budget(officer, monkeypatch):
    """24 wrong guesses at once, from 24 clients: the password is compared at most 5 times."""
    checked = []
    real_check = AbstractBaseUser.check_password

    def counting_check(user, raw_password):
        checked.append(raw_password)
        return real_check(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting_check)
    start = threading.Barrier(24)
    statuses = []

    def guess(n):
        client = Client()
        start.wait()
        try:
            statuses.append(_officer_login(client, "off2", f"guess-{n}").status_code)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 24
    assert len(checked) <= 5, f"{len(checked)} guesses were checked against the password"
    assert statuses.count(429) >= 19


def _answer(response) -> tuple[int, str]:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, page.replace("sam", "NAME").replace("nobody", "NAME")


@pytest.mark.django_db
def test_a_non_officer_with_the_right_password_gets_the_answer_of_a_wrong_one(officer):
    get_user_model().objects.create_user("sam", password=PASSWORD, is_staff=True)
    right = _answer(_officer_login(Client(), "sam", PASSWORD))
    wrong = _answer(_officer_login(Client(), "sam", "wrong"))
    nobody = _answer(_officer_login(Client(), "nobody", PASSWORD))
    assert right == wrong == nobody
    assert right[0] == 200 and "not a compliance officer" not in right[1]


@pytest.mark.django_db
@pytest.mark.parametrize("sign_in", [_officer_login, _admin_login], ids=["officer", "admin"])
def test_a_refused_right_password_does_not_reset_the_lock_out(officer, sign_in):
    """Where the account may not sign in (a staff user at the officer page, a non-staff user at the admin), a right
    password must not clear the run of failures: the next answer would tell that the guess before it was right."""

    def next_answer_after(username, fifth_guess):
        get_user_model().objects.create_user(username, password=PASSWORD, is_staff=sign_in is _officer_login)
        client = Client()
        for _ in range(4):
            sign_in(client, username, "wrong")
        sign_in(client, username, fifth_guess)
        assert not _signed_in(client)
        return _officer_login(client, username, "wrong").status_code

    assert next_answer_after("sam", PASSWORD) == next_answer_after("kim", "also-wrong") == 429
