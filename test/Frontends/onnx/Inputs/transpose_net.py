#!/usr/bin/env python3
"""Writes a small CNN with the Transposes that converted models hold.

    transpose_net.py OUT.onnx

x [2,3,8,6] -> Transpose to NHWC and back -> Add a bias stored [6,3,8] and
brought to [3,8,6] by Transpose [1,2,0] -> Conv 3x3 -> GlobalAveragePool ->
Transpose [0,2,3,1] (moves size-1 axes only) -> Flatten -> MatMul by a
weight stored [10,C] (Transpose, default perm) -> logits [2,10]. Weights
seeded (0).
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(0)
    c = 8
    inits = [
        numpy_helper.from_array(rng.standard_normal((c, 3, 3, 3)).astype(np.float32), "w"),
        numpy_helper.from_array(rng.standard_normal((10, c)).astype(np.float32), "fc"),
        numpy_helper.from_array(rng.standard_normal((6, 3, 8)).astype(np.float32), "b"),
    ]
    nodes = [
        helper.make_node("Transpose", ["x"], ["nhwc"], perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["nhwc"], ["nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Transpose", ["b"], ["b_t"], perm=[1, 2, 0]),
        helper.make_node("Add", ["nchw", "b_t"], ["xb"]),
        helper.make_node("Conv", ["xb", "w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["c"], ["g"]),
        helper.make_node("Transpose", ["g"], ["g_nhwc"], perm=[0, 2, 3, 1]),
        helper.make_node("Flatten", ["g_nhwc"], ["f"]),
        helper.make_node("Transpose", ["fc"], ["fc_w"]),
        helper.make_node("MatMul", ["f", "fc_w"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "transpose_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 6])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [2, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
