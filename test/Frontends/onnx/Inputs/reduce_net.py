#!/usr/bin/env python3
"""Writes a small CNN whose pooling is written as ONNX reductions.

    reduce_net.py OUT.onnx --opset N

conv 3x3 -> relu -> squeeze-excite (ReduceMean over H,W keepdims=1, 1x1 convs,
sigmoid, mul) -> outputs: ReduceMean over [-1,-2] keepdims=1, ReduceMax over
[2,3] keepdims=0, ReduceSum over [3,2] keepdims=0; ReduceMax over [-1]
keepdims=0 and ReduceSum over [1,2,3] keepdims=1 (the last axes, not a
spatial pool); ReduceMin over [2,3] keepdims=0 and ReduceSumSquare over [-1]
keepdims=1 of the conv output (before the relu: negative values); middle
axes of the conv output: ReduceMax over [1] keepdims=0, ReduceMean over [1]
keepdims=1, ReduceMin over [1,2] keepdims=1. Axes are attributes below
the opset where they became inputs (ReduceSum 13, ReduceMean/Max 18), constant
inputs from it. Weights are seeded (0).
"""

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--opset", type=int, required=True)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    inits = []

    def weight(name, *shape):
        inits.append(numpy_helper.from_array(
            (rng.standard_normal(shape) * 0.5).astype(np.float32), name))
        return name

    def reduce(op, x, y, axes, keepdims):
        since = 13 if op == "ReduceSum" else 18
        if a.opset < since:
            return [helper.make_node(op, [x], [y], axes=axes, keepdims=keepdims)]
        name = y + "_axes"
        inits.append(numpy_helper.from_array(np.array(axes, np.int64), name))
        return [helper.make_node(op, [x, name], [y], keepdims=keepdims)]

    nodes = [
        helper.make_node("Conv", ["x", weight("w0", 8, 4, 3, 3), weight("b0", 8)],
                         ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        *reduce("ReduceMean", "r", "se_mean", [2, 3], 1),
        helper.make_node("Conv", ["se_mean", weight("w1", 4, 8, 1, 1)], ["se1"]),
        helper.make_node("Relu", ["se1"], ["se2"]),
        helper.make_node("Conv", ["se2", weight("w2", 8, 4, 1, 1)], ["se3"]),
        helper.make_node("Sigmoid", ["se3"], ["gate"]),
        helper.make_node("Mul", ["r", "gate"], ["f"]),
        *reduce("ReduceMean", "f", "mean", [-1, -2], 1),
        *reduce("ReduceMax", "f", "max", [2, 3], 0),
        *reduce("ReduceSum", "f", "sum", [3, 2], 0),
        *reduce("ReduceMax", "f", "last", [-1], 0),
        *reduce("ReduceSum", "f", "tail", [1, 2, 3], 1),
        *reduce("ReduceMin", "c", "min", [2, 3], 0),
        *reduce("ReduceSumSquare", "c", "ssq", [-1], 1),
        *reduce("ReduceMax", "c", "chan_max", [1], 0),
        *reduce("ReduceMean", "c", "chan_mean", [1], 1),
        *reduce("ReduceMin", "c", "rows_min", [1, 2], 1),
    ]
    graph = helper.make_graph(
        nodes, "reduce_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4, 6, 5])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [2, 8, 1, 1]),
         helper.make_tensor_value_info("max", TensorProto.FLOAT, [2, 8]),
         helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 8]),
         helper.make_tensor_value_info("last", TensorProto.FLOAT, [2, 8, 6]),
         helper.make_tensor_value_info("tail", TensorProto.FLOAT, [2, 1, 1, 1]),
         helper.make_tensor_value_info("min", TensorProto.FLOAT, [2, 8]),
         helper.make_tensor_value_info("ssq", TensorProto.FLOAT, [2, 8, 6, 1]),
         helper.make_tensor_value_info("chan_max", TensorProto.FLOAT, [2, 6, 5]),
         helper.make_tensor_value_info("chan_mean", TensorProto.FLOAT, [2, 1, 6, 5]),
         helper.make_tensor_value_info("rows_min", TensorProto.FLOAT, [2, 1, 1, 5])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", a.opset)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, a.out)


if __name__ == "__main__":
    main()
