// The one `parameters` codec (core/request/parameters.h): what the app and the CLI write reads
// back as the same record; foreign A1111-style texts read leniently with unknown keys kept;
// hostile sizes do not crash it.
#include "core/request/parameters.h"
#include "core/util/error.h"

#include <QDir>
#include <QFile>
#include <QtTest/QtTest>

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace lightning;

namespace {

ImageRecord sample_record() {
    ImageRecord r;
    r.request.prompt = "a cat, oil painting\nsecond line";
    r.request.negative_prompt = "blurry";
    r.request.steps = 4;
    r.request.guidance = 1.5;
    r.request.seed = (uint64_t(1) << 53) - 1;
    r.request.width = 1024;
    r.request.height = 768;
    r.request.clip_skip = 2;
    r.request.timestep_spacing = TimestepSpacing::Trailing;
    r.request.prompt_syntax = PromptSyntax::Compel;
    r.request.loras = {{"style", 0.8}, {"detail v2", 1}};
    r.loras = {{"style", "0123456789"}, {"detail v2", "abcdefabcd"}};
    r.request.embeddings = {{"neg1", "neg1"}};
    r.embeddings = {{"neg1", "1111111111"}};
    r.model = {"sdxl-base", "2222222222"};
    r.unet = {"sdxl_lightning_4step_unet", "3333333333"};
    r.vae = {"sdxl.vae", "4444444444"};
    r.version = "Lightning Studio 0.2.0";
    r.extra = {{"Face restoration", "CodeFormer"}, {"Note", "a, b"}};
    return r;
}

// What the fuzz_parameters target checks for every input: the text reads, writes out, reads back
// and writes out the same again (one normalisation, then stable).
ImageRecord read_write_stable(const std::string& text) {
    const auto record = parse_parameters(text);
    if (!record) throw std::runtime_error("no settings line in: " + text);
    const std::string written = format_parameters(*record);
    const auto again = parse_parameters(written);
    if (!again || format_parameters(*again) != written)
        throw std::runtime_error("does not read back as written: " + written);
    return *again;
}

ImageRecord record_with_loras(const std::vector<std::pair<std::string, std::string>>& loras) {
    ImageRecord r;
    r.request.prompt = "a fox";
    for (size_t i = 0; i < loras.size(); ++i) {
        r.request.loras.push_back({loras[i].first, 0.5 + double(i)});
        r.loras.push_back({loras[i].first, loras[i].second});
    }
    return r;
}

}  // namespace

class TestParametersCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyFieldRoundTrips() {
        const auto record = sample_record();
        const std::string text = format_parameters(record);
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        QCOMPARE(format_parameters(*back), text);
    }

    // img2img / inpainting settings: A1111's keys where it has them (Denoising strength, Mask
    // blur), ours for the rest; the input files by name and hash.
    void refineSettingsRoundTrip() {
        auto record = sample_record();
        record.request.input = {"input", 0.35, ImageFit::Pad, "mask", 6, {0, 64, 128, 8}, true};
        record.input_image = {"input", "5555555555"};
        record.mask = {"mask", "6666666666"};
        const std::string text = format_parameters(record);
        for (const char* key :
             {"Denoising strength: 0.35", "Init image: input", "Init image hash: 5555555555",
              "Fit: pad", "Mask: mask", "Mask hash: 6666666666", "Mask blur: 6",
              "Outpaint: 0;64;128;8", "Keep unmasked: true"})
            QVERIFY2(text.find(key) != std::string::npos, text.c_str());
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        // Text to image writes none of them.
        const std::string plain = format_parameters(sample_record());
        QVERIFY(plain.find("Denoising") == std::string::npos &&
                plain.find("Mask") == std::string::npos);
        // A broken value is kept as written and named as unreadable, not read as a default.
        const auto broken = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Init image: x, Denoising strength: much, "
            "Outpaint: 1;2;3");
        QVERIFY(broken.has_value());
        const auto unreadable = unreadable_settings(*broken);
        QCOMPARE(unreadable, (std::vector<std::string>{"Denoising strength", "Outpaint"}));
        // Without an input image they are not this request's: an img2img image whose input is
        // not named reads as text to image, its refine settings unused.
        const auto unnamed = parse_parameters(
            "a fox\nSteps: 20, Seed: 1, Size: 64x64, Denoising strength: 0.7, Mask blur: 4");
        QVERIFY(unnamed && !unnamed->request.refines());
        QCOMPARE(unnamed->request.input.strength, RefineInput{}.strength);
        QVERIFY(unreadable_settings(*unnamed).empty());
        const auto unused = unused_settings(*unnamed);
        QVERIFY(std::find(unused.begin(), unused.end(), "Denoising strength: 0.7") != unused.end());
    }

    // The hires fix with A1111's keys; its "Denoising strength" is the second pass's (A1111
    // shares the key with img2img), "Hires steps" only when it has its own count.
    void hiresSettingsRoundTrip() {
        auto record = sample_record();
        record.request.hires = {1.5, 0.45, 8, HiresUpscaler::LatentNearest, "", ""};
        const std::string text = format_parameters(record);
        for (const char* key : {"Denoising strength: 0.45", "Hires upscale: 1.5", "Hires steps: 8",
                                "Hires upscaler: Latent (nearest)"})
            QVERIFY2(text.find(key) != std::string::npos, text.c_str());
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        // An A1111 image: read as the same hires fix (its upscaler defaults to Latent, as A1111's).
        const auto a1111 = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Hires upscale: 2, Denoising strength: 0.7");
        QVERIFY(a1111 && !a1111->request.refines());
        QCOMPARE(a1111->request.hires.scale, 2.0);
        QCOMPARE(a1111->request.hires.strength, 0.7);
        QCOMPARE(a1111->request.hires.steps, 0);
        QCOMPARE(a1111->request.input.strength, RefineInput{}.strength);
        QVERIFY(unused_settings(*a1111).empty());
        // Another tool's upscaler model is not guessed: kept as written, named as unreadable.
        const auto esrgan = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Hires upscale: 2, Hires upscaler: R-ESRGAN "
            "4x+, "
            "Denoising strength: 0.7");
        QVERIFY(esrgan.has_value());
        QCOMPARE(unreadable_settings(*esrgan), std::vector<std::string>{"Hires upscaler"});
        // Off, none of them is written.
        QVERIFY(format_parameters(sample_record()).find("Hires") == std::string::npos);
    }

    // Variation seeds with A1111's keys and spelling (modules/processing.py create_infotext:
    // "Variation seed", "Variation seed strength" only with a strength, "Seed resize from: WxH"),
    // and "RNG: CPU", A1111's name for the generator our noise comes from.
    void variationSettingsRoundTripWithA1111Keys() {
        auto record = sample_record();
        record.request.variation = {5678, 0.3, 640, 512};
        const std::string text = format_parameters(record);
        for (const char* key : {"Variation seed: 5678", "Variation seed strength: 0.3",
                                "Seed resize from: 640x512", "RNG: CPU"})
            QVERIFY2(text.find(key) != std::string::npos, text.c_str());
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        QCOMPARE(format_parameters(*back), text);
        // Without a strength A1111 writes no variation seed; a resize alone is still written.
        record.request.variation = {5678, 0, 640, 512};
        const std::string resize_only = format_parameters(record);
        QVERIFY(resize_only.find("Variation seed") == std::string::npos);
        QVERIFY(resize_only.find("Seed resize from: 640x512") != std::string::npos);
        // An A1111 image (its text as create_infotext writes it) reads as the same variation;
        // its "RNG: GPU" (another generator than ours) stays an unknown key and is named unused.
        const auto a1111 = parse_parameters(
            "a fox\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: "
            "1234, "
            "Size: 512x512, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Variation seed: 5678, "
            "Variation seed strength: 0.3, Seed resize from: 768x640, RNG: GPU, Version: v1.10.1");
        QVERIFY(a1111.has_value());
        QCOMPARE(a1111->request.variation, (SeedVariation{5678, 0.3, 768, 640}));
        QVERIFY(unreadable_settings(*a1111).empty());
        const auto unused = unused_settings(*a1111);
        QVERIFY(std::find(unused.begin(), unused.end(), "RNG: GPU") != unused.end());
        const std::string again = format_parameters(*a1111);
        QVERIFY2(again.find("RNG: CPU") == std::string::npos, again.c_str());
        // A broken value is kept as written and named, not read as a default.
        const auto broken = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Variation seed: x, Variation seed strength: "
            "0.5, Seed resize from: 64");
        QVERIFY(broken.has_value());
        QCOMPARE(unreadable_settings(*broken),
                 (std::vector<std::string>{"Variation seed", "Seed resize from"}));
        // Beside an input image (img2img, whose noise is not text to image's) they are unused.
        const auto refined = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Init image: in, Denoising strength: 0.5, "
            "Variation seed: 9, Variation seed strength: 0.5");
        QVERIFY(refined && refined->request.refines() && !refined->request.variation.on());
        QVERIFY(unreadable_settings(*refined).empty());
    }

    // A model upscaler (the hires fix's, the post-upscale's) by its file's name as A1111 writes
    // it, with its hash under a key of ours: read back as the same model; without the hash (as
    // another tool writes it) the name stays an unknown key, as before.
    void upscalerModelsRoundTrip() {
        auto record = sample_record();
        record.request.hires = {2, 0.5, 0, HiresUpscaler::Model, "4x-UltraSharp", ""};
        record.hires_upscaler = {"4x-UltraSharp", "5555555555"};
        record.request.upscale = {"RealESRGAN x2", 2};
        record.upscaler = {"RealESRGAN x2", "6666666666"};
        const std::string text = format_parameters(record);
        for (const char* key : {"Hires upscaler: 4x-UltraSharp", "Hires upscaler hash: 5555555555",
                                "Postprocess upscale by: 2", "Postprocess upscaler: RealESRGAN x2",
                                "Postprocess upscaler hash: 6666666666"})
            QVERIFY2(text.find(key) != std::string::npos, text.c_str());
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        QVERIFY(unreadable_settings(*back).empty());
        const auto foreign = parse_parameters(
            "a fox\nSteps: 4, Seed: 1, Size: 64x64, Hires upscale: 2, Hires upscaler: "
            "4x-UltraSharp");
        QVERIFY(foreign.has_value());
        QCOMPARE(foreign->request.hires.upscaler, HiresUpscaler::Latent);
        QVERIFY(foreign->request.hires.upscaler_model.empty());
        QCOMPARE(foreign->extra.back(),
                 (std::pair<std::string, std::string>{"Hires upscaler", "4x-UltraSharp"}));
    }

    // Guards the prompt quoting: a prompt line "Negative prompt: ..." used to end the prompt
    // there, so the PNG read back another prompt and negative than the image was made with.
    void promptsWithNegativeLinesRoundTrip() {
        const std::vector<std::string> prompts = {
            "a cat\nNegative prompt: a dog",
            "Negative prompt: first line",
            "a cat\r\nNegative prompt: after a CRLF",
            "\"a JSON string\"",
            " edge blanks and a\nNegative prompt: line ",
            "a fox\nSteps: 4, Sampler: Euler, CFG scale: 0, Seed: 1, Size: 64x64"};
        for (const auto& prompt : prompts) {
            for (const bool with_negative : {false, true}) {
                auto record = sample_record();
                record.request.prompt = prompt;
                record.request.negative_prompt =
                    with_negative ? std::optional(prompt) : std::nullopt;
                const std::string text = format_parameters(record);
                const auto back = parse_parameters(text);
                QVERIFY2(back && *back == record, text.c_str());
                QCOMPARE(format_parameters(*back), text);
            }
        }
        // A negative holding such lines, with a plain prompt.
        auto record = sample_record();
        record.request.negative_prompt = "blurry\nNegative prompt: lowres";
        QVERIFY(*parse_parameters(format_parameters(record)) == record);
        // Ordinary prompts are written unquoted, as A1111 writes them.
        record = sample_record();
        QVERIFY(format_parameters(record).rfind(
                    record.request.prompt + "\nNegative prompt: blurry\n", 0) == 0);
    }

    // Dynamic prompts: the resolved prompt on the prompt line, the templates under
    // sd-dynamic-prompts' keys, read back as the request's templates (core/request/wildcards.h).
    void templatesRoundTripWithDynamicPromptsKeys() {
        auto record = sample_record();
        record.request.prompt = "a red car";
        record.request.prompt_template = "a {red|blue} car, {2$$ and $$x|y}: \"__w__\"";
        record.request.negative_prompt = "dark";
        record.request.negative_template = "{dark|blurry}";
        const std::string text = format_parameters(record);
        QVERIFY2(text.rfind("a red car\n", 0) == 0, text.c_str());
        QVERIFY(text.find("Template: ") != std::string::npos);
        QVERIFY(text.find("Negative Template: {dark|blurry}") != std::string::npos);
        const auto back = parse_parameters(text);
        QVERIFY(back.has_value());
        QVERIFY2(*back == record, text.c_str());
        QCOMPARE(format_parameters(*back), text);
        // Without guidance the negative is not written, nor is its template.
        record.request.guidance = 0;
        QVERIFY(format_parameters(record).find("Negative Template") == std::string::npos);
    }

    // sd-dynamic-prompts' own records (A1111's) resolve with its generator, not ours: their
    // templates stay unknown keys, so the image is remade from the prompt it was made with.
    // Both layouts: in the settings line, and on lines of their own below it (its tests' form).
    void foreignTemplatesStayUnknownKeys() {
        const std::string settings =
            "Steps: 35, Sampler: Heun, CFG scale: 9, Seed: 77777, Size: 640x640, Model hash: "
            "d8691b4d16";
        for (const std::string text :
             {"a red car\n" + settings + ", Template: a {red|blue} car, Version: v1.9.4",
              "a red car\n" + settings + "\nTemplate: a {red|blue} car"}) {
            const auto r = parse_parameters(text);
            QVERIFY(r.has_value());
            QCOMPARE(r->request.prompt, std::string("a red car"));
            QVERIFY(r->request.prompt_template.empty());
            QVERIFY(std::find(r->extra.begin(), r->extra.end(),
                              std::pair<std::string, std::string>(
                                  "Template", "a {red|blue} car")) != r->extra.end());
            QCOMPARE(format_parameters(*parse_parameters(format_parameters(*r))),
                     format_parameters(*r));
        }
    }

    void negativeWithoutGuidanceIsNotRecorded() {
        auto record = sample_record();
        record.request.guidance = 1.0;
        const auto text = format_parameters(record);
        QVERIFY(text.find("Negative prompt") == std::string::npos);
        QVERIFY(!parse_parameters(text)->request.negative_prompt);
    }

    void readsA1111Texts() {
        const std::string a1111 =
            "masterpiece, (red:1.3) car\n"
            "Negative prompt: lowres,\nbad hands\n"
            "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, "
            "Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, VAE hash: 235745af8d, "
            "Lora hashes: \"add_detail: 7c6bad76eb54\", TI hashes: \"easynegative: c74b4e810b03\", "
            "Version: v1.9.4";
        const auto r = parse_parameters(a1111);
        QVERIFY(r.has_value());
        QCOMPARE(r->request.prompt, std::string("masterpiece, (red:1.3) car"));
        QCOMPARE(*r->request.negative_prompt, std::string("lowres,\nbad hands"));
        QCOMPARE(r->request.steps, 20);
        QCOMPARE(r->request.guidance, 7.0);
        QCOMPARE(r->request.seed, uint64_t(1234));
        QCOMPARE(r->request.width, 832);
        QCOMPARE(r->request.height, 1216);
        QCOMPARE(r->sampler, std::string("DPM++ 2M"));
        QCOMPARE(r->model.hash, std::string("31e35c80fc"));
        QCOMPARE(r->vae.hash, std::string("235745af8d"));
        QCOMPARE(r->request.loras.size(), size_t(1));
        QCOMPARE(r->loras[0].hash, std::string("7c6bad76eb54"));
        QCOMPARE(r->request.embeddings.at(0).token, std::string("easynegative"));
        // A schedule this engine does not have is kept, not dropped.
        bool kept = false;
        for (const auto& [key, value] : r->extra)
            kept |= key == "Schedule type" && value == "Karras";
        QVERIFY(kept);
        QVERIFY(!parse_parameters("just a prompt").has_value());
        QVERIFY(!parse_parameters("").has_value());
    }

    // Guards the settings-line splitter: as a std::regex its matcher recursed per character,
    // so a PNG whose parameters text had a ~100 KB value crashed whoever read it.
    void longSettingsLineParses() {
        auto record = sample_record();
        record.model.name = std::string(1 << 20, 'm') + ", quoted: \"yes\"";
        QCOMPARE(parse_parameters(format_parameters(record))->model.name, record.model.name);
        const std::string unquoted = "a fox\nSteps: 4, Sampler: " + std::string(1 << 20, 's') +
                                     ", CFG scale: 0, Seed: 1, Size: 64x64";
        QCOMPARE(parse_parameters(unquoted)->sampler.size(), size_t(1) << 20);
        // A quoted value that does not end its field is read up to the next comma.
        const auto q = parse_parameters(
            "x\nSteps:4,   Sampler:Euler, Lora hashes: \"a: 1, b: 2\", CFG scale: 2.5, Seed: 9, "
            "Size: 8x16, Model: \"m\" v2, Clip skip: 2");
        QCOMPARE(q->request.steps, 4);
        QCOMPARE(q->request.guidance, 2.5);
        QCOMPARE(q->request.width, 8);
        QCOMPARE(q->model.name, std::string("\"m\" v2"));
        QCOMPARE(q->request.clip_skip, 2);
        QCOMPARE(q->request.loras.size(), size_t(2));
    }

    // The regression cases below guard the codec findings of fuzz_parameters (their inputs are
    // fuzz/reproducers/parameters/*, replayed by fuzzReproducersReadBackStable).

    // Guards "a value that does not parse changes nothing": a second, broken Size wrote its
    // width before its height failed, and a broken Schedule type reset the first one.
    void brokenRepeatedSettingChangesNothing() {
        const auto r = read_write_stable(
            "p\nSteps: 4, Size: 64x32, Size: 16xq, Schedule type: trailing, Schedule type: odd");
        QCOMPARE(r.request.width, 64);
        QCOMPARE(r.request.height, 32);
        QVERIFY(r.request.timestep_spacing == TimestepSpacing::Trailing);
    }

    // Guards CR runs ending lines: only one CR per LF was dropped, so the lines of a prompt
    // written "\r\r\n" (a CRLF text saved again with CRLF) kept CRs inside the prompt.
    void carriageReturnRunsEndLines() {
        const auto r =
            read_write_stable("line one\r\r\nline two\r\r\r\nSteps: 4, Seed: 1, Size: 64x64\r\r\n");
        QCOMPARE(r.request.prompt, std::string("line one\nline two"));
        QCOMPARE(r.request.seed, uint64_t(1));
    }

    // Guards number formatting: a fixed 64-byte buffer cut a huge value (1e300 has 301 digits),
    // which then read back as another number.
    void hugeNumbersAreNotCut() {
        QCOMPARE(std::stod(format_number(1e300)), 1e300);
        QCOMPARE(std::stod(format_number(-1.5e200)), -1.5e200);
        auto record = sample_record();
        record.request.guidance = 1e300;
        QCOMPARE(parse_parameters(format_parameters(record))->request.guidance, 1e300);
    }

    // Guards quoting of values that are not UTF-8 (a name read from a foreign PNG): the JSON
    // quoting threw on them, so the app could read a PNG it could not write back.
    void invalidUtf8ValueIsWrittenReplaced() {
        auto record = sample_record();
        record.model.name = "my, model \xff\xfe";
        std::string text;
        try {
            text = format_parameters(record);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        QCOMPARE(parse_parameters(text)->model.name, std::string("my, model \uFFFD\uFFFD"));
    }

    // Guards quoting of edge blanks: the reader trims unquoted values, so " final" was written
    // bare and read back as "final".
    void valuesWithEdgeBlanksAreQuoted() {
        auto record = sample_record();
        record.model.name = " final";
        record.vae.name = "vae ";
        const auto back = parse_parameters(format_parameters(record));
        QCOMPARE(back->model.name, std::string(" final"));
        QCOMPARE(back->vae.name, std::string("vae "));
    }

    // Guards the LoRA hash pairing: hashes were matched by name, and a LoRA without a hash was
    // left out of "Lora hashes", so of two same-named LoRAs both got the same (last) hash.
    void sameNamedLorasKeepTheirHashes() {
        for (const auto& hashes : std::vector<std::pair<std::string, std::string>>{
                 {"aaaa", "bbbb"}, {"", "bbbb"}, {"aaaa", ""}}) {
            const auto record = record_with_loras({{"x", hashes.first}, {"x", hashes.second}});
            const auto back = parse_parameters(format_parameters(record));
            QVERIFY(back.has_value());
            QVERIFY2(back->loras == record.loras, format_parameters(record).c_str());
            QVERIFY(back->request.loras == record.request.loras);
        }
    }

    // Guards LoRA list items: a name with ',' or ':' split "name: value, ..." lists into other
    // pairs (the list form has no escapes), so the LoRAs and their weights read back changed.
    void loraNamesWithSeparatorsStayOneItem() {
        const auto record = record_with_loras({{"detail, v2: x", "aaaa"}, {"b:c", "bbbb"}});
        const auto back = read_write_stable(format_parameters(record));
        QCOMPARE(back.request.loras.size(), size_t(2));
        QCOMPARE(back.request.loras[0].path, std::string("detail_ v2_ x"));
        QCOMPARE(back.request.loras[1].scale, 1.5);
        QCOMPARE(back.loras[1].hash, std::string("bbbb"));
    }

    // Every committed fuzz reproducer of this codec reads back stable, as the fuzz target
    // requires (the cases above say what each one found).
    void fuzzReproducersReadBackStable() {
        const QDir folder(qEnvironmentVariable("LIGHTNING_TEST_DATA") +
                          "/../../fuzz/reproducers/parameters");
        const auto files = folder.entryInfoList(QDir::Files);
        QVERIFY2(files.size() >= 9, qPrintable(folder.absolutePath()));
        for (const QFileInfo& info : files) {
            QFile file(info.absoluteFilePath());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            const std::string text(bytes.constData(), size_t(bytes.size()));
            const auto record = parse_parameters(text);
            if (!record) continue;
            const std::string written = format_parameters(*record);
            const auto again = parse_parameters(written);
            QVERIFY2(again && format_parameters(*again) == written, qPrintable(info.fileName()));
        }
    }

    void malformedNumbersStayDefaultsAndAreKept() {
        const auto r = parse_parameters("p\nSteps: many, Seed: -3, Size: 12, CFG scale: nan");
        QVERIFY(r.has_value());
        QCOMPARE(r->request.steps, GenerationRequest{}.steps);
        QCOMPARE(r->request.seed, uint64_t(0));
        QCOMPARE(r->extra.size(), size_t(4));
    }

    void loraArgumentsSplitTheScaleOff() {
        QCOMPARE(parse_lora_argument("style.safetensors:0.8").scale, 0.8);
        QCOMPARE(parse_lora_argument("style.safetensors:0.8").path,
                 std::string("style.safetensors"));
        QCOMPARE(parse_lora_argument("style.safetensors").scale, 1.0);
        try {
            parse_lora_argument("style.safetensors:abc");
            QFAIL("a bad scale passed");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("'abc'") != std::string::npos);
            QVERIFY(std::string(e.what()).find("not a number") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestParametersCodec)
#include "test_parameters_codec.moc"
