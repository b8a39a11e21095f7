"""`evaluate --open-set` on a small real subset of tests/faces, the decision rule pinned on searches of the
calibration set (a fixture of distances, no photos), and the arithmetic of the protocol and the tail model."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from matching import decision, openset, tail

FIXTURE = Path(__file__).parent / "fixtures" / "decision_searches.json"


@pytest.fixture
def folder(faces_dir, tmp_path):
    """Every person of tests/faces: penny and sheldon have one photo (each a distractor or a stranger)."""
    root = tmp_path / "people"
    for person in sorted((faces_dir / "people").iterdir()):
        (root / person.name).mkdir(parents=True)
        for photo in sorted(person.iterdir()):
            (root / person.name / photo.name).symlink_to(photo)
    return root


def test_open_set_prints_the_figures_and_writes_json_and_a_det_curve(folder, tmp_path, capsys, settings):
    out, svg, cache = tmp_path / "out.json", tmp_path / "det.svg", tmp_path / "cache.sqlite"
    call_command(
        "evaluate", str(folder), "--open-set", "--trials", "2", "--bootstrap", "3", "--splits", "1",
        "--cache", str(cache), "--workers", "1", "--json", str(out), "--svg", str(svg),
    )  # fmt: skip
    report = json.loads(out.read_text())
    fte = report["failure_to_enrol"]
    assert fte["photos"] == 38 and report["photos"] == 38 - fte["no_face"] - fte["refused"]
    # One photo of df-03 is refused (face_too_small): seven people with several photos, three with one.
    assert (fte["no_face"], fte["refused"]) == (0, 1)
    multi = report["identities_with_two_photos_or_more"]
    assert multi == 7
    assert set(report["rules"]) == set(decision.RULES)
    for table in report["rules"].values():
        assert 0.8 <= table["rank1"] <= 1.0 and set(table["at_fpir"]) == {"0.001", "0.01", "0.1"}
    assert report["defaults"] == {
        "threshold": settings.MATCH_THRESHOLD, "ratio_max": settings.MATCH_RATIO_MAX, "cohort": decision.COHORT,
    }  # fmt: skip
    assert set(report["at_defaults"]) == {"1", "2", "3"}
    for o in report["at_defaults"].values():
        # One mated search per enrolled person and trial; each also searched with its mate left out, plus strangers.
        assert o["mated_searches"] == 2 * multi and o["non_mated_searches"] == 2 * (multi + o["stranger_searches"] // 2)
        assert 0 <= o["fpir"] <= 1 and 0 <= o["fnir"] <= 1
    study = report["disjoint_study"]
    assert study["folds"] == 2
    assert set(study["by_photos"]["1"]["rules"]) == {*decision.RULES, "service"}
    galleries = report["distance_tail"]["galleries"]
    assert list(galleries) == ["1000", "10000", "100000"]
    # A bigger gallery needs a stricter distance for the same FPIR.
    thresholds = [galleries[n]["threshold_for_fpir_1pct"] for n in galleries]
    assert thresholds == sorted(thresholds, reverse=True)
    printed = capsys.readouterr().out
    assert "FNIR @ FPIR 0.1 %" in printed and "identity-disjoint" in printed and "failure to enrol" in printed
    drawing = ElementTree.parse(svg).getroot()
    assert len(drawing.findall("{http://www.w3.org/2000/svg}polyline")) == len(decision.RULES) + 1
    # The second run reads every photo from the cache.
    call_command("evaluate", str(folder), "--open-set", "--trials", "1", "--splits", "1", "--bootstrap", "2",
                 "--cache", str(cache), "--workers", "1")  # fmt: skip


def test_open_set_needs_identities_never_enrolled(folder, tmp_path):
    for single in ("penny", "sheldon", "df-03"):  # df-03 keeps one photo (the other is refused)
        for photo in (folder / single).iterdir():
            photo.unlink()
        (folder / single).rmdir()
    with pytest.raises(CommandError, match="never enrolled"):
        call_command("evaluate", str(folder), "--open-set", "--cache", str(tmp_path / "c.sqlite"), "--workers", "1")


def test_the_rule_at_the_defaults_on_searches_of_the_calibration_set(settings):
    """Pins the shipped rule: 24 mated and 24 non-mated searches (person distances, nearest first) of the
    calibration open set, and how many people the defaults name in each."""
    searches = json.loads(FIXTURE.read_text())
    rule = dict(threshold=settings.MATCH_THRESHOLD, ratio_max=settings.MATCH_RATIO_MAX)
    mated = np.array([s["distances"] for s in searches["mated"]])
    count, _ = decision.named_counts(mated, **rule)
    assert count.tolist() == [0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0]
    # Whoever is named is the nearest, and here always the mate.
    ranks = [s["mate_rank"] for s in searches["mated"]]
    assert all(r == 0 for c, r in zip(count, ranks, strict=True) if c)
    count, _ = decision.named_counts(np.array(searches["non_mated"]), **rule)
    assert count.tolist() == [0] * 20 + [1] * 4  # the last four: strangers the rule names (FPIR ~1 %)
    # The same searches one at a time, through named() as the service calls it.
    assert [len(decision.named(list(d), **rule)) for d in mated] == decision.named_counts(mated, **rule)[0].tolist()


def test_the_rule_names_people_clearly_nearer_than_the_next_ones():
    rule = dict(threshold=0.087, ratio_max=0.64)
    cohort = [0.10, 0.11, 0.12, 0.13, 0.14]  # mean 0.12
    [(index, ratio)] = decision.named([0.05, *cohort], **rule)
    assert index == 0 and ratio == pytest.approx(0.05 / 0.12)
    # A stranger about as near to several people: within the threshold, refused by the ratio.
    assert decision.named([0.08, 0.085, 0.09, 0.1, 0.1, 0.1], **rule) == []
    # One person enrolled twice (what fraud teams look for): both named, judged against the people after both.
    assert [i for i, _ in decision.named([0.03, 0.035, *cohort], **rule)] == [0, 1]
    # A one-person gallery: nobody after, the distance alone.
    assert decision.named([0.08], **rule) == [(0, None)]
    assert decision.named([0.09], **rule) == [] and decision.named([], **rule) == []
    # Beyond the threshold nobody is named, however far the others.
    assert decision.named([0.09, 0.5, 0.5], **rule) == []


def test_rules_score_the_nearest_person():
    distances = np.array([[0.02, 0.08, 0.1, 0.12, 0.14, 0.16, 0.3]])
    assert decision.score("distance", distances) == pytest.approx([0.02])
    assert decision.score("ratio", distances) == pytest.approx([0.25])
    assert decision.score("cohort", distances) == pytest.approx([0.02 / 0.12])


def test_the_review_band_reaches_further_than_the_decision(settings):
    assert decision.review_ratio_max() > settings.MATCH_RATIO_MAX
    assert decision.fpir_at_ratio(decision.review_ratio_max()) == pytest.approx(decision.REVIEW_FPIR, rel=1e-6)
    assert decision.fpir_at_ratio(0.5) < decision.fpir_at_ratio(0.7)


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
    assert decision.fpir_at_distance(0.02, 10_000) < decision.fpir_at_distance(0.035, 10_000)
    assert decision.fpir_at_distance(0.2, 10_000) == pytest.approx(1.0)
