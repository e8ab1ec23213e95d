//===- cnnc.cpp - the cnnc compiler driver --------------------------------===//
//
// cnnc model.onnx -o libmodel.so
//
// Imports a network (ONNX binary or text, or MLIR at any stage), runs the
// pipelines of Pipelines.h, and emits the requested form: cnn or linalg IR,
// LLVM IR, assembly, an object, or a shared library linked with the runtime's
// model stub.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Analysis/NetworkReport.h"
#include "cnnc/Conversion/Passes.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"
#include "cnnc/Pipelines/Pipelines.h"
#include "cnnc/Support/DiagnosticPrinter.h"
#include "cnnc/Target/Emission.h"
#include "LibraryCheck.h"
#include "OutputFile.h"
#include "dsl/DslFrontend.h"
#include "onnx/OnnxExporter.h"
#include "onnx/OnnxImporter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <cmath>
#include <unistd.h>

using namespace mlir;
using namespace mlir::cnnc;
namespace cl = llvm::cl;

namespace {
enum class Emit { AST, ONNX, CNN, CNNOpt, Linalg, LLVMDialect, LLVMIR, Asm, Obj, SO };

cl::OptionCategory cat("cnnc options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx|.onnxtxt|.cnn|.mlir>"),
                               cl::Required, cl::cat(cat));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout "
                                              "for text, lib<name>.so / "
                                              "<name>.o otherwise)"),
                                cl::value_desc("file"), cl::cat(cat));
cl::opt<Emit> emit(
    "emit", cl::desc("Stop after this stage and write that form"),
    cl::values(clEnumValN(Emit::AST, "ast", "syntax tree (.cnn input)"),
               clEnumValN(Emit::ONNX, "onnx",
                          "ONNX model of the cnn-level network"),
               clEnumValN(Emit::CNN, "cnn", "cnn dialect (after import)"),
               clEnumValN(Emit::CNNOpt, "cnn-opt",
                          "cnn dialect after the graph passes (batch norm "
                          "folded, epilogues fused, blocks recognized)"),
               clEnumValN(Emit::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(Emit::LLVMDialect, "llvm-dialect",
                          "MLIR LLVM dialect"),
               clEnumValN(Emit::LLVMIR, "llvm", "LLVM IR (optimized)"),
               clEnumValN(Emit::Asm, "asm", "target assembly"),
               clEnumValN(Emit::Obj, "obj", "object file"),
               clEnumValN(Emit::SO, "so", "shared library (default)")),
    cl::init(Emit::SO), cl::cat(cat));
cl::opt<std::string> targetName("target",
                                cl::desc("native (default), x86-64, "
                                         "x86-64-v2, x86-64-v3 (AVX2), "
                                         "x86-64-v4 (AVX-512), aarch64"),
                                cl::init("native"), cl::cat(cat));
cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape for a graph input with symbolic "
                         "dims: NAME=1x3x224x224 (repeatable)"),
                cl::value_desc("NAME=DIMS"), cl::cat(cat));
// The network language (.cnn).
cl::opt<std::string> weightsFile("weights",
                                 cl::desc("Weights of a .cnn network "
                                          "(safetensors, by layer name)"),
                                 cl::value_desc("file"), cl::cat(cat));
cl::opt<uint64_t> weightSeed("seed",
                             cl::desc("Random weights for a .cnn network "
                                      "(He-initialized) from this seed"),
                             cl::value_desc("N"), cl::cat(cat));
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::cat(cat));
cl::opt<bool> report("report",
                     cl::desc("Print per layer: op, shapes, MACs and the "
                              "lowering it takes; then total MACs, parameter "
                              "bytes and peak activation bytes"),
                     cl::cat(cat));
cl::opt<double> factorize(
    "factorize",
    cl::desc("Factorize NxN convolutions into a 1xN then an Nx1 convolution, "
             "or a 5x5 into two stacked 3x3, wherever the kernel's relative "
             "reconstruction error is at most this value (0 < value <= 1) and "
             "MACs drop; each rewrite is reported (opt-in: changes the "
             "numbers within that budget)"),
    cl::value_desc("tolerance"), cl::init(0.0), cl::cat(cat));
cl::opt<double> factorizeMaxDeviation(
    "factorize-max-deviation",
    cl::desc("Whole-network budget of --factorize: the factorized library "
             "and the unfactorized one run on the same seeded random input, "
             "and max |difference| / max |unfactorized output| over all "
             "outputs must not exceed this (default 1e-2); otherwise no "
             "library is written"),
    cl::value_desc("fraction"), cl::init(1e-2), cl::cat(cat));
cl::opt<uint64_t> factorizeSeed(
    "factorize-seed",
    cl::desc("Seed of the whole-network check's random input (the same "
             "stream as cnnc-run --random-inputs; default 0)"),
    cl::value_desc("N"), cl::init(0), cl::cat(cat));
cl::opt<bool> noFactorizeCheck(
    "no-factorize-check",
    cl::desc("Skip the whole-network check of --factorize (it compiles the "
             "network a second time)"),
    cl::cat(cat));
cl::opt<bool> noGraphPasses("no-graph-passes",
                            cl::desc("Skip the cnn graph passes (batch-norm "
                                     "folding, epilogue fusion)"),
                            cl::cat(cat));
cl::opt<std::string> winograd(
    "winograd",
    cl::desc("3x3 stride-1 convolutions with Winograd's minimal filtering "
             "(cnnc-cpu-winograd): auto (default: F(2x2,3x3) or F(4x4,3x3) "
             "where it pays), off, 2 or 4 (that output tile on every "
             "eligible convolution)"),
    cl::value_desc("auto|off|2|4"), cl::init("auto"), cl::cat(cat));
cl::opt<bool> noSplitBatch(
    "no-split-batch",
    cl::desc("With a batch of N >= 2 images, run every layer over the whole "
             "batch instead of running the per-image trunk of the network "
             "one image at a time (cnn-split-batch)"),
    cl::cat(cat));
cl::opt<std::string> maxWeightBytes(
    "max-weight-bytes",
    cl::desc("Refuse a network whose weights take more than this (bytes, or "
             "with a K/M/G/T suffix; default 4G: the compiler holds a few copies of them)"),
    cl::value_desc("size"), cl::init("4G"), cl::cat(cat));
cl::opt<std::string> maxActivationBytes(
    "max-activation-bytes",
    cl::desc("Refuse a network with an activation, or an activation arena, "
             "larger than this (bytes, or with a K/M/G/T suffix; default "
             "64G)"),
    cl::value_desc("size"), cl::init("64G"), cl::cat(cat));
cl::opt<bool> noFuse("no-fuse-elementwise",
                     cl::desc("Do not fuse elementwise linalg ops"),
                     cl::cat(cat));

int fail(const Twine &message) {
  llvm::WithColor::error(llvm::errs(), "cnnc") << message << "\n";
  return 1;
}

/// "123", "16G", "512M", "4k": bytes, with binary multiples.
std::optional<int64_t> parseByteSize(llvm::StringRef text) {
  int shift = 0;
  if (!text.empty()) {
    switch (llvm::toLower(text.back())) {
    case 'k': shift = 10; break;
    case 'm': shift = 20; break;
    case 'g': shift = 30; break;
    case 't': shift = 40; break;
    default: break;
    }
    if (shift)
      text = text.drop_back();
  }
  uint64_t v;
  if (text.getAsInteger(10, v) || v > (uint64_t(1) << (62 - shift)))
    return std::nullopt;
  return int64_t(v << shift);
}

std::string formatBytes(int64_t bytes) {
  static const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
  int unit = -1;
  double v = double(bytes);
  while (unit < 3 && v >= 1024) {
    v /= 1024;
    ++unit;
  }
  if (unit < 0)
    return std::to_string(bytes) + " bytes";
  return llvm::formatv("{0:f1} {1} ({2} bytes)", v, units[unit], bytes).str();
}

/// Every value's type against the cnn dialect's size limits, then weights
/// and single activations against --max-weight-bytes and
/// --max-activation-bytes, in one walk before any pass runs. The byte counts
/// are exact products: the op's types have passed cnn::checkSizeLimits.
LogicalResult checkResourceLimits(ModuleOp module, int64_t weightCap,
                                  int64_t activationCap) {
  int64_t weights = 0;
  Operation *overCap = nullptr;
  WalkResult walk = module.walk([&](Operation *op) {
    if (failed(cnn::checkSizeLimits(op)))
      return WalkResult::interrupt();
    for (Value v : op->getResults()) {
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type || !type.hasStaticShape() ||
          !type.getElementType().isIntOrFloat())
        continue;
      int64_t bytes = type.getNumElements() *
                      int64_t((type.getElementTypeBitWidth() + 7) / 8);
      if (op->hasTrait<OpTrait::ConstantLike>()) {
        weights += bytes;
        if (weights > weightCap)
          overCap = op;
      } else if (isa<TensorType>(type) && bytes > activationCap) {
        emitError(op->getLoc())
            << "an activation of " << type << " takes "
            << formatBytes(bytes) << ", over the limit of "
            << formatBytes(activationCap) << " (--max-activation-bytes)";
        return WalkResult::interrupt();
      }
    }
    return overCap ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (overCap) {
    emitError(overCap->getLoc())
        << "the weights take more than " << formatBytes(weightCap)
        << " (--max-weight-bytes)";
    return failure();
  }
  return failure(walk.wasInterrupted());
}

bool isLLVMDialectOnly(ModuleOp module) {
  bool only = true;
  module.walk([&](Operation *op) {
    if (op != module.getOperation() && !isa<LLVM::LLVMDialect>(op->getDialect()))
      only = false;
  });
  return only;
}

bool hasCNNOps(ModuleOp module) {
  bool any = false;
  module.walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "cnn")
      any = true;
  });
  return any;
}

LogicalResult parseInputShapes(OnnxImportOptions &options) {
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = llvm::StringRef(spec).rsplit('=');
    if (name.empty() || dims.empty()) {
      fail("--input-shape expects NAME=D0xD1x..., got '" + spec + "'");
      return failure();
    }
    SmallVector<int64_t> shape;
    SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d <= 0) {
        fail("--input-shape '" + spec + "': '" + p +
             "' is not a positive dimension");
        return failure();
      }
      shape.push_back(d);
    }
    options.inputShapes[name] = shape;
  }
  return success();
}

/// Writes `fn`'s text or bytes to `path` through an OutputFile: the file
/// appears whole, or an existing one stays as it was.
LogicalResult writeOutput(llvm::StringRef path,
                          llvm::function_ref<LogicalResult(llvm::raw_ostream &)> fn) {
  std::string err;
  OutputFile file;
  if (!OutputFile::create(path, file, err)) {
    fail(err);
    return failure();
  }
  {
    std::error_code ec;
    std::unique_ptr<llvm::raw_fd_ostream> os;
    if (file.path() == "-")
      os = std::make_unique<llvm::raw_fd_ostream>(STDOUT_FILENO, false);
    else
      os = std::make_unique<llvm::raw_fd_ostream>(file.path(), ec,
                                                  llvm::sys::fs::OF_None);
    if (ec) {
      fail("cannot open '" + path + "': " + ec.message());
      return failure();
    }
    if (failed(fn(*os)))
      return failure();
    os->flush();
    if (os->has_error()) {
      fail("cannot write '" + path + "': " + os->error().message());
      os->clear_error();
      return failure();
    }
  }
  if (!file.commit(err)) {
    fail(err);
    return failure();
  }
  return success();
}

std::string defaultOutput(Emit e) {
  llvm::StringRef stem = llvm::sys::path::stem(inputFile);
  switch (e) {
  case Emit::SO:
    return ("lib" + stem + ".so").str();
  case Emit::Obj:
    return (stem + ".o").str();
  default:
    return "-";
  }
}

/// Where libcnnrt_model.a lives: $CNNC_RUNTIME_DIR, else ../lib next to
/// this executable (the build tree and an install share that layout).
std::string stubArchivePath(const char *argv0) {
  if (auto dir = llvm::sys::Process::GetEnv("CNNC_RUNTIME_DIR"))
    return *dir + "/libcnnrt_model.a";
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&stubArchivePath));
  llvm::SmallString<256> p(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(p, "lib", "libcnnrt_model.a");
  return std::string(p);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  registerCNNCConversionPasses();
  registerCNNCPipelines();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(cat);
  // Options of the shared libraries worth showing in --help.
  for (const char *name : {"time-passes", "mlir-timing", "mlir-print-ir-after-all",
                           "mlir-print-ir-before-all", "mlir-disable-threading",
                           "mlir-elide-resource-strings-if-larger"}) {
    auto &opts = cl::getRegisteredOptions();
    auto it = opts.find(name);
    if (it != opts.end())
      it->second->setHiddenFlag(cl::NotHidden);
  }
  cl::ParseCommandLineOptions(argc, argv,
                              "cnnc: compile a convolutional network to a "
                              "shared library\n");

  DialectRegistry registry;
  registerCNNCDialects(registry);
  MLIRContext context(registry);
  // Diagnostics name the place (file:line:col or the ONNX node); a dump of
  // the whole enclosing op (for a function-level remark, the network) only
  // buries the message.
  context.printOpOnDiagnostic(false);
  context.loadAllAvailableDialects();
  context.getDiagEngine().registerHandler(
      [](Diagnostic &diag) { printDiagnostic(diag, llvm::errs(), "cnnc: "); });

  DefaultTimingManager tm;
  applyDefaultTimingManagerCLOptions(tm);
  // LLVM's own --time-passes also times the MLIR passes and the back end.
  if (llvm::TimePassesIsEnabled)
    tm.setEnabled(true);
  TimingScope timing = tm.getRootScope();

  // Import.
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<llvm::SourceMgr> dslSourceMgr;
  std::unique_ptr<SourceMgrDiagnosticHandler> dslHandler;
  if (factorize.getNumOccurrences() &&
      (!(factorize > 0) || factorize > 1 || std::isnan(factorize)))
    return fail("--factorize expects a relative error tolerance in (0, 1], "
                "got " + std::to_string(factorize));
  if (factorizeMaxDeviation.getNumOccurrences() &&
      (!(factorizeMaxDeviation >= 0) || std::isinf(factorizeMaxDeviation)))
    return fail("--factorize-max-deviation expects a non-negative number, "
                "got " + std::to_string(factorizeMaxDeviation));
  int64_t winogradTile = 0;
  if (winograd == "off")
    winogradTile = -1;
  else if (winograd == "2" || winograd == "4")
    winogradTile = winograd == "2" ? 2 : 4;
  else if (winograd != "auto")
    return fail("--winograd expects auto, off, 2 or 4, got '" + winograd +
                "'");
  if (factorize > 0 && noGraphPasses)
    return fail("--factorize is a graph pass; it cannot be combined with "
                "--no-graph-passes");
  if (emit == Emit::AST && llvm::sys::path::extension(inputFile) != ".cnn")
    return fail("--emit=ast needs a .cnn input");
  std::optional<int64_t> weightCap = parseByteSize(maxWeightBytes);
  std::optional<int64_t> activationCap = parseByteSize(maxActivationBytes);
  if (!weightCap)
    return fail("--max-weight-bytes expects a size such as 4G, got '" +
                maxWeightBytes + "'");
  if (!activationCap)
    return fail("--max-activation-bytes expects a size such as 64G, got '" +
                maxActivationBytes + "'");
  {
    TimingScope t = timing.nest("import");
    llvm::StringRef ext = llvm::sys::path::extension(inputFile);
    if (!llvm::sys::fs::exists(inputFile) && inputFile != "-")
      return fail("no such file: '" + inputFile + "'");
    if (ext == ".mlir") {
      llvm::SourceMgr sm;
      SourceMgrDiagnosticHandler handler(sm, &context);
      module = parseSourceFile<ModuleOp>(inputFile, sm,
                                         ParserConfig(&context));
    } else if (ext == ".onnx" || ext == ".onnxtxt" || ext == ".pb") {
      OnnxImportOptions options;
      if (failed(parseInputShapes(options)))
        return 1;
      module = importOnnxFile(&context, inputFile, options);
    } else if (ext == ".cnn") {
      if (emit == Emit::AST)
        return failed(dumpDslAst(inputFile, llvm::outs()));
      // Diagnostics show the source line and a caret, for the whole run.
      dslSourceMgr = std::make_unique<llvm::SourceMgr>();
      dslHandler = std::make_unique<SourceMgrDiagnosticHandler>(*dslSourceMgr,
                                                                &context);
      DslImportOptions options;
      options.weightsFile = weightsFile;
      options.maxWeightBytes = *weightCap;
      if (weightSeed.getNumOccurrences())
        options.seed = weightSeed;
      module = importDslFile(&context, inputFile, options);
    } else {
      return fail("cannot tell the format of '" + inputFile +
                  "' (expected .onnx, .onnxtxt, .cnn or .mlir)");
    }
    if (!module)
      return 1;
    if (failed(verify(*module)))
      return 1;
  }
  if (failed(checkResourceLimits(*module, *weightCap, *activationCap)))
    return 1;

  std::string out = outputFile.empty() ? defaultOutput(emit) : outputFile;
  std::string error;
  if (!checkOutputPath(out, {inputFile, weightsFile}, error))
    return fail(error);
  auto printModule = [&](ModuleOp m, const std::string &path) -> int {
    return failed(writeOutput(path, [&](llvm::raw_ostream &os) {
      m.print(os);
      os << "\n";
      return success();
    }));
  };

  if (emit == Emit::ONNX) {
    if (out == "-" && outputFile.empty())
      out = (llvm::sys::path::stem(inputFile) + ".onnx").str();
    if (!checkOutputPath(out, {inputFile, weightsFile}, error))
      return fail(error);
    return failed(writeOutput(out, [&](llvm::raw_ostream &os) {
      return exportCnnModuleToOnnx(*module, os);
    }));
  }
  if (emit == Emit::CNN || emit == Emit::CNNOpt) {
    if (!hasCNNOps(*module) && !module->lookupSymbol(kEntryFunctionName))
      return fail("input is past the cnn stage");
    if (emit == Emit::CNNOpt && !noGraphPasses) {
      PassManager graph(&context);
      if (failed(applyPassManagerCLOptions(graph)) ||
          failed(buildCNNGraphPipeline(graph, factorize)) ||
          failed(graph.run(*module)))
        return 1;
    }
    return printModule(*module, out);
  }

  // The target decides codegen strategy (vector width) as well as emission.
  auto target = TargetInfo::get(targetName, error);
  if (failed(target))
    return fail(error);

  // --factorize with a library: the same network is compiled without it
  // (below) and both run on one seeded random input, within the
  // whole-network budget. The reference is taken before any graph pass.
  bool check = factorize > 0 && emit == Emit::SO && !noFactorizeCheck &&
               !isLLVMDialectOnly(*module);
  OwningOpRef<ModuleOp> reference;
  if (check)
    reference = module->clone();

  // The report shows the network after the graph passes; the compile below
  // then starts from there instead of running them (and --factorize) again.
  bool graphPassesDone = false;
  if (report) {
    if (!noGraphPasses) {
      graphPassesDone = true;
      PassManager graph(&context);
      if (failed(buildCNNGraphPipeline(graph, factorize)) ||
          failed(graph.run(*module)))
        return 1;
    }
    ReportOptions reportOptions;
    reportOptions.vectorBits = target->vectorBits;
    reportOptions.winogradTile = winogradTile;
    reportOptions.perImage = !noSplitBatch;
    auto r = buildNetworkReport(*module, reportOptions);
    if (failed(r))
      return 1;
    printNetworkReport(*r, out == "-" ? llvm::errs() : llvm::outs());
  }

  // Lowers `m` (factorized under `tolerance` when positive) and writes the
  // --emit form to `out`. The primary compile also prints the report's
  // arena line and times its passes.
  OutputFile pendingLibrary;
  auto compile = [&](ModuleOp m, double tolerance, std::string out,
                     bool primary) -> int {
    // Lower to the LLVM dialect unless the input already is there.
    if (!isLLVMDialectOnly(m)) {
      if (failed(recordSignature(m)))
        return 1;
      PassManager pm(&context);
      if (failed(applyPassManagerCLOptions(pm)))
        return 1;
      if (primary)
        pm.enableTiming(timing);
      if (printIRAfterAll) {
        context.disableMultithreading();
        pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                            [](Pass *, Operation *) { return true; },
                            /*printModuleScope=*/true,
                            /*printAfterOnlyOnChange=*/false);
      }
      CNNToLinalgPipelineOptions linalgOptions;
      linalgOptions.graphPasses =
          !noGraphPasses && !(primary && graphPassesDone);
      linalgOptions.factorize = tolerance;
      linalgOptions.splitBatch = !noSplitBatch;
      if (failed(buildCNNToLinalgPipeline(pm, linalgOptions)))
        return fail("internal error: cannot build the cnn-to-linalg pipeline");
      if (emit != Emit::Linalg) {
        CPUPipelineOptions options;
        options.fuseElementwise = !noFuse;
        options.winogradTile = winogradTile;
        options.vectorBits = target->vectorBits;
        if (failed(buildCPUPipeline(pm, options)))
          return fail("internal error: cannot build the CPU pipeline");
      }
      if (failed(pm.run(m)))
        return 1;
      if (auto plan = m->getAttrOfType<DictionaryAttr>("cnnc.activation_bytes")) {
        auto arena = plan.getAs<IntegerAttr>("arena");
        if (arena && arena.getInt() > *activationCap)
          return fail("the activation arena takes " +
                      formatBytes(arena.getInt()) + ", over the limit of " +
                      formatBytes(*activationCap) +
                      " (--max-activation-bytes)");
      }
      // What cnnc-cpu-plan-activations made of the activations above.
      if (auto plan = m->getAttrOfType<DictionaryAttr>("cnnc.activation_bytes");
          primary && report && plan) {
        auto get = [&](StringRef key) {
          auto v = plan.getAs<IntegerAttr>(key);
          return v ? v.getInt() : 0;
        };
        (out == "-" ? llvm::errs() : llvm::outs())
            << "compiled: activation arena "
            << llvm::formatv("{0:f3}", get("arena") / 1e6) << " MB for "
            << get("buffers") << " buffers of "
            << llvm::formatv("{0:f3}", get("total") / 1e6) << " MB";
        if (int64_t image = get("image_arena"))
          (out == "-" ? llvm::errs() : llvm::outs())
              << " (of which " << llvm::formatv("{0:f3}", image / 1e6)
              << " MB per image in flight: the per-image trunk's arena, one "
                 "per thread running images)";
        (out == "-" ? llvm::errs() : llvm::outs()) << "\n";
      }
    } else if (emit == Emit::Linalg) {
      return fail("input is already in the LLVM dialect");
    }
    if (emit == Emit::Linalg || emit == Emit::LLVMDialect)
      return printModule(m, out);

    // Back end.
    auto machine = createTargetMachine(*target, error);
    if (failed(machine))
      return fail("target " + target->description() + ": " + error);
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::Module> llvmModule;
    {
      TimingScope t = timing.nest("llvm-translate-and-optimize");
      SmallVector<WeightBlob> weights = externalizeWeights(m);
      auto translated = translateToLLVMIR(m, llvmContext, **machine, *target);
      if (failed(translated))
        return 1;
      llvmModule = std::move(*translated);
      // Weights join the module after optimization: the optimizer has nothing
      // to learn from megabytes of constants.
      auto weightsModule = buildWeightsModule(weights, llvmContext, **machine);
      for (llvm::GlobalVariable &gv :
           llvm::make_early_inc_range(weightsModule->globals())) {
        llvm::GlobalVariable *decl =
            llvmModule->getGlobalVariable(gv.getName(), /*AllowInternal=*/true);
        auto *def = new llvm::GlobalVariable(
            *llvmModule, gv.getValueType(), true, gv.getLinkage(),
            gv.getInitializer(), "", nullptr, llvm::GlobalValue::NotThreadLocal,
            std::nullopt);
        def->setVisibility(llvm::GlobalValue::HiddenVisibility);
        def->setAlignment(gv.getAlign());
        if (decl) {
          decl->replaceAllUsesWith(def);
          def->takeName(decl);
          decl->eraseFromParent();
        } else {
          def->setName(gv.getName());
        }
      }
    }
    if (emit == Emit::LLVMIR)
      return failed(writeOutput(out, [&](llvm::raw_ostream &os) {
        llvmModule->print(os, nullptr);
        return success();
      }));

    llvm::SmallVector<char, 0> code;
    {
      TimingScope t = timing.nest("llvm-codegen");
      if (failed(
              emitCode(*llvmModule, **machine, emit == Emit::Asm, code, error)))
        return fail(error);
    }
    if (emit == Emit::Asm || emit == Emit::Obj)
      return failed(writeOutput(out, [&](llvm::raw_ostream &os) {
        os.write(code.data(), code.size());
        return success();
      }));

    // Shared library.
    TimingScope t = timing.nest("link");
    if (target->triple.rfind("x86_64", 0) != 0)
      return fail("linking a shared library for " + target->triple +
                  " is not supported; use --emit=obj");
    llvm::SmallString<128> objPath;
    int fd;
    if (llvm::sys::fs::createTemporaryFile("cnnc-model", "o", fd, objPath))
      return fail("cannot create a temporary object file");
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os.write(code.data(), code.size());
    }
    std::string linker = CNNC_DEFAULT_LINKER;
    if (auto env = llvm::sys::Process::GetEnv("CNNC_LD"))
      linker = *env;
    OutputFile library;
    if (!OutputFile::create(out, library, error)) {
      llvm::sys::fs::remove(objPath);
      return fail(error);
    }
    LogicalResult linked =
        linkSharedLibrary({std::string(objPath)}, library.path(),
                          stubArchivePath(argv[0]), linker, error);
    llvm::sys::fs::remove(objPath);
    if (failed(linked))
      return fail(error);
    // The --factorize check reads the library before it may take its name.
    if (primary && check) {
      pendingLibrary = std::move(library);
      return 0;
    }
    return library.commit(error) ? 0 : fail(error);
  };

  if (int rc = compile(*module, factorize, out, /*primary=*/true))
    return rc;
  if (!check)
    return 0;
  llvm::SmallString<128> refPath;
  {
    int fd;
    if (llvm::sys::fs::createTemporaryFile("cnnc-unfactorized", "so", fd,
                                           refPath))
      return fail("cannot create a temporary file for the whole-network "
                  "check");
    ::close(fd);
  }
  llvm::FileRemover removeRef(refPath);
  if (int rc = compile(*reference, 0.0, std::string(refPath),
                       /*primary=*/false))
    return rc;
  LibraryDeviation dev;
  std::string checkError;
  if (!compareLibraries(std::string(refPath), pendingLibrary.path(),
                        factorizeSeed, dev, checkError))
    return fail("whole-network check of --factorize: " + checkError);
  std::string summary = llvm::formatv(
      "whole-network check of --factorize on a random input (seed {0}): max "
      "|factorized - unfactorized| = {1:e2} on output '{2}', {3:e2} relative to max "
      "|unfactorized| = {4:e2}",
      uint64_t(factorizeSeed), dev.maxAbs, dev.worstOutput, dev.relative(),
      dev.referenceMax);
  if (!(dev.relative() <= factorizeMaxDeviation)) {
    return fail(summary + "; over the budget --factorize-max-deviation=" +
                llvm::formatv("{0:e2}", double(factorizeMaxDeviation)).str() +
                ", no library written");
  }
  llvm::errs() << "cnnc: remark: " << summary << " (budget "
               << llvm::formatv("{0:e2}", double(factorizeMaxDeviation))
               << ")\n";
  return pendingLibrary.commit(error) ? 0 : fail(error);
}
