//===- Limits.cpp - the generator's side of the limits of Limits.h --------===//
//
// Evaluation steps and recursion depth, weight bytes, tensor types, list
// values and integer arithmetic, each checked where the network asks for
// more, with an error at the statement, expression or layer that does.
//
//===----------------------------------------------------------------------===//

#include "dsl/MLIRGenImpl.h"

#include "llvm/Support/Format.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::dsl;

bool Generator::step(const SrcLoc &loc, int64_t n) {
  if (stopped)
    return false;
  steps += n;
  if (steps <= kMaxSteps)
    return true;
  error(loc) << "the network takes more than " << kMaxSteps
             << " evaluation steps (statements and expressions) to generate; "
                "is a 'repeat' count too large?";
  stop();
  return false;
}

bool Generator::enter(const SrcLoc &loc) {
  if (evalDepth > kMaxEvalDepth && !stopped) {
    error(loc) << "the network nests too deeply to generate: more than "
               << kMaxEvalDepth << " levels of statements, expressions and "
               << "block calls";
    stop();
  }
  return step(loc);
}

static std::string bytesStr(uint64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << bytes << " bytes";
  if (bytes >= (uint64_t(1) << 30))
    os << " (" << llvm::format("%.1f", (double)bytes / (1 << 30)) << " GiB)";
  return s;
}

FailureOr<int64_t> Generator::weightElements(LayerCall &call, StringRef suffix,
                                             ArrayRef<int64_t> shape) {
  std::optional<int64_t> n = checkedProduct(shape);
  if (!n || *n > kMaxTensorElements) {
    error(call.loc) << "layer '" << call.name << "': weight '" << call.name
                    << "." << suffix << "' of shape " << shapeStr(shape)
                    << " has more than " << kMaxTensorElements
                    << " elements, the limit of one tensor";
    return failure();
  }
  uint64_t bytes = uint64_t(*n) * sizeof(float);
  if (bytes > options.maxWeightBytes - std::min(weightBytes,
                                                options.maxWeightBytes)) {
    error(call.loc) << "layer '" << call.name << "': weight '" << call.name
                    << "." << suffix << "' of shape " << shapeStr(shape)
                    << " needs " << bytesStr(bytes) << ", and the network's "
                    << "weights would pass the limit of "
                    << bytesStr(options.maxWeightBytes) << " ("
                    << bytesStr(weightBytes) << " before this layer)";
    return failure();
  }
  return *n;
}

LogicalResult Generator::checkTensorType(Type type, Location loc,
                                         const Twine &what) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(type).getShape();
  if (shape.size() > kMaxRank) {
    error(loc) << what << " has rank " << shape.size()
               << ", more than the limit of " << kMaxRank;
    return failure();
  }
  for (int64_t d : shape) {
    if (d > kMaxDim) {
      error(loc) << what << " " << shapeStr(shape) << " has a dimension "
                 << d << ", larger than the limit of " << kMaxDim;
      return failure();
    }
  }
  std::optional<int64_t> n = checkedProduct(shape);
  if (!n || *n > kMaxTensorElements) {
    error(loc) << what << " " << shapeStr(shape) << " has more than "
               << kMaxTensorElements << " elements, the limit of one tensor";
    return failure();
  }
  return success();
}

Val Generator::checkList(Val list, const SrcLoc &loc) {
  // A list made of a failed value failed too (and says nothing more).
  if (list.isPoison())
    return Val::poison();
  if (list.count > kMaxListValues || list.depth > kMaxNesting) {
    error(loc) << "a list of more than " << kMaxListValues
               << " values or nested more than " << kMaxNesting
               << " levels deep";
    return Val::poison();
  }
  return list;
}

Val Generator::intArith(const BinaryExprAST *b, int64_t x, int64_t y) {
  Tok op = b->getOp();
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
  case Tok::Plus:
    overflow = __builtin_add_overflow(x, y, &r);
    break;
  case Tok::Minus:
    overflow = __builtin_sub_overflow(x, y, &r);
    break;
  case Tok::Star:
    overflow = __builtin_mul_overflow(x, y, &r);
    break;
  default:
    if (y == 0) {
      error(b->getLoc()) << "division by zero";
      return Val::poison();
    }
    if (y == -1 && x == std::numeric_limits<int64_t>::min()) {
      overflow = true;
      break;
    }
    // Integer division rounds down, as channel arithmetic expects.
    r = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0)))
      --r;
    break;
  }
  if (overflow) {
    error(b->getLoc()) << "integer overflow: " << x << " "
                       << StringRef(tokName(op)).trim('\'') << " " << y
                       << " does not fit in 64 bits";
    return Val::poison();
  }
  return Val::ofInt(r);
}
