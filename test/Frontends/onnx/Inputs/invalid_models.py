#!/usr/bin/env python3
"""Writes small invalid ONNX models and imports each with cnnc-onnx-import.

usage: invalid_models.py WORKDIR TOOL

Every case is a model that the ONNX checker or onnxruntime refuses (or that
is absurdly large). For each one, prints `== NAME: exit N ==` and then what
the tool wrote to stderr, for FileCheck (invalid-models.test).
"""

import os
import subprocess
import sys

from onnx import TensorProto as T
from onnx import helper as h


def model(nodes, inputs=None, outputs=None, inits=(), opset=13, ir=8,
          name="g"):
    inputs = inputs or [h.make_tensor_value_info("x", T.FLOAT, [1, 1, 4, 4])]
    outputs = outputs or [h.make_tensor_value_info("y", T.FLOAT, None)]
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = ir
    return m


def relu(**kw):
    return model([h.make_node("Relu", ["x"], ["y"])], **kw)


def vec(shape):
    return [h.make_tensor_value_info("x", T.FLOAT, shape)]


W = h.make_tensor("w", T.FLOAT, [1, 1, 1, 1], [1.0])
BN = [h.make_tensor(k, T.FLOAT, [1], [1.0]) for k in "sbmv"]
CASES = {}

# Attributes: twice, unknown, without a type, of the wrong type.
n = h.make_node("LeakyRelu", ["x"], ["y"], alpha=0.1)
n.attribute.extend([h.make_attribute("alpha", 0.2)])
CASES["attr-twice"] = model([n])
CASES["attr-unknown"] = model([h.make_node("Relu", ["x"], ["y"], foo=1)])
n = h.make_node("LeakyRelu", ["x"], ["y"])
a = n.attribute.add()
a.name, a.f = "alpha", 0.1
CASES["attr-undefined"] = model([n])
CASES["attr-type"] = model([h.make_node("LeakyRelu", ["x"], ["y"], alpha=1)])
# Input and output counts.
CASES["conv-4-inputs"] = model(
    [h.make_node("Conv", ["x", "w", "", "w"], ["y"])], inits=[W])
CASES["conv-2-outputs"] = model(
    [h.make_node("Conv", ["x", "w"], ["y", "z"])], inits=[W])
CASES["relu-2-inputs"] = model([h.make_node("Relu", ["x", "x"], ["y"])])
CASES["constant-input"] = model([h.make_node("Constant", ["x"], ["y"],
                                             value_float=1.0)])
# Unsupported ops: the error names the node, the note its index and op type.
CASES["unsupported-op-named"] = model(
    [h.make_node("Relu", ["x"], ["t"], name="first"),
     h.make_node("Celu", ["t"], ["y"], name="my_celu")])
CASES["unsupported-domain"] = model(
    [h.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")])
CASES["constant-two-values"] = model(
    [h.make_node("Constant", [], ["y"], value_float=1.0, value_int=2)])
CASES["reshape-rank-20"] = model(
    [h.make_node("Reshape", ["x", "s"], ["y"])],
    inits=[h.make_tensor("s", T.INT64, [20], [1] * 4 + [4] * 2 + [1] * 14)])
# BatchNormalization training_mode: refused at opset 15, unknown at opset 9.
CASES["bn-training-mode"] = model([h.make_node(
    "BatchNormalization", list("xsbmv"), ["y"], training_mode=1)],
    inits=BN, opset=15)
CASES["bn-training-mode-opset9"] = model([h.make_node(
    "BatchNormalization", list("xsbmv"), ["y"], training_mode=1)],
    inits=BN, opset=9)
# Versions: opsets, op versions, IR versions.
CASES["opset1-relu"] = relu(opset=1, ir=3)
CASES["opset23"] = relu(opset=23, ir=10)
CASES["opset0"] = relu(opset=0)
CASES["hardswish-opset13"] = model([h.make_node("HardSwish", ["x"], ["y"])])
CASES["ir99"] = relu(ir=99)
CASES["ir0"] = relu(ir=0)
CASES["ir2-opset-import"] = relu(ir=2)
m = relu()
m.opset_import.extend([h.make_opsetid("", 13)])
CASES["opset-twice"] = m
# Names: duplicate node names, a tensor defined twice, NUL bytes.
CASES["duplicate-node-names"] = model(
    [h.make_node("Relu", ["x"], ["t"], name="a"),
     h.make_node("Relu", ["t"], ["y"], name="a")])
CASES["duplicate-output"] = model([h.make_node("Relu", ["x"], ["y"]),
                                   h.make_node("Relu", ["x"], ["y"])])
CASES["output-is-input"] = model([h.make_node("Relu", ["x"], ["x"])])
CASES["nul-tensor-name"] = model(
    [h.make_node("Relu", ["x\0z"], ["y"])], inputs=vec(["1", 4]))
CASES["nul-tensor-name"].graph.input[0].name = "x\0z"
CASES["nul-node-name"] = model([h.make_node("Relu", ["x"], ["y"],
                                            name="r\0elu")])
CASES["nul-graph-name"] = relu(name="g\0g")
# Input dimensions out of range.
CASES["dim-2^31"] = relu(inputs=vec([1, 2**31]))
CASES["dim-2^40"] = relu(inputs=vec([1, 2**40]))
CASES["input-too-large"] = relu(inputs=vec([65536, 65537]))
CASES["input-count-overflow"] = relu(inputs=vec([2**31 - 1] * 3))
# Size attributes out of range, and outputs too large.
CASES["conv-pads-1e6"] = model([h.make_node(
    "Conv", ["x", "w"], ["y"], pads=[1000000] * 4, name="conv1")], inits=[W])
CASES["conv-pads-2e9"] = model([h.make_node(
    "Conv", ["x", "w"], ["y"], pads=[2000000000] * 4)], inits=[W])
CASES["conv-pads-3e9"] = model([h.make_node(
    "Conv", ["x", "w"], ["y"], pads=[3000000000] * 4)], inits=[W])
CASES["conv-strides-negative"] = model([h.make_node(
    "Conv", ["x", "w"], ["y"], strides=[1, -2])], inits=[W])
CASES["conv-group-0"] = model([h.make_node(
    "Conv", ["x", "w"], ["y"], group=0)], inits=[W])
CASES["pool-kernel-2^40"] = model([h.make_node(
    "MaxPool", ["x"], ["y"], kernel_shape=[2**40, 1])])
CASES["reshape-2^40"] = model(
    [h.make_node("Reshape", ["x", "s"], ["y"])],
    inits=[h.make_tensor("s", T.INT64, [2], [2**40, 1])])
CASES["pad-2^40"] = model(
    [h.make_node("Pad", ["x", "p"], ["y"])],
    inits=[h.make_tensor("p", T.INT64, [8], [0, 0, 0, 2**40, 0, 0, 0, 0])])
CASES["fold-mul-overflow"] = model(
    [h.make_node("Mul", ["a", "a"], ["s"]),
     h.make_node("Reshape", ["x", "s"], ["y"])],
    inits=[h.make_tensor("a", T.INT64, [1], [2**40])])
CASES["fold-broadcast-too-large"] = model(
    [h.make_node("Add", ["a", "b"], ["s"]),
     h.make_node("Reshape", ["x", "s"], ["y"])],
    inits=[h.make_tensor("a", T.INT64, [16384, 1], [0] * 16384),
           h.make_tensor("b", T.INT64, [1, 16384], [0] * 16384)])


def main():
    workdir, tool = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    for name, m in CASES.items():
        path = os.path.join(workdir, name + ".onnx")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        r = subprocess.run([tool, path], capture_output=True, text=True,
                           errors="replace")
        print(f"== {name}: exit {r.returncode} ==")
        print(r.stderr.replace(path, "MODEL"), end="")


if __name__ == "__main__":
    main()
