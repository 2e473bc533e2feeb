// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Element tests of higfasampler (GstHarness) on the tiny fixture bundle.
#include <gst/base/gstbasetransform.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <higfa/runtime.h>
#include <higfa/sampler.h>
#include <higfa/seed.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../lib/freed_memory_test_util.h"
#include "gsthigfameta.h"

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace {

const std::string kTinyBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny";
const char* kGrayCaps = "video/x-raw,format=GRAY8,width=8,height=8,framerate=25/1";
constexpr GstClockTime kInputDuration = 40 * GST_MSECOND;

// A sampler on the tiny bundle with few steps; `props` are extra "name", value pairs.
GstElement* make_sampler(guint samples, guint64 seed) {
  GstElement* element = gst_element_factory_make("higfasampler", nullptr);
  EXPECT_NE(element, nullptr) << "higfasampler is not in the registry";
  if (element == nullptr) return nullptr;
  g_object_set(element, "bundle", kTinyBundle.c_str(), "num-inference-steps", 4,
               "samples-per-image", samples, "seed", seed, nullptr);
  return element;
}

// An 8x8 GRAY8 frame: a bright square on black, with PTS/duration/offset of input `index`.
GstBuffer* make_frame(guint64 index) {
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, 64, nullptr);
  GstMapInfo map;
  gst_buffer_map(buf, &map, GST_MAP_WRITE);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      map.data[y * 8 + x] = (x >= 2 && x < 6 && y >= 2 && y < 6) ? 230 : 10;
  gst_buffer_unmap(buf, &map);
  GST_BUFFER_PTS(buf) = GST_SECOND + index * kInputDuration;
  GST_BUFFER_DURATION(buf) = kInputDuration;
  GST_BUFFER_OFFSET(buf) = index;
  GST_BUFFER_OFFSET_END(buf) = index + 1;
  return buf;
}

GstBuffer* make_labelled_frame(guint64 index, const char* class_name, const char* source_id) {
  GstBuffer* buf = make_frame(index);
  gst_buffer_add_higfa_label_meta(buf, -1, class_name, "data/x.png", source_id, index);
  return buf;
}

// Adds the edge map of the square's outline as a contour meta.
void add_contour(GstBuffer* buf) {
  GstBuffer* edges = gst_buffer_new_allocate(nullptr, 64, nullptr);
  GstMapInfo map;
  gst_buffer_map(edges, &map, GST_MAP_WRITE);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      map.data[y * 8 + x] =
          ((x == 2 || x == 5) && y >= 2 && y <= 5) || ((y == 2 || y == 5) && x >= 2 && x <= 5) ? 255
                                                                                               : 0;
  gst_buffer_unmap(edges, &map);
  GstHigfaContourParams params{};
  gst_buffer_add_higfa_contour_meta(buf, edges, 8, 8, 8, &params);
  gst_buffer_unref(edges);
}

guint64 get_counter(GstElement* element, const char* name) {
  guint64 value = 0;
  g_object_get(element, name, &value, nullptr);
  return value;
}

std::vector<guint8> bytes_of(GstBuffer* buf) {
  std::vector<guint8> out(gst_buffer_get_size(buf));
  gst_buffer_extract(buf, 0, out.data(), out.size());
  return out;
}

// The text of the first error message on `bus`, or "" if none.
std::string pop_error(GstBus* bus) {
  GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  if (msg == nullptr) return "";
  GError* err = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(msg, &err, &debug);
  std::string text = std::string(err->message) + " | " + (debug ? debug : "");
  g_error_free(err);
  g_free(debug);
  gst_message_unref(msg);
  return text;
}

// A harness around `element` (set to PLAYING) with a bus for its error messages.
struct SamplerHarness {
  GstHarness* h = nullptr;
  GstElement* element = nullptr;
  GstBus* bus = nullptr;

  explicit SamplerHarness(GstElement* e) : element(e) {
    bus = gst_bus_new();
    gst_element_set_bus(element, bus);
    h = gst_harness_new_with_element(element, "sink", "src");
    gst_harness_set_src_caps_str(h, kGrayCaps);
  }
  ~SamplerHarness() {
    gst_harness_teardown(h);
    gst_object_unref(element);
    gst_object_unref(bus);
  }
  SamplerHarness(const SamplerHarness&) = delete;
  SamplerHarness& operator=(const SamplerHarness&) = delete;

  // Pushes `buf` and pulls every output it made, after a drain query: the element holds
  // frames until batch-size samples can be drawn together.
  std::vector<GstBuffer*> run(GstBuffer* buf, GstFlowReturn expected = GST_FLOW_OK) {
    EXPECT_EQ(gst_harness_push(h, buf), expected);
    drain();
    return pull_all();
  }

  // Pushes `buf` and pulls what came out at once, without draining.
  std::vector<GstBuffer*> push(GstBuffer* buf) {
    EXPECT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
    return pull_all();
  }

  void drain() {
    GstQuery* query = gst_query_new_drain();
    gst_pad_peer_query(h->srcpad, query);
    gst_query_unref(query);
  }

  std::vector<GstBuffer*> pull_all() {
    std::vector<GstBuffer*> out;
    while (GstBuffer* o = gst_harness_try_pull(h)) out.push_back(o);
    return out;
  }
};

void unref_all(std::vector<GstBuffer*>& buffers) {
  for (GstBuffer* b : buffers) gst_buffer_unref(b);
  buffers.clear();
}

TEST(HigfaSampler, MakesNOutputsPerInputAtTheModelResolution) {
  SamplerHarness t(make_sampler(3, 0));
  for (guint64 i = 0; i < 2; ++i) {
    std::vector<GstBuffer*> out = t.run(make_labelled_frame(i, "b", "img-0"));
    ASSERT_EQ(out.size(), 3u);
    for (GstBuffer* b : out) EXPECT_EQ(gst_buffer_get_size(b), 64u);
    unref_all(out);
  }
  EXPECT_EQ(get_counter(t.element, "processed"), 2u);
  EXPECT_EQ(get_counter(t.element, "generated"), 6u);
  EXPECT_EQ(get_counter(t.element, "skipped"), 0u);
}

TEST(HigfaSampler, OutputCapsAreTheBundlesFormatWithTheFramerateTimesN) {
  SamplerHarness t(make_sampler(4, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  unref_all(out);
  GstPad* src = gst_element_get_static_pad(t.element, "src");
  GstCaps* caps = gst_pad_get_current_caps(src);
  ASSERT_NE(caps, nullptr);
  GstCaps* expected = gst_caps_from_string(
      "video/x-raw,format=GRAY8,width=8,height=8,framerate=100/1,pixel-aspect-ratio=1/1");
  EXPECT_TRUE(gst_caps_is_equal(caps, expected)) << gst_caps_to_string(caps);
  gst_caps_unref(expected);
  gst_caps_unref(caps);
  gst_object_unref(src);
}

TEST(HigfaSampler, AcceptsColourInputOfAnySize) {
  GstElement* element = make_sampler(2, 0);
  SamplerHarness t(element);
  gst_harness_set_src_caps_str(t.h, "video/x-raw,format=RGBA,width=13,height=7,framerate=0/1");
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, 13 * 7 * 4, nullptr);
  gst_buffer_memset(buf, 0, 128, 13 * 7 * 4);
  gst_buffer_add_higfa_label_meta(buf, 2, nullptr, nullptr, "rgba-0", 0);
  std::vector<GstBuffer*> out = t.run(buf);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(gst_buffer_get_size(out[0]), 64u);
  unref_all(out);
}

// Sample i spans the i-th N-th of its input; offsets count outputs.
TEST(HigfaSampler, TimestampsSplitTheInputDurationAndOffsetsCountOutputs) {
  SamplerHarness t(make_sampler(4, 0));
  guint64 expected_offset = 0;
  for (guint64 i = 0; i < 2; ++i) {
    std::vector<GstBuffer*> out = t.run(make_labelled_frame(i, "c", "img-1"));
    ASSERT_EQ(out.size(), 4u);
    for (guint k = 0; k < 4; ++k) {
      EXPECT_EQ(GST_BUFFER_PTS(out[k]), GST_SECOND + i * kInputDuration + k * 10 * GST_MSECOND);
      EXPECT_EQ(GST_BUFFER_DURATION(out[k]), 10 * GST_MSECOND);
      EXPECT_EQ(GST_BUFFER_OFFSET(out[k]), expected_offset);
      EXPECT_EQ(GST_BUFFER_OFFSET_END(out[k]), expected_offset + 1);
      ++expected_offset;
    }
    unref_all(out);
  }
}

// The JSON form of a provenance meta (what manifests record).
nlohmann::json provenance_json(const GstHigfaProvenanceMeta* p) {
  gchar* text = gst_higfa_provenance_meta_to_json(p);
  const nlohmann::json j = nlohmann::json::parse(text);
  g_free(text);
  return j;
}

TEST(HigfaSampler, ProvenanceRecordsSourceClassIndexSeedModeAndTransform) {
  const guint64 base_seed = 1234;
  SamplerHarness t(make_sampler(3, base_seed));
  GstBuffer* in = make_labelled_frame(0, "b", "shirt/50000.png");
  add_contour(in);
  std::vector<GstBuffer*> out = t.run(in);
  ASSERT_EQ(out.size(), 3u);
  for (guint i = 0; i < 3; ++i) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[i]);
    ASSERT_NE(p, nullptr);
    EXPECT_STREQ(p->source_id, "shirt/50000.png");
    EXPECT_EQ(p->class_id, 1);
    EXPECT_STREQ(p->class_name, "b");
    EXPECT_EQ(p->sample_index, i);
    EXPECT_EQ(p->seed, higfa::derive_seed(base_seed, "shirt/50000.png", i));
    EXPECT_STREQ(p->mode, "higfa");
    EXPECT_GE(p->final_confidence, 0.0);
    EXPECT_LE(p->final_confidence, 1.0);
    const nlohmann::json provenance = provenance_json(p);
    const nlohmann::json& transform = provenance.at("transform");
    EXPECT_TRUE(transform.contains("rotation_deg")) << transform;
    const nlohmann::json& guidance = provenance.at("guidance");
    EXPECT_EQ(guidance.at("mode"), "higfa");
    EXPECT_EQ(guidance.at("num_inference_steps"), 4);
    EXPECT_DOUBLE_EQ(guidance.at("guidance_scale").get<double>(), 3.0);  // the default
    EXPECT_TRUE(guidance.at("final_weights").is_object()) << guidance;
    const nlohmann::json& extra = provenance.at("extra");
    EXPECT_EQ(extra.at("contour_used"), true);
    EXPECT_EQ(extra.at("base_seed"), base_seed);
  }
  unref_all(out);
}

TEST(HigfaSampler, CopiesTheLabelToEveryOutput) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(5, "c", "img-5"));
  ASSERT_EQ(out.size(), 2u);
  for (GstBuffer* b : out) {
    const GstHigfaLabelMeta* label = gst_buffer_get_higfa_label_meta(b);
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->class_id, 2);
    EXPECT_STREQ(label->class_name, "c");
    EXPECT_STREQ(label->source_id, "img-5");
    EXPECT_STREQ(label->source_path, "data/x.png");
    EXPECT_EQ(label->source_index, 5u);
  }
  unref_all(out);
}

TEST(HigfaSampler, TheGuidancePropertyNamesTheModeInTheProvenance) {
  GstElement* element = make_sampler(1, 0);
  gst_util_set_object_arg(G_OBJECT(element), "guidance", "cfg");
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_STREQ(gst_buffer_get_higfa_provenance_meta(out[0])->mode, "cfg");
  unref_all(out);
}

// The tiny bundle's analytic denoiser predicts its class mean exactly, so what varies with the
// seed is the transformed contour: class "b" (mean 0) at guidance 1 keeps its effect in range.
std::vector<std::vector<guint8>> sample_bytes(guint64 seed, guint batch_size) {
  GstElement* element = make_sampler(4, seed);
  g_object_set(element, "batch-size", batch_size, "guidance-scale", 1.0, nullptr);
  SamplerHarness t(element);
  GstBuffer* in = make_labelled_frame(0, "b", "img-7");
  add_contour(in);
  std::vector<GstBuffer*> out = t.run(in);
  std::vector<std::vector<guint8>> bytes;
  for (GstBuffer* b : out) bytes.push_back(bytes_of(b));
  unref_all(out);
  return bytes;
}

TEST(HigfaSampler, SameSeedGivesIdenticalOutputs) {
  const auto first = sample_bytes(99, 8);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first, sample_bytes(99, 8));
  EXPECT_NE(first, sample_bytes(100, 8));
  EXPECT_NE(first[0], first[1]);  // samples of one input differ
}

// A sample's image depends on its seed, not on which batch it was drawn in.
TEST(HigfaSampler, BatchSizeDoesNotChangeTheOutputs) {
  EXPECT_EQ(sample_bytes(5, 1), sample_bytes(5, 3));
}

// strength < 1 starts from the noised input frame (img2img) instead of pure noise.
TEST(HigfaSampler, Img2ImgSamplesFromTheInputFrame) {
  GstElement* element = make_sampler(2, 0);
  g_object_set(element, "strength", 0.5, nullptr);
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "b", "img-0"));
  ASSERT_EQ(out.size(), 2u);
  const nlohmann::json guidance =
      provenance_json(gst_buffer_get_higfa_provenance_meta(out[0])).at("guidance");
  EXPECT_DOUBLE_EQ(guidance.at("strength").get<double>(), 0.5);
  unref_all(out);
  EXPECT_EQ(pop_error(t.bus), "");
}

TEST(HigfaSampler, ClassPropertyLabelsFramesWithoutALabelMeta) {
  GstElement* element = make_sampler(2, 7);
  g_object_set(element, "class", "c", nullptr);
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_frame(3));
  ASSERT_EQ(out.size(), 2u);
  for (guint i = 0; i < 2; ++i) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[i]);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->class_id, 2);
    EXPECT_STREQ(p->class_name, "c");
    // "<stream-id>-<input offset>"
    const std::string source_id = p->source_id;
    EXPECT_EQ(source_id.substr(source_id.size() - 2), "-3") << source_id;
    EXPECT_EQ(p->seed, higfa::derive_seed(7, source_id, i));
    EXPECT_EQ(gst_buffer_get_higfa_label_meta(out[i])->class_id, 2);
  }
  unref_all(out);
}

TEST(HigfaSampler, LabelMetaTakesPrecedenceOverTheClassProperty) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "class", "c", nullptr);
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(gst_buffer_get_higfa_provenance_meta(out[0])->class_id, 0);
  unref_all(out);
}

// A generated frame fed back in is resampled as the class it was generated for, the rule every
// element follows (gst_higfa_buffer_get_intended_label); its source still comes from the label.
TEST(HigfaSampler, ProvenanceTakesPrecedenceOverTheLabelMeta) {
  SamplerHarness t(make_sampler(1, 0));
  GstBuffer* in = make_labelled_frame(0, "a", "img-0");
  gst_buffer_add_higfa_provenance_meta(in, "img-0", 1, "b", 0, 1, "higfa", nullptr, nullptr, 0.5);
  std::vector<GstBuffer*> out = t.run(in);
  ASSERT_EQ(out.size(), 1u);
  const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[0]);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->class_id, 1);
  EXPECT_STREQ(p->class_name, "b");
  EXPECT_STREQ(p->source_id, "img-0");
  unref_all(out);
}

TEST(HigfaSampler, FrameWithoutAnyLabelIsAnError) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_frame(0), GST_FLOW_ERROR);
  EXPECT_TRUE(out.empty());
  const std::string error = pop_error(t.bus);
  EXPECT_NE(error.find("without a label"), std::string::npos) << error;
}

TEST(HigfaSampler, FrameWithoutAnyLabelIsACountedSkipWhenAsked) {
  GstElement* element = make_sampler(2, 0);
  gst_util_set_object_arg(G_OBJECT(element), "missing-label", "skip");
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_frame(0));
  EXPECT_TRUE(out.empty());
  out = t.run(make_labelled_frame(1, "a", "img-1"));
  EXPECT_EQ(out.size(), 2u);
  unref_all(out);
  EXPECT_EQ(get_counter(t.element, "skipped"), 1u);
  EXPECT_EQ(get_counter(t.element, "processed"), 1u);
  EXPECT_EQ(pop_error(t.bus), "");
}

TEST(HigfaSampler, UnknownClassInTheLabelIsAnError) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "zebra", "img-0"), GST_FLOW_ERROR);
  EXPECT_TRUE(out.empty());
  const std::string error = pop_error(t.bus);
  EXPECT_NE(error.find("zebra"), std::string::npos) << error;
}

// Start failures: READY -> PAUSED fails and the error says what to fix.
std::string start_error(GstElement* element) {
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  const std::string error = pop_error(bus);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(element);
  return error;
}

TEST(HigfaSampler, UnknownClassPropertyFailsAtStart) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "class", "zebra", nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("zebra"), std::string::npos) << error;
}

TEST(HigfaSampler, MissingBundleFailsAtStartNamingThePath) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "bundle", "/nonexistent/higfa-bundle", nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("/nonexistent/higfa-bundle"), std::string::npos) << error;
}

TEST(HigfaSampler, CorruptBundleFailsAtStart) {
  GstElement* element = make_sampler(1, 0);
  const std::string bundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/bad-corrupt-denoiser";
  g_object_set(element, "bundle", bundle.c_str(), nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("denoiser"), std::string::npos) << error;
}

TEST(HigfaSampler, NoBundleFailsAtStart) {
  GstElement* element = gst_element_factory_make("higfasampler", nullptr);
  ASSERT_NE(element, nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("bundle"), std::string::npos) << error;
}

TEST(HigfaSampler, InvalidOptionsFailAtStart) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "min-scale", 1.5, "max-scale", 1.2, nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("scale"), std::string::npos) << error;
}

TEST(HigfaSampler, UnavailableDeviceFailsAtStart) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "device", "cuda:7", nullptr);
  const std::string error = start_error(element);
  EXPECT_NE(error.find("cuda:7"), std::string::npos) << error;
}

// Design §4's defaults, with w_y, s_k, w_cls and ρ as bench/tune.py tuned them.
TEST(HigfaSampler, PropertyDefaultsAreTheTunedDesignDefaults) {
  GstElement* element = gst_element_factory_make("higfasampler", nullptr);
  ASSERT_NE(element, nullptr);
  guint samples = 0, batch = 0;
  gint steps = 0;
  gdouble guidance_scale = 0, contour_scale = 0, classifier_scale = 0, fine_stage = 0, gate = 0;
  gdouble text_lo = 0, max_rotation = 0;
  gboolean retain_memory = FALSE;
  g_object_get(element, "retain-memory", &retain_memory, "samples-per-image", &samples,
               "batch-size", &batch, "num-inference-steps", &steps, "guidance-scale",
               &guidance_scale, "contour-scale", &contour_scale, "classifier-scale",
               &classifier_scale, "fine-stage", &fine_stage, "classifier-gate", &gate, "text-lo",
               &text_lo, "max-rotation", &max_rotation, nullptr);
  EXPECT_EQ(samples, 4u);
  EXPECT_EQ(batch, 8u);
  EXPECT_EQ(steps, 10);  // DPM-Solver++ 2M (bench/steps.py)
  const auto nick = [element](const char* property) {
    GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(element), property);
    GValue v = G_VALUE_INIT;
    g_value_init(&v, G_PARAM_SPEC_VALUE_TYPE(spec));
    g_object_get_property(G_OBJECT(element), property, &v);
    auto* type = static_cast<GEnumClass*>(g_type_class_ref(G_VALUE_TYPE(&v)));
    const std::string name = g_enum_get_value(type, g_value_get_enum(&v))->value_nick;
    g_type_class_unref(type);
    g_value_unset(&v);
    return name;
  };
  EXPECT_EQ(nick("scheduler"), "dpm++2m");
  EXPECT_EQ(nick("classifier-grad"), "auto");
  EXPECT_DOUBLE_EQ(guidance_scale, 3.0);
  EXPECT_DOUBLE_EQ(contour_scale, 0.6);
  EXPECT_DOUBLE_EQ(classifier_scale, 6.0);
  EXPECT_DOUBLE_EQ(fine_stage, 0.5);
  EXPECT_DOUBLE_EQ(gate, 0.95);
  EXPECT_DOUBLE_EQ(text_lo, 0.5);
  EXPECT_DOUBLE_EQ(max_rotation, 15.0);
  EXPECT_TRUE(retain_memory);
  gst_object_unref(element);
}

// Collects the element's debug lines, to see the sampler being cancelled mid-run.
void collect_log(GstDebugCategory* category, GstDebugLevel, const gchar*, const gchar*, gint,
                 GObject*, GstDebugMessage* message, gpointer user_data) {
  if (std::strcmp(gst_debug_category_get_name(category), "higfasampler") != 0) return;
  static_cast<std::vector<std::string>*>(user_data)->push_back(gst_debug_message_get(message));
}

// On the first output, flush the element from its own streaming thread: the next batch's sampler
// call sees the cancel flag at its first step.
GstPadProbeReturn flush_on_first_output(GstPad*, GstPadProbeInfo*, gpointer user_data) {
  GstPad* sinkpad = gst_element_get_static_pad(GST_ELEMENT(user_data), "sink");
  gst_pad_send_event(sinkpad, gst_event_new_flush_start());
  gst_object_unref(sinkpad);
  return GST_PAD_PROBE_DROP;
}

TEST(HigfaSampler, FlushDuringSamplingCancelsTheRun) {
  GstElement* element = make_sampler(4, 0);
  g_object_set(element, "batch-size", 1, nullptr);
  SamplerHarness t(element);
  std::vector<std::string> log;
  gst_debug_set_threshold_for_name("higfasampler", GST_LEVEL_DEBUG);
  (gst_debug_add_log_function)(collect_log, &log, nullptr);
  GstPad* src = gst_element_get_static_pad(element, "src");
  const gulong probe =
      gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, flush_on_first_output, element, nullptr);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"), GST_FLOW_FLUSHING);
  gst_pad_remove_probe(src, probe);
  gst_object_unref(src);
  (gst_debug_remove_log_function)(collect_log);
  gst_debug_set_threshold_for_name("higfasampler", GST_LEVEL_NONE);

  EXPECT_TRUE(out.empty());
  EXPECT_EQ(get_counter(element, "generated"), 1u);
  EXPECT_EQ(get_counter(element, "processed"), 0u);
  bool cancelled = false;
  for (const std::string& line : log) cancelled |= line.find("cancelled") != std::string::npos;
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(pop_error(t.bus), "");  // a cancel is not an error

  // After the flush the element samples again.
  gst_harness_push_event(t.h, gst_event_new_flush_stop(TRUE));
  gst_harness_push_event(t.h, gst_event_new_segment([] {
                           static GstSegment segment;
                           gst_segment_init(&segment, GST_FORMAT_TIME);
                           return &segment;
                         }()));
  out = t.run(make_labelled_frame(1, "a", "img-1"));
  EXPECT_EQ(out.size(), 4u);
  unref_all(out);
}

TEST(HigfaSampler, IsABaseTransform) {
  GstElement* element = gst_element_factory_make("higfasampler", nullptr);
  ASSERT_NE(element, nullptr);
  EXPECT_TRUE(GST_IS_BASE_TRANSFORM(element));
  gst_object_unref(element);
}

TEST(HigfaSampler, OutputBuffersComeFromAVideoBufferPool) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  ASSERT_EQ(out.size(), 2u);
  for (GstBuffer* b : out) {
    ASSERT_NE(b->pool, nullptr);
    EXPECT_TRUE(GST_IS_VIDEO_BUFFER_POOL(b->pool));
  }
  unref_all(out);
}

// Issue 16: samples are drawn batch-size at a time across frames; outputs keep the input order,
// and each is the image it would be at batch-size 1.
TEST(HigfaSampler, BatchesSamplesAcrossFramesInInputOrder) {
  std::vector<std::vector<guint8>> alone;
  {
    GstElement* element = make_sampler(2, 11);
    g_object_set(element, "batch-size", 1, nullptr);
    SamplerHarness t(element);
    for (guint64 i = 0; i < 2; ++i) {
      GstBuffer* in = make_labelled_frame(i, "b", i == 0 ? "img-0" : "img-1");
      add_contour(in);
      std::vector<GstBuffer*> out = t.push(in);  // batch-size 1: nothing is held
      ASSERT_EQ(out.size(), 2u);
      for (GstBuffer* b : out) alone.push_back(bytes_of(b));
      unref_all(out);
    }
  }
  GstElement* element = make_sampler(2, 11);
  g_object_set(element, "batch-size", 4, nullptr);
  SamplerHarness t(element);
  GstBuffer* first = make_labelled_frame(0, "b", "img-0");
  add_contour(first);
  EXPECT_TRUE(t.push(first).empty()) << "2 samples do not fill a batch of 4";
  GstBuffer* second = make_labelled_frame(1, "b", "img-1");
  add_contour(second);
  std::vector<GstBuffer*> out = t.push(second);
  ASSERT_EQ(out.size(), 4u);
  for (guint k = 0; k < 4; ++k) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[k]);
    ASSERT_NE(p, nullptr);
    EXPECT_STREQ(p->source_id, k < 2 ? "img-0" : "img-1");
    EXPECT_EQ(p->sample_index, k % 2);
    EXPECT_EQ(GST_BUFFER_OFFSET(out[k]), k);
    EXPECT_EQ(GST_BUFFER_PTS(out[k]), GST_SECOND + k * 20 * GST_MSECOND);
    EXPECT_EQ(bytes_of(out[k]), alone[k]) << "output " << k;
  }
  unref_all(out);
  EXPECT_EQ(get_counter(t.element, "processed"), 2u);
  EXPECT_EQ(get_counter(t.element, "generated"), 4u);
}

// A batch of 4 over frames of 3: the second frame's samples are split across two batches.
TEST(HigfaSampler, AFrameMaySpanTwoBatches) {
  GstElement* element = make_sampler(3, 0);
  g_object_set(element, "batch-size", 4, nullptr);
  SamplerHarness t(element);
  EXPECT_TRUE(t.push(make_labelled_frame(0, "a", "img-0")).empty());
  std::vector<GstBuffer*> out = t.push(make_labelled_frame(1, "b", "img-1"));
  ASSERT_EQ(out.size(), 4u);  // 3 of img-0 and the first of img-1
  EXPECT_STREQ(gst_buffer_get_higfa_provenance_meta(out[3])->source_id, "img-1");
  EXPECT_EQ(get_counter(t.element, "processed"), 1u);
  unref_all(out);
  t.drain();
  out = t.pull_all();
  ASSERT_EQ(out.size(), 2u);
  for (guint k = 0; k < 2; ++k)
    EXPECT_EQ(gst_buffer_get_higfa_provenance_meta(out[k])->sample_index, k + 1);
  unref_all(out);
  EXPECT_EQ(get_counter(t.element, "processed"), 2u);
  EXPECT_EQ(get_counter(t.element, "generated"), 6u);
}

// The held frames go out before EOS, which follows them.
TEST(HigfaSampler, EosSamplesTheHeldFrames) {
  SamplerHarness t(make_sampler(2, 0));  // batch-size 8
  EXPECT_TRUE(t.push(make_labelled_frame(0, "a", "img-0")).empty());
  EXPECT_TRUE(gst_harness_push_event(t.h, gst_event_new_eos()));
  std::vector<GstBuffer*> out = t.pull_all();
  EXPECT_EQ(out.size(), 2u);
  unref_all(out);
  bool eos = false;
  while (GstEvent* e = gst_harness_try_pull_event(t.h)) {
    eos |= GST_EVENT_TYPE(e) == GST_EVENT_EOS;
    gst_event_unref(e);
  }
  EXPECT_TRUE(eos);
  EXPECT_EQ(get_counter(t.element, "processed"), 1u);
}

TEST(HigfaSampler, ACapsChangeSamplesTheHeldFramesFirst) {
  SamplerHarness t(make_sampler(2, 0));
  EXPECT_TRUE(t.push(make_labelled_frame(0, "a", "img-0")).empty());
  gst_harness_set_src_caps_str(t.h, "video/x-raw,format=RGBA,width=13,height=7,framerate=0/1");
  std::vector<GstBuffer*> out = t.pull_all();
  EXPECT_EQ(out.size(), 2u);
  unref_all(out);
  EXPECT_EQ(get_counter(t.element, "processed"), 1u);
}

TEST(HigfaSampler, AFlushDiscardsTheHeldFrames) {
  SamplerHarness t(make_sampler(2, 0));
  EXPECT_TRUE(t.push(make_labelled_frame(0, "a", "img-0")).empty());
  gst_harness_push_event(t.h, gst_event_new_flush_start());
  gst_harness_push_event(t.h, gst_event_new_flush_stop(TRUE));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(t.h, gst_event_new_segment(&segment));
  t.drain();
  EXPECT_TRUE(t.pull_all().empty());
  EXPECT_EQ(get_counter(t.element, "generated"), 0u);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(1, "a", "img-1"));
  EXPECT_EQ(out.size(), 2u);
  unref_all(out);
}

// A frame is sampled with the settings it arrived under: it never shares a batch with frames
// that came under others.
TEST(HigfaSampler, AFrameKeepsTheSettingsItArrivedWith) {
  SamplerHarness t(make_sampler(2, 0));  // batch-size 8
  EXPECT_TRUE(t.push(make_labelled_frame(0, "a", "img-0")).empty());
  g_object_set(t.element, "guidance-scale", 1.5, nullptr);
  std::vector<GstBuffer*> out = t.push(make_labelled_frame(1, "a", "img-1"));
  ASSERT_EQ(out.size(), 2u);  // img-0 alone: img-1 cannot join its batch
  for (GstBuffer* b : out) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(b);
    EXPECT_STREQ(p->source_id, "img-0");
    EXPECT_DOUBLE_EQ(p->guidance.guidance_scale, 3.0);
  }
  unref_all(out);
  t.drain();
  out = t.pull_all();
  ASSERT_EQ(out.size(), 2u);
  const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[0]);
  EXPECT_STREQ(p->source_id, "img-1");
  EXPECT_DOUBLE_EQ(p->guidance.guidance_scale, 1.5);
  unref_all(out);
}

// missing-label=skip drops the frame (GST_BASE_TRANSFORM_FLOW_DROPPED): the next output is
// marked DISCONT.
TEST(HigfaSampler, ASkippedFrameIsDroppedAndMarksTheNextOutputDiscont) {
  GstElement* element = make_sampler(1, 0);
  gst_util_set_object_arg(G_OBJECT(element), "missing-label", "skip");
  g_object_set(element, "batch-size", 1, nullptr);
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.push(make_labelled_frame(0, "a", "img-0"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(GST_BUFFER_FLAG_IS_SET(out[0], GST_BUFFER_FLAG_DISCONT));
  unref_all(out);
  EXPECT_TRUE(t.push(make_frame(1)).empty());
  out = t.push(make_labelled_frame(2, "a", "img-2"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(GST_BUFFER_FLAG_IS_SET(out[0], GST_BUFFER_FLAG_DISCONT));
  unref_all(out);
  EXPECT_EQ(get_counter(t.element, "skipped"), 1u);
}

// Batch-size 8 over 2 samples per frame holds 3 frames of 40 ms before the first batch.
TEST(HigfaSampler, LatencyIncludesTheFramesHeldForABatch) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  unref_all(out);
  EXPECT_EQ(gst_harness_query_latency(t.h), 3 * kInputDuration);
  g_object_set(t.element, "batch-size", 1, nullptr);
  EXPECT_EQ(gst_harness_query_latency(t.h), 0u);
}

// threads=0 (the default) runs LibTorch on the CPUs of the process's affinity mask.
TEST(HigfaSampler, ZeroThreadsUsesTheCpusOfTheAffinityMask) {
  const int before = higfa::num_threads();
  higfa::set_num_threads(1);
  {
    SamplerHarness t(make_sampler(1, 0));
    EXPECT_EQ(higfa::num_threads(), higfa::affinity_cpu_count());
  }
  higfa::set_num_threads(before);
}

// The page faults, on a thread of its own, of four rounds of a step's allocations after the first,
// in a process whose only sampler ran one frame with retain-memory = `retain`.
long refaults_after_a_run(gboolean retain) {
  GstElement* element = make_sampler(1, 0);
  g_object_set(element, "retain-memory", retain, nullptr);  // read at start
  SamplerHarness t(element);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  const bool sampled = out.size() == 1;
  unref_all(out);
  const long faults = higfa_test::refaults_on_a_thread(5);
  std::fprintf(stderr, "retain-memory=%d: %ld faults in 4 rounds of %ld pages\n", retain, faults,
               higfa_test::kPagesPerRound);
  return sampled ? faults : -1;
}

// retain-memory (the default) keeps what a step frees for the next one: freed blocks come back
// without page faults; with FALSE glibc's defaults fault them in again. Each case runs in a fresh
// process, since the setting is process-wide.
TEST(HigfaSampler, RetainMemoryReusesFreedBlocksWithoutPageFaults) {
  if (higfa_test::kRetentionInert != nullptr)
    GTEST_SKIP() << higfa_test::kRetentionInert << ": retain-memory changes nothing";
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_EXIT(
      {
        const long faults = refaults_after_a_run(TRUE);
        std::exit(faults >= 0 && faults < higfa_test::kPagesPerRound / 20 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        const long faults = refaults_after_a_run(FALSE);
        std::exit(faults > higfa_test::kPagesPerRound / 2 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(HigfaSampler, RestartsAfterAStateCycle) {
  SamplerHarness t(make_sampler(2, 0));
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "a", "img-0"));
  const std::vector<guint8> first = bytes_of(out.at(0));
  unref_all(out);
  gst_element_set_state(t.element, GST_STATE_NULL);
  gst_harness_play(t.h);
  gst_harness_set_src_caps_str(t.h, kGrayCaps);
  out = t.run(make_labelled_frame(0, "a", "img-0"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(bytes_of(out[0]), first);
  unref_all(out);
}

// What a resumed datasetsink downstream would answer to higfa-done-samples queries, put on the
// harness's sink pad in front of its own query function; records what it was asked.
struct DoneResponder {
  std::vector<guint> done;
  std::string mismatch;
  std::vector<std::string> asked_ids;
  nlohmann::json settings;
  GstPadQueryFunction harness_query = nullptr;

  void install(GstHarness* h) {
    harness_query = GST_PAD_QUERYFUNC(h->sinkpad);
    g_object_set_data(G_OBJECT(h->sinkpad), "done-responder", this);
    gst_pad_set_query_function(h->sinkpad, answer);
  }

  static gboolean answer(GstPad* pad, GstObject* parent, GstQuery* query) {
    auto* self = static_cast<DoneResponder*>(g_object_get_data(G_OBJECT(pad), "done-responder"));
    const GstStructure* s =
        GST_QUERY_TYPE(query) == GST_QUERY_CUSTOM ? gst_query_get_structure(query) : nullptr;
    if (s == nullptr || !gst_structure_has_name(s, "higfa-done-samples"))
      return self->harness_query(pad, parent, query);
    self->asked_ids.push_back(gst_structure_get_string(s, "source-id"));
    self->settings = nlohmann::json::parse(gst_structure_get_string(s, "settings"));
    GstStructure* w = gst_query_writable_structure(query);
    GValue array = G_VALUE_INIT;
    gst_value_array_init(&array, 0);
    for (const guint i : self->done) {
      GValue v = G_VALUE_INIT;
      g_value_init(&v, G_TYPE_UINT);
      g_value_set_uint(&v, i);
      gst_value_array_append_and_take_value(&array, &v);
    }
    gst_structure_take_value(w, "done", &array);
    gst_structure_set(w, "mismatch", G_TYPE_STRING, self->mismatch.c_str(), nullptr);
    return TRUE;
  }
};

TEST(HigfaSampler, GeneratesOnlyTheSamplesDownstreamHasNotWritten) {
  SamplerHarness t(make_sampler(4, 7));
  DoneResponder responder;
  responder.done = {0, 2};
  responder.install(t.h);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "b", "img-0"));
  ASSERT_EQ(out.size(), 2u);
  for (guint k = 0; k < 2; ++k) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[k]);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->sample_index, k == 0 ? 1u : 3u);
    EXPECT_EQ(p->seed, higfa::derive_seed(7, "img-0", p->sample_index));  // as if never stopped
  }
  unref_all(out);
  EXPECT_EQ(responder.asked_ids, (std::vector<std::string>{"img-0"}));
  EXPECT_EQ(get_counter(t.element, "generated"), 2u);
  EXPECT_EQ(get_counter(t.element, "already-written"), 2u);
  EXPECT_EQ(get_counter(t.element, "processed"), 1u);
  // A frame with every sample written is dropped, and counts as processed.
  responder.done = {0, 1, 2, 3};
  EXPECT_TRUE(t.run(make_labelled_frame(1, "b", "img-1")).empty());
  EXPECT_EQ(get_counter(t.element, "already-written"), 6u);
  EXPECT_EQ(get_counter(t.element, "processed"), 2u);
}

// The settings sent are those that change what is generated, with the bundle's fingerprint.
TEST(HigfaSampler, ReportsTheSettingsThatChangeTheOutputsDownstream) {
  SamplerHarness t(make_sampler(2, 5));
  DoneResponder responder;
  responder.install(t.h);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "b", "img-0"));
  unref_all(out);
  const nlohmann::json& s = responder.settings;
  EXPECT_EQ(s.at("num-inference-steps"), 4);
  EXPECT_EQ(s.at("samples-per-image"), 2);
  EXPECT_EQ(s.at("seed"), 5);
  EXPECT_EQ(s.at("guidance"), "higfa");
  EXPECT_EQ(s.at("bundle"), kTinyBundle);
  EXPECT_EQ(s.at("bundle-fingerprint").get<std::string>().size(), 16u);
  for (const char* name :
       {"device", "threads", "retain-memory", "batch-size", "missing-label", "name", "qos"})
    EXPECT_FALSE(s.contains(name)) << name;
}

TEST(HigfaSampler, ASettingsMismatchDownstreamIsAnErrorNamingIt) {
  SamplerHarness t(make_sampler(2, 0));
  DoneResponder responder;
  responder.mismatch = "seed was 1 in out/run.json, now 0";
  responder.install(t.h);
  std::vector<GstBuffer*> out = t.run(make_labelled_frame(0, "b", "img-0"), GST_FLOW_ERROR);
  EXPECT_TRUE(out.empty());
  const std::string error = pop_error(t.bus);
  EXPECT_NE(error.find("resume: seed was 1 in out/run.json, now 0"), std::string::npos) << error;
  EXPECT_EQ(get_counter(t.element, "generated"), 0u);
}

}  // namespace

namespace {

// A latent, text-conditioned bundle (tools/make_latent_fixtures.py): RGB 8x12 images, classes a,
// b, c with 2, 1 and 3 prompts.
const std::string kLatentBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/latent-tiny";

TEST(HigfaSampler, LatentTextBundleMakesRgbFramesAtItsResolutionWithTheirPrompts) {
  GstElement* element = make_sampler(3, 11);
  g_object_set(element, "bundle", kLatentBundle.c_str(), nullptr);
  SamplerHarness t(element);
  GstBuffer* in = make_labelled_frame(0, "c", "img-0");
  add_contour(in);
  std::vector<GstBuffer*> out = t.run(in);
  ASSERT_EQ(out.size(), 3u);
  GstPad* src = gst_element_get_static_pad(element, "src");
  GstCaps* caps = gst_pad_get_current_caps(src);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, caps));
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_RGB);
  EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 12);
  EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 8);
  gst_caps_unref(caps);
  gst_object_unref(src);
  const char* prompts[] = {"a photo of c", "a drawing of c", "a painting of c"};
  for (guint i = 0; i < 3; ++i) {
    const GstHigfaProvenanceMeta* p = gst_buffer_get_higfa_provenance_meta(out[i]);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->class_id, 2);
    EXPECT_EQ(p->prompt_index, higfa::prompt_index_for(p->seed, 3));
    ASSERT_GE(p->prompt_index, 0);
    EXPECT_STREQ(p->prompt, prompts[p->prompt_index]);
    EXPECT_GE(gst_buffer_get_size(out[i]), static_cast<gsize>(GST_VIDEO_INFO_SIZE(&info)));
  }
  unref_all(out);
}

}  // namespace
