// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Seeded contour transforms: affine + flip, elastic warp, edge dropout (design §4.1).
#include <ATen/ATen.h>
#include <higfa/contour.h>
#include <higfa/contour_transform.h>
#include <higfa/error.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>

namespace higfa {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Edge maps are resampled with bilinear weights; a one-pixel line moved by a fraction of a pixel
// spreads over two (diagonally four) pixels whose weights can all fall below 0.5. Our choice,
// measured on the Canny maps of tests/fixtures/contour_parity under 300 default transforms:
// binarising at 0.5 splits a line somewhere in 88 % of maps; above 0.35 in 3 % (0.25: 2 %), while
// lines thicken by 25 % on average (0.25: 44 %).
constexpr float kBinariseThreshold = 0.35f;

// Side of the square cells edge dropout removes as a whole, in px (design §4.1).
constexpr int kDropoutCell = 8;

// Seeds of the two noise streams derived from noise_seed (arbitrary odd constants).
constexpr std::uint64_t kElasticStream = 0x243f6a8885a308d3ULL;
constexpr std::uint64_t kDropoutStream = 0x13198a2e03707345ULL;

// std::mt19937_64's output sequence is fixed by the C++ standard; the mapping to doubles is ours
// (the top 53 bits), unlike std::uniform_real_distribution whose output is implementation-defined.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t raw() { return engine_(); }
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

 private:
  std::mt19937_64 engine_;
};

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }

// The forward 2x3 affine (source -> destination) of `p` for a W x H map, about its centre:
//   x' = c + t + s · R(θ) · Shear(φ) · Flip · (x − c)
// with R(θ) = [[cos, sin], [−sin, cos]] (OpenCV's getRotationMatrix2D: positive θ turns
// anticlockwise on screen), Shear(φ) = [[1, tan φ], [0, 1]] and Flip = diag(−1, 1) if flipped.
cv::Matx23d affine_matrix(const ContourTransformParams& p, int width, int height) {
  const double theta = p.rotation_deg * kPi / 180.0;
  const double c = std::cos(theta);
  const double s = std::sin(theta);
  const double sh = std::tan(p.shear_deg * kPi / 180.0);
  const double f = p.flip ? -1.0 : 1.0;
  // s · R · Shear · Flip
  const double a00 = p.scale * c * f;
  const double a01 = p.scale * (c * sh + s);
  const double a10 = -p.scale * s * f;
  const double a11 = p.scale * (-s * sh + c);
  const double cx = (width - 1) / 2.0;
  const double cy = (height - 1) / 2.0;
  const double tx = p.translate_x * width;
  const double ty = p.translate_y * height;
  return {a00, a01, cx + tx - (a00 * cx + a01 * cy), a10, a11, cy + ty - (a10 * cx + a11 * cy)};
}

bool is_identity(const ContourTransformParams& p) {
  return p.rotation_deg == 0.0 && p.scale == 1.0 && p.translate_x == 0.0 && p.translate_y == 0.0 &&
         p.shear_deg == 0.0 && !p.flip;
}

// Whether `m` only permutes pixels (flips, quarter turns, whole-pixel shifts): it then copies
// every line as it is, and nothing needs thinning.
bool moves_whole_pixels(const cv::Matx23d& m) {
  const auto whole = [](double v) { return std::abs(v - std::round(v)) < 1e-9; };
  for (int i = 0; i < 6; ++i) {
    if (!whole(m.val[i])) return false;
  }
  return std::abs(m(0, 0)) + std::abs(m(0, 1)) == 1.0 &&
         std::abs(m(1, 0)) + std::abs(m(1, 1)) == 1.0;
}

// Elastic warp (Simard et al. 2003): a uniform random field in [−1, 1] per pixel and axis,
// smoothed with a Gaussian of elastic_sigma, scaled so its largest displacement is elastic_alpha
// px. Composed with the affine so the map is resampled only once.
cv::Mat elastic_remap(const cv::Mat& src, const cv::Matx23d& forward,
                      const ContourTransformParams& p) {
  const int h = src.rows;
  const int w = src.cols;
  Rng rng(p.noise_seed ^ kElasticStream);
  cv::Mat dx(h, w, CV_32F);
  cv::Mat dy(h, w, CV_32F);
  for (cv::Mat* field : {&dx, &dy}) {
    for (int y = 0; y < h; ++y) {
      float* row = field->ptr<float>(y);
      for (int x = 0; x < w; ++x) row[x] = static_cast<float>(rng.uniform(-1.0, 1.0));
    }
    cv::GaussianBlur(*field, *field, cv::Size(0, 0), p.elastic_sigma, p.elastic_sigma);
  }
  double max_x = 0.0;
  double max_y = 0.0;
  cv::minMaxLoc(cv::abs(dx), nullptr, &max_x);
  cv::minMaxLoc(cv::abs(dy), nullptr, &max_y);
  const double peak = std::max(max_x, max_y);
  const double gain = peak > 0.0 ? p.elastic_alpha / peak : 0.0;

  cv::Matx23d inverse;
  cv::invertAffineTransform(forward, inverse);
  cv::Mat map_x(h, w, CV_32F);
  cv::Mat map_y(h, w, CV_32F);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double qx = x + gain * dx.at<float>(y, x);
      const double qy = y + gain * dy.at<float>(y, x);
      map_x.at<float>(y, x) =
          static_cast<float>(inverse(0, 0) * qx + inverse(0, 1) * qy + inverse(0, 2));
      map_y.at<float>(y, x) =
          static_cast<float>(inverse(1, 0) * qx + inverse(1, 1) * qy + inverse(1, 2));
    }
  }
  cv::Mat out;
  cv::remap(src, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  return out;
}

// Resampled lines come out up to two pixels wide (see kBinariseThreshold); the denoiser's control
// branch was trained on Canny's one-pixel lines and renders a thick or doubled line as texture
// (measured: the transformed contour is what puts speckle into contour-guided samples at DDIM
// 50). Zhang-Suen thinning, as contourextract's thinning, takes the binary map back to one-pixel
// lines without cutting them.
void thin_to_one_pixel(cv::Mat& binary) {
  cv::Mat edges;
  binary.convertTo(edges, CV_8U, 255.0);
  thin_edges(ImageView{edges.data, edges.cols, edges.rows, static_cast<std::ptrdiff_t>(edges.step),
                       PixelFormat::kGray8});
  edges.convertTo(binary, CV_32F, 1.0 / 255.0);
}

// Zeroes whole kDropoutCell-square cells, each with probability edge_dropout, row-major.
void drop_cells(cv::Mat& map, const ContourTransformParams& p) {
  Rng rng(p.noise_seed ^ kDropoutStream);
  for (int y0 = 0; y0 < map.rows; y0 += kDropoutCell) {
    for (int x0 = 0; x0 < map.cols; x0 += kDropoutCell) {
      if (rng.uniform01() >= p.edge_dropout) continue;
      const cv::Rect cell(x0, y0, std::min(kDropoutCell, map.cols - x0),
                          std::min(kDropoutCell, map.rows - y0));
      map(cell).setTo(0.0f);
    }
  }
}

void validate_params(const ContourTransformParams& p) {
  const bool finite = std::isfinite(p.rotation_deg) && std::isfinite(p.scale) &&
                      std::isfinite(p.translate_x) && std::isfinite(p.translate_y) &&
                      std::isfinite(p.shear_deg) && std::isfinite(p.elastic_alpha) &&
                      std::isfinite(p.elastic_sigma);
  if (!finite || !(p.scale > 0.0) || std::abs(p.shear_deg) >= 89.0 || p.elastic_alpha < 0.0 ||
      (p.elastic_alpha > 0.0 && !(p.elastic_sigma > 0.0)) || !is_probability(p.edge_dropout)) {
    throw InvalidArgument(
        "apply_contour_transform: expected finite parameters with scale > 0, "
        "|shear| < 89 deg, elastic_alpha >= 0 (sigma > 0 if used) and "
        "edge_dropout in 0..1, found " +
        p.to_json());
  }
}

}  // namespace

void validate(const ContourTransformOptions& o) {
  const bool ranges_ok = o.max_rotation_deg >= 0.0 && o.max_rotation_deg <= 180.0 &&
                         o.max_translation >= 0.0 && o.max_translation <= 1.0 &&
                         o.max_shear_deg >= 0.0 && o.max_shear_deg < 89.0 &&
                         o.elastic_alpha >= 0.0 && o.elastic_sigma > 0.0;
  if (!ranges_ok) {
    throw InvalidArgument(
        "contour transform: expected max_rotation_deg in 0..180, "
        "max_translation in 0..1, max_shear_deg in 0..89, elastic_alpha >= 0 "
        "and elastic_sigma > 0");
  }
  if (!(o.min_scale > 0.0) || !(o.min_scale <= o.max_scale) || !std::isfinite(o.max_scale)) {
    throw InvalidArgument("contour transform: expected 0 < min_scale <= max_scale, found " +
                          std::to_string(o.min_scale) + " and " + std::to_string(o.max_scale));
  }
  if (!is_probability(o.flip_probability) || !is_probability(o.edge_dropout)) {
    throw InvalidArgument(
        "contour transform: expected flip_probability and edge_dropout in "
        "0..1, found " +
        std::to_string(o.flip_probability) + " and " + std::to_string(o.edge_dropout));
  }
}

ContourTransformParams draw_contour_transform(const ContourTransformOptions& options,
                                              std::uint64_t seed) {
  validate(options);
  // Always the same seven draws in the same order, whatever the options, so that one range
  // changing leaves the other parameters of a seed as they were.
  Rng rng(seed);
  ContourTransformParams p;
  p.rotation_deg = rng.uniform(-options.max_rotation_deg, options.max_rotation_deg);
  p.scale = rng.uniform(options.min_scale, options.max_scale);
  p.translate_x = rng.uniform(-options.max_translation, options.max_translation);
  p.translate_y = rng.uniform(-options.max_translation, options.max_translation);
  p.shear_deg = rng.uniform(-options.max_shear_deg, options.max_shear_deg);
  p.flip = rng.uniform01() < options.flip_probability;
  p.noise_seed = rng.raw();
  p.elastic_alpha = options.elastic_alpha;
  p.elastic_sigma = options.elastic_sigma;
  p.edge_dropout = options.edge_dropout;
  return p;
}

torch::Tensor apply_contour_transform(const torch::Tensor& contour,
                                      const ContourTransformParams& params) {
  if (contour.dim() != 2 || contour.size(0) < 1 || contour.size(1) < 1) {
    throw InvalidArgument("apply_contour_transform: expected a contour map [H, W], found " +
                          c10::str(contour.sizes()));
  }
  validate_params(params);
  const auto src_t = contour.detach().to(at::kCPU, at::kFloat).contiguous();
  const int h = static_cast<int>(src_t.size(0));
  const int w = static_cast<int>(src_t.size(1));
  const cv::Mat src(h, w, CV_32F, src_t.data_ptr());

  cv::Mat warped;
  const cv::Matx23d forward = affine_matrix(params, w, h);
  if (params.elastic_alpha > 0.0) {
    warped = elastic_remap(src, forward, params);
  } else if (is_identity(params)) {
    warped = src;
  } else {
    cv::warpAffine(src, warped, forward, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(0));
  }

  auto out = at::empty({h, w}, at::kFloat);
  cv::Mat binary(h, w, CV_32F, out.data_ptr());
  cv::threshold(warped, binary, kBinariseThreshold, 1.0, cv::THRESH_BINARY);
  if (params.elastic_alpha > 0.0 || !moves_whole_pixels(forward)) thin_to_one_pixel(binary);
  if (params.edge_dropout > 0.0) drop_cells(binary, params);
  return out;
}

}  // namespace higfa
