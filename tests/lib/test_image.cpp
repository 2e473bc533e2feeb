// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of frame views <-> tensors and fitting to a model's resolution (higfa/image.h).
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/image.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace {

using higfa::PixelFormat;

constexpr std::uint8_t kPadByte = 0xAB;

// A frame with rows padded to a multiple of 4 bytes (as GStreamer lays out odd widths).
struct PaddedFrame {
  std::vector<std::uint8_t> bytes;
  higfa::ImageView view;

  PaddedFrame(int width, int height, PixelFormat format) {
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(width) * higfa::bytes_per_pixel(format);
    const std::ptrdiff_t stride = (row + 3) / 4 * 4 + 4;  // always some padding
    bytes.assign(static_cast<std::size_t>(stride * height), kPadByte);
    view = {bytes.data(), width, height, stride, format};
  }
  std::uint8_t* pixel(int x, int y) {
    return bytes.data() + y * view.stride + x * higfa::bytes_per_pixel(view.format);
  }
  bool padding_untouched() const {
    const std::ptrdiff_t row =
        static_cast<std::ptrdiff_t>(view.width) * higfa::bytes_per_pixel(view.format);
    for (int y = 0; y < view.height; ++y) {
      for (std::ptrdiff_t i = row; i < view.stride; ++i) {
        if (bytes[static_cast<std::size_t>(y * view.stride + i)] != kPadByte) return false;
      }
    }
    return true;
  }
};

// Deterministic pixel values that differ per channel.
std::uint8_t value(int x, int y, int c) {
  return static_cast<std::uint8_t>(x * 37 + y * 11 + c * 71 + 5);
}

void fill(PaddedFrame& f) {
  const int bpp = higfa::bytes_per_pixel(f.view.format);
  for (int y = 0; y < f.view.height; ++y) {
    for (int x = 0; x < f.view.width; ++x) {
      for (int c = 0; c < bpp; ++c) f.pixel(x, y)[c] = value(x, y, c);
    }
  }
}

class ImageRoundTrip : public ::testing::TestWithParam<PixelFormat> {};

// Colour bytes survive frame -> tensor -> frame exactly; alpha / x become 255; padding is never
// read or written.
TEST_P(ImageRoundTrip, EachFormatWithPaddedStrideRoundTrips) {
  const PixelFormat format = GetParam();
  const int bpp = higfa::bytes_per_pixel(format);
  const int channels = format == PixelFormat::kGray8 ? 1 : 3;
  PaddedFrame src(7, 5, format);
  fill(src);
  const auto t = higfa::image_to_tensor(src.view, channels);
  ASSERT_EQ(t.sizes(), (torch::IntArrayRef{1, channels, 5, 7}));
  PaddedFrame dst(7, 5, format);
  higfa::tensor_to_image(t, dst.view);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) {
      for (int c = 0; c < bpp; ++c) {
        const std::uint8_t expected = c == 3 ? 255 : src.pixel(x, y)[c];
        ASSERT_EQ(dst.pixel(x, y)[c], expected) << "x=" << x << " y=" << y << " c=" << c;
      }
    }
  }
  EXPECT_TRUE(dst.padding_untouched());
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageRoundTrip,
                         ::testing::Values(PixelFormat::kGray8, PixelFormat::kRgb,
                                           PixelFormat::kBgr, PixelFormat::kRgba,
                                           PixelFormat::kBgrx));

TEST(Image, TensorChannelsAreInRgbOrderForEveryColourFormat) {
  for (PixelFormat format :
       {PixelFormat::kRgb, PixelFormat::kBgr, PixelFormat::kRgba, PixelFormat::kBgrx}) {
    PaddedFrame f(1, 1, format);
    const bool bgr = format == PixelFormat::kBgr || format == PixelFormat::kBgrx;
    f.pixel(0, 0)[0] = bgr ? 30 : 10;
    f.pixel(0, 0)[1] = 20;
    f.pixel(0, 0)[2] = bgr ? 10 : 30;
    const auto t = higfa::image_to_tensor(f.view, 3, {0.0f, 255.0f});
    EXPECT_FLOAT_EQ(t[0][0][0][0].item<float>(), 10.0f);
    EXPECT_FLOAT_EQ(t[0][1][0][0].item<float>(), 20.0f);
    EXPECT_FLOAT_EQ(t[0][2][0][0].item<float>(), 30.0f);
  }
}

TEST(Image, PixelValuesMapLinearlyToValueRange) {
  PaddedFrame f(3, 1, PixelFormat::kGray8);
  f.pixel(0, 0)[0] = 0;
  f.pixel(1, 0)[0] = 255;
  f.pixel(2, 0)[0] = 51;
  const auto t = higfa::image_to_tensor(f.view, 1, {-1.0f, 1.0f});
  EXPECT_FLOAT_EQ(t[0][0][0][0].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(t[0][0][0][1].item<float>(), 1.0f);
  EXPECT_NEAR(t[0][0][0][2].item<float>(), 51.0 / 255.0 * 2.0 - 1.0, 1e-6);
}

// One channel from colour is BT.601 luma as OpenCV computes it: 0.299 R + 0.587 G + 0.114 B.
TEST(Image, OneChannelFromColourIsLuma) {
  PaddedFrame f(1, 1, PixelFormat::kRgb);
  f.pixel(0, 0)[0] = 200;
  f.pixel(0, 0)[1] = 100;
  f.pixel(0, 0)[2] = 50;
  const auto t = higfa::image_to_tensor(f.view, 1, {0.0f, 255.0f});
  EXPECT_NEAR(t.item<float>(), 0.299 * 200 + 0.587 * 100 + 0.114 * 50, 0.5);
}

TEST(Image, GreyTensorIsReplicatedIntoColourFrames) {
  const auto t = torch::full({1, 2, 2}, 0.0f);  // mid grey in [-1, 1]
  PaddedFrame f(2, 2, PixelFormat::kBgrx);
  higfa::tensor_to_image(t, f.view);
  const std::uint8_t* p = f.pixel(1, 1);
  EXPECT_EQ(p[0], 128);
  EXPECT_EQ(p[1], 128);
  EXPECT_EQ(p[2], 128);
  EXPECT_EQ(p[3], 255);
}

TEST(Image, TensorValuesAreClampedAndRounded) {
  const auto t =
      torch::tensor({-3.0f, 2.0f, 0.5f / 255.0f * 2.0f - 1.0f + 1e-4f}).reshape({1, 1, 3});
  PaddedFrame f(3, 1, PixelFormat::kGray8);
  higfa::tensor_to_image(t, f.view);
  EXPECT_EQ(f.pixel(0, 0)[0], 0);
  EXPECT_EQ(f.pixel(1, 0)[0], 255);
  EXPECT_EQ(f.pixel(2, 0)[0], 1);
}

TEST(Image, RejectsInvalidViewsAndShapes) {
  std::vector<std::uint8_t> bytes(64);
  higfa::ImageView short_stride{bytes.data(), 4, 2, 10, PixelFormat::kRgb};
  EXPECT_THROW(higfa::validate(short_stride), higfa::InvalidArgument);
  EXPECT_THROW(higfa::image_to_tensor(short_stride, 3), higfa::InvalidArgument);
  higfa::ImageView ok{bytes.data(), 4, 2, 12, PixelFormat::kRgb};
  EXPECT_THROW(higfa::image_to_tensor(ok, 2), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tensor_to_image(torch::zeros({3, 2, 5}), ok), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tensor_to_image(torch::zeros({2, 2, 4}), ok), higfa::InvalidArgument);
}

TEST(Image, ParsesGStreamerFormatNames) {
  EXPECT_EQ(higfa::parse_pixel_format("GRAY8"), PixelFormat::kGray8);
  EXPECT_EQ(higfa::parse_pixel_format("RGB"), PixelFormat::kRgb);
  EXPECT_EQ(higfa::parse_pixel_format("BGR"), PixelFormat::kBgr);
  EXPECT_EQ(higfa::parse_pixel_format("RGBA"), PixelFormat::kRgba);
  EXPECT_EQ(higfa::parse_pixel_format("BGRx"), PixelFormat::kBgrx);
  EXPECT_THROW(higfa::parse_pixel_format("I420"), higfa::InvalidArgument);
  EXPECT_EQ(higfa::parse_fit_mode("pad"), higfa::FitMode::kPad);
  EXPECT_EQ(higfa::parse_fit_mode("resize"), higfa::FitMode::kResize);
  EXPECT_EQ(higfa::parse_fit_mode("center_crop"), higfa::FitMode::kCenterCrop);
  EXPECT_THROW(higfa::parse_fit_mode("crop"), higfa::InvalidArgument);
}

// Fashion-MNIST's 28x28 -> 32x32: 2 px of background on every side, the image untouched.
TEST(FitToResolution, PadCentresSmallerImageWithoutScaling) {
  const auto x = torch::arange(28 * 28, torch::kFloat).reshape({1, 1, 28, 28});
  const auto y = higfa::fit_to_resolution(x, 32, 32, higfa::FitMode::kPad, -1.0f);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{1, 1, 32, 32}));
  EXPECT_TRUE(torch::equal(y.narrow(2, 2, 28).narrow(3, 2, 28), x));
  EXPECT_EQ(y.narrow(2, 0, 2).eq(-1.0f).all().item<bool>(), true);
  EXPECT_EQ(y.narrow(3, 30, 2).eq(-1.0f).all().item<bool>(), true);
}

TEST(FitToResolution, PadScalesLargerImageDownKeepingAspectRatio) {
  const auto x = torch::ones({2, 3, 64, 32});
  const auto y = higfa::fit_to_resolution(x, 32, 32, higfa::FitMode::kPad, 0.0f);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{2, 3, 32, 32}));
  // 64x32 -> 32x16, centred: columns 8..23 are the image, the rest background.
  EXPECT_TRUE(torch::allclose(y.narrow(3, 8, 16), torch::ones({2, 3, 32, 16})));
  EXPECT_EQ(y.narrow(3, 0, 8).eq(0.0f).all().item<bool>(), true);
  EXPECT_EQ(y.narrow(3, 24, 8).eq(0.0f).all().item<bool>(), true);
}

// Area interpolation: shrinking 2x averages 2x2 blocks.
TEST(FitToResolution, DownscalingAveragesAreas) {
  const auto x = torch::tensor({0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f, 10.0f,
                                11.0f, 12.0f, 13.0f, 14.0f, 15.0f})
                     .reshape({1, 1, 4, 4});
  const auto y = higfa::fit_to_resolution(x, 2, 2, higfa::FitMode::kResize, 0.0f);
  const auto expected = torch::tensor({2.5f, 4.5f, 10.5f, 12.5f}).reshape({1, 1, 2, 2});
  EXPECT_TRUE(torch::allclose(y, expected));
}

TEST(FitToResolution, ResizeStretchesToTargetSize) {
  const auto x = torch::ones({1, 1, 10, 40}) * 0.5;
  const auto y = higfa::fit_to_resolution(x, 32, 32, higfa::FitMode::kResize, -1.0f);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{1, 1, 32, 32}));
  EXPECT_TRUE(torch::allclose(y, torch::full({1, 1, 32, 32}, 0.5f)));
}

// torchvision's CenterCrop without a resize: a 4x8 image to 4x4 keeps its middle columns 2..5.
TEST(FitToResolution, CenterCropKeepsTheMiddleAtCoveringScale) {
  const auto x = torch::arange(32, torch::kFloat).reshape({1, 1, 4, 8});
  const auto y = higfa::fit_to_resolution(x, 4, 4, higfa::FitMode::kCenterCrop, 0.0f);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{1, 1, 4, 4}));
  EXPECT_TRUE(torch::equal(y, x.narrow(3, 2, 4)));
}

// Resize(8) + CenterCrop(4): the shorter side of 4x8 goes to 8 (8x16), then the centre 4x4.
TEST(FitToResolution, CenterCropScalesTheShorterSideToTheResizeSize) {
  EXPECT_EQ(higfa::fitted_size(4, 8, 4, 4, higfa::FitMode::kCenterCrop, 8),
            (std::pair<int, int>{8, 16}));
  const auto x = torch::ones({1, 3, 4, 8});
  x.narrow(3, 0, 4).fill_(0.0f);  // left half 0, right half 1
  const auto y = higfa::fit_to_resolution(x, 4, 4, higfa::FitMode::kCenterCrop, 0.0f, 8);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{1, 3, 4, 4}));
  // Columns 6..9 of the 16 wide image: the boundary between the halves is in the middle.
  EXPECT_LT(y.narrow(3, 0, 1).max().item<float>(), 0.5f);
  EXPECT_GT(y.narrow(3, 3, 1).min().item<float>(), 0.5f);
}

TEST(FitToResolution, SameSizeIsAnUnchangedCopy) {
  const auto x = torch::rand({1, 1, 8, 8});
  const auto y = higfa::fit_to_resolution(x, 8, 8, higfa::FitMode::kPad, -1.0f);
  EXPECT_TRUE(torch::equal(x, y));
  EXPECT_NE(x.data_ptr(), y.data_ptr());
}

}  // namespace
