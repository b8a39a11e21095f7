"""dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) run by ONNX Runtime.

The dlib-bin wheel is built without BLAS, so its network takes ~125 ms per face chip on one core. This module
reads the very same weights from the .dat file, writes the same network as an in-memory ONNX graph and runs it
with ONNX Runtime — the same descriptor (tests compare it with dlib's own to 1e-5)
several times faster. The graph is built with `onnx.helper`; nothing is downloaded or written to disk.

The network (dlib's dnn_face_recognition_ex.cpp): input 150x150 RGB, (x - channel mean) / 256; con 7x7/2,
affine, relu, max_pool 3x3/2; residual blocks [con 3x3, affine, relu, con 3x3, affine] + skip, relu, where the
down-sampling blocks use stride 2 and an avg_pool 2x2/2 on the skip; dlib's add zero-pads the smaller operand
to the larger size in every dimension. Then a global average and a 256 -> 128 matrix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
from onnx import TensorProto, helper, numpy_helper

INPUT_SIDE = 150


# --- reading dlib's serialization -------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, pos: int):
        self.data, self.pos = data, pos

    def int(self) -> int:
        # dlib packs integers as: one byte (byte count | 0x80 when negative), then little-endian bytes.
        head = self.data[self.pos]
        size = head & 0x0F
        value = int.from_bytes(self.data[self.pos + 1 : self.pos + 1 + size], "little")
        self.pos += 1 + size
        return -value if head & 0x80 else value

    def float(self) -> float:
        mantissa, exponent = self.int(), self.int()
        return mantissa * 2.0**exponent

    def tensor(self) -> np.ndarray:
        version = self.int()
        if version != 2:
            raise ValueError(f"unsupported dlib tensor version {version}")
        count = int(np.prod([self.int() for _ in range(4)]))
        values = np.frombuffer(self.data, "<f4", count, self.pos).astype(np.float32)
        self.pos += 4 * count
        return values


_LAYER = re.compile(
    rb"\x15input_rgb_image_sized|\x05con_4|\x07affine_|\x05relu_|\x0amax_pool_2|\x0aavg_pool_2|\x09add_prev_|\x04fc_2"
)


def read_layers(path: Path) -> list[tuple[Any, ...]]:
    """The layers of the .dat file, input first, each as (kind, *parameters)."""
    data = Path(path).read_bytes()
    layers: list[tuple[Any, ...]] = []
    for match in _LAYER.finditer(data):
        kind, r = match.group()[1:].decode(), _Reader(data, match.end())
        if kind == "input_rgb_image_sized":
            layers.append(("input", np.array([r.float(), r.float(), r.float()], np.float32)))
        elif kind == "con_4":
            params = r.tensor()
            filters, rows, cols, stride, _, padding, _ = (r.int() for _ in range(7))
            channels = (len(params) - filters) // (filters * rows * cols)
            weights = params[: filters * channels * rows * cols].reshape(filters, channels, rows, cols)
            layers.append(("conv", weights, params[filters * channels * rows * cols :], stride, padding))
        elif kind == "affine_":
            params = r.tensor()
            layers.append(("affine", params[: len(params) // 2], params[len(params) // 2 :]))
        elif kind in ("max_pool_2", "avg_pool_2"):
            size, _, stride, _, padding, _ = (r.int() for _ in range(6))
            layers.append((kind[:3] + "pool", size, stride, padding))
        elif kind == "fc_2":
            outputs, inputs = r.int(), r.int()
            layers.append(("fc", r.tensor()[: inputs * outputs].reshape(inputs, outputs)))
        else:
            layers.append((kind.rstrip("_"),))  # relu, add_prev
    return layers


# --- writing ONNX ------------------------------------------------------------------------------------------


class _Graph:
    def __init__(self):
        self.nodes, self.initializers, self.count = [], [], 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, array: np.ndarray) -> str:
        name = self.name("w")
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], **attributes) -> str:
        output = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [output], name=output, **attributes))
        return output


def onnx_model(layers: list[tuple]) -> bytes:
    """The network as a serialized ONNX model: input "chips" float32 (N, 3, 150, 150), already normalised."""
    g = _Graph()
    kinds = [layer[0] for layer in layers]
    shape = (3, INPUT_SIDE, INPUT_SIDE)  # C, H, W of the tensor being built

    def conv_affine(x, shape, conv, affine):
        # dlib's affine (the frozen batch norm) folds into the conv before it.
        _, w, b, stride, pad = conv
        gamma, beta = affine[1], affine[2]
        x = g.op(
            "Conv",
            [x, g.const(w * gamma[:, None, None, None]), g.const(b * gamma + beta)],
            kernel_shape=list(w.shape[2:]),
            strides=[stride, stride],
            pads=[pad] * 4,
        )
        side = (shape[1] + 2 * pad - w.shape[2]) // stride + 1
        return x, (w.shape[0], side, side)

    def pool(op, x, shape, layer):
        _, size, stride, pad = layer
        x = g.op(op, [x], kernel_shape=[size, size], strides=[stride, stride], pads=[pad] * 4)
        side = (shape[1] + 2 * pad - size) // stride + 1
        return x, (shape[0], side, side)

    if kinds[:5] != ["input", "conv", "affine", "relu", "maxpool"]:
        raise ValueError("not dlib's face recognition ResNet: unexpected first layers")
    x, shape = conv_affine("chips", shape, layers[1], layers[2])
    x = g.op("Relu", [x])
    x, shape = pool("MaxPool", x, shape, layers[4])
    i = 5
    while kinds[i] == "conv":  # residual blocks
        if kinds[i : i + 5] != ["conv", "affine", "relu", "conv", "affine"]:
            raise ValueError(f"not dlib's face recognition ResNet: unexpected block at layer {i}")
        y, y_shape = conv_affine(x, shape, layers[i], layers[i + 1])
        y = g.op("Relu", [y])
        y, y_shape = conv_affine(y, y_shape, layers[i + 3], layers[i + 4])
        i += 5
        if kinds[i] == "avgpool":  # a down-sampling block: the skip is the pooled block input
            x, shape = pool("AveragePool", x, shape, layers[i])
            i += 1
        if kinds[i : i + 2] != ["add_prev", "relu"]:
            raise ValueError(f"not dlib's face recognition ResNet: unexpected block end at layer {i}")
        full = tuple(max(a, b) for a, b in zip(shape, y_shape, strict=True))
        x = g.op("Relu", [g.op("Add", [_pad(g, y, y_shape, full), _pad(g, x, shape, full)])])
        shape = full
        i += 2
    if kinds[i:] != ["avgpool", "fc"] or layers[i][1] != 0:
        raise ValueError("not dlib's face recognition ResNet: unexpected head")
    x = g.op("Flatten", [g.op("GlobalAveragePool", [x])], axis=1)
    x = g.op("MatMul", [x, g.const(layers[i + 1][1])])
    graph = helper.make_graph(
        g.nodes,
        "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["n", 3, INPUT_SIDE, INPUT_SIDE])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["n", layers[i + 1][1].shape[1]])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, producer_name="facegate", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # what ONNX Runtime releases since 1.10 read
    return model.SerializeToString()


def _pad(g: _Graph, x: str, shape: tuple, full: tuple) -> str:
    if shape == full:
        return x
    pads = np.array([0, 0, 0, 0, 0, full[0] - shape[0], full[1] - shape[1], full[2] - shape[2]], np.int64)
    return g.op("Pad", [x, g.const(pads)])


class DlibResNet:
    """compute(chips) -> (N, 128) descriptors, as dlib.face_recognition_model_v1.compute_face_descriptor."""

    def __init__(self, weights: Path, threads: int = 1):
        import onnxruntime  # on first use only: loading it costs ~100 MB in processes that never embed

        layers = read_layers(weights)
        self.mean = layers[0][1]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            onnx_model(layers), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def compute(self, chips: np.ndarray) -> np.ndarray:
        """chips: (N, 150, 150, 3) RGB uint8 face chips."""
        x = (chips.astype(np.float32) - self.mean) / np.float32(256.0)
        return self.session.run(None, {"chips": np.ascontiguousarray(x.transpose(0, 3, 1, 2))})[0]
