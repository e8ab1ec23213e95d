//===- NetworkReport.cpp - per-layer report of a cnn network --------------===//

#include "cnnc/Analysis/NetworkReport.h"
#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::cnnc;

static std::string shapeOf(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt)
    return "?";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(rt.getShape(), os, "x");
  return s;
}

static int64_t bytesOf(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  if (!rt || !rt.hasStaticShape())
    return 0;
  return rt.getNumElements() * (rt.getElementTypeBitWidth() / 8);
}

static int64_t numElements(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// Multiply-adds and lowering of one op.
static std::pair<int64_t, std::string> describe(Operation *op,
                                                const ReportOptions &options) {
  return llvm::TypeSwitch<Operation *, std::pair<int64_t, std::string>>(op)
      .Case([&](cnn::Conv2DOp conv) {
        auto w = cast<RankedTensorType>(conv.getWeight().getType());
        int64_t perOutput = w.getDimSize(1) * w.getDimSize(2) * w.getDimSize(3);
        int64_t c = cast<RankedTensorType>(conv.getInput().getType())
                        .getDimSize(1);
        int64_t g = conv.getGroup();
        std::string lowering =
            g == 1 ? "linalg.conv_2d_nhwc_hwcf (vectorized)"
            : (g == c && w.getDimSize(0) == c) ? "linalg.depthwise_conv_2d_nchw_chw"
                                               : "linalg.conv_2d_ngchw_gfchw";
        auto out = cast<RankedTensorType>(conv.getResult().getType());
        auto ones = [](ArrayRef<int64_t> v) {
          return llvm::all_of(v, [](int64_t x) { return x == 1; });
        };
        if (g == 1 && w.getDimSize(2) == 3 && w.getDimSize(3) == 3 &&
            ones(conv.getStrides()) && ones(conv.getDilations()) &&
            conv.getWeight().getDefiningOp<arith::ConstantOp>() &&
            out.getElementType().isF32())
          if (int64_t m = selectWinogradTile(
                  options.perImage ? 1 : out.getDimSize(0), out.getDimSize(2), out.getDimSize(3), c,
                  out.getDimSize(1), options.vectorBits,
                  options.winogradTile))
            lowering = llvm::formatv("Winograd F({0}x{0},3x3), products "
                                     "vectorized",
                                     m)
                           .str();
        if (conv.getResidual() || conv.getActivation())
          lowering += " + epilogue";
        return std::make_pair(numElements(conv.getResult()) * perOutput,
                              lowering);
      })
      .Case([](cnn::DenseOp d) {
        auto a = cast<RankedTensorType>(d.getA().getType());
        int64_t k = a.getDimSize(d.getTransposeA() ? 0 : 1);
        return std::make_pair(numElements(d.getResult()) * k,
                              std::string("linalg.generic (contraction)"));
      })
      .Case([](cnn::MaxPool2DOp) {
        return std::make_pair(int64_t(0), std::string("linalg.pooling_nchw_max"));
      })
      .Case([](cnn::AvgPool2DOp) {
        return std::make_pair(int64_t(0),
                              std::string("linalg.pooling_nchw_sum + divide"));
      })
      .Case<cnn::GlobalAvgPoolOp, cnn::GlobalMaxPoolOp, cnn::SoftmaxOp>(
          [](Operation *) {
            return std::make_pair(int64_t(0),
                                  std::string("linalg.generic (reduction)"));
          })
      .Case([](cnn::ConcatOp) {
        return std::make_pair(int64_t(0), std::string("tensor.insert_slice"));
      })
      .Case<cnn::FlattenOp, cnn::ReshapeOp>([](Operation *) {
        return std::make_pair(int64_t(0),
                              std::string("tensor.collapse/expand_shape"));
      })
      .Case([](cnn::PadOp p) {
        return std::make_pair(int64_t(0), p.getMode() == "constant"
                                              ? std::string("tensor.pad")
                                              : std::string("linalg.generic (gather)"));
      })
      .Case([](cnn::LRNOp l) {
        return std::make_pair(numElements(l.getResult()) * l.getSize(),
                              std::string("linalg.generic (window sum)"));
      })
      .Default([](Operation *) {
        return std::make_pair(int64_t(0),
                              std::string("linalg.generic (elementwise)"));
      });
}

FailureOr<NetworkReport>
mlir::cnnc::buildNetworkReport(ModuleOp original,
                               const ReportOptions &options) {
  auto mainFunc = original.lookupSymbol<func::FuncOp>("cnnc_main");
  if (!mainFunc)
    return original.emitError("no function @cnnc_main to report on");
  NetworkReport report;
  mainFunc.walk([&](Operation *op) {
    report.inceptionBlocks += isa<cnn::InceptionOp>(op);
    report.residualBlocks += isa<cnn::ResidualOp>(op);
  });
  // Layers are reported one by one: blocks are looked through, on a copy.
  OwningOpRef<ModuleOp> flat = original.clone();
  cnn::inlineBlocks(*flat);
  ModuleOp module = *flat;
  auto func = module.lookupSymbol<func::FuncOp>("cnnc_main");
  llvm::DenseSet<Value> countedParams;
  // Last use of every activation, for the liveness walk.
  llvm::DenseMap<Value, Operation *> lastUse;
  func.walk([&](Operation *op) {
    for (Value v : op->getOperands())
      lastUse[v] = op;
  });
  int64_t live = 0;
  for (BlockArgument arg : func.getArguments())
    live += bytesOf(arg.getType());
  report.peakActivationBytes = live;
  int index = 0;
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    LayerReport layer;
    if (auto name = dyn_cast<NameLoc>(op.getLoc()))
      layer.name = name.getName().str();
    else
      layer.name = "op#" + std::to_string(index);
    ++index;
    layer.op = op.getName().getStringRef().str();
    if (auto conv = dyn_cast<cnn::Conv2DOp>(op)) {
      if (conv.getResidual())
        layer.op += "+residual";
      if (auto act = conv.getActivation())
        layer.op += "+" + act->str();
    }
    std::string inputs;
    for (Value v : op.getOperands()) {
      if (v.getDefiningOp<arith::ConstantOp>()) {
        if (countedParams.insert(v).second)
          report.parameterBytes += bytesOf(v.getType());
        continue;
      }
      if (!inputs.empty())
        inputs += ", ";
      inputs += shapeOf(v.getType());
    }
    layer.inputs = inputs;
    layer.output = op.getNumResults() ? shapeOf(op.getResult(0).getType()) : "";
    auto [macs, lowering] = describe(&op, options);
    layer.macs = macs;
    layer.lowering = lowering;
    report.totalMacs += macs;
    for (Value r : op.getResults()) {
      report.activationBytes += bytesOf(r.getType());
      live += bytesOf(r.getType());
    }
    report.peakActivationBytes = std::max(report.peakActivationBytes, live);
    // Operands whose last use is this op die here (function arguments stay
    // owned by the caller).
    llvm::SmallPtrSet<Value, 4> freed;
    for (Value v : op.getOperands())
      if (v.getDefiningOp() && !v.getDefiningOp<arith::ConstantOp>() &&
          lastUse.lookup(v) == &op && freed.insert(v).second)
        live -= bytesOf(v.getType());
    report.layers.push_back(std::move(layer));
  }
  return report;
}

static std::string human(int64_t n, const char *unit) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (n >= 1000000000)
    os << llvm::format("%.3f G", n / 1e9);
  else if (n >= 1000000)
    os << llvm::format("%.3f M", n / 1e6);
  else if (n >= 1000)
    os << llvm::format("%.3f K", n / 1e3);
  else
    os << n << " ";
  os << unit;
  return s;
}

void mlir::cnnc::printNetworkReport(const NetworkReport &report,
                                    llvm::raw_ostream &os) {
  size_t wName = 5, wOp = 2, wIn = 6, wOut = 6;
  for (const LayerReport &l : report.layers) {
    wName = std::max(wName, l.name.size());
    wOp = std::max(wOp, l.op.size());
    wIn = std::max(wIn, l.inputs.size());
    wOut = std::max(wOut, l.output.size());
  }
  auto row = [&](StringRef a, StringRef b, StringRef c, StringRef d,
                 StringRef e, StringRef f) {
    os << llvm::left_justify(a, wName) << "  " << llvm::left_justify(b, wOp)
       << "  " << llvm::left_justify(c, wIn) << "  "
       << llvm::left_justify(d, wOut) << "  " << llvm::right_justify(e, 14)
       << "  " << f << "\n";
  };
  row("layer", "op", "inputs", "output", "MACs", "lowering");
  for (const LayerReport &l : report.layers)
    row(l.name, l.op, l.inputs, l.output, std::to_string(l.macs), l.lowering);
  os << "total: " << report.layers.size() << " layers, "
     << human(report.totalMacs, "MACs") << " (" << report.totalMacs << ")"
     << ", parameters " << human(report.parameterBytes, "B")
     << ", activations " << human(report.activationBytes, "B")
     << " in all, peak live " << human(report.peakActivationBytes, "B")
     << "\n";
  os << "blocks: " << report.inceptionBlocks << " inception, "
     << report.residualBlocks << " residual\n";
}
