"""The policy gate's SQL and the consent ledger's own reading of a consent's dates must never disagree.

The gate (compliance.gate) is the authority for matching; the ledger (consent.selectors.consents_active,
Consent.is_active) shows people and officers which consents are in force. Both read the same four dates.
"""
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import gate
from consent.models import Purpose
from consent.selectors import consents_active
from tests.compliance import factories

HOUR = timedelta(hours=1)
offsets = st.integers(min_value=-48, max_value=48).map(lambda h: h * HOUR)
maybe = st.none() | offsets


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(granted=offsets, expires=maybe, withdrawn=maybe, ended=maybe, data=st.data())
def test_gate_and_ledger_agree_on_every_consent_date(granted, expires, withdrawn, ended, data):
    origin = timezone.now().replace(microsecond=0)
    tenant = factories.tenant()
    notice = factories.notice(tenant)
    person = factories.subject(tenant, "GB")  # GB: no retention rule, so only the consent's dates decide
    def after_grant(offset):
        return None if offset is None else origin + granted + abs(offset)

    consent = factories.consent(person, notice, granted_at=origin + granted, expires_at=after_grant(expires),
                                withdrawn_at=after_grant(withdrawn), purpose_ended_at=after_grant(ended))
    template = factories.template(person, enrolled=False)
    # Half the instants fall exactly on one of the consent's own dates: the boundaries are where twins drift.
    boundaries = [d for d in (consent.granted_at, consent.expires_at, consent.withdrawn_at, consent.purpose_ended_at)
                  if d is not None]
    at = data.draw(st.sampled_from(boundaries) | offsets.map(lambda t: origin + t))

    in_gate = gate.templates_eligible(tenant=tenant, purpose=Purpose.FRAUD_PREVENTION, model=factories.MODEL,
                                      at=at).filter(pk=template.pk).exists()
    in_ledger = consents_active(at=at, subject=person, purpose=Purpose.FRAUD_PREVENTION).exists()
    assert in_gate == in_ledger == consent.is_active(at)
