//===- Weights.cpp - safetensors reader and seeded weights ----------------===//
//
// Reading a safetensors file (header checks with messages that name the file
// and the tensor) and drawing seeded weights. A seeded weight depends only on
// the seed and the weight's name, not on the order layers are built in.
//
//===----------------------------------------------------------------------===//

#include "dsl/Weights.h"
#include "dsl/Limits.h"
#include "cnnc/Support/SplitMix.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::cnnc::dsl;

static std::string shapeStr(ArrayRef<int64_t> shape) {
  return mlir::cnn::formatShape(shape);
}

std::unique_ptr<WeightStore> WeightStore::open(StringRef path,
                                               std::optional<uint64_t> seed,
                                               Location fileLoc) {
  auto store = std::unique_ptr<WeightStore>(new WeightStore());
  if (path.empty()) {
    store->seed = seed.value_or(0);
    return store;
  }
  store->path = path.str();
  auto fail = [&](const Twine &why) -> std::unique_ptr<WeightStore> {
    emitError(fileLoc) << "cannot read weights file '" << path << "': " << why;
    return nullptr;
  };
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fail(buf.getError().message());
  StringRef bytes = (*buf)->getBuffer();
  if (bytes.size() < 8)
    return fail("the file is too short to be safetensors");
  uint64_t headerLen =
      llvm::support::endian::read64le(bytes.data());
  if (headerLen > bytes.size() - 8)
    return fail("the header length " + Twine(headerLen) +
                " runs past the end of the file (" + Twine(bytes.size()) +
                " bytes); is this a safetensors file?");
  StringRef header = bytes.substr(8, headerLen);
  auto json = llvm::json::parse(header);
  if (!json)
    return fail("the header is not valid JSON: " +
                llvm::toString(json.takeError()));
  auto *obj = json->getAsObject();
  if (!obj)
    return fail("the header is not a JSON object");
  store->dataStart = 8 + headerLen;
  size_t dataSize = bytes.size() - store->dataStart;
  for (auto &kv : *obj) {
    std::string name = kv.first.str();
    if (name == "__metadata__")
      continue;
    auto *t = kv.second.getAsObject();
    if (!t)
      return fail("the entry of '" + name + "' is not an object");
    Entry e;
    auto dtype = t->getString("dtype");
    auto *shape = t->getArray("shape");
    auto *offsets = t->getArray("data_offsets");
    if (!dtype || !shape || !offsets || offsets->size() != 2)
      return fail("the entry of '" + name +
                  "' needs \"dtype\", \"shape\" and two \"data_offsets\"");
    e.dtype = dtype->str();
    for (const auto &d : *shape) {
      auto v = d.getAsInteger();
      if (!v || *v < 0)
        return fail("tensor '" + name + "' has an invalid dimension");
      e.shape.push_back(*v);
    }
    auto b = (*offsets)[0].getAsUINT64(), en = (*offsets)[1].getAsUINT64();
    if (!b || !en || *b > *en || *en > dataSize)
      return fail("tensor '" + name + "' has data offsets outside the data (" +
                  Twine(dataSize) + " bytes)");
    e.begin = *b;
    e.end = *en;
    if (e.dtype == "F32") {
      std::optional<int64_t> n = checkedProduct(e.shape);
      if (!n || *n > kMaxTensorElements)
        return fail("tensor '" + name + "' of shape " + shapeStr(e.shape) +
                    " has more than " + Twine(kMaxTensorElements) +
                    " elements");
      if (uint64_t(*n) * 4 != e.end - e.begin)
        return fail("tensor '" + name + "' of shape " + shapeStr(e.shape) +
                    " needs " + Twine(*n * 4) +
                    " bytes, its data offsets span " + Twine(e.end - e.begin));
    }
    store->names.push_back(name);
    store->entries[name] = std::move(e);
  }
  llvm::sort(store->names);
  store->file = std::shared_ptr<llvm::MemoryBuffer>(std::move(*buf));
  return store;
}

//===----------------------------------------------------------------------===//
// Seeded weights
//===----------------------------------------------------------------------===//

namespace {
/// The project's splitmix64 stream (cnnc/Support/SplitMix.h), with the
/// distributions weight initialization needs.
struct Rng : ::cnnc::SplitMix64 {
  using SplitMix64::SplitMix64;
  using SplitMix64::uniform;
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Approximately standard normal: the sum of four uniforms, centered
  /// and scaled to unit variance (Irwin-Hall). Plenty for initializing a
  /// network, and an order of magnitude faster than Box-Muller (VGG-16 draws
  /// 138M values).
  double normal() {
    uint64_t a = next(), b = next();
    double s = (double)(uint32_t)a + (double)(a >> 32) + (double)(uint32_t)b +
               (double)(b >> 32);
    return (s * 0x1.0p-32 - 2.0) * 1.7320508075688772;
  }
};
} // namespace

static uint64_t hashName(StringRef name, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x100000001b3ULL);
  for (char c : name)
    h = (h ^ (unsigned char)c) * 0x100000001b3ULL;
  return h;
}

/// A mutable blob of `bytes`, or nullopt when the memory is not there.
/// (HeapAsmResourceBlob::allocate would end the process instead.)
static std::optional<AsmResourceBlob> allocateBlob(size_t bytes) {
  // malloc's alignment suits floats; one byte for an empty tensor.
  void *data = std::malloc(std::max<size_t>(bytes, 1));
  if (!data)
    return std::nullopt;
  return AsmResourceBlob(
      ArrayRef<char>(static_cast<char *>(data), bytes), alignof(float),
      [](void *p, size_t, size_t) { std::free(p); }, /*dataIsMutable=*/true);
}

static FailureOr<AsmResourceBlob> outOfMemory(Location loc, StringRef name,
                                              size_t bytes) {
  return emitError(loc) << "cannot allocate " << bytes
                        << " bytes for weight '" << name << "'";
}

static void drawWeight(float *out, StringRef name, int64_t n, WeightInit init,
                       uint64_t seed) {
  Rng rng(hashName(name, seed));
  double fan = (double)std::max<int64_t>(init.fanIn, 1);
  for (int64_t i = 0; i < n; ++i) {
    double v = 0;
    switch (init.kind) {
    case WeightInit::HeNormal:
      v = rng.normal() * std::sqrt(2.0 / fan);
      break;
    case WeightInit::FanUniform:
      v = rng.uniform(-1.0, 1.0) / std::sqrt(fan);
      break;
    case WeightInit::BNScale:
      v = rng.uniform(0.8, 1.2);
      break;
    case WeightInit::BNShift:
      v = 0.1 * rng.normal();
      break;
    case WeightInit::BNVar:
      v = rng.uniform(0.8, 1.25);
      break;
    }
    out[i] = (float)v;
  }
}

FailureOr<AsmResourceBlob> WeightStore::get(StringRef name,
                                            ArrayRef<int64_t> shape,
                                            WeightInit init, Location loc,
                                            StringRef layer) {
  // The generator checked the size against the limits; this keeps the store
  // safe on its own.
  std::optional<int64_t> count = checkedProduct(shape);
  if (!count || *count > kMaxTensorElements)
    return emitError(loc) << "weight '" << name << "' of shape "
                          << shapeStr(shape) << " is too large";
  int64_t n = *count;
  if (!file) {
    std::optional<AsmResourceBlob> blob = allocateBlob(n * sizeof(float));
    if (!blob)
      return outOfMemory(loc, name, n * sizeof(float));
    drawWeight(reinterpret_cast<float *>(blob->getMutableData().data()), name,
               n, init, seed);
    return std::move(*blob);
  }

  auto it = entries.find(name);
  if (it == entries.end()) {
    auto diag = emitError(loc) << "missing weight '" << name << "' (shape "
                               << shapeStr(shape) << ") of layer '" << layer
                               << "' in weights file '" << path << "'";
    // Suggest the closest name, which catches renamed layers.
    std::string best;
    unsigned bestDist = ~0u;
    for (const std::string &other : names) {
      // Edit distance is quadratic: only names of about the same length.
      if (entries.lookup(other).used || other.size() > name.size() + 4 ||
          name.size() > other.size() + 4 || name.size() > 256)
        continue;
      unsigned d = StringRef(other).edit_distance(name, true, 4);
      if (d < bestDist) {
        bestDist = d;
        best = other;
      }
    }
    if (bestDist <= 4)
      diag.attachNote() << "the file has an unused tensor '" << best << "'";
    return failure();
  }
  Entry &e = it->second;
  e.used = true;
  if (e.dtype != "F32")
    return emitError(loc) << "weight '" << name << "' in '" << path
                          << "' has dtype " << e.dtype
                          << "; cnnc reads F32 weights";
  if (ArrayRef<int64_t>(e.shape) != shape)
    return emitError(loc) << "weight '" << name << "' in '" << path
                          << "' has shape " << shapeStr(e.shape)
                          << ", but layer '" << layer << "' needs "
                          << shapeStr(shape);
  const char *data = file->getBufferStart() + dataStart + e.begin;
  ArrayRef<char> bytes(data, e.end - e.begin);
  if (llvm::sys::IsBigEndianHost ||
      reinterpret_cast<uintptr_t>(data) % alignof(float) != 0) {
    std::optional<AsmResourceBlob> blob = allocateBlob(bytes.size());
    if (!blob)
      return outOfMemory(loc, name, bytes.size());
    auto *out = reinterpret_cast<float *>(blob->getMutableData().data());
    for (int64_t i = 0; i < n; ++i) {
      uint32_t bits = llvm::support::endian::read32le(data + 4 * i);
      std::memcpy(&out[i], &bits, 4);
    }
    return std::move(*blob);
  }
  // Aligned little-endian data: the blob points into the mapped file, which
  // it keeps alive.
  std::shared_ptr<llvm::MemoryBuffer> keep = file;
  return AsmResourceBlob(
      bytes, alignof(float),
      [keep](void *, size_t, size_t) mutable { keep.reset(); },
      /*dataIsMutable=*/false);
}

void WeightStore::warnUnused(Location loc) const {
  if (!file)
    return;
  SmallVector<StringRef> unused;
  for (const std::string &n : names)
    if (!entries.lookup(n).used)
      unused.push_back(n);
  if (unused.empty())
    return;
  auto diag = emitWarning(loc) << "weights file '" << path << "' has "
                               << unused.size()
                               << " tensor(s) that no layer uses: ";
  for (auto [i, n] : llvm::enumerate(unused)) {
    if (i == 5) {
      diag << ", ...";
      break;
    }
    diag << (i ? ", " : "") << "'" << n << "'";
  }
}
