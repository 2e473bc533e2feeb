// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: the image decoder entry, the header check then the decode of any bytes.
#include <higfa/dataset.h>
#include <higfa/image_header.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A small limit keeps each run fast and its memory bounded; the header check is the same.
  const higfa::DecodeLimits limits{1u << 20};
  higfa::ImageHeader header;
  try {
    header = higfa::read_image_header(data, size, "fuzz");
  } catch (const higfa::ImageDecodeError&) {
    return 0;
  }
  try {
    const higfa::DecodedImage img = higfa::decode_image_bytes(data, size, "fuzz", limits);
    // What is decoded has the header's size, within the limit, and its pixels all there.
    if (static_cast<std::uint64_t>(img.width) != header.width ||
        static_cast<std::uint64_t>(img.height) != header.height ||
        header.pixels() > limits.max_pixels ||
        img.pixels.size() !=
            header.pixels() * static_cast<std::size_t>(higfa::bytes_per_pixel(img.format))) {
      std::abort();
    }
  } catch (const higfa::ImageDecodeError&) {
  }
  return 0;
}
