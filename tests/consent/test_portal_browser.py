"""One real browser run: a subject opens the emailed link and withdraws a consent with a click and a confirmation."""
import re

import pytest

from consent.models import Consent
from tests.consent import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_subject_withdraws_a_consent_in_chromium(browser_page, settings, mailoutbox):
    page, base_url = browser_page
    settings.PUBLIC_BASE_URL = base_url
    tenant = f.tenant("acme")
    subject = f.subject(tenant, "US-IL", email="ada@example.org")
    keep = f.consent(subject, purpose="access_control")
    consent = f.consent(subject)  # committed: the emailed link is sent on commit
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
