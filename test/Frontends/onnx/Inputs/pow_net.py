#!/usr/bin/env python3
"""Writes a model of Pow and Reciprocal: pow_net.py OUT.onnx

x [2,3,5] -> sq = Pow(x, 2), cube = Pow(x, 3.0), p4 = Pow(x, int64 4),
inv = Pow(x*x + 1, -2), r = Reciprocal(x*x + 1) (bases away from 0).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    inits = [
        numpy_helper.from_array(np.array([2.0], np.float32), "two"),
        numpy_helper.from_array(np.array(3.0, np.float32), "three"),
        numpy_helper.from_array(np.array(4, np.int64), "four"),
        numpy_helper.from_array(np.array(-2.0, np.float32), "minus_two"),
        numpy_helper.from_array(np.array(1.0, np.float32), "one"),
    ]
    nodes = [
        helper.make_node("Pow", ["x", "two"], ["sq"]),
        helper.make_node("Pow", ["x", "three"], ["cube"]),
        helper.make_node("Pow", ["x", "four"], ["p4"]),
        helper.make_node("Mul", ["x", "x"], ["xx"]),
        helper.make_node("Add", ["xx", "one"], ["pos"]),
        helper.make_node("Pow", ["pos", "minus_two"], ["inv"]),
        helper.make_node("Reciprocal", ["pos"], ["r"]),
    ]
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3, 5])
            for n in ("sq", "cube", "p4", "inv", "r")]
    graph = helper.make_graph(
        nodes, "pow_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 5])], outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
