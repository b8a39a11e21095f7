"""Enrolment quality: measures of one detected face, the reasons to refuse it as a template, and warnings.

A measure refuses a photo only where refusing lowers a measured error: on ../shared/faces/lfw-calibration (6,811
ordinary news photos of 2,892 people), genuine pairs that hold a photo below a refusal limit fail 1:1 at FMR
0.1 % four to six times as often as the others, and each limit refuses under 0.4 % of those photos (failure to
enrol 0.5 % in all, no face included). The other measures (sharpness, exposure, contrast) predict errors no
better than refusing photos at random (`evaluate --quality`, docs/accuracy.md): they become warnings, raised on
about the worst 1 % of those photos, telling the client a better photo may help.
"""

from __future__ import annotations

import math

import numpy as np

# Refusals. Below 30 px between the eyes the 150 px chip is an upscaled blur of the face (0.16 % of the
# calibration photos; their genuine pairs: FNMR 47 % against 7.5 %).
MIN_INTER_EYE_PX = 30.0
# Nose outside the eye line (yaw > 1) or eyes tilted past 35°: the landmarks went wrong (0.15 %; FNMR 29 %).
MAX_YAW = 1.0  # 0: nose half-way between the eyes; 1: nose in line with one eye
MAX_ROLL_DEGREES = 35.0
# The detector barely saw a face (0.31 %; FNMR 47 %). HOG scores run 0-4; the CNN fallback's about 1.
MIN_DETECTOR_SCORE = 0.2

# Warnings: the 1st (or 99th) percentile of each measure on the calibration photos.
WARN_SHARPNESS = 10.0  # variance of the Laplacian of the 150 px aligned chip (grey levels²)
WARN_BRIGHTNESS = (74.0, 185.0)  # mean grey level of the chip's centre
WARN_CONTRAST = 18.0  # grey-level standard deviation of the chip's centre
WARN_YAW = 0.69
WARN_ROLL_DEGREES = 10.0
WARN_DETECTOR_SCORE = 0.34

REASONS = ("face_too_small", "extreme_pose", "low_detector_confidence")
WARNINGS = ("blurred", "underexposed", "overexposed", "low_contrast", "turned", "tilted", "weak_detection")


def grey(chip: np.ndarray) -> np.ndarray:
    """The chip's grey levels (mean of the channels), as uint8."""
    return np.round(chip.astype(np.float64).mean(axis=2)).astype(np.uint8)


def measure(landmarks: np.ndarray, chip: np.ndarray, *, score: float = 0.0, detector_pass: str = "") -> dict:
    """landmarks: dlib's 5 points (x, y) (two corners of each eye, then the nose base); chip: the aligned RGB chip
    (or its grey levels); score and detector_pass: the detector's confidence and the cascade step that found it."""
    eye_a, eye_b, nose = landmarks[0:2].mean(axis=0), landmarks[2:4].mean(axis=0), landmarks[4]
    line = eye_b - eye_a
    inter_eye = float(np.linalg.norm(line))
    roll = (math.degrees(math.atan2(line[1], line[0])) + 90.0) % 180.0 - 90.0  # eye order does not matter
    along = float((nose - eye_a) @ line) / max(inter_eye**2, 1e-9)  # the nose's position along the eye line
    # The nose's distance below the eye line, in inter-eye distances: smaller when the head tilts up or down.
    offset = nose - eye_a
    below = abs(float(line[0] * offset[1] - line[1] * offset[0])) / max(inter_eye**2, 1e-9)  # 2-D cross
    g = chip.astype(np.float64)
    if g.ndim == 3:
        g = g.mean(axis=2)
    laplacian = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    size = g.shape[0]
    centre = g[size * 4 // 15 : size * 11 // 15, size * 4 // 15 : size * 11 // 15]
    return {
        "inter_eye_px": round(inter_eye, 1),
        "sharpness": round(float(laplacian.var()), 1),
        # The Laplacian's spread relative to the chip's contrast: blur, not a dim or flat-lit face.
        "relative_sharpness": round(float(laplacian.std() / max(g.std(), 1e-9)), 3),
        "yaw": round(abs(along - 0.5) * 2, 3),
        "pitch": round(below, 3),
        "roll_degrees": round(roll, 1),
        "brightness": round(float(centre.mean()), 1),
        "contrast": round(float(centre.std()), 1),
        "clipped": round(float(np.mean((centre <= 5) | (centre >= 250))), 3),
        "detector_score": round(float(score), 3),
        "detector_pass": detector_pass,
    }


def reasons(measures: dict) -> list[str]:
    """Why this face should not become a template; [] when it may."""
    found = []
    if measures["inter_eye_px"] < MIN_INTER_EYE_PX:
        found.append("face_too_small")
    if measures["yaw"] > MAX_YAW or abs(measures["roll_degrees"]) > MAX_ROLL_DEGREES:
        found.append("extreme_pose")
    if measures.get("detector_score", MIN_DETECTOR_SCORE) < MIN_DETECTOR_SCORE:
        found.append("low_detector_confidence")
    return found


def warnings(measures: dict) -> list[str]:
    """What may make this template match less well; it is enrolled all the same."""
    found = []
    if measures["sharpness"] < WARN_SHARPNESS:
        found.append("blurred")
    if measures["brightness"] < WARN_BRIGHTNESS[0]:
        found.append("underexposed")
    if measures["brightness"] > WARN_BRIGHTNESS[1]:
        found.append("overexposed")
    if measures.get("contrast", WARN_CONTRAST) < WARN_CONTRAST:
        found.append("low_contrast")
    if measures["yaw"] > WARN_YAW:
        found.append("turned")
    if abs(measures["roll_degrees"]) > WARN_ROLL_DEGREES:
        found.append("tilted")
    if measures.get("detector_score", WARN_DETECTOR_SCORE) < WARN_DETECTOR_SCORE:
        found.append("weak_detection")
    return found
