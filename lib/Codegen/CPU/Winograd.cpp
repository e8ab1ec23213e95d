//===- Winograd.cpp - cnnc-cpu-winograd -----------------------------------===//
//
// 3x3 stride-1 convolutions as Winograd F(m x m, 3 x 3): filter transform at
// compile time, input and output transforms as vector code along the
// channel (filter) dimension of NHWC, and the alpha^2 products as a grouped
// 1x1 convolution that cnnc-cpu-vectorize-conv schedules. See the pass
// description in Passes.td and docs/passes.md.
//
//===----------------------------------------------------------------------===//

#include "BlockLoop.h"
#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CPUWINOGRADPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;
using namespace mlir::cnnc;

namespace {

/// The matrices of F(m x m, 3 x 3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks"): Y = A^T [(G g G^T) . (B^T d B)] A for an
/// alpha x alpha input tile d (alpha = m + 2), a 3x3 kernel g and an m x m
/// output tile Y, all row-major.
struct WinogradMatrices {
  int64_t m = 0, alpha = 0;
  SmallVector<double> bt; // alpha x alpha
  SmallVector<double> g;  // alpha x 3
  SmallVector<double> at; // m x alpha
};

WinogradMatrices getMatrices(int64_t m) {
  WinogradMatrices w;
  w.m = m;
  w.alpha = m + 2;
  if (m == 2) {
    w.bt = {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1};
    w.g = {1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1};
    w.at = {1, 1, 1, 0, 0, 1, -1, -1};
  } else {
    w.bt = {4, 0, -5, 0, 1, 0, 0, -4, -4, 1,  1, 0, 0, 4, -4, -1, 1, 0,
            0, -2, -1, 2, 1, 0, 0, 2,  -1, -2, 1, 0, 0, 4, 0,  -5, 0, 1};
    w.g = {1.0 / 4,   0,         0,         -1.0 / 6, -1.0 / 6, -1.0 / 6,
           -1.0 / 6,  1.0 / 6,   -1.0 / 6,  1.0 / 24, 1.0 / 12, 1.0 / 6,
           1.0 / 24,  -1.0 / 12, 1.0 / 6,   0,        0,        1};
    w.at = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2,  -2, 0,
            0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1};
  }
  return w;
}

/// Relative cost of F(m x m, 3 x 3) on an oh x ow output: products per
/// output pixel, counting the pixels of overhanging tiles.
double tileCost(int64_t m, int64_t oh, int64_t ow) {
  int64_t alpha = m + 2;
  int64_t th = (oh + m - 1) / m, tw = (ow + m - 1) / m;
  return double(alpha * alpha * th * tw) / double(oh * ow);
}

/// The elementwise epilogue of a convolution that the output transform can
/// apply to its vectors: the only user of the convolution's result, a
/// linalg.generic with all-parallel loops over the output shape, an
/// identity output map, inputs read at the same pixel (identity map) or per
/// filter (map (n, h, w, f) -> (f)), and a body of scalar arith and math
/// ops.
struct Epilogue {
  linalg::GenericOp op;
  unsigned convInput = 0;
};

bool isPerFilterMap(AffineMap map) {
  return map.getNumDims() == 4 && map.getNumResults() == 1 &&
         map.getResult(0) == getAffineDimExpr(3, map.getContext());
}

std::optional<Epilogue> matchEpilogue(linalg::Conv2DNhwcHwcfOp conv) {
  Value result = conv.getResult(0);
  if (!result.hasOneUse())
    return std::nullopt;
  auto g = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  if (!g || g.getNumDpsInits() != 1 || g.getNumLoops() != 4 ||
      g.getNumParallelLoops() != 4 || g->getNumResults() != 1 ||
      g.getResultTypes()[0] != result.getType())
    return std::nullopt;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return std::nullopt;
  Epilogue e{g, 0};
  bool found = false;
  for (OpOperand *in : g.getDpsInputOperands()) {
    AffineMap map = maps[in->getOperandNumber()];
    if (in->get() == result) {
      if (found || !map.isIdentity())
        return std::nullopt;
      found = true;
      e.convInput = in->getOperandNumber();
      continue;
    }
    auto t = dyn_cast<RankedTensorType>(in->get().getType());
    if (!t || !t.getElementType().isF32() ||
        !(map.isIdentity() || isPerFilterMap(map)))
      return std::nullopt;
  }
  if (!found)
    return std::nullopt;
  Block &body = g.getRegion().front();
  for (Operation &op : body.without_terminator()) {
    StringRef dialect = op.getDialect() ? op.getDialect()->getNamespace() : "";
    if ((dialect != "arith" && dialect != "math") || op.getNumRegions() ||
        op.getNumResults() != 1)
      return std::nullopt;
    auto scalar = [](Type t) { return t.isF32() || t.isInteger(1); };
    if (!llvm::all_of(op.getOperandTypes(), scalar) ||
        !llvm::all_of(op.getResultTypes(), scalar))
      return std::nullopt;
    if (auto cst = dyn_cast<arith::ConstantOp>(op))
      if (!isa<FloatAttr>(cst.getValue()))
        return std::nullopt;
  }
  for (Value v : body.getTerminator()->getOperands())
    if (!v.getType().isF32())
      return std::nullopt;
  return e;
}

/// Builds the vector code of one rewrite.
class WinogradBuilder {
public:
  WinogradBuilder(RewriterBase &rw, linalg::Conv2DNhwcHwcfOp conv,
                  std::optional<Epilogue> epilogue, int64_t m, int64_t vl)
      : rw(rw), conv(conv), epilogue(epilogue), w(getMatrices(m)), vl(vl),
        loc(conv.getLoc()) {
    auto in = cast<RankedTensorType>(conv.getInputs()[0].getType());
    auto out = cast<RankedTensorType>(conv.getResultTypes()[0]);
    n = out.getDimSize(0);
    oh = out.getDimSize(1);
    ow = out.getDimSize(2);
    f = out.getDimSize(3);
    c = in.getDimSize(3);
    th = (oh + m - 1) / m;
    tw = (ow + m - 1) / m;
    f32 = rw.getF32Type();
    vec = VectorType::get({vl}, f32);
  }

  /// Replaces the convolution (and its epilogue) with the Winograd form.
  void rewrite(ArrayRef<float> hwcf, Value init);

private:
  Value idx(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  Value splat(OpBuilder &b, double v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vec, ArrayRef<float>{float(v)}));
  }
  Value read(OpBuilder &b, Value source, ValueRange indices) {
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    return vector::TransferReadOp::create(b, loc, vec, source, indices, pad,
                                          ArrayRef<bool>{true});
  }
  Value write(OpBuilder &b, Value v, Value dest, ValueRange indices) {
    return vector::TransferWriteOp::create(b, loc, v, dest, indices,
                                           ArrayRef<bool>{true})
        .getResult();
  }
  /// sum_k coeffs[k] * vs[k]: additions and subtractions for +-1, FMAs with
  /// a splat constant otherwise, nothing for 0.
  Value combine(OpBuilder &b, ArrayRef<double> coeffs, ArrayRef<Value> vs);
  /// The (batch, tile row) of iteration `iv` of a loop over n * rows.
  std::pair<Value, Value> splitIndex(OpBuilder &b, Value iv, int64_t rows);
  Value inputTransform(Value padded);
  Value outputTransform(Value products, Value init);
  /// Output tiles (tRow, tCol) of batch `batch` with `rows` x `cols` valid
  /// pixels into `dest`, a slice of the output starting at row `sliceRow0`
  /// (absolute row `row0`); returns the updated slice.
  Value outputTile(OpBuilder &b, Value products, Value dest, Value batch,
                   Value tRow, Value tCol, Value row0, int64_t rows,
                   int64_t cols);
  /// One tile row of the output: full tiles in a loop, then the partial
  /// last column tile.
  Value outputRow(OpBuilder &b, Value products, Value dest, Value batch,
                  Value tRow, Value row0, int64_t rows);
  /// The epilogue on the vector `v` of output pixel (batch, h, wIdx) and
  /// filters [fIdx, fIdx + vl); `dest`/`destIdx` hold its current value.
  Value applyEpilogue(OpBuilder &b, Value v, ValueRange absIdx, Value dest,
                      ValueRange destIdx);

  RewriterBase &rw;
  linalg::Conv2DNhwcHwcfOp conv;
  std::optional<Epilogue> epilogue;
  WinogradMatrices w;
  int64_t vl;
  Location loc;
  int64_t n, oh, ow, f, c, th, tw;
  Type f32;
  VectorType vec;
};

Value WinogradBuilder::combine(OpBuilder &b, ArrayRef<double> coeffs,
                               ArrayRef<Value> vs) {
  Value acc;
  for (auto [k, v] : llvm::zip(coeffs, vs)) {
    if (k == 0)
      continue;
    if (!acc) {
      acc = k == 1    ? v
            : k == -1 ? arith::NegFOp::create(b, loc, v).getResult()
                      : arith::MulFOp::create(b, loc, splat(b, k), v).getResult();
      continue;
    }
    if (k == 1)
      acc = arith::AddFOp::create(b, loc, acc, v);
    else if (k == -1)
      acc = arith::SubFOp::create(b, loc, acc, v);
    else
      acc = vector::FMAOp::create(b, loc, splat(b, k), v, acc);
  }
  return acc ? acc : splat(b, 0);
}

std::pair<Value, Value> WinogradBuilder::splitIndex(OpBuilder &b, Value iv,
                                                    int64_t rows) {
  if (n == 1)
    return {idx(b, 0), iv};
  Value r = idx(b, rows);
  return {arith::DivUIOp::create(b, loc, iv, r),
          arith::RemUIOp::create(b, loc, iv, r)};
}

Value WinogradBuilder::inputTransform(Value padded) {
  int64_t a = w.alpha, m = w.m;
  auto vType = RankedTensorType::get({n, th, tw, a * a, c}, f32);
  Value empty = tensor::EmptyOp::create(rw, loc, vType.getShape(), f32);
  auto rowType = RankedTensorType::get({1, 1, tw, a * a, c}, f32);
  auto loop = buildBlockLoop(
      rw, loc, n * th, empty, [&](OpBuilder &b, Value iv, Value shared) {
        // (Plain variables: the nested loop body captures them.)
        Value batch, tRow;
        std::tie(batch, tRow) = splitIndex(b, iv, th);
        auto i0 = b.getIndexAttr(0), i1 = b.getIndexAttr(1);
        Slice slice{{batch, tRow, i0, i0, i0},
                    {i1, i1, b.getIndexAttr(tw), b.getIndexAttr(a * a),
                     b.getIndexAttr(c)}};
        Value rowSlice = extractSlice(b, loc, rowType, shared, slice);
        Value h0 = arith::MulIOp::create(b, loc, tRow, idx(b, m));
        auto tiles = scf::ForOp::create(
            b, loc, idx(b, 0), idx(b, tw), idx(b, 1), ValueRange{rowSlice},
            [&](OpBuilder &b, Location, Value tCol, ValueRange args) {
              Value w0 = arith::MulIOp::create(b, loc, tCol, idx(b, m));
              auto chans = scf::ForOp::create(
                  b, loc, idx(b, 0), idx(b, c), idx(b, vl), args,
                  [&](OpBuilder &b, Location, Value ch, ValueRange acc) {
                    SmallVector<Value> d(a * a), t(a * a);
                    for (int64_t i = 0; i < a; ++i)
                      for (int64_t j = 0; j < a; ++j) {
                        Value h = arith::AddIOp::create(b, loc, h0, idx(b, i));
                        Value x = arith::AddIOp::create(b, loc, w0, idx(b, j));
                        d[i * a + j] = read(b, padded, {batch, h, x, ch});
                      }
                    // t = d B (rows of d times the columns of B = rows of
                    // B^T), then V = B^T t.
                    ArrayRef<double> bt = w.bt;
                    for (int64_t i = 0; i < a; ++i)
                      for (int64_t q = 0; q < a; ++q)
                        t[i * a + q] = combine(
                            b, bt.slice(q * a, a),
                            ArrayRef<Value>(d).slice(i * a, a));
                    Value out = acc[0];
                    Value zero = idx(b, 0);
                    for (int64_t p = 0; p < a; ++p)
                      for (int64_t q = 0; q < a; ++q) {
                        SmallVector<Value> col;
                        for (int64_t i = 0; i < a; ++i)
                          col.push_back(t[i * a + q]);
                        Value v = combine(b, bt.slice(p * a, a), col);
                        out = write(b, v, out,
                                    {zero, zero, tCol, idx(b, p * a + q), ch});
                      }
                    scf::YieldOp::create(b, loc, out);
                  });
              scf::YieldOp::create(b, loc, chans.getResults());
            });
        return std::make_pair(tiles.getResult(0), slice);
      });
  return loop.getResult(0);
}

Value WinogradBuilder::applyEpilogue(OpBuilder &b, Value v, ValueRange absIdx,
                                     Value dest, ValueRange destIdx) {
  if (!epilogue)
    return v;
  linalg::GenericOp g = epilogue->op;
  Block &body = g.getRegion().front();
  IRMapping map;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  for (OpOperand *in : g.getDpsInputOperands()) {
    unsigned k = in->getOperandNumber();
    BlockArgument arg = body.getArgument(k);
    if (k == epilogue->convInput)
      map.map(arg, v);
    else if (!arg.use_empty())
      map.map(arg, maps[k].isIdentity()
                       ? read(b, in->get(), absIdx)
                       : read(b, in->get(), ValueRange{absIdx[3]}));
  }
  BlockArgument outArg = body.getArgument(g.getNumDpsInputs());
  if (!outArg.use_empty())
    map.map(outArg, read(b, dest, destIdx));
  auto vectorOf = [&](Type t) { return VectorType::get({vl}, t); };
  for (Operation &op : body.without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
      map.map(cst.getResult(),
              splat(b, cast<FloatAttr>(cst.getValue()).getValueAsDouble()));
      continue;
    }
    OperationState state(op.getLoc(), op.getName());
    for (Value operand : op.getOperands()) {
      Value mapped = map.lookupOrNull(operand);
      if (!mapped) // A scalar from outside the body: broadcast it.
        mapped = vector::BroadcastOp::create(
            b, loc, vectorOf(operand.getType()), operand);
      state.addOperands(mapped);
    }
    state.addAttributes(op.getAttrs());
    for (Type t : op.getResultTypes())
      state.addTypes(vectorOf(t));
    Operation *clone = b.create(state);
    map.map(op.getResult(0), clone->getResult(0));
  }
  return map.lookup(body.getTerminator()->getOperand(0));
}

Value WinogradBuilder::outputTile(OpBuilder &b, Value products, Value dest,
                                  Value batch, Value tRow, Value tCol,
                                  Value row0, int64_t rows, int64_t cols) {
  int64_t a = w.alpha, m = w.m;
  auto loop = scf::ForOp::create(
      b, loc, idx(b, 0), idx(b, f), idx(b, vl), ValueRange{dest},
      [&](OpBuilder &b, Location, Value fi, ValueRange acc) {
        SmallVector<Value> mv(a * a), t(a * m);
        for (int64_t p = 0; p < a * a; ++p)
          mv[p] = read(b, products, {batch, tRow, tCol, idx(b, p), fi});
        // t = M A (alpha x m), then Y = A^T t (m x m).
        ArrayRef<double> at = w.at;
        for (int64_t p = 0; p < a; ++p)
          for (int64_t j = 0; j < m; ++j)
            t[p * m + j] = combine(b, at.slice(j * a, a),
                                   ArrayRef<Value>(mv).slice(p * a, a));
        Value out = acc[0];
        Value w0 = arith::MulIOp::create(b, loc, tCol, idx(b, m));
        for (int64_t i = 0; i < rows; ++i) {
          SmallVector<Value> col(a);
          Value h = arith::AddIOp::create(b, loc, row0, idx(b, i));
          for (int64_t j = 0; j < cols; ++j) {
            for (int64_t p = 0; p < a; ++p)
              col[p] = t[p * m + j];
            Value y = combine(b, at.slice(i * a, a), col);
            Value x = arith::AddIOp::create(b, loc, w0, idx(b, j));
            SmallVector<Value> destIdx{idx(b, 0), idx(b, i), x, fi};
            y = applyEpilogue(b, y, {batch, h, x, fi}, out, destIdx);
            out = write(b, y, out, destIdx);
          }
        }
        scf::YieldOp::create(b, loc, out);
      });
  return loop.getResult(0);
}

Value WinogradBuilder::outputRow(OpBuilder &b, Value products, Value dest,
                                 Value batch, Value tRow, Value row0,
                                 int64_t rows) {
  int64_t m = w.m, fullCols = ow / m;
  Value result = dest;
  if (fullCols > 0)
    result = scf::ForOp::create(
                 b, loc, idx(b, 0), idx(b, fullCols), idx(b, 1),
                 ValueRange{dest},
                 [&](OpBuilder &b, Location, Value tCol, ValueRange acc) {
                   scf::YieldOp::create(
                       b, loc,
                       outputTile(b, products, acc[0], batch, tRow, tCol,
                                  row0, rows, m));
                 })
                 .getResult(0);
  if (ow % m)
    result = outputTile(b, products, result, batch, tRow, idx(b, fullCols),
                        row0, rows, ow % m);
  return result;
}

Value WinogradBuilder::outputTransform(Value products, Value init) {
  int64_t m = w.m, fullRows = oh / m;
  Value result = init;
  auto rowType = [&](int64_t rows) {
    return RankedTensorType::get({1, rows, ow, f}, f32);
  };
  auto rowSlice = [&](OpBuilder &b, OpFoldResult batch, OpFoldResult h,
                      int64_t rows) {
    auto i0 = b.getIndexAttr(0), i1 = b.getIndexAttr(1);
    return Slice{{batch, h, i0, i0},
                 {i1, b.getIndexAttr(rows), b.getIndexAttr(ow),
                  b.getIndexAttr(f)}};
  };
  if (fullRows > 0)
    result = buildBlockLoop(
                 rw, loc, n * fullRows, init,
                 [&](OpBuilder &b, Value iv, Value shared) {
                   auto [batch, tRow] = splitIndex(b, iv, fullRows);
                   Value h = arith::MulIOp::create(b, loc, tRow, idx(b, m));
                   Slice slice = rowSlice(b, batch, h, m);
                   Value dest =
                       extractSlice(b, loc, rowType(m), shared, slice);
                   return std::make_pair(
                       outputRow(b, products, dest, batch, tRow, h, m),
                       slice);
                 })
                 .getResult(0);
  if (int64_t rows = oh % m)
    for (int64_t bi = 0; bi < n; ++bi) {
      Value batch = idx(rw, bi), h = idx(rw, fullRows * m);
      Slice slice = rowSlice(rw, rw.getIndexAttr(bi),
                             rw.getIndexAttr(fullRows * m), rows);
      Value dest = extractSlice(rw, loc, rowType(rows), result, slice);
      Value row = outputRow(rw, products, dest, batch, idx(rw, fullRows), h,
                            rows);
      SmallVector<OpFoldResult> ones(4, rw.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rw, loc, row, result,
                                             slice.offsets, slice.sizes, ones);
    }
  return result;
}

void WinogradBuilder::rewrite(ArrayRef<float> hwcf, Value init) {
  int64_t a = w.alpha, m = w.m;
  Operation *anchor = epilogue ? epilogue->op.getOperation() : conv;
  rw.setInsertionPoint(anchor);

  // Filter transform U = G g G^T per (filter, channel), in GFHWC order
  // [alpha^2][F][1][1][C] for the grouped 1x1 convolution.
  SmallVector<float> u(a * a * f * c);
  for (int64_t fi = 0; fi < f; ++fi)
    for (int64_t ci = 0; ci < c; ++ci) {
      double gt[8][3]; // G g: alpha x 3
      for (int64_t p = 0; p < a; ++p)
        for (int64_t j = 0; j < 3; ++j) {
          double s = 0;
          for (int64_t i = 0; i < 3; ++i)
            s += w.g[p * 3 + i] * hwcf[((i * 3 + j) * c + ci) * f + fi];
          gt[p][j] = s;
        }
      for (int64_t p = 0; p < a; ++p)
        for (int64_t q = 0; q < a; ++q) {
          double s = 0;
          for (int64_t j = 0; j < 3; ++j)
            s += gt[p][j] * w.g[q * 3 + j];
          u[((p * a + q) * f + fi) * c + ci] = float(s);
        }
    }
  Value weights = cnn::createWeightConstant(
      rw, loc, RankedTensorType::get({a * a, f, 1, 1, c}, f32), u,
      cnn::weightName(loc, m == 2 ? "winograd2" : "winograd4"));

  // The input, zero-extended to whole tiles where they overhang it.
  Value input = conv.getInputs()[0];
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t eh = th * m + 2, ew = tw * m + 2;
  if (eh > inType.getDimSize(1) || ew > inType.getDimSize(2)) {
    auto padType = RankedTensorType::get({n, eh, ew, c}, f32);
    Value empty = tensor::EmptyOp::create(rw, loc, padType.getShape(), f32);
    Value zero = arith::ConstantOp::create(rw, loc, rw.getF32FloatAttr(0));
    Value filled =
        linalg::FillOp::create(rw, loc, zero, empty).getResult(0);
    SmallVector<OpFoldResult> zeros(4, rw.getIndexAttr(0)),
        ones(4, rw.getIndexAttr(1)), sizes;
    for (int64_t s : inType.getShape())
      sizes.push_back(rw.getIndexAttr(s));
    input = tensor::InsertSliceOp::create(rw, loc, input, filled, zeros,
                                          sizes, ones);
  }

  Value v = inputTransform(input);
  auto pType = RankedTensorType::get({n, th, tw, a * a, f}, f32);
  Value pEmpty = tensor::EmptyOp::create(rw, loc, pType.getShape(), f32);
  Value zero = arith::ConstantOp::create(rw, loc, rw.getF32FloatAttr(0));
  Value pInit = linalg::FillOp::create(rw, loc, zero, pEmpty).getResult(0);
  Value products =
      linalg::Conv2DNhwgcGfhwcOp::create(
          rw, loc, TypeRange{pType}, ValueRange{v, weights},
          ValueRange{pInit}, conv.getStrides(), conv.getDilations())
          .getResult(0);
  Value result = outputTransform(products, init);
  rw.replaceOp(anchor, result);
  if (epilogue)
    rw.eraseOp(conv);
}

struct CPUWinogradPass
    : public cnnc::impl::CPUWinogradPassBase<CPUWinogradPass> {
  using Base::Base;

  void runOnOperation() override {
    if (tile != 0 && tile != 2 && tile != 4) {
      getOperation().emitError()
          << "cnnc-cpu-winograd: tile must be 0, 2 or 4, got "
          << static_cast<int64_t>(tile);
      return signalPassFailure();
    }
    int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    getOperation().walk([&](linalg::Conv2DNhwcHwcfOp conv) {
      if (isa<func::FuncOp>(conv->getParentOp()))
        convs.push_back(conv);
    });
    IRRewriter rw(&getContext());
    for (linalg::Conv2DNhwcHwcfOp conv : convs) {
      int64_t m = chooseTile(conv);
      if (!m)
        continue;
      FailureOr<SmallVector<float>> hwcf =
          cnn::getConstantFloats(conv.getInputs()[1]);
      if (failed(hwcf))
        continue;
      // The convolution accumulates into its init: only a zero fill can be
      // dropped (the output transform writes every element).
      auto fill = conv.getOutputs()[0].getDefiningOp<linalg::FillOp>();
      if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
        continue;
      std::optional<Epilogue> epilogue = matchEpilogue(conv);
      Value init = epilogue ? epilogue->op.getDpsInits()[0]
                            : fill.getOutputs()[0];
      WinogradBuilder builder(rw, conv, epilogue, m, vl);
      builder.rewrite(*hwcf, init);
    }
  }

  /// The output tile m for `conv`, or 0 when it stays a direct convolution.
  int64_t chooseTile(linalg::Conv2DNhwcHwcfOp conv) {
    auto in = dyn_cast<RankedTensorType>(conv.getInputs()[0].getType());
    auto wt = dyn_cast<RankedTensorType>(conv.getInputs()[1].getType());
    auto out = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
    if (!in || !wt || !out || !in.hasStaticShape() || !wt.hasStaticShape() ||
        !out.hasStaticShape() || !out.getElementType().isF32())
      return 0;
    if (wt.getDimSize(0) != 3 || wt.getDimSize(1) != 3 ||
        !llvm::all_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }) ||
        !llvm::all_of(conv.getDilations().getValues<int64_t>(),
                      [](int64_t d) { return d == 1; }))
      return 0;
    return selectWinogradTile(out.getDimSize(0), out.getDimSize(1),
                              out.getDimSize(2), in.getDimSize(3),
                              out.getDimSize(3), vectorBits, tile);
  }
};

} // namespace

int64_t mlir::cnnc::selectWinogradTile(int64_t n, int64_t oh, int64_t ow,
                                       int64_t c, int64_t f,
                                       unsigned vectorBits, int64_t forced) {
  int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
  // With fewer than 32 input channels or 64 filters the transforms cost
  // more than the multiplications saved (Inception v3's 147x147 layers:
  // 32 -> 32 ran 1.65x slower, 32 -> 64 10% faster).
  constexpr int64_t kMinChannels = 32, kMinFilters = 64;
  if (forced < 0 || c % vl || f % vl || c < kMinChannels ||
      f < kMinFilters || oh < 1 || ow < 1)
    return 0;
  if (forced)
    return forced;
  // Measured on ResNet-50, GoogLeNet, VGG-16 and Inception v3
  // (docs/passes.md): F(4x4, 3x3) wins from 16 tiles up (14x14 layers of
  // ResNet-50, GoogLeNet and VGG-16: 1.3-1.8x faster than direct) when
  // overhanging tiles leave at least 3x fewer multiplications than the
  // direct 9 per output (30x30: 2.56, 36x36 points per 4x4). Where F(4x4)
  // has too few tiles (7x7 and 8x8 layers: 4) F(2x2, 3x3) still wins
  // with 16 tiles and up to 5.5 products per output (7x7: 5.2).
  // The transformed input and the products make two passes over memory:
  // past the last-level cache (VGG-16's 224x224x64 layers: 58 MB) they
  // cost more than the multiplications saved; 32 MB is about the
  // last-level cache of the machines measured.
  constexpr int64_t kMinTiles = 16;
  constexpr int64_t kMaxBytes = int64_t(32) << 20;
  auto fits = [&](int64_t m) {
    int64_t tiles = n * ((oh + m - 1) / m) * ((ow + m - 1) / m);
    int64_t bytes = (m + 2) * (m + 2) * tiles * (c + f) * 4;
    return tiles >= kMinTiles && bytes <= kMaxBytes;
  };
  if (fits(4) && tileCost(4, oh, ow) <= 3)
    return 4;
  if (fits(2) && tileCost(2, oh, ow) <= 5.5)
    return 2;
  return 0;
}
