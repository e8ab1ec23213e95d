//===- cnnc-run.cpp - run, check and time a cnnc model library ------------===//
//
// Loads a model library through libcnnrt, prints its signature, feeds it
// inputs from .npy/.pb files (or deterministic random data), and optionally
// writes the outputs, compares them with reference files and measures
// latency. It deliberately does not pre-validate input shapes: tensors are
// passed with the shape found in their file so that the model library's own
// checks (the ones every embedding application relies on) are what reports
// a mismatch.
//
// Exit status: 0 on success, 1 on any error or failed comparison, 2 on a
// command-line usage error.
//
//===----------------------------------------------------------------------===//

#include "FmaPeak.h"
#include "TensorFiles.h"

#include "cnnc/Support/SplitMix.h"
#include "cnnrt/cnnrt.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace cnnc_run;

namespace {

const char *const kUsage = R"(usage: cnnc-run LIBMODEL.so [options]

Loads a model library compiled by cnnc, prints its signature (inputs and
outputs: name, dtype, shape), runs it once and reports on the outputs.

Inputs:
  --input NAME=FILE      bind FILE to the model input NAME
  --input FILE           bind FILE to the next input not bound by name, in
                         signature order (first positional file -> first such
                         input, ...)
  --random-inputs SEED   fill every input not given on the command line with
                         deterministic pseudo-random uniform [-1,1) values
                         (f32 inputs only); the seed is printed
  FILE is a numpy .npy file (format 1.0/2.0/3.0, little-endian float32 '<f4',
  C order) or an ONNX TensorProto .pb file (FLOAT, float_data or raw_data).
  Inputs are passed with the shape found in the file; the model library
  rejects a wrong dtype, rank or shape with a message naming the input.

Outputs:
  --output-dir DIR       write each output to DIR/NAME.npy (DIR is created;
                         characters outside [A-Za-z0-9_.-] in NAME become '_')
  --expect NAME=FILE     compare output NAME with the reference FILE
  --expect FILE          compare the next output not named by another
                         --expect, in signature order
  --atol A               absolute tolerance (default 1e-4)
  --rtol R               relative tolerance (default 1e-3); an element passes
                         when |actual - expected| <= atol + rtol * |expected|,
                         NaN matches only NaN and an infinity only itself.
                         Any failing output makes the exit status 1.
  --quiet                do not print the value summary of each output

Timing:
  --bench N              after the checked run, time N more runs and print
                         "latency: min X ms, median Y ms over N runs"
  --warmup W             untimed runs before the timed ones (default 3)
  --profile              after the checked run, run N more times (--bench N,
                         default 20) and print the median time of every
                         layer, slowest first, with GFLOP/s and the share
                         of the FMA peak measured on this machine
  --peak                 measure and print the FMA peak (GFLOP/s, one
                         thread and all threads) of this machine
  --threads T            threads that run the model (default: the
                         CNNC_NUM_THREADS environment variable, else every
                         CPU this process may use); 1 runs it on the calling
                         thread alone

  --help, -h             show this help

Exit status: 0 on success, 1 on an error or a failed comparison, 2 on a
command-line usage error.
)";

/// A command-line mistake: reported with a hint to --help, exit status 2.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Any other failure: exit status 1.
class ToolError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string libraryPath;
  std::vector<std::string> inputs;  // "NAME=FILE" or "FILE"
  std::vector<std::string> expects; // "NAME=FILE" or "FILE"
  std::optional<std::string> outputDir;
  double atol = 1e-4;
  double rtol = 1e-3;
  int64_t benchRuns = 0;
  int64_t warmupRuns = 3;
  // 0: libcnnrt's default (CNNC_NUM_THREADS, else all available CPUs).
  int64_t threads = 0;
  std::optional<uint64_t> randomSeed;
  bool quiet = false;
  bool help = false;
  bool profile = false;
  bool peak = false;
};

double parseDouble(const std::string &option, const std::string &text) {
  char *end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
    throw UsageError(option + " expects a number, got '" + text + "'");
  if (value < 0)
    throw UsageError(option + " must not be negative, got '" + text + "'");
  return value;
}

int64_t parseCount(const std::string &option, const std::string &text,
                   int64_t min) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError(option + " expects an integer, got '" + text + "'");
  if (value < min)
    throw UsageError(option + " must be at least " + std::to_string(min) +
                     ", got '" + text + "'");
  return value;
}

uint64_t parseSeed(const std::string &text) {
  char *end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
    throw UsageError("--random-inputs expects a non-negative integer seed, "
                     "got '" +
                     text + "'");
  return value;
}

Options parseCommandLine(int argc, char **argv) {
  Options opts;
  std::vector<std::string> positional;
  static const std::set<std::string> kWithValue = {
      "--input", "--output-dir", "--expect",  "--atol",         "--rtol",
      "--bench", "--warmup",     "--threads", "--random-inputs"};
  bool threadsGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      opts.help = true;
      return opts;
    }
    if (arg == "--quiet") {
      opts.quiet = true;
      continue;
    }
    if (arg == "--profile") {
      opts.profile = true;
      continue;
    }
    if (arg == "--peak") {
      opts.peak = true;
      continue;
    }
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0 || arg == "--") {
      if (arg.size() > 1 && arg[0] == '-')
        throw UsageError("unknown option '" + arg + "'");
      positional.push_back(arg);
      continue;
    }
    // Both "--opt value" and "--opt=value".
    std::string name = arg, value;
    size_t eq = arg.find('=');
    bool inlineValue = eq != std::string::npos;
    if (inlineValue) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (!kWithValue.count(name))
      throw UsageError("unknown option '" + name + "'");
    if (!inlineValue) {
      if (i + 1 >= argc)
        throw UsageError("option '" + name + "' needs a value");
      value = argv[++i];
    }
    if (name == "--input")
      opts.inputs.push_back(value);
    else if (name == "--expect")
      opts.expects.push_back(value);
    else if (name == "--output-dir")
      opts.outputDir = value;
    else if (name == "--atol")
      opts.atol = parseDouble(name, value);
    else if (name == "--rtol")
      opts.rtol = parseDouble(name, value);
    else if (name == "--bench")
      opts.benchRuns = parseCount(name, value, 1);
    else if (name == "--warmup")
      opts.warmupRuns = parseCount(name, value, 0);
    else if (name == "--threads") {
      opts.threads = parseCount(name, value, 1);
      if (opts.threads > 1024)
        throw UsageError("--threads expects at most 1024, got '" + value +
                         "'");
      threadsGiven = true;
    } else if (name == "--random-inputs")
      opts.randomSeed = parseSeed(value);
  }
  if (!threadsGiven)
    if (const char *env = std::getenv("CNNC_NUM_THREADS"); env && *env)
      opts.threads = parseCount("CNNC_NUM_THREADS", env, 1);
  if (positional.empty() && !opts.peak)
    throw UsageError("no model library given");
  if (positional.size() > 1)
    throw UsageError("expected one model library, got '" + positional[0] +
                     "' and '" + positional[1] + "'");
  if (!positional.empty())
    opts.libraryPath = positional[0];
  if (opts.outputDir && opts.outputDir->empty())
    throw UsageError("--output-dir must not be empty");
  return opts;
}

/// Owns a loaded model.
struct ModelDeleter {
  void operator()(cnnrt_model *model) const { cnnrt_unload(model); }
};
using ModelPtr = std::unique_ptr<cnnrt_model, ModelDeleter>;

std::string describe(const cnnrt_tensor_info &info) {
  return std::string(info.name ? info.name : "") + " " +
         cnnrt_dtype_name(info.dtype) + " " +
         formatShape(info.shape, info.rank);
}

void printSignature(const cnnrt_model_signature &sig) {
  std::cout << "model '" << (sig.model_name ? sig.model_name : "")
            << "' (target: " << (sig.target ? sig.target : "unknown")
            << ", cnnrt ABI " << sig.abi_version << ")\n";
  std::cout << "inputs:\n";
  for (int32_t i = 0; i < sig.num_inputs; ++i)
    std::cout << "  " << i << ": " << describe(sig.inputs[i]) << "\n";
  std::cout << "outputs:\n";
  for (int32_t i = 0; i < sig.num_outputs; ++i)
    std::cout << "  " << i << ": " << describe(sig.outputs[i]) << "\n";
}

std::string listNames(const cnnrt_tensor_info *infos, int32_t count) {
  std::string names;
  for (int32_t i = 0; i < count; ++i)
    names += std::string(i ? ", " : "") + "'" +
             (infos[i].name ? infos[i].name : "") + "'";
  return names.empty() ? "none" : names;
}

/// Resolves "NAME=FILE" / "FILE" specs to one file per tensor index. A spec
/// whose prefix before '=' names no tensor is a plain file name if such a
/// file exists (file names may contain '='). Positional files fill the
/// tensors not bound by name, in signature order.
std::vector<std::optional<std::string>>
bindFiles(const std::vector<std::string> &specs, const char *option,
          const char *kind, const cnnrt_tensor_info *infos, int32_t count) {
  std::vector<std::optional<std::string>> bound(count);
  std::vector<std::string> positional;
  auto findName = [&](const std::string &name) -> int32_t {
    for (int32_t i = 0; i < count; ++i)
      if (infos[i].name && name == infos[i].name)
        return i;
    return -1;
  };
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      positional.push_back(spec);
      continue;
    }
    std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
    int32_t index = findName(name);
    if (index < 0) {
      std::error_code ec;
      if (std::filesystem::exists(spec, ec)) {
        positional.push_back(spec);
        continue;
      }
      throw ToolError(std::string(option) + " " + spec + ": the model has no " +
                      kind + " named '" + name + "' (" + kind +
                      "s: " + listNames(infos, count) + ")");
    }
    if (bound[index])
      throw ToolError(std::string(kind) + " '" + name + "' is given twice (" +
                      option + " " + *bound[index] + " and " + file + ")");
    if (file.empty())
      throw ToolError(std::string(option) + " " + spec + ": empty file name");
    bound[index] = file;
  }
  size_t next = 0;
  for (int32_t i = 0; i < count && next < positional.size(); ++i)
    if (!bound[i])
      bound[i] = positional[next++];
  if (next < positional.size())
    throw ToolError("too many " + std::string(option) + " files: '" +
                    positional[next] + "' has no " + kind +
                    " left to bind to (the model has " + std::to_string(count) +
                    " " + kind + "(s): " + listNames(infos, count) + ")");
  return bound;
}

/// The seeded stream of --random-inputs (uniform [-1, 1)).
struct Random : ::cnnc::SplitMix64 {
  using SplitMix64::SplitMix64;
  float uniform() { return uniformSigned(); }
};

std::vector<HostTensor> loadInputs(const Options &opts,
                                   const cnnrt_model_signature &sig) {
  std::vector<std::optional<std::string>> files =
      bindFiles(opts.inputs, "--input", "input", sig.inputs, sig.num_inputs);
  std::vector<HostTensor> inputs(sig.num_inputs);
  std::vector<std::string> missing, randomized;
  std::optional<Random> random;
  if (opts.randomSeed)
    random.emplace(*opts.randomSeed);
  for (int32_t i = 0; i < sig.num_inputs; ++i) {
    const cnnrt_tensor_info &info = sig.inputs[i];
    std::string name = info.name ? info.name : "";
    if (files[i]) {
      inputs[i] = readTensorFile(*files[i]);
      continue;
    }
    if (!random) {
      missing.push_back("'" + name + "'");
      continue;
    }
    if (info.dtype != CNNRT_DTYPE_F32)
      throw ToolError("--random-inputs: input '" + name + "' has dtype " +
                      cnnrt_dtype_name(info.dtype) +
                      "; only f32 inputs can be randomized (pass a file)");
    inputs[i] = HostTensor(
        info.dtype, std::vector<int64_t>(info.shape, info.shape + info.rank));
    float *data = inputs[i].getF32();
    for (size_t e = 0, n = inputs[i].getNumElements(); e < n; ++e)
      data[e] = random->uniform();
    randomized.push_back(name);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i)
      list += (i ? ", " : "") + missing[i];
    throw ToolError("no value for input" +
                    std::string(missing.size() > 1 ? "s " : " ") + list +
                    " (use --input NAME=FILE or --random-inputs SEED)");
  }
  if (!randomized.empty()) {
    std::cout << "random inputs (uniform [-1,1), seed " << *opts.randomSeed
              << "):";
    for (const std::string &name : randomized)
      std::cout << " " << name;
    std::cout << "\n";
  }
  return inputs;
}

std::vector<HostTensor> allocateOutputs(const cnnrt_model_signature &sig) {
  std::vector<HostTensor> outputs;
  outputs.reserve(sig.num_outputs);
  for (int32_t i = 0; i < sig.num_outputs; ++i) {
    const cnnrt_tensor_info &info = sig.outputs[i];
    outputs.emplace_back(
        info.dtype, std::vector<int64_t>(info.shape, info.shape + info.rank));
  }
  return outputs;
}

/// One model run; the library's validation message becomes the error.
void runModel(cnnrt_model *model, std::vector<cnnrt_tensor> &in,
              std::vector<cnnrt_tensor> &out) {
  cnnrt_error err;
  err.message[0] = '\0';
  int code =
      cnnrt_run(model, in.data(), in.size(), out.data(), out.size(), &err);
  if (code != CNNRT_OK)
    throw ToolError(std::string(err.message) + " (" + cnnrt_code_name(code) +
                    ")");
}

std::string formatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

void printSummary(const cnnrt_tensor_info &info, const HostTensor &tensor) {
  std::cout << "output '" << (info.name ? info.name : "") << "' "
            << cnnrt_dtype_name(info.dtype) << " "
            << formatShape(tensor.getShape()) << ":";
  size_t n = tensor.getNumElements();
  const size_t kShown = 8;
  for (size_t i = 0; i < std::min(n, kShown); ++i)
    std::cout << " " << formatValue(tensor.at(i));
  if (n > kShown)
    std::cout << " ... (" << n << " values)";
  std::cout << "\n";

  // Classifier-style [1,N] output: the top classes are what a user checks.
  const std::vector<int64_t> &shape = tensor.getShape();
  if (shape.size() == 2 && shape[0] == 1 && shape[1] > 1) {
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i)
      order[i] = i;
    size_t k = std::min<size_t>(5, n);
    auto key = [&](size_t i) {
      double v = tensor.at(i);
      return std::isnan(v) ? -INFINITY : v;
    };
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](size_t a, size_t b) {
                        double ka = key(a), kb = key(b);
                        return ka > kb || (ka == kb && a < b);
                      });
    std::cout << "  top-" << k << ":";
    for (size_t i = 0; i < k; ++i)
      std::cout << (i ? ", " : " ") << order[i] << " ("
                << formatValue(tensor.at(order[i])) << ")";
    std::cout << "\n";
  }
}

std::string sanitizeFileName(const std::string &name) {
  std::string out = name;
  for (char &c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
          c == '-'))
      c = '_';
  // "." and ".." would name directories.
  if (out.empty() || out == "." || out == "..")
    out = "output" + out;
  return out;
}

void writeOutputs(const std::string &dir, const cnnrt_model_signature &sig,
                  const std::vector<HostTensor> &outputs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw ToolError("cannot create output directory '" + dir +
                    "': " + ec.message());
  std::set<std::string> used;
  for (int32_t i = 0; i < sig.num_outputs; ++i) {
    std::string base =
        sanitizeFileName(sig.outputs[i].name ? sig.outputs[i].name : "");
    // Distinct outputs may sanitize to the same name; never overwrite.
    std::string file = base;
    for (int suffix = 1; used.count(file); ++suffix)
      file = base + "_" + std::to_string(suffix);
    used.insert(file);
    std::string path = (std::filesystem::path(dir) / (file + ".npy")).string();
    writeNpy(path, outputs[i]);
    std::cout << "wrote " << path << "\n";
  }
}

/// Compares one output with its reference; prints the verdict line.
bool compareOutput(const std::string &name, const HostTensor &actual,
                   const std::string &file, const Options &opts) {
  HostTensor expected = readTensorFile(file);
  std::string tolerances = "(atol=" + formatValue(opts.atol) +
                           ", rtol=" + formatValue(opts.rtol) + ")";
  if (expected.getShape() != actual.getShape()) {
    std::cout << name << ": shape mismatch: output "
              << formatShape(actual.getShape()) << " but '" << file
              << "' holds " << formatShape(expected.getShape()) << " FAIL\n";
    return false;
  }
  double maxAbs = 0, maxRel = 0;
  size_t bad = 0, nanMismatch = 0, worst = 0;
  double worstExcess = -1;
  for (size_t i = 0, n = actual.getNumElements(); i < n; ++i) {
    double a = actual.at(i), e = expected.at(i);
    if (std::isnan(a) || std::isnan(e)) {
      if (std::isnan(a) != std::isnan(e)) {
        ++nanMismatch;
        ++bad;
      }
      continue;
    }
    if (std::isinf(a) || std::isinf(e)) {
      if (a != e) {
        ++bad;
        maxAbs = INFINITY;
      }
      continue;
    }
    double absErr = std::fabs(a - e);
    maxAbs = std::max(maxAbs, absErr);
    if (e != 0)
      maxRel = std::max(maxRel, absErr / std::fabs(e));
    double excess = absErr - (opts.atol + opts.rtol * std::fabs(e));
    if (excess > 0) {
      ++bad;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  std::cout << name << ": max_abs_err=" << formatValue(maxAbs)
            << " max_rel_err=" << formatValue(maxRel) << " " << tolerances;
  if (bad) {
    std::cout << " mismatched=" << bad << "/" << actual.getNumElements();
    if (nanMismatch)
      std::cout << " nan_mismatch=" << nanMismatch;
    if (worstExcess >= 0)
      std::cout << " worst=[" << worst << "] " << formatValue(actual.at(worst))
                << " vs " << formatValue(expected.at(worst));
    std::cout << " FAIL\n";
    return false;
  }
  std::cout << " PASS\n";
  return true;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void benchmark(cnnrt_model *model, std::vector<cnnrt_tensor> &in,
               std::vector<cnnrt_tensor> &out, const Options &opts) {
  for (int64_t i = 0; i < opts.warmupRuns; ++i)
    runModel(model, in, out);
  std::vector<double> ms;
  ms.reserve(opts.benchRuns);
  for (int64_t i = 0; i < opts.benchRuns; ++i) {
    auto start = std::chrono::steady_clock::now();
    runModel(model, in, out);
    auto stop = std::chrono::steady_clock::now();
    ms.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  double mid = median(ms);
  double fastest = *std::min_element(ms.begin(), ms.end());
  // Three decimals for real models; significant digits for tiny ones that
  // would otherwise print as 0.000.
  auto formatMs = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), v < 1 ? "%.3g" : "%.3f", v);
    return std::string(buf);
  };
  std::cout << "latency: min " << formatMs(fastest) << " ms, median "
            << formatMs(mid) << " ms over " << ms.size() << " runs, "
            << cnnrt_get_num_threads() << " thread(s)\n";
}

/// Per-layer medians over `runs` profiled runs, slowest first.
void profile(cnnrt_model *model, std::vector<cnnrt_tensor> &in,
             std::vector<cnnrt_tensor> &out, const Options &opts) {
  const cnnrt_model_signature &sig = *cnnrt_signature(model);
  if (sig.num_layers == 0)
    throw ToolError("the model library has no layer table (compiled with "
                    "outlining disabled?); --profile needs one");
  int64_t runs = opts.benchRuns > 0 ? opts.benchRuns : 20;
  for (int64_t i = 0; i < opts.warmupRuns; ++i)
    runModel(model, in, out);
  size_t n = sig.num_layers;
  std::vector<std::vector<double>> perLayer(n);
  std::vector<double> totals;
  std::vector<double> seconds(n);
  cnnrt_error err;
  for (int64_t r = 0; r < runs; ++r) {
    std::fill(seconds.begin(), seconds.end(), 0.0);
    auto start = std::chrono::steady_clock::now();
    int code = cnnrt_run_profiled(model, in.data(), in.size(), out.data(),
                                  out.size(), seconds.data(), &err);
    auto stop = std::chrono::steady_clock::now();
    if (code != CNNRT_OK)
      throw ToolError(err.message);
    totals.push_back(std::chrono::duration<double>(stop - start).count());
    for (size_t i = 0; i < n; ++i)
      perLayer[i].push_back(seconds[i]);
  }
  int threads = cnnrt_get_num_threads();
  cnnc::FmaPeak peak = cnnc::measureFmaPeak(threads);
  struct Row {
    size_t index;
    double ms;
  };
  std::vector<Row> rows;
  double layerSum = 0;
  for (size_t i = 0; i < n; ++i) {
    rows.push_back({i, median(perLayer[i]) * 1e3});
    layerSum += rows.back().ms;
  }
  std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
    return a.ms != b.ms ? a.ms > b.ms : a.index < b.index;
  });
  double total = median(totals) * 1e3;
  int64_t macs = 0;
  for (size_t i = 0; i < n; ++i)
    macs += sig.layers[i].macs;
  std::printf("profile: %zu layers, median of %lld runs; whole run %.3f ms, "
              "%.1f GFLOP/s; FMA peak %.1f GFLOP/s (%s, %d thread%s)\n",
              n, (long long)runs, total,
              total > 0 ? 2.0 * double(macs) / (total * 1e6) : 0.0,
              peak.gflops, peak.isa.c_str(), threads, threads == 1 ? "" : "s");
  size_t nameWidth = 5;
  for (size_t i = 0; i < n; ++i)
    nameWidth = std::max(nameWidth, std::strlen(sig.layers[i].name));
  nameWidth = std::min<size_t>(nameWidth, 40);
  std::printf("%4s  %-*s  %-28s %9s %6s %8s %6s\n", "#", (int)nameWidth,
              "layer", "kind", "ms", "%", "GFLOP/s", "%peak");
  for (size_t r = 0; r < rows.size(); ++r) {
    const cnnrt_layer_info &layer = sig.layers[rows[r].index];
    double ms = rows[r].ms;
    std::printf("%4zu  %-*.*s  %-28.28s %9.3f %5.1f%%", r + 1, (int)nameWidth,
                (int)nameWidth, layer.name, layer.kind, ms,
                total > 0 ? 100.0 * ms / total : 0.0);
    if (layer.macs > 0 && ms > 0) {
      double gflops = 2.0 * double(layer.macs) / (ms * 1e6);
      std::printf(" %8.1f", gflops);
      if (peak.gflops > 0)
        std::printf(" %5.0f%%", 100.0 * gflops / peak.gflops);
    }
    std::printf("\n");
  }
  std::printf("%4s  %-*s  %-28s %9.3f %5.1f%%\n", "", (int)nameWidth,
              "(outside layers)", "allocation, copies, calls",
              std::max(0.0, total - layerSum),
              total > 0 ? 100.0 * std::max(0.0, total - layerSum) / total
                        : 0.0);
}

int runTool(int argc, char **argv) {
  Options opts = parseCommandLine(argc, argv);
  if (opts.help) {
    std::cout << kUsage;
    return 0;
  }
  if (opts.peak) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    cnnc::FmaPeak one = cnnc::measureFmaPeak(1);
    cnnc::FmaPeak all = cnnc::measureFmaPeak(int(cores));
    std::printf("fma peak: %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %u "
                "threads (%s)\n",
                one.gflops, all.gflops, cores, one.isa.c_str());
    if (opts.libraryPath.empty())
      return 0;
  }

  cnnrt_error err;
  err.message[0] = '\0';
  if (opts.threads > 0 &&
      cnnrt_set_num_threads(int(opts.threads), &err) != CNNRT_OK)
    throw ToolError(err.message);

  cnnrt_model *raw = nullptr;
  int code = cnnrt_load(opts.libraryPath.c_str(), &raw, &err);
  if (code != CNNRT_OK)
    throw ToolError(err.message);
  ModelPtr model(raw);
  const cnnrt_model_signature &sig = *cnnrt_signature(model.get());
  printSignature(sig);

  std::vector<HostTensor> inputs = loadInputs(opts, sig);
  std::vector<HostTensor> outputs = allocateOutputs(sig);
  std::vector<cnnrt_tensor> in, out;
  for (HostTensor &t : inputs)
    in.push_back(t.getDescriptor());
  for (HostTensor &t : outputs)
    out.push_back(t.getDescriptor());
  // Bind --expect files before running so that a typo fails fast.
  std::vector<std::optional<std::string>> expectFiles = bindFiles(
      opts.expects, "--expect", "output", sig.outputs, sig.num_outputs);

  runModel(model.get(), in, out);

  if (opts.outputDir)
    writeOutputs(*opts.outputDir, sig, outputs);
  if (!opts.quiet)
    for (int32_t i = 0; i < sig.num_outputs; ++i)
      printSummary(sig.outputs[i], outputs[i]);

  bool allPassed = true;
  for (int32_t i = 0; i < sig.num_outputs; ++i)
    if (expectFiles[i])
      allPassed &= compareOutput(sig.outputs[i].name ? sig.outputs[i].name : "",
                                 outputs[i], *expectFiles[i], opts);

  if (opts.profile)
    profile(model.get(), in, out, opts);
  else if (opts.benchRuns > 0)
    benchmark(model.get(), in, out, opts);
  return allPassed ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return runTool(argc, argv);
  } catch (const UsageError &e) {
    std::cerr << "cnnc-run: error: " << e.what()
              << "\n(run 'cnnc-run --help' for usage)\n";
    return 2;
  } catch (const std::bad_alloc &) {
    std::cerr << "cnnc-run: error: out of memory\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "cnnc-run: error: " << e.what() << "\n";
    return 1;
  }
}
