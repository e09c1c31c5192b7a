"""Checks exported ONNX models with onnx's own checker and parser (Debian's python3-onnx).

usage:
  onnx_check.py check DIR      every DIR/*.onnx: onnx.checker.check_model(model, full_check=True) and strict shape
                               inference, then prints one JSON object (model name -> what the parser read: IR version,
                               opsets, input/output names, types and shapes, nodes with their attributes, initializers
                               with dims, type and values' sum), for the C# test to compare with what it wrote.
  onnx_check.py to-float IN OUT  the DOUBLE model IN with every tensor cast to FLOAT by onnx's own helpers (ONNX Runtime's
                               CPU LSTM, GRU and RNN kernels are float-only), checked, written to OUT.
"""
import json
import os
import sys

import numpy
import onnx
from onnx import helper, numpy_helper


def dims(value):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in value.type.tensor_type.shape.dim]


def describe(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    graph = model.graph
    return {
        "ir_version": model.ir_version,
        "opsets": {o.domain: o.version for o in model.opset_import},
        "producer": model.producer_name,
        "metadata": {p.key: p.value for p in model.metadata_props},
        "inputs": [{"name": v.name, "type": v.type.tensor_type.elem_type, "dims": dims(v)} for v in graph.input],
        "outputs": [{"name": v.name, "type": v.type.tensor_type.elem_type, "dims": dims(v)} for v in graph.output],
        "inferred_outputs": [dims(v) for v in inferred.graph.output],
        "nodes": [{"op": n.op_type, "inputs": list(n.input), "outputs": list(n.output),
                   "attributes": {a.name: _value(helper.get_attribute_value(a)) for a in n.attribute}} for n in graph.node],
        "initializers": [{"name": t.name, "type": t.data_type, "dims": list(t.dims),
                          "sum": _finite(numpy.sum(numpy_helper.to_array(t), dtype=numpy.float64))} for t in graph.initializer],
    }


def _finite(x):
    """The sum as a JSON number, or null when it is not finite (a causal mask holds -inf): JSON has no infinities."""
    x = float(x)
    return x if numpy.isfinite(x) else None


def _value(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    return v


def to_float(source, target):
    model = onnx.load(source)
    graph = model.graph
    for i, tensor in enumerate(graph.initializer):
        if tensor.data_type == onnx.TensorProto.DOUBLE:
            graph.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(numpy.float32), tensor.name))
    for value in list(graph.input) + list(graph.output):
        if value.type.tensor_type.elem_type != onnx.TensorProto.DOUBLE:
            raise SystemExit(f"{value.name} is not DOUBLE")
        value.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, target)


def main():
    if sys.argv[1] == "to-float":
        to_float(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] != "check":
        raise SystemExit(__doc__)
    directory = sys.argv[2]
    result = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".onnx"):
            result[name[:-5]] = describe(os.path.join(directory, name))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
