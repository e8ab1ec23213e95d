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

#endif // CNNC_CODEGEN_CPU_PASSES_TD
