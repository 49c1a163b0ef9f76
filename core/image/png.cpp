#include "core/image/png.h"
#include "core/image/oiio_pixels.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <OpenImageIO/filesystem.h>
#include <OpenImageIO/imageio.h>

#include <cstring>
#include <fstream>

namespace lightning {

namespace {

std::vector<unsigned char> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, std::string("cannot open file: ") + std::strerror(errno));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(path, "read failed");
    return bytes;
}

// --- pixels through OpenImageIO ---------------------------------------------------------------

std::vector<unsigned char> encode_pixels(const Image8& image, const std::string& path) {
    std::vector<unsigned char> encoded;
    OIIO::Filesystem::IOVecOutput proxy(encoded);
    auto out = OIIO::ImageOutput::create("png");
    if (!out) throw Error(path, "OpenImageIO has no PNG writer: " + OIIO::geterror());
    OIIO::ImageSpec spec(image.width, image.height, 3, OIIO::TypeDesc::UINT8);
    if (!out->set_ioproxy(&proxy) || !out->open("memory.png", spec))
        throw Error(path, "cannot encode PNG: " + out->geterror());
    if (!out->write_image(OIIO::TypeDesc::UINT8, image.rgb.data()))
        throw Error(path, "cannot encode PNG: " + out->geterror());
    if (!out->close()) throw Error(path, "cannot encode PNG: " + out->geterror());
    return encoded;
}

Image8 decode_pixels(const std::vector<unsigned char>& bytes, const std::string& path) {
    OIIO::Filesystem::IOMemReader proxy(bytes.data(), bytes.size());
    auto in = OIIO::ImageInput::create("png");
    if (!in) throw Error(path, "OpenImageIO has no PNG reader: " + OIIO::geterror());
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha",
                     1);  // colour as stored, as image_pixels.cpp reads it
    in->set_ioproxy(&proxy);
    OIIO::ImageSpec spec;
    if (!in->open(path, spec, config)) throw Error(path, "cannot decode PNG: " + in->geterror());
    const int channels = spec.nchannels;
    if (spec.width <= 0 || spec.height <= 0 || channels < 1 || channels > 4)
        throw Error(path, "unsupported PNG layout: " + std::to_string(channels) + " channels");
    Image8 image = read_rgb8(*in, path);
    in->close();
    return image;
}

}  // namespace

std::vector<unsigned char> encode_png(const Image8& image, const PngText& text,
                                      const std::string& path) {
    if (image.width <= 0 || image.height <= 0)
        throw Error(path, "cannot write an empty image (" + std::to_string(image.width) + "x" +
                              std::to_string(image.height) + ")");
    if (image.rgb.size() != size_t(image.width) * image.height * 3)
        throw Error(path, "pixel buffer has " + std::to_string(image.rgb.size()) +
                              " bytes, expected width*height*3 = " +
                              std::to_string(size_t(image.width) * image.height * 3));

    // Text chunks are prepared first so invalid text fails before anything touches the disk.
    const std::vector<unsigned char> text_chunks = encode_png_text_chunks(text, path);

    // OpenImageIO writes the pixels; its own text output would put raw UTF-8 into tEXt, so the
    // chunks are spliced in here, just before IEND (after any text OpenImageIO may have added,
    // which is dropped).
    const std::vector<unsigned char> encoded = encode_pixels(image, path);
    const std::vector<PngChunk> chunks = parse_png_chunks(encoded, path);
    std::vector<unsigned char> out(encoded.begin(), encoded.begin() + 8);
    for (const auto& chunk : chunks) {
        if (is_png_text_chunk(chunk.type)) continue;
        if (chunk.type == "IEND") out.insert(out.end(), text_chunks.begin(), text_chunks.end());
        out.insert(out.end(), encoded.begin() + chunk.data_offset - 8,
                   encoded.begin() + chunk.data_offset + chunk.length + 4);
    }
    return out;
}

void write_png(const std::string& path, const Image8& image, const PngText& text,
               IfExists if_exists) {
    const std::vector<unsigned char> out = encode_png(image, text, path);
    AtomicFile file(path, if_exists);
    file.write(out.data(), out.size());
    file.commit();
}

Image8 read_png(const std::string& path, PngText* text, const TextKeys& keys) {
    const std::vector<unsigned char> bytes = read_file(path);
    // Chunk framing and CRCs are checked first, so a corrupt file is reported as such.
    if (text)
        *text = parse_png_text(bytes, path, keys);
    else
        parse_png_chunks(bytes, path);
    return decode_pixels(bytes, path);
}

PngText read_png_text(const std::string& path, const TextKeys& keys) {
    const std::vector<unsigned char> bytes = read_file(path);
    return parse_png_text(bytes, path, keys);
}

}  // namespace lightning
