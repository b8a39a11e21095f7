"""`manage.py evaluate` on small real subsets of tests/faces, and the protocol's arithmetic; no database."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from matching import evaluation

PEOPLE = ("amy", "bernadette", "howard", "leonard")  # 5 photos each, 150x150: quick to embed
KEYS = {
    "images",
    "identities",
    "detected_fraction",
    "accuracy",
    "accuracy_std",
    "tar_at_far_0_001",
    "threshold",
    "images_per_second",
}


@pytest.fixture
def subset(faces_dir, tmp_path):
    root = tmp_path / "subset"
    for person in PEOPLE:
        (root / person).mkdir(parents=True)
        for photo in sorted((faces_dir / "people" / person).iterdir()):
            (root / person / photo.name).symlink_to(photo)
    return root


def test_evaluate_writes_the_figures(subset, tmp_path, capsys):
    out = tmp_path / "out.json"
    call_command("evaluate", str(subset), "--json", str(out), "--cache", str(tmp_path / "c.sqlite"), "--workers", "1")
    report = json.loads(out.read_text())
    assert KEYS <= set(report)
    assert report["failure_to_enrol"] == {"photos": 20, "no_face": 0, "refused": 0, "failure_to_enrol": 0.0}
    # The 1:1 thresholds chosen on half of the identities and measured on the other half.
    study = report["identity_disjoint"]
    assert study["folds"] == 10 and set(study["by_fmr"]) == {"0.01", "0.001", "0.0001"}
    assert 0 <= study["at_fixed"]["fnmr_mean"] <= 0.2
    assert report["images"] == 20 and report["identities"] == 4
    assert report["detected_fraction"] == 1.0
    assert report["genuine_pairs"] == 40 and report["impostor_pairs"] == 40
    assert 0.9 <= report["accuracy"] <= 1.0 and 0 <= report["accuracy_std"] < 0.2
    assert 0.5 <= report["tar_at_far_0_001"] <= 1.0
    assert 0.0 < report["threshold"] < 0.5
    assert report["images_per_second"] > 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "threshold" in printed and "identity-disjoint" in printed


def test_error_versus_reject_curves_of_each_measure(subset, tmp_path, capsys):
    out = tmp_path / "quality.json"
    cache = str(tmp_path / "c.sqlite")
    call_command("evaluate", str(subset), "--quality", "--json", str(out), "--cache", cache, "--workers", "1")
    report = json.loads(out.read_text())
    assert report["genuine_pairs"] == 4 * 10 and report["reject"][0] == 0.0
    for fmr in ("0.01", "0.001"):
        curves = report[fmr]["measures"]
        assert {"inter_eye_px", "detector_score", "yaw", "roll", "sharpness", "brightness"} <= set(curves)
        # Nothing set aside: every curve starts at the FNMR of all pairs.
        assert all(row[0] == report[fmr]["fnmr"] for row in curves.values())
    assert "error versus reject" in capsys.readouterr().out.lower()


def test_lfw_pairs_file_follows_its_folds(faces_dir, tmp_path):
    # LFW names its photos <name>/<name>_<4-digit n>.jpg.
    root = tmp_path / "lfw"
    for person in PEOPLE:
        (root / person).mkdir(parents=True)
        for n, photo in enumerate(sorted((faces_dir / "people" / person).iterdir()), 1):
            (root / person / f"{person}_{n:04d}.jpg").symlink_to(photo)
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "2 2\n"
        "amy 1 2\nhoward 3 4\namy 1 howard 1\nbernadette 2 leonard 5\n"
        "bernadette 1 3\nleonard 2 4\namy 5 leonard 1\nhoward 2 bernadette 4\n"
    )
    report = evaluation.evaluate(root, pairs)
    assert (report.pairs, report.genuine_pairs, report.impostor_pairs) == (8, 4, 4)
    assert report.images == 15 and report.identities == 4
    assert report.accuracy == 1.0
    assert "pairs" in report.protocol


def test_pairs_file_naming_a_missing_photo_is_refused(subset, tmp_path):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("1 1\namy 1 2\namy 1 howard 1\n")
    with pytest.raises(CommandError, match="missing"):
        call_command("evaluate", str(subset), "--pairs", str(pairs), "--cache", str(tmp_path / "c.sqlite"))


def test_a_photo_without_a_face_counts_against_accuracy(subset):
    Image.new("RGB", (200, 200), "gray").save(subset / "amy" / "blank.png")
    report = evaluation.evaluate(subset)
    assert report.images == 21
    assert report.detected_fraction == pytest.approx(20 / 21)


def test_not_a_folder_of_people_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate", str(tmp_path), "--cache", str(tmp_path / "c.sqlite"))


def test_best_threshold_separates_and_is_tested_on_held_out_folds():
    genuine = np.array([0.02, 0.03, 0.05, 0.06])
    impostor = np.array([0.12, 0.14, 0.20, 0.30])
    distances, same = np.concatenate([genuine, impostor]), np.array([True] * 4 + [False] * 4)
    assert 0.06 < evaluation.best_threshold(distances, same) < 0.12
    accuracies, _ = evaluation.ten_fold(distances, same, np.arange(8) % 2)
    assert accuracies == [1.0, 1.0]
    # One impostor closer than a genuine pair: no threshold is perfect.
    distances[4] = 0.04
    threshold = evaluation.best_threshold(distances, same)
    assert np.mean((distances <= threshold) == same) == 7 / 8


def test_tar_at_far_accepts_no_impostor_below_one_in_a_thousand():
    impostor = np.linspace(0.2, 0.9, 500)
    genuine = np.array([0.05, 0.1, 0.19, 0.25])
    distances, same = np.concatenate([genuine, impostor]), np.array([True] * 4 + [False] * 500)
    assert evaluation.tar_at_far(distances, same) == 0.75
