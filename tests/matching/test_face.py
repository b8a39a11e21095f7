"""The face pipeline on real photos with the real models (DeepFace's dlib detector, the Dlib ResNet); no database."""

from __future__ import annotations

import numpy as np
import pytest

from matching import face
from matching.images import decode_image


def faces_of(faces_dir, name: str) -> list[face.DetectedFace]:
    return face.faces_in(decode_image((faces_dir / name).read_bytes()))


def embedding(faces_dir, name: str) -> list[float]:
    found = faces_of(faces_dir, name)
    assert len(found) == 1, name
    return found[0].embedding


def test_embedding_is_a_128_d_unit_vector(faces_dir):
    [found] = faces_of(faces_dir, "people/df-01/img10.jpg")
    assert len(found.embedding) == 128
    assert np.linalg.norm(found.embedding) == pytest.approx(1.0, abs=1e-6)
    assert found.score > 0
    x, y, w, h = found.box
    assert 0 <= x and 0 <= y and 80 < w < 408 and 80 < h < 594


def test_same_person_is_closer_than_different_people(faces_dir, settings):
    a1 = embedding(faces_dir, "people/df-01/img10.jpg")
    a2 = embedding(faces_dir, "people/df-01/img11.jpg")
    b = embedding(faces_dir, "people/df-02/img50.jpg")
    c = embedding(faces_dir, "people/penny/penny1.png")
    same = face.distance(a1, a2)
    assert same < face.distance(a1, b) and same < face.distance(a1, c)
    assert same <= settings.MATCH_THRESHOLD < min(face.distance(a1, b), face.distance(a1, c))


def test_group_photo_yields_every_face_largest_first(faces_dir):
    found = faces_of(faces_dir, "group/bbt1.jpg")
    assert len(found) >= 3
    areas = [f.box[2] * f.box[3] for f in found]
    assert areas == sorted(areas, reverse=True)
    # Different people in one photo are different people to the model too.
    assert all(face.distance(a.embedding, b.embedding) > 0.1 for i, a in enumerate(found) for b in found[i + 1 :])


def test_small_faces_are_found_by_upsampling(faces_dir):
    # bbt3's faces are ~72 px, under the HOG detector's 80 px window: only the upsampled pass finds them.
    found = faces_of(faces_dir, "group/bbt3.jpg")
    assert len(found) >= 3 and max(f.box[2] for f in found) < 80


def test_faces_the_hog_detector_misses_are_found_by_the_cnn_fallback(faces_dir, settings):
    from PIL import Image

    upright = decode_image((faces_dir / "people/howard/howard1.png").read_bytes())
    tilted = np.asarray(Image.fromarray(upright).rotate(30, resample=Image.Resampling.BICUBIC))
    m = face.models()
    assert len(m.detector(tilted, 0)) == len(m.detector(tilted, 1)) == 0  # HOG alone finds nothing
    [found] = face.faces_in(tilted)
    [reference] = face.faces_in(upright)
    assert face.distance(found.embedding, reference.embedding) < settings.MATCH_THRESHOLD / 2


@pytest.mark.parametrize("kind", ["blank", "noise"])
def test_no_face_yields_empty_list(kind):
    rng = np.random.default_rng(0)
    image = np.full((400, 300, 3), 200, np.uint8) if kind == "blank" else rng.integers(0, 256, (400, 300, 3), np.uint8)
    assert face.faces_in(image) == []


@pytest.mark.parametrize("shape", [(1, 1, 3), (10, 10, 3), (5, 3000, 3), (3000, 5, 3)])
def test_tiny_or_thin_images_yield_empty_list(shape):
    assert face.faces_in(np.zeros(shape, np.uint8)) == []


def test_models_load_once_per_process():
    assert face.models() is face.models()


def test_worker_processes_warm_the_models_as_they_start():
    from celery.signals import worker_process_init

    from matching import tasks

    assert tasks.face_models_warm in [ref() for _, ref in worker_process_init.receivers]
    tasks.face_models_warm()  # loads (once per process) and runs the detector and the network on a blank image
    assert face.models() is face.models()


def test_onnx_network_matches_dlibs_own_descriptor(faces_dir):
    """matching.dlibnet runs dlib's weights under ONNX Runtime: it must give dlib's own descriptor."""
    import dlib
    from deepface.models.facial_recognition.dlib.Dlib import DlibClient

    m = face.models()
    chips = []
    for name in ("people/df-01/img10.jpg", "people/amy/amy1.png", "group/bbt2.jpg"):
        image = decode_image((faces_dir / name).read_bytes())
        for rect in m.detector(image, 1):
            chips.append(dlib.get_face_chip(image, m.shape_predictor(image, rect), size=150, padding=0.25))
    dlib_net = DlibClient().model.model
    expected = np.array(dlib_net.compute_face_descriptor(chips))
    assert np.abs(m.recognizer.compute(np.stack(chips)) - expected).max() < 1e-4


def test_distance_is_cosine():
    assert face.distance([1, 0], [1, 0]) == pytest.approx(0.0)
    assert face.distance([1, 0], [0, 3]) == pytest.approx(1.0)
    assert face.distance([1, 1], [-2, -2]) == pytest.approx(2.0)


def test_rejects_what_decode_image_never_returns():
    with pytest.raises(ValueError):
        face.faces_in(np.zeros((10, 10), np.uint8))
