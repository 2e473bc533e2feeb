// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Contour parity: libhigfa's default extractor reproduces Python OpenCV's maps bit for bit.
#include <gtest/gtest.h>
#include <higfa/contour.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kParityDir = fs::path(HIGFA_FIXTURES_DIR) / "contour_parity";

// A binary 8-bit PGM (P5, maxval 255); comments are not used by the fixture script.
higfa::GrayImage read_pgm(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::string magic;
  int width = 0;
  int height = 0;
  int maxval = 0;
  in >> magic >> width >> height >> maxval;
  if (magic != "P5" || maxval != 255 || width <= 0 || height <= 0) {
    throw std::runtime_error(path.string() + ": expected an 8-bit binary PGM");
  }
  in.get();  // the single whitespace after maxval
  higfa::GrayImage img(width, height);
  in.read(reinterpret_cast<char*>(img.pixels.data()),
          static_cast<std::streamsize>(img.pixels.size()));
  if (in.gcount() != static_cast<std::streamsize>(img.pixels.size())) {
    throw std::runtime_error(path.string() + ": truncated");
  }
  return img;
}

// tools/make_contour_parity_fixture.py writes img_<i>.pgm and edges_<i>.pgm with
// cv2.GaussianBlur(img, (3, 3), 0) and cv2.Canny(blurred, 50, 150, apertureSize=3,
// L2gradient=False): the recipe the default model was trained with.
TEST(ContourParity, DefaultOptionsReproducePythonOpenCvMaps) {
  if (!fs::is_directory(kParityDir)) GTEST_SKIP() << kParityDir << " not generated yet";
  int pairs = 0;
  for (const auto& entry : fs::directory_iterator(kParityDir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("img_", 0) != 0 || entry.path().extension() != ".pgm") continue;
    const fs::path edges_path = kParityDir / ("edges_" + name.substr(4));
    ASSERT_TRUE(fs::exists(edges_path)) << edges_path << " is missing";
    higfa::GrayImage img = read_pgm(entry.path());
    const higfa::GrayImage expected = read_pgm(edges_path);
    const higfa::GrayImage edges = higfa::extract_contour(img.view(), higfa::ContourOptions{});
    ASSERT_EQ(edges.width, expected.width);
    ASSERT_EQ(edges.height, expected.height);
    int differing = 0;
    for (std::size_t i = 0; i < edges.pixels.size(); ++i) {
      differing += edges.pixels[i] != expected.pixels[i] ? 1 : 0;
    }
    EXPECT_EQ(differing, 0) << name << ": " << differing << " pixels differ";
    ++pairs;
  }
  EXPECT_GT(pairs, 0) << "no img_<i>.pgm in " << kParityDir;
}

}  // namespace
