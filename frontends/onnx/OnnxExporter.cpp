//===- OnnxExporter.cpp - cnn dialect to ONNX -----------------------------===//
//
// One pass over @cnnc_main: arguments become graph inputs, constants
// initializers, each cnn op one node (silu two), func.return the graph
// outputs. Tensors are named after the node that makes them, outputs after
// their `cnnc.name`.
//
// Built with exceptions and RTTI (protobuf): nothing here derives from an
// MLIR class, and every exception is caught before it reaches MLIR.
//
//===----------------------------------------------------------------------===//

#include "onnx/OnnxExporter.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <onnx/onnx_pb.h>

#include <cstring>

using namespace mlir;
using namespace mlir::cnnc;
using ::onnx::AttributeProto;
using ::onnx::NodeProto;
using ::onnx::TensorProto;

namespace {

class Exporter {
public:
  Exporter(func::FuncOp func, ::onnx::GraphProto &graph)
      : func(func), graph(graph) {}

  LogicalResult run();
  bool usesHardSwish = false;

private:
  std::string unique(std::string name) {
    if (name.empty())
      name = "t";
    std::string base = name;
    for (int k = 1; !used.insert(name).second; ++k)
      name = base + "_" + std::to_string(k);
    return name;
  }

  /// The name in the op's NameLoc, looking through call sites and fusions.
  static std::string locName(Location loc) {
    if (auto n = dyn_cast<NameLoc>(loc))
      return n.getName().str();
    if (auto c = dyn_cast<CallSiteLoc>(loc))
      return locName(c.getCallee());
    if (auto f = dyn_cast<FusedLoc>(loc))
      for (Location l : f.getLocations())
        if (std::string s = locName(l); !s.empty())
          return s;
    return "";
  }

  std::string nodeName(Operation *op, StringRef opType) {
    std::string name = locName(op->getLoc());
    if (name.empty())
      name = opType.str() + "_" + std::to_string(counter++);
    return name;
  }

  static void setType(::onnx::ValueInfoProto &vi, Type t) {
    auto *tt = vi.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(TensorProto::FLOAT);
    auto *shape = tt->mutable_shape();
    for (int64_t d : cast<RankedTensorType>(t).getShape())
      shape->add_dim()->set_dim_value(d);
  }

  NodeProto &addNode(StringRef opType, StringRef name) {
    NodeProto *n = graph.add_node();
    n->set_op_type(opType.str());
    n->set_name(name.str());
    return *n;
  }

  /// The tensor name of `v` (an input, initializer or node output).
  std::string in(Value v) { return names.lookup(v); }

  /// Names the result of `op` and adds it as the node's output.
  void out(NodeProto &n, Value result, StringRef nodeName) {
    std::string name;
    auto it = outputNames.find(result);
    if (it != outputNames.end() && !it->second.empty()) {
      name = it->second; // reserved in run()
    } else {
      name = unique(nodeName.str());
    }
    names[result] = name;
    n.add_output(name);
  }

  static void attrInt(NodeProto &n, StringRef name, int64_t v) {
    AttributeProto *a = n.add_attribute();
    a->set_name(name.str());
    a->set_type(AttributeProto::INT);
    a->set_i(v);
  }
  static void attrFloat(NodeProto &n, StringRef name, float v) {
    AttributeProto *a = n.add_attribute();
    a->set_name(name.str());
    a->set_type(AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attrInts(NodeProto &n, StringRef name, ArrayRef<int64_t> v) {
    AttributeProto *a = n.add_attribute();
    a->set_name(name.str());
    a->set_type(AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }
  static void attrString(NodeProto &n, StringRef name, StringRef v) {
    AttributeProto *a = n.add_attribute();
    a->set_name(name.str());
    a->set_type(AttributeProto::STRING);
    a->set_s(v.str());
  }

  std::string addInitializer(StringRef name, ArrayRef<int64_t> shape,
                             int32_t type, const void *data, size_t bytes) {
    std::string n = unique(name.str());
    TensorProto *t = graph.add_initializer();
    t->set_name(n);
    t->set_data_type(type);
    for (int64_t d : shape)
      t->add_dims(d);
    t->set_raw_data(data, bytes);
    return n;
  }
  std::string floatScalar(StringRef name, float v) {
    return addInitializer(name, {}, TensorProto::FLOAT, &v, sizeof(v));
  }
  std::string int64s(StringRef name, ArrayRef<int64_t> v) {
    int64_t n = v.size();
    return addInitializer(name, {n}, TensorProto::INT64, v.data(),
                          v.size() * sizeof(int64_t));
  }

  LogicalResult exportConstant(arith::ConstantOp op);
  LogicalResult exportOp(Operation *op);

  func::FuncOp func;
  ::onnx::GraphProto &graph;
  llvm::DenseMap<Value, std::string> names;
  /// Values returned by the function -> their graph output names.
  llvm::DenseMap<Value, std::string> outputNames;
  llvm::StringSet<> used;
  int counter = 0;
};

} // namespace

LogicalResult Exporter::exportConstant(arith::ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.getElementType().isF32())
    return op.emitError() << "cannot export a constant of type "
                          << op.getType()
                          << " to ONNX (cnnc exports f32 tensors)";
  std::string name;
  ArrayRef<char> bytes;
  std::vector<float> values;
  if (auto res = dyn_cast<DenseResourceElementsAttr>(op.getValue())) {
    name = res.getRawHandle().getKey().str();
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return op.emitError() << "the data of weight '" << name
                            << "' is not available (elided resource?)";
    bytes = blob->getData();
  } else if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue())) {
    name = locName(op.getLoc());
    name = name.empty() ? "const" : name + ".const";
    for (APFloat v : dense.getValues<APFloat>())
      values.push_back(v.convertToFloat());
    bytes = ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                           values.size() * sizeof(float));
  } else {
    return op.emitError() << "cannot export constant " << op.getValue()
                          << " to ONNX";
  }
  if ((int64_t)bytes.size() != type.getNumElements() * 4)
    return op.emitError() << "weight '" << name << "' holds " << bytes.size()
                          << " bytes for type " << type;
  names[op.getResult()] =
      addInitializer(name, type.getShape(), TensorProto::FLOAT, bytes.data(),
                     bytes.size());
  return success();
}

LogicalResult Exporter::exportOp(Operation *op) {
  auto simple = [&](StringRef opType) -> NodeProto & {
    std::string name = unique(nodeName(op, opType));
    NodeProto &n = addNode(opType, name);
    for (Value v : op->getOperands())
      n.add_input(in(v));
    out(n, op->getResult(0), name);
    return n;
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](cnn::Conv2DOp c) {
        NodeProto &n = simple("Conv");
        auto w = cast<RankedTensorType>(c.getWeight().getType()).getShape();
        attrInts(n, "kernel_shape", w.drop_front(2));
        attrInts(n, "strides", c.getStrides());
        attrInts(n, "pads", c.getPads());
        attrInts(n, "dilations", c.getDilations());
        attrInt(n, "group", c.getGroup());
        return success();
      })
      .Case([&](cnn::MaxPool2DOp p) {
        NodeProto &n = simple("MaxPool");
        attrInts(n, "kernel_shape", p.getKernel());
        attrInts(n, "strides", p.getStrides());
        attrInts(n, "pads", p.getPads());
        attrInts(n, "dilations", p.getDilations());
        attrInt(n, "ceil_mode", p.getCeilMode());
        return success();
      })
      .Case([&](cnn::AvgPool2DOp p) {
        NodeProto &n = simple("AveragePool");
        attrInts(n, "kernel_shape", p.getKernel());
        attrInts(n, "strides", p.getStrides());
        attrInts(n, "pads", p.getPads());
        attrInt(n, "ceil_mode", p.getCeilMode());
        attrInt(n, "count_include_pad", p.getCountIncludePad());
        return success();
      })
      .Case([&](cnn::GlobalAvgPoolOp) {
        simple("GlobalAveragePool");
        return success();
      })
      .Case([&](cnn::GlobalMaxPoolOp) {
        simple("GlobalMaxPool");
        return success();
      })
      .Case([&](cnn::LRNOp l) {
        NodeProto &n = simple("LRN");
        attrInt(n, "size", l.getSize());
        attrFloat(n, "alpha", l.getAlpha().convertToFloat());
        attrFloat(n, "beta", l.getBeta().convertToFloat());
        attrFloat(n, "bias", l.getBias().convertToFloat());
        return success();
      })
      .Case([&](cnn::AddOp) {
        simple("Add");
        return success();
      })
      .Case([&](cnn::SubOp) {
        simple("Sub");
        return success();
      })
      .Case([&](cnn::MulOp) {
        simple("Mul");
        return success();
      })
      .Case([&](cnn::DivOp) {
        simple("Div");
        return success();
      })
      .Case([&](cnn::ReluOp) {
        simple("Relu");
        return success();
      })
      .Case([&](cnn::SigmoidOp) {
        simple("Sigmoid");
        return success();
      })
      .Case([&](cnn::TanhOp) {
        simple("Tanh");
        return success();
      })
      .Case([&](cnn::HardSwishOp) {
        usesHardSwish = true;
        simple("HardSwish");
        return success();
      })
      .Case([&](cnn::SiluOp s) {
        // x * sigmoid(x): ONNX has no SiLU before opset 24.
        std::string name = unique(nodeName(op, "Mul"));
        std::string sigName = unique(name + ".sigmoid");
        NodeProto &sig = addNode("Sigmoid", sigName);
        sig.add_input(in(s.getInput()));
        sig.add_output(sigName);
        NodeProto &mul = addNode("Mul", name);
        mul.add_input(in(s.getInput()));
        mul.add_input(sigName);
        out(mul, s.getResult(), name);
        return success();
      })
      .Case([&](cnn::ClipOp c) {
        std::string name = unique(nodeName(op, "Clip"));
        NodeProto &n = addNode("Clip", name);
        n.add_input(in(c.getInput()));
        n.add_input(floatScalar(name + ".min", c.getMin().convertToFloat()));
        n.add_input(floatScalar(name + ".max", c.getMax().convertToFloat()));
        out(n, c.getResult(), name);
        return success();
      })
      .Case([&](cnn::LeakyReluOp l) {
        NodeProto &n = simple("LeakyRelu");
        attrFloat(n, "alpha", l.getAlpha().convertToFloat());
        return success();
      })
      .Case([&](cnn::HardSigmoidOp h) {
        NodeProto &n = simple("HardSigmoid");
        attrFloat(n, "alpha", h.getAlpha().convertToFloat());
        attrFloat(n, "beta", h.getBeta().convertToFloat());
        return success();
      })
      .Case([&](cnn::BatchNormOp b) {
        NodeProto &n = simple("BatchNormalization");
        attrFloat(n, "epsilon", b.getEpsilon().convertToFloat());
        return success();
      })
      .Case([&](cnn::DenseOp d) {
        NodeProto &n = simple("Gemm");
        attrInt(n, "transA", d.getTransposeA());
        attrInt(n, "transB", d.getTransposeB());
        attrFloat(n, "alpha", d.getAlpha().convertToFloat());
        attrFloat(n, "beta", d.getBeta().convertToFloat());
        return success();
      })
      .Case([&](cnn::SoftmaxOp s) {
        NodeProto &n = simple("Softmax");
        attrInt(n, "axis", s.getAxis());
        return success();
      })
      .Case([&](cnn::FlattenOp f) {
        NodeProto &n = simple("Flatten");
        attrInt(n, "axis", f.getAxis());
        return success();
      })
      .Case([&](cnn::ConcatOp c) {
        NodeProto &n = simple("Concat");
        attrInt(n, "axis", c.getAxis());
        return success();
      })
      .Case([&](cnn::ReshapeOp r) {
        std::string name = unique(nodeName(op, "Reshape"));
        NodeProto &n = addNode("Reshape", name);
        n.add_input(in(r.getInput()));
        n.add_input(int64s(name + ".shape", r.getShape()));
        out(n, r.getResult(), name);
        return success();
      })
      .Case([&](cnn::PadOp p) {
        std::string name = unique(nodeName(op, "Pad"));
        NodeProto &n = addNode("Pad", name);
        n.add_input(in(p.getInput()));
        n.add_input(int64s(name + ".pads", p.getPads()));
        n.add_input(floatScalar(name + ".value", p.getValue().convertToFloat()));
        attrString(n, "mode", p.getMode());
        out(n, p.getResult(), name);
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitError()
               << "cannot export '" << other->getName()
               << "' to ONNX: cnnc exports cnn-level modules (cnn ops, "
                  "arith.constant weights)";
      });
}

LogicalResult Exporter::run() {
  Block &body = func.getBody().front();
  auto ret = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!ret)
    return func.emitError() << "expected func.return";
  // Output names first, so that the producing nodes can use them.
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto attr = func.getResultAttrOfType<StringAttr>(i, "cnnc.name");
    std::string name = attr ? attr.str() : "output_" + std::to_string(i);
    if (!outputNames.count(v) && !isa<BlockArgument>(v) &&
        !v.getDefiningOp<arith::ConstantOp>())
      outputNames[v] = name;
  }
  for (BlockArgument arg : body.getArguments()) {
    auto attr = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "cnnc.name");
    std::string name = unique(attr ? attr.str()
                                   : "input_" +
                                         std::to_string(arg.getArgNumber()));
    names[arg] = name;
    ::onnx::ValueInfoProto *vi = graph.add_input();
    vi->set_name(name);
    if (!isa<RankedTensorType>(arg.getType()))
      return func.emitError() << "input " << arg.getArgNumber()
                              << " is not a ranked tensor";
    setType(*vi, arg.getType());
  }
  // Output names are reserved before any node can take them.
  for (auto &kv : outputNames)
    if (!used.insert(kv.second).second)
      kv.second.clear();
  for (Operation &op : body.without_terminator()) {
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      if (failed(exportConstant(c)))
        return failure();
      continue;
    }
    if (op.getNumResults() != 1 ||
        !op.getDialect() || op.getDialect()->getNamespace() != "cnn")
      return op.emitError() << "cannot export '" << op.getName()
                            << "' to ONNX: cnnc exports cnn-level modules "
                               "(cnn ops, arith.constant weights)";
    if (failed(exportOp(&op)))
      return failure();
  }
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    auto attr = func.getResultAttrOfType<StringAttr>(i, "cnnc.name");
    std::string want = attr ? attr.str() : "output_" + std::to_string(i);
    std::string have = names.lookup(v);
    if (have != want) {
      // Returned twice, an input or a constant: an Identity names it.
      std::string name = unique(want);
      NodeProto &n = addNode("Identity", name);
      n.add_input(have);
      n.add_output(name);
      have = name;
    }
    ::onnx::ValueInfoProto *vi = graph.add_output();
    vi->set_name(have);
    setType(*vi, v.getType());
  }
  return success();
}

LogicalResult mlir::cnnc::exportCnnModuleToOnnx(ModuleOp module,
                                                llvm::raw_ostream &os,
                                                StringRef entryName) {
  auto func = module.lookupSymbol<func::FuncOp>(entryName);
  if (!func || func.isExternal())
    return module.emitError() << "cannot export to ONNX: the module has no "
                                 "function @"
                              << entryName
                              << " (a cnn-level module, as cnnc --emit=cnn "
                                 "writes it)";
  try {
    ::onnx::ModelProto model;
    model.set_ir_version(7);
    model.set_producer_name("cnnc");
    auto *graph = model.mutable_graph();
    auto nameAttr = module->getAttrOfType<StringAttr>("cnnc.model_name");
    graph->set_name(nameAttr && !nameAttr.getValue().empty() ? nameAttr.str()
                                                             : "cnnc");
    Exporter exporter(func, *graph);
    if (failed(exporter.run()))
      return failure();
    auto *opset = model.add_opset_import();
    opset->set_domain("");
    // HardSwish arrived in opset 14; nothing else here changed meaning.
    opset->set_version(exporter.usesHardSwish ? 14 : 13);
    std::string bytes;
    if (!model.SerializeToString(&bytes))
      return module.emitError() << "cannot serialize the ONNX model (over "
                                   "2 GiB?)";
    os.write(bytes.data(), bytes.size());
    return success();
  } catch (const std::exception &e) {
    return module.emitError() << "internal error while exporting to ONNX: "
                              << e.what();
  }
}
