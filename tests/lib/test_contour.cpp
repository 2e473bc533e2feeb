// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of contour extraction on drawn shapes (higfa/contour.h).
#include <gtest/gtest.h>
#include <higfa/contour.h>
#include <higfa/error.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace {

using higfa::GrayImage;
using higfa::PixelFormat;

GrayImage filled_rectangle(int size, int x0, int y0, int x1, int y1, std::uint8_t bg,
                           std::uint8_t fg) {
  GrayImage img(size, size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const bool inside = x >= x0 && x <= x1 && y >= y0 && y <= y1;
      img.pixels[static_cast<std::size_t>(y * size + x)] = inside ? fg : bg;
    }
  }
  return img;
}

// A textured grey image: a gradient, a disc and a diagonal bar.
GrayImage textured(int width, int height) {
  cv::Mat m(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) m.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(x * 3 + y);
  }
  cv::circle(m, {width / 3, height / 2}, height / 4, cv::Scalar(230), cv::FILLED);
  cv::line(m, {0, height - 1}, {width - 1, 0}, cv::Scalar(20), 3);
  GrayImage img(width, height);
  std::copy(m.datastart, m.dataend, img.pixels.begin());
  return img;
}

std::uint8_t at(const GrayImage& img, int x, int y) {
  return img.pixels[static_cast<std::size_t>(y * img.width + x)];
}

int count_edges(const GrayImage& img) {
  return static_cast<int>(
      std::count_if(img.pixels.begin(), img.pixels.end(), [](std::uint8_t v) { return v != 0; }));
}

bool has_full_2x2_block(const GrayImage& img) {
  for (int y = 0; y + 1 < img.height; ++y) {
    for (int x = 0; x + 1 < img.width; ++x) {
      if (at(img, x, y) && at(img, x + 1, y) && at(img, x, y + 1) && at(img, x + 1, y + 1)) {
        return true;
      }
    }
  }
  return false;
}

// Edges hug the rectangle's border (within 1 px of it); nothing inside or well outside; and the
// whole border is traced.
TEST(Contour, FilledRectangleHasEdgesOnItsBorderOnly) {
  GrayImage img = filled_rectangle(64, 16, 20, 47, 43, 0, 255);
  const GrayImage edges = higfa::extract_contour(img.view(), {});
  int on_border = 0;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      if (!at(edges, x, y)) continue;
      ASSERT_EQ(at(edges, x, y), 255);
      const int dx = std::max({16 - x, x - 47, 0});
      const int dy = std::max({20 - y, y - 43, 0});
      const bool outside = dx > 0 || dy > 0;
      const int inner = std::min({x - 16, 47 - x, y - 20, 43 - y});
      const int distance = outside ? std::max(dx, dy) : inner;
      ASSERT_LE(distance, 1) << "edge at x=" << x << " y=" << y;
      ++on_border;
    }
  }
  // Perimeter of a 32x24 rectangle is ~108 px; each side must be covered.
  EXPECT_GE(on_border, 100);
  for (int x = 18; x <= 45; ++x) {
    EXPECT_TRUE(at(edges, x, 19) || at(edges, x, 20) || at(edges, x, 21)) << "top, x=" << x;
  }
}

TEST(Contour, UniformImageHasNoEdges) {
  GrayImage img = filled_rectangle(16, 0, 0, 15, 15, 90, 90);
  EXPECT_EQ(count_edges(higfa::extract_contour(img.view(), {})), 0);
}

// Low contrast on a dark image: below the fixed thresholds, found with median-derived ones.
TEST(Contour, AutoThresholdFindsLowContrastEdgesOnDarkImage) {
  GrayImage img = filled_rectangle(48, 12, 12, 35, 35, 10, 40);
  EXPECT_EQ(count_edges(higfa::extract_contour(img.view(), {})), 0);
  higfa::ContourOptions options;
  options.auto_threshold = true;
  EXPECT_GE(count_edges(higfa::extract_contour(img.view(), options)), 80);
}

// auto: low = max(0, (1 - σ) m), high = min(255, (1 + σ) m), m the median of the blurred image.
TEST(Contour, AutoThresholdEqualsFixedThresholdsFromBlurredMedian) {
  GrayImage img = textured(41, 30);
  cv::Mat grey(30, 41, CV_8UC1, img.pixels.data());
  cv::Mat blurred;
  cv::GaussianBlur(grey, blurred, cv::Size(3, 3), 0.0, 0.0);
  std::vector<std::uint8_t> values(blurred.datastart, blurred.dataend);
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();  // 1230: even, numpy averages the middle two
  const double median = 0.5 * (values[n / 2 - 1] + values[n / 2]);

  higfa::ContourOptions automatic;
  automatic.auto_threshold = true;
  automatic.auto_sigma = 0.33;
  higfa::ContourOptions fixed;
  fixed.low_threshold = std::max(0.0, 0.67 * median);
  fixed.high_threshold = std::min(255.0, 1.33 * median);
  EXPECT_EQ(higfa::extract_contour(img.view(), automatic).pixels,
            higfa::extract_contour(img.view(), fixed).pixels);

  // The thresholds returned are the ones used: derived with auto, configured without.
  GrayImage out(41, 30);
  const higfa::ContourThresholds used = higfa::extract_contour(img.view(), out.view(), automatic);
  EXPECT_DOUBLE_EQ(used.low, fixed.low_threshold);
  EXPECT_DOUBLE_EQ(used.high, fixed.high_threshold);
  const higfa::ContourThresholds configured = higfa::extract_contour(img.view(), out.view(), {});
  EXPECT_DOUBLE_EQ(configured.low, 50.0);
  EXPECT_DOUBLE_EQ(configured.high, 150.0);
}

TEST(Contour, ThinningLeavesOnePixelWideLines) {
  // A 5 px thick square outline thins to a 1 px one.
  cv::Mat m = cv::Mat::zeros(40, 40, CV_8UC1);
  cv::rectangle(m, {8, 8}, {31, 31}, cv::Scalar(255), 5);
  GrayImage map(40, 40);
  std::copy(m.datastart, m.dataend, map.pixels.begin());
  higfa::thin_edges(map.view());
  EXPECT_FALSE(has_full_2x2_block(map));
  for (int x = 14; x <= 25; ++x) {  // straight part of the top side: exactly one pixel per column
    int column = 0;
    for (int y = 0; y < 20; ++y) column += at(map, x, y) ? 1 : 0;
    EXPECT_EQ(column, 1) << "x=" << x;
  }
  cv::Mat thinned(40, 40, CV_8UC1, map.pixels.data());
  cv::Mat labels;
  EXPECT_EQ(cv::connectedComponents(thinned, labels, 8), 2);  // background + one closed line
}

TEST(Contour, ThinnedContourIsSubsetWithoutThickSpots) {
  GrayImage img = textured(64, 48);
  higfa::ContourOptions thin;
  thin.thinning = true;
  const GrayImage plain = higfa::extract_contour(img.view(), {});
  const GrayImage thinned = higfa::extract_contour(img.view(), thin);
  EXPECT_FALSE(has_full_2x2_block(thinned));
  EXPECT_GT(count_edges(thinned), 0);
  for (std::size_t i = 0; i < plain.pixels.size(); ++i) {
    if (thinned.pixels[i]) {
      ASSERT_TRUE(plain.pixels[i]) << "pixel " << i;
    }
  }
}

TEST(Contour, StridedInputGivesSameEdgesAsPacked) {
  GrayImage packed = textured(37, 29);
  const std::ptrdiff_t stride = 48;
  std::vector<std::uint8_t> padded(static_cast<std::size_t>(stride * 29), 0xEE);
  for (int y = 0; y < 29; ++y) {
    std::copy_n(packed.pixels.begin() + y * 37, 37, padded.begin() + y * stride);
  }
  const higfa::ImageView strided{padded.data(), 37, 29, stride, PixelFormat::kGray8};
  EXPECT_EQ(higfa::extract_contour(strided, {}).pixels,
            higfa::extract_contour(packed.view(), {}).pixels);
}

TEST(Contour, WritesIntoStridedDestinationOnly) {
  GrayImage img = textured(20, 12);
  const std::ptrdiff_t stride = 24;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(stride * 12), 0x77);
  higfa::extract_contour(img.view(), {out.data(), 20, 12, stride, PixelFormat::kGray8}, {});
  const GrayImage expected = higfa::extract_contour(img.view(), {});
  for (int y = 0; y < 12; ++y) {
    for (int x = 0; x < 24; ++x) {
      const std::uint8_t v = out[static_cast<std::size_t>(y * stride + x)];
      if (x < 20) {
        ASSERT_EQ(v, at(expected, x, y));
      } else {
        ASSERT_EQ(v, 0x77) << "padding written at x=" << x << " y=" << y;
      }
    }
  }
}

// A grey picture in any packed format gives the GRAY8 result.
TEST(Contour, EveryPixelFormatGivesSameEdgesForGreyImage) {
  GrayImage grey = textured(33, 21);
  const auto expected = higfa::extract_contour(grey.view(), {}).pixels;
  for (PixelFormat format :
       {PixelFormat::kRgb, PixelFormat::kBgr, PixelFormat::kRgba, PixelFormat::kBgrx}) {
    const int bpp = higfa::bytes_per_pixel(format);
    const std::ptrdiff_t stride = 33 * bpp + 3;
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(stride * 21), 0);
    for (int y = 0; y < 21; ++y) {
      for (int x = 0; x < 33; ++x) {
        for (int c = 0; c < bpp; ++c) {
          frame[static_cast<std::size_t>(y * stride + x * bpp + c)] = c == 3 ? 255 : at(grey, x, y);
        }
      }
    }
    const higfa::ImageView view{frame.data(), 33, 21, stride, format};
    EXPECT_EQ(higfa::extract_contour(view, {}).pixels, expected)
        << "format " << static_cast<int>(format);
  }
}

TEST(Contour, ValidateRejectsBadOptions) {
  higfa::ContourOptions o;
  EXPECT_NO_THROW(higfa::validate(o));
  o.blur_size = 4;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  o = {};
  o.blur_size = 0;
  EXPECT_NO_THROW(higfa::validate(o));
  o = {};
  o.low_threshold = 200;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  o = {};
  o.high_threshold = 2000;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  o = {};
  o.auto_sigma = 1.5;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  o = {};
  o.blur_sigma = -1;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
}

TEST(Contour, RejectsDestinationOfAnotherSizeOrFormat) {
  GrayImage img = textured(8, 8);
  GrayImage small(7, 8);
  EXPECT_THROW(higfa::extract_contour(img.view(), small.view(), {}), higfa::InvalidArgument);
  std::vector<std::uint8_t> rgb(8 * 8 * 3);
  EXPECT_THROW(higfa::extract_contour(img.view(), {rgb.data(), 8, 8, 24, PixelFormat::kRgb}, {}),
               higfa::InvalidArgument);
}

}  // namespace
