"""A German data subject in a real Chromium: the portal answers their browser in German from the home to the erasure
certificate, and the language form in the header switches it (a plain form: the CSP forbids inline script)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from compliance.models import ErasureRequest, ErasureStatus
from tests import factories
from tests.helpers import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_german_portal_from_home_to_erasure(celery_worker, browser_page):
    page, base = browser_page
    page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})  # a German browser
    acme = factories.tenant("acme")
    person = factories.subject(acme, "DE", email="anna@example.de")
    factories.consent(person, factories.notice(acme))
    factories.template(person, enrolled=True)

    page.goto(f"{base}/portal/")
    assert page.get_attribute("html", "lang") == "de"
    assert page.text_content("h1") == "Ihre Gesichtsdaten"
    page.click("#erasure-link")
    assert page.text_content("h1") == "Meine Gesichtsdaten löschen"
    assert page.text_content("label[for=id_email]") == "Ihre E-Mail-Adresse"
    assert page.text_content("label[for=id_jurisdiction]") == "Wo Sie wohnen"
    assert page.text_content("label[for=id_selfie]") == "Oder: ein Selfie, um Ihr Gesicht überall zu finden"
    page.screenshot(path="/tmp/portal-erasure-de.png", full_page=True)
    # On a phone the header's language form wraps below the title: nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/portal-erasure-de-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.fill("#id_email", "anna@example.de")
    page.select_option("#id_jurisdiction", "DE")
    page.fill("#id_tenant", "acme")
    page.fill("#id_external_ref", person.external_ref)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Sehen Sie in Ihrem E-Mail-Postfach nach")

    confirmation = mail.outbox[-1]
    assert confirmation.subject == "Bestätigen Sie Ihren Antrag auf Löschung bei Facegate"
    link = re.search(r"http://\S+/portal/erasure/confirm/\S+/", str(confirmation.body)).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.click("text=Ja, meine Gesichtsdaten löschen")
    page.wait_for_selector("text=Ihr Antrag auf Löschung")
    wait_for(lambda: ErasureRequest.objects.get().status, lambda status: status == ErasureStatus.DONE, timeout=90)
    page.reload()
    assert page.text_content("#status") == "Abgeschlossen" and page.text_content("#subjects-erased") == "1"
    assert page.is_visible("text=Was gelöscht wurde") and page.is_visible("#certificate")
    page.screenshot(path="/tmp/portal-erasure-status-de.png", full_page=True)
    assert mail.outbox[-1].subject == "Ihre Gesichtsdaten wurden gelöscht"

    # The header's language form: the same page, now in French, and the choice holds on the next page.
    status_url = page.url
    page.select_option("#language", "fr")
    page.click("#language-form input[type=submit]")
    page.wait_for_selector("text=Votre demande d'effacement")
    assert page.url == status_url and page.get_attribute("html", "lang") == "fr"
    assert page.text_content("#status") == "Terminée"
    page.goto(f"{base}/portal/access/")
    assert page.text_content("h1") == "Voir ce qui est détenu à mon sujet"
