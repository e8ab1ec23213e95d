//===- NetworkReport.h - per-layer report of a cnn network ------*- C++ -*-===//
//
// What `cnnc --report` prints: for every layer its op, shapes, multiply-adds
// and the lowering it takes; then total MACs, parameter bytes and the peak of
// live activation bytes along the program order.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_ANALYSIS_NETWORKREPORT_H
#define CNNC_ANALYSIS_NETWORKREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace mlir::cnnc {

struct LayerReport {
  std::string name;     ///< layer (node) name from the location, or op#N
  std::string op;       ///< cnn op name, with its fused epilogue
  std::string inputs;   ///< input activation shapes
  std::string output;   ///< result shape
  std::string lowering; ///< what convert-cnn-to-linalg turns it into
  int64_t macs = 0;
};

struct NetworkReport {
  std::vector<LayerReport> layers;
  int64_t totalMacs = 0;
  int64_t parameterBytes = 0;  ///< constant operands (weights), each once
  int64_t activationBytes = 0; ///< sum of all layer outputs
  int64_t peakActivationBytes = 0; ///< max bytes live at once, program order
  int64_t inceptionBlocks = 0; ///< cnn.inception ops (cnn-recognize-blocks)
  int64_t residualBlocks = 0;  ///< cnn.residual ops
};

/// The code generation choices the report predicts.
struct ReportOptions {
  unsigned vectorBits = 256;  ///< the target's vector width
  int64_t winogradTile = 0;   ///< cnnc-cpu-winograd's `tile` (-1: off)
  /// Convolutions run one image at a time (cnn-split-batch), so choices
  /// that depend on the batch (Winograd's) are made for one image.
  bool perImage = false;
};

/// Builds the report of the entry function of a module at the cnn level.
FailureOr<NetworkReport> buildNetworkReport(ModuleOp module,
                                            const ReportOptions &options = {});

/// Prints `report` as an aligned table followed by the totals.
void printNetworkReport(const NetworkReport &report, llvm::raw_ostream &os);

} // namespace mlir::cnnc

#endif // CNNC_ANALYSIS_NETWORKREPORT_H
