//===- OutputFile.cpp - outputs written whole or not at all ---------------===//

#include "OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <unistd.h>

using namespace mlir::cnnc;
namespace fs = llvm::sys::fs;

bool mlir::cnnc::checkOutputPath(llvm::StringRef output,
                                 llvm::ArrayRef<std::string> inputs,
                                 std::string &error) {
  if (output == "-")
    return true;
  if (fs::is_directory(output)) {
    error = "output '" + output.str() + "' is a directory; name a file";
    return false;
  }
  for (const std::string &input : inputs) {
    if (input.empty() || input == "-")
      continue;
    bool same = false;
    // Both must exist for equivalent(); a missing output cannot be an input.
    if (!fs::equivalent(input, output, same) && same) {
      error = "output '" + output.str() + "' is the input '" + input +
              "'; refusing to overwrite it (name another file with -o)";
      return false;
    }
  }
  return true;
}

bool OutputFile::create(llvm::StringRef destination, OutputFile &out,
                        std::string &error) {
  out.discard();
  out.destination_ = destination.str();
  fs::file_status status;
  bool exists = !fs::status(destination, status);
  if (destination == "-" ||
      (exists && status.type() != fs::file_type::regular_file)) {
    out.path_ = out.destination_;
    out.temporary_ = false;
    return true;
  }
  llvm::SmallString<256> model(llvm::sys::path::parent_path(destination));
  llvm::sys::path::append(
      model, "." + llvm::sys::path::filename(destination) + ".tmp-%%%%%%%%");
  int fd;
  llvm::SmallString<256> temp;
  if (std::error_code ec = fs::createUniqueFile(model, fd, temp)) {
    error = "cannot create a file next to '" + destination.str() +
            "': " + ec.message();
    return false;
  }
  ::close(fd);
  out.path_ = std::string(temp);
  out.temporary_ = true;
  return true;
}

OutputFile::OutputFile(OutputFile &&other) noexcept
    : destination_(std::move(other.destination_)),
      path_(std::move(other.path_)), temporary_(other.temporary_) {
  other.temporary_ = false;
}

OutputFile &OutputFile::operator=(OutputFile &&other) noexcept {
  if (this != &other) {
    discard();
    destination_ = std::move(other.destination_);
    path_ = std::move(other.path_);
    temporary_ = other.temporary_;
    other.temporary_ = false;
  }
  return *this;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() {
  if (temporary_)
    fs::remove(path_);
  temporary_ = false;
}

bool OutputFile::commit(std::string &error) {
  if (!temporary_)
    return true;
  if (std::error_code ec = fs::rename(path_, destination_)) {
    error = "cannot write '" + destination_ + "': " + ec.message();
    discard();
    return false;
  }
  temporary_ = false;
  return true;
}
