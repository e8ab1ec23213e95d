//===- Arguments.cpp - arguments of the layers of a .cnn network ----------===//
//
// The accessors that read a layer's bound arguments: each checks the kind of
// value and its range (sizes, kernels, strides and paddings up to kMaxDim,
// numbers within f32) and reports a wrong one at the argument.
//
//===----------------------------------------------------------------------===//

#include "dsl/MLIRGenImpl.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::dsl;


SrcLoc Generator::argLoc(LayerCall &c, unsigned i) {
  if (i < c.argLocs.size() && c.argLocs[i].file)
    return c.argLocs[i];
  return c.ast->getLoc();
}

static InFlightDiagnostic &argIntro(InFlightDiagnostic &&d, LayerCall &c,
                                    unsigned i) {
  return d << c.spec->name << ": argument '" << c.spec->params[i] << "' ";
}

FailureOr<Value> Generator::tensorArg(LayerCall &c, unsigned i) {
  const Val &v = *c.args[i];
  if (v.kind == Val::Tensor)
    return v.t;
  argIntro(error(argLoc(c, i)), c, i) << "must be a tensor, got "
                                      << describe(v);
  return failure();
}

FailureOr<int64_t> Generator::intArg(LayerCall &c, unsigned i, int64_t dflt) {
  if (!c.args[i])
    return dflt;
  const Val &v = *c.args[i];
  if (v.kind == Val::Int)
    return v.i;
  argIntro(error(argLoc(c, i)), c, i) << "must be an integer, got "
                                      << describe(v);
  return failure();
}

FailureOr<int64_t> Generator::sizeArg(LayerCall &c, unsigned i,
                                     int64_t dflt) {
  auto v = intArg(c, i, dflt);
  if (::failed(v))
    return failure();
  if (*v <= 0 || *v > kMaxDim) {
    argIntro(error(argLoc(c, i)), c, i)
        << (*v <= 0 ? "must be positive" : "is larger than the limit of ")
        << (*v <= 0 ? "" : std::to_string(kMaxDim)) << ", got " << *v;
    return failure();
  }
  return v;
}

/// Whether `v` converts to f32 without undefined behavior (finite values
/// beyond the f32 range do not).
static bool fitsF32(double v) {
  return !std::isfinite(v) || std::fabs(v) <= std::numeric_limits<float>::max();
}

FailureOr<double> Generator::floatArg(LayerCall &c, unsigned i, double dflt) {
  if (!c.args[i])
    return dflt;
  const Val &v = *c.args[i];
  if (v.isNumber() && !fitsF32(v.number())) {
    argIntro(error(argLoc(c, i)), c, i)
        << "is " << describe(v) << ", beyond the range of f32";
    return failure();
  }
  if (v.isNumber())
    return v.number();
  argIntro(error(argLoc(c, i)), c, i) << "must be a number, got "
                                      << describe(v);
  return failure();
}

FailureOr<bool> Generator::boolArg(LayerCall &c, unsigned i, bool dflt) {
  if (!c.args[i])
    return dflt;
  const Val &v = *c.args[i];
  if (v.kind == Val::Bool)
    return v.b;
  argIntro(error(argLoc(c, i)), c, i) << "must be true or false, got "
                                      << describe(v);
  return failure();
}

FailureOr<std::string> Generator::stringArg(LayerCall &c, unsigned i,
                                            StringRef dflt) {
  if (!c.args[i])
    return dflt.str();
  const Val &v = *c.args[i];
  if (v.kind == Val::Str)
    return v.s;
  argIntro(error(argLoc(c, i)), c, i) << "must be a string, got "
                                      << describe(v);
  return failure();
}

FailureOr<std::pair<int64_t, int64_t>>
Generator::pairArg(LayerCall &c, unsigned i,
                   std::pair<int64_t, int64_t> dflt) {
  if (!c.args[i])
    return dflt;
  const Val &v = *c.args[i];
  std::pair<int64_t, int64_t> p;
  if (v.kind == Val::Int) {
    p = {v.i, v.i};
  } else if (v.kind == Val::List && v.list.size() == 2 &&
             v.list[0].kind == Val::Int && v.list[1].kind == Val::Int) {
    p = {v.list[0].i, v.list[1].i};
  } else {
    argIntro(error(argLoc(c, i)), c, i)
        << "must be an integer or a pair [h, w], got " << describe(v);
    return failure();
  }
  if (p.first <= 0 || p.second <= 0) {
    argIntro(error(argLoc(c, i)), c, i)
        << "must be positive, got [" << p.first << ", " << p.second << "]";
    return failure();
  }
  if (p.first > kMaxDim || p.second > kMaxDim) {
    argIntro(error(argLoc(c, i)), c, i)
        << "is larger than the limit of " << kMaxDim << ", got ["
        << p.first << ", " << p.second << "]";
    return failure();
  }
  return p;
}

FailureOr<SmallVector<int64_t>> Generator::intListArg(LayerCall &c,
                                                      unsigned i) {
  const Val &v = *c.args[i];
  SmallVector<int64_t> out;
  if (v.kind == Val::List &&
      llvm::all_of(v.list, [](const Val &e) { return e.kind == Val::Int; })) {
    for (const Val &e : v.list) {
      if (e.i > kMaxDim || e.i < -kMaxDim) {
        argIntro(error(argLoc(c, i)), c, i)
            << "has the value " << e.i << ", beyond the limit of +-"
            << kMaxDim;
        return failure();
      }
      out.push_back(e.i);
    }
    return out;
  }
  argIntro(error(argLoc(c, i)), c, i) << "must be a list of integers, got "
                                      << describe(v);
  return failure();
}
