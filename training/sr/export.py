"""ONNX export (opset 17, which onnxruntime 1.31.1 runs; dynamic height and width) and the
check that onnxruntime reproduces PyTorch within 1e-4 on a real and an odd-sized input."""
import numpy as np
import torch

OPSET = 17
TOLERANCE = 1e-4


def export(model, path):
    model = model.eval().cpu()
    example = torch.rand(1, 3, 32, 32)
    torch.onnx.export(model, (example,), str(path), input_names=["input"], output_names=["output"],
                      opset_version=OPSET, dynamic_axes={"input": {2: "height", 3: "width"},
                                                         "output": {2: "out_height", 3: "out_width"}},
                      dynamo=False)
    import onnx
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    return sorted({node.op_type for node in proto.graph.node})


def check_parity(model, path, samples):
    """Largest |onnxruntime - PyTorch| over the given NCHW float inputs; raises over tolerance.
    None when onnxruntime is not installed (a GPU machine may lack it): then run
    `train.py --export-only` where it is, before shipping the file."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    model = model.eval().cpu()
    worst = 0.0
    for x in samples:
        with torch.no_grad():
            expected = model(x).numpy()
        got = session.run(None, {"input": x.numpy()})[0]
        if got.shape != expected.shape:
            raise SystemExit(f"ONNX output shape {got.shape} differs from PyTorch's {expected.shape}")
        worst = max(worst, float(np.abs(got - expected).max()))
    if worst > TOLERANCE:
        raise SystemExit(f"ONNX differs from PyTorch by {worst:.2e}, over {TOLERANCE:.0e}")
    return worst
