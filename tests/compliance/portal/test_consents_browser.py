"""One real browser run: a subject opens the emailed link and withdraws a consent with a click and a confirmation."""

import re

import pytest
from django.db import connections

from consent.models import Consent
from tests import factories


@pytest.fixture
def page_and_url(browser_page):
    # ORM calls made while Playwright's event loop runs open a connection the test-database teardown
    # cannot see (it then fails to drop the database); close it before Playwright stops.
    yield browser_page
    connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_subject_withdraws_a_consent_in_chromium(page_and_url, settings, mailoutbox):
    page, base_url = page_and_url
    settings.PUBLIC_BASE_URL = base_url
    subject = factories.subject_created(factories.tenant_created("acme"), "US-IL", email="ada@example.org")
    keep = factories.consent_granted(subject, purpose="access_control")
    consent = factories.consent_granted(subject)  # committed: the emailed link is sent on commit
    link = re.search(r"http://\S+/portal/c/\S+/", mailoutbox[-1].body).group(0)

    page.goto(link)
    section = page.locator(f"#consent-{consent.id}")
    assert "Active" in section.locator(".status").inner_text()
    section.get_by_role("link", name="Withdraw this consent").click()
    page.get_by_role("button", name="Yes, withdraw my consent").click()
    page.wait_for_url(link)

    assert "is withdrawn" in page.get_by_role("status").inner_text()
    assert "Withdrawn on" in page.locator(f"#consent-{consent.id} .status").inner_text()
    assert Consent.objects.get(pk=consent.id).withdrawn_at is not None
    assert Consent.objects.get(pk=keep.id).withdrawn_at is None
