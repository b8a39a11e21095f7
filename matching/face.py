"""The face pipeline: detect every face, align it the way the Dlib model was trained, embed it.

DeepFace's dlib detector client supplies the HOG face detector and the 5-point shape predictor. The embedding
is DeepFace's `Dlib` model (dlib_face_recognition_resnet_model_v1) computed on dlib's landmark-aligned 150 px
face chip with 0.25 padding — what the model was trained on — rather than on the detector's crop as plain
`DeepFace.represent` does. The network runs under ONNX Runtime (matching.dlibnet): the same weights and the same
output as dlib's own code, several times faster than the BLAS-less dlib wheel. Figures: docs/accuracy.md.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MODEL_NAME: str = settings.FACE_MODEL
DETECTOR_NAME: str = settings.FACE_DETECTOR

CHIP_SIZE = 150  # the Dlib ResNet's input
CHIP_PADDING = 0.25  # dlib's default, the padding the model was trained with
RECOGNIZER_WEIGHTS = "dlib_face_recognition_resnet_model_v1.dat"


@dataclass(frozen=True)
class DetectedFace:
    embedding: list[float]  # 128 floats, unit length
    box: tuple[int, int, int, int]  # x, y, w, h in the image's pixels
    score: float  # HOG detector confidence (above 0; rarely over 3.5)

    @property
    def area(self) -> int:
        return self.box[2] * self.box[3]


class _Models:
    """The detector, landmark predictor and ResNet, loaded once per process."""

    def __init__(self) -> None:
        if (MODEL_NAME, DETECTOR_NAME) != ("Dlib", "dlib"):
            raise ImproperlyConfigured(
                f"FACE_MODEL={MODEL_NAME!r} / FACE_DETECTOR={DETECTOR_NAME!r} is not supported: "
                "templates are 128-d Dlib embeddings (FACE_MODEL=Dlib, FACE_DETECTOR=dlib)."
            )
        from matching import weights

        weights.install()  # idempotent; makes DeepFace find the packaged files instead of downloading
        from deepface.models.face_detection.Dlib import DlibClient as DlibDetector

        from matching.dlibnet import DlibResNet

        detector = DlibDetector().model
        self.detector = detector["face_detector"]
        self.shape_predictor = detector["sp"]
        self.recognizer = DlibResNet(weights.weights_dir() / RECOGNIZER_WEIGHTS)
        # One image at a time per process: a worker process is the unit of parallelism.
        self.lock = threading.Lock()


_models: _Models | None = None
_models_lock = threading.Lock()


def models() -> _Models:
    global _models
    if _models is None:
        with _models_lock:
            if _models is None:
                _models = _Models()
    return _models


def _detect(m: _Models, image: np.ndarray) -> list[tuple[object, float]]:
    # Upsampling doubles each side and costs about 4x; most faces are found without it.
    for upsample in (0, 1):
        rects, scores, _ = m.detector.run(image, upsample)
        if len(rects):
            return list(zip(rects, scores))
    return []


def faces_in(image: np.ndarray) -> list[DetectedFace]:
    """Every face in an RGB uint8 image, largest first; [] when there is none."""
    import dlib

    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("faces_in expects an RGB uint8 array (see matching.images.decode_image)")
    image = np.ascontiguousarray(image)
    m = models()
    height, width = image.shape[:2]
    with m.lock:
        found = _detect(m, image)
        if not found:
            return []
        chips = []
        for rect, _ in found:
            shape = m.shape_predictor(image, rect)
            chip = dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
            chips += [chip, chip[:, ::-1]]
        # Chip and mirror image in one batch; their mean is a steadier descriptor than either.
        descriptors = m.recognizer.compute(np.stack(chips)).astype(np.float64)
    descriptors = descriptors.reshape(len(found), 2, -1).mean(axis=1)
    descriptors /= np.linalg.norm(descriptors, axis=1, keepdims=True)
    faces = []
    for (rect, score), embedding in zip(found, descriptors):
        x, y = max(0, rect.left()), max(0, rect.top())
        w, h = min(rect.right(), width) - x, min(rect.bottom(), height) - y
        faces.append(DetectedFace(embedding=embedding.tolist(), box=(x, y, w, h), score=float(score)))
    faces.sort(key=lambda f: f.area, reverse=True)
    return faces


def distance(a, b) -> float:
    """Cosine distance (1 - cos), the metric of the pgvector index."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(1.0 - a.dot(b) / (np.linalg.norm(a) * np.linalg.norm(b)))
