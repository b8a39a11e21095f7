"""Scopes of orders and holds as officers write them (codes, slugs, ids) and as the rows store them."""

from __future__ import annotations

from consent.models import Jurisdiction, Subject, Tenant
from core.errors import DomainError, UnknownJurisdiction, UnknownTenant
from policy.models import ScopeMatch


class EmptyScope(DomainError):
    code = "empty_scope"
    default_message = "The scope names no jurisdiction, tenant or subject."


class UnknownSubject(DomainError):
    code = "unknown_subject"
    default_message = "Unknown subject."


def scope_resolve(scope: dict) -> dict:
    """{"jurisdictions": codes, "tenants": slugs, "subjects": ids, "match": "any" | "all"} -> the model's scope_*
    fields (tenant UUIDs)."""
    codes = sorted(set(scope.get("jurisdictions") or []))
    slugs = sorted(set(scope.get("tenants") or []))
    subject_ids = sorted({str(s) for s in scope.get("subjects") or []})
    if not (codes or slugs or subject_ids):
        raise EmptyScope()
    unknown = set(codes) - set(Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown:
        raise UnknownJurisdiction(f"Unknown jurisdictions: {sorted(unknown)}", jurisdictions=sorted(unknown))
    tenants = dict(Tenant.objects.filter(slug__in=slugs).values_list("slug", "id"))
    if unknown := set(slugs) - set(tenants):
        raise UnknownTenant(f"Unknown tenants: {sorted(unknown)}", tenants=sorted(unknown))
    found = {str(s) for s in Subject.objects.filter(pk__in=subject_ids).values_list("pk", flat=True)}
    if unknown := set(subject_ids) - found:
        raise UnknownSubject(f"Unknown subjects: {sorted(unknown)}", subjects=sorted(unknown))
    return {
        "scope_match": ScopeMatch(scope.get("match") or ScopeMatch.ANY).value,
        "scope_jurisdictions": codes,
        "scope_tenants": [tenants[s] for s in slugs],
        "scope_subjects": subject_ids,
    }


def scope_sentence(described: dict) -> str:
    """The scope as officers and regulators read it, saying whether it is a union ("every subject in GB or US-TX,
    or every subject of tenant demo, or one of 2 named subjects") or an intersection ("every subject in US-TX and
    of tenant demo")."""
    if described.get("match") == ScopeMatch.ALL:
        return _intersection_sentence(described)
    phrases = []
    if codes := described.get("jurisdictions"):
        phrases.append("every subject in " + " or ".join(codes))
    if slugs := described.get("tenants"):
        phrases.append(
            ("every subject of tenant " if len(slugs) == 1 else "every subject of tenants ") + " or ".join(slugs)
        )
    if subjects := described.get("subjects"):
        phrases.append("the named subject" if len(subjects) == 1 else f"one of {len(subjects)} named subjects")
    return ", or ".join(phrases) or "nobody"


def _intersection_sentence(described: dict) -> str:
    conditions = []
    if codes := described.get("jurisdictions"):
        conditions.append("in " + " or ".join(codes))
    if slugs := described.get("tenants"):
        conditions.append(("of tenant " if len(slugs) == 1 else "of tenants ") + " or ".join(slugs))
    subjects = described.get("subjects")
    if not subjects:
        return "every subject " + " and ".join(conditions) if conditions else "nobody"
    named = "the named subject" if len(subjects) == 1 else f"each of {len(subjects)} named subjects"
    return named + (" that is " + " and ".join(conditions) if conditions else "")


def scope_describe(scoped) -> dict:
    """An order's or a hold's stored scope as officers wrote it (tenant slugs)."""
    return scope_named(
        {
            name: getattr(scoped, name)
            for name in ("scope_match", "scope_jurisdictions", "scope_tenants", "scope_subjects")
        }
    )


def scope_named(fields: dict) -> dict:
    """Scope fields (scope_resolve's answer, or a row's) -> {"match", "jurisdictions", "tenants", "subjects"}."""
    slugs = dict(Tenant.objects.filter(pk__in=fields["scope_tenants"]).values_list("id", "slug"))
    return {
        "match": fields["scope_match"],
        "jurisdictions": list(fields["scope_jurisdictions"]),
        "tenants": [slugs.get(t, str(t)) for t in fields["scope_tenants"]],
        "subjects": [str(s) for s in fields["scope_subjects"]],
    }
