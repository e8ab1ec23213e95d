//===- Limits.h - what a .cnn file may ask of the compiler ------*- C++ -*-===//
//
// A .cnn file is a program: it can ask for any number of layers, any size of
// tensor and any depth of nesting. These limits (docs/dsl.md, "Limits") turn
// the requests no network makes into errors at the place that makes them,
// before anything is allocated, built or recursed into: so that a hostile or
// mistyped file gets a message, never a crash, a hang or an integer overflow.
//
// Every bound is far above what real networks use (ResNet-152 has about 500
// layers and 60M weights, nests blocks three deep and expressions a dozen).
// With dimensions below 2^31 and tensors below 2^36 elements, the products
// the cnn shape rules compute (spans, strides, element counts) stay far from
// 2^63.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_LIMITS_H
#define CNNC_FRONTENDS_DSL_LIMITS_H

#include "cnnc/Dialect/CNN/IR/CNNShapes.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>

namespace mlir::cnnc::dsl {

/// A dimension, channel count, unit count, kernel, stride, dilation, padding
/// or group count.
/// The cnn dialect's limit, 2^31 - 1.
constexpr int64_t kMaxDim = cnn::kMaxDimSize;
/// Elements of one tensor (an input, a layer's result or a weight): the cnn
/// dialect's limit, 2^36 (256 GiB of f32).
constexpr int64_t kMaxTensorElements = cnn::kMaxTensorElements;
/// Rank of a tensor.
constexpr unsigned kMaxRank = 8;
/// Nesting of the syntax: parentheses, lists, calls, operators (the height
/// of an expression, `a + b + c` being two levels), pipes, bodies of
/// `repeat`, `if` and `else if`. Also the nesting of list values.
constexpr unsigned kMaxNesting = 256;
/// Block instances inside block instances.
constexpr unsigned kMaxBlockDepth = 64;
/// Recursion of the generator: statements in bodies, expressions and block
/// calls together (about 1 KiB of stack a level). Above what the syntax of
/// one block allows (2 * kMaxNesting), so that it bounds deep chains of
/// blocks whose bodies nest deeply.
constexpr unsigned kMaxEvalDepth = 1024;
/// Layers (ops with a name) in a network, after unrolling.
constexpr int64_t kMaxLayers = 100000;
/// Statements executed plus expressions evaluated: bounds `repeat` bombs
/// that build nothing (`repeat 100000 { repeat 100000 { a = 1 } }`).
constexpr int64_t kMaxSteps = 50000000;
/// Values in one list, nested lists counted in full.
constexpr int64_t kMaxListValues = 65536;
/// `repeat` count.
constexpr int64_t kMaxRepeat = 100000;
/// Characters of a name or a string literal.
constexpr unsigned kMaxNameLength = 1024;
/// Characters of a layer's full name ("stage2.bottleneck1.conv1").
constexpr unsigned kMaxFullNameLength = 4096;
/// Errors reported before generation stops.
constexpr unsigned kMaxErrors = 50;

/// The product of `dims`, or nullopt when a dimension is negative or the
/// product overflows int64_t.
inline std::optional<int64_t> checkedProduct(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  return n;
}

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_LIMITS_H
