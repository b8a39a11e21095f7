"""`evaluate --open-set` on a small real subset of tests/faces, and the arithmetic of the rules and the tail model."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from matching import decision, openset, tail

ENROLLABLE = ("amy", "bernadette", "howard", "leonard")  # 5 photos each: 3 for the gallery, 2 probes
STRANGERS = ("df-03", "df-05", "penny", "sheldon")


@pytest.fixture
def subset(faces_dir, tmp_path):
    root = tmp_path / "subset"
    for person in ENROLLABLE + STRANGERS:
        (root / person).mkdir(parents=True)
        for photo in sorted((faces_dir / "people" / person).iterdir()):
            (root / person / photo.name).symlink_to(photo)
    return root


def test_open_set_prints_the_figures_and_writes_json_and_a_det_curve(subset, tmp_path, capsys, settings):
    out, svg = tmp_path / "out.json", tmp_path / "det.svg"
    call_command(
        "evaluate", str(subset), "--open-set", "--trials", "20", "--bootstrap", "5", "--gallery-size", "2",
        "--study-splits", "2", "--json", str(out), "--svg", str(svg),
    )  # fmt: skip
    report = json.loads(out.read_text())
    assert report["identities"] == 8 and report["photos"] == 26
    # Two of the four enrollable people per trial, two probes each; 26 - 10 photos of the others, always strangers.
    assert report["mated_searches"] == 20 * 2 * 2
    assert report["non_mated_searches"] == 20 * (26 - 2 * 5)
    assert set(report["rules"]) == {"distance", "ratio", "tnorm"}
    for table in report["rules"].values():
        assert 0.9 <= table["rank1"] <= 1.0
        assert set(table["at_fpir"]) == {"0.001", "0.01", "0.1"}
        for row in table["at_fpir"].values():
            assert row["fpir"] <= 0.1 and 0.0 <= row["fnir"] <= 1.0
    rule = report["default_rule"]
    assert (rule["threshold"], rule["ratio_max"]) == (settings.MATCH_THRESHOLD, settings.MATCH_RATIO_MAX)
    # The rule only refuses what the distance alone accepts: never more strangers, never more mates.
    assert rule["fpir"] <= rule["distance_alone"]["fpir"] and rule["fnir"] >= rule["distance_alone"]["fnir"]
    assert report["erasure_lookup"]["threshold"] == settings.ERASURE_LOOKUP_THRESHOLD
    # Identity-disjoint study: every rule tuned on one half of the identities, measured on the other half.
    for photos in ("1", "3"):
        study = report["disjoint_study"][photos]
        assert study["folds"] == 4 and set(study["rules"]) == {"distance", "ratio", "tnorm", "service", "at_default"}
        assert all(0 <= x["fpir_mean"] <= x["fpir_max"] <= 1 for x in study["rules"].values())
    assert set(report["photos_per_person_study"]) == {"1_best", "3_best", "3_mean"}
    galleries = report["extrapolated"]["galleries"]
    assert list(galleries) == ["1000", "10000", "100000"]
    # A bigger gallery needs a stricter threshold for the same FPIR, and the same threshold admits more strangers.
    thresholds = [galleries[n]["threshold_for_fpir_1pct"] for n in galleries]
    assert thresholds == sorted(thresholds, reverse=True)
    fpirs = [galleries[n]["fpir_at_default"] for n in galleries]
    assert fpirs == sorted(fpirs)
    printed = capsys.readouterr().out
    assert "FNIR @ FPIR 0.1 %" in printed and "gallery  10,000" in printed and "default rule" in printed
    assert "identity-disjoint" in printed and "erasure lookup" in printed
    drawing = ElementTree.parse(svg).getroot()
    assert len(drawing.findall("{http://www.w3.org/2000/svg}polyline")) == 3  # distance, ratio, the service rule


def test_open_set_needs_identities_never_enrolled(subset):
    with pytest.raises(CommandError, match="too few"):
        call_command("evaluate", str(subset), "--open-set", "--gallery-size", "5", "--trials", "1")


def test_rules_score_the_nearest_person():
    distances, cohort = np.array([0.02, 0.08, 0.1]), np.array([0.1, 0.2, 0.3])
    assert decision.score("distance", distances, cohort) == 0.02
    assert decision.score("ratio", distances, cohort) == pytest.approx(0.25)
    assert decision.score("ratio", distances[:1], cohort) == pytest.approx(0.2)  # no runner-up: the cohort's nearest
    assert decision.score("tnorm", distances, cohort) == pytest.approx((0.02 - 0.2) / np.std(cohort))


def test_the_rule_names_people_within_the_threshold_clearly_nearer_than_the_runner_up():
    rule = dict(threshold=0.034, ratio_max=0.66)
    assert decision.named([0.02, 0.05, 0.06], **rule) == [(0, pytest.approx(0.4))]
    # A stranger about as near to two people: within the threshold, but refused by the ratio.
    assert decision.named([0.033, 0.04], **rule) == []
    # One person enrolled twice (what fraud teams look for): both named, each judged against the first beyond.
    assert [i for i, _ in decision.named([0.01, 0.012, 0.07], **rule)] == [0, 1]
    # Nobody beyond the threshold (a one-person gallery): no runner-up, the distance alone, never looser.
    assert decision.named([0.03], **rule) == [(0, None)]
    assert decision.named([0.04], **rule) == [] and decision.named([], **rule) == []
    # A stricter threshold names a subset: the runner-up only comes nearer.
    assert decision.named([0.02, 0.028, 0.05], threshold=0.025, ratio_max=0.66) == []


def test_fnir_counts_a_wrong_top_candidate_as_a_miss_at_any_threshold():
    mated, hits = np.array([0.01, 0.02, 0.03, 0.5]), np.array([True, False, True, True])
    non_mated = np.array([0.04, 0.06, 0.07, 0.09])
    t = openset.threshold_for_fpir(non_mated, 0.25)
    assert 0.04 <= t < 0.06 and openset.fpir_at(non_mated, t) == 0.25
    assert openset.fnir_at(mated, hits, t) == 0.5  # the second is found but is somebody else; the last too far


def test_tail_fit_recovers_an_exponential_tail_and_inverts():
    rng = np.random.default_rng(1)
    # Distances 0.9 - e, e exponential (scale 0.01): the excess below any u is exponential again (memoryless).
    model = tail.fit(0.9 - rng.exponential(0.01, size=20_000), tail_fraction=0.02)
    assert abs(model.xi) <= 0.1
    assert model.sigma == pytest.approx(0.01, rel=0.15)
    t = model.threshold_for(0.01, 10_000)
    assert model.fpir(t, 10_000) == pytest.approx(0.01, rel=1e-3)
    assert model.fpir(t, 100_000) > model.fpir(t, 10_000) > model.fpir(t, 1_000)


def test_fpir_at_distance_grows_with_the_gallery_and_the_distance():
    assert decision.fpir_at_distance(0.02, 1) < decision.fpir_at_distance(0.02, 10_000)
    assert decision.fpir_at_distance(0.02, 10_000) < decision.fpir_at_distance(0.035, 10_000) <= 0.02
    assert decision.fpir_at_distance(0.2, 10_000) == pytest.approx(1.0)
