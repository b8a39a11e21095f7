"""1:N answers by person: the gated template search, grouped by subject, re-checked, scored.

A person enrolled with several photos is one answer, not several: `top_k` counts people, and each result says
how many of the person's templates the probe was compared with.
"""

from __future__ import annotations

from django.utils import timezone

from consent.models import Subject
from core.metrics import gate_refusals
from core.replica import on_standby
from matching.decision import COHORT, MAX_NAMED, fpir_at_distance, fpir_at_ratio, named, review_ratio_max
from matching.models import FaceTemplate, MatchJob
from matching.selectors import templates_nearest, templates_of_subjects
from policy.gate import eligible_upper_bound

TEMPLATES_PER_PERSON = 4  # templates searched per person asked for (top_k counts people)
MAX_SEARCH_TEMPLATES = 200
GALLERY_COUNT_LIMIT = 1_000_000  # past this the modelled FPIR of any accepted distance barely moves


def _judged(rows: list, cohort: list[float], **rule) -> list[tuple[list, float | None]]:
    """The rule on re-checked people (each: their templates, nearest first) followed by the search's cohort."""
    rows = sorted((ts for ts in rows if ts[0].distance <= rule["threshold"]), key=lambda ts: ts[0].distance)
    return [
        (rows[i], ratio) for i, ratio in named([float(ts[0].distance) for ts in rows] + cohort, **rule) if i < len(rows)
    ]


def people_nearest(job: MatchJob, embedding: list[float]) -> tuple[list[dict], list[dict], str]:
    """Gated search, one result per person (their nearest template) named by the decision rule, the gate
    re-checked on every template of the people found, and the retention clocks of the people returned. With
    `job.review`, also the people the looser review ratio would name (never matches: no clock restarts). The
    last item is the search path and the database it ran on ("hnsw@replica", "exact@default")."""
    at = timezone.now()
    tenant, purpose, model = job.tenant, job.purpose, job.model_name
    assert tenant is not None  # a client's job (a null tenant was the platform's lookup, never searched here)
    # top_k counts people: fetch several templates per person wanted, so people enrolled with several photos
    # do not crowd the others out, then group by subject; the people after the named ones are the cohort the
    # rule's ratio is taken against.
    people_wanted = min(max(job.top_k, MAX_NAMED) + COHORT + 1, MAX_SEARCH_TEMPLATES // TEMPLATES_PER_PERSON)
    # The search reads the standby when it is current (core.replica); the locks and the re-check below are the
    # primary's, so what is returned is judged on the primary either way.
    (found, path), database = on_standby(
        lambda: templates_nearest(
            tenant=tenant,
            purpose=purpose,
            model=model,
            at=at,
            embedding=embedding,
            k=people_wanted * TEMPLATES_PER_PERSON,
        )
    )
    nearest: dict = {}
    for t in found:  # nearest first: each person's nearest template
        nearest.setdefault(t.subject_id, float(t.distance))
    rule = dict(threshold=job.threshold, ratio_max=job.ratio_max)
    band = dict(threshold=job.threshold, ratio_max=max(review_ratio_max(), job.ratio_max))
    ids, distances = list(nearest), list(nearest.values())
    first = named(distances, **rule)
    reviewed = named(distances, **band) if job.review else first
    people = [ids[i] for i, _ in first][: job.top_k]
    candidates = [ids[i] for i, _ in reviewed[len(first) :]]
    # The cohorts the ratios are taken against: the people found after the named ones.
    cohort, review_cohort = distances[len(first) :], distances[len(reviewed) :]
    # Lock the subjects about to be returned (an erasure batch locks them the same way, in the same order): an
    # erasure that got there first has committed when this returns, and its subjects fail the re-check below;
    # one that comes later waits for this job's commit and then scrubs its results.
    # The locked rows are read as they are now: their external refs serve the results (no second read).
    refs = dict(
        Subject.objects.select_for_update(no_key=True)
        .filter(pk__in=people + candidates)
        .order_by("pk")
        .values_list("pk", "external_ref")
    )
    # Re-check with the gate at this instant (a withdrawal that committed while the search ran is honoured),
    # comparing the probe with every eligible template of each person found, then judge them again.
    templates = templates_of_subjects(
        tenant=tenant,
        purpose=purpose,
        model=model,
        at=timezone.now(),
        embedding=embedding,
        subject_ids=people + candidates,
    )
    per_person: dict = {}
    for t in templates:  # nearest first
        per_person.setdefault(t.subject_id, []).append(t)
    if dropped := len(set(people + candidates) - set(per_person)):
        gate_refusals.labels(reason="recheck").inc(dropped)  # the search found them, the re-check refused them
    ranked = _judged([per_person[p] for p in people if p in per_person], cohort, **rule)
    matched = {ts[0].subject_id for ts, _ in ranked}
    review = [
        (ts, ratio)
        for ts, ratio in _judged([ts for ts in per_person.values()], review_cohort, **band)
        if ts[0].subject_id not in matched
    ]
    # The gallery a stranger would be searched against: the tenant's consents for the purpose (an upper bound).
    alone = any(ratio is None for _, ratio in ranked + review)
    gallery = eligible_upper_bound(tenant=tenant, purpose=purpose, limit=GALLERY_COUNT_LIMIT) if alone else 0

    def answer(ts: list, ratio: float | None) -> dict:
        return {
            "subject_id": str(ts[0].subject_id),
            "external_ref": refs[ts[0].subject_id],
            "distance": round(float(ts[0].distance), 6),
            "score": round(1.0 - float(ts[0].distance), 6),
            "ratio": None if ratio is None else round(ratio, 4),
            "templates_compared": len(ts),
            # The ratio's FPIR on the calibration open set; with no cohort, the distance's modelled FPIR.
            "fpir_at_score": round(
                fpir_at_distance(float(ts[0].distance), gallery) if ratio is None else fpir_at_ratio(ratio), 6
            ),
        }

    if ranked:
        # A match is an interaction: it restarts the last-interaction retention clocks (BIPA).
        now = timezone.now()
        Subject.objects.filter(pk__in=[ts[0].subject_id for ts, _ in ranked]).update(last_interaction_at=now)
        FaceTemplate.objects.filter(pk__in=[ts[0].id for ts, _ in ranked]).update(last_matched_at=now)
    return [answer(*r) for r in ranked], [answer(*r) for r in review], f"{path}@{database}"
