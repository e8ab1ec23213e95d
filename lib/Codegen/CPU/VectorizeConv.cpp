//===- VectorizeConv.cpp - cnnc-cpu-vectorize-conv and -lower-vectors -----===//
//
// The convolution schedule measured in docs/codegen-notes.md, applied with
// the transform dialect: the schedule is written as transform IR (one
// sequence per convolution, matched by a tag), parsed and interpreted on the
// function. Strategy (the tile) is chosen here from the vector width; the
// transform ops do the mechanics.
//
//===----------------------------------------------------------------------===//

#include "BlockLoop.h"
#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"

#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"


namespace mlir::cnnc {
#define GEN_PASS_DEF_CPULOWERVECTORSPASS
#define GEN_PASS_DEF_CPUVECTORIZECONVPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;
using namespace mlir::cnnc;

static constexpr llvm::StringLiteral kTagAttr = "cnnc.conv_tile_id";

/// Vector registers of an x86 target: 16 below AVX-512, 32 with it.
static int64_t vectorRegisters(unsigned vectorBits) {
  return vectorBits >= 512 ? 32 : 16;
}

/// Largest of `candidates` that divides `n` (1 divides everything).
static int64_t largestDivisor(int64_t n, ArrayRef<int64_t> candidates) {
  for (int64_t c : candidates)
    if (c > 0 && n % c == 0)
      return c;
  return 1;
}

ConvTile mlir::cnnc::selectConvTile(int64_t oh, int64_t ow, int64_t f,
                                    int64_t c, int64_t kh, int64_t kw,
                                    unsigned vectorBits, bool rowsFree) {
  int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
  // Keep a few registers for the broadcast input and the weight vectors.
  int64_t registers = vectorRegisters(vectorBits);
  int64_t accumulators = registers - 4;
  ConvTile t;
  // Small filter counts that are not a multiple of the vector length are
  // taken whole (LLVM splits an odd vector into legal pieces).
  t.f = largestDivisor(f, {2 * vl, vl, f <= 2 * vl ? f : 0, vl / 2, 4, 2});
  int64_t fVectors = (t.f + vl - 1) / vl;
  // The widest pixel block whose accumulators fit, and the widest that
  // divides the row; when the divisor is narrower, split the row instead:
  // 56 = 9 x 6 + 2 and 28 = 4 x 6 + 4 run 12 accumulators instead of 8
  // (4 x 16), which is just the FMA latency times the two FMA pipes
  // (ResNet-50's 28- and 56-wide 1x1 convolutions: 10-25% faster, measured
  // with alternating per-layer profiles), and prime rows such as 13 or 17
  // avoid one-pixel tiles.
  int64_t fit = std::max<int64_t>(
      1, std::min<int64_t>({ow, 8, accumulators / fVectors}));
  int64_t divisor = 1;
  for (int64_t d = fit; d >= 1; --d)
    if (ow % d == 0) {
      divisor = d;
      break;
    }
  t.ow = divisor;
  if (divisor < fit && ow % fit != 0) {
    t.ow = fit;
    t.split = ow - ow % fit;
  }
  // A network's first layer (1-4 input channels) takes one channel per
  // step: a vector of 2-4 strided channels went through registers and the
  // stack before each broadcast (stems: 70% -> 92% of peak).
  t.c = c <= 4 ? 1 : largestDivisor(c, {4, 8, 2});
  t.filtersOuter = kh * kw * c * f * 4 > kConvWeightCacheBytes;
  // A remainder of one or two pixels per row (7 = 6 + 1, 14 = 6 + 6 + 2)
  // has too few accumulator chains for the 4-cycle FMA latency, and reads
  // a whole weight block per pixel: it runs down its column instead, as
  // many rows (dividing OH) by filter vectors as the accumulators allow.
  // Only where the rows are free to tile: under a filter-block loop, or
  // in a convolution that is itself one block of a parallel loop (a group
  // of a grouped convolution, a Winograd point), see `rowsFree`.
  constexpr int64_t kLatencyChains = 8;
  auto runDownColumn = [&] {
    int64_t best = (ow - t.split) * fVectors;
    for (int64_t fv = fVectors; fv >= 1; --fv) {
      if (fVectors % fv != 0)
        continue;
      for (int64_t rows = std::min(oh, accumulators / fv); rows >= 2; --rows)
        if (oh % rows == 0 && rows * fv > best) {
          best = rows * fv;
          t.restRows = rows;
          t.restF = std::min(fv * vl, t.f);
        }
    }
  };
  // Failing a column tile of enough chains (14 rows: 7 x 1 vector, whose 7
  // broadcasts per weight vector make it load-bound, 85% of peak against
  // 100% for 6 x 2 in a C model of the kernel), a narrower row tile whose
  // remainder has enough: 14 = 5 + 5 + 4 in 5 x 2 and 4 x 2 tiles (both at
  // peak in the same model).
  auto narrowRowTile = [&] {
    if (t.restRows * std::max<int64_t>(t.restF / vl, 1) >= kLatencyChains)
      return;
    for (int64_t w = t.ow - 1; w >= 4; --w) {
      int64_t r = ow % w;
      if (r != 0 && r * fVectors < kLatencyChains)
        continue;
      t.ow = w;
      t.split = r ? ow - r : 0;
      t.restRows = t.restF = 0;
      return;
    }
  };
  if (t.split && t.filtersOuter &&
      (ow - t.split) * fVectors < kLatencyChains) {
    runDownColumn();
    narrowRowTile();
  }
  // Without a filter-block loop the remainder widens its filter tile
  // instead, up to the accumulators: 14 = 6 + 6 + 2 runs its last 2 pixels
  // by 4 filter vectors (8 chains) rather than 2 (4 chains, half the FMA
  // rate on an eighth of the row).
  // The wider tile is a multiple of the row tile's, so that both read one
  // packed copy of the weights; with 2 or more pixels each weight vector
  // is reused and needs a register (one pixel takes it from memory).
  int64_t rest = ow - t.split;
  if (t.split && !t.filtersOuter && rest * fVectors < kLatencyChains)
    for (int64_t fv = 2 * fVectors; fv * rest <= accumulators; fv += fVectors)
      if (f % (fv * vl) == 0 && fv * rest >= kLatencyChains &&
          (rest == 1 || fv * (rest + 1) + 1 <= registers)) {
        t.restF = fv * vl;
        break;
      }
  // Failing that (F too narrow to widen: ResNeXt's groups of 8-32
  // filters, 7 = 6 + 1 leaving 2 chains), the remainder runs down its
  // column when the rows are free.
  if (t.split && rowsFree && !t.restF && rest * fVectors < kLatencyChains) {
    runDownColumn();
    narrowRowTile();
  }
  return t;
}

/// Register tile of an NHWC depthwise convolution: output pixels (ow) by
/// channels (c), with the same row split as ConvTile. Each accumulator is
/// one vector of channels; the input window of a tile is
/// ((ow - 1) * stride + kw) vectors per kernel row, loaded once per row and
/// shared by the kw taps.
struct DepthwiseTile {
  int64_t ow, c;
  int64_t split = 0;
};

static DepthwiseTile selectDepthwiseTile(int64_t ow, int64_t c,
                                         unsigned vectorBits) {
  int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
  DepthwiseTile t;
  t.c = largestDivisor(c, {2 * vl, vl, vl / 2, 4, 2});
  int64_t cVectors = (t.c + vl - 1) / vl;
  int64_t fit = std::max<int64_t>(1, std::min<int64_t>(ow, 8 / cVectors));
  t.ow = fit;
  for (int64_t d = fit; d >= 1; --d)
    if (ow % d == 0) {
      t.ow = d;
      break;
    }
  if (2 * t.ow <= fit && ow % fit != 0) {
    t.ow = fit;
    t.split = ow - ow % fit;
  }
  return t;
}

/// Register tile of an NHWC pooling op: like a depthwise convolution's,
/// but always dividing the row (a pool without an epilogue has no
/// width split): the (pixels, channel vectors) pair with the most
/// accumulators, at most 8, whose pixel count divides OW.
static DepthwiseTile selectPoolTile(int64_t ow, int64_t c,
                                    unsigned vectorBits) {
  int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
  DepthwiseTile best{1, largestDivisor(c, {vl, vl / 2, 4, 2})};
  int64_t bestAcc = 0;
  for (int64_t ct : {2 * vl, vl}) {
    if (c % ct != 0)
      continue;
    int64_t cVectors = ct / vl;
    for (int64_t px = std::min<int64_t>(ow, 8 / cVectors); px >= 1; --px)
      if (ow % px == 0) {
        if (px * cVectors > bestAcc) {
          bestAcc = px * cVectors;
          best = {px, ct};
        }
        break;
      }
  }
  return best;
}

/// HWCF weights re-laid out as [F/ft][KH][KW][C][ft]: each block of `ft`
/// filters contiguous.
static SmallVector<float> packHWCF(ArrayRef<float> hwcf, int64_t kh,
                                   int64_t kw, int64_t c, int64_t f,
                                   int64_t ft) {
  SmallVector<float> packed(hwcf.size());
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      for (int64_t i = 0; i < c; ++i)
        for (int64_t o = 0; o < f; ++o)
          packed[((((o / ft) * kh + y) * kw + x) * c + i) * ft + o % ft] =
              hwcf[((y * kw + x) * c + i) * f + o];
  return packed;
}

/// Rewrites `conv` (constant HWCF weights, F a multiple of `ft` > ft) as a
/// loop over blocks of `ft` filters whose weights are packed at compile time
/// into [F/ft][KH][KW][C][ft]: each block's weights are then contiguous, so
/// they stay in cache while every output pixel uses them, instead of being
/// read at an F-element stride that maps them onto a few cache sets.
/// Returns the convolution inside the loop, or null when nothing changed.
static linalg::Conv2DNhwcHwcfOp packFilterBlocks(RewriterBase &rw,
                                                 linalg::Conv2DNhwcHwcfOp conv,
                                                 int64_t ft) {
  Value weight = conv.getInputs()[1];
  auto wType = cast<RankedTensorType>(weight.getType());
  int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
          c = wType.getDimSize(2), f = wType.getDimSize(3);
  if (ft <= 0 || f <= ft || f % ft != 0)
    return {};
  FailureOr<SmallVector<float>> values = cnn::getConstantFloats(weight);
  if (failed(values))
    return {};
  int64_t blocks = f / ft;
  SmallVector<float> packed = packHWCF(*values, kh, kw, c, f, ft);
  Location loc = conv.getLoc();
  rw.setInsertionPoint(conv);
  std::string name = cnn::weightName(loc, "packed");
  Value packedWeights = cnn::createWeightConstant(
      rw, loc,
      RankedTensorType::get({blocks, kh, kw, c, ft}, wType.getElementType()),
      packed, name);

  Value init = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  auto sliceType = RankedTensorType::get(
      {outType.getDimSize(0), outType.getDimSize(1), outType.getDimSize(2),
       ft},
      outType.getElementType());
  auto blockWType =
      RankedTensorType::get({kh, kw, c, ft}, wType.getElementType());
  linalg::Conv2DNhwcHwcfOp inner;
  auto loop = buildBlockLoop(
      rw, loc, blocks, init, [&](OpBuilder &b, Value block, Value shared) {
        auto i0 = b.getIndexAttr(0), i1 = b.getIndexAttr(1);
        Value offset = arith::MulIOp::create(
            b, loc, block, arith::ConstantIndexOp::create(b, loc, ft));
        Slice wSlice{{block, i0, i0, i0, i0},
                     {i1, b.getIndexAttr(kh), b.getIndexAttr(kw),
                      b.getIndexAttr(c), b.getIndexAttr(ft)}};
        Value w = extractSlice(b, loc, blockWType, packedWeights, wSlice);
        Slice oSlice{{i0, i0, i0, offset},
                     {b.getIndexAttr(sliceType.getDimSize(0)),
                      b.getIndexAttr(sliceType.getDimSize(1)),
                      b.getIndexAttr(sliceType.getDimSize(2)),
                      b.getIndexAttr(ft)}};
        Value out = extractSlice(b, loc, sliceType, shared, oSlice);
        inner = linalg::Conv2DNhwcHwcfOp::create(
            b, loc, TypeRange{sliceType}, ValueRange{conv.getInputs()[0], w},
            ValueRange{out}, conv.getStrides(), conv.getDilations());
        return std::make_pair(inner.getResult(0), oSlice);
      });
  rw.replaceOp(conv, loop.getResults());
  return inner;
}

/// The constant GFHWC weights `values` of `conv` (G groups of F outputs,
/// KH x KW taps, C inputs), re-laid-out at compile time into a constant of
/// `shape`: weight (g, f, y, x, c) goes to flat position `at(g, f, y, x, c)`.
static Value packGroupedWeights(
    RewriterBase &rw, linalg::Conv2DNhwgcGfhwcOp conv, ArrayRef<float> values,
    ArrayRef<int64_t> shape,
    function_ref<int64_t(int64_t, int64_t, int64_t, int64_t, int64_t)> at) {
  auto wType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  int64_t g = wType.getDimSize(0), f = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3),
          c = wType.getDimSize(4);
  SmallVector<float> packed(values.size());
  for (int64_t gi = 0; gi < g; ++gi)
    for (int64_t o = 0; o < f; ++o)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          for (int64_t i = 0; i < c; ++i)
            packed[at(gi, o, y, x, i)] =
                values[(((gi * f + o) * kh + y) * kw + x) * c + i];
  Location loc = conv.getLoc();
  rw.setInsertionPoint(conv);
  return cnn::createWeightConstant(
      rw, loc, RankedTensorType::get(shape, wType.getElementType()), packed,
      cnn::weightName(loc, "packed"));
}

/// Grouped convolutions with k input and k output channels per group, k a
/// proper divisor of the vector length vl (ResNeXt-50's layer1: 32 groups
/// of 4). A group on its own fills k of vl lanes; here one vector holds
/// p = vl / k groups side by side, as NHWGC stores them. For input channel
/// c of each group, a shuffle repeats lane c of every group across that
/// group's k lanes (one vpermilps per 4-lane group on AVX2), and an FMA
/// with the weights of the p groups for c accumulates k outputs per group:
/// no multiply-add is wasted. Weights are packed at compile time into
/// [G/p][KH][KW][k][vl]. Output rows are the parallel blocks; each row is
/// computed in tiles of up to 6 pixels. Returns false (and changes nothing)
/// when `conv` is not such a convolution.
static bool vectorizeSmallGroups(RewriterBase &rw,
                                 linalg::Conv2DNhwgcGfhwcOp conv, int64_t vl) {
  Value weight = conv.getInputs()[1];
  Value input = conv.getInputs()[0];
  Value init = conv.getOutputs()[0];
  auto wType = cast<RankedTensorType>(weight.getType());
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  auto outType = cast<RankedTensorType>(init.getType());
  if (!inType || !inType.hasStaticShape() || !outType.hasStaticShape() ||
      !wType.hasStaticShape() || !conv.hasPureTensorSemantics())
    return false;
  int64_t g = wType.getDimSize(0), k = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  // k = vl (one group per vector, a lane-crossing shuffle per input
  // channel) only pays on strided convolutions, whose per-group schedule
  // is slowest (ResNeXt-50's layer2.0: 20% of peak).
  bool strided = strides[0] > 1 || strides[1] > 1;
  if (wType.getDimSize(4) != k || k > vl || (k == vl && !strided) ||
      vl % k != 0 || (g * k) % vl)
    return false;
  FailureOr<SmallVector<float>> values = cnn::getConstantFloats(weight);
  if (failed(values))
    return false;
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  int64_t p = vl / k, blocks = g * k / vl;
  // packed[b][y][x][c][lane], lane = (group - b p) k + output channel.
  Value packedWeights = packGroupedWeights(
      rw, conv, *values, {blocks, kh, kw, k, vl},
      [&](int64_t gi, int64_t o, int64_t y, int64_t x, int64_t i) {
        int64_t b = gi / p, lane = (gi % p) * k + o;
        return (((b * kh + y) * kw + x) * k + i) * vl + lane;
      });
  Location loc = conv.getLoc();
  Type f32 = wType.getElementType();
  int64_t n = outType.getDimSize(0), oh = outType.getDimSize(1),
          ow = outType.getDimSize(2), channels = g * k;
  SmallVector<ReassociationIndices> groupChannels = {{0}, {1}, {2}, {3, 4}};
  Value flatIn = tensor::CollapseShapeOp::create(rw, loc, input, groupChannels);
  // A zero-filled init (the usual case): the accumulators start at zero in
  // registers and every output is written once, so the fill's pass over
  // the output and the reads of its zeros go.
  bool zeroInit = false;
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (matchPattern(fill.getInputs()[0], m_AnyZeroFloat())) {
      zeroInit = true;
      init = fill.getOutputs()[0];
    }
  Value flatInit =
      tensor::CollapseShapeOp::create(rw, loc, init, groupChannels);
  auto vec = VectorType::get({vl}, f32);
  auto rowType = RankedTensorType::get({1, 1, ow, channels}, f32);
  auto idx = [&](OpBuilder &b, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto read = [&](OpBuilder &b, Value source, ValueRange indices) -> Value {
    Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    SmallVector<bool> inBounds = {true};
    return vector::TransferReadOp::create(b, loc, vec, source, indices, pad,
                                          inBounds);
  };
  SmallVector<SmallVector<int64_t>> masks(k);
  for (int64_t c = 0; c < k; ++c)
    for (int64_t lane = 0; lane < vl; ++lane)
      masks[c].push_back(lane / k * k + c);
  const int64_t maxTile = 6;
  int64_t tile = std::min(ow, maxTile);
  auto loop = buildBlockLoop(
      rw, loc, n * oh, flatInit,
      [&](OpBuilder &b, Value iv, Value shared) {
        Value batch = idx(b, 0), row = iv;
        if (n > 1) {
          batch = arith::DivUIOp::create(b, loc, iv, idx(b, oh));
          row = arith::RemUIOp::create(b, loc, iv, idx(b, oh));
        }
        auto i0 = b.getIndexAttr(0), i1 = b.getIndexAttr(1);
        Slice slice{{batch, row, i0, i0},
                    {i1, i1, b.getIndexAttr(ow), b.getIndexAttr(channels)}};
        Value rowSlice = extractSlice(b, loc, rowType, shared, slice);
        Value h0 = arith::MulIOp::create(b, loc, row, idx(b, strides[0]));
        // Pixels [w0, w0 + width) of the row, every group block.
        auto pixels = [&](OpBuilder &b, Value w0, int64_t width,
                          Value dest) -> Value {
          auto blockLoop = scf::ForOp::create(
              b, loc, idx(b, 0), idx(b, channels), idx(b, vl),
              ValueRange{dest},
              [&](OpBuilder &b, Location, Value ch, ValueRange args) {
                Value zero = idx(b, 0);
                Value wBlock = arith::DivUIOp::create(b, loc, ch, idx(b, vl));
                SmallVector<Value> cols, acc;
                Value zeros;
                if (zeroInit)
                  zeros = arith::ConstantOp::create(
                      b, loc, DenseElementsAttr::get(vec, ArrayRef<float>{0.0f}));
                for (int64_t t = 0; t < width; ++t) {
                  cols.push_back(
                      arith::AddIOp::create(b, loc, w0, idx(b, t)));
                  acc.push_back(zeroInit ? zeros
                                         : read(b, args[0],
                                                {zero, zero, cols[t], ch}));
                }
                for (int64_t y = 0; y < kh; ++y) {
                  Value h = arith::AddIOp::create(b, loc, h0,
                                                  idx(b, y * dilations[0]));
                  for (int64_t x = 0; x < kw; ++x) {
                    SmallVector<Value> xs;
                    for (int64_t t = 0; t < width; ++t) {
                      Value iw = arith::AddIOp::create(
                          b, loc,
                          arith::MulIOp::create(b, loc, cols[t],
                                                idx(b, strides[1])),
                          idx(b, x * dilations[1]));
                      xs.push_back(read(b, flatIn, {batch, h, iw, ch}));
                    }
                    for (int64_t c = 0; c < k; ++c) {
                      Value wv = read(b, packedWeights,
                                      {wBlock, idx(b, y), idx(b, x),
                                       idx(b, c), zero});
                      for (int64_t t = 0; t < width; ++t) {
                        Value xb = vector::ShuffleOp::create(b, loc, xs[t],
                                                             xs[t], masks[c]);
                        acc[t] = vector::FMAOp::create(b, loc, xb, wv, acc[t]);
                      }
                    }
                  }
                }
                Value out = args[0];
                SmallVector<bool> inBounds = {true};
                for (int64_t t = 0; t < width; ++t)
                  out = vector::TransferWriteOp::create(
                            b, loc, acc[t], out, ValueRange{zero, zero, cols[t], ch},
                            inBounds)
                            .getResult();
                scf::YieldOp::create(b, loc, out);
              });
          return blockLoop.getResult(0);
        };
        int64_t full = ow / tile * tile;
        auto tiles = scf::ForOp::create(
            b, loc, idx(b, 0), idx(b, full), idx(b, tile),
            ValueRange{rowSlice},
            [&](OpBuilder &b, Location, Value w0, ValueRange args) {
              scf::YieldOp::create(b, loc, pixels(b, w0, tile, args[0]));
            });
        Value result = tiles.getResult(0);
        if (full < ow)
          result = pixels(b, idx(b, full), ow - full, result);
        return std::make_pair(result, slice);
      });
  Value expanded = tensor::ExpandShapeOp::create(
      rw, loc, outType, loop.getResult(0), groupChannels);
  rw.replaceOp(conv, expanded);
  return true;
}

/// Rewrites the grouped convolution `conv` (NHWGC input, constant GFHWC
/// weights) as a loop over its groups, each an NHWC convolution on its
/// channel slice with weights packed at compile time into
/// [G][KH][KW][C/G][F/G]: the groups then take the schedule of ordinary
/// convolutions, and run in parallel. Returns the convolution inside the
/// loop, or null when nothing changed.
static linalg::Conv2DNhwcHwcfOp splitGroups(RewriterBase &rw,
                                            linalg::Conv2DNhwgcGfhwcOp conv) {
  Value weight = conv.getInputs()[1];
  auto wType = cast<RankedTensorType>(weight.getType());
  auto inType = dyn_cast<RankedTensorType>(conv.getInputs()[0].getType());
  Value init = conv.getOutputs()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  if (!inType || !inType.hasStaticShape() || !outType.hasStaticShape() ||
      !wType.hasStaticShape())
    return {};
  int64_t g = wType.getDimSize(0), fg = wType.getDimSize(1),
          kh = wType.getDimSize(2), kw = wType.getDimSize(3),
          cg = wType.getDimSize(4);
  FailureOr<SmallVector<float>> values = cnn::getConstantFloats(weight);
  if (failed(values))
    return {};
  Value packedWeights = packGroupedWeights(
      rw, conv, *values, {g, kh, kw, cg, fg},
      [&](int64_t gi, int64_t o, int64_t y, int64_t x, int64_t i) {
        return (((gi * kh + y) * kw + x) * cg + i) * fg + o;
      });
  Location loc = conv.getLoc();
  Type f32 = wType.getElementType();
  Value input = conv.getInputs()[0];
  int64_t n = outType.getDimSize(0), oh = outType.getDimSize(1),
          ow = outType.getDimSize(2);
  auto inSliceType = RankedTensorType::get(
      {inType.getDimSize(0), inType.getDimSize(1), inType.getDimSize(2), cg},
      f32);
  auto outSliceType = RankedTensorType::get({n, oh, ow, fg}, f32);
  linalg::Conv2DNhwcHwcfOp inner;
  auto loop = buildBlockLoop(
      rw, loc, g, init, [&](OpBuilder &b, Value group, Value shared) {
        auto i0 = b.getIndexAttr(0), i1 = b.getIndexAttr(1);
        auto idx = [&](int64_t v) { return b.getIndexAttr(v); };
        Value in = extractSlice(
            b, loc, inSliceType, input,
            Slice{{i0, i0, i0, group, i0},
                  {idx(inType.getDimSize(0)), idx(inType.getDimSize(1)),
                   idx(inType.getDimSize(2)), i1, idx(cg)}});
        Value w = extractSlice(
            b, loc, RankedTensorType::get({kh, kw, cg, fg}, f32),
            packedWeights,
            Slice{{group, i0, i0, i0, i0},
                  {i1, idx(kh), idx(kw), idx(cg), idx(fg)}});
        Slice oSlice{{i0, i0, i0, group, i0},
                     {idx(n), idx(oh), idx(ow), i1, idx(fg)}};
        Value out = extractSlice(b, loc, outSliceType, shared, oSlice);
        inner = linalg::Conv2DNhwcHwcfOp::create(
            b, loc, TypeRange{outSliceType}, ValueRange{in, w},
            ValueRange{out}, conv.getStrides(), conv.getDilations());
        return std::make_pair(inner.getResult(0), oSlice);
      });
  rw.replaceOp(conv, loop.getResults());
  return inner;
}

/// Rewrites `mm` = A[M, K] x B[K, N] with constant B as a loop over blocks of
/// `nt` columns whose weights are packed at compile time into [N/nt][K][nt]
/// (and a matmul on the remaining columns): read in [K, N] order, each block
/// row is a few hundred bytes at an N-float stride, a new page per row for
/// VGG-16's 25088 x 4096 classifier. Returns the matmuls to schedule (just
/// `mm` when nothing changed).
static SmallVector<linalg::MatmulOp> packMatmulBlocks(RewriterBase &rw,
                                                      linalg::MatmulOp mm,
                                                      int64_t nt) {
  Value b = mm.getInputs()[1];
  auto bType = cast<RankedTensorType>(b.getType());
  int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
  if (nt <= 0 || n < 2 * nt)
    return {mm};
  FailureOr<SmallVector<float>> values = cnn::getConstantFloats(b);
  if (failed(values))
    return {mm};
  int64_t blocks = n / nt, rest = n % nt;
  Location loc = mm.getLoc();
  rw.setInsertionPoint(mm);
  std::string name = cnn::weightName(loc, "packed");
  SmallVector<float> packed(blocks * k * nt), tail(k * rest);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float v = (*values)[i * n + j];
      if (j < blocks * nt)
        packed[((j / nt) * k + i) * nt + j % nt] = v;
      else
        tail[i * rest + (j - blocks * nt)] = v;
    }
  Type f32 = bType.getElementType();
  Value packedB = cnn::createWeightConstant(
      rw, loc, RankedTensorType::get({blocks, k, nt}, f32), packed, name);
  Value a = mm.getInputs()[0];
  Value init = mm.getOutputs()[0];
  int64_t m = cast<RankedTensorType>(init.getType()).getDimSize(0);
  auto sliceType = RankedTensorType::get({m, nt}, f32);
  SmallVector<linalg::MatmulOp> result;
  auto loop = buildBlockLoop(
      rw, loc, blocks, init, [&](OpBuilder &bb, Value block, Value shared) {
        auto i0 = bb.getIndexAttr(0), i1 = bb.getIndexAttr(1);
        Value offset = arith::MulIOp::create(
            bb, loc, block, arith::ConstantIndexOp::create(bb, loc, nt));
        Value w = extractSlice(
            bb, loc, RankedTensorType::get({k, nt}, f32), packedB,
            Slice{{block, i0, i0},
                  {i1, bb.getIndexAttr(k), bb.getIndexAttr(nt)}});
        Slice oSlice{{i0, offset}, {bb.getIndexAttr(m), bb.getIndexAttr(nt)}};
        Value out = extractSlice(bb, loc, sliceType, shared, oSlice);
        auto inner = linalg::MatmulOp::create(bb, loc, TypeRange{sliceType},
                                              ValueRange{a, w}, ValueRange{out});
        result.push_back(inner);
        return std::make_pair(inner.getResult(0), oSlice);
      });
  Value c = loop.getResult(0);
  if (rest) {
    Value tailB = cnn::createWeightConstant(
        rw, loc, RankedTensorType::get({k, rest}, f32), tail, name + ".tail");
    SmallVector<OpFoldResult> offs = {rw.getIndexAttr(0),
                                      rw.getIndexAttr(blocks * nt)};
    SmallVector<OpFoldResult> sizes = {rw.getIndexAttr(m),
                                       rw.getIndexAttr(rest)};
    SmallVector<OpFoldResult> ones(2, rw.getIndexAttr(1));
    Value out = tensor::ExtractSliceOp::create(rw, loc, c, offs, sizes, ones);
    auto last = linalg::MatmulOp::create(
        rw, loc, TypeRange{RankedTensorType::get({m, rest}, f32)},
        ValueRange{a, tailB}, ValueRange{out});
    result.push_back(last);
    c = tensor::InsertSliceOp::create(rw, loc, last.getResult(0), c, offs,
                                      sizes, ones);
  }
  rw.replaceOp(mm, c);
  return result;
}

//===----------------------------------------------------------------------===//
// Epilogue fusion
//===----------------------------------------------------------------------===//

/// The input of the elementwise `g` (other than `use`, the convolution's
/// result) that `g` may write its result over: same type as the result,
/// identity-indexed, read only once by `g`, and a layer argument marked
/// kReusableArgAttr that nothing in the layer reads after `g`. Null if none.
static OpOperand *reusableInput(linalg::GenericOp g, OpOperand *use,
                                AffineMap identity) {
  auto func = g->getParentOfType<func::FuncOp>();
  Type type = g->getResult(0).getType();
  for (OpOperand *in : g.getDpsInputOperands()) {
    auto arg = dyn_cast<BlockArgument>(in->get());
    if (in == use || !arg || arg.getType() != type ||
        g.getMatchingIndexingMap(in) != identity ||
        arg.getOwner() != &func.getBody().front() ||
        !func.getArgAttr(arg.getArgNumber(), kReusableArgAttr))
      continue;
    Block *block = g->getBlock();
    bool onlyBefore = llvm::all_of(arg.getUses(), [&](OpOperand &u) {
      if (u.getOwner() == g.getOperation())
        return &u == in;
      Operation *top = block->findAncestorOpInBlock(*u.getOwner());
      return top && top->isBeforeInBlock(g);
    });
    if (onlyBefore)
      return in;
  }
  return nullptr;
}

/// When the only use of `conv`'s result is an elementwise linalg.generic over
/// exactly that result (identity maps, all loops parallel, its own output
/// not read), rewrites the generic to update the result in place (its init
/// becomes the convolution result) and returns it; else null. In place, the
/// epilogue tile can be fused into the convolution's register tile and
/// bufferizes into the same buffer, with no temporary.
///
/// When another input of the same shape is one the layer may overwrite (a
/// residual shortcut: a layer argument marked kReusableArgAttr that nothing
/// after the epilogue reads), the epilogue updates that input in place
/// instead: the sum lands over the shortcut, whose lines the epilogue has
/// just read, and the convolution's own result lives only in registers.
/// A separate output would be a third stream of 3 MB rows for ResNet's
/// 56x56x256 blocks, each line fetched before it is written (1x1
/// expansion with a residual add, 6x16 tiles, out of L3: 84% of peak with a
/// separate output, 90% in place, measured in a C model of the kernel).
static linalg::GenericOp makeEpilogueInPlace(RewriterBase &rw,
                                             linalg::LinalgOp conv) {
  Value result = conv->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto g = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  auto type = cast<RankedTensorType>(result.getType());
  if (!g || g.getNumDpsInits() != 1 || g->getNumResults() != 1 ||
      g.getResultTypes()[0] != type ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      g.getNumLoops() != unsigned(type.getRank()))
    return {};
  AffineMap identity = rw.getMultiDimIdentityMap(type.getRank());
  OpOperand *init = g.getDpsInitOperand(0);
  if (g.getMatchingIndexingMap(init) != identity ||
      g.payloadUsesValueFromOperand(init))
    return {};
  OpOperand *use = nullptr;
  for (OpOperand *in : g.getDpsInputOperands())
    if (in->get() == result) {
      if (use || g.getMatchingIndexingMap(in) != identity)
        return {};
      use = in;
    }
  if (!use)
    return {};
  // The input the epilogue writes over: the convolution's result, or a
  // reusable shortcut.
  OpOperand *over = use;
  if (init->get().getDefiningOp<tensor::EmptyOp>())
    if (OpOperand *shortcut = reusableInput(g, use, identity))
      over = shortcut;
  // An init that is not an empty tensor is where the result must land (the
  // interior of a padded buffer, from cnnc-pad-in-producer): the
  // convolution's fill then writes there, so that the whole chain does.
  Value target = init->get();
  auto convFill = conv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!target.getDefiningOp<tensor::EmptyOp>() && convFill) {
    rw.setInsertionPoint(g);
    auto fill = linalg::FillOp::create(rw, convFill.getLoc(),
                                       convFill.getInputs()[0], target);
    conv->moveBefore(g);
    rw.modifyOpInPlace(conv, [&] {
      conv.getDpsInitOperand(0)->set(fill.getResult(0));
    });
  }
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : g.getDpsInputOperands())
    if (in != over) {
      inputs.push_back(in->get());
      maps.push_back(g.getMatchingIndexingMap(in));
    }
  maps.push_back(identity);
  rw.setInsertionPoint(g);
  auto inPlace = linalg::GenericOp::create(
      rw, g.getLoc(), TypeRange{type}, inputs, ValueRange{over->get()}, maps,
      g.getIteratorTypesArray());
  rw.inlineRegionBefore(g.getRegion(), inPlace.getRegion(),
                        inPlace.getRegion().end());
  Block &body = inPlace.getRegion().front();
  unsigned overArg = over->getOperandNumber();
  BlockArgument out = body.getArgument(body.getNumArguments() - 1);
  rw.replaceAllUsesWith(body.getArgument(overArg), out);
  body.eraseArgument(overArg);
  rw.replaceOp(g, inPlace->getResults());
  return inPlace;
}

/// Tiles `root` by `sizes` (one scf.forall, or scf.for loops) and fuses into
/// the tile the producers in `fusable` (the convolution and its fill; never
/// the input's pad, whose tiles would not vectorize). Returns the tiled ops:
/// the root's tile last.
static FailureOr<SmallVector<Operation *>>
tileAndFuse(RewriterBase &rw, TilingInterface root, ArrayRef<int64_t> sizes,
            bool forall, llvm::SmallPtrSetImpl<Operation *> &fusable) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(rw.getContext(), sizes));
  if (forall)
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!fusable.contains(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rw.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(rw, root, options);
  if (failed(fused))
    return failure();
  SmallVector<Operation *> tiled;
  Operation *rootTile = nullptr;
  for (Operation *op : fused->tiledAndFusedOps) {
    if (op->getName() == root->getName() && !rootTile) {
      rootTile = op;
      continue;
    }
    tiled.push_back(op);
  }
  for (auto [orig, repl] : fused->replacements)
    rw.replaceAllUsesWith(orig, repl);
  if (!rootTile)
    return failure();
  tiled.push_back(rootTile);
  return tiled;
}

/// Packs the weights of `conv`, tiled into a loop over blocks of `ft`
/// filters (weights `extract_slice %hwcf[0, 0, 0, %off] [kh, kw, c, ft]` of a
/// constant), into [F/B][KH][KW][C][B] at compile time (B = `block`, a
/// multiple of ft; ft by default), so that each block reads contiguous
/// weights: tiles of ft and of B filters then share one packed copy.
/// Leaves `conv` as it is when its weights are not such a slice.
static void packSlicedWeights(RewriterBase &rw, linalg::Conv2DNhwcHwcfOp conv,
                              int64_t ft,
                              DenseMap<std::pair<Value, int64_t>, Value> &cache,
                              int64_t block = 0) {
  if (!block)
    block = ft;
  auto slice = conv.getInputs()[1].getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.hasUnitStride())
    return;
  Value whole = slice.getSource();
  // Outer tiling levels may leave whole-tensor slices in between.
  while (auto outer = whole.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (outer.getSourceType() != outer.getResultType() ||
        !outer.hasZeroOffset() || !outer.hasUnitStride())
      break;
    whole = outer.getSource();
  }
  auto wType = cast<RankedTensorType>(whole.getType());
  if (ft <= 0 || block % ft != 0 || wType.getRank() != 4 ||
      wType.getDimSize(3) <= block)
    return;
  int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
          c = wType.getDimSize(2), f = wType.getDimSize(3);
  SmallVector<int64_t> expectSizes = {kh, kw, c, ft};
  if (f % block != 0 || slice.getStaticSizes() != ArrayRef(expectSizes) ||
      !llvm::all_of(slice.getStaticOffsets().drop_back(),
                    [](int64_t o) { return o == 0; }))
    return;
  Location loc = conv.getLoc();
  OpBuilder::InsertionGuard guard(rw);
  // One packed copy per weights and block size, even when a split
  // convolution has two block loops.
  Value &packedWeights = cache[{whole, block}];
  if (!packedWeights) {
    FailureOr<SmallVector<float>> values = cnn::getConstantFloats(whole);
    if (failed(values))
      return;
    int64_t blocks = f / block;
    SmallVector<float> packed = packHWCF(*values, kh, kw, c, f, block);
    rw.setInsertionPointAfterValue(whole);
    packedWeights = cnn::createWeightConstant(
        rw, loc,
        RankedTensorType::get({blocks, kh, kw, c, block},
                              wType.getElementType()),
        packed, cnn::weightName(loc, "packed"));
  }
  rw.setInsertionPoint(slice);
  OpFoldResult offset = slice.getMixedOffsets().back();
  AffineExpr d0 = rw.getAffineDimExpr(0);
  OpFoldResult blockIndex = affine::makeComposedFoldedAffineApply(
      rw, loc, d0.floorDiv(block), {offset});
  OpFoldResult inBlock = affine::makeComposedFoldedAffineApply(
      rw, loc, d0 % block, {offset});
  auto i0 = rw.getIndexAttr(0), i1 = rw.getIndexAttr(1);
  Value w = extractSlice(
      rw, loc, cast<RankedTensorType>(slice.getType()), packedWeights,
      Slice{{blockIndex, i0, i0, i0, inBlock},
            {i1, rw.getIndexAttr(kh), rw.getIndexAttr(kw), rw.getIndexAttr(c),
             rw.getIndexAttr(ft)}});
  rw.modifyOpInPlace(conv, [&] { conv->setOperand(1, w); });
}

/// A convolution with its fill and its in-place epilogue.
struct ConvTriple {
  linalg::FillOp fill;
  linalg::LinalgOp conv;
  linalg::GenericOp epilogue;
};

/// Splits `t` along the output width at column `at` into triples over
/// columns [0, at) and [at, OW), in destination-passing style: each part's
/// fill writes a slice of the fill's destination and its epilogue's result
/// is inserted back there, so both parts bufferize into one output with no
/// copy. Each part then has a width its register tile divides. Fails (IR
/// unchanged) when an epilogue operand is indexed by anything but plain
/// loop dimensions.
/// Whether splitWidth can split a triple with this epilogue: each operand
/// indexed by plain loop dimensions (or constant 0, a broadcast dimension
/// such as a squeeze-excite gate's 1x1 spatial extent).
static bool canSplitWidth(linalg::GenericOp epilogue) {
  for (OpOperand *in : epilogue.getDpsInputOperands())
    if (!epilogue.getMatchingIndexingMap(in).isProjectedPermutation(
            /*allowZeroInResults=*/true))
      return false;
  return true;
}

static FailureOr<std::array<ConvTriple, 2>>
splitWidth(RewriterBase &rw, ConvTriple t, int64_t at) {
  if (t.epilogue && !canSplitWidth(t.epilogue))
    return failure();
  auto strides = t.conv->getAttrOfType<DenseIntElementsAttr>("strides");
  auto dilations = t.conv->getAttrOfType<DenseIntElementsAttr>("dilations");
  if (!strides || !dilations)
    return failure();
  int64_t sw = strides.getValues<int64_t>()[1];
  int64_t dw = dilations.getValues<int64_t>()[1];
  Value input = t.conv.getDpsInputOperand(0)->get();
  Value weight = t.conv.getDpsInputOperand(1)->get();
  auto outType = cast<RankedTensorType>(t.conv->getResult(0).getType());
  int64_t kw = cast<RankedTensorType>(weight.getType()).getDimSize(1);
  int64_t ow = outType.getDimSize(2);
  Location loc = t.conv.getLoc();
  // Without an epilogue the convolution itself is what lands in the output.
  Operation *last = t.epilogue ? t.epilogue.getOperation() : t.conv;
  rw.setInsertionPoint(last);
  auto sliceOf = [&](Value v, int64_t dim, int64_t offset, int64_t size) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    Slice slice;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      slice.offsets.push_back(rw.getIndexAttr(d == dim ? offset : 0));
      slice.sizes.push_back(rw.getIndexAttr(d == dim ? size : shape[d]));
    }
    shape[dim] = size;
    return extractSlice(rw, loc, type.clone(shape), v, slice);
  };
  // The epilogue writes over the convolution's result, or over a shortcut
  // input (makeEpilogueInPlace); in the latter case the convolution's parts
  // fill slices of their own destination.
  Value convResult = t.conv->getResult(0);
  Value fillDest = t.fill.getDpsInitOperand(0)->get();
  bool overInput =
      t.epilogue && t.epilogue.getDpsInitOperand(0)->get() != convResult;
  Value current =
      overInput ? t.epilogue.getDpsInitOperand(0)->get() : fillDest;
  std::array<ConvTriple, 2> parts;
  int64_t bounds[3] = {0, at, ow};
  for (int part = 0; part < 2; ++part) {
    int64_t o0 = bounds[part], w = bounds[part + 1] - bounds[part];
    int64_t inWidth = (w - 1) * sw + (kw - 1) * dw + 1;
    Value in = sliceOf(input, 2, o0 * sw, inWidth);
    Value dest = sliceOf(current, 2, o0, w);
    Value convDest = overInput ? sliceOf(fillDest, 2, o0, w) : dest;
    auto fill = cast<linalg::FillOp>(mlir::clone(
        rw, t.fill, TypeRange{convDest.getType()},
        ValueRange{t.fill.getDpsInputOperand(0)->get(), convDest}));
    auto conv = cast<linalg::LinalgOp>(
        mlir::clone(rw, t.conv, TypeRange{convDest.getType()},
                    ValueRange{in, weight, fill->getResult(0)}));
    SmallVector<OpFoldResult> offsets(4, rw.getIndexAttr(0)), sizes;
    offsets[2] = rw.getIndexAttr(o0);
    for (int64_t d : cast<RankedTensorType>(dest.getType()).getShape())
      sizes.push_back(rw.getIndexAttr(d));
    if (!t.epilogue) {
      current = tensor::InsertSliceOp::create(
          rw, loc, conv->getResult(0), current, offsets, sizes,
          SmallVector<OpFoldResult>(4, rw.getIndexAttr(1)));
      parts[part] = {fill, conv, {}};
      continue;
    }
    SmallVector<Value> operands;
    for (OpOperand *op : t.epilogue.getDpsInputOperands()) {
      if (op->get() == convResult) {
        operands.push_back(conv->getResult(0));
        continue;
      }
      AffineMap map = t.epilogue.getMatchingIndexingMap(op);
      Value v = op->get();
      for (auto [k, e] : llvm::enumerate(map.getResults()))
        if (auto dim = dyn_cast<AffineDimExpr>(e); dim && dim.getPosition() == 2)
          v = sliceOf(v, k, o0, w);
      operands.push_back(v);
    }
    operands.push_back(overInput ? dest : conv->getResult(0));
    auto epilogue = cast<linalg::GenericOp>(mlir::clone(
        rw, t.epilogue, TypeRange{dest.getType()}, operands));
    current = tensor::InsertSliceOp::create(
        rw, loc, epilogue->getResult(0), current, offsets, sizes,
        SmallVector<OpFoldResult>(4, rw.getIndexAttr(1)));
    parts[part] = {fill, conv, epilogue};
  }
  rw.replaceOp(last, current);
  if (t.epilogue)
    rw.eraseOp(t.conv);
  rw.eraseOp(t.fill);
  return parts;
}

/// Parses `body` as the named sequence @main of a transform module and
/// applies it to `root`.
static LogicalResult applySchedule(Operation *root, StringRef body,
                                   bool consumesRoot) {
  std::string text = llvm::formatv(R"mlir(
module attributes {{transform.with_named_sequence} {
  transform.named_sequence @main(%root: !transform.any_op {{{1}}) {
{0}    transform.yield
  }
}
)mlir",
                                   body,
                                   consumesRoot ? "transform.consumed"
                                                : "transform.readonly")
                         .str();
  ParserConfig config(root->getContext());
  OwningOpRef<ModuleOp> schedule = parseSourceString<ModuleOp>(text, config);
  if (!schedule)
    return root->emitError("internal error: cannot parse the codegen schedule");
  auto entry = schedule->lookupSymbol<transform::NamedSequenceOp>("main");
  return transform::applyTransformNamedSequence(
      root, entry, *schedule, transform::TransformOptions());
}

namespace {
struct CPUVectorizeConvPass
    : public cnnc::impl::CPUVectorizeConvPassBase<CPUVectorizeConvPass> {
  using Base::Base;

  /// Whether `op` has enough work to split across threads (min-parallel-
  /// work). Waking a worker and joining it costs microseconds, more when
  /// its CPU has gone idle: LeNet-5's convolutions (117K and 240K
  /// multiply-adds, a few microseconds each) made the first batch-8 run
  /// after a pause 0.8-0.95 ms at 2 threads against 0.36 ms serial, and
  /// were no faster warm.
  bool worthThreads(linalg::LinalgOp op) const {
    return loopWork(op.getStaticLoopRanges()) >= minParallelWork;
  }

  /// Tiles, decomposes and vectorizes the convolution held by `%{handle}`.
  static std::string tileAndVectorize(StringRef handle, int64_t ow, int64_t f,
                                      int64_t c, bool filtersOuter,
                                      int64_t rows = 1) {
    return llvm::formatv(R"mlir(
    %{0}_t, %{0}_l:4 = transform.structured.tile_using_for %{0} tile_sizes [1, {5}, {1}, {2}, 0, 0, 0] interchange = {4} : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %{0}_r, %{0}_rl:3 = transform.structured.tile_using_for %{0}_t tile_sizes [0, 0, 0, 0, 1, 1, {3}] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %{0}_d = transform.structured.decompose %{0}_r : (!transform.any_op) -> !transform.any_op
    transform.structured.vectorize %{0}_d : !transform.any_op
)mlir",
                         handle, ow, f, c,
                         filtersOuter ? "[3, 0, 1, 2, 4, 5, 6]"
                                      : "[0, 1, 2, 3, 4, 5, 6]",
                         rows)
        .str();
  }

  /// The schedule of one convolution, matched by its tag. With
  /// `parallelRows`, the output rows (and images) first become an
  /// scf.forall, so that threads split the convolution by rows.
  static std::string convSchedule(const ConvTile &t, int64_t ow,
                                  bool parallelRows) {
    std::string s = llvm::formatv(R"mlir(
    %c = transform.structured.match ops{{["linalg.conv_2d_nhwc_hwcf"]} attributes{{{0} = 0 : i64} in %root : (!transform.any_op) -> !transform.any_op
)mlir",
                                  kTagAttr)
                        .str();
    StringRef conv = "c";
    if (parallelRows) {
      s += R"mlir(
    %rows, %rows_loop = transform.structured.tile_using_forall %c tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
)mlir";
      conv = "rows";
    }
    if (!t.split)
      return s + tileAndVectorize(conv, t.ow, t.f, t.c, t.filtersOuter);
    s += llvm::formatv(R"mlir(
    %parts = transform.structured.split %{1} after {0} {{dimension = 2} : !transform.any_op
    %main, %rest = transform.split_handle %parts : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
)mlir",
                       t.split, conv)
             .str();
    return s + tileAndVectorize("main", t.ow, t.f, t.c, t.filtersOuter) +
           (t.restRows ? tileAndVectorize("rest", 1, t.restF, t.c,
                                          t.filtersOuter, t.restRows)
                       : tileAndVectorize("rest", ow - t.split,
                                          t.restF ? t.restF : t.f, t.c,
                                          t.filtersOuter));
  }

  /// The schedule of one depthwise convolution, matched by its tag: output
  /// rows split across threads, then (pixels x channels) register tiles,
  /// one kernel row at a time, each decomposed to a 1-D depthwise conv that
  /// vectorizes to FMAs along the channels.
  static std::string depthwiseSchedule(const DepthwiseTile &t, int64_t ow,
                                       bool parallelRows) {
    std::string s = llvm::formatv(R"mlir(
    %dw = transform.structured.match ops{{["linalg.depthwise_conv_2d_nhwc_hwc"]} attributes{{{0} = 0 : i64} in %root : (!transform.any_op) -> !transform.any_op
)mlir",
                                  kTagAttr)
                        .str();
    std::string conv = "dw";
    if (parallelRows) {
      s += R"mlir(
    %dwrows, %dwrows_loop = transform.structured.tile_using_forall %dw tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
)mlir";
      conv = "dwrows";
    }
    auto tile = [&](StringRef h, int64_t owt) {
      return llvm::formatv(R"mlir(
    %{0}_t, %{0}_l:2 = transform.structured.tile_using_for %{0} tile_sizes [0, 0, {1}, {2}, 0, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    %{0}_r, %{0}_rl = transform.structured.tile_using_for %{0}_t tile_sizes [0, 0, 0, 0, 1, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %{0}_d = transform.structured.decompose %{0}_r : (!transform.any_op) -> !transform.any_op
    transform.structured.vectorize %{0}_d : !transform.any_op
)mlir",
                           h, owt, t.c)
          .str();
    };
    if (!t.split)
      return s + tile(conv, t.ow);
    s += llvm::formatv(R"mlir(
    %dwparts = transform.structured.split %{1} after {0} {{dimension = 2} : !transform.any_op
    %dwmain, %dwrest = transform.split_handle %dwparts : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
)mlir",
                       t.split, conv)
             .str();
    return s + tile("dwmain", t.ow) + tile("dwrest", ow - t.split);
  }

  /// The rest of a fused schedule, once the epilogue (tag 2) is tiled to
  /// one register tile with its convolution (tag 0) and fill (tag 1)
  /// fused in: the convolution's reduction tiled by `reduction` (one
  /// kernel row and column, `c` input channels), decomposed to 1-D and
  /// vectorized; the fill and the epilogue vectorized as they are.
  static std::string fusedTileSchedule(StringRef convName,
                                       StringRef reduction, unsigned loops) {
    std::string handles = "!transform.any_op";
    for (unsigned i = 0; i < loops; ++i)
      handles += ", !transform.any_op";
    return llvm::formatv(R"mlir(
    %fc = transform.structured.match ops{{["{0}"]} attributes{{{1} = 0 : i64} in %root : (!transform.any_op) -> !transform.any_op
    %ff = transform.structured.match ops{{["linalg.fill"]} attributes{{{1} = 1 : i64} in %root : (!transform.any_op) -> !transform.any_op
    %fe = transform.structured.match ops{{["linalg.generic"]} attributes{{{1} = 2 : i64} in %root : (!transform.any_op) -> !transform.any_op
    %fr, %frl:{3} = transform.structured.tile_using_for %fc tile_sizes {2} : (!transform.any_op) -> ({4})
    %fd = transform.structured.decompose %fr : (!transform.any_op) -> !transform.any_op
    transform.structured.vectorize %fd : !transform.any_op
    transform.structured.vectorize %ff : !transform.any_op
    transform.structured.vectorize %fe : !transform.any_op
)mlir",
                         convName, kTagAttr, reduction, loops, handles)
        .str();
  }

  /// Fuses the elementwise epilogue of `conv` (bias, activation, residual)
  /// and its fill into its register tiles: the epilogue is tiled in two
  /// levels, `outer` (an scf.forall: rows, or filter blocks when
  /// `packBlock` > 0, whose weights are then packed) then `inner`
  /// (scf.for: the register tile), with the convolution and its fill
  /// fused into each. Each output tile is then zeroed, accumulated and
  /// finished while in registers and L1, instead of three passes over the
  /// output. With `split`, each outer tile is cut at that output column
  /// and the columns from there on take `restInner` (by default the row
  /// tile narrowed to them): inside the outer tile, so that both parts
  /// use a filter block while it is in cache. Returns false (IR unchanged)
  /// when `conv` has no such epilogue or fusion fails. With
  /// `withoutEpilogue` (pools), an op with no epilogue is tiled as the
  /// root itself, with only its fill fused in.
  bool fuseEpilogue(func::FuncOp func, RewriterBase &rw, linalg::LinalgOp conv,
                    ArrayRef<int64_t> outer, ArrayRef<int64_t> inner,
                    int64_t split, int64_t packBlock, StringRef reduction,
                    unsigned reductionLoops,
                    ArrayRef<int64_t> restInner = {},
                    bool withoutEpilogue = false) {
    if (conv->getParentOp() != func.getOperation())
      return false;
    linalg::GenericOp epilogue = makeEpilogueInPlace(rw, conv);
    if (!epilogue && !withoutEpilogue)
      return false;
    auto fill = conv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (fill && !fill->hasOneUse())
      fill = {};
    if (split && (!fill || (epilogue && !canSplitWidth(epilogue))))
      return false; // the in-place epilogue is still correct
    // Without an epilogue the convolution is the root and only the fill is
    // fused into its tiles.
    Operation *root = epilogue ? epilogue.getOperation() : conv.getOperation();
    llvm::SmallPtrSet<Operation *, 4> fusable;
    if (epilogue)
      fusable.insert(conv);
    if (fill)
      fusable.insert(fill);
    FailureOr<SmallVector<Operation *>> level1 =
        tileAndFuse(rw, cast<TilingInterface>(root), outer,
                    /*forall=*/worthThreads(conv), fusable);
    if (failed(level1))
      return false; // the in-place epilogue is still correct
    rw.eraseOp(root);
    ConvTriple tile;
    for (Operation *op : llvm::drop_end(*level1)) {
      if (auto f = dyn_cast<linalg::FillOp>(op))
        tile.fill = f;
      else
        tile.conv = cast<linalg::LinalgOp>(op);
    }
    if (epilogue)
      tile.epilogue = cast<linalg::GenericOp>(level1->back());
    else
      tile.conv = cast<linalg::LinalgOp>(level1->back());
    if (!tile.conv)
      return true;
    if (packBlock > 0)
      if (auto c = dyn_cast<linalg::Conv2DNhwcHwcfOp>(tile.conv.getOperation()))
        packSlicedWeights(rw, c, packBlock, packedCache);
    if (!split) {
      fuseRegisterTile(func, rw, tile, inner, reduction, reductionLoops);
      return true;
    }
    int64_t ow = cast<RankedTensorType>(tile.conv->getResult(0).getType())
                     .getDimSize(2);
    if (!tile.fill)
      return true;
    FailureOr<std::array<ConvTriple, 2>> parts = splitWidth(rw, tile, split);
    if (failed(parts)) {
      // Fused by the outer tile only: correct, not vectorized.
      emitWarning(tile.conv.getLoc())
          << "convolution not vectorized (its row could not be split); it "
             "runs on the scalar path";
      return true;
    }
    SmallVector<int64_t> rest(inner);
    rest[2] = ow - split;
    if (!restInner.empty())
      rest.assign(restInner.begin(), restInner.end());
    // Both parts read one packed copy, in blocks of the wider filter tile.
    int64_t block = std::max(inner[3], rest[3]);
    if (inner[3] <= 0 || rest[3] <= 0 || block % inner[3] || block % rest[3])
      block = 0;
    fuseRegisterTile(func, rw, (*parts)[0], inner, reduction, reductionLoops,
                     block);
    fuseRegisterTile(func, rw, (*parts)[1], rest, reduction, reductionLoops,
                     block);
    return true;
  }

  /// The second tiling level of fuseEpilogue: `t`'s epilogue tiled by
  /// `inner` with the convolution and fill fused in, then the register
  /// schedule. Leaves `t` as it is (correct, not vectorized) when tiling
  /// fails.
  void fuseRegisterTile(func::FuncOp func, RewriterBase &rw, ConvTriple t,
                        ArrayRef<int64_t> inner, StringRef reduction,
                        unsigned reductionLoops, int64_t weightBlock = 0) {
    Operation *root =
        t.epilogue ? t.epilogue.getOperation() : t.conv.getOperation();
    llvm::SmallPtrSet<Operation *, 4> fusable;
    if (t.epilogue)
      fusable.insert(t.conv);
    if (t.fill)
      fusable.insert(t.fill);
    FailureOr<SmallVector<Operation *>> level2 = tileAndFuse(
        rw, cast<TilingInterface>(root), inner, /*forall=*/false, fusable);
    if (failed(level2)) {
      emitWarning(t.conv.getLoc())
          << "convolution not vectorized (its register tile could not be "
             "fused); it runs on the scalar path";
      return;
    }
    rw.eraseOp(root);
    Operation *tags[3] = {nullptr, nullptr, nullptr};
    for (Operation *op : *level2)
      tags[isa<linalg::FillOp>(op) ? 1 : isa<linalg::GenericOp>(op) ? 2 : 0] =
          op;
    if (!tags[0])
      return;
    // A register tile of ft < F filters reads its weights at an F-float
    // stride: packed, they are contiguous.
    if (auto c = dyn_cast<linalg::Conv2DNhwcHwcfOp>(tags[0]))
      packSlicedWeights(rw, c, inner[3], packedCache, weightBlock);
    applyTo(func, tags, "fused convolution",
            fusedTileSchedule(tags[0]->getName().getStringRef(), reduction,
                              reductionLoops));
  }

  /// Packed weights made by fuseTriple, per (weights, block size).
  DenseMap<std::pair<Value, int64_t>, Value> packedCache;

  /// The schedule of one matmul [M, K] x [K, N], matched by its tag: an
  /// (mt x nt) register block, N split where nt does not divide it, K
  /// stepped by kt.
  /// Register block of a matmul: mt rows by nt columns.
  std::pair<int64_t, int64_t> matmulTile(int64_t m, int64_t n) const {
    int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
    int64_t accumulators = vectorRegisters(vectorBits) - 4;
    int64_t mt = largestDivisor(m, {4, 2, 1});
    int64_t nVectors =
        std::max<int64_t>(1, std::min<int64_t>(8, accumulators / mt));
    int64_t nt = std::min(nVectors * vl, n);
    if (nt > vl)
      nt -= nt % vl;
    return {mt, nt};
  }

  std::string matmulSchedule(int64_t m, int64_t n, int64_t k) const {
    std::pair<int64_t, int64_t> mn = matmulTile(m, n);
    int64_t mt = mn.first, nt = mn.second;
    int64_t kt = largestDivisor(k, {4, 2, 1});
    auto tile = [&](StringRef h, int64_t ntile) {
      return llvm::formatv(R"mlir(
    %{0}_t, %{0}_l:2 = transform.structured.tile_using_for %{0} tile_sizes [{1}, {2}, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    %{0}_r, %{0}_rl = transform.structured.tile_using_for %{0}_t tile_sizes [0, 0, {3}] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.structured.vectorize %{0}_r : !transform.any_op
)mlir",
                           h, mt, ntile, kt)
          .str();
    };
    std::string s = llvm::formatv(R"mlir(
    %mm = transform.structured.match ops{{["linalg.matmul"]} attributes{{{0} = 0 : i64} in %root : (!transform.any_op) -> !transform.any_op
)mlir",
                                  kTagAttr)
                        .str();
    if (n % nt == 0)
      return s + tile("mm", nt) + kToContract;
    s += llvm::formatv(R"mlir(
    %mparts = transform.structured.split %mm after {0} {{dimension = 1} : !transform.any_op
    %mmain, %mrest = transform.split_handle %mparts : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
)mlir",
                       n - n % nt)
             .str();
    return s + tile("mmain", nt) + tile("mrest", n % nt) + kToContract;
  }

  /// The vectorized matmul is a multi-reduction of a broadcast product;
  /// folded back into vector.contract it lowers to outer products.
  static constexpr const char *kToContract = R"mlir(
    transform.apply_patterns to %root {
      transform.apply_patterns.vector.transfer_permutation_patterns
    } : !transform.any_op
    transform.apply_patterns to %root {
      transform.apply_patterns.vector.reduction_to_contract
    } : !transform.any_op
)mlir";

  /// Applies `schedule` to `op` (tagged for the duration). A schedule that
  /// does not apply leaves valid IR behind (each transform op applies whole
  /// or not at all): the op then takes the scalar path, with a warning
  /// rather than a failed compilation.
  void applyTo(func::FuncOp func, Operation *op, StringRef what,
               const std::string &schedule) {
    applyTo(func, ArrayRef<Operation *>{op}, what, schedule);
  }

  /// The same with `ops` tagged 0, 1, 2... in order (null ops skipped).
  void applyTo(func::FuncOp func, ArrayRef<Operation *> ops, StringRef what,
               const std::string &schedule) {
    Location loc = ops.front()->getLoc();
    for (auto [i, op] : llvm::enumerate(ops))
      if (op)
        op->setAttr(kTagAttr,
                    IntegerAttr::get(IntegerType::get(&getContext(), 64), i));
    std::string firstError;
    LogicalResult applied = success();
    {
      ScopedDiagnosticHandler capture(&getContext(), [&](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
          firstError = d.str();
        return success();
      });
      applied = applySchedule(func, schedule, /*consumesRoot=*/false);
    }
    func.walk([](Operation *o) { o->removeAttr(kTagAttr); });
    if (failed(applied))
      emitWarning(loc) << what << " not vectorized (" << firstError
                       << "); it runs on the scalar path";
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    packedCache.clear();
    {
      SmallVector<linalg::Conv2DNhwgcGfhwcOp> grouped;
      func.walk([&](linalg::Conv2DNhwgcGfhwcOp c) { grouped.push_back(c); });
      IRRewriter rewriter(&getContext());
      int64_t vl = std::max<int64_t>(vectorBits / 32, 4);
      for (linalg::Conv2DNhwgcGfhwcOp c : grouped)
        if (!vectorizeSmallGroups(rewriter, c, vl))
          (void)splitGroups(rewriter, c);
    }
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    SmallVector<linalg::MatmulOp> matmuls;
    SmallVector<linalg::DepthwiseConv2DNhwcHwcOp> depthwise;
    SmallVector<linalg::LinalgOp> pools;
    func.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(op))
        return;
      auto out = dyn_cast<RankedTensorType>(op->getResultTypes()[0]);
      auto in = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
      if (out && in && out.hasStaticShape() && in.hasStaticShape())
        pools.push_back(op);
    });
    func.walk([&](linalg::DepthwiseConv2DNhwcHwcOp conv) {
      auto out = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
      auto in = dyn_cast<RankedTensorType>(conv.getInputs()[0].getType());
      if (out && in && out.hasStaticShape() && in.hasStaticShape())
        depthwise.push_back(conv);
    });
    func.walk([&](linalg::Conv2DNhwcHwcfOp conv) {
      auto out = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
      auto in = dyn_cast<RankedTensorType>(conv.getInputs()[0].getType());
      if (out && in && out.hasStaticShape() && in.hasStaticShape())
        convs.push_back(conv);
    });
    func.walk([&](linalg::MatmulOp mm) {
      // Plain [M, K] x [K, N] matmuls (no transposing indexing maps).
      auto c = dyn_cast<RankedTensorType>(mm.getResultTypes()[0]);
      if (c && c.hasStaticShape() && mm.getIndexingMapsArray() ==
                    mm.getDefaultIndexingMaps(&getContext()))
        matmuls.push_back(mm);
    });
    if (convs.empty() && matmuls.empty() && depthwise.empty() &&
        pools.empty())
      return;
    IRRewriter rewriter(&getContext());
    // Pools: output rows split across threads, (pixels x channels) tiles
    // with the fill (and an average's division) fused in, one window row
    // at a time decomposed to a 1-D pool that vectorizes along channels.
    for (linalg::LinalgOp pool : pools) {
      if (pool->getParentOfType<scf::ForallOp>())
        continue;
      auto out = cast<RankedTensorType>(pool->getResultTypes()[0]);
      DepthwiseTile t =
          selectPoolTile(out.getDimSize(2), out.getDimSize(3), vectorBits);
      fuseEpilogue(func, rewriter, pool, {1, 1, 0, 0}, {0, 0, t.ow, t.c},
                   /*split=*/0, 0, "[0, 0, 0, 0, 1, 0]", 1, {},
                   /*withoutEpilogue=*/true);
    }
    for (linalg::DepthwiseConv2DNhwcHwcOp conv : depthwise) {
      auto out = cast<RankedTensorType>(conv.getResultTypes()[0]);
      DepthwiseTile t = selectDepthwiseTile(out.getDimSize(2),
                                            out.getDimSize(3), vectorBits);
      bool parallelRows = !conv->getParentOfType<scf::ForallOp>();
      if (parallelRows &&
          fuseEpilogue(func, rewriter, conv, {1, 1, 0, 0}, {0, 0, t.ow, t.c},
                       t.split, 0, "[0, 0, 0, 0, 1, 0]", 1))
        continue;
      applyTo(func, conv, "depthwise convolution",
              depthwiseSchedule(t, out.getDimSize(2),
                                parallelRows && worthThreads(conv)));
    }
    for (linalg::Conv2DNhwcHwcfOp conv : convs) {
      auto out = cast<RankedTensorType>(conv.getResultTypes()[0]);
      auto in = cast<RankedTensorType>(conv.getInputs()[0].getType());
      auto w = cast<RankedTensorType>(conv.getInputs()[1].getType());
      // A convolution inside a parallel loop (a group, a Winograd point)
      // is not split by rows again: its rows are free to tile.
      bool inForall = conv->getParentOfType<scf::ForallOp>() != nullptr;
      ConvTile t = selectConvTile(out.getDimSize(1), out.getDimSize(2),
                                  out.getDimSize(3),
                                  in.getDimSize(3), w.getDimSize(0),
                                  w.getDimSize(1), vectorBits, inForall);
      if (!inForall) {
        std::string reduction =
            llvm::formatv("[0, 0, 0, 0, 1, 1, {0}]", t.c).str();
        bool packed = t.filtersOuter && out.getDimSize(3) > t.f &&
                      out.getDimSize(3) % t.f == 0 &&
                      conv.getInputs()[1].getDefiningOp<arith::ConstantOp>();
        SmallVector<int64_t> restInner;
        if (t.restRows)
          restInner = {1, t.restRows, 1, t.restF};
        else if (t.restF)
          restInner = {0, 0, out.getDimSize(2) - t.split, t.restF};
        // A convolution without an epilogue (ResNet's shortcut projection,
        // whose bias joins the residual add) still takes its fill into its
        // tiles: zeros in registers, not a pass over the output before it.
        if (packed ? fuseEpilogue(func, rewriter, conv, {0, 0, 0, t.f},
                                  {1, 1, t.ow, 0}, t.split, t.f, reduction, 3,
                                  restInner, /*withoutEpilogue=*/true)
                   : !t.filtersOuter &&
                         fuseEpilogue(func, rewriter, conv, {1, 1, 0, 0},
                                      {0, 0, t.ow, t.f}, t.split, 0,
                                      reduction, 3, restInner,
                                      /*withoutEpilogue=*/true))
          continue;
      }
      if (t.filtersOuter)
        if (auto inner = packFilterBlocks(rewriter, conv, t.f)) {
          conv = inner;
          t.filtersOuter = false;
        }
      // Threads split a convolution by filter blocks when its weights are
      // packed (the loop above is already parallel), else by output rows.
      bool parallelRows = !t.filtersOuter && !inForall && worthThreads(conv);
      applyTo(func, conv, "convolution",
              convSchedule(t, out.getDimSize(2), parallelRows));
    }
    for (linalg::MatmulOp whole : matmuls) {
      auto wc = cast<RankedTensorType>(whole.getResultTypes()[0]);
      int64_t nt = matmulTile(wc.getDimSize(0), wc.getDimSize(1)).second;
      for (linalg::MatmulOp mm : packMatmulBlocks(rewriter, whole, nt)) {
        auto a = cast<RankedTensorType>(mm.getInputs()[0].getType());
        auto c = cast<RankedTensorType>(mm.getResultTypes()[0]);
        applyTo(func, mm, "matmul",
                matmulSchedule(c.getDimSize(0), c.getDimSize(1),
                               a.getDimSize(1)));
      }
    }
    static const char *kCleanup = R"mlir(
    transform.apply_patterns to %root {
      transform.apply_patterns.canonicalization
      transform.apply_patterns.linalg.tiling_canonicalization
      transform.apply_patterns.vector.cast_away_vector_leading_one_dim
    } : !transform.any_op
)mlir";
    if (failed(applySchedule(func, kCleanup, /*consumesRoot=*/false)))
      return signalPassFailure();
  }
};

struct CPULowerVectorsPass
    : public cnnc::impl::CPULowerVectorsPassBase<CPULowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool any = false;
    func.walk([&](vector::ContractionOp) { any = true; });
    if (!any)
      return;
    // Each lowering in its own pattern set: together they loop forever.
    static const char *kBody = R"mlir(
    %f = transform.structured.hoist_redundant_vector_transfers %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.transfer_permutation_patterns
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_outerproduct
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_broadcast
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_transpose
    } : !transform.any_op
    transform.apply_patterns to %f {
      transform.apply_patterns.vector.lower_shape_cast
    } : !transform.any_op
)mlir";
    if (failed(applySchedule(func, kBody, /*consumesRoot=*/true)))
      return signalPassFailure();
  }
};
} // namespace
