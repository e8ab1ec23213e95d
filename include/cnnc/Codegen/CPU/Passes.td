//===- Passes.td - cnnc CPU codegen passes -----------------*- tablegen -*-===//
#ifndef CNNC_CODEGEN_CPU_PASSES_TD
#define CNNC_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUInterchangeLoopsPass : Pass<"cnnc-cpu-interchange-loops", "func::FuncOp"> {
  let summary = "Order convolution and pooling loops so the innermost loop "
                "runs along a contiguous output row";
  let description = [{
    The baseline CPU schedule, before strategy selection exists: each
    convolution and pooling op is generalized and its loops are reordered as
    (outer parallel loops, reduction loops, output row, output column), so
    that the innermost loop updates a contiguous output row from a contiguous
    (or strided) input row with a broadcast weight, which LLVM's loop
    vectorizer turns into vector FMAs. Without it, the innermost loop is the
    kernel-width reduction, which stays scalar.

    Before (loops n, f, oh, ow, c, kh, kw):
    ```mlir
    linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%y : ...)
    ```
    After (loops n, f, c, kh, kw, oh, ow):
    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction",
        "reduction", "reduction", "parallel", "parallel"], ...}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CPUFoldTileWritesPass : Pass<"cnnc-cpu-fold-tile-writes", "func::FuncOp"> {
  let summary = "Fold a register tile's rank-reduced writes into its output "
                "tile, so that overwritten writes drop out";
  let description = [{
    A convolution's register tile writes its accumulators through a
    rank-reduced slice of its output tile (decompose's 1-D convolution drops
    the kernel-row dimension): `vector.transfer_write` into
    `tensor<1x6x16xf32>`, then `tensor.insert_slice` into
    `tensor<1x1x6x16xf32>`. The fill's zeros, the accumulators and the
    fused epilogue's result are then three writes of one tile, and all three
    reach memory after bufferization. This pass rewrites
    `insert_slice(transfer_write(%v, %s), %d)`, where the write covers all
    of `%s` and `%s` is the slice less unit dimensions, into
    `transfer_write(%v, %d)` at the slice's offsets; vector's own folds then
    drop each write that the next overwrites and forward each write to the
    read after it, leaving one store per output vector.

    Before:
    ```mlir
    %z = vector.transfer_write %zeros, %t[%c0, %c0, %c0, %c0]
        : vector<6x16xf32>, tensor<1x1x6x16xf32>
    %s = tensor.extract_slice %z[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1]
        : tensor<1x1x6x16xf32> to tensor<1x6x16xf32>
    %w = vector.transfer_write %acc, %s[%c0, %c0, %c0]
        : vector<6x16xf32>, tensor<1x6x16xf32>
    %i = tensor.insert_slice %w into %z[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1]
        : tensor<1x6x16xf32> into tensor<1x1x6x16xf32>
    ```
    After:
    ```mlir
    %i = vector.transfer_write %acc, %t[%c0, %c0, %c0, %c0]
        : vector<6x16xf32>, tensor<1x1x6x16xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::vector::VectorDialect"];
}

def CPUApproximateMathPass : Pass<"cnnc-cpu-approximate-math", "func::FuncOp"> {
  let summary = "Expand exp and tanh on f32 into polynomial approximations "
                "built from vector arithmetic";
  let description = [{
    LLVM has no vector `exp`: `math.exp` on `vector<8xf32>` becomes eight
    calls to libm's `expf`. Softmax and tanh epilogues fused into a
    convolution then spend more time in those calls than in the
    convolution's FMAs (sigmoid and SiLU are lowered with their own
    clamped exp by convert-cnn-to-linalg). This pass rewrites `math.exp` and
    `math.tanh` on f32 scalars and vectors into MLIR's polynomial
    approximations (range reduction, a degree-5 polynomial and an exponent
    bit-shift for exp; a rational approximation for tanh): plain vector
    arithmetic that LLVM keeps in registers. Both are accurate to a few
    units in the last place over the whole f32 range, including overflow
    to +inf and underflow to 0 (see test/Codegen/CPU/approximate-math.mlir
    and the network tests against onnxruntime).

    It also marks `arith.maximumf` and `arith.minimumf` `nsz`: the order
    of -0 and +0, which costs two blends per max on x86 (a max pool's
    window, relu), is not kept; NaN still propagates.

    Before:
    ```mlir
    %e = math.exp %x : vector<8xf32>
    ```
    After (abridged):
    ```mlir
    %k = math.floor (%x * log2(e))
    %p = math.fma ... (polynomial in x - k * ln 2)
    %e = arith.bitcast ((k + 127) << 23) * %p
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def ConcatInPlacePass : Pass<"cnnc-concat-in-place", "func::FuncOp"> {
  let summary = "Have each input of a channel concat write straight into its "
                "slice of the concat's buffer";
  let description = [{
    A concat lowers to a chain of `tensor.insert_slice` into an empty
    tensor: after bufferization, one strided copy per input (one memcpy per
    pixel, on one thread). When an input's producer is a linalg op used only
    by the concat, with an empty tensor or a constant fill of one as its
    init, this pass gives the producer its slice of the concat buffer as its
    init instead. The buffer is threaded through those producers in program
    order (slice, produce, insert right after), so bufferization writes each
    branch's result in place; inputs that do not qualify (a value with other
    users, a function argument) keep their copy, inserted where the concat
    was. The new ops take the producer's location, so they stay in the
    producer's layer (cnnc-outline-layers). Runs after
    cnnc-fuse-elementwise: the fusion patterns would replace an init that is
    only written by a fresh empty tensor.

    Before:
    ```mlir
    %a = linalg.generic {...relu...} ins(%c1, %b1) outs(%e1 : tensor<1x28x28x64xf32>)
    %m = linalg.pooling_nhwc_max ins(%p, %w) outs(%f : tensor<1x28x28x32xf32>)  // %f = fill(empty)
    %e = tensor.empty() : tensor<1x28x28x96xf32>
    %0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 28, 28, 64] [1, 1, 1, 1]
    %1 = tensor.insert_slice %m into %0[0, 0, 0, 64] [1, 28, 28, 32] [1, 1, 1, 1]
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<1x28x28x96xf32>
    %s0 = tensor.extract_slice %e[0, 0, 0, 0] [1, 28, 28, 64] [1, 1, 1, 1]
    %a = linalg.generic {...relu...} ins(%c1, %b1) outs(%s0)
    %0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 28, 28, 64] [1, 1, 1, 1]
    %s1 = tensor.extract_slice %0[0, 0, 0, 64] [1, 28, 28, 32] [1, 1, 1, 1]
    %f = linalg.fill ins(%ninf) outs(%s1)
    %m = linalg.pooling_nhwc_max ins(%p, %w) outs(%f)
    %1 = tensor.insert_slice %m into %0[0, 0, 0, 64] [1, 28, 28, 32] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PadInProducerPass : Pass<"cnnc-pad-in-producer", "func::FuncOp"> {
  let summary = "Have the producer of a padded tensor write straight into "
                "the interior of the padded buffer";
  let description = [{
    A convolution's padding is a `tensor.pad` of its input, which bufferizes
    to a new buffer filled whole and then a copy of the input into its
    interior: two extra passes over the activation, single-threaded. For
    MobileNetV2's depthwise layers on 112x112 and 56x56 maps that was most
    of their time. When the padded tensor's producer is a linalg op (the
    previous layer's epilogue, a convolution, a pooling or a layout
    transpose) used only by the pad, and its init is an empty tensor or a
    constant fill of one, this pass gives the producer the interior of the
    padded tensor as its init, fills only the border (one slab per padded
    side) and replaces the pad by the producer's result inserted back in
    place. Bufferization then writes the producer's output into the padded
    buffer directly. Runs before cnnc-outline-layers: the border fill and the
    interior belong to the producer's layer, which returns the padded tensor.

    Before:
    ```mlir
    %a = linalg.generic {...relu...} ins(%c, %bias) outs(%empty : tensor<1x56x56x64xf32>)
    %p = tensor.pad %a low[0, 1, 1, 0] high[0, 1, 1, 0] { tensor.yield %zero }
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<1x58x58x64xf32>
    %top = tensor.extract_slice %e[0, 0, 0, 0] [1, 1, 58, 64] [1, 1, 1, 1]
    %t0 = linalg.fill ins(%zero) outs(%top)
    %e1 = tensor.insert_slice %t0 into %e[0, 0, 0, 0] [1, 1, 58, 64] [1, 1, 1, 1]
    ... (bottom row, left and right columns)
    %in = tensor.extract_slice %e4[0, 1, 1, 0] [1, 56, 56, 64] [1, 1, 1, 1]
    %a = linalg.generic {...relu...} ins(%c, %bias) outs(%in)
    %p = tensor.insert_slice %a into %e4[0, 1, 1, 0] [1, 56, 56, 64] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUPlanActivationsPass : Pass<"cnnc-cpu-plan-activations", "ModuleOp"> {
  let summary = "Place the network's activation buffers in one arena, "
                "sharing memory between buffers whose lives do not overlap";
  let description = [{
    After bufferization the network function (each public function)
    allocates every activation and frees them all at its end: one malloc
    per activation per run, and a peak equal to the sum of all activations.
    Large mallocs are mmapped and unmapped by glibc, so every run also
    page-faulted its activations in again. This pass computes each
    statically shaped `memref.alloc` of the function body's live range
    (its position to its last use, following views such as subviews and
    casts; a buffer that is returned is left alone), places the buffers
    largest first at the lowest 64-byte-aligned offset clear of every placed
    buffer whose range overlaps, and replaces them by `memref.view`s of one
    arena allocated at the start of the function and freed at its end. The
    module gets `cnnc.activation_bytes = {arena, total, buffers}`:
    the arena size next to the sum of the buffers it holds (`cnnc --report`
    prints both).

    Before:
    ```mlir
    %a = memref.alloc() : memref<1x56x56x64xf32>
    call @layer1(%x, %a)
    %b = memref.alloc() : memref<1x56x56x64xf32>
    call @layer2(%a, %b)
    %c = memref.alloc() : memref<1x56x56x64xf32>
    call @layer3(%b, %c)     // %a is dead here: %c takes its place
    ```
    After:
    ```mlir
    %arena = memref.alloc() {alignment = 64 : i64} : memref<1605632xi8>
    %a = memref.view %arena[%c0][] : memref<1605632xi8> to memref<1x56x56x64xf32>
    %b = memref.view %arena[%c802816][] : ...
    %c = memref.view %arena[%c0][] : ...
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def CPULowerVectorsPass : Pass<"cnnc-cpu-lower-vectors", "func::FuncOp"> {
  let summary = "Hoist loop-invariant vector transfers and lower contractions "
                "to FMAs, after bufferization";
  let description = [{
    The second half of the convolution schedule of cnnc-cpu-vectorize-conv:
    on buffers, accumulator reads and writes that do not change across the
    reduction loops are hoisted out of them (so accumulators stay in
    registers), and each vector lowering runs as its own pattern set:
    contractions as outer products, transfer permutations, outer products
    to FMAs, transfers to rank 1, broadcasts, transposes, shape casts.
    Lowering `vector.contract` with the default dot-product strategy instead
    runs about twenty times slower.
  }];
  let dependentDialects = ["::mlir::transform::TransformDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def CPUVectorizeConvPass : Pass<"cnnc-cpu-vectorize-conv", "func::FuncOp"> {
  let summary = "Tile NHWC convolutions into register blocks and vectorize "
                "them";
  let description = [{
    Every statically shaped `linalg.conv_2d_nhwc_hwcf` gets a register tile
    chosen from the target's vector width and register count: an output
    block of `ow` pixels by `f` filters (f a multiple of the vector length
    where F allows, ow * f / VL accumulators within the register file), then
    the reduction tiled by (1, 1, c). The tiled convolution is decomposed
    into a 1-D convolution and vectorized, its initializer (fill or bias
    broadcast) fused into the tile. Tile sizes always divide the dimensions,
    so every tile has a static shape. The schedule is applied with the
    transform dialect (see docs/codegen-notes.md).

    A convolution whose only user is its elementwise epilogue gets that
    epilogue (made in place) and its fill fused into the register tile, so
    each output tile is finished while in registers. Depthwise convolutions
    (`linalg.depthwise_conv_2d_nhwc_hwc`) get a register tile of pixels by
    channels; grouped ones (`linalg.conv_2d_nhwgc_gfhwc`) become a parallel
    loop of per-group NHWC convolutions with packed weights. See
    docs/passes.md.

    Before:
    ```mlir
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x58x58x64xf32>,
           tensor<3x3x64x64xf32>) outs(%init : tensor<1x56x56x64xf32>)
    ```
    After (AVX2: tile ow = 6 over the first 54 pixels, then 2; f = 16, c = 4):
    ```mlir
    scf.for %oh ... scf.for %ow to 54 step 6 ... scf.for %f step 16 ...
      scf.for %kh ... scf.for %kw ... scf.for %c step 4 ...
        vector.contract ... : vector<6x4xf32>, vector<4x16xf32> into vector<6x16xf32>
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Vector register width of the target in bits (128, 256 or 512)">,
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"262144",
           "Convolutions with fewer loop iterations (multiply-adds) than "
           "this run their rows or filter blocks in a serial loop rather "
           "than across threads">
  ];
  let dependentDialects = ["::mlir::transform::TransformDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUWinogradPass : Pass<"cnnc-cpu-winograd", "func::FuncOp"> {
  let summary = "Compute 3x3 stride-1 convolutions with Winograd's minimal "
                "filtering algorithm F(m x m, 3 x 3)";
  let description = [{
    A 3x3, stride-1, undilated NHWC convolution with constant weights and
    channel and filter counts that are multiples of the vector length
    becomes, for output tiles of m x m pixels (alpha = m + 2):
      - the filter transform G g G^T, done at compile time: the weights
        become alpha^2 matrices of C x F, a constant in GFHWC layout;
      - the input transform B^T d B of every alpha x alpha input tile,
        vectorized along channels, in a parallel loop over tile rows, into
        an NHWGC tensor with one "group" per transform point;
      - alpha^2 independent C x F products: a grouped 1x1 convolution
        (linalg.conv_2d_nhwgc_gfhwc), which cnnc-cpu-vectorize-conv splits
        into per-point NHWC convolutions with its register-blocked schedule;
      - the output transform A^T M A, vectorized along filters, with the
        convolution's elementwise epilogue (bias, activation, residual)
        applied to the vectors before they are written, in place of the
        epilogue op. Tiles that overhang the output are written in part.
    Multiplications drop by 9 m^2 / alpha^2: 2.25x for m = 2, 4x for
    m = 4. By default (tile = 0) F(4 x 4, 3 x 3) is used where it measured
    faster: at least 64 channels and filters, at least 36 tiles, overhang
    leaving at least 3x fewer multiplications, and the transformed input
    plus products within 32 MB (selectWinogradTile, also behind
    `cnnc --report`); `tile` = 2 or 4 forces that tile on every convolution
    of the right shape with at least 64 channels and filters.

    Before:
    ```mlir
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x58x58x64xf32>,
           tensor<3x3x64x64xf32>) outs(%zero : tensor<1x56x56x64xf32>)
    %y = linalg.generic {...} ins(%c, %bias ...) { addf, maximumf }
    ```
    After (m = 4):
    ```mlir
    %v = scf.forall (%th) in (14) ... { vector.transfer_read ... arith.subf
           ... vector.transfer_write ... } -> tensor<1x14x14x36x64xf32>
    %m = linalg.conv_2d_nhwgc_gfhwc ins(%v, %u : tensor<1x14x14x36x64xf32>,
           tensor<36x64x1x1x64xf32>) outs(...) -> tensor<1x14x14x36x64xf32>
    %y = scf.forall (%th) in (14) ... { ... arith.addf, arith.maximumf ...
           vector.transfer_write ... } -> tensor<1x56x56x64xf32>
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Vector register width of the target in bits (128, 256 or 512)">,
    Option<"tile", "tile", "int64_t", /*default=*/"0",
           "Output tile m: 2 or 4 forces F(m x m, 3 x 3) on every eligible "
           "convolution; 0 chooses per convolution">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def FuseElementwisePass : Pass<"cnnc-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops into their consumers, leaving "
                "reshapes where they are";
  let description = [{
    Producer-consumer fusion of elementwise `linalg.generic`s (upstream
    `populateElementwiseOpsFusionPatterns`), without the reshape
    propagation of `linalg-fuse-elementwise-ops`: that one pushes a flatten
    through the classifier's matmul, turning it into a 5-D generic that no
    schedule vectorizes (AlexNet's first dense layer went from 29 to 344 ms).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def OutlineLayersPass : Pass<"cnnc-outline-layers", "ModuleOp"> {
  let summary = "Outline each network layer into its own function";
  let description = [{
    Groups the ops of every public function by the layer they were lowered
    from (the name in their location: the ONNX node or DSL layer) and moves
    each group into a private function `@"cnnc_layer.<name>"` called from
    the original one. Constants, `tensor.empty` and fills of them are
    rematerialized in every function that uses them rather than passed.

    Layers as functions keep LLVM's per-function work small (compile time),
    give every layer a symbol (profilers), and let the runtime time each one:
    with `instrument`, a call `@cnnrt_layer_mark(i)` precedes layer i and
    `@cnnrt_layer_mark(n)` follows the last. Each function gets a
    `cnnc.layer` attribute (name, kind, MACs) and the module a `cnnc.layers`
    array in call order, which the model library exports for
    `cnnc-run --profile`.

    Before:
    ```mlir
    func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
      %c = linalg.conv_2d_nhwc_hwcf ... loc("conv1")
      %r = linalg.generic ... loc("relu1")
      return %r
    }
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
      %0 = call @cnnc_layer.conv1(%x) : ...
      %1 = call @cnnc_layer.relu1(%0) : ...
      return %1
    }
    func.func private @cnnc_layer.conv1(...) attributes {cnnc.layer = ...}
    ```
  }];
  let options = [
    Option<"instrument", "instrument", "bool", /*default=*/"false",
           "Call @cnnrt_layer_mark around the layers for run-time profiling">
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect"];
}

def ParallelizePass : Pass<"cnnc-cpu-parallelize", "func::FuncOp"> {
  let summary = "Split the remaining linalg ops across threads with "
                "scf.forall";
  let description = [{
    Runs after `cnnc-cpu-vectorize-conv`, which already made the loops of
    the convolutions and matmuls it scheduled parallel. Every other linalg
    op on tensors at the top level of a function (depthwise and grouped
    convolutions, pooling, elementwise and epilogue ops, transposes) with at
    least `min-work` loop iterations is tiled by 1 along its outer non-unit
    parallel dimensions, outermost first, until the tiles number at least
    16: an `scf.forall` whose iterations the runtime splits across threads.
    The innermost dimension is never split (it is the one that vectorizes),
    nor is any reduction.

    Before:
    ```mlir
    %r = linalg.generic {iterator_types = ["parallel", "parallel",
        "parallel", "parallel"]} ins(%x : tensor<1x56x56x64xf32>) ...
    ```
    After:
    ```mlir
    %r = scf.forall (%h) in (56) shared_outs(%o = %init) {
      ... linalg.generic on tensor<1x1x56x64xf32> ...
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "Ops with fewer loop iterations than this stay serial">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def OutlineParallelPass : Pass<"cnnc-cpu-outline-parallel", "ModuleOp"> {
  let summary = "Outline the bodies of parallel loops for the runtime's "
                "thread pool";
  let description = [{
    Runs after bufferization. Every outermost `scf.forall` with static
    bounds becomes a call to a new private function
    `@"cnnc_par.<function>.<k>"(%begin, %end, captures...)` that runs
    iterations [begin, end) of the (linearized) loop; the call covers the
    whole range, so the program means the same as before.
    `cnnc-cpu-lower-parallel-calls` later turns the call into a
    `cnnrt_parallel_for` that hands ranges to the threads.

    Constants, `memref.get_global` and views of captured buffers are
    recreated in the new function; other captures are passed and must be
    scalars or statically shaped identity-layout memrefs (what the bare
    pointer calling convention can pass). A loop that does not qualify
    stays an `scf.forall` and runs serially (`scf-forall-to-for`).

    Before:
    ```mlir
    scf.forall (%i) in (56) {
      %row = memref.subview %out[0, %i, 0, 0] ...
      ...
    }
    ```
    After:
    ```mlir
    call @"cnnc_par.cnnc_layer.conv1.0"(%c0, %c56, %out, ...)
    func.func private @"cnnc_par.cnnc_layer.conv1.0"(%begin: index,
        %end: index, %out: memref<...>, ...) {
      scf.for %i = %begin to %end step %c1 { ... }
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def LowerParallelCallsPass : Pass<"cnnc-cpu-lower-parallel-calls",
                                  "ModuleOp"> {
  let summary = "Hand the outlined parallel loops to cnnrt_parallel_for";
  let description = [{
    Runs on the LLVM dialect. For every function `@"cnnc_par.*"` made by
    `cnnc-cpu-outline-parallel`, adds a task trampoline
    `@"<name>.task"(ptr %ctx, i64 %begin, i64 %end)` that loads the captures
    from a context struct and calls it, and rewrites every call
    `@"cnnc_par.*"(%begin, %end, captures...)` into: store the captures into
    a stack struct, then `cnnrt_parallel_for(@"<name>.task", %ctx, %begin,
    %end)`. The runtime splits [begin, end) across its threads and falls
    back to one call on the calling thread when it has none.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // CNNC_CODEGEN_CPU_PASSES_TD
