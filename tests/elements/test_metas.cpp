// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the plugin's metas: add/get, survival of buffer copies, and the JSON form.
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "gsthigfameta.h"

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
  ASSERT_NE(gst_buffer_add_higfa_provenance_meta(
                buffer, "fm-50012", 6, "shirt", 3, G_GUINT64_CONSTANT(0xfedcba9876543210), "higfa",
                "{\"rotation\": -7.5,\n \"flip\": true}", "{\"w_text\":5.0}", 0.875, nullptr),
            nullptr);
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
  EXPECT_EQ(meta->extra_json, nullptr);

  const json j = parse_and_free(gst_higfa_provenance_meta_to_json(meta));
  EXPECT_EQ(j["source_id"], "fm-50012");
  EXPECT_EQ(j["class_id"], 6);
  EXPECT_EQ(j["class_name"], "shirt");
  EXPECT_EQ(j["sample_index"], 3);
  EXPECT_EQ(j["seed"].get<guint64>(), G_GUINT64_CONSTANT(0xfedcba9876543210));
  EXPECT_EQ(j["mode"], "higfa");
  EXPECT_EQ(j["transform"]["rotation"].get<double>(), -7.5);
  EXPECT_EQ(j["transform"]["flip"], true);
  EXPECT_EQ(j["guidance"]["w_text"].get<double>(), 5.0);
  EXPECT_EQ(j["final_confidence"].get<double>(), 0.875);
  EXPECT_TRUE(j["extra"].is_null());
  gst_buffer_unref(copy);
}

TEST(HigfaMetas, ProvenanceUnknownConfidenceIsNullInJson) {
  GstBuffer *buffer = gst_buffer_new();
  const GstHigfaProvenanceMeta *meta = gst_buffer_add_higfa_provenance_meta(
      buffer, nullptr, -1, nullptr, 0, 0, "cfg", nullptr, "", -1.0, "[1,2]");
  const json j = parse_and_free(gst_higfa_provenance_meta_to_json(meta));
  EXPECT_TRUE(j["final_confidence"].is_null());
  EXPECT_TRUE(j["guidance"].is_null());
  EXPECT_EQ(j["extra"], json::array({1, 2}));
  gst_buffer_unref(buffer);
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
                                       0.5, nullptr);
  const json j = parse_and_free(gst_higfa_buffer_metas_to_json(buffer));
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j["label"]["class_name"], "trouser");
  EXPECT_EQ(j["provenance"]["seed"], 7);
  gst_buffer_unref(buffer);
}

TEST(HigfaJson, NumbersAreShortestExactAndNonFiniteIsNull) {
  GString *out = g_string_new(nullptr);
  gst_higfa_json_append_double(out, 0.1);
  g_string_append_c(out, ' ');
  gst_higfa_json_append_double(out, 1.0 / 3.0);
  g_string_append_c(out, ' ');
  gst_higfa_json_append_double(out, NAN);
  g_string_append_c(out, ' ');
  gst_higfa_json_append_double(out, -INFINITY);
  gchar *text = g_string_free(out, FALSE);
  gchar **parts = g_strsplit(text, " ", -1);
  EXPECT_STREQ(parts[0], "0.1");
  EXPECT_EQ(g_ascii_strtod(parts[1], nullptr), 1.0 / 3.0);
  EXPECT_STREQ(parts[2], "null");
  EXPECT_STREQ(parts[3], "null");
  g_strfreev(parts);
  g_free(text);
}

}  // namespace
