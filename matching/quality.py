"""Enrolment quality: measures of one detected face, and the reasons to refuse it as a template.

A template that is too small, blurred, turned away or badly exposed matches poorly later (misses, and in 1:N
false matches). The thresholds sit well outside what every photo of ../shared/faces shows (101 photos, sizes
150-4,352 px): inter-eye distance ≥ 45.8 px, sharpness ≥ 85.6, yaw 0-0.39, roll ≤ 16.5°, brightness 81-190.
"""

from __future__ import annotations

import math

import numpy as np

MIN_INTER_EYE_PX = 30.0  # eye centre to eye centre, in the (downscaled) photo
MIN_SHARPNESS = 40.0  # variance of the Laplacian of the 150 px aligned chip (grey levels²)
MAX_YAW = 0.6  # 0: nose half-way between the eyes; 1: nose in line with one eye
MAX_ROLL_DEGREES = 35.0  # the chip is aligned, but landmarks of faces lying on their side go wrong
MIN_BRIGHTNESS, MAX_BRIGHTNESS = 50.0, 215.0  # mean grey level of the chip's centre

REASONS = ("face_too_small", "blurred", "extreme_pose", "underexposed", "overexposed")


def measure(landmarks: np.ndarray, chip: np.ndarray) -> dict:
    """landmarks: dlib's 5 points (x, y) (two corners of each eye, then the nose base); chip: the aligned RGB chip."""
    eye_a, eye_b, nose = landmarks[0:2].mean(axis=0), landmarks[2:4].mean(axis=0), landmarks[4]
    line = eye_b - eye_a
    inter_eye = float(np.linalg.norm(line))
    roll = (math.degrees(math.atan2(line[1], line[0])) + 90.0) % 180.0 - 90.0  # eye order does not matter
    along = float((nose - eye_a) @ line) / max(inter_eye**2, 1e-9)  # the nose's position along the eye line
    grey = chip.astype(np.float64).mean(axis=2)
    laplacian = 4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    size = grey.shape[0]
    centre = grey[size * 4 // 15 : size * 11 // 15, size * 4 // 15 : size * 11 // 15]
    return {
        "inter_eye_px": round(inter_eye, 1),
        "sharpness": round(float(laplacian.var()), 1),
        "yaw": round(abs(along - 0.5) * 2, 3),
        "roll_degrees": round(roll, 1),
        "brightness": round(float(centre.mean()), 1),
    }


def reasons(measures: dict) -> list[str]:
    """Why this face should not become a template; [] when it may."""
    found = []
    if measures["inter_eye_px"] < MIN_INTER_EYE_PX:
        found.append("face_too_small")
    if measures["sharpness"] < MIN_SHARPNESS:
        found.append("blurred")
    if measures["yaw"] > MAX_YAW or abs(measures["roll_degrees"]) > MAX_ROLL_DEGREES:
        found.append("extreme_pose")
    if measures["brightness"] < MIN_BRIGHTNESS:
        found.append("underexposed")
    if measures["brightness"] > MAX_BRIGHTNESS:
        found.append("overexposed")
    return found
