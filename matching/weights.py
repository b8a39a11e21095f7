"""Face model weights: taken from the installed `face-recognition-models` package, never downloaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REQUIRED_WEIGHTS = (
    "dlib_face_recognition_resnet_model_v1.dat",  # the Dlib recognition model
    "shape_predictor_5_face_landmarks.dat",  # landmarks for the aligned face chip
    "mmod_human_face_detector.dat",  # CNN detector, the fallback when HOG finds no face
)


def weights_dir() -> Path:
    return Path(settings.DEEPFACE_HOME) / ".deepface" / "weights"


def _package_models_dir() -> Path:
    try:
        import face_recognition_models  # here, so that a missing package is a clear error, not an import crash
    except ImportError as exc:
        raise ImproperlyConfigured(
            "Face model weights are missing: install the 'face-recognition-models' package "
            "(pip install face-recognition-models)."
        ) from exc
    return Path(face_recognition_models.__file__).resolve().parent / "models"


def install() -> Path:
    """Place the weights where DeepFace looks ($DEEPFACE_HOME/.deepface/weights) and point DeepFace there."""
    target = weights_dir()
    target.mkdir(parents=True, exist_ok=True)
    os.environ["DEEPFACE_HOME"] = str(settings.DEEPFACE_HOME)
    source = None
    for name in REQUIRED_WEIGHTS:
        dest = target / name
        if dest.exists():
            continue
        source = source or _package_models_dir()
        if not (source / name).exists():
            raise ImproperlyConfigured(
                f"Face model weight {name} is missing from the 'face-recognition-models' package at {source}; "
                "reinstall it (pip install --force-reinstall face-recognition-models)."
            )
        try:
            dest.symlink_to(source / name)
        except OSError:
            shutil.copyfile(source / name, dest)
    return target


def missing() -> list[str]:
    return [name for name in REQUIRED_WEIGHTS if not (weights_dir() / name).exists()]
