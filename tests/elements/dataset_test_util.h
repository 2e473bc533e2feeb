// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Helpers of the datasetsrc / datasetsink tests: temporary trees of tiny images and bus capture.
#pragma once

#include <gst/gst.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace dataset_test {

namespace fs = std::filesystem;

/// A fresh temporary directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "higfa-elements-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

/// The value of pixel (x, y) of the grey test image number k.
inline std::uint8_t pattern(int k, int x, int y) {
  return static_cast<std::uint8_t>((x * 31 + y * 17 + k * 7) % 256);
}

/// Writes the grey test image k (w x h) as a PNG, creating directories.
inline void write_gray_png(const std::string& path, int k, int w = 8, int h = 6) {
  fs::create_directories(fs::path(path).parent_path());
  cv::Mat m(h, w, CV_8UC1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      m.at<std::uint8_t>(y, x) = pattern(k, x, y);
    }
  }
  cv::imwrite(path, m);
}

/// Writes a flat colour PNG (r, g, b) of w x h, creating directories.
inline void write_rgb_png(const std::string& path, int w, int h, int r, int g, int b) {
  fs::create_directories(fs::path(path).parent_path());
  cv::imwrite(path, cv::Mat(h, w, CV_8UC3, cv::Scalar(b, g, r)));
}

inline void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

/// A bundle directory whose manifest.json has `classes` (its TorchScript files are empty: enough
/// for anything that reads only the manifest).
inline void write_manifest_only_bundle(const std::string& dir,
                                       const std::vector<std::string>& classes) {
  std::string names;
  for (const auto& c : classes) {
    names += (names.empty() ? "\"" : ", \"") + c + "\"";
  }
  const std::string n = std::to_string(classes.size());
  write_text(
      dir + "/manifest.json",
      "{\"format\": \"higfa-bundle\", \"version\": 1, \"name\": \"test\", \"resolution\": "
      "[8, 8], \"channels\": 1, \"value_range\": [-1.0, 1.0], \"space\": \"pixel\", "
      "\"prediction_type\": \"epsilon\", \"schedule\": {\"beta_schedule\": \"linear\", "
      "\"beta_start\": 0.0001, \"beta_end\": 0.02, \"num_train_timesteps\": 1000}, "
      "\"conditioning\": \"class\", \"num_classes\": " +
          n + ", \"null_class\": " + n + ", \"class_names\": [" + names +
          "], \"fit\": \"pad\", \"contour\": {\"blur_size\": "
          "3, \"blur_sigma\": 0.0, \"low_threshold\": 50, \"high_threshold\": 150, "
          "\"l2_gradient\": false}, \"files\": {\"denoiser\": \"denoiser.pt\", \"classifier\": "
          "\"classifier.pt\"}, \"classifier\": {\"resolution\": [8, 8], \"channels\": 1, "
          "\"value_range\": [-1.0, 1.0], \"fit\": \"pad\"}}");
  write_text(dir + "/denoiser.pt", "");
  write_text(dir + "/classifier.pt", "");
}

/// Collects the messages an element posts (set as its bus).
class BusCapture {
 public:
  explicit BusCapture(GstElement* element) : bus_(gst_bus_new()) {
    gst_element_set_bus(element, bus_);
  }
  ~BusCapture() { gst_object_unref(bus_); }
  BusCapture(const BusCapture&) = delete;
  BusCapture& operator=(const BusCapture&) = delete;

  /// The texts ("message | debug") of the pending messages of `type`, removed from the bus.
  std::vector<std::string> texts(GstMessageType type) {
    std::vector<std::string> out;
    while (GstMessage* m = gst_bus_pop_filtered(bus_, type)) {
      GError* err = nullptr;
      gchar* debug = nullptr;
      if (type == GST_MESSAGE_ERROR) {
        gst_message_parse_error(m, &err, &debug);
      } else if (type == GST_MESSAGE_WARNING) {
        gst_message_parse_warning(m, &err, &debug);
      }
      out.push_back(std::string(err ? err->message : "") + " | " + (debug ? debug : ""));
      g_clear_error(&err);
      g_free(debug);
      gst_message_unref(m);
    }
    return out;
  }

  /// The structures of the pending element messages named `name` (copies), removed from the bus.
  std::vector<GstStructure*> element_messages(const char* name) {
    std::vector<GstStructure*> out;
    while (GstMessage* m = gst_bus_pop_filtered(bus_, GST_MESSAGE_ELEMENT)) {
      const GstStructure* s = gst_message_get_structure(m);
      if (s && gst_structure_has_name(s, name)) {
        out.push_back(gst_structure_copy(s));
      }
      gst_message_unref(m);
    }
    return out;
  }

 private:
  GstBus* bus_;
};

}  // namespace dataset_test
