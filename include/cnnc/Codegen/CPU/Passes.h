//===- Passes.h - cnnc CPU codegen passes -----------------------*- C++ -*-===//
#ifndef CNNC_CODEGEN_CPU_PASSES_H
#define CNNC_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::cnnc {

#define GEN_PASS_DECL
#include "cnnc/Codegen/CPU/Passes.h.inc"

/// Register tile of an NHWC convolution: output pixels (ow) by filters (f),
/// and the input-channel step (c). When `split` is non-zero the output row
/// is cut there: pixels [0, split) use `ow`, the rest (fewer than `ow`) are
/// one tile of their own, so that every tile has a static shape.
/// `filtersOuter` puts the filter-block loop outside the pixel loops, so
/// that one block of weights stays in cache while every pixel uses it (for
/// weights too large to stay in cache whole).
/// When the remainder columns [split, OW) are too few pixels to hide the
/// FMA latency (fewer than 8 accumulators), they take a tile that runs
/// down the column instead: `restRows` output rows of one column by
/// `restF` filters; or, without a filter-block loop, `restRows` 0 and the
/// remainder's pixels by `restF` filters, a multiple of `f` (both 0 when
/// the remainder keeps the row tile).
struct ConvTile {
  int64_t ow, f, c;
  int64_t split = 0;
  int64_t restRows = 0, restF = 0;
  bool filtersOuter = false;
};

/// Weights above this many bytes are streamed once per filter block rather
/// than once per pixel block (about half of a 512 KiB L2).
inline constexpr int64_t kConvWeightCacheBytes = 256 * 1024;

/// Unit attribute that cnnc-outline-layers sets on a layer function's
/// tensor argument when the caller does not read the value after the call
/// (and it is not a network input): the layer may write its result over it.
inline constexpr llvm::StringLiteral kReusableArgAttr = "cnnc.reusable";

/// The tile for an output of `oh` rows of width `ow` with `f` filters over `c` input
/// channels and a `kh` x `kw` kernel on a target with `vectorBits`-wide
/// registers. `rowsFree`: the convolution is one block of a parallel loop
/// (a group, a Winograd point), so its rows are not the parallel tile and
/// a remainder may run down its columns.
ConvTile selectConvTile(int64_t oh, int64_t ow, int64_t f, int64_t c,
                        int64_t kh, int64_t kw, unsigned vectorBits,
                        bool rowsFree = false);

/// The Winograd output tile m (2 or 4) that cnnc-cpu-winograd gives a 3x3,
/// stride-1, undilated convolution with constant weights, `c` input
/// channels, `f` filters and an `n` x `oh` x `ow` output, or 0 when it stays
/// direct. `forced` is the pass's `tile` option (0: choose; 2 or 4: that
/// tile wherever the shapes allow it; negative: never).
int64_t selectWinogradTile(int64_t n, int64_t oh, int64_t ow, int64_t c,
                           int64_t f, unsigned vectorBits, int64_t forced);

#define GEN_PASS_REGISTRATION
#include "cnnc/Codegen/CPU/Passes.h.inc"

} // namespace mlir::cnnc

#endif // CNNC_CODEGEN_CPU_PASSES_H
