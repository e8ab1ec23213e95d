#!/usr/bin/env python3
"""Reference CNNs for cnnc's end-to-end tests and benchmarks, built with onnx.helper.

Each network is a short builder function registered with `@network`; it describes
the architecture through `NetBuilder` (conv(), bn(), relu(), maxpool(), add(),
concat(), dense(), ...), which draws seeded weights, tracks tensor shapes and
emits the ONNX graph. `TorchStyleBuilder` emits the same layers in the idiom of
`torch.onnx.export` (Constant nodes, a Shape/Gather/Concat/Reshape flatten,
Gemm with transB=1, slash-separated names) so both importer paths get covered by
one architecture description.

Weights are He-initialised (normal, std sqrt(2 / fan_in)); biases uniform in
+-1/sqrt(fan_in) like PyTorch's defaults; batch-norm layers get scale near 1,
small shifts, and running statistics calibrated on a seeded random input (the
measured per-channel mean and variance, perturbed a little), so each BN really
normalises. That keeps activations in range and logits non-degenerate for
random inputs, which is what a numerical comparison needs; the networks are
not trained.

Adding a network is one registered function, e.g.

  @network("vgg11", "VGG-11, 1x3x224x224 -> logits 1x1000, opset 13")
  def vgg11(seed=0):
      b = NetBuilder("vgg11", seed=seed, doc="VGG-11")
      x = b.input("input", [1, 3, 224, 224])
      for ch, n in [(64, 1), (128, 1), (256, 2), (512, 2), (512, 2)]:
          for _ in range(n):
              x = b.relu(b.conv(x, ch, 3))
          x = b.maxpool(x, 2)
      x = b.flatten(x)
      for _ in range(2):
          x = b.dropout(b.relu(b.dense(x, 4096)))
      b.output(b.dense(x, 1000), "logits")
      return b.build()

then `--check` shows whether activations stay in range; in deep residual
networks give the last BN of each branch `scale` < 1 (`conv_bn(..., bn_scale=)`)
if they grow.

Registered with their published parameter and MAC counts (`@network(...,
params=, macs=)`), the ImageNet networks alexnet, vgg16, googlenet,
inception_v3, resnet18, resnet50, resnext50_32x4d, se_resnet50, mobilenet_v2,
efficientnet_b0, squeezenet1_1 and densenet121 follow their papers' layer
tables; resnet50_torchstyle and mobilenet_v2_torchstyle are two of them in
torch.onnx.export idiom. `--list` compares the counts of each generated graph
with the published ones. `--corrupt KIND` writes a deliberately invalid model
(a corrupted resnet_mini, see CORRUPTIONS) for the error-path tests.

Usage:
  cnnc_models.py --out DIR [--only lenet5,resnet_mini] [--seed N] [--check]
  cnnc_models.py --list [--only NAMES]
  cnnc_models.py --out DIR --corrupt KIND

For every network it writes DIR/<name>.onnx and prints the parameter count
(floating-point, non-scalar initializers less batch-norm running statistics)
and the multiply-accumulates of Conv/Gemm/MatMul nodes, both computed from the written
graph. `--check` also runs each model in onnxruntime on a seeded random input
and reports output statistics and the largest intermediate activation.
"""

import argparse
import contextlib
import contextvars
import math
import os
import sys
from typing import Callable, NamedTuple, Optional

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

# ---------------------------------------------------------------------------
# Layer builder
# ---------------------------------------------------------------------------

# Whether NetBuilder.build() calibrates batch norms by default (see build()).
_CALIBRATE_BN = contextvars.ContextVar("calibrate_bn", default=True)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _pads(pad, kernel, dilation):
    """Normalises a padding spec to ONNX order (top, left, bottom, right).

    None pads so that a stride-1 window keeps the spatial size ("same" for odd
    kernels); an int pads all sides; (ph, pw) pads symmetrically per axis; a
    4-tuple is taken as is.
    """
    if pad is None:
        ph, pw = ((k - 1) * d // 2 for k, d in zip(kernel, dilation))
        return (ph, pw, ph, pw)
    if isinstance(pad, int):
        return (pad,) * 4
    pad = tuple(pad)
    if len(pad) == 2:
        return pad + pad
    if len(pad) == 4:
        return pad
    raise ValueError(f"bad padding {pad!r}")


def _window_out(size, k, s, d, pad_begin, pad_end, ceil_mode=False):
    """Output length of a conv/pool window along one axis (ONNX semantics)."""
    span = size + pad_begin + pad_end - (d * (k - 1) + 1)
    if span < 0:
        raise ValueError(f"window {k} (dilation {d}) larger than padded input {size}")
    out = (-(-span // s) if ceil_mode else span // s) + 1
    # In ceil mode the last window must start inside the input or left padding.
    if ceil_mode and (out - 1) * s >= size + pad_begin:
        out -= 1
    return out


def _round_mantissa(a, bits=12):
    """Rounds float32 values to `bits` significant bits (about 3.6 digits)."""
    drop = 24 - bits
    u = np.ascontiguousarray(a, np.float32).view(np.uint32)
    u = (u + np.uint32(1 << (drop - 1))) & np.uint32(~((1 << drop) - 1) & 0xFFFFFFFF)
    return u.view(np.float32)


class NetBuilder:
    """Builds an ONNX CNN graph layer by layer.

    Tensors are referred to by name (str). Every layer method takes its input
    tensor(s), appends node(s), creates weights from the builder's seeded RNG
    and returns the output tensor name; `shape(t)` gives a tensor's static
    shape. Layers are named like PyTorch modules: `conv1`, `bn1`, `fc2`, ...
    numbered per kind inside the current `scope()`, and weights are
    `<layer>.weight`, `<layer>.bias`, `<layer>.running_mean`, ...

    Typical use:
        b = NetBuilder("net", seed=0)
        x = b.input("input", [1, 3, 224, 224])
        x = b.conv_bn_relu(x, 64, 7, stride=2)
        ...
        b.output(b.dense(b.flatten(x), 1000), "logits")
        model = b.build()
    """

    # When set (--low-rank-kernels R), every square NxN convolution kernel
    # (N >= 2) is drawn with rank <= R in its (out * N) x (in * N) matrix per
    # group: exactly what cnn-factorize-kernels can factorize losslessly.
    low_rank_kernels = None
    # Batch size of every graph input whose declared batch is 1 (--batch).
    batch = 1

    def __init__(self, name, seed=0, opset=13, doc=""):
        self.name = name
        self.seed = seed
        self.opset = opset
        self.doc = doc
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.initializers = []
        self.graph_inputs = []
        self.graph_outputs = []
        self._shapes = {}
        self._dtypes = {}
        self._scope = []
        self._counters = {}
        self._used_names = set()
        self._bn_offsets = {}  # BN running-mean name -> (mean offset, variance factor)

    # -- names and bookkeeping ----------------------------------------------

    @contextlib.contextmanager
    def scope(self, name):
        """Prefixes layer names inside the block: `with b.scope("layer1.0"):`."""
        self._scope.append(name)
        try:
            yield
        finally:
            self._scope.pop()

    def _layer_name(self, kind, name=None):
        """Unique full name of a new layer: `<scope>.<name or kind + counter>`."""
        prefix = ".".join(self._scope)
        if name is None:
            key = (prefix, kind)
            self._counters[key] = self._counters.get(key, 0) + 1
            name = f"{kind}{self._counters[key]}"
        return self._unique(f"{prefix}.{name}" if prefix else name)

    def _unique(self, full):
        base, i = full, 1
        while full in self._used_names:
            full = f"{base}_{i}"
            i += 1
        self._used_names.add(full)
        return full

    def _node_names(self, layer, op_type):
        """(node name, output tensor name) for the node of `layer`."""
        return layer, layer

    def shape(self, t):
        return self._shapes[t]

    def _set(self, t, shape, dtype=TensorProto.FLOAT):
        self._shapes[t] = tuple(int(d) for d in shape)
        self._dtypes[t] = dtype
        return t

    def _node(self, op_type, inputs, shape, layer, dtype=TensorProto.FLOAT, **attrs):
        node_name, out = self._node_names(layer, op_type)
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=node_name, **attrs))
        return self._set(out, shape, dtype)

    # -- weights and constants ----------------------------------------------

    def param(self, name, array):
        """Adds a weight; returns the tensor name consumers should use."""
        array = np.asarray(array)
        self.initializers.append(numpy_helper.from_array(array, name))
        return self._set(name, array.shape, helper.np_dtype_to_tensor_dtype(array.dtype))

    def const(self, name, array):
        """Adds a non-weight constant (shapes, bounds, indices) named `name`."""
        return self.param(self._unique(name), array)

    def he_normal(self, shape, fan_in):
        # Drawn in float32: a float64 draw costs seconds for VGG-sized layers.
        w = self.rng.standard_normal(size=shape, dtype=np.float32)
        w *= np.float32(math.sqrt(2.0 / fan_in))
        return w

    def low_rank_kernel(self, out_ch, in_per_group, n, groups, fan_in):
        """[out, in/groups, n, n] with each group's (out/groups * n) x
        (in/groups * n) matrix M[(o, kh), (i, kw)] of rank <= low_rank_kernels,
        scaled like he_normal."""
        co = out_ch // groups
        r = self.low_rank_kernels
        blocks = []
        for _ in range(groups):
            u = self.rng.standard_normal((co * n, r), dtype=np.float32)
            v = self.rng.standard_normal((in_per_group * n, r), dtype=np.float32)
            m = (u @ v.T) * np.float32(math.sqrt(2.0 / fan_in / r))
            blocks.append(m.reshape(co, n, in_per_group, n).transpose(0, 2, 1, 3))
        return np.ascontiguousarray(np.concatenate(blocks, axis=0), dtype=np.float32)

    def uniform(self, shape, bound):
        return self.rng.uniform(-bound, bound, size=shape).astype(np.float32)

    # -- graph interface ----------------------------------------------------

    def input(self, name, shape, dtype=TensorProto.FLOAT):
        shape = list(shape)
        if self.batch != 1 and shape and shape[0] == 1:
            shape[0] = self.batch
        self.graph_inputs.append(helper.make_tensor_value_info(name, dtype, list(shape)))
        self._used_names.add(name)
        return self._set(name, shape, dtype)

    def output(self, t, name=None):
        """Marks `t` as a graph output, renaming it to `name` if given."""
        if name is not None and name != t:
            for node in self.nodes:
                node.input[:] = [name if i == t else i for i in node.input]
                node.output[:] = [name if o == t else o for o in node.output]
            self._set(name, self._shapes.pop(t), self._dtypes.pop(t))
            t = name
        self.graph_outputs.append(
            helper.make_tensor_value_info(t, self._dtypes[t], list(self._shapes[t])))
        return t

    def build(self, calibrate_bn=None):
        """Returns the checked ModelProto; verifies tracked shapes against ONNX's.

        With `calibrate_bn`, batch-norm running statistics are set from the
        statistics their inputs really have (see calibrate_batchnorm()); the
        default comes from the module-level build() (off for `--list`, which
        only counts parameters and MACs).
        """
        if calibrate_bn is None:
            calibrate_bn = _CALIBRATE_BN.get()
        graph = helper.make_graph(self.nodes, self.name, self.graph_inputs,
                                  self.graph_outputs, self.initializers)
        opsets = [helper.make_opsetid("", self.opset)]
        model = helper.make_model(graph, opset_imports=opsets,
                                  producer_name="cnnc_models.py",
                                  ir_version=helper.find_min_ir_version_for(opsets))
        model.doc_string = f"{self.doc} (untrained, weights seed {self.seed})".strip()
        skeleton = _skeleton(model)
        onnx.checker.check_model(skeleton, full_check=True)
        self._check_shapes(skeleton)
        if calibrate_bn and self._bn_offsets:
            self.calibrate_batchnorm(model)
        return model

    def calibrate_batchnorm(self, model):
        """Sets BN running statistics from their inputs' measured statistics.

        Random running statistics do not normalise anything: activations then
        grow block after block and the logits of a deep network saturate the
        softmax. Instead, run the model in onnxruntime on a seeded standard-
        normal input (the distribution onnx_reference.py feeds) and give each
        BN the per-channel mean and variance of its input, shifted by the
        drawn offset (0.1 standard deviations) and scaled by the drawn factor
        (0.8..1.25), rounded to 12 significant bits so the file does not
        depend on the last bits of onnxruntime's kernels.

        A BN's input depends on the statistics of the BNs above it, so the
        run uses a variant of the model in which nodes before each BN compute
        its statistics from its input (see _batch_statistics_probe()): one
        run gives every BN its input as the calibrated model computes it, but
        for the rounding of the statistics above. That rounding moves the
        statistics of late layers (7x7 maps: 49 samples a channel) by up to a
        few percent, far inside the drawn 0.8..1.25 factor; iterating to an
        exact fixed point instead takes one run per BN on the longest chain
        (121 for DenseNet-121), as rounding flips some last bit at every level.
        """
        import onnxruntime as ort

        bns = [n for n in model.graph.node if n.op_type == "BatchNormalization"]
        data_names = {vi.name for vi in model.graph.input}
        probed = list(dict.fromkeys(n.input[0] for n in bns if n.input[0] not in data_names))
        probe = self._batch_statistics_probe(model, bns, probed)
        sess = ort.InferenceSession(probe.SerializeToString(),
                                    providers=["CPUExecutionProvider"])
        rng = np.random.default_rng([self.seed, 1])
        data = {vi.name: rng.standard_normal(self._shapes[vi.name], dtype=np.float32)
                for vi in model.graph.input}
        values = {**data, **dict(zip(probed, sess.run(probed, data)))}

        inits = {i.name: i for i in model.graph.initializer}
        for node in bns:
            x = values[node.input[0]]
            mean_offset, var_factor = self._bn_offsets[node.input[3]]
            axes = (0,) + tuple(range(2, x.ndim))
            var = np.clip(x.var(axis=axes, dtype=np.float64), 1e-3, 1e30)
            mean = x.mean(axis=axes, dtype=np.float64) + mean_offset * np.sqrt(var)
            for name, value in zip(node.input[3:5], (mean, var * var_factor)):
                value = _round_mantissa(value.astype(np.float32))
                inits[name].CopyFrom(numpy_helper.from_array(value, name))
        return model

    def _batch_statistics_probe(self, model, bns, outputs):
        """Copy of `model` whose BNs take their running statistics from nodes
        that compute them from the BN's input as calibrate_batchnorm() does
        (batch mean + offset * std, variance clipped to >= 1e-3 * factor),
        with `outputs` as its outputs."""
        m = onnx.ModelProto()
        m.CopyFrom(model)
        stat_names = {name for n in bns for name in n.input[3:5]}
        kept = [i for i in m.graph.initializer if i.name not in stat_names]
        del m.graph.initializer[:]
        m.graph.initializer.extend(kept)
        del m.graph.output[:]
        m.graph.output.extend(
            helper.make_tensor_value_info(t, TensorProto.FLOAT, list(self._shapes[t]))
            for t in outputs)
        opset = next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))

        def const(name, value, dtype=np.float32):
            m.graph.initializer.append(numpy_helper.from_array(np.asarray(value, dtype), name))
            return name

        def reduce_mean(x, axes, out, keepdims):
            if opset >= 18:  # axes became an input
                return helper.make_node("ReduceMean", [x, const(f"{out}.axes", axes, np.int64)],
                                        [out], keepdims=keepdims)
            return helper.make_node("ReduceMean", [x], [out], axes=axes, keepdims=keepdims)

        nodes = []
        for node in m.graph.node:
            if node.op_type == "BatchNormalization":
                x, mean, var = node.input[0], node.input[3], node.input[4]
                p = f"{node.name}.calibration"
                offset, factor = self._bn_offsets[mean]
                axes = [0] + list(range(2, len(self._shapes[x])))
                nodes += [
                    reduce_mean(x, axes, f"{p}.mean", 1),
                    helper.make_node("Sub", [x, f"{p}.mean"], [f"{p}.centered"]),
                    helper.make_node("Mul", [f"{p}.centered", f"{p}.centered"], [f"{p}.sq"]),
                    reduce_mean(f"{p}.sq", axes, f"{p}.var", 0),
                    helper.make_node("Max", [f"{p}.var", const(f"{p}.min_var", 1e-3)],
                                     [f"{p}.var_clipped"]),
                    helper.make_node("Sqrt", [f"{p}.var_clipped"], [f"{p}.std"]),
                    helper.make_node("Mul", [f"{p}.std", const(f"{p}.offset", offset)],
                                     [f"{p}.shift"]),
                    reduce_mean(x, axes, f"{p}.channel_mean", 0),
                    helper.make_node("Add", [f"{p}.channel_mean", f"{p}.shift"], [mean]),
                    helper.make_node("Mul", [f"{p}.var_clipped", const(f"{p}.factor", factor)],
                                     [var]),
                ]
            nodes.append(node)
        del m.graph.node[:]
        m.graph.node.extend(nodes)
        return m

    def _check_shapes(self, model):
        inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
        g = inferred.graph
        for vi in list(g.value_info) + list(g.output):
            tt = vi.type.tensor_type
            if vi.name not in self._shapes or not tt.HasField("shape"):
                continue  # e.g. behind a Reshape whose target ONNX cannot fold
            dims = tuple(d.dim_value if d.HasField("dim_value") else -1
                         for d in vi.type.tensor_type.shape.dim)
            if dims != self._shapes[vi.name]:
                raise AssertionError(f"{self.name}: builder shape of '{vi.name}' is "
                                     f"{self._shapes[vi.name]}, ONNX infers {dims}")

    # -- layers ---------------------------------------------------------------

    def conv(self, x, out_ch, kernel, stride=1, pad=None, dilation=1, groups=1,
             bias=True, name=None):
        """2-D convolution; `pad=None` keeps the size at stride 1 (odd kernels)."""
        n, c, h, w = self.shape(x)
        kh, kw = _pair(kernel)
        sh, sw = _pair(stride)
        dh, dw = _pair(dilation)
        pads = _pads(pad, (kh, kw), (dh, dw))
        if c % groups or out_ch % groups:
            raise ValueError(f"channels {c}->{out_ch} not divisible by groups {groups}")
        layer = self._layer_name("conv", name)
        fan_in = c // groups * kh * kw
        if self.low_rank_kernels and kh == kw >= 2:
            weight = self.low_rank_kernel(out_ch, c // groups, kh, groups, fan_in)
        else:
            weight = self.he_normal((out_ch, c // groups, kh, kw), fan_in)
        inputs = [x, self.param(f"{layer}.weight", weight)]
        if bias:
            inputs.append(self.param(f"{layer}.bias",
                                     self.uniform((out_ch,), 1 / math.sqrt(fan_in))))
        oh = _window_out(h, kh, sh, dh, pads[0], pads[2])
        ow = _window_out(w, kw, sw, dw, pads[1], pads[3])
        return self._node("Conv", inputs, (n, out_ch, oh, ow), layer,
                          kernel_shape=[kh, kw], strides=[sh, sw], pads=list(pads),
                          dilations=[dh, dw], group=groups)

    def bn(self, x, eps=1e-5, scale=1.0, name=None):
        """Inference batch norm; `scale` multiplies gamma (e.g. < 1 on the last
        BN of a residual branch in deep networks).

        The running statistics drawn here (modest mean, positive variance) are
        replaced by calibrated ones in build(); this draws the per-channel
        offsets that keep calibrated statistics from being exactly the data's.
        """
        c = self.shape(x)[1]
        layer = self._layer_name("bn", name)
        rng = self.rng
        gamma = (scale * rng.uniform(0.8, 1.2, c)).astype(np.float32)
        beta = rng.normal(0.0, 0.1, c).astype(np.float32)
        mean_offset = rng.normal(0.0, 0.1, c).astype(np.float32)
        var_factor = rng.uniform(0.8, 1.25, c).astype(np.float32)
        self._bn_offsets[f"{layer}.running_mean"] = (mean_offset, var_factor)
        inputs = [x] + [self.param(f"{layer}.{k}", v) for k, v in
                        (("weight", gamma), ("bias", beta),
                         ("running_mean", mean_offset), ("running_var", var_factor))]
        return self._node("BatchNormalization", inputs, self.shape(x), layer,
                          **self._bn_attrs(eps))

    def _bn_attrs(self, eps):
        return {"epsilon": eps}

    def _unary(self, op_type, kind, x, name=None, **attrs):
        return self._node(op_type, [x], self.shape(x), self._layer_name(kind, name), **attrs)

    def relu(self, x, name=None):
        return self._unary("Relu", "relu", x, name)

    def sigmoid(self, x, name=None):
        return self._unary("Sigmoid", "sigmoid", x, name)

    def tanh(self, x, name=None):
        return self._unary("Tanh", "tanh", x, name)

    def leaky_relu(self, x, alpha=0.01, name=None):
        return self._unary("LeakyRelu", "leaky_relu", x, name, alpha=alpha)

    def hard_sigmoid(self, x, alpha=0.2, beta=0.5, name=None):
        return self._unary("HardSigmoid", "hard_sigmoid", x, name, alpha=alpha, beta=beta)

    def hard_swish(self, x, name=None):
        if self.opset < 14:
            raise ValueError("HardSwish needs opset 14")
        return self._unary("HardSwish", "hard_swish", x, name)

    def swish(self, x, name=None):
        """x * sigmoid(x) (SiLU), as exported for EfficientNet."""
        return self.mul(x, self.sigmoid(x), name=name)

    def identity(self, x, name=None):
        return self._unary("Identity", "identity", x, name)

    def clip(self, x, lo, hi, name=None):
        return self._clip(x, lo, hi, self._layer_name("clip", name))

    def relu6(self, x, name=None):
        return self._clip(x, 0.0, 6.0, self._layer_name("relu6_", name))

    def _clip(self, x, lo, hi, layer):
        if self.opset < 11:
            return self._node("Clip", [x], self.shape(x), layer, min=lo, max=hi)
        bounds = [self.const(f"{layer}.min", np.float32(lo)),
                  self.const(f"{layer}.max", np.float32(hi))]
        return self._node("Clip", [x] + bounds, self.shape(x), layer)

    def _pool(self, op_type, kind, x, kernel, stride, pad, ceil_mode, name, **attrs):
        n, c, h, w = self.shape(x)
        kh, kw = _pair(kernel)
        sh, sw = _pair(stride if stride is not None else kernel)
        pads = _pads(pad, (kh, kw), (1, 1))
        oh = _window_out(h, kh, sh, 1, pads[0], pads[2], ceil_mode)
        ow = _window_out(w, kw, sw, 1, pads[1], pads[3], ceil_mode)
        if ceil_mode:
            attrs["ceil_mode"] = 1
        return self._node(op_type, [x], (n, c, oh, ow), self._layer_name(kind, name),
                          kernel_shape=[kh, kw], strides=[sh, sw], pads=list(pads), **attrs)

    def maxpool(self, x, kernel, stride=None, pad=0, ceil_mode=False, name=None):
        """Max pooling; the stride defaults to the kernel size."""
        return self._pool("MaxPool", "maxpool", x, kernel, stride, pad, ceil_mode, name)

    def avgpool(self, x, kernel, stride=None, pad=0, ceil_mode=False,
                count_include_pad=False, name=None):
        attrs = {"count_include_pad": 1} if count_include_pad else {}
        return self._pool("AveragePool", "avgpool", x, kernel, stride, pad, ceil_mode,
                          name, **attrs)

    def global_avgpool(self, x, name=None):
        n, c = self.shape(x)[:2]
        return self._node("GlobalAveragePool", [x], (n, c, 1, 1),
                          self._layer_name("avgpool", name))

    def global_maxpool(self, x, name=None):
        n, c = self.shape(x)[:2]
        return self._node("GlobalMaxPool", [x], (n, c, 1, 1),
                          self._layer_name("maxpool", name))

    def lrn(self, x, size=5, alpha=1e-4, beta=0.75, bias=1.0, name=None):
        return self._unary("LRN", "lrn", x, name, size=size, alpha=alpha, beta=beta,
                           bias=bias)

    def _binary(self, op_type, kind, a, b, name):
        shape = np.broadcast_shapes(self.shape(a), self.shape(b))
        return self._node(op_type, [a, b], shape, self._layer_name(kind, name))

    def add(self, a, b, name=None):
        return self._binary("Add", "add", a, b, name)

    def mul(self, a, b, name=None):
        return self._binary("Mul", "mul", a, b, name)

    def concat(self, xs, axis=1, name=None):
        shapes = [self.shape(x) for x in xs]
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        return self._node("Concat", list(xs), out, self._layer_name("concat", name),
                          axis=axis)

    def flatten(self, x, name=None):
        """[N, ...] -> [N, prod(...)]."""
        s = self.shape(x)
        return self._node("Flatten", [x], (s[0], math.prod(s[1:])),
                          self._layer_name("flatten", name), axis=1)

    def unsqueeze(self, x, axes, name=None):
        return self._unsqueeze(x, axes, self._layer_name("unsqueeze", name))

    def _unsqueeze(self, x, axes, layer):
        shape = list(self.shape(x))
        for a in sorted(axes):
            shape.insert(a, 1)
        if self.opset < 13:
            return self._node("Unsqueeze", [x], shape, layer, self._dtypes[x], axes=list(axes))
        axes_t = self.const(f"{layer}.axes", np.array(axes, np.int64))
        return self._node("Unsqueeze", [x, axes_t], shape, layer, self._dtypes[x])

    def dropout(self, x, ratio=0.5, name=None):
        """Inference-mode dropout (an identity that importers must drop)."""
        layer = self._layer_name("dropout", name)
        if self.opset < 12:
            return self._node("Dropout", [x], self.shape(x), layer, ratio=ratio)
        return self._node("Dropout", [x, self.const(f"{layer}.ratio", np.float32(ratio))],
                          self.shape(x), layer)

    def dense(self, x, out_features, bias=True, name=None):
        """Fully connected layer on [N, K] as Gemm (weight stored [K, out])."""
        n, k = self.shape(x)
        layer = self._layer_name("fc", name)
        w = self.he_normal((out_features, k), k)  # drawn [out, in] like nn.Linear
        inputs = [x, self.param(f"{layer}.weight", w.T.copy())]
        if bias:
            inputs.append(self.param(f"{layer}.bias",
                                     self.uniform((out_features,), 1 / math.sqrt(k))))
        return self._node("Gemm", inputs, (n, out_features), layer)

    def softmax(self, x, axis=1, name=None):
        if self.opset < 13 and axis not in (len(self.shape(x)) - 1, -1):
            raise ValueError("before opset 13 Softmax flattens from `axis`; use a 2-D input")
        return self._unary("Softmax", "softmax", x, name, axis=axis)

    # -- common compositions ------------------------------------------------

    def conv_bn(self, x, out_ch, kernel, stride=1, pad=None, groups=1, eps=1e-5,
                bn_scale=1.0):
        x = self.conv(x, out_ch, kernel, stride=stride, pad=pad, groups=groups, bias=False)
        return self.bn(x, eps=eps, scale=bn_scale)

    def conv_bn_relu(self, x, out_ch, kernel, stride=1, pad=None, groups=1, eps=1e-5):
        return self.relu(self.conv_bn(x, out_ch, kernel, stride, pad, groups, eps))


class TorchStyleBuilder(NetBuilder):
    """Emits layers the way `torch.onnx.export` does (opset 11 by default).

    Differences from NetBuilder: non-weight constants are Constant nodes;
    flatten is Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape;
    dense keeps nn.Linear's [out, in] weight behind an Identity and uses
    Gemm(transB=1); BatchNormalization carries `momentum`; node and tensor
    names are module paths like `/layer1/layer1.0/conv1/Conv_output_0`.
    """

    def __init__(self, name, seed=0, opset=11, doc=""):
        super().__init__(name, seed=seed, opset=opset, doc=doc)

    def _node_names(self, layer, op_type):
        parts = layer.split(".")
        path = [".".join(parts[:i + 1]) for i in range(len(parts) - 1)] + [parts[-1]]
        node = "/" + "/".join(path) + "/" + op_type
        return node, node + "_output_0"

    def const(self, name, array):
        array = np.asarray(array)
        node, out = self._node_names(self._unique(name), "Constant")
        self.nodes.append(helper.make_node(
            "Constant", [], [out], name=node, value=numpy_helper.from_array(array)))
        return self._set(out, array.shape, helper.np_dtype_to_tensor_dtype(array.dtype))

    def _bn_attrs(self, eps):
        return {"epsilon": eps, "momentum": 0.9}

    def flatten(self, x, name=None):
        s = self.shape(x)
        layer = self._layer_name("flatten", name)
        i64 = TensorProto.INT64
        shp = self._node("Shape", [x], (len(s),), f"{layer}.shape", i64)
        idx = self.const(f"{layer}.index", np.array(0, np.int64))
        n = self._node("Gather", [shp, idx], (), f"{layer}.gather", i64, axis=0)
        n = self._unsqueeze(n, [0], f"{layer}.unsqueeze")
        minus1 = self.const(f"{layer}.minus_one", np.array([-1], np.int64))
        target = self._node("Concat", [n, minus1], (2,), f"{layer}.concat", i64, axis=0)
        return self._node("Reshape", [x, target], (s[0], math.prod(s[1:])), layer)

    def dense(self, x, out_features, bias=True, name=None):
        n, k = self.shape(x)
        layer = self._layer_name("fc", name)
        w = self.param(f"{layer}.weight", self.he_normal((out_features, k), k))
        w = self._node("Identity", [w], (out_features, k), f"{layer}.weight_identity")
        inputs = [x, w]
        if bias:
            inputs.append(self.param(f"{layer}.bias",
                                     self.uniform((out_features,), 1 / math.sqrt(k))))
        return self._node("Gemm", inputs, (n, out_features), layer,
                          alpha=1.0, beta=1.0, transB=1)


# ---------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------

NETWORKS = {}


class Network(NamedTuple):
    fn: Callable  # seed -> ModelProto
    doc: str
    params: Optional[float]  # published parameter count, None for our own nets
    macs: Optional[float]  # published multiply-accumulates per image
    tolerance: float  # largest relative deviation of the graph's counts accepted
    source: str  # where the published figures come from


def network(name, doc, params=None, macs=None, tolerance=0.03, source=""):
    """Registers `fn(seed) -> ModelProto` under `name`, with the published
    parameter and MAC counts that `--list` checks the graph's own against."""
    def register(fn):
        NETWORKS[name] = Network(fn, doc, params, macs, tolerance, source)
        return fn
    return register


@network("lenet5", "LeNet-5 (ReLU, max pooling), 1x1x32x32 -> logits 1x10, opset 13")
def lenet5(seed=0):
    b = NetBuilder("lenet5", seed=seed, doc="LeNet-5")
    x = b.input("input", [1, 1, 32, 32])
    x = b.maxpool(b.relu(b.conv(x, 6, 5, pad=0)), 2)
    x = b.maxpool(b.relu(b.conv(x, 16, 5, pad=0)), 2)
    x = b.flatten(x)
    x = b.relu(b.dense(x, 120))
    x = b.relu(b.dense(x, 84))
    b.output(b.dense(x, 10), "logits")
    return b.build()


def _basic_block(b, x, out_ch, stride=1):
    """ResNet basic block: conv3x3-bn-relu-conv3x3-bn + skip, relu."""
    y = b.conv_bn_relu(x, out_ch, 3, stride=stride)
    y = b.conv_bn(y, out_ch, 3)
    skip = x
    if stride != 1 or b.shape(x)[1] != out_ch:
        with b.scope("downsample"):
            skip = b.conv_bn(x, out_ch, 1, stride=stride, pad=0)
    return b.relu(b.add(y, skip))


def _resnet_mini(b, torch_style):
    x = b.input("input.1" if torch_style else "input", [1, 3, 64, 64])
    if torch_style:
        # relu6 as Clip; a wider stem BN makes it clip a good share of values.
        x = b.relu6(b.conv_bn(x, 16, 3, bn_scale=4.0))
    else:
        x = b.relu(b.conv_bn(x, 16, 3))
    for stage, (ch, stride) in enumerate([(16, 1), (32, 2)], start=1):
        for i in range(2):
            with b.scope(f"layer{stage}"), b.scope(str(i)):
                x = _basic_block(b, x, ch, stride if i == 0 else 1)
        if torch_style and stage == 1:
            x = b.identity(x)
    x = b.flatten(b.global_avgpool(x))
    if torch_style:
        x = b.dropout(x, 0.5)
    b.output(b.softmax(b.dense(x, 10), axis=1), "probs")
    return b.build()


@network("resnet_mini", "ResNet-style, 2 stages x 2 basic blocks (16/32 ch), "
                        "1x3x64x64 -> probs 1x10, opset 13")
def resnet_mini(seed=0):
    return _resnet_mini(NetBuilder("resnet_mini", seed=seed, doc="ResNet-mini"), False)


@network("resnet_mini_torchstyle", "resnet_mini in torch.onnx.export idiom (Constant, "
                                   "Shape/Gather/Reshape flatten, Dropout, Gemm transB, "
                                   "Clip relu6), opset 11")
def resnet_mini_torchstyle(seed=0):
    b = TorchStyleBuilder("resnet_mini_torchstyle", seed=seed,
                          doc="ResNet-mini, torch.onnx.export idiom")
    return _resnet_mini(b, True)


# -- ImageNet classifiers ----------------------------------------------------
#
# Layer tables follow the papers (and torchvision where it is the reference
# implementation the published counts come from); inputs are 1x3xHxW, outputs
# 1x1000. The published figures are the parameter count and multiply-
# accumulates per image of that configuration, which --list compares with the
# counts of the generated graph.


def _imagenet_input(b, size=224):
    return b.input("input", [1, 3, size, size])


@network("alexnet", "AlexNet (torchvision single-tower channels 64-192-384-256-256, LRN "
                    "after conv1/conv2 as in the paper), 1x3x224x224 -> logits, opset 13",
         params=61.10e6, macs=0.714e9, source="torchvision alexnet (LRN has no weights)")
def alexnet(seed=0):
    b = NetBuilder("alexnet", seed=seed, doc="AlexNet")
    x = _imagenet_input(b)
    with b.scope("features"):
        # Paper: LRN k=2, n=5, alpha=1e-4, beta=0.75 after the ReLU of conv1/conv2.
        for ch, k, stride, pad in [(64, 11, 4, 2), (192, 5, 1, 2)]:
            x = b.lrn(b.relu(b.conv(x, ch, k, stride=stride, pad=pad)), 5, 1e-4, 0.75, 2.0)
            x = b.maxpool(x, 3, stride=2)
        for ch in (384, 256, 256):
            x = b.relu(b.conv(x, ch, 3))
        x = b.maxpool(x, 3, stride=2)  # 256x6x6: torchvision's 6x6 adaptive pool is a no-op
    x = b.flatten(x)
    with b.scope("classifier"):
        for _ in range(2):
            x = b.relu(b.dense(b.dropout(x), 4096))
        x = b.dense(x, 1000)
    b.output(x, "logits")
    return b.build()


@network("vgg16", "VGG-16 (configuration D), 1x3x224x224 -> logits, opset 13",
         params=138.36e6, macs=15.47e9, source="VGG paper Table 2 / torchvision vgg16")
def vgg16(seed=0):
    b = NetBuilder("vgg16", seed=seed, doc="VGG-16")
    x = _imagenet_input(b)
    with b.scope("features"):
        for ch, n in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
            for _ in range(n):
                x = b.relu(b.conv(x, ch, 3))
            x = b.maxpool(x, 2)
    x = b.flatten(x)
    with b.scope("classifier"):
        for _ in range(2):
            x = b.dropout(b.relu(b.dense(x, 4096)))
        x = b.dense(x, 1000)
    b.output(x, "logits")
    return b.build()


def _inception_v1(b, x, c1, c3r, c3, c5r, c5, pool_proj):
    """GoogLeNet inception module: 1x1 | 1x1-3x3 | 1x1-5x5 | maxpool-1x1."""
    with b.scope("branch1"):
        y1 = b.relu(b.conv(x, c1, 1))
    with b.scope("branch2"):
        y2 = b.relu(b.conv(b.relu(b.conv(x, c3r, 1)), c3, 3))
    with b.scope("branch3"):
        y3 = b.relu(b.conv(b.relu(b.conv(x, c5r, 1)), c5, 5))
    with b.scope("branch4"):
        y4 = b.relu(b.conv(b.maxpool(x, 3, stride=1, pad=1), pool_proj, 1))
    return b.concat([y1, y2, y3, y4])


@network("googlenet", "GoogLeNet / Inception v1 (paper Table 1: LRN in the stem, 5x5 "
                      "branches, no BN, no aux heads), 1x3x224x224 -> probs, opset 13",
         params=6.8e6, macs=1.5e9, tolerance=0.06,
         source="GoogLeNet paper Table 1, whose totals leave out biases and whose conv1 "
                "row (2.7 K params, 34 M MACs) undercounts the 7x7x3x64 kernel (9.4 K, "
                "118 M): hence about +3 % params, +5.5 % MACs here")
def googlenet(seed=0):
    b = NetBuilder("googlenet", seed=seed, doc="GoogLeNet (Inception v1)")
    x = _imagenet_input(b)
    # Pools are 3x3/2 in ceil mode (Caffe's rounding), as in torchvision: 112->56->28->14->7.
    x = b.maxpool(b.relu(b.conv(x, 64, 7, stride=2)), 3, stride=2, ceil_mode=True)
    x = b.lrn(x, 5, 1e-4, 0.75, 1.0)
    x = b.relu(b.conv(b.relu(b.conv(x, 64, 1)), 192, 3))
    x = b.maxpool(b.lrn(x, 5, 1e-4, 0.75, 1.0), 3, stride=2, ceil_mode=True)
    table = {
        "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64), "pool3": None,
        "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
        "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
        "4e": (256, 160, 320, 32, 128, 128), "pool4": None,
        "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
    }
    for name, cfg in table.items():
        if cfg is None:
            x = b.maxpool(x, 3, stride=2, ceil_mode=True)
            continue
        with b.scope(f"inception{name}"):
            x = _inception_v1(b, x, *cfg)
    x = b.flatten(b.dropout(b.avgpool(x, 7, stride=1), 0.4))
    b.output(b.softmax(b.dense(x, 1000), axis=1), "probs")
    return b.build()


def _conv_bn_relu_v3(b, x, ch, kernel, stride=1, pad=None, name=None):
    """Inception v3's BasicConv2d: conv (no bias), BN with eps 1e-3, ReLU."""
    with b.scope(name) if name else contextlib.nullcontext():
        return b.conv_bn_relu(x, ch, kernel, stride=stride, pad=pad, eps=1e-3)


def _inception_a(b, x, pool_features):
    c = lambda x, ch, k, n: _conv_bn_relu_v3(b, x, ch, k, name=n)  # noqa: E731
    y1 = c(x, 64, 1, "branch1x1")
    y2 = c(c(x, 48, 1, "branch5x5_1"), 64, 5, "branch5x5_2")
    y3 = c(c(c(x, 64, 1, "branch3x3dbl_1"), 96, 3, "branch3x3dbl_2"), 96, 3, "branch3x3dbl_3")
    # PyTorch's avg_pool2d counts the zero padding (count_include_pad=True).
    y4 = c(b.avgpool(x, 3, stride=1, pad=1, count_include_pad=True), pool_features, 1,
           "branch_pool")
    return b.concat([y1, y2, y3, y4])


def _inception_b(b, x):
    c = lambda x, ch, k, n, s=1, p=None: _conv_bn_relu_v3(b, x, ch, k, s, p, n)  # noqa: E731
    y1 = c(x, 384, 3, "branch3x3", 2, 0)
    y2 = c(c(c(x, 64, 1, "branch3x3dbl_1"), 96, 3, "branch3x3dbl_2"), 96, 3,
           "branch3x3dbl_3", 2, 0)
    return b.concat([y1, y2, b.maxpool(x, 3, stride=2)])


def _inception_c(b, x, c7):
    c = lambda x, ch, k, n: _conv_bn_relu_v3(b, x, ch, k, name=n)  # noqa: E731
    y1 = c(x, 192, 1, "branch1x1")
    y2 = c(c(c(x, c7, 1, "branch7x7_1"), c7, (1, 7), "branch7x7_2"), 192, (7, 1), "branch7x7_3")
    y3 = c(x, c7, 1, "branch7x7dbl_1")
    for i, (ch, k) in enumerate([(c7, (7, 1)), (c7, (1, 7)), (c7, (7, 1)), (192, (1, 7))], 2):
        y3 = c(y3, ch, k, f"branch7x7dbl_{i}")
    y4 = c(b.avgpool(x, 3, stride=1, pad=1, count_include_pad=True), 192, 1, "branch_pool")
    return b.concat([y1, y2, y3, y4])


def _inception_d(b, x):
    c = lambda x, ch, k, n, s=1, p=None: _conv_bn_relu_v3(b, x, ch, k, s, p, n)  # noqa: E731
    y1 = c(c(x, 192, 1, "branch3x3_1"), 320, 3, "branch3x3_2", 2, 0)
    y2 = c(c(c(x, 192, 1, "branch7x7x3_1"), 192, (1, 7), "branch7x7x3_2"), 192, (7, 1),
           "branch7x7x3_3")
    y2 = c(y2, 192, 3, "branch7x7x3_4", 2, 0)
    return b.concat([y1, y2, b.maxpool(x, 3, stride=2)])


def _inception_e(b, x):
    c = lambda x, ch, k, n: _conv_bn_relu_v3(b, x, ch, k, name=n)  # noqa: E731
    y1 = c(x, 320, 1, "branch1x1")
    y2 = c(x, 384, 1, "branch3x3_1")
    y2 = b.concat([c(y2, 384, (1, 3), "branch3x3_2a"), c(y2, 384, (3, 1), "branch3x3_2b")])
    y3 = c(c(x, 448, 1, "branch3x3dbl_1"), 384, 3, "branch3x3dbl_2")
    y3 = b.concat([c(y3, 384, (1, 3), "branch3x3dbl_3a"), c(y3, 384, (3, 1), "branch3x3dbl_3b")])
    y4 = c(b.avgpool(x, 3, stride=1, pad=1, count_include_pad=True), 192, 1, "branch_pool")
    return b.concat([y1, y2, y3, y4])


@network("inception_v3", "Inception v3 (factorized 1x7/7x1 and 1x3/3x1 branches, grid "
                         "reductions, no aux head), 1x3x299x299 -> logits, opset 13",
         params=23.83e6, macs=5.71e9,
         source="torchvision inception_v3 (27.16 M with the aux head)")
def inception_v3(seed=0):
    b = NetBuilder("inception_v3", seed=seed, doc="Inception v3")
    x = _imagenet_input(b, 299)
    x = _conv_bn_relu_v3(b, x, 32, 3, 2, 0, "Conv2d_1a_3x3")        # 149
    x = _conv_bn_relu_v3(b, x, 32, 3, 1, 0, "Conv2d_2a_3x3")        # 147
    x = _conv_bn_relu_v3(b, x, 64, 3, 1, 1, "Conv2d_2b_3x3")
    x = b.maxpool(x, 3, stride=2)                                   # 73
    x = _conv_bn_relu_v3(b, x, 80, 1, 1, 0, "Conv2d_3b_1x1")
    x = _conv_bn_relu_v3(b, x, 192, 3, 1, 0, "Conv2d_4a_3x3")       # 71
    x = b.maxpool(x, 3, stride=2)                                   # 35
    for name, pool_features in [("Mixed_5b", 32), ("Mixed_5c", 64), ("Mixed_5d", 64)]:
        with b.scope(name):
            x = _inception_a(b, x, pool_features)
    with b.scope("Mixed_6a"):
        x = _inception_b(b, x)                                      # 17
    for name, c7 in [("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160),
                     ("Mixed_6e", 192)]:
        with b.scope(name):
            x = _inception_c(b, x, c7)
    with b.scope("Mixed_7a"):
        x = _inception_d(b, x)                                      # 8
    for name in ("Mixed_7b", "Mixed_7c"):
        with b.scope(name):
            x = _inception_e(b, x)
    x = b.dropout(b.flatten(b.global_avgpool(x)))
    b.output(b.dense(x, 1000), "logits")
    return b.build()


def _bottleneck(b, x, planes, stride=1, groups=1, width_per_group=64, se=False):
    """ResNet v1.5 bottleneck (stride on the 3x3), optionally grouped (ResNeXt:
    `groups` x `width_per_group` channels in the 3x3) and with squeeze-
    excitation on the residual branch (SE-ResNet)."""
    width = planes * width_per_group // 64 * groups
    out_ch = planes * 4
    y = b.conv_bn_relu(x, width, 1, pad=0)
    y = b.conv_bn_relu(y, width, 3, stride=stride, groups=groups)
    y = b.conv_bn(y, out_ch, 1, pad=0)
    if se:
        y = _squeeze_excite(b, y, out_ch // 16)
    skip = x
    if stride != 1 or b.shape(x)[1] != out_ch:
        with b.scope("downsample"):
            skip = b.conv_bn(x, out_ch, 1, stride=stride, pad=0)
    return b.relu(b.add(y, skip))


def _squeeze_excite(b, x, squeeze_ch, activation=None):
    """x * sigmoid(fc2(act(fc1(avgpool(x))))), the FCs as 1x1 convs with bias."""
    c = b.shape(x)[1]
    with b.scope("se"):
        s = b.global_avgpool(x)
        s = (activation or b.relu)(b.conv(s, squeeze_ch, 1, name="fc1"))
        s = b.sigmoid(b.conv(s, c, 1, name="fc2"))
    return b.mul(x, s)


def _resnet(b, blocks, block="basic", **block_args):
    """ResNet-18/50 family: 7x7/2 stem, max pool, four stages, avgpool, fc."""
    torch_style = isinstance(b, TorchStyleBuilder)
    x = b.input("input.1" if torch_style else "input", [1, 3, 224, 224])
    x = b.maxpool(b.conv_bn_relu(x, 64, 7, stride=2), 3, stride=2, pad=1)
    for stage, n in enumerate(blocks):
        planes = 64 << stage
        for i in range(n):
            stride = 2 if stage > 0 and i == 0 else 1
            with b.scope(f"layer{stage + 1}"), b.scope(str(i)):
                if block == "basic":
                    x = _basic_block(b, x, planes, stride)
                else:
                    x = _bottleneck(b, x, planes, stride, **block_args)
    x = b.flatten(b.global_avgpool(x))
    b.output(b.dense(x, 1000), "logits")
    return b.build()


@network("resnet18", "ResNet-18, 1x3x224x224 -> logits, opset 13",
         params=11.69e6, macs=1.814e9, source="torchvision resnet18")
def resnet18(seed=0):
    return _resnet(NetBuilder("resnet18", seed=seed, doc="ResNet-18"), [2, 2, 2, 2])


@network("resnet50", "ResNet-50 v1.5 (stride on the 3x3), 1x3x224x224 -> logits, opset 13",
         params=25.56e6, macs=4.09e9, source="torchvision resnet50 (v1.5)")
def resnet50(seed=0):
    return _resnet(NetBuilder("resnet50", seed=seed, doc="ResNet-50 v1.5"), [3, 4, 6, 3],
                   "bottleneck")


@network("resnet50_torchstyle", "resnet50 in torch.onnx.export idiom (Constant nodes, "
                                "Shape/Gather/Unsqueeze/Concat/Reshape flatten, Identity, "
                                "Gemm transB=1, BN momentum), opset 17",
         params=25.56e6, macs=4.09e9, source="torchvision resnet50 (v1.5)")
def resnet50_torchstyle(seed=0):
    b = TorchStyleBuilder("resnet50_torchstyle", seed=seed, opset=17,
                          doc="ResNet-50 v1.5, torch.onnx.export idiom")
    return _resnet(b, [3, 4, 6, 3], "bottleneck")


@network("resnext50_32x4d", "ResNeXt-50 32x4d (grouped 3x3 convs, 32 groups), "
                            "1x3x224x224 -> logits, opset 13",
         params=25.03e6, macs=4.23e9,
         source="torchvision resnext50_32x4d (paper Table 1: 25.0 M, 4.2 G)")
def resnext50_32x4d(seed=0):
    b = NetBuilder("resnext50_32x4d", seed=seed, doc="ResNeXt-50 32x4d")
    return _resnet(b, [3, 4, 6, 3], "bottleneck", groups=32, width_per_group=4)


@network("se_resnet50", "SE-ResNet-50 (ResNet-50 v1.5 + squeeze-excitation, reduction "
                        "16), 1x3x224x224 -> logits, opset 13",
         params=28.09e6, macs=4.1e9,
         source="SENet paper Table 1 for the params (28.1 M); its 3.87 GMACs are for "
                "the stride on the first 1x1 (v1), so MACs are resnet50 v1.5's 4.09 G + "
                "the SE FCs")
def se_resnet50(seed=0):
    b = NetBuilder("se_resnet50", seed=seed, doc="SE-ResNet-50")
    return _resnet(b, [3, 4, 6, 3], "bottleneck", se=True)


def _mobilenet_v2(b):
    torch_style = isinstance(b, TorchStyleBuilder)
    x = b.input("input.1" if torch_style else "input", [1, 3, 224, 224])
    with b.scope("features"):
        with b.scope("0"):
            x = b.relu6(b.conv_bn(x, 32, 3, stride=2))
        idx = 1
        # (expansion t, output channels c, repeats n, first stride s), paper Table 2.
        for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                           (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
            for i in range(n):
                with b.scope(str(idx)):
                    x = _inverted_residual(b, x, c, s if i == 0 else 1, t)
                idx += 1
        with b.scope(str(idx)):
            x = b.relu6(b.conv_bn(x, 1280, 1, pad=0))
    x = b.flatten(b.global_avgpool(x))
    with b.scope("classifier"):
        x = b.dense(b.dropout(x, 0.2), 1000)
    b.output(x, "logits")
    return b.build()


def _inverted_residual(b, x, out_ch, stride, expand):
    """MobileNetV2 block: 1x1 expand-relu6, 3x3 depthwise-relu6, 1x1 linear project."""
    in_ch = b.shape(x)[1]
    hidden = in_ch * expand
    y = x
    if expand != 1:
        y = b.relu6(b.conv_bn(y, hidden, 1, pad=0))
    y = b.relu6(b.conv_bn(y, hidden, 3, stride=stride, groups=hidden))
    y = b.conv_bn(y, out_ch, 1, pad=0)
    return b.add(x, y) if stride == 1 and in_ch == out_ch else y


@network("mobilenet_v2", "MobileNetV2 (width 1.0; depthwise convs, ReLU6 as Clip, "
                         "inverted residuals), 1x3x224x224 -> logits, opset 13",
         params=3.50e6, macs=0.30e9, source="MobileNetV2 paper Table 3 / torchvision")
def mobilenet_v2(seed=0):
    return _mobilenet_v2(NetBuilder("mobilenet_v2", seed=seed, doc="MobileNetV2"))


@network("mobilenet_v2_torchstyle", "mobilenet_v2 in torch.onnx.export idiom (Constant "
                                    "Clip bounds, Shape/Gather/Unsqueeze/Concat/Reshape "
                                    "flatten, Dropout, Identity, Gemm transB=1), opset 11",
         params=3.50e6, macs=0.30e9, source="MobileNetV2 paper Table 3 / torchvision")
def mobilenet_v2_torchstyle(seed=0):
    b = TorchStyleBuilder("mobilenet_v2_torchstyle", seed=seed, opset=11,
                          doc="MobileNetV2, torch.onnx.export idiom")
    return _mobilenet_v2(b)


def _mbconv(b, x, expand, kernel, stride, out_ch):
    """EfficientNet MBConv: 1x1 expand, depthwise kxk, squeeze-excite (on a
    quarter of the block's input channels), 1x1 project; SiLU = x * sigmoid(x)."""
    in_ch = b.shape(x)[1]
    y = x
    if expand != 1:
        y = b.swish(b.conv_bn(y, in_ch * expand, 1, pad=0, eps=1e-3))
    y = b.swish(b.conv_bn(y, b.shape(y)[1], kernel, stride=stride, groups=b.shape(y)[1],
                          eps=1e-3))
    y = _squeeze_excite(b, y, max(1, in_ch // 4), activation=b.swish)
    y = b.conv_bn(y, out_ch, 1, pad=0, eps=1e-3)
    return b.add(y, x) if stride == 1 and in_ch == out_ch else y


@network("efficientnet_b0", "EfficientNet-B0 (MBConv, SiLU as x*Sigmoid(x), squeeze-excite), "
                            "1x3x224x224 -> logits, opset 13",
         params=5.29e6, macs=0.39e9, source="EfficientNet paper Table 1 / torchvision")
def efficientnet_b0(seed=0):
    b = NetBuilder("efficientnet_b0", seed=seed, doc="EfficientNet-B0")
    x = _imagenet_input(b)
    with b.scope("features"):
        with b.scope("0"):
            x = b.swish(b.conv_bn(x, 32, 3, stride=2, eps=1e-3))
        # (expansion, kernel, first stride, output channels, repeats), paper Table 1.
        for stage, (e, k, s, c, n) in enumerate(
                [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                 (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)], start=1):
            for i in range(n):
                with b.scope(str(stage)), b.scope(str(i)):
                    x = _mbconv(b, x, e, k, s if i == 0 else 1, c)
        with b.scope("8"):
            x = b.swish(b.conv_bn(x, 1280, 1, pad=0, eps=1e-3))
    x = b.flatten(b.global_avgpool(x))
    with b.scope("classifier"):
        x = b.dense(b.dropout(x, 0.2), 1000)
    b.output(x, "logits")
    return b.build()


def _fire(b, x, squeeze, expand1x1, expand3x3):
    s = b.relu(b.conv(x, squeeze, 1, name="squeeze"))
    return b.concat([b.relu(b.conv(s, expand1x1, 1, name="expand1x1")),
                     b.relu(b.conv(s, expand3x3, 3, name="expand3x3"))])


@network("squeezenet1_1", "SqueezeNet 1.1 (fire modules, no BN), 1x3x224x224 -> logits, "
                          "opset 13",
         params=1.235e6, macs=0.35e9, source="torchvision squeezenet1_1")
def squeezenet1_1(seed=0):
    b = NetBuilder("squeezenet1_1", seed=seed, doc="SqueezeNet 1.1")
    x = _imagenet_input(b)
    with b.scope("features"):
        x = b.relu(b.conv(x, 64, 3, stride=2, pad=0))
        fire = 2  # the paper numbers the fire modules fire2..fire9
        for stage in [[(16, 64), (16, 64)], [(32, 128), (32, 128)],
                      [(48, 192), (48, 192), (64, 256), (64, 256)]]:
            x = b.maxpool(x, 3, stride=2, ceil_mode=True)
            for squeeze, expand in stage:
                with b.scope(f"fire{fire}"):
                    x = _fire(b, x, squeeze, expand, expand)
                fire += 1
    with b.scope("classifier"):
        x = b.relu(b.conv(b.dropout(x), 1000, 1))
    b.output(b.flatten(b.global_avgpool(x)), "logits")
    return b.build()


@network("densenet121", "DenseNet-121 (growth 32, blocks 6-12-24-16, every layer "
                        "concatenates all earlier maps), 1x3x224x224 -> logits, opset 13",
         params=7.98e6, macs=2.83e9, source="torchvision densenet121 (paper: 8.0 M)")
def densenet121(seed=0):
    b = NetBuilder("densenet121", seed=seed, doc="DenseNet-121")
    x = _imagenet_input(b)
    with b.scope("features"):
        x = b.relu(b.bn(b.conv(x, 64, 7, stride=2, bias=False, name="conv0"), name="norm0"))
        x = b.maxpool(x, 3, stride=2, pad=1)
        for block, layers in enumerate([6, 12, 24, 16], start=1):
            features = [x]
            for i in range(1, layers + 1):
                with b.scope(f"denseblock{block}"), b.scope(f"denselayer{i}"):
                    # Like torchvision: each layer concatenates every earlier map.
                    y = b.concat(features) if len(features) > 1 else features[0]
                    y = b.conv(b.relu(b.bn(y)), 4 * 32, 1, bias=False)
                    y = b.conv(b.relu(b.bn(y)), 32, 3, bias=False)
                features.append(y)
            x = b.concat(features)
            if block < 4:
                with b.scope(f"transition{block}"):
                    x = b.conv(b.relu(b.bn(x)), b.shape(x)[1] // 2, 1, bias=False)
                    x = b.avgpool(x, 2)
        x = b.relu(b.bn(x, name="norm5"))
    x = b.flatten(b.global_avgpool(x))
    b.output(b.dense(x, 1000, name="classifier"), "logits")
    return b.build()


def build(name, seed=0, calibrate_bn=True):
    """Returns the ModelProto of a registered network.

    `calibrate_bn=False` skips the batch-norm calibration in onnxruntime: the
    graph, parameter and MAC counts are the same, only the running statistics
    are not meaningful (enough for --list).
    """
    token = _CALIBRATE_BN.set(calibrate_bn)
    try:
        return NETWORKS[name].fn(seed)
    finally:
        _CALIBRATE_BN.reset(token)


# ---------------------------------------------------------------------------
# Deliberately invalid models for error-path tests
# ---------------------------------------------------------------------------


def _corrupt_unknown_op():
    """Relu -> CnncNoSuchOp (default domain, no schema): must be rejected."""
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])
    nodes = [helper.make_node("Relu", ["input"], ["r"], name="relu"),
             helper.make_node("CnncNoSuchOp", ["r"], ["output"], name="bogus")]
    graph = helper.make_graph(nodes, "unknown_op", [x], [y])
    opsets = [helper.make_opsetid("", 13)]
    # Not checked: onnx.checker rejects it too, which is the point.
    return helper.make_model(graph, opset_imports=opsets,
                             ir_version=helper.find_min_ir_version_for(opsets))


# The other corruptions each break one thing in resnet_mini (weights seed 0),
# named so that a good diagnostic can name the culprit: the node
# (`layer1.0.conv1`, ...; NetBuilder names a node's output like the node) or
# the tensor.


def _base_model():
    return build("resnet_mini", 0)


def _node(model, name):
    return next(n for n in model.graph.node if n.name == name)


def _initializer(model, name):
    return next(i for i in model.graph.initializer if i.name == name)


def _set_attr(node, name, value):
    for a in list(node.attribute):
        if a.name == name:
            node.attribute.remove(a)
    node.attribute.append(helper.make_attribute(name, value))


def _corrupt_truncated():
    """The serialized model cut in the middle of an initializer (bytes)."""
    data = _base_model().SerializeToString()
    return data[:len(data) // 2]


def _corrupt_initializer_size():
    """layer1.0.conv2.weight claims [16,16,3,3] (2304 floats) but holds 1536."""
    m = _base_model()
    w = _initializer(m, "layer1.0.conv2.weight")
    data = numpy_helper.to_array(w).reshape(-1)[:16 * 16 * 3 * 2]
    w.ClearField("float_data")
    w.raw_data = data.astype("<f4").tobytes()
    return m


def _corrupt_undefined_input():
    """layer1.0.conv2 reads `layer1.0.relu9`, which no node or input produces."""
    m = _base_model()
    _node(m, "layer1.0.conv2").input[0] = "layer1.0.relu9"
    return m


def _corrupt_cycle():
    """layer1.0.conv1 reads its block's output `layer1.0.relu2` (a cycle).

    conv1 -> bn1 -> relu1 -> conv2 -> bn2 -> add1 -> relu2 -> conv1; in a
    node list that ONNX requires to be topologically sorted, this shows as a
    use before definition.
    """
    m = _base_model()
    _node(m, "layer1.0.conv1").input[0] = "layer1.0.relu2"
    return m


def _corrupt_input_dim(value):
    def corrupt():
        """Graph input `input` declared [1, 3, VALUE, 64]."""
        m = _base_model()
        m.graph.input[0].type.tensor_type.shape.dim[2].dim_value = value
        return m
    corrupt.__doc__ = corrupt.__doc__.replace("VALUE", str(value))
    return corrupt


def _corrupt_bad_groups():
    """layer1.0.conv1 (16 -> 16 channels) with group=3, weight [16, 5, 3, 3]."""
    m = _base_model()
    conv = _node(m, "layer1.0.conv1")
    _set_attr(conv, "group", 3)
    w = _initializer(m, "layer1.0.conv1.weight")
    w.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(w)[:, :5].copy(), w.name))
    return m


def _corrupt_kernel_too_large():
    """Stem conv1 with a 67x3 kernel: the 64x64 input padded by 1 is 66 high."""
    m = _base_model()
    conv = _node(m, "conv1")
    _set_attr(conv, "kernel_shape", [67, 3])
    w = _initializer(m, "conv1.weight")
    rng = np.random.default_rng(0)
    w.CopyFrom(numpy_helper.from_array(
        rng.standard_normal((16, 3, 67, 3), dtype=np.float32) * np.float32(0.1), w.name))
    return m


CORRUPTIONS = {
    "unknown-op": _corrupt_unknown_op,
    "truncated": _corrupt_truncated,
    "initializer-size": _corrupt_initializer_size,
    "undefined-input": _corrupt_undefined_input,
    "cycle": _corrupt_cycle,
    "zero-dim": _corrupt_input_dim(0),
    "negative-dim": _corrupt_input_dim(-64),
    "bad-groups": _corrupt_bad_groups,
    "kernel-too-large": _corrupt_kernel_too_large,
}


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------

_FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16,
                TensorProto.DOUBLE}


def _skeleton(model, min_elements=4096):
    """`model` without the data of its large floating-point initializers.

    They become graph inputs of the same type and shape, so the checker and
    shape inference see the same graph without serialising every weight
    (seconds and gigabytes for VGG-16). Small initializers stay: shape
    computations (Reshape targets, Clip bounds) need their values.
    """
    g = model.graph
    big = {i.name for i in g.initializer
           if i.data_type in _FLOAT_TYPES and math.prod(i.dims) >= min_elements}
    if not big:
        return model
    weights = [helper.make_tensor_value_info(i.name, i.data_type, list(i.dims))
               for i in g.initializer if i.name in big]
    graph = helper.make_graph(list(g.node), g.name, list(g.input) + weights, list(g.output),
                              [i for i in g.initializer if i.name not in big],
                              value_info=list(g.value_info))
    skeleton = helper.make_model(graph, opset_imports=list(model.opset_import),
                                 ir_version=model.ir_version)
    return skeleton


def _static_shapes(g):
    """name -> shape of every tensor in graph `g` whose shape is fully static."""
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        tt = vi.type.tensor_type
        if tt.HasField("shape") and all(d.HasField("dim_value") for d in tt.shape.dim):
            shapes[vi.name] = tuple(d.dim_value for d in tt.shape.dim)
    for init in g.initializer:
        shapes[init.name] = tuple(init.dims)
    for node in g.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    shapes[node.output[0]] = tuple(a.t.dims)
    return shapes


def _eval_shape_op(node, values, shapes, opset):
    """numpy value of a shape-arithmetic node whose inputs are known, or None."""
    op, ins = node.op_type, list(node.input)
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if op == "Shape":
        if ins[0] not in shapes:
            return None
        dims = shapes[ins[0]]
        return np.array(dims[attrs.get("start", 0):attrs.get("end", len(dims))], np.int64)
    if not all(i in values for i in ins if i):
        return None
    v = [values[i] if i else None for i in ins]
    if op in ("Identity", "Cast"):
        return v[0].astype(helper.tensor_dtype_to_np_dtype(attrs["to"])) if op == "Cast" else v[0]
    if op == "Gather":
        return np.take(v[0], v[1], axis=attrs.get("axis", 0))
    if op in ("Unsqueeze", "Squeeze"):
        axes = attrs.get("axes") if opset < 13 else (list(v[1]) if len(v) > 1 else None)
        if op == "Squeeze":
            return np.squeeze(v[0], axis=tuple(axes) if axes is not None else None)
        out = v[0]
        for a in sorted(int(a) % (out.ndim + len(axes)) for a in axes):
            out = np.expand_dims(out, a)
        return out
    if op == "Concat":
        return np.concatenate(v, axis=attrs["axis"])
    binary = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}
    if op in binary:
        return binary[op](v[0], v[1])
    return None


def _fold_shape_arithmetic(model):
    """Copy of `model` with constant shape computations replaced by initializers.

    ONNX shape inference cannot see through e.g. torch's Shape -> Gather ->
    Unsqueeze -> Concat -> Reshape flatten at opset 11; folding those chains
    gives Reshape a constant target so inference can continue past it.
    """
    m = onnx.ModelProto()
    m.CopyFrom(model)
    opset = next((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), 1)
    values = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer
              if i.data_type == TensorProto.INT64}
    while True:
        shapes = _static_shapes(shape_inference.infer_shapes(m, data_prop=True).graph)
        folded = []
        for node in m.graph.node:
            if node.op_type == "Constant":
                attr = next((a for a in node.attribute if a.name == "value"), None)
                value = numpy_helper.to_array(attr.t) if attr is not None else None
            else:
                value = _eval_shape_op(node, values, shapes, opset)
            if value is not None and len(node.output) == 1:
                values[node.output[0]] = value
                folded.append(node)
        if not folded:
            return m
        for node in folded:
            m.graph.node.remove(node)
            m.graph.initializer.append(numpy_helper.from_array(
                np.asarray(values[node.output[0]]), node.output[0]))


def model_stats(model):
    """Returns (params, macs) computed from the graph.

    params: elements of floating-point initializers, except scalars (Clip
    bounds, dropout ratios) and BatchNormalization running mean/variance
    (PyTorch counts those as buffers, not parameters).
    macs: multiply-accumulates of Conv (N * C_out * spatial_out * C_in/group *
    kernel), Gemm (M * K * N) and MatMul nodes, from inferred shapes.
    """
    g = model.graph
    skeleton = _skeleton(model)
    shapes = _static_shapes(shape_inference.infer_shapes(skeleton, data_prop=True).graph)
    ops = {"Conv", "Gemm", "MatMul"}
    if any(t not in shapes for n in g.node if n.op_type in ops
           for t in list(n.input[:2]) + list(n.output[:1])):
        folded = _fold_shape_arithmetic(skeleton)
        shapes.update(_static_shapes(shape_inference.infer_shapes(folded).graph))

    buffers = {i for n in g.node if n.op_type == "BatchNormalization" for i in n.input[3:5]}
    params = sum(math.prod(i.dims) for i in g.initializer
                 if i.data_type in _FLOAT_TYPES and len(i.dims) and i.name not in buffers)

    def need(name, node):
        if name not in shapes:
            raise ValueError(f"{node.op_type} '{node.name}': shape of '{name}' unknown")
        return shapes[name]

    macs = 0
    for node in g.node:
        if node.op_type == "Conv":
            out, w = need(node.output[0], node), need(node.input[1], node)
            macs += out[0] * math.prod(out[1:]) * math.prod(w[1:])
        elif node.op_type == "Gemm":
            attrs = {a.name: a.i for a in node.attribute}
            a, bm = need(node.input[0], node), need(node.input[1], node)
            m, k = (a[1], a[0]) if attrs.get("transA") else a
            n = bm[0] if attrs.get("transB") else bm[1]
            macs += m * k * n
        elif node.op_type == "MatMul":
            a, bm = need(node.input[0], node), need(node.input[1], node)
            a2 = a if len(a) > 1 else (1,) + a
            b2 = bm if len(bm) > 1 else bm + (1,)
            batch = np.broadcast_shapes(a2[:-2], b2[:-2])
            macs += math.prod(batch) * a2[-2] * a2[-1] * b2[-1]
    return params, macs


def _human(n):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def check_in_onnxruntime(model, seed):
    """Runs `model` on a seeded standard-normal input; returns (ok, report)."""
    import onnxruntime as ort

    # Expose every float intermediate so the report can show the activation range.
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    inferred = shape_inference.infer_shapes(probe)
    for vi in inferred.graph.value_info:
        if vi.name not in known and vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            probe.graph.output.append(vi)
    sess = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    feeds = {i.name: rng.standard_normal([d.dim_value for d in i.type.tensor_type.shape.dim],
                                         dtype=np.float32) for i in model.graph.input}
    results = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))
    biggest = max(float(np.abs(v).max()) for v in results.values())
    ok = all(np.isfinite(v).all() for v in results.values())
    lines = [f"  onnxruntime (input seed {seed}): max |activation| {biggest:.3g}"]
    for o in model.graph.output:
        v = results[o.name].reshape(-1)
        top = np.sort(v)[::-1]
        gap = float(top[0] - top[1]) if v.size > 1 else float("inf")
        lines.append(f"  {o.name}: min {v.min():.4g} max {v.max():.4g} std {v.std():.4g} "
                     f"top-1 gap {gap:.3g}")
        is_probs = v.min() >= 0 and abs(v.sum() - 1) < 1e-3
        if v.size > 1 and (v.std() < 1e-3 or (is_probs and v.max() > 0.99)):
            lines.append(f"  {o.name}: degenerate output")
            ok = False
    if not ok:
        lines.append("  FAILED: non-finite or degenerate outputs")
    return ok, "\n".join(lines)


def list_networks(names):
    """Prints each network's parameters and MACs, counted on its graph, next to
    the published figures; returns False if any deviates beyond its tolerance."""
    all_ok = True
    print(f"{'network':26s} {'params':>9s} {'published':>9s} {'dev':>7s}  "
          f"{'GMACs':>7s} {'published':>9s} {'dev':>7s}  check")
    for name in names:
        net = NETWORKS[name]
        params, macs = model_stats(build(name, calibrate_bn=False))
        cols, ok = [], True
        for value, published, scale, fmt in ((params, net.params, 1e6, "{:8.2f}M"),
                                             (macs, net.macs, 1e9, "{:7.3f}")):
            cols.append(fmt.format(value / scale))
            if published is None:
                cols += [f"{'-':>9s}", f"{'':>7s}"]
                continue
            dev = value / published - 1
            ok &= abs(dev) <= net.tolerance
            cols += [f"{fmt.format(published / scale):>9s}", f"{dev * 100:+6.1f}%"]
        verdict = "-" if net.params is None else (
            f"ok (within {net.tolerance:.0%})" if ok else f"MISMATCH (> {net.tolerance:.0%})")
        print(f"{name:26s} {cols[0]:>9s} {cols[1]} {cols[2]}  {cols[3]:>7s} {cols[4]} "
              f"{cols[5]}  {verdict}")
        print(f"    {net.doc}" + (f"\n    published: {net.source}" if net.source else ""))
        all_ok &= ok
    return all_ok


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", help="directory for <name>.onnx files")
    p.add_argument("--only", help="comma-separated network names (default: all)")
    p.add_argument("--seed", type=int, default=0, help="weight seed (default 0)")
    p.add_argument("--low-rank-kernels", type=int, metavar="R",
                   help="draw every square NxN conv kernel with rank <= R (per group, "
                        "as an (out*N) x (in*N) matrix): losslessly factorizable")
    p.add_argument("--batch", type=int, default=1, metavar="N",
                   help="batch size of the networks' inputs (default 1); the output "
                        "files are then named <name>_b<N>.onnx")
    p.add_argument("--list", action="store_true", help="list the networks: parameters and MACs of each graph "
                        "against the published figures (exit status 1 on a mismatch)")
    p.add_argument("--check", action="store_true",
                   help="run each model in onnxruntime and report output statistics")
    p.add_argument("--corrupt", choices=sorted(CORRUPTIONS),
                   help="write an invalid model DIR/<kind>.onnx for error tests instead")
    args = p.parse_args(argv)

    if args.low_rank_kernels is not None:
        if args.low_rank_kernels < 1:
            p.error("--low-rank-kernels expects a rank >= 1")
        NetBuilder.low_rank_kernels = args.low_rank_kernels
    if args.batch < 1:
        p.error("--batch expects a size >= 1")
    NetBuilder.batch = args.batch
    names = args.only.split(",") if args.only else list(NETWORKS)
    unknown = [n for n in names if n not in NETWORKS]
    if unknown:
        p.error(f"unknown network(s): {', '.join(unknown)}; see --list")

    if args.list:
        return 0 if list_networks(names) else 1
    if not args.out:
        p.error("--out is required")
    os.makedirs(args.out, exist_ok=True)

    if args.corrupt:
        path = os.path.join(args.out, args.corrupt.replace("-", "_") + ".onnx")
        fn = CORRUPTIONS[args.corrupt]
        model = fn()
        with open(path, "wb") as f:  # not onnx.save: `truncated` is raw bytes
            f.write(model if isinstance(model, bytes) else model.SerializeToString())
        print(f"{args.corrupt}: {fn.__doc__.splitlines()[0]} -> {path}")
        return 0

    ok = True
    print(f"weights seed: {args.seed}")
    for name in names:
        model = build(name, args.seed)
        suffix = f"_b{args.batch}" if args.batch != 1 else ""
        path = os.path.join(args.out, f"{name}{suffix}.onnx")
        onnx.save(model, path)
        params, macs = model_stats(model)
        print(f"{name}: params={params} ({_human(params)}) MACs={macs} ({_human(macs)}) "
              f"-> {path}")
        if args.check:
            good, report = check_in_onnxruntime(model, args.seed)
            print(report)
            ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
