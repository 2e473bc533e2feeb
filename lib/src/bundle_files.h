// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// What loading any of a bundle's modules shares: private to the library (defined in bundle.cpp).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <higfa/manifest.h>

#include <string>

namespace higfa {

/// `file` (as the manifest's "files" names it) inside the bundle directory `dir`; an absolute
/// `file` as it is.
std::string join_path(const std::string& dir, const std::string& file);

/// Throws ModelLoadError when the manifest's "device" excludes `device` (a trace runs only on its
/// device type; "any" loads anywhere), naming both and what to change.
void check_device(const BundleManifest& m, const std::string& dir, const c10::Device& device);

/// A classifier input x [B,C,H,W] normalised by the spec's per-channel mean and std (the last step
/// of its preprocessing, docs/bundles.md §6); x itself when the spec has none.
at::Tensor normalise(const ImageSpec& spec, const at::Tensor& x);

}  // namespace higfa
