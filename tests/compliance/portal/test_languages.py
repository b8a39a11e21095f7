"""The portal in the visitor's language: from the browser's Accept-Language, switchable by the language form in its
header, dates and mails included; English when the browser asks for nothing the portal speaks. The officer console
and the API stay English whatever the browser asks."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services import access_requests, clocks, erasure_requests, refusals
from compliance.services.access_requests import REPORT_LINK
from core.audit import Actor
from tests import factories

pytestmark = pytest.mark.django_db

# Per language: the home's heading, the erasure form's heading and labels, the access form's heading and a label.
PAGES = {
    "de": {
        "/portal/": ["<h1>Ihre Gesichtsdaten</h1>", "Beantragen Sie die Löschung Ihrer Gesichtsdaten"],
        "/portal/erasure/": [
            "<h1>Meine Gesichtsdaten löschen</h1>",
            "Ihre E-Mail-Adresse",
            "Wo Sie wohnen",
            "Antrag senden",
        ],
        "/portal/access/": [
            "<h1>Sehen, was über mich gespeichert ist</h1>",
            "und Ihre Kennung bei dieser Organisation",
        ],
    },
    "fr": {
        "/portal/": ["<h1>Vos données faciales</h1>", "Demandez l'effacement de vos données faciales"],
        "/portal/erasure/": [
            "<h1>Effacer mes données faciales</h1>",
            "Votre adresse e-mail",
            "Votre lieu de résidence",
        ],
        "/portal/access/": ["<h1>Voir ce qui est détenu à mon sujet</h1>", "Envoyer la demande"],
    },
    "it": {
        "/portal/": ["<h1>I Suoi dati facciali</h1>", "Richieda la cancellazione dei Suoi dati facciali"],
        "/portal/erasure/": ["<h1>Cancellare i miei dati facciali</h1>", "Il Suo indirizzo e-mail", "Dove risiede"],
        "/portal/access/": ["<h1>Vedere cosa è conservato su di me</h1>", "Invia la richiesta"],
    },
    "es": {
        "/portal/": ["<h1>Sus datos faciales</h1>", "Solicite la supresión de sus datos faciales"],
        "/portal/erasure/": [
            "<h1>Suprimir mis datos faciales</h1>",
            "Su dirección de correo electrónico",
            "Dónde reside",
        ],
        "/portal/access/": ["<h1>Ver qué se conserva sobre mí</h1>", "Enviar la solicitud"],
    },
}


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("language", sorted(PAGES))
@pytest.mark.parametrize("path", ["/portal/", "/portal/erasure/", "/portal/access/"])
def test_each_portal_page_speaks_the_browsers_language(client, language, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=f"{language}-XX,{language};q=0.9,en;q=0.5")
    page = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{language}">' in page
    for text in PAGES[language][path]:
        assert text in page
    assert response["Content-Language"] == language and "Accept-Language" in response["Vary"]
    assert '<header><a href="/portal/">Facegate</a>' in page  # home stays in the portal, and in its language


@pytest.mark.parametrize("accept", ["", "ja,zh;q=0.8", "en-US,en;q=0.9,de;q=0.5"])
def test_english_unless_the_browser_prefers_a_language_the_portal_speaks(client, accept):
    page = client.get("/portal/erasure/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert '<html lang="en">' in page and "<h1>Erase my face data</h1>" in page and "Your email address" in page


def test_the_language_form_switches_the_portal_and_the_choice_sticks(client):
    home = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # The switcher is a plain form (no script: the CSP forbids inline script), each language named in its own.
    form = re.search(r'<form class="language".*?</form>', home, re.S).group(0)
    assert 'action="/i18n/setlang/"' in form and 'method="post"' in form and "<script" not in home
    assert all(f'value="{code}"' in form for code in ("en", "de", "fr", "it", "es")) and "Français" in form

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/portal/erasure/"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302 and response["Location"] == "/portal/erasure/"
    page = client.get("/portal/erasure/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="fr">' in page and "<h1>Effacer mes données faciales</h1>" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert "<h1>Your face data</h1>" in client.get("/portal/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_the_switch_refuses_a_foreign_next(client):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_the_officer_console_and_the_api_stay_english(client):
    login = client.get("/officer/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en-gb">' in login and 'class="language"' not in login
    answer = client.get("/api/v1/subjects", HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 401 and "Authentication credentials were not provided" in answer.content.decode()


def test_a_german_erasure_request_end_to_end(client, django_capture_on_commit_callbacks):
    acme = factories.tenant("acme")
    person = factories.subject(acme, "DE", email="anna@example.de")
    factories.consent(person, factories.notice(acme))
    factories.template(person, enrolled=True)
    german = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/portal/erasure/",
            {"email": "anna@example.de", "jurisdiction": "DE", "tenant": "acme", "external_ref": person.external_ref},
            **german,
        )
    assert "<h1>Sehen Sie in Ihrem E-Mail-Postfach nach</h1>" in sent.content.decode()
    request = ErasureRequest.objects.get()
    assert request.language == "de"
    confirmation = mail.outbox[-1]
    assert confirmation.subject == "Bestätigen Sie Ihren Antrag auf Löschung bei Facegate"
    assert "Bestätigen Sie den Antrag hier:" in confirmation.body
    link = re.search(r"http://\S+/portal/erasure/confirm/\S+/", str(confirmation.body)).group(0)

    confirm_page = client.get(_path(link), **german).content.decode()
    assert "<h1>Bestätigen Sie Ihren Antrag auf Löschung</h1>" in confirm_page
    assert "Ja, meine Gesichtsdaten löschen" in confirm_page
    # The date in German words and form ("4. Dezember 2026"), as every date on the portal.
    assert re.search(
        r"Eingegangen am \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|"
        r"Oktober|November|Dezember) \d{4}\.",
        confirm_page,
    )
    with django_capture_on_commit_callbacks(execute=True):
        status = client.post(_path(link), **german, follow=True)
    assert "<h1>Ihr Antrag auf Löschung</h1>" in status.content.decode()
    assert mail.outbox[-1].subject == "Ihr Antrag auf Löschung bei Facegate"

    with django_capture_on_commit_callbacks(execute=True):
        erasure_requests.erasure_request_erase_run(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    done = mail.outbox[-1]
    assert done.subject == "Ihre Gesichtsdaten wurden gelöscht" and "Löschzertifikat" in done.body
    page = client.get(status.redirect_chain[-1][0], **german).content.decode()
    assert '<html lang="de">' in page and '<td id="status">Abgeschlossen</td>' in page
    assert "Gelöschte Personen" in page and "Was gelöscht wurde" in page and "Löschzertifikat" in page


def test_requests_made_elsewhere_mail_in_english(django_capture_on_commit_callbacks):
    acme = factories.tenant("acme")
    person = factories.subject(acme, "DE", email="anna@example.de")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_requests.erasure_request_create(
            email=person.email,
            jurisdiction="DE",
            tenant="acme",
            external_ref=person.external_ref or "",
            source="api",
            actor=Actor.system("test"),
        )
    assert mail.outbox[-1].subject == "Confirm your Facegate erasure request"


def test_jurisdictions_by_their_name_in_the_language_and_in_its_order(client):
    page = client.get("/portal/access/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    names = re.findall(r'<option value="[A-Z-]+">([^<]+)</option>', page)
    assert '<option value="DE">Deutschland</option>' in page and '<option value="ZZ">Übrige Welt</option>' in page
    assert names.index("Deutschland") < names.index("Estland") < names.index("Österreich") < names.index("Polen")
    english = client.get("/portal/access/").content.decode()
    assert '<option value="DE">Germany</option>' in english


def test_a_refusal_on_the_portal_is_in_the_language_and_in_english_from_the_api(client):
    answer = client.post(
        "/portal/access/", {"email": "a@x.test", "jurisdiction": "DE", "tenant": "acme"}, HTTP_ACCEPT_LANGUAGE="it"
    )
    assert answer.status_code == 400
    assert "Indichi sia il codice dell&#x27;organizzazione sia il Suo riferimento" in answer.content.decode()
    expired = client.get("/portal/erasure/status/not-a-token/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>No hemos podido abrir este enlace</h1>" in expired and "Este enlace no es válido." in expired


def test_every_mail_to_a_portal_requester_is_in_their_language(client, django_capture_on_commit_callbacks, settings):
    settings.ERASURE_REQUIRES_OFFICER_CONFIRMATION = True
    acme = factories.tenant("acme")
    person = factories.subject(acme, "FR", email="camille@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/portal/access/", {"email": "camille@example.fr", "jurisdiction": "FR"}, HTTP_ACCEPT_LANGUAGE="fr-FR"
        )
        client.post(
            "/portal/erasure/",
            {"email": person.email, "jurisdiction": "FR", "tenant": "acme", "external_ref": person.external_ref},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    access, erasure = mail.outbox[-2:]
    assert access.subject == "Confirmez votre demande d'accès Facegate"
    assert "Confirmez la demande ici\u00a0:" in access.body and "Le lien expire dans 30 jours." in access.body
    assert erasure.subject == "Confirme su solicitud de supresión a Facegate"

    request = ErasureRequest.objects.get()
    officer = Actor.system("test")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_requests.erasure_request_verify(erasure_request=request, actor=officer)
        clocks.request_extend(subject_request=request, reason="Many records.", actor=officer)
        refusals.erasure_request_refuse(erasure_request=request, basis="Art. 17(3)(e) GDPR.", actor=officer)
    extension, refusal = mail.outbox[-2:]
    assert extension.subject == "Su solicitud a Facegate: necesitamos más tiempo" and "Many records." in extension.body
    assert refusal.body.startswith("Su solicitud ha sido denegada, con el siguiente fundamento jurídico:")
    assert "autoridad de protección de datos" in refusal.body


def test_the_access_report_page_in_spanish_with_its_dates_and_purposes(client):
    acme = factories.tenant("acme")
    person = factories.subject(acme, "ES", email="lucia@example.es")
    factories.consent(person, factories.notice(acme))  # fraud prevention
    request = access_requests.access_request_create(
        email="lucia@example.es", jurisdiction="ES", source="portal", actor=Actor.system("test"), language="es"
    )
    access_requests.access_request_verify(access_request=request, actor=Actor.system("test"))
    page = client.get(_path(REPORT_LINK.url(request.pk)) + "page/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Qué se conserva sobre usted</h1>" in page and "<td>Prevención del fraude</td>" in page
    month = "(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)"
    assert re.search(rf"Elaborado el \d{{1,2}} de {month} de \d{{4}}, \d\d:\d\d UTC", page)
    assert re.search(rf"<td>\d{{1,2}} de {month} de \d{{4}}</td>", page)  # the consent's date
    assert not re.search(r"\d{4}-\d\d-\d\dT", page)  # no raw ISO moment left
