// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of libgsthigfa-1.0's metas: add/get, survival of buffer copies, the intended label and
// the JSON form.
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"

namespace {

using nlohmann::json;

// Parses a g_malloc'ed JSON string and frees it.
json parse_and_free(gchar *text) {
  EXPECT_NE(text, nullptr);
  const std::string s = text != nullptr ? text : "";
  g_free(text);
  EXPECT_EQ(s.find('\n'), std::string::npos) << "JSON must stay on one line: " << s;
  return json::parse(s);
}

GstBuffer *new_edges(gint stride, gint height, guint8 fill) {
  GstBuffer *edges = gst_buffer_new_allocate(nullptr, static_cast<gsize>(stride) * height, nullptr);
  gst_buffer_memset(edges, 0, fill, static_cast<gsize>(stride) * height);
  return edges;
}

TEST(HigfaMetas, ApisAreRegisteredWithTheirTags) {
  const GQuark video = g_quark_from_string(GST_META_TAG_VIDEO_STR);
  const GQuark size = g_quark_from_string(GST_META_TAG_VIDEO_SIZE_STR);
  EXPECT_TRUE(gst_meta_api_type_has_tag(GST_HIGFA_CONTOUR_META_API_TYPE, video));
  EXPECT_TRUE(gst_meta_api_type_has_tag(GST_HIGFA_CONTOUR_META_API_TYPE, size));
  for (GType api : {GST_HIGFA_LABEL_META_API_TYPE, GST_HIGFA_PROVENANCE_META_API_TYPE,
                    GST_HIGFA_CLASSIFICATION_META_API_TYPE}) {
    EXPECT_EQ(gst_meta_api_type_get_tags(api), nullptr) << g_type_name(api);
  }
  EXPECT_NE(GST_HIGFA_CONTOUR_META_INFO, nullptr);
  EXPECT_NE(GST_HIGFA_LABEL_META_INFO, nullptr);
  EXPECT_NE(GST_HIGFA_PROVENANCE_META_INFO, nullptr);
  EXPECT_NE(GST_HIGFA_CLASSIFICATION_META_INFO, nullptr);
}

TEST(HigfaMetas, ContourMetaCopySharesTheEdgeDataAndOutlivesTheOriginal) {
  GstBuffer *buffer = gst_buffer_new();
  GstBuffer *edges = new_edges(8, 5, 255);
  const GstHigfaContourParams params{5, 1.5, 20.0, 60.0, TRUE, 0.25, TRUE, TRUE};
  ASSERT_NE(gst_buffer_add_higfa_contour_meta(buffer, edges, 7, 5, 8, &params), nullptr);
  gst_buffer_unref(edges);

  GstBuffer *copy = gst_buffer_copy(buffer);
  gst_buffer_unref(buffer);
  const GstHigfaContourMeta *meta = gst_buffer_get_higfa_contour_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->width, 7);
  EXPECT_EQ(meta->height, 5);
  EXPECT_EQ(meta->stride, 8);
  EXPECT_EQ(meta->params.blur_size, 5);
  EXPECT_EQ(meta->params.high_threshold, 60.0);
  EXPECT_TRUE(meta->params.thinning);
  GstMapInfo map;
  ASSERT_TRUE(gst_buffer_map(meta->edges, &map, GST_MAP_READ));
  ASSERT_EQ(map.size, 40u);
  for (gsize i = 0; i < map.size; ++i) ASSERT_EQ(map.data[i], 255) << i;
  gst_buffer_unmap(meta->edges, &map);
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, ContourMetaToJsonHasTheSettingsButNotThePixels) {
  GstBuffer *buffer = gst_buffer_new();
  GstBuffer *edges = new_edges(4, 2, 0);
  const GstHigfaContourParams params{3, 0.0, 50.0, 150.0, FALSE, 0.33, FALSE, TRUE};
  const GstHigfaContourMeta *meta =
      gst_buffer_add_higfa_contour_meta(buffer, edges, 3, 2, 4, &params);
  gst_buffer_unref(edges);
  const json j = parse_and_free(gst_higfa_contour_meta_to_json(meta));
  EXPECT_EQ(j["width"], 3);
  EXPECT_EQ(j["height"], 2);
  EXPECT_EQ(j["blur_size"], 3);
  EXPECT_EQ(j["low_threshold"].get<double>(), 50.0);
  EXPECT_EQ(j["auto_sigma"].get<double>(), 0.33);
  EXPECT_EQ(j["auto_threshold"], false);
  EXPECT_EQ(j["thinning"], true);
  EXPECT_FALSE(j.contains("edges"));
  gst_buffer_unref(buffer);
}

TEST(HigfaMetas, LabelMetaAddGetAndDeepCopy) {
  GstBuffer *buffer = gst_buffer_new();
  ASSERT_NE(
      gst_buffer_add_higfa_label_meta(buffer, 6, "shirt", "/data/shirt/1.png", "fm-50012", 50012),
      nullptr);
  GstBuffer *copy = gst_buffer_copy(buffer);
  const GstHigfaLabelMeta *original = gst_buffer_get_higfa_label_meta(buffer);
  const GstHigfaLabelMeta *meta = gst_buffer_get_higfa_label_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_NE(meta, original);
  EXPECT_NE(meta->class_name, original->class_name);  // a copy, not a shared pointer
  gst_buffer_unref(buffer);
  EXPECT_EQ(meta->class_id, 6);
  EXPECT_STREQ(meta->class_name, "shirt");
  EXPECT_STREQ(meta->source_path, "/data/shirt/1.png");
  EXPECT_STREQ(meta->source_id, "fm-50012");
  EXPECT_EQ(meta->source_index, 50012u);
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, LabelMetaJsonRoundTripsAwkwardStrings) {
  GstBuffer *buffer = gst_buffer_new();
  const char *name = "a \"quoted\" back\\slash\nnew\tline\x01 caf\xc3\xa9";
  const GstHigfaLabelMeta *meta = gst_buffer_add_higfa_label_meta(
      buffer, 3, name, "/bad/\xff.png", nullptr, G_GUINT64_CONSTANT(18446744073709551615));
  const json j = parse_and_free(gst_higfa_label_meta_to_json(meta));
  EXPECT_EQ(j["class_id"], 3);
  EXPECT_EQ(j["class_name"].get<std::string>(), name);
  EXPECT_EQ(j["source_path"].get<std::string>(), "/bad/\xef\xbf\xbd.png");  // U+FFFD
  EXPECT_TRUE(j["source_id"].is_null());
  EXPECT_EQ(j["source_index"].get<guint64>(), G_GUINT64_CONSTANT(18446744073709551615));
  gst_buffer_unref(buffer);
}

TEST(HigfaMetas, ProvenanceMetaAddGetCopyAndJson) {
  GstBuffer *buffer = gst_buffer_new();
  GstHigfaTransformParams transform;
  gst_higfa_transform_params_init(&transform);
  transform.rotation_deg = -7.5;
  transform.flip = TRUE;
  GstHigfaGuidanceParams guidance;
  gst_higfa_guidance_params_init(&guidance);
  guidance.guidance_scale = 5.0;
  gchar scheduler[] = "ddim";
  guidance.scheduler = scheduler;
  GstHigfaProvenanceMeta *added = gst_buffer_add_higfa_provenance_meta(
      buffer, "fm-50012", 6, "shirt", 3, G_GUINT64_CONSTANT(0xfedcba9876543210), "higfa",
      &transform, &guidance, 0.875);
  ASSERT_NE(added, nullptr);
  EXPECT_NE(added->guidance.scheduler, scheduler);  // copied
  GstBuffer *copy = gst_buffer_copy(buffer);
  gst_buffer_unref(buffer);
  const GstHigfaProvenanceMeta *meta = gst_buffer_get_higfa_provenance_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_STREQ(meta->source_id, "fm-50012");
  EXPECT_EQ(meta->class_id, 6);
  EXPECT_STREQ(meta->class_name, "shirt");
  EXPECT_EQ(meta->sample_index, 3u);
  EXPECT_EQ(meta->seed, G_GUINT64_CONSTANT(0xfedcba9876543210));
  EXPECT_STREQ(meta->mode, "higfa");
  EXPECT_EQ(meta->final_confidence, 0.875);
  EXPECT_EQ(meta->transform.rotation_deg, -7.5);
  EXPECT_TRUE(meta->transform.flip);
  EXPECT_STREQ(meta->guidance.scheduler, "ddim");
  EXPECT_EQ(meta->n_confidences, 0u);

  const json j = parse_and_free(gst_higfa_provenance_meta_to_json(meta));
  EXPECT_EQ(j["source_id"], "fm-50012");
  EXPECT_EQ(j["class_id"], 6);
  EXPECT_EQ(j["class_name"], "shirt");
  EXPECT_EQ(j["sample_index"], 3);
  EXPECT_EQ(j["seed"].get<guint64>(), G_GUINT64_CONSTANT(0xfedcba9876543210));
  EXPECT_EQ(j["mode"], "higfa");
  EXPECT_EQ(j["transform"]["rotation_deg"].get<double>(), -7.5);
  EXPECT_EQ(j["transform"]["flip"], true);
  EXPECT_EQ(j["guidance"]["guidance_scale"].get<double>(), 5.0);
  EXPECT_EQ(j["guidance"]["mode"], "higfa");
  EXPECT_EQ(j["final_confidence"].get<double>(), 0.875);
  EXPECT_TRUE(j["extra"]["confidences"].empty());
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, ProvenanceUnknownConfidenceIsNullInJson) {
  GstBuffer *buffer = gst_buffer_new();
  GstHigfaProvenanceMeta *meta = gst_buffer_add_higfa_provenance_meta(
      buffer, nullptr, -1, nullptr, 0, 0, "cfg", nullptr, nullptr, -1.0);
  const gint steps[] = {1, 2};
  const gdouble confidences[] = {0.25, 0.5};
  gst_higfa_provenance_meta_set_confidences(meta, 2, steps, confidences);
  const json j = parse_and_free(gst_higfa_provenance_meta_to_json(meta));
  EXPECT_TRUE(j["final_confidence"].is_null());
  EXPECT_TRUE(j["guidance"]["final_weights"].is_null());
  EXPECT_EQ(j["extra"]["confidences"], json::parse("[[1, 0.25], [2, 0.5]]"));
  gst_buffer_unref(buffer);
}

// The bridge stores every field of higfa::Provenance, and the meta's JSON is the library's.
TEST(HigfaMetas, TypedProvenanceRoundTripsThroughTheMeta) {
  higfa::Provenance p;
  p.source_id = "Coat/50022";
  p.class_id = 4;
  p.class_name = "Coat";
  p.sample_index = 2;
  p.seed = 99;
  p.transform.shear_deg = 4.25;
  p.transform.noise_seed = 17;
  p.guidance.mode = "higfa";
  p.guidance.scheduler = "dpm++2m";
  p.guidance.num_inference_steps = 12;
  p.guidance.classifier_lo = 0.125;
  p.guidance.classifier_grad = "approx";
  p.guidance.has_final_weights = true;
  p.guidance.final_weights.step = 11;
  p.guidance.final_weights.classifier_applied = true;
  p.final_confidence = 0.5;
  p.bundle = "models/fashion-mnist";
  p.bundle_name = "fashion-mnist";
  p.base_seed = 7;
  p.contour_used = true;
  p.confidences = {{9, 0.25}, {11, 0.75}};
  GstBuffer *buffer = gst_buffer_new();
  ASSERT_NE(gst_higfa_buffer_add_provenance(buffer, p), nullptr);
  GstBuffer *copy = gst_buffer_copy(buffer);
  gst_buffer_unref(buffer);
  const GstHigfaProvenanceMeta *meta = gst_buffer_get_higfa_provenance_meta(copy);
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->transform.shear_deg, 4.25);
  EXPECT_EQ(meta->guidance.num_inference_steps, 12);
  EXPECT_STREQ(meta->guidance.classifier_grad, "approx");
  EXPECT_EQ(meta->guidance.final_weights.step, 11);
  EXPECT_STREQ(meta->bundle_name, "fashion-mnist");
  EXPECT_TRUE(meta->contour_used);
  guint n = 0;
  const gdouble *c = gst_higfa_provenance_meta_get_confidences(meta, &n);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(c[1], 0.75);
  EXPECT_EQ(gst_higfa_provenance_meta_get_confidence_steps(meta, &n)[0], 9);
  gchar *text = gst_higfa_provenance_meta_to_json(meta);
  EXPECT_EQ(std::string(text), higfa::to_json(p));
  g_free(text);
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, ClassificationMetaAddGetCopyAndJson) {
  GstBuffer *buffer = gst_buffer_new();
  const gint ids[] = {6, 0, 2};
  const gchar *names[] = {"shirt", nullptr, "pullover"};
  const gfloat scores[] = {0.7f, 0.2f, 0.1f};
  ASSERT_NE(gst_buffer_add_higfa_classification_meta(buffer, 3, ids, names, scores, 6, 0.7),
            nullptr);
  GstBuffer *copy = gst_buffer_copy(buffer);
  gst_buffer_unref(buffer);
  const GstHigfaClassificationMeta *meta = gst_buffer_get_higfa_classification_meta(copy);
  ASSERT_NE(meta, nullptr);
  ASSERT_EQ(meta->n, 3u);
  EXPECT_EQ(g_strv_length(meta->class_names), 3u);
  EXPECT_STREQ(meta->class_names[1], "");
  EXPECT_EQ(meta->class_ids[2], 2);
  EXPECT_EQ(meta->scores[0], 0.7f);
  EXPECT_EQ(meta->label_id, 6);
  EXPECT_EQ(meta->label_score, 0.7);

  const json j = parse_and_free(gst_higfa_classification_meta_to_json(meta));
  ASSERT_EQ(j["topk"].size(), 3u);
  for (guint i = 0; i < 3; ++i) {
    EXPECT_EQ(j["topk"][i]["class_id"], ids[i]);
    EXPECT_EQ(static_cast<gfloat>(j["topk"][i]["score"].get<double>()), scores[i]);
  }
  EXPECT_EQ(j["topk"][0]["class_name"], "shirt");
  EXPECT_EQ(j["topk"][1]["class_name"], "");
  EXPECT_EQ(j["label_id"], 6);
  EXPECT_EQ(j["label_score"].get<double>(), 0.7);
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, ClassificationWithoutLabelHasNullLabelFields) {
  GstBuffer *buffer = gst_buffer_new();
  const gint ids[] = {1};
  const gfloat scores[] = {1.0f};
  const GstHigfaClassificationMeta *meta =
      gst_buffer_add_higfa_classification_meta(buffer, 1, ids, nullptr, scores, -1, -1.0);
  const json j = parse_and_free(gst_higfa_classification_meta_to_json(meta));
  EXPECT_TRUE(j["label_id"].is_null());
  EXPECT_TRUE(j["label_score"].is_null());
  EXPECT_EQ(j["topk"][0]["class_name"], "");
  gst_buffer_unref(buffer);
}

TEST(HigfaMetas, BufferJsonHasOneMemberPerMeta) {
  GstBuffer *buffer = gst_buffer_new();
  {
    const json empty = parse_and_free(gst_higfa_buffer_metas_to_json(buffer));
    EXPECT_TRUE(empty.is_object());
    EXPECT_TRUE(empty.empty());
  }
  gst_buffer_add_higfa_label_meta(buffer, 1, "trouser", nullptr, "id", 0);
  gst_buffer_add_higfa_provenance_meta(buffer, "id", 1, "trouser", 0, 7, "cfg", nullptr, nullptr,
                                       0.5);
  const json j = parse_and_free(gst_higfa_buffer_metas_to_json(buffer));
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j["label"]["class_name"], "trouser");
  EXPECT_EQ(j["provenance"]["seed"], 7);
  gchar *text = gst_higfa_buffer_metas_to_json(buffer);
  EXPECT_EQ(std::string(text), higfa::to_json(gst_higfa_buffer_metas_record(buffer)));
  g_free(text);
  gst_buffer_unref(buffer);
}

// Numbers are written in the shortest form that reads back exactly; non-finite ones as null.
TEST(HigfaJson, NumbersAreShortestExactAndNonFiniteIsNull) {
  GstBuffer *buffer = gst_buffer_new();
  GstBuffer *edges = new_edges(1, 1, 0);
  const GstHigfaContourParams params{3, 0.1, 1.0 / 3.0, NAN, FALSE, -INFINITY, FALSE, FALSE};
  const GstHigfaContourMeta *meta =
      gst_buffer_add_higfa_contour_meta(buffer, edges, 1, 1, 1, &params);
  gst_buffer_unref(edges);
  gchar *text = gst_higfa_contour_meta_to_json(meta);
  const std::string s = text;
  g_free(text);
  EXPECT_NE(s.find("\"blur_sigma\":0.1,"), std::string::npos) << s;
  const json j = json::parse(s);
  EXPECT_EQ(j["low_threshold"].get<double>(), 1.0 / 3.0);
  EXPECT_TRUE(j["high_threshold"].is_null());
  EXPECT_TRUE(j["auto_sigma"].is_null());
  // A float score is the shortest decimal of the float, not its binary expansion.
  const gint ids[] = {0};
  const gfloat scores[] = {0.7f};
  gst_buffer_add_higfa_classification_meta(buffer, 1, ids, nullptr, scores, -1, -1.0);
  const GstHigfaClassificationMeta *cm = gst_buffer_get_higfa_classification_meta(buffer);
  const json c = parse_and_free(gst_higfa_classification_meta_to_json(cm));
  EXPECT_EQ(c["topk"][0]["score"].get<double>(), 0.7);
  gst_buffer_unref(buffer);
}

// Generated frames are what their provenance says, labelled ones what their label says.
TEST(HigfaIntendedLabel, ProvenanceThenLabelThenNone) {
  GstBuffer *buffer = gst_buffer_new();
  gint id = 99;
  const gchar *name = "x";
  EXPECT_EQ(gst_higfa_buffer_get_intended_label(buffer, &id, &name), GST_HIGFA_LABEL_SOURCE_NONE);
  EXPECT_EQ(id, -1);
  EXPECT_EQ(name, nullptr);
  gst_buffer_add_higfa_label_meta(buffer, -1, "", nullptr, nullptr, 0);  // carries no class
  EXPECT_EQ(gst_higfa_buffer_get_intended_label(buffer, &id, &name), GST_HIGFA_LABEL_SOURCE_NONE);
  gst_buffer_add_higfa_provenance_meta(buffer, "s", -1, nullptr, 0, 0, "cfg", nullptr, nullptr,
                                       -1.0);  // neither does this
  EXPECT_EQ(gst_higfa_buffer_get_intended_label(buffer, nullptr, nullptr),
            GST_HIGFA_LABEL_SOURCE_NONE);
  gst_buffer_unref(buffer);

  buffer = gst_buffer_new();
  gst_buffer_add_higfa_label_meta(buffer, 3, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(gst_higfa_buffer_get_intended_label(buffer, &id, &name), GST_HIGFA_LABEL_SOURCE_LABEL);
  EXPECT_EQ(id, 3);
  EXPECT_EQ(name, nullptr);
  gst_buffer_add_higfa_provenance_meta(buffer, "s", -1, "Coat", 0, 0, "cfg", nullptr, nullptr,
                                       -1.0);
  EXPECT_EQ(gst_higfa_buffer_get_intended_label(buffer, &id, &name),
            GST_HIGFA_LABEL_SOURCE_PROVENANCE);
  EXPECT_EQ(id, -1);
  EXPECT_STREQ(name, "Coat");
  gst_buffer_unref(buffer);
}

TEST(HigfaMetas, ClassificationArraysThroughTheAccessors) {
  GstBuffer *buffer = gst_buffer_new();
  const gint ids[] = {2, 5};
  const gchar *names[] = {"c", "f"};
  const gfloat scores[] = {0.6f, 0.3f};
  const GstHigfaClassificationMeta *meta =
      gst_buffer_add_higfa_classification_meta(buffer, 2, ids, names, scores, 5, 0.3);
  guint n = 0;
  EXPECT_EQ(gst_higfa_classification_meta_get_class_ids(meta, &n)[1], 5);
  EXPECT_EQ(n, 2u);
  EXPECT_STREQ(gst_higfa_classification_meta_get_class_names(meta, &n)[0], "c");
  EXPECT_EQ(gst_higfa_classification_meta_get_scores(meta, &n)[1], 0.3f);
  gst_buffer_unref(buffer);
}

}  // namespace
