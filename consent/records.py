"""The consent record of ISO/IEC TS 27560 in the W3C Data Privacy Vocabulary (DPV), as JSON-LD.

Built from the Kantara receipt's fields (consent/receipts.py), so both always say the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from consent.models import Consent
from consent.receipts import consent_receipt

CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
}

DPV_PURPOSE = {
    "identity_verification": "dpv:IdentityVerification",
    "fraud_prevention": "dpv:FraudPreventionAndDetection",
    "access_control": "dpv:EnforceAccessControl",
}


def _time(value: str | int) -> dict:
    if isinstance(value, int):
        value = datetime.fromtimestamp(value, tz=UTC).isoformat()
    return {"@value": value, "@type": "xsd:dateTime"}


def _status(receipt: dict, now: datetime) -> str:
    if receipt["withdrawnAt"]:
        return "dpv:ConsentWithdrawn"
    if receipt["expiresAt"] and datetime.fromisoformat(receipt["expiresAt"]) <= now:
        return "dpv:ConsentExpired"
    return "dpv:ConsentGiven"


def _controller(controller: dict) -> dict:
    node = {
        "@id": f"urn:uuid:{controller['piiControllerId']}",
        "@type": "dpv:DataController",
        "dpv:hasName": controller["piiController"],
    }
    contact = [c for c in (controller["email"] and f"mailto:{controller['email']}", controller["phone"]) if c]
    if contact:
        node["dpv:hasContact"] = contact
    if controller["address"]:
        node["dpv:hasAddress"] = controller["address"]
    return node


def consent_record(consent: Consent, *, now: datetime | None = None) -> dict:
    receipt = consent_receipt(consent)
    purpose = receipt["services"][0]["purposes"][0]
    subject = {"@id": f"urn:uuid:{receipt['piiPrincipalId']}"}
    events = [
        {
            "@type": "dpv:ConsentGiven",
            "dpv:isIndicatedAtTime": _time(receipt["consentTimestamp"]),
            "dpv:isIndicatedBy": subject,
            "dpv:hasIndicationMethod": receipt["collectionMethod"],
        }
    ]
    if receipt["withdrawnAt"]:
        events.append({"@type": "dpv:ConsentWithdrawn", "dpv:isIndicatedAtTime": _time(receipt["withdrawnAt"])})
    record = {
        "@context": CONTEXT,
        "@id": f"urn:uuid:{receipt['consentReceiptID']}",
        "@type": "dpv:ConsentRecord",
        "dct:conformsTo": "ISO/IEC TS 27560:2023",
        "dct:identifier": receipt["consentReceiptID"],
        "dct:language": receipt["language"],
        "dpv:hasDataSubject": {**subject, "@type": "dpv:DataSubject"},
        "dpv:hasDataController": [_controller(c) for c in receipt["piiControllers"]],
        "dpv:hasJurisdiction": receipt["jurisdiction"],
        "dpv:hasNotice": {
            "@id": receipt["policyUrl"],
            "@type": "dpv:PrivacyNotice",
            "dct:identifier": receipt["notice"]["id"],
            "dct:hasVersion": receipt["notice"]["version"],
            "spdx:checksum": {
                "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                "spdx:checksumValue": receipt["notice"]["sha256"],
            },
        },
        "dpv:hasPurpose": {
            "@type": DPV_PURPOSE.get(purpose["purpose"], "dpv:Purpose"),
            "dct:identifier": purpose["purpose"],
            "dct:description": purpose["purposeCategory"][0],
        },
        "dpv:hasPersonalData": {"@id": "pd:FacialPrint", "@type": "dpv:SpecialCategoryPersonalData"},
        "dpv:hasProcessing": [{"@id": "dpv:Collect"}, {"@id": "dpv:Store"}, {"@id": "dpv:Use"}],
        "dpv:hasLegalBasis": {"@id": "dpv:ExplicitlyExpressedConsent"},
        "dpv:hasConsentStatus": {"@id": _status(receipt, now or timezone.now())},
        "dct:hasPart": events,
    }
    if receipt["expiresAt"]:
        record["dct:valid"] = {"@value": f"end={receipt['expiresAt']};", "@type": "dct:Period"}
    return record
