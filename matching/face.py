"""The face pipeline: detect every face, align it the way the Dlib model was trained, embed it.

DeepFace's dlib detector client supplies the HOG face detector and the 5-point shape predictor. The embedding
is DeepFace's `Dlib` model (dlib_face_recognition_resnet_model_v1) computed on dlib's landmark-aligned 150 px
face chip with 0.25 padding — what the model was trained on — rather than on the detector's crop as plain
`DeepFace.represent` does. The network runs under ONNX Runtime (matching.dlibnet): the same weights and the same
output as dlib's own code, several times faster than the BLAS-less dlib wheel. Figures: docs/accuracy.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import dlib
import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from core.errors import Unprocessable
from matching import quality, weights

MODEL_NAME: str = settings.FACE_MODEL
DETECTOR_NAME: str = settings.FACE_DETECTOR

CHIP_SIZE = 150  # the Dlib ResNet's input
CHIP_PADDING = 0.25  # dlib's default, the padding the model was trained with
RECOGNIZER_WEIGHTS = "dlib_face_recognition_resnet_model_v1.dat"
CNN_DETECTOR_WEIGHTS = "mmod_human_face_detector.dat"
CNN_MAX_SIDE = 500  # the CNN fallback detector runs on at most this long side: ~0.5 s per call on one core
CNN_MIN_SIDE = 40  # below this the CNN's filters do not fit (dlib raises), and no face would be found anyway
# Bumped whenever detection, alignment or the quality measures change: cached embeddings (matching.embedcache)
# are keyed by it, so an old cache is never read as the new pipeline's output.
PIPELINE_VERSION = 3


class NoFace(Unprocessable):
    code = "no_face"
    default_message = "No face was found in the image."


class MultipleFaces(Unprocessable):
    code = "multiple_faces"
    default_message = "Several faces were found; enrol a photo of one person, or ask for the largest face."


@dataclass(frozen=True)
class DetectedFace:
    embedding: list[float]  # 128 floats, unit length
    box: tuple[int, int, int, int]  # x, y, w, h in the image's pixels
    score: float  # detector confidence (HOG: above 0, rarely over 3.5; CNN fallback: above 0, around 1)
    quality: dict = field(default_factory=dict)  # matching.quality.measure of this face
    landmarks: tuple = ()  # dlib's 5 points, (x, y) in the image's pixels
    detector_pass: str = ""  # the cascade step that found it: "hog0", "hog1" (upsampled) or "cnn"

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
        weights.install()  # idempotent; makes DeepFace find the packaged files instead of downloading
        # Imported on first use: DeepFace and ONNX Runtime take seconds and hundreds of MB to load, and only
        # the processes that embed faces (workers, evaluate) need them.
        from deepface.models.face_detection.Dlib import DlibClient as DlibDetector

        from matching.dlibnet import DlibResNet

        detector = DlibDetector().model
        self.detector = detector["face_detector"]
        self.shape_predictor = detector["sp"]
        self.recognizer = DlibResNet(weights.weights_dir() / RECOGNIZER_WEIGHTS)
        # dlib's CNN face detector, from the same face-recognition-models package as the other weights.
        self.cnn_detector = dlib.cnn_face_detection_model_v1(str(weights.weights_dir() / CNN_DETECTOR_WEIGHTS))
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


def warm() -> None:
    """Load the models and run the detector and the network once (a worker process as it starts): the first
    probe pays for neither. Nothing is found in a blank image."""
    m = models()
    blank = np.zeros((CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
    with m.lock:
        m.detector.run(blank, 0)
        m.recognizer.compute(np.stack([blank, blank[:, ::-1]]))


def _detect(m: _Models, image: np.ndarray) -> tuple[list[tuple[dlib.rectangle, float]], str]:
    """(rectangle, confidence) of every face, by the cheapest pass that finds any, and that pass's name."""
    # HOG: upsampling doubles each side and costs about 4x; most faces are found without it.
    for upsample in (0, 1):
        rects, scores, _ = m.detector.run(image, upsample)
        if len(rects):
            return list(zip(rects, scores, strict=True)), f"hog{upsample}"
    # HOG misses turned, tilted or shadowed faces; dlib's CNN detector finds most of them, at ~50x the cost,
    # so it runs only when HOG found nothing, on a reduced copy. The 5-point landmarks work on its boxes too.
    scale = min(1.0, CNN_MAX_SIDE / max(image.shape[:2]))
    small = (
        image
        if scale == 1.0
        else np.asarray(
            Image.fromarray(image).resize(
                (round(image.shape[1] * scale), round(image.shape[0] * scale)), Image.Resampling.BILINEAR
            )
        )
    )
    if min(small.shape[:2]) < CNN_MIN_SIDE:
        return [], "cnn"
    found = []
    for detection in m.cnn_detector(small, 0):
        r = detection.rect
        rect = dlib.rectangle(
            round(r.left() / scale), round(r.top() / scale), round(r.right() / scale), round(r.bottom() / scale)
        )
        found.append((rect, float(detection.confidence)))
    # The CNN also finds faces lying on their side, where the 5 landmarks (and so the chip) go wrong: a photo in
    # which HOG sees a face once turned a quarter is on its side, and is refused (its EXIF tag, when present,
    # has already been honoured). On ../shared/faces/lfw-calibration this keeps all 17 faces only the CNN finds
    # and drops every quarter-turned copy of the tests/faces photos (docs/accuracy.md).
    if found and any(len(m.detector(np.ascontiguousarray(np.rot90(small, k)), 1)) for k in (1, 3)):
        return [], "cnn"
    return found, "cnn"


def faces_in(image: np.ndarray, *, chips: list | None = None) -> list[DetectedFace]:
    """Every face in an RGB uint8 image, largest first; [] when there is none. `chips`, when given, receives
    each face's aligned grey chip in the same order (the evaluation cache keeps them to study quality offline)."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("faces_in expects an RGB uint8 array (see matching.images.decode_image)")
    image = np.ascontiguousarray(image)
    m = models()
    height, width = image.shape[:2]
    with m.lock:
        found, detector_pass = _detect(m, image)
        batch, kept = [], []
        for rect, score in found:
            shape = m.shape_predictor(image, rect)
            chip = dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
            batch += [chip, chip[:, ::-1]]
            landmarks = np.array([(shape.part(i).x, shape.part(i).y) for i in range(5)], dtype=np.float64)
            kept.append((rect, score, landmarks, chip))
        if not kept:
            return []
        # Chip and mirror image in one batch; their mean is a steadier descriptor than either.
        descriptors = m.recognizer.compute(np.stack(batch)).astype(np.float64)
    descriptors = descriptors.reshape(len(kept), 2, -1).mean(axis=1)
    descriptors /= np.linalg.norm(descriptors, axis=1, keepdims=True)
    faces = []
    for (rect, score, landmarks, chip), embedding in zip(kept, descriptors, strict=True):
        x, y = max(0, rect.left()), max(0, rect.top())
        w, h = min(rect.right(), width) - x, min(rect.bottom(), height) - y
        found_face = DetectedFace(
            embedding=embedding.tolist(),
            box=(x, y, w, h),
            score=float(score),
            quality=quality.measure(landmarks, chip, score=float(score), detector_pass=detector_pass),
            landmarks=tuple(map(tuple, landmarks.tolist())),
            detector_pass=detector_pass,
        )
        faces.append((found_face, chip))
    faces.sort(key=lambda f: f[0].area, reverse=True)
    if chips is not None:
        chips.extend(quality.grey(chip) for _, chip in faces)
    return [f for f, _ in faces]


def distance(a, b) -> float:
    """Cosine distance (1 - cos), the metric of the pgvector index."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(1.0 - a.dot(b) / (np.linalg.norm(a) * np.linalg.norm(b)))
