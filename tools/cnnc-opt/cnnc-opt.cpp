//===- cnnc-opt.cpp - cnnc's mlir-opt -------------------------------------===//
//
// mlir-opt with the cnn dialect, cnnc's passes and pipelines, so that every
// stage of the compiler can be run and inspected on its own.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Conversion/Passes.h"
#include "cnnc/Pipelines/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::cnnc::registerCNNCConversionPasses();
  mlir::cnnc::registerCNNCPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::cnnc::registerCNNCDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "cnnc optimizer driver\n", registry));
}
