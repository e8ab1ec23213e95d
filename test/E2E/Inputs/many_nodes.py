"""Writes wide and deep ONNX graphs for compile-scaling.test.

  many_nodes.py branches N out.onnx  # y = Concat_i(Relu(x + i/N)), axis 1
  many_nodes.py chain N out.onnx     # y = Relu(Relu(...Relu(x - 0.5)...))
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])
nodes, inits = [], []
if kind == "branches":
    for i in range(n):
        inits.append(numpy_helper.from_array(
            np.array(i / n - 0.5, np.float32), f"c{i}"))
        nodes.append(helper.make_node("Add", ["x", f"c{i}"], [f"a{i}"], name=f"add{i}"))
        nodes.append(helper.make_node("Relu", [f"a{i}"], [f"r{i}"], name=f"relu{i}"))
    nodes.append(helper.make_node("Concat", [f"r{i}" for i in range(n)], ["y"],
                                  axis=1, name="cat"))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2 * n, 3, 3])
else:
    inits.append(numpy_helper.from_array(np.array(0.5, np.float32), "h"))
    nodes.append(helper.make_node("Sub", ["x", "h"], ["r0"], name="sub"))
    for i in range(n):
        nodes.append(helper.make_node("Relu", [f"r{i}"], [f"r{i + 1}"], name=f"relu{i}"))
    nodes.append(helper.make_node("Identity", [f"r{n}"], ["y"], name="out"))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 3])
graph = helper.make_graph(nodes, kind, [x], [y], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)
