//===- FactorizeKernels.cpp - the cnn-factorize-kernels pass --------------===//
//
// NxN convolution = 1xN convolution then Nx1 convolution, through a
// truncated SVD of the kernel matrix. The decomposition is the symmetric
// eigenproblem of the smaller Gram matrix (in
// double, Householder tridiagonalization and implicit QR): the budget is on
// the tail energy sum(s_i^2, i > r), which the Gram matrix's eigenvalues
// give to far better than the tolerances users ask for. Singular values
// come first; vectors are computed only for kernels that are rewritten.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <numeric>

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNFACTORIZEKERNELSPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

namespace {
/// A dense row-major matrix of doubles.
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<double> data;
  Matrix(int64_t r, int64_t c) : rows(r), cols(c), data(r * c, 0.0) {}
  double &at(int64_t i, int64_t j) { return data[i * cols + j]; }
  double at(int64_t i, int64_t j) const { return data[i * cols + j]; }
};

/// Eigen-decomposition of the symmetric `a` (n x n): Householder reduction
/// to tridiagonal form, then implicit QR steps with Wilkinson shifts. On
/// return `values` holds the eigenvalues in decreasing order and, when
/// `vectors` is given, its columns the matching unit eigenvectors.
void symmetricEigen(Matrix a, std::vector<double> &values, Matrix *vectors) {
  int64_t n = a.rows;
  Matrix q(vectors ? n : 0, vectors ? n : 0);
  for (int64_t i = 0; vectors && i < n; ++i)
    q.at(i, i) = 1.0;
  std::vector<double> v(n), p(n), w(n);
  // Reduce column k below the subdiagonal with a reflector H = I - b v v^T.
  for (int64_t k = 0; k + 2 < n; ++k) {
    double norm = 0;
    for (int64_t i = k + 1; i < n; ++i)
      norm += a.at(i, k) * a.at(i, k);
    norm = std::sqrt(norm);
    if (norm == 0)
      continue;
    double alpha = a.at(k + 1, k) > 0 ? -norm : norm;
    std::fill(v.begin(), v.end(), 0.0);
    for (int64_t i = k + 1; i < n; ++i)
      v[i] = a.at(i, k);
    v[k + 1] -= alpha;
    double vv = 0;
    for (int64_t i = k + 1; i < n; ++i)
      vv += v[i] * v[i];
    if (vv == 0)
      continue;
    double beta = 2.0 / vv;
    // A <- H A H on rows/columns k..n-1: p = b A v, w = p - (b/2)(v.p) v,
    // A -= v w^T + w v^T.
    for (int64_t i = k; i < n; ++i) {
      double sum = 0;
      for (int64_t j = k + 1; j < n; ++j)
        sum += a.at(i, j) * v[j];
      p[i] = beta * sum;
    }
    double vp = 0;
    for (int64_t i = k + 1; i < n; ++i)
      vp += v[i] * p[i];
    for (int64_t i = k; i < n; ++i)
      w[i] = p[i] - 0.5 * beta * vp * v[i];
    for (int64_t i = k; i < n; ++i)
      for (int64_t j = k; j < n; ++j)
        a.at(i, j) -= v[i] * w[j] + w[i] * v[j];
    if (vectors)
      for (int64_t i = 0; i < n; ++i) {
        double sum = 0;
        for (int64_t j = k + 1; j < n; ++j)
          sum += q.at(i, j) * v[j];
        sum *= beta;
        for (int64_t j = k + 1; j < n; ++j)
          q.at(i, j) -= sum * v[j];
      }
  }
  std::vector<double> d(n), e(n > 0 ? n - 1 : 0);
  for (int64_t i = 0; i < n; ++i)
    d[i] = a.at(i, i);
  for (int64_t i = 0; i + 1 < n; ++i)
    e[i] = a.at(i + 1, i);

  // Implicit symmetric QR on the unreduced blocks, bottom first.
  for (int64_t iter = 0; iter < 60 * std::max<int64_t>(n, 1); ++iter) {
    for (int64_t i = 0; i + 1 < n; ++i)
      if (std::abs(e[i]) <= 1e-15 * (std::abs(d[i]) + std::abs(d[i + 1])) ||
          std::abs(e[i]) < 1e-300)
        e[i] = 0;
    int64_t m = n - 1;
    while (m > 0 && e[m - 1] == 0)
      --m;
    if (m <= 0)
      break;
    int64_t l = m - 1;
    while (l > 0 && e[l - 1] != 0)
      --l;
    double delta = (d[m - 1] - d[m]) / 2;
    double em = e[m - 1];
    double mu = d[m] - em * em /
                           (delta + (delta >= 0 ? 1 : -1) *
                                        std::sqrt(delta * delta + em * em));
    double x = d[l] - mu, z = e[l];
    for (int64_t k = l; k < m; ++k) {
      double r = std::hypot(x, z);
      double c = r == 0 ? 1 : x / r, s = r == 0 ? 0 : z / r;
      if (k > l)
        e[k - 1] = r;
      double dk = d[k], ek = e[k], dk1 = d[k + 1];
      d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
      d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
      e[k] = (c * c - s * s) * ek + c * s * (dk1 - dk);
      if (k + 1 < m) {
        z = s * e[k + 1];
        e[k + 1] *= c;
        x = e[k];
      }
      if (vectors)
        for (int64_t i = 0; i < n; ++i) {
          double zk = q.at(i, k), zk1 = q.at(i, k + 1);
          q.at(i, k) = c * zk + s * zk1;
          q.at(i, k + 1) = -s * zk + c * zk1;
        }
    }
  }

  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int64_t x, int64_t y) { return d[x] > d[y]; });
  values.assign(n, 0);
  for (int64_t j = 0; j < n; ++j)
    values[j] = std::max(0.0, d[order[j]]);
  if (vectors) {
    *vectors = Matrix(n, n);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < n; ++i)
        vectors->at(i, j) = q.at(i, order[j]);
  }
}

/// Truncated SVD of `m`: singular values (decreasing) and the leading
/// left/right singular vectors as columns, `keep` of them.
struct SVD {
  std::vector<double> singular;
  Matrix u{0, 0}, v{0, 0};
};

/// The Gram matrix of `m` on its smaller side (M^T M or M M^T).
Matrix gramMatrix(const Matrix &m) {
  bool tall = m.rows >= m.cols;
  int64_t n = tall ? m.cols : m.rows;
  Matrix gram(n, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i; j < n; ++j) {
      double sum = 0;
      if (tall)
        for (int64_t k = 0; k < m.rows; ++k)
          sum += m.at(k, i) * m.at(k, j);
      else
        for (int64_t k = 0; k < m.cols; ++k)
          sum += m.at(i, k) * m.at(j, k);
      gram.at(i, j) = gram.at(j, i) = sum;
    }
  return gram;
}

/// Singular values of `m`, decreasing.
std::vector<double> singularValues(const Matrix &m) {
  std::vector<double> eig;
  symmetricEigen(gramMatrix(m), eig, nullptr);
  for (double &x : eig)
    x = std::sqrt(x);
  return eig;
}

/// SVD of `m` truncated to its `keep` leading singular triplets.
SVD truncatedSVD(const Matrix &m, int64_t keep) {
  bool tall = m.rows >= m.cols;
  int64_t n = tall ? m.cols : m.rows;
  std::vector<double> eig;
  Matrix vecs(0, 0);
  symmetricEigen(gramMatrix(m), eig, &vecs);
  SVD r;
  for (double e : eig)
    r.singular.push_back(std::sqrt(e));
  keep = std::min(keep, n);
  // The other side's vectors: M v / s (or M^T u / s).
  int64_t other = tall ? m.rows : m.cols;
  Matrix known(n, keep), derived(other, keep);
  for (int64_t j = 0; j < keep; ++j) {
    double s = r.singular[j];
    for (int64_t i = 0; i < n; ++i)
      known.at(i, j) = vecs.at(i, j);
    for (int64_t i = 0; i < other; ++i) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k)
        sum += (tall ? m.at(i, k) : m.at(k, i)) * vecs.at(k, j);
      derived.at(i, j) = s > 0 ? sum / s : 0;
    }
  }
  r.u = tall ? derived : known;
  r.v = tall ? known : derived;
  return r;
}

struct CNNFactorizeKernelsPass
    : public cnn::impl::CNNFactorizeKernelsPassBase<CNNFactorizeKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Conv2DOp> convs;
    getOperation().walk([&](Conv2DOp conv) { convs.push_back(conv); });
    int64_t before = 0, after = 0, rewritten = 0;
    for (Conv2DOp conv : convs) {
      std::optional<std::pair<int64_t, int64_t>> macs = factorize(conv);
      if (!macs)
        continue;
      before += macs->first;
      after += macs->second;
      ++rewritten;
    }
    if (rewritten)
      getOperation().emitRemark()
          << llvm::formatv("factorized {0} of {1} convolutions: {2} -> {3} "
                           "MACs in them ({4:P1} fewer)",
                           rewritten, convs.size(), before, after,
                           1.0 - double(after) / double(before));
  }

  /// Rewrites `conv` when it qualifies; returns its MACs before and after.
  std::optional<std::pair<int64_t, int64_t>> factorize(Conv2DOp conv) {
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto inType = cast<RankedTensorType>(conv.getInput().getType());
    auto outType = cast<RankedTensorType>(conv.getType());
    int64_t cout = wType.getDimSize(0), ci = wType.getDimSize(1),
            n = wType.getDimSize(2), g = conv.getGroup();
    if (n < 2 || wType.getDimSize(3) != n ||
        llvm::any_of(conv.getDilations(), [](int64_t d) { return d != 1; }) ||
        !inType.hasStaticShape() || !outType.hasStaticShape() || g < 1 ||
        cout % g != 0)
      return std::nullopt;
    int64_t co = cout / g;
    int64_t rows = co * n, cols = ci * n;
    if (std::min(rows, cols) > maxMatrix)
      return std::nullopt;
    int64_t hIn = inType.getDimSize(2), ho = outType.getDimSize(2),
            wo = outType.getDimSize(3), batch = outType.getDimSize(0);
    int64_t macsBefore = batch * cout * ci * n * n * ho * wo;
    auto macsAfter = [&](int64_t r) {
      return batch * (g * r * ci * n * hIn * wo + cout * r * n * ho * wo);
    };
    // No rank can pay: skip the decomposition.
    if (macsAfter(1) >= macsBefore)
      return std::nullopt;
    FailureOr<SmallVector<float>> weights =
        getConstantFloats(conv.getWeight());
    if (failed(weights))
      return std::nullopt;

    // Per group: M[(o, kh), (i, kw)] and the rank the budget needs, from
    // the singular values alone; vectors only once the rewrite pays.
    SmallVector<Matrix> matrices;
    int64_t rank = 1;
    int64_t full = std::min(rows, cols);
    for (int64_t grp = 0; grp < g; ++grp) {
      Matrix m(rows, cols);
      double norm2 = 0;
      for (int64_t o = 0; o < co; ++o)
        for (int64_t i = 0; i < ci; ++i)
          for (int64_t kh = 0; kh < n; ++kh)
            for (int64_t kw = 0; kw < n; ++kw) {
              double x = (*weights)[(((grp * co + o) * ci + i) * n + kh) * n +
                                    kw];
              m.at(o * n + kh, i * n + kw) = x;
              norm2 += x * x;
            }
      std::vector<double> singular = singularValues(m);
      // Smallest r with tail energy sum(s_j^2, j >= r) <= tolerance^2 * total.
      std::vector<double> tails(full + 1, 0);
      for (int64_t j = full - 1; j >= 0; --j)
        tails[j] = tails[j + 1] + singular[j] * singular[j];
      int64_t r = full;
      for (int64_t j = 1; j <= full; ++j)
        if (norm2 == 0 || tails[j] <= tolerance * tolerance * norm2) {
          r = j;
          break;
        }
      rank = std::max(rank, r);
      if (macsAfter(rank) >= macsBefore)
        return std::nullopt;
      matrices.push_back(std::move(m));
    }
    int64_t newMacs = macsAfter(rank);
    SmallVector<SVD> svds;
    for (const Matrix &m : matrices)
      svds.push_back(truncatedSVD(m, rank));
    double worst = 0;

    // A [g*r, ci, 1, n] = sqrt(s) v^T, B [cout, r, n, 1] = u sqrt(s).
    SmallVector<float> a(g * rank * ci * n, 0.f), b(cout * rank * n, 0.f);
    for (int64_t grp = 0; grp < g; ++grp) {
      const SVD &svd = svds[grp];
      double err2 = 0, norm2 = 0;
      for (int64_t j = 0; j < full; ++j) {
        norm2 += svd.singular[j] * svd.singular[j];
        if (j >= rank)
          err2 += svd.singular[j] * svd.singular[j];
      }
      worst = std::max(worst, norm2 > 0 ? std::sqrt(err2 / norm2) : 0.0);
      for (int64_t j = 0; j < std::min(rank, full); ++j) {
        double root = std::sqrt(svd.singular[j]);
        for (int64_t i = 0; i < ci; ++i)
          for (int64_t kw = 0; kw < n; ++kw)
            a[(((grp * rank + j) * ci + i) * n) + kw] =
                float(root * svd.v.at(i * n + kw, j));
        for (int64_t o = 0; o < co; ++o)
          for (int64_t kh = 0; kh < n; ++kh)
            b[(((grp * co + o) * rank + j) * n) + kh] =
                float(root * svd.u.at(o * n + kh, j));
      }
    }

    OpBuilder builder(conv);
    Location loc = conv.getLoc();
    Type f32 = wType.getElementType();
    ArrayRef<int64_t> pads = conv.getPads(), strides = conv.getStrides();
    Value aw = createWeightConstant(
        builder, loc, RankedTensorType::get({g * rank, ci, 1, n}, f32), a,
        weightName(loc, "factor_1xn"));
    Value bw = createWeightConstant(
        builder, loc, RankedTensorType::get({cout, rank, n, 1}, f32), b,
        weightName(loc, "factor_nx1"));
    auto midType = RankedTensorType::get(
        {batch, g * rank, hIn, wo}, f32);
    auto ones = builder.getDenseI64ArrayAttr({1, 1});
    auto first = Conv2DOp::create(
        builder, loc, midType, conv.getInput(), aw, Value(), Value(),
        builder.getDenseI64ArrayAttr({1, strides[1]}),
        builder.getDenseI64ArrayAttr({0, pads[1], 0, pads[3]}), ones,
        conv.getGroupAttr(), StringAttr(), DenseF32ArrayAttr());
    auto second = Conv2DOp::create(
        builder, loc, outType, first.getResult(), bw, conv.getBias(),
        conv.getResidual(), builder.getDenseI64ArrayAttr({strides[0], 1}),
        builder.getDenseI64ArrayAttr({pads[0], 0, pads[2], 0}), ones,
        conv.getGroupAttr(), conv.getActivationAttr(),
        conv.getActivationParamsAttr());
    conv.emitRemark() << llvm::formatv(
        "factorized {0}x{0} convolution [{1}x{2}x{0}x{0}] (group {3}) into "
        "1x{0} [{4}x{2}x1x{0}] then {0}x1 [{1}x{5}x{0}x1]: rank {5}, MACs "
        "{6} -> {7} ({8:P1} fewer), relative reconstruction error {9:e}",
        n, cout, ci, g, g * rank, rank, macsBefore, newMacs,
        1.0 - double(newMacs) / double(macsBefore), worst);
    conv.replaceAllUsesWith(second.getResult());
    conv.erase();
    return std::make_pair(macsBefore, newMacs);
  }
};
} // namespace
