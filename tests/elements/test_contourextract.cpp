// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of contourextract: caps, the contour meta, output=contour, strides, properties.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <higfa/contour.h>
#include <higfa/image.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gsthigfameta.h"

namespace {

constexpr guint8 kPaddingFill = 0xab;  // what row padding holds, so a stride bug shows

struct Rect {
  int x0, y0, x1, y1;  // [x0, x1) x [y0, y1)
  bool contains(int x, int y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

GstVideoInfo make_info(GstVideoFormat format, int width, int height) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, width, height);
  GST_VIDEO_INFO_FPS_N(&info) = 30;
  GST_VIDEO_INFO_FPS_D(&info) = 1;
  return info;
}

// A frame in `info`'s layout whose pixel (x, y) has grey level value(x, y) in every colour
// channel (alpha 255); the row padding holds kPaddingFill.
template <typename Value>
GstBuffer *make_frame(const GstVideoInfo &info, Value value) {
  GstBuffer *buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  gst_buffer_memset(buffer, 0, kPaddingFill, GST_VIDEO_INFO_SIZE(&info));
  GstVideoFrame frame;
  gst_video_frame_map(&frame, &info, buffer, GST_MAP_WRITE);
  const int bpp = GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, 0);
  const bool has_alpha = GST_VIDEO_INFO_HAS_ALPHA(&info);
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT(&frame); ++y) {
    auto *row = static_cast<guint8 *>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
    for (int x = 0; x < GST_VIDEO_FRAME_WIDTH(&frame); ++x)
      for (int c = 0; c < bpp; ++c)
        row[x * bpp + c] = (has_alpha && c == 3) ? 255 : static_cast<guint8>(value(x, y));
  }
  gst_video_frame_unmap(&frame);
  return buffer;
}

GstBuffer *make_rect_frame(const GstVideoInfo &info, const Rect &rect) {
  return make_frame(info, [&](int x, int y) { return rect.contains(x, y) ? 255 : 0; });
}

// A busy pattern with edges everywhere: any row or stride mistake changes the edge map.
int busy(int x, int y) { return ((x * 7 + y * 3) / 5 + (x * y) % 3) % 2 ? 220 : 20; }

GstHarness *new_harness(const GstVideoInfo &info, const char *output = "meta") {
  GstHarness *h = gst_harness_new("contourextract");
  gst_util_set_object_arg(G_OBJECT(h->element), "output", output);
  GstCaps *caps = gst_video_info_to_caps(&info);
  gst_harness_set_src_caps(h, caps);
  return h;
}

// Pushes `input` and returns what came out, or NULL (and a failure) if the push failed.
GstBuffer *push_pull(GstHarness *h, GstBuffer *input) {
  const GstFlowReturn flow = gst_harness_push(h, input);
  EXPECT_EQ(flow, GST_FLOW_OK) << gst_flow_get_name(flow);
  return flow == GST_FLOW_OK ? gst_harness_pull(h) : nullptr;
}

// The edge map of a meta as width*height packed bytes.
std::vector<guint8> meta_edges(GstBuffer *buffer) {
  const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(buffer);
  EXPECT_NE(meta, nullptr);
  if (meta == nullptr) return {};
  GstMapInfo map;
  gst_buffer_map(meta->edges, &map, GST_MAP_READ);
  std::vector<guint8> packed;
  for (int y = 0; y < meta->height; ++y)
    packed.insert(packed.end(), map.data + y * meta->stride,
                  map.data + y * meta->stride + meta->width);
  gst_buffer_unmap(meta->edges, &map);
  return packed;
}

std::vector<guint8> edges_of(const GstVideoInfo &info, GstBuffer *input) {
  GstHarness *h = new_harness(info);
  GstBuffer *out = push_pull(h, input);
  std::vector<guint8> edges;
  if (out != nullptr) {
    edges = meta_edges(out);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
  return edges;
}

TEST(ContourExtract, AcceptsTheFivePackedFormats) {
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR,
                                GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRx}) {
    const GstVideoInfo info = make_info(format, 32, 24);
    GstHarness *h = new_harness(info);
    GstBuffer *out = push_pull(h, make_rect_frame(info, {8, 8, 24, 16}));
    ASSERT_NE(out, nullptr) << gst_video_format_to_string(format);
    EXPECT_NE(gst_buffer_get_higfa_contour_meta(out), nullptr)
        << gst_video_format_to_string(format);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}

TEST(ContourExtract, RefusesPlanarFormats) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_I420, 32, 24);
  GstHarness *h = gst_harness_new("contourextract");
  GstCaps *caps = gst_video_info_to_caps(&info);
  EXPECT_FALSE(gst_pad_peer_query_accept_caps(h->srcpad, caps));
  gst_harness_set_src_caps(h, caps);
  GstBuffer *buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  EXPECT_EQ(gst_harness_push(h, buffer), GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown(h);
}

TEST(ContourExtract, MetaHasEdgesOnARectangleBorderOnly) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_GRAY8, 64, 48);
  const Rect rect{16, 12, 48, 36};
  GstHarness *h = new_harness(info);
  GstBuffer *out = push_pull(h, make_rect_frame(info, rect));
  ASSERT_NE(out, nullptr);
  const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(out);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->width, 64);
  EXPECT_EQ(meta->height, 48);
  EXPECT_GE(meta->stride, 64);
  const higfa::ContourOptions defaults;
  EXPECT_EQ(meta->params.blur_size, defaults.blur_size);
  EXPECT_EQ(meta->params.low_threshold, defaults.low_threshold);
  EXPECT_EQ(meta->params.high_threshold, defaults.high_threshold);

  const std::vector<guint8> edges = meta_edges(out);
  const Rect inner{rect.x0 + 3, rect.y0 + 3, rect.x1 - 3, rect.y1 - 3};
  const Rect outer{rect.x0 - 3, rect.y0 - 3, rect.x1 + 3, rect.y1 + 3};
  int on_border = 0;
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 64; ++x) {
      const guint8 e = edges[y * 64 + x];
      ASSERT_TRUE(e == 0 || e == 255) << int(e);
      if (e == 0) continue;
      EXPECT_TRUE(outer.contains(x, y) && !inner.contains(x, y)) << "edge at " << x << "," << y;
      ++on_border;
    }
  }
  // Every side of the rectangle is found: at least its length in edge pixels.
  EXPECT_GE(on_border, 2 * (rect.x1 - rect.x0) + 2 * (rect.y1 - rect.y0) - 8);
  // The frame itself passes through untouched.
  GstMapInfo map;
  gst_buffer_map(out, &map, GST_MAP_READ);
  EXPECT_EQ(map.data[20 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 20], 255);
  EXPECT_EQ(map.data[2 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 2], 0);
  gst_buffer_unmap(out, &map);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// With auto-threshold the meta records the frame's median-derived thresholds, not the
// configured (ignored) ones: two frames with different medians record different thresholds.
TEST(ContourExtract, AutoThresholdMetaRecordsTheThresholdsUsed) {
  const int width = 40;
  const int height = 30;
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_GRAY8, width, height);
  GstHarness *h = new_harness(info);
  g_object_set(h->element, "auto-threshold", TRUE, "auto-sigma", 0.25, nullptr);
  higfa::ContourOptions automatic;
  automatic.auto_threshold = true;
  automatic.auto_sigma = 0.25;
  for (int base : {40, 120}) {
    auto value = [&](int x, int y) { return base + ((x / 4 + y / 3) % 2) * 60; };
    std::vector<std::uint8_t> packed(static_cast<size_t>(width) * height);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) packed[y * width + x] = static_cast<guint8>(value(x, y));
    higfa::GrayImage edges(width, height);
    const higfa::ContourThresholds used = higfa::extract_contour(
        {packed.data(), width, height, width, higfa::PixelFormat::kGray8}, edges.view(),
        automatic);
    ASSERT_GT(used.low, 0.0);
    ASSERT_NE(used.low, automatic.low_threshold);

    GstBuffer *out = push_pull(h, make_frame(info, value));
    ASSERT_NE(out, nullptr);
    const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(out);
    ASSERT_NE(meta, nullptr);
    EXPECT_TRUE(meta->params.auto_threshold);
    EXPECT_DOUBLE_EQ(meta->params.low_threshold, used.low) << "base " << base;
    EXPECT_DOUBLE_EQ(meta->params.high_threshold, used.high) << "base " << base;
    EXPECT_EQ(meta_edges(out), edges.pixels);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}

TEST(ContourExtract, ColourAndGreyInputsGiveTheSameEdges) {
  const Rect rect{5, 6, 20, 17};
  const GstVideoInfo grey = make_info(GST_VIDEO_FORMAT_GRAY8, 27, 23);
  const std::vector<guint8> expected = edges_of(grey, make_rect_frame(grey, rect));
  for (GstVideoFormat format :
       {GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRx}) {
    const GstVideoInfo info = make_info(format, 27, 23);
    EXPECT_EQ(edges_of(info, make_rect_frame(info, rect)), expected)
        << gst_video_format_to_string(format);
  }
}

TEST(ContourExtract, OutputContourReplacesTheFrameWithTheEdgeMap) {
  const Rect rect{10, 8, 30, 22};
  for (GstVideoFormat format : {GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR,
                                GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRx}) {
    SCOPED_TRACE(gst_video_format_to_string(format));
    const GstVideoInfo info = make_info(format, 41, 30);  // odd width: padded rows
    const std::vector<guint8> expected = edges_of(info, make_rect_frame(info, rect));

    GstHarness *h = new_harness(info, "contour");
    GstBuffer *out = push_pull(h, make_rect_frame(info, rect));
    ASSERT_NE(out, nullptr);
    GstVideoFrame frame;
    ASSERT_TRUE(gst_video_frame_map(&frame, &info, out, GST_MAP_READ));
    const int bpp = GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, 0);
    const int colour_channels = format == GST_VIDEO_FORMAT_GRAY8 ? 1 : 3;
    int mismatches = 0;
    for (int y = 0; y < 30; ++y) {
      const auto *row = static_cast<const guint8 *>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                        y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
      for (int x = 0; x < 41; ++x) {
        for (int c = 0; c < colour_channels; ++c)
          mismatches += row[x * bpp + c] != expected[y * 41 + x];
        if (format == GST_VIDEO_FORMAT_RGBA) mismatches += row[x * bpp + 3] != 255;
      }
    }
    EXPECT_EQ(mismatches, 0);
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}

// Width 33 RGB has rows of 99 bytes padded to 100: the element must honour the stride.
TEST(ContourExtract, PaddedStrideGivesTheSameEdgesAsAPackedReference) {
  const int width = 33;
  const int height = 21;
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_RGB, width, height);
  ASSERT_EQ(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), 100);

  std::vector<std::uint8_t> packed(static_cast<size_t>(width) * 3 * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width * 3; ++x)
      packed[y * width * 3 + x] = static_cast<guint8>(busy(x / 3, y));
  const higfa::ImageView view{packed.data(), width, height, width * 3, higfa::PixelFormat::kRgb};
  const higfa::GrayImage reference = higfa::extract_contour(view, higfa::ContourOptions{});
  ASSERT_GT(std::count(reference.pixels.begin(), reference.pixels.end(), 255), 50);

  EXPECT_EQ(edges_of(info, make_frame(info, busy)), reference.pixels);

  // The same pixels in a packed buffer described by a GstVideoMeta (stride 99).
  GstBuffer *described =
      gst_buffer_new_wrapped(g_memdup2(packed.data(), packed.size()), packed.size());
  gsize offset[GST_VIDEO_MAX_PLANES] = {0};
  gint stride[GST_VIDEO_MAX_PLANES] = {width * 3};
  gst_buffer_add_video_meta_full(described, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_RGB, width,
                                 height, 1, offset, stride);
  EXPECT_EQ(edges_of(info, described), reference.pixels);
}

TEST(ContourExtract, MetaSurvivesABufferCopy) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_BGRx, 40, 40);
  GstHarness *h = new_harness(info);
  GstBuffer *out = push_pull(h, make_rect_frame(info, {10, 10, 30, 30}));
  ASSERT_NE(out, nullptr);
  const std::vector<guint8> before = meta_edges(out);
  GstBuffer *copy = gst_buffer_copy(out);
  gst_buffer_unref(out);
  const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->width, 40);
  EXPECT_EQ(meta_edges(copy), before);
  gst_buffer_unref(copy);
  gst_harness_teardown(h);
}

// videoscale copies the contour meta unchanged (its own size); labels survive everything.
TEST(ContourExtract, MetasSurviveVideoconvertAndVideoscale) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_RGB, 64, 64);
  GstHarness *h = gst_harness_new_parse("contourextract ! videoconvert ! videoscale");
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&info));
  gst_harness_set_sink_caps_str(h, "video/x-raw,format=RGBA,width=32,height=32");
  GstBuffer *in = make_rect_frame(info, {16, 16, 48, 48});
  gst_buffer_add_higfa_label_meta(in, 4, "coat", "/d/coat/1.png", "coat-1", 1);
  GstBuffer *out = push_pull(h, in);
  ASSERT_NE(out, nullptr);
  const GstVideoMeta *vmeta = gst_buffer_get_video_meta(out);
  if (vmeta != nullptr) {
    EXPECT_EQ(vmeta->width, 32u);
  }
  EXPECT_EQ(gst_buffer_get_size(out), 32u * 32u * 4u);
  const GstHigfaContourMeta *contour = gst_buffer_get_higfa_contour_meta(out);
  ASSERT_NE(contour, nullptr);
  EXPECT_EQ(contour->width, 64);
  EXPECT_EQ(contour->height, 64);
  const GstHigfaLabelMeta *label = gst_buffer_get_higfa_label_meta(out);
  ASSERT_NE(label, nullptr);
  EXPECT_STREQ(label->class_name, "coat");
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(ContourExtract, PropertyDefaultsAreTheLibraryDefaults) {
  GstElement *element = gst_element_factory_make("contourextract", nullptr);
  ASSERT_NE(element, nullptr);
  gint blur_size = 0;
  gdouble blur_sigma = -1, low = -1, high = -1, auto_sigma = -1;
  gboolean auto_threshold = TRUE, l2 = TRUE, thinning = TRUE;
  g_object_get(element, "blur-size", &blur_size, "blur-sigma", &blur_sigma, "low-threshold", &low,
               "high-threshold", &high, "auto-threshold", &auto_threshold, "auto-sigma",
               &auto_sigma, "l2-gradient", &l2, "thinning", &thinning, nullptr);
  const higfa::ContourOptions o;
  EXPECT_EQ(blur_size, o.blur_size);
  EXPECT_EQ(blur_sigma, o.blur_sigma);
  EXPECT_EQ(low, o.low_threshold);
  EXPECT_EQ(high, o.high_threshold);
  EXPECT_EQ(static_cast<bool>(auto_threshold), o.auto_threshold);
  EXPECT_EQ(auto_sigma, o.auto_sigma);
  EXPECT_EQ(static_cast<bool>(l2), o.l2_gradient);
  EXPECT_EQ(static_cast<bool>(thinning), o.thinning);
  gst_object_unref(element);
}

TEST(ContourExtract, EveryPropertyIsDocumented) {
  GstElement *element = gst_element_factory_make("contourextract", nullptr);
  guint n = 0;
  GParamSpec **specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(element), &n);
  int own = 0;
  for (guint i = 0; i < n; ++i) {
    if (specs[i]->owner_type != G_OBJECT_TYPE(element)) continue;
    ++own;
    const std::string blurb = g_param_spec_get_blurb(specs[i]);
    EXPECT_GT(blurb.size(), 30u) << specs[i]->name;
    EXPECT_TRUE(specs[i]->flags & GST_PARAM_MUTABLE_PLAYING) << specs[i]->name;
  }
  EXPECT_EQ(own, 9);  // the eight ContourOptions fields and output
  g_free(specs);
  gst_object_unref(element);
}

TEST(ContourExtract, OutOfRangeAndEvenBlurSizeAreRefused) {
  GstElement *element = gst_element_factory_make("contourextract", nullptr);
  g_object_set(element, "low-threshold", 2000.0, "auto-sigma", 1.5, "blur-size", 4, nullptr);
  gdouble low = 0, auto_sigma = 0;
  gint blur_size = 0;
  g_object_get(element, "low-threshold", &low, "auto-sigma", &auto_sigma, "blur-size", &blur_size,
               nullptr);
  EXPECT_EQ(low, 50.0);
  EXPECT_EQ(auto_sigma, 0.33);
  EXPECT_EQ(blur_size, 3);
  g_object_set(element, "blur-size", 0, nullptr);  // 0: no pre-blur, valid
  g_object_get(element, "blur-size", &blur_size, nullptr);
  EXPECT_EQ(blur_size, 0);
  gst_object_unref(element);
}

TEST(ContourExtract, InvalidThresholdOrderFailsStartWithASettingsError) {
  GstElement *element = gst_element_factory_make("contourextract", nullptr);
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  g_object_set(element, "low-threshold", 200.0, nullptr);  // > high-threshold 150
  EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  GstMessage *message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(message, nullptr);
  GError *error = nullptr;
  gst_message_parse_error(message, &error, nullptr);
  EXPECT_TRUE(g_error_matches(error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS));
  EXPECT_NE(std::string(error->message).find("low_threshold"), std::string::npos) << error->message;
  g_error_free(error);
  gst_message_unref(message);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_element_set_bus(element, nullptr);
  gst_object_unref(bus);
  gst_object_unref(element);
}

TEST(ContourExtract, InvalidCombinationIsRefusedWhilePlaying) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_GRAY8, 16, 16);
  GstHarness *h = new_harness(info);
  g_object_set(h->element, "low-threshold", 200.0, nullptr);  // > high-threshold 150
  gdouble low = 0;
  g_object_get(h->element, "low-threshold", &low, nullptr);
  EXPECT_EQ(low, 50.0);
  g_object_set(h->element, "high-threshold", 300.0, "low-threshold", 200.0, nullptr);
  GstBuffer *out = push_pull(h, make_rect_frame(info, {4, 4, 12, 12}));
  ASSERT_NE(out, nullptr);
  const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(out);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->params.low_threshold, 200.0);
  EXPECT_EQ(meta->params.high_threshold, 300.0);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(ContourExtract, SwitchingOutputWhilePlayingTakesEffectOnTheNextFrame) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_GRAY8, 16, 16);
  GstHarness *h = new_harness(info);
  GstBuffer *out = push_pull(h, make_rect_frame(info, {4, 4, 12, 12}));
  ASSERT_NE(out, nullptr);
  EXPECT_NE(gst_buffer_get_higfa_contour_meta(out), nullptr);
  gst_buffer_unref(out);
  gst_util_set_object_arg(G_OBJECT(h->element), "output", "contour");
  out = push_pull(h, make_rect_frame(info, {4, 4, 12, 12}));
  ASSERT_NE(out, nullptr);
  GstMapInfo map;
  gst_buffer_map(out, &map, GST_MAP_READ);
  EXPECT_EQ(map.data[8 * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0) + 8], 0);  // inside: no edge
  gst_buffer_unmap(out, &map);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(Environment, PluginComesFromThisBuild) {
  const char *plugin_dir = g_getenv("HIGFA_PLUGIN_DIR");
  ASSERT_NE(plugin_dir, nullptr) << "run through meson test";
  EXPECT_STREQ(g_getenv("GST_PLUGIN_SYSTEM_PATH_1_0"), "");
  GstPlugin *plugin = gst_registry_find_plugin(gst_registry_get(), "higfa");
  ASSERT_NE(plugin, nullptr);
  gchar *dir = g_path_get_dirname(gst_plugin_get_filename(plugin));
  gchar *expected = g_canonicalize_filename(plugin_dir, nullptr);
  gchar *actual = g_canonicalize_filename(dir, nullptr);
  EXPECT_STREQ(actual, expected);
  g_free(actual);
  g_free(expected);
  g_free(dir);
  gst_object_unref(plugin);
}

}  // namespace
