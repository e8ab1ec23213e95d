//===- LibraryCheck.cpp - run two model libraries on the same inputs ------===//

#include "LibraryCheck.h"

#include "cnnc/Support/SplitMix.h"
#include "cnnrt/cnnrt.h"

#include <cmath>
#include <memory>
#include <vector>

namespace {

struct ModelDeleter {
  void operator()(cnnrt_model *m) const { cnnrt_unload(m); }
};
using ModelPtr = std::unique_ptr<cnnrt_model, ModelDeleter>;

bool load(const std::string &path, ModelPtr &model, std::string &error) {
  cnnrt_error err;
  cnnrt_model *m = nullptr;
  if (cnnrt_load(path.c_str(), &m, &err) != CNNRT_OK) {
    error = err.message;
    return false;
  }
  model.reset(m);
  return true;
}

bool sameInfo(const cnnrt_tensor_info &a, const cnnrt_tensor_info &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (int32_t d = 0; d < a.rank; ++d)
    if (a.shape[d] != b.shape[d])
      return false;
  return true;
}

/// Storage for one tensor of `info`, as float or int64 elements.
struct Buffer {
  std::vector<float> f32;
  std::vector<int64_t> i64;
  cnnrt_tensor tensor{};
  Buffer(const cnnrt_tensor_info &info) {
    size_t n = cnnrt_num_elements(&info);
    if (info.dtype == CNNRT_DTYPE_F32)
      f32.assign(n, 0.f);
    else
      i64.assign(n, 0);
    tensor.data = info.dtype == CNNRT_DTYPE_F32 ? (void *)f32.data()
                                                : (void *)i64.data();
    tensor.dtype = info.dtype;
    tensor.rank = info.rank;
    tensor.shape = info.shape;
    tensor.strides = nullptr;
  }
};
} // namespace

bool mlir::cnnc::compareLibraries(const std::string &reference,
                            const std::string &candidate, uint64_t seed,
                            LibraryDeviation &result, std::string &error) {
  ModelPtr ref, cand;
  if (!load(reference, ref, error) || !load(candidate, cand, error))
    return false;
  const cnnrt_model_signature *rs = cnnrt_signature(ref.get());
  const cnnrt_model_signature *cs = cnnrt_signature(cand.get());
  if (rs->num_inputs != cs->num_inputs || rs->num_outputs != cs->num_outputs) {
    error = "the two libraries have different signatures";
    return false;
  }
  std::vector<Buffer> inputs, refOut, candOut;
  ::cnnc::SplitMix64 random(seed);
  for (int32_t i = 0; i < rs->num_inputs; ++i) {
    if (!sameInfo(rs->inputs[i], cs->inputs[i])) {
      error = std::string("input '") + rs->inputs[i].name + "' differs";
      return false;
    }
    if (rs->inputs[i].dtype != CNNRT_DTYPE_F32) {
      error = std::string("input '") + rs->inputs[i].name +
              "' is not f32; random inputs are f32 only";
      return false;
    }
    inputs.emplace_back(rs->inputs[i]);
    for (float &x : inputs.back().f32)
      x = random.uniformSigned();
  }
  for (int32_t o = 0; o < rs->num_outputs; ++o) {
    if (!sameInfo(rs->outputs[o], cs->outputs[o])) {
      error = std::string("output '") + rs->outputs[o].name + "' differs";
      return false;
    }
    refOut.emplace_back(rs->outputs[o]);
    candOut.emplace_back(rs->outputs[o]);
  }
  auto run = [&](cnnrt_model *m, std::vector<Buffer> &outs) {
    std::vector<cnnrt_tensor> in, out;
    for (Buffer &b : inputs)
      in.push_back(b.tensor);
    for (Buffer &b : outs)
      out.push_back(b.tensor);
    cnnrt_error err;
    if (cnnrt_run(m, in.data(), in.size(), out.data(), out.size(), &err) !=
        CNNRT_OK) {
      error = err.message;
      return false;
    }
    return true;
  };
  if (!run(ref.get(), refOut) || !run(cand.get(), candOut))
    return false;
  result = LibraryDeviation();
  if (rs->num_outputs > 0)
    result.worstOutput = rs->outputs[0].name;
  for (int32_t o = 0; o < rs->num_outputs; ++o) {
    const Buffer &r = refOut[o], &c = candOut[o];
    for (size_t e = 0; e < r.f32.size(); ++e) {
      double diff = std::fabs(double(c.f32[e]) - double(r.f32[e]));
      if (std::isnan(c.f32[e]) != std::isnan(r.f32[e]))
        diff = INFINITY;
      result.referenceMax =
          std::fmax(result.referenceMax, std::fabs(double(r.f32[e])));
      if (diff > result.maxAbs) {
        result.maxAbs = diff;
        result.worstOutput = rs->outputs[o].name;
      }
    }
    for (size_t e = 0; e < r.i64.size(); ++e) {
      double diff = std::fabs(double(c.i64[e] - r.i64[e]));
      result.referenceMax =
          std::fmax(result.referenceMax, std::fabs(double(r.i64[e])));
      if (diff > result.maxAbs) {
        result.maxAbs = diff;
        result.worstOutput = rs->outputs[o].name;
      }
    }
  }
  return true;
}
