//===- OutputFile.h - outputs written whole or not at all -------*- C++ -*-===//
//
// cnnc writes every output under a temporary name in the destination's
// folder and renames it over the destination only once the whole compile
// has succeeded: a failed compile leaves an existing file as it was and no
// truncated library behind. An output that is one of the inputs (the same
// file under any name) is refused before anything is written.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TOOLS_CNNC_OUTPUTFILE_H
#define CNNC_TOOLS_CNNC_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::cnnc {

/// Refuses `output` when it names one of `inputs` (the same file, through
/// any path or link) or an existing directory. Empty inputs are skipped.
bool checkOutputPath(llvm::StringRef output,
                     llvm::ArrayRef<std::string> inputs, std::string &error);

/// One output of a compile. `path()` is where the writer writes: a fresh
/// temporary file beside the destination, or the destination itself for
/// "-" (stdout) and for existing files that are not regular (/dev/null, a
/// pipe). `commit()` renames the temporary over the destination; without a
/// commit the temporary is removed.
class OutputFile {
public:
  static bool create(llvm::StringRef destination, OutputFile &out,
                     std::string &error);
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  OutputFile(OutputFile &&other) noexcept;
  OutputFile &operator=(OutputFile &&other) noexcept;
  ~OutputFile();

  const std::string &path() const { return path_; }
  const std::string &destination() const { return destination_; }
  bool commit(std::string &error);

private:
  void discard();
  std::string destination_, path_;
  bool temporary_ = false;
};

} // namespace mlir::cnnc

#endif // CNNC_TOOLS_CNNC_OUTPUTFILE_H
