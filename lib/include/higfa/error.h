// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Error types thrown by libhigfa.
#pragma once

#include <stdexcept>
#include <string>

namespace higfa {

/// Base of every error libhigfa throws; the message says what was expected and what came.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A model bundle (manifest or TorchScript file) could not be loaded or does not match its
/// contract.
class ModelLoadError : public Error {
 public:
  using Error::Error;
};

/// An argument (image, tensor, option) is out of range or of the wrong shape or format.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A long operation was stopped by its caller through a cancellation callback.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace higfa
