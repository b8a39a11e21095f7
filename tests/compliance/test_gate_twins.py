"""The policy gate's SQL and the ORM readings of the same rules elsewhere must never disagree.

The gate (compliance.gate) is the authority for matching. The consent ledger (consent.selectors.consents_active,
Consent.is_active) shows people and officers which consents are in force; an erase order finds the subjects it
must erase with compliance.selectors.scope_q. Each pair reads the same rows, so each pair is checked here.
"""
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import gate
from compliance.models import OrderAction, RegulatorOrder
from compliance.selectors import order_subjects_pending
from consent.models import Purpose
from consent.selectors import consents_active
from tests import factories

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


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jurisdictions=st.sets(st.sampled_from(["GB", "FR", "US-IL"])), by_tenant=st.booleans(),
       by_subject=st.booleans())
def test_an_erase_order_hides_from_matching_exactly_the_subjects_it_will_erase(jurisdictions, by_tenant, by_subject):
    tenants = [factories.tenant(), factories.tenant()]
    people = []
    for tenant in tenants:
        notice = factories.notice(tenant)
        people += [factories.consented_subject(tenant, notice, code, templates=1) for code in ("GB", "FR", "US-IL")]
    order = RegulatorOrder.objects.create(
        regulator="test", reference="twins", action=OrderAction.ERASE, received_at=timezone.now(),
        scope_jurisdictions=sorted(jurisdictions), scope_tenants=[tenants[0].pk] if by_tenant else [],
        scope_subjects=[people[-1].pk] if by_subject else [],
    )
    try:
        hidden = _hidden_from_matching(tenants, people)
        assert hidden == set(order_subjects_pending(order=order).filter(pk__in=[p.pk for p in people])
                             .values_list("pk", flat=True))
    finally:
        order.delete()  # a jurisdiction-wide order would otherwise hide the next example's subjects


def _hidden_from_matching(tenants, people) -> set:
    hidden = set()
    for tenant in tenants:
        eligible = set(gate.templates_eligible(tenant=tenant, purpose=Purpose.FRAUD_PREVENTION,
                                               model=factories.MODEL, at=timezone.now())
                       .values_list("subject_id", flat=True))
        hidden |= {p.pk for p in people if p.tenant_id == tenant.pk and p.pk not in eligible}
    return hidden
