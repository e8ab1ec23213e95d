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
#include <optional>

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

/// sum(p[i] * q[i]), with four partial sums for instruction-level
/// parallelism.
double dotProduct(const double *p, const double *q, int64_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += p[i] * q[i];
    s1 += p[i + 1] * q[i + 1];
    s2 += p[i + 2] * q[i + 2];
    s3 += p[i + 3] * q[i + 3];
  }
  for (; i < n; ++i)
    s0 += p[i] * q[i];
  return (s0 + s1) + (s2 + s3);
}

/// y[i] += alpha * x[i].
void axpy(double alpha, const double *x, double *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] += alpha * x[i];
}

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
        sum = dotProduct(&m.data[i * m.cols], &m.data[j * m.cols], m.cols);
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


/// One group's 5x5 kernel as a composition of two 3x3 kernels:
/// K[o][i] = sum_m A[o][m] * B[m][i] (2-D full convolution of 3x3 kernels
/// is 5x5). A is [co][r][3][3] (the second convolution), B [r][ci][3][3]
/// (the first). Row-major doubles.
struct PairFit {
  std::vector<double> a, b;
  double error = 0; // relative Frobenius error
  int64_t iterations = 0;
};

/// ||T - X o Y|| minimized over X [rows][r][3][3] for a fixed Y, with
/// T given as [5*5][cols][rows] and Y as [r][3*3][cols]. Each row of X is
/// an independent least-squares problem with the same normal matrix
///   G[(m,a,c),(m',a',c')] = sum_i sum_(b,d) Y[m,i,b,d] Y[m',i,b+a-a',d+c-c'],
/// solved for all rows at once through a Cholesky factorization G = U^T U
/// (a tiny ridge keeps it definite when r is more than the kernel needs).
void solveLeftFactor(const std::vector<double> &t, int64_t rows, int64_t cols,
                     const std::vector<double> &y, int64_t r,
                     std::vector<double> &x) {
  auto yAt = [&](int64_t m, int64_t bd) { return &y[(m * 9 + bd) * cols]; };
  // Cross-correlations P[m][m'][da+2][dc+2].
  std::vector<double> p(r * r * 25, 0.0);
  for (int64_t m = 0; m < r; ++m)
    for (int64_t m2 = 0; m2 < r; ++m2)
      for (int64_t da = -2; da <= 2; ++da)
        for (int64_t dc = -2; dc <= 2; ++dc) {
          double sum = 0;
          for (int64_t b = std::max<int64_t>(0, -da);
               b < std::min<int64_t>(3, 3 - da); ++b)
            for (int64_t d = std::max<int64_t>(0, -dc);
                 d < std::min<int64_t>(3, 3 - dc); ++d)
              sum += dotProduct(yAt(m, b * 3 + d),
                                yAt(m2, (b + da) * 3 + d + dc), cols);
          p[((m * r + m2) * 5 + da + 2) * 5 + dc + 2] = sum;
        }
  int64_t n = 9 * r;
  Matrix u(n, n);
  for (int64_t m = 0; m < r; ++m)
    for (int64_t ac = 0; ac < 9; ++ac)
      for (int64_t m2 = 0; m2 < r; ++m2)
        for (int64_t ac2 = 0; ac2 < 9; ++ac2)
          u.at(m * 9 + ac, m2 * 9 + ac2) =
              p[((m * r + m2) * 5 + ac / 3 - ac2 / 3 + 2) * 5 + ac % 3 -
                ac2 % 3 + 2];
  double trace = 0;
  for (int64_t j = 0; j < n; ++j)
    trace += u.at(j, j);
  double ridge = 1e-13 * trace / double(n) + 1e-300;
  for (int64_t j = 0; j < n; ++j)
    u.at(j, j) += ridge;
  // Right-looking Cholesky on the upper triangle: row j becomes U's row j,
  // and the trailing rows are updated with it (contiguous row operations).
  for (int64_t j = 0; j < n; ++j) {
    double *rowJ = &u.data[j * n];
    double diag = std::sqrt(std::max(rowJ[j], ridge));
    for (int64_t k = j; k < n; ++k)
      rowJ[k] /= diag;
    for (int64_t i = j + 1; i < n; ++i)
      axpy(-rowJ[i], rowJ + i, &u.data[i * n + i], n - i);
  }
  // Right-hand sides for all rows: R[(m,a,c)][o] =
  // sum_(b,d,i) Y[m][b,d][i] T[(a+b)*5+c+d][i][o].
  Matrix rhs(n, rows);
  for (int64_t m = 0; m < r; ++m)
    for (int64_t ac = 0; ac < 9; ++ac) {
      double *out = &rhs.data[(m * 9 + ac) * rows];
      for (int64_t bd = 0; bd < 9; ++bd) {
        const double *ym = yAt(m, bd);
        const double *tuv =
            &t[((ac / 3 + bd / 3) * 5 + ac % 3 + bd % 3) * cols * rows];
        for (int64_t i = 0; i < cols; ++i)
          axpy(ym[i], tuv + i * rows, out, rows);
      }
    }
  // U^T z = R, then U x = z, on all columns at once.
  for (int64_t k = 0; k < n; ++k) {
    double *rk = &rhs.data[k * rows];
    double inv = 1.0 / u.at(k, k);
    for (int64_t o = 0; o < rows; ++o)
      rk[o] *= inv;
    for (int64_t i = k + 1; i < n; ++i)
      axpy(-u.at(k, i), rk, &rhs.data[i * rows], rows);
  }
  for (int64_t k = n - 1; k >= 0; --k) {
    double *rk = &rhs.data[k * rows];
    double inv = 1.0 / u.at(k, k);
    for (int64_t o = 0; o < rows; ++o)
      rk[o] *= inv;
    for (int64_t i = 0; i < k; ++i)
      axpy(-u.at(i, k), rk, &rhs.data[i * rows], rows);
  }
  x.assign(rows * n, 0.0);
  for (int64_t k = 0; k < n; ++k)
    for (int64_t o = 0; o < rows; ++o)
      x[o * n + k] = rhs.at(k, o);
}

/// [d0][d1][d2] -> [d0][d2][d1].
std::vector<double> swapInner(const std::vector<double> &v, int64_t d0,
                              int64_t d1, int64_t d2) {
  std::vector<double> out(v.size());
  for (int64_t i = 0; i < d0; ++i)
    for (int64_t j = 0; j < d1; ++j)
      for (int64_t k = 0; k < d2; ++k)
        out[(i * d2 + k) * d1 + j] = v[(i * d1 + j) * d2 + k];
  return out;
}

/// [d0][d1][d2] -> [d1][d2][d0].
std::vector<double> rotateLeft(const std::vector<double> &v, int64_t d0,
                               int64_t d1, int64_t d2) {
  std::vector<double> out(v.size());
  for (int64_t i = 0; i < d0; ++i)
    for (int64_t j = 0; j < d1; ++j)
      for (int64_t k = 0; k < d2; ++k)
        out[(j * d2 + k) * d0 + i] = v[(i * d1 + j) * d2 + k];
  return out;
}

/// A lower bound on the error of every r-channel composition, for each r:
/// `bound[r]` is the least possible ||K - A o B||^2 / ||K||^2. The 5-point
/// DFT in each spatial dimension turns the (linear, 5-tap) composition into
/// a pointwise matrix product, so at each of the 25 frequencies the
/// transformed K' = A o B is a co x ci matrix of rank <= r; by Parseval the
/// error is the mean over frequencies of ||K^ - K'^||_F^2, which is at
/// least the energy of the transformed K beyond its r largest singular
/// values (Eckart-Young). The complex Hermitian Gram matrices are solved as
/// their real 2n x 2n embeddings, whose eigenvalues come in equal pairs.
std::vector<double> pairErrorBound(const std::vector<double> &k, int64_t co,
                                   int64_t ci) {
  int64_t n = std::min(co, ci);
  std::vector<double> bound(n + 1, 0.0);
  double total = 0;
  for (double x : k)
    total += x * x;
  if (total == 0)
    return bound;
  const double twoPi = 6.283185307179586;
  std::vector<double> re(co * ci), im(co * ci);
  for (int64_t f = 0; f < 25; ++f) {
    double fu = twoPi * double(f / 5) / 5, fv = twoPi * double(f % 5) / 5;
    for (int64_t oi = 0; oi < co * ci; ++oi) {
      double sr = 0, si = 0;
      for (int64_t u = 0; u < 5; ++u)
        for (int64_t v = 0; v < 5; ++v) {
          double x = k[oi * 25 + u * 5 + v], phase = fu * u + fv * v;
          sr += x * std::cos(phase);
          si -= x * std::sin(phase);
        }
      re[oi] = sr;
      im[oi] = si;
    }
    // H = K^H K (or K K^H) on the smaller side, embedded as
    // [[Re H, -Im H], [Im H, Re H]].
    bool tall = co >= ci;
    Matrix h(2 * n, 2 * n);
    for (int64_t x = 0; x < n; ++x)
      for (int64_t y = 0; y < n; ++y) {
        double hr = 0, hi = 0;
        for (int64_t z = 0; z < (tall ? co : ci); ++z) {
          // conj(K[z][x]) * K[z][y] (tall) or K[x][z] * conj(K[y][z]).
          int64_t p = tall ? z * ci + x : x * ci + z;
          int64_t q = tall ? z * ci + y : y * ci + z;
          double ar = re[p], ai = tall ? -im[p] : im[p];
          double br = re[q], bi = tall ? im[q] : -im[q];
          hr += ar * br - ai * bi;
          hi += ar * bi + ai * br;
        }
        h.at(x, y) = h.at(x + n, y + n) = hr;
        h.at(x + n, y) = hi;
        h.at(x, y + n) = -hi;
      }
    std::vector<double> eig;
    symmetricEigen(h, eig, nullptr);
    // eig[2j] ~ eig[2j+1] = sigma_j^2; the tail beyond r.
    std::vector<double> tail(n + 1, 0.0);
    for (int64_t j = n - 1; j >= 0; --j)
      tail[j] = tail[j + 1] + 0.5 * (eig[2 * j] + eig[2 * j + 1]);
    for (int64_t r = 0; r <= n; ++r)
      bound[r] += tail[r] / 25.0;
  }
  for (double &b : bound)
    b /= total;
  return bound;
}

/// Fits K [co][ci][5][5] by A o B with r intermediate channels, by
/// alternating least squares from an SVD start: B's kernels are the 3x3
/// centres of the r leading right singular vectors of K as a co x (ci*25)
/// matrix (a fixed pseudo-random fill when r exceeds its rank). Each
/// half-step is an exact least-squares solve, so the error never grows. Stops
/// when the error is within `tolerance`, or gives up (nullopt) when it
/// cannot get there in `maxIterations` at its current (geometric) rate of
/// convergence.
std::optional<PairFit> fitPair(const std::vector<double> &k, int64_t co,
                               int64_t ci, int64_t r, double tolerance,
                               int64_t maxIterations) {
  double norm2 = 0;
  for (double x : k)
    norm2 += x * x;
  PairFit fit;
  fit.a.assign(co * r * 9, 0.0);
  fit.b.assign(r * ci * 9, 0.0);
  if (norm2 == 0)
    return fit;
  Matrix m(co, ci * 25);
  std::copy(k.begin(), k.end(), m.data.begin());
  SVD svd = truncatedSVD(m, r);
  int64_t have = std::min<int64_t>(r, svd.v.cols);
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto noise = [&]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return double(int64_t(state >> 11) % 2001 - 1000) / 1000.0;
  };
  for (int64_t j = 0; j < r; ++j)
    for (int64_t i = 0; i < ci; ++i)
      for (int64_t b = 0; b < 3; ++b)
        for (int64_t d = 0; d < 3; ++d) {
          double centre =
              j < have ? svd.v.at(i * 25 + (b + 1) * 5 + d + 1, j) : 0.0;
          fit.b[((j * ci + i) * 3 + b) * 3 + d] = centre + 1e-3 * noise();
        }
  // The A step contracts over ci, the B step over co: T as [25][ci][co]
  // and [25][co][ci], the fixed factor as [r][9][ci] and [r][9][co].
  std::vector<double> kA(k.size()), kB(k.size());
  for (int64_t o = 0; o < co; ++o)
    for (int64_t i = 0; i < ci; ++i)
      for (int64_t uv = 0; uv < 25; ++uv) {
        double v = k[(o * ci + i) * 25 + uv];
        kA[(uv * ci + i) * co + o] = v;
        kB[(uv * co + o) * ci + i] = v;
      }
  std::vector<double> history;
  for (int64_t it = 1; it <= maxIterations; ++it) {
    solveLeftFactor(kA, co, ci, swapInner(fit.b, r, ci, 9), r, fit.a);
    std::vector<double> bT; // [ci][r][9]
    solveLeftFactor(kB, ci, co, rotateLeft(fit.a, co, r, 9), r, bT);
    for (int64_t i = 0; i < ci; ++i)
      for (int64_t m = 0; m < r; ++m)
        std::copy_n(&bT[(i * r + m) * 9], 9, &fit.b[(m * ci + i) * 9]);
    // The error of the composition.
    double err2 = 0;
    std::vector<double> kk(25);
    for (int64_t o = 0; o < co; ++o)
      for (int64_t i = 0; i < ci; ++i) {
        std::fill(kk.begin(), kk.end(), 0.0);
        for (int64_t j = 0; j < r; ++j) {
          const double *aj = &fit.a[(o * r + j) * 9];
          const double *bj = &fit.b[(j * ci + i) * 9];
          for (int64_t ac = 0; ac < 9; ++ac)
            for (int64_t bd = 0; bd < 9; ++bd)
              kk[(ac / 3 + bd / 3) * 5 + ac % 3 + bd % 3] += aj[ac] * bj[bd];
        }
        for (int64_t uv = 0; uv < 25; ++uv) {
          double diff = k[(o * ci + i) * 25 + uv] - kk[uv];
          err2 += diff * diff;
        }
      }
    fit.error = std::sqrt(err2 / norm2);
    fit.iterations = it;
    if (fit.error <= tolerance)
      return fit;
    // Converging at the rate of the last five iterations, the iterations
    // left cannot reach the budget: give up. (Not before 20: ALS often
    // starts slowly, then speeds up.)
    history.push_back(fit.error);
    if (it >= 20) {
      double rate = std::pow(fit.error / history[it - 6], 0.2);
      if (fit.error * std::pow(rate, double(maxIterations - it)) > tolerance)
        return std::nullopt;
    }
  }
  return std::nullopt;
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
    else if (!convs.empty())
      getOperation().emitRemark()
          << llvm::formatv("factorized 0 of {0} convolutions: none has a "
                           "factorization within the tolerance {1:e2} that "
                           "saves MACs",
                           convs.size(), double(tolerance));
  }

  /// A factorization of one convolution: `first` then `second`.
  struct Candidate {
    bool isPair = false; // 3x3 then 3x3; else 1xN then Nx1
    int64_t rank = 0, macs = 0, iterations = 0;
    double error = 0;
    SmallVector<int64_t> firstShape, secondShape, firstStrides, firstPads,
        secondStrides, secondPads, midShape;
    SmallVector<float> first, second;
  };

  /// NxN = 1xN then Nx1 through the SVD of each group's kernel matrix.
  std::optional<Candidate> separable(Conv2DOp conv, ArrayRef<float> weights,
                                     int64_t macsBefore) {
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto inType = cast<RankedTensorType>(conv.getInput().getType());
    auto outType = cast<RankedTensorType>(conv.getType());
    int64_t cout = wType.getDimSize(0), ci = wType.getDimSize(1),
            n = wType.getDimSize(2), g = conv.getGroup();
    int64_t co = cout / g;
    int64_t rows = co * n, cols = ci * n;
    if (std::min(rows, cols) > maxMatrix)
      return std::nullopt;
    int64_t hIn = inType.getDimSize(2), ho = outType.getDimSize(2),
            wo = outType.getDimSize(3), batch = outType.getDimSize(0);
    auto macsAfter = [&](int64_t r) {
      return batch * (g * r * ci * n * hIn * wo + cout * r * n * ho * wo);
    };
    // No rank can pay: skip the decomposition.
    if (macsAfter(1) >= macsBefore)
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
              double x =
                  weights[(((grp * co + o) * ci + i) * n + kh) * n + kw];
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
    Candidate c;
    c.rank = rank;
    c.macs = macsAfter(rank);
    // A [g*r, ci, 1, n] = sqrt(s) v^T, B [cout, r, n, 1] = u sqrt(s).
    c.first.assign(g * rank * ci * n, 0.f);
    c.second.assign(cout * rank * n, 0.f);
    for (int64_t grp = 0; grp < g; ++grp) {
      SVD svd = truncatedSVD(matrices[grp], rank);
      double err2 = 0, norm2 = 0;
      for (int64_t j = 0; j < full; ++j) {
        norm2 += svd.singular[j] * svd.singular[j];
        if (j >= rank)
          err2 += svd.singular[j] * svd.singular[j];
      }
      c.error = std::max(c.error, norm2 > 0 ? std::sqrt(err2 / norm2) : 0.0);
      for (int64_t j = 0; j < std::min(rank, full); ++j) {
        double root = std::sqrt(svd.singular[j]);
        for (int64_t i = 0; i < ci; ++i)
          for (int64_t kw = 0; kw < n; ++kw)
            c.first[(((grp * rank + j) * ci + i) * n) + kw] =
                float(root * svd.v.at(i * n + kw, j));
        for (int64_t o = 0; o < co; ++o)
          for (int64_t kh = 0; kh < n; ++kh)
            c.second[(((grp * co + o) * rank + j) * n) + kh] =
                float(root * svd.u.at(o * n + kh, j));
      }
    }
    ArrayRef<int64_t> pads = conv.getPads(), strides = conv.getStrides();
    c.firstShape = {g * rank, ci, 1, n};
    c.secondShape = {cout, rank, n, 1};
    c.firstStrides = {1, strides[1]};
    c.firstPads = {0, pads[1], 0, pads[3]};
    c.secondStrides = {strides[0], 1};
    c.secondPads = {pads[0], 0, pads[2], 0};
    c.midShape = {batch, g * rank, hIn, wo};
    return c;
  }

  /// 5x5 = 3x3 then 3x3, fitted by alternating least squares. The first
  /// convolution (stride 1, the original pads, no bias) computes the
  /// intermediate over the whole padded extent less 2; the second (the
  /// original stride, no pads) reads it unpadded: the composition is then
  /// exactly the 5x5 window. Only ranks whose MACs are below `macsLimit` and
  /// not excluded by `pairErrorBound` are tried: the least first, then the
  /// largest (if it cannot meet the budget, no smaller one is expected to),
  /// then a bisection for the smallest that does.
  std::optional<Candidate> pair(Conv2DOp conv, ArrayRef<float> weights,
                                int64_t macsLimit) {
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto inType = cast<RankedTensorType>(conv.getInput().getType());
    auto outType = cast<RankedTensorType>(conv.getType());
    int64_t cout = wType.getDimSize(0), ci = wType.getDimSize(1),
            g = conv.getGroup();
    if (wType.getDimSize(2) != 5)
      return std::nullopt;
    int64_t co = cout / g;
    ArrayRef<int64_t> pads = conv.getPads(), strides = conv.getStrides();
    int64_t hMid = inType.getDimSize(2) + pads[0] + pads[2] - 2,
            wMid = inType.getDimSize(3) + pads[1] + pads[3] - 2;
    int64_t batch = outType.getDimSize(0),
            outPixels = outType.getDimSize(2) * outType.getDimSize(3);
    auto macsAfter = [&](int64_t r) {
      return batch * (g * r * ci * 9 * hMid * wMid + cout * r * 9 * outPixels);
    };
    int64_t rMax = 0;
    while (macsAfter(rMax + 1) < macsLimit && 9 * (rMax + 1) <= maxMatrix)
      ++rMax;
    if (rMax == 0)
      return std::nullopt;
    SmallVector<std::vector<double>> kernels;
    for (int64_t grp = 0; grp < g; ++grp)
      kernels.emplace_back(weights.begin() + grp * co * ci * 25,
                           weights.begin() + (grp + 1) * co * ci * 25);
    auto fitAll = [&](int64_t r) -> std::optional<SmallVector<PairFit>> {
      SmallVector<PairFit> fits;
      for (const std::vector<double> &k : kernels) {
        std::optional<PairFit> fit =
            fitPair(k, co, ci, r, tolerance, /*maxIterations=*/200);
        if (!fit)
          return std::nullopt;
        fits.push_back(std::move(*fit));
      }
      return fits;
    };
    // The least rank any composition could meet the budget with (exact
    // compositions of rank r are found there), then the largest that pays,
    // then a bisection between them.
    int64_t rLow = 1;
    for (const std::vector<double> &k : kernels) {
      std::vector<double> bound = pairErrorBound(k, co, ci);
      int64_t r = 1;
      while (r < (int64_t)bound.size() - 1 &&
             bound[r] > tolerance * tolerance)
        ++r;
      rLow = std::max(rLow, r);
    }
    if (rLow > rMax)
      return std::nullopt;
    int64_t rank = rLow;
    std::optional<SmallVector<PairFit>> best = fitAll(rLow);
    if (!best && rMax > rLow) {
      best = fitAll(rMax);
      if (!best)
        return std::nullopt;
      int64_t lo = rLow + 1, hi = rMax;
      while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (std::optional<SmallVector<PairFit>> fits = fitAll(mid)) {
          best = std::move(fits);
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      rank = hi;
    }
    if (!best)
      return std::nullopt;
    Candidate c;
    c.isPair = true;
    c.rank = rank;
    c.macs = macsAfter(rank);
    c.first.assign(g * rank * ci * 9, 0.f);
    c.second.assign(cout * rank * 9, 0.f);
    for (int64_t grp = 0; grp < g; ++grp) {
      const PairFit &fit = (*best)[grp];
      c.error = std::max(c.error, fit.error);
      c.iterations = std::max(c.iterations, fit.iterations);
      // B [r][ci][3][3] is group grp's slice of the first weights; A
      // [co][r][3][3] of the second's.
      for (size_t j = 0; j < fit.b.size(); ++j)
        c.first[grp * rank * ci * 9 + j] = float(fit.b[j]);
      for (size_t j = 0; j < fit.a.size(); ++j)
        c.second[grp * co * rank * 9 + j] = float(fit.a[j]);
    }
    c.firstShape = {g * rank, ci, 3, 3};
    c.secondShape = {cout, rank, 3, 3};
    c.firstStrides = {1, 1};
    c.firstPads = SmallVector<int64_t>(pads.begin(), pads.end());
    c.secondStrides = SmallVector<int64_t>(strides.begin(), strides.end());
    c.secondPads = {0, 0, 0, 0};
    c.midShape = {batch, g * rank, hMid, wMid};
    return c;
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
    int64_t macsBefore = outType.getDimSize(0) * cout * ci * n * n *
                         outType.getDimSize(2) * outType.getDimSize(3);
    FailureOr<SmallVector<float>> weights =
        getConstantFloats(conv.getWeight());
    if (failed(weights))
      return std::nullopt;
    std::optional<Candidate> best = separable(conv, *weights, macsBefore);
    if (std::optional<Candidate> p =
            pair(conv, *weights, best ? best->macs : macsBefore))
      best = std::move(p);
    if (!best)
      return std::nullopt;

    OpBuilder builder(conv);
    Location loc = conv.getLoc();
    Type f32 = wType.getElementType();
    bool isPair = best->isPair;
    Value firstW = createWeightConstant(
        builder, loc, RankedTensorType::get(best->firstShape, f32),
        best->first, weightName(loc, isPair ? "factor_3x3a" : "factor_1xn"));
    Value secondW = createWeightConstant(
        builder, loc, RankedTensorType::get(best->secondShape, f32),
        best->second, weightName(loc, isPair ? "factor_3x3b" : "factor_nx1"));
    auto ones = builder.getDenseI64ArrayAttr({1, 1});
    auto first = Conv2DOp::create(
        builder, loc, RankedTensorType::get(best->midShape, f32),
        conv.getInput(), firstW, Value(), Value(),
        builder.getDenseI64ArrayAttr(best->firstStrides),
        builder.getDenseI64ArrayAttr(best->firstPads), ones,
        conv.getGroupAttr(), StringAttr(), DenseF32ArrayAttr());
    auto second = Conv2DOp::create(
        builder, loc, outType, first.getResult(), secondW, conv.getBias(),
        conv.getResidual(), builder.getDenseI64ArrayAttr(best->secondStrides),
        builder.getDenseI64ArrayAttr(best->secondPads), ones,
        conv.getGroupAttr(), conv.getActivationAttr(),
        conv.getActivationParamsAttr());
    auto shape = [](ArrayRef<int64_t> s) {
      return llvm::formatv("{0}x{1}x{2}x{3}", s[0], s[1], s[2], s[3]).str();
    };
    double saved = 1.0 - double(best->macs) / double(macsBefore);
    if (isPair)
      conv.emitRemark() << llvm::formatv(
          "factorized 5x5 convolution [{0}] (group {1}) into 3x3 [{2}] then "
          "3x3 [{3}]: rank {4}, MACs {5} -> {6} ({7:P1} fewer), relative "
          "reconstruction error {8:e} ({9} ALS iterations)",
          shape(wType.getShape()), g, shape(best->firstShape),
          shape(best->secondShape), best->rank, macsBefore, best->macs, saved,
          best->error, best->iterations);
    else
      conv.emitRemark() << llvm::formatv(
          "factorized {0}x{0} convolution [{1}] (group {2}) into 1x{0} [{3}] "
          "then {0}x1 [{4}]: rank {5}, MACs {6} -> {7} ({8:P1} fewer), "
          "relative reconstruction error {9:e}",
          n, shape(wType.getShape()), g, shape(best->firstShape),
          shape(best->secondShape), best->rank, macsBefore, best->macs, saved,
          best->error);
    conv.replaceAllUsesWith(second.getResult());
    conv.erase();
    return std::make_pair(macsBefore, best->macs);
  }
};
} // namespace
