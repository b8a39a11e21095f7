"""Seed data: jurisdictions and their retention rules. Loaded by a migration; officers may edit the rows."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils.translation import gettext_noop

# (app label, model name): a migration passes the historical models' names.
ModelName = tuple[str, str]

GDPR = dict(
    law="GDPR",
    citation="Regulation (EU) 2016/679, Art. 9(2)(a), Art. 12(3), Art. 17",
    written_release_required=False,
    explicit_consent_required=True,
    erasure_deadline_months=1,
)

# Names as the portal shows them (translated there: gettext_noop marks them for the catalogs).
EU_EEA = {
    "AT": gettext_noop("Austria"),
    "BE": gettext_noop("Belgium"),
    "BG": gettext_noop("Bulgaria"),
    "HR": gettext_noop("Croatia"),
    "CY": gettext_noop("Cyprus"),
    "CZ": gettext_noop("Czechia"),
    "DK": gettext_noop("Denmark"),
    "EE": gettext_noop("Estonia"),
    "FI": gettext_noop("Finland"),
    "FR": gettext_noop("France"),
    "DE": gettext_noop("Germany"),
    "GR": gettext_noop("Greece"),
    "HU": gettext_noop("Hungary"),
    "IE": gettext_noop("Ireland"),
    "IT": gettext_noop("Italy"),
    "LV": gettext_noop("Latvia"),
    "LT": gettext_noop("Lithuania"),
    "LU": gettext_noop("Luxembourg"),
    "MT": gettext_noop("Malta"),
    "NL": gettext_noop("Netherlands"),
    "PL": gettext_noop("Poland"),
    "PT": gettext_noop("Portugal"),
    "RO": gettext_noop("Romania"),
    "SK": gettext_noop("Slovakia"),
    "SI": gettext_noop("Slovenia"),
    "ES": gettext_noop("Spain"),
    "SE": gettext_noop("Sweden"),
    "IS": gettext_noop("Iceland"),
    "LI": gettext_noop("Liechtenstein"),
    "NO": gettext_noop("Norway"),
}

JURISDICTIONS = [dict(code=code, name=name, **GDPR) for code, name in EU_EEA.items()] + [
    dict(
        code="GB",
        name=gettext_noop("United Kingdom"),
        law="UK GDPR",
        citation="UK GDPR Art. 9, Art. 12(3), Art. 17; DPA 2018",
        written_release_required=False,
        explicit_consent_required=True,
        erasure_deadline_months=1,
    ),
    dict(
        code="CA",
        name=gettext_noop("Canada"),
        law="PIPEDA",
        citation="PIPEDA, S.C. 2000, c. 5, Principle 4.3, s. 8(3)",
        written_release_required=False,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
    dict(
        code="CA-QC",
        name=gettext_noop("Quebec"),
        law="Law 25",
        citation="CQLR c. P-39.1, ss. 12, 23; CQLR c. C-1.1, s. 44",
        written_release_required=False,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
    dict(
        code="US-IL",
        name=gettext_noop("Illinois"),
        law="BIPA",
        citation="740 ILCS 14/15",
        written_release_required=True,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
    dict(
        code="US-TX",
        name=gettext_noop("Texas"),
        law="CUBI",
        citation="Tex. Bus. & Com. Code §503.001",
        written_release_required=True,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
    dict(
        code="US-WA",
        name=gettext_noop("Washington"),
        law="RCW 19.375",
        citation="RCW 19.375.020",
        written_release_required=True,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
    dict(
        code="US-CA",
        name=gettext_noop("California"),
        law="CCPA/CPRA",
        citation="Cal. Civ. Code §1798.105, §1798.130(a)(2)",
        written_release_required=False,
        explicit_consent_required=True,
        erasure_deadline_days=45,
    ),
    dict(
        code="ZZ",
        name=gettext_noop("Rest of the world"),
        law="Facegate default",
        citation="Facegate policy: GDPR-equivalent",
        written_release_required=False,
        explicit_consent_required=True,
        erasure_deadline_days=30,
    ),
]

# (jurisdiction, purpose or "", anchor, max_age_months, citation): years are calendar years (12 months).
RETENTION_RULES = [
    ("US-IL", "", "last_interaction", 36, "740 ILCS 14/15(a): 3 years after the last interaction"),
    ("US-IL", "", "purpose_end", 0, "740 ILCS 14/15(a): when the purpose is satisfied"),
    ("US-TX", "", "purpose_end", 12, "Tex. Bus. & Com. Code §503.001(c)(3): 1 year after the purpose expires"),
    ("CA-QC", "", "purpose_end", 0, "CQLR c. P-39.1, s. 23: destroyed once the purpose is achieved"),
]

# The zone each law's periods are counted in: the regulator's (a country's capital; for a US state, the zone of
# most of its people). Where a country spans zones (CA), the federal regulator's seat (Gatineau/Ottawa).
TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "HR": "Europe/Zagreb",
    "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "DE": "Europe/Berlin", "GR": "Europe/Athens",
    "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome", "LV": "Europe/Riga",
    "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "MT": "Europe/Malta", "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana", "ES": "Europe/Madrid", "SE": "Europe/Stockholm", "IS": "Atlantic/Reykjavik",
    "LI": "Europe/Vaduz", "NO": "Europe/Oslo", "GB": "Europe/London", "CA": "America/Toronto",
    "CA-QC": "America/Toronto", "US-IL": "America/Chicago", "US-TX": "America/Chicago",
    "US-CA": "America/Los_Angeles", "US-WA": "America/Los_Angeles", "ZZ": "UTC",
}  # fmt: skip


def load(
    apps: Apps,
    schema_editor: BaseDatabaseSchemaEditor | None,
    *,
    jurisdiction_model: ModelName = ("consent", "Jurisdiction"),
    rule_model: ModelName = ("policy", "RetentionRule"),
) -> None:
    """Insert or refresh the seed rows; the model names are where the models live (a migration passes its own)."""
    Jurisdiction = apps.get_model(*jurisdiction_model)
    RetentionRule = apps.get_model(*rule_model)
    for row in JURISDICTIONS:
        Jurisdiction.objects.update_or_create(code=row["code"], defaults=row)
    calendar = any(field.name == "max_age_months" for field in RetentionRule._meta.get_fields())
    for code, purpose, anchor, months, citation in RETENTION_RULES:
        # Before policy 0004 a rule had days only; that migration turns these rows into months.
        age = {"max_age_months": months, "max_age_days": 0} if calendar else {"max_age_days": months * 365 // 12}
        RetentionRule.objects.get_or_create(
            jurisdiction_id=code,
            tenant=None,
            purpose=purpose,
            anchor=anchor,
            defaults={**age, "citation": citation},
        )


# The statutory clock of a data subject request, per law: one extension (with notice to the requester before the
# first deadline) and whether the clock stops while the requester's identity is verified. A law not listed gets
# neither: the shorter clock is always the safe one.
CLOCKS = {
    # Art. 12(3): "extended by two further months where necessary", the requester told within the first month.
    "GDPR": {"extension_months": 2, "identity_pause_allowed": False},
    # UK GDPR Art. 12(3) as GDPR; the ICO's guidance starts the clock once the identity information arrives.
    "UK GDPR": {"extension_months": 2, "identity_pause_allowed": True},
    # Cal. Civ. Code 1798.130(a)(2)(A): extended once by 45 days, notice within the first 45; CCPA regulations
    # 7021(b): the 45 days run from receipt "regardless of time required to verify".
    "CCPA/CPRA": {"extension_days": 45, "identity_pause_allowed": False},
}


def load_clocks(
    apps: Apps,
    schema_editor: BaseDatabaseSchemaEditor | None,
    *,
    jurisdiction_model: ModelName = ("consent", "Jurisdiction"),
) -> None:
    Jurisdiction = apps.get_model(*jurisdiction_model)
    for law, clock in CLOCKS.items():
        Jurisdiction.objects.filter(law=law).update(**clock)


def load_time_zones(
    apps: Apps,
    schema_editor: BaseDatabaseSchemaEditor | None,
    *,
    jurisdiction_model: ModelName = ("consent", "Jurisdiction"),
) -> None:
    Jurisdiction = apps.get_model(*jurisdiction_model)
    for code, zone in TIME_ZONES.items():
        Jurisdiction.objects.filter(code=code).update(time_zone=zone)


def load_calendar_retention(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None, *, rule_model: ModelName = ("policy", "RetentionRule")
) -> None:
    """The seeded rules stored in days (3 years as 1,095) become calendar months, unless an officer changed them."""
    RetentionRule = apps.get_model(*rule_model)
    for code, purpose, anchor, months, citation in RETENTION_RULES:
        RetentionRule.objects.filter(
            jurisdiction_id=code, tenant=None, purpose=purpose, anchor=anchor, citation=citation,
            max_age_months=0, max_age_days=months * 365 // 12,
        ).update(max_age_months=months, max_age_days=0)  # fmt: skip
