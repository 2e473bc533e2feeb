// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The model bundle's manifest.json (design §5): parsed and validated without LibTorch.
#pragma once

#include <higfa/contour.h>
#include <higfa/image_view.h>
#include <higfa/scheduler_config.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// Input contract of an image model (the classifier's preprocessing).
struct ImageSpec {
  int height = 0;
  int width = 0;
  int channels = 0;
  ValueRange range;
  FitMode fit = FitMode::kPad;
  int resize_size = 0;      ///< kCenterCrop: the shorter side before cropping; 0: cover the target
  std::vector<float> mean;  ///< per-channel normalisation after fitting (classifier); empty: none
  std::vector<float> std;   ///< empty where mean is
};

/// The autoencoder of a latent bundle (docs/bundles.md §4).
struct AutoencoderSpec {
  int channels = 0;             ///< Cz, latent channels
  int downsampling_factor = 1;  ///< f: latents are [Cz, H/f, W/f]
  double scaling_factor = 1.0;  ///< z = scaling_factor · encoder mean
};

/// The prompt table of a text bundle (docs/bundles.md §5): strings here, embeddings in
/// files.prompts.
struct TextSpec {
  int sequence_length = 0;                        ///< L
  int embedding_dim = 0;                          ///< D
  std::vector<std::vector<std::string>> prompts;  ///< per class id, P_c >= 1 strings
  std::string unconditional_prompt;
};

/// The parsed manifest.json of a bundle.
struct BundleManifest {
  std::string name;
  ImageSpec image;              ///< the denoiser's resolution, channels, value range, fit
  bool latent = false;          ///< "space": "latent" (needs vae files) or "pixel"
  AutoencoderSpec autoencoder;  ///< latent bundles only
  SchedulerConfig scheduler;    ///< prediction type and beta schedule
  std::string conditioning;     ///< "class" (cond = class ids) or "text" (prompt embeddings)
  TextSpec text;                ///< text bundles only
  int control_channels = 1;     ///< Cc of the denoiser's control (contour) input
  int num_classes = 0;
  int null_class = 0;
  std::vector<std::string> class_names;
  ContourOptions contour;       ///< contour parameters the denoiser was trained with
  ImageSpec classifier;         ///< the guidance classifier's input contract
  std::string denoiser_file;    ///< as "files.denoiser" gives it, relative to the bundle directory
  std::string classifier_file;  ///< as "files.classifier" gives it
  /// Optional "files.filter_classifier": a classifier independent of the guidance one, which
  /// fgclassifier prefers so that confidencefilter does not ask the model the sampler climbed
  /// (docs/bundles.md §2). Empty: the bundle has none.
  std::string filter_classifier_file;
  ImageSpec filter_classifier;   ///< its input contract ("filter_classifier", else classifier's)
  std::string vae_encoder_file;  ///< latent bundles: "files.vae_encoder"
  std::string vae_decoder_file;  ///< latent bundles: "files.vae_decoder"
  std::string prompts_file;      ///< text bundles: "files.prompts"
  /// "device": where the modules were traced: "any" (no device constants; loads anywhere),
  /// "cpu" or "cuda" (a trace runs only on its device type). docs/bundles.md §2.
  std::string device = "any";
  /// "dtype": what the modules compute in, "float32", "float16" (needs "cuda") or "bfloat16";
  /// their inputs and outputs are float32 whatever it is.
  std::string dtype = "float32";

  bool text_conditioned() const { return conditioning == "text"; }
  /// The denoiser's sample [C, H, W] (pixel) or [Cz, H/f, W/f] (latent).
  std::vector<std::int64_t> sample_shape() const;
  std::string provenance_json;  ///< the "provenance" object, verbatim
};

/// Parses and validates `dir`/manifest.json; checks that the files it names exist (it opens
/// none of them). Throws ModelLoadError naming the file, the key, what was expected and what
/// was found.
BundleManifest load_manifest(const std::string& dir);

/// A fingerprint of the bundle in `dir` for telling two bundles apart (a resumed run checks it):
/// 16 hex digits of the FNV-1a 64-bit hash over manifest.json and every file its "files" object
/// names, each as its name, its size and its bytes, in name order. Any edit, retraining or
/// re-export changes it; where the directory is does not. Reads every byte of those files once.
/// Throws ModelLoadError naming a file that cannot be read, or a manifest without "files".
std::string bundle_fingerprint(const std::string& dir);

/// The manifest of `dir`, parsed once per process while anyone holds it: a bundle loaded with
/// ModelBundle::shared() holds its manifest, so a class-name lookup beside it parses nothing.
/// The key is the canonical directory. Thread-safe. Throws what load_manifest() throws.
std::shared_ptr<const BundleManifest> shared_manifest(const std::string& dir);

}  // namespace higfa
