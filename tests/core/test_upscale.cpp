// ESRGAN-family upscalers (core/models/rrdbnet, core/convert/esrgan_names, core/io/pth,
// core/pipeline/upscale, `lightning upscale`) against spandrel's own RRDBNet on tiny random
// weights (tests/data/esrgan, made by bench/reference/esrgan_goldens.py): every case from every
// file layout of its model, tiled and untiled; then what spandrel has no golden for: tiling
// against our own untiled run on larger images, the BSRGAN and prefixed layouts, bad files,
// reduced precision and the command line.
#include "core/convert/esrgan_names.h"
#include "core/engine/engine.h"
#include "core/image/image_pixels.h"
#include "core/image/png.h"
#include "core/io/pth.h"
#include "core/io/safetensors.h"
#include "core/pipeline/refine_pixels.h"
#include "core/pipeline/upscale.h"
#include "core/testing/compare.h"
#include "core/testing/golden_pipeline.h"
#include "core/testing/golden_upscale.h"
#include "core/util/error.h"
#include "core/util/file_text.h"
#include "support/errors.h"
#include "support/fixtures.h"
#include "support/open_counter.h"

#include <torch/torch.h>

#include <QProcess>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <regex>
#include <tuple>

using namespace lightning;

namespace {

std::string esrgan_dir() {
    return testing::test_data_dir() + "/esrgan";
}
std::string data(const std::string& name) {
    return esrgan_dir() + "/" + name;
}

nlohmann::json manifest() {
    return read_json_file(data("manifest.json"));
}

GoldenOptions cpu_options(c10::ScalarType dtype) {
    GoldenOptions options;
    options.dtype = dtype;
    options.read_image = read_image_pixels;
    return options;
}

// The fixtures' PNG acceptance: at most 1 level on at most 0.1 % of the values.
void expect_png_close(const Image8& actual, const Image8& expected, const std::string& what) {
    const auto c =
        compare_uint8_images(what, image8_to_tensor(actual), image8_to_tensor(expected), 1, 0.001);
    QVERIFY2(c.ok, c.message.c_str());
}

void expect_close(const at::Tensor& actual, const at::Tensor& expected, double atol,
                  const std::string& what) {
    const auto c = compare_tensors(what, actual, expected, {atol, 0});
    QVERIFY2(c.ok, c.message.c_str());
}

// A smooth 8-bit image with some texture (no golden: for our own tiled-vs-untiled checks).
Image8 pattern(int width, int height) {
    Image8 image{width, height, {}};
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (const int c : {0, 1, 2})
                image.rgb.push_back(uint8_t((x * (3 + c) + y * (5 - c) + (x * y) % (7 + c)) % 256));
    return image;
}

// The golden x4 model's tensors under other names (basicsr name -> new name), written as a file.
std::string renamed_copy(const std::string& dir, const std::string& name,
                         const std::function<std::string(const std::string&)>& rename,
                         c10::ScalarType dtype = c10::kFloat) {
    const auto source = SafeTensorsFile::open(data("x4.safetensors"));
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& key : source->names()) {
        const std::string renamed = rename(key);
        if (!renamed.empty()) tensors.emplace_back(renamed, source->load(key, dtype));
    }
    const std::string path = dir + "/" + name;
    save_safetensors(path, tensors);
    return path;
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}
std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Run {
    int exit_code = -1;
    std::string out, err;
};

Run run_cli(const QStringList& args) {
    QProcess process;
    process.start(QString::fromStdString(testing::cli_path()), args);
    Run run;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        run.err = "timed out";
        return run;
    }
    run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput().toStdString();
    run.err = process.readAllStandardError().toStdString();
    return run;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

class TestUpscale : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::string temp(const std::string& name) const { return dir_.filePath(q(name)).toStdString(); }

private Q_SLOTS:
    // Every case of tests/data/esrgan/manifest.json from every file of its model (basicsr
    // .safetensors, Real-ESRGAN's params_ema .pth, the old ESRGAN layout as torch.save wrote a
    // state_dict(), params .pth, fp16 weights, gc 32), untiled and with the manifest's tile
    // settings (overlap >= the receptive radius): the unclamped output at the manifest's fp32
    // tolerance and the PNG at the fixtures' PNG acceptance, through the check `lightning
    // verify --upscale` runs (core/testing/golden_upscale); and each model's scale and
    // receptive radius as the manifest gives them.
    void goldens_match_spandrel() {
        const auto report = check_upscale_goldens(cpu_options(c10::kFloat), esrgan_dir());
        for (const auto& c : report) QVERIFY2(c.ok, c.message.c_str());
        const auto m = manifest();  // (a temporary's member would not outlive the loop's start)
        size_t expected = 0;
        for (const auto& c : m.at("cases")) {
            expected += 2 * c.at("model_files").size() + c.at("tiles").size();
            const auto upscaler = Upscaler::open(data(c.at("model_files").at(0)));
            QCOMPARE(upscaler->scale(), c.at("scale").get<int64_t>());
            QCOMPARE(upscaler->config().receptive_radius(),
                     c.at("receptive_radius_input_px").get<int64_t>());
        }
        QCOMPARE(report.size(), expected);
        QVERIFY(m.at("cases").size() >= 5);
    }

    // One network, three layouts: the old ESRGAN file (an OrderedDict with _metadata, as
    // 4x-UltraSharp's) and Real-ESRGAN's params_ema .pth give the basicsr file's output bit
    // for bit, and say what they were.
    void old_layout_gives_the_same_output_as_basicsr() {
        const auto input = image_to_tensor(read_image_pixels(data("in_24x20.png")));
        const auto basicsr = Upscaler::open(data("x4.safetensors"));
        const auto expected = basicsr->run(input);
        QCOMPARE(basicsr->file().layout, std::string("basicsr"));
        for (const auto& [file, layout, wrapper] :
             {std::tuple{"x4_old.pth", "old ESRGAN", ""},
              std::tuple{"x4_params_ema.pth", "basicsr", "params_ema"}}) {
            const auto other = Upscaler::open(data(file));
            QCOMPARE(other->file().layout, std::string(layout));
            QCOMPARE(other->file().wrapper, std::string(wrapper));
            QVERIFY2(torch::equal(other->run(input), expected), file);
        }
    }

    // BSRGAN / RealSR names, a DataParallel "module." prefix, and a .pth-style wrapper with both
    // params and params_ema (spandrel takes params_ema): the same network, the same output.
    void other_layouts_and_wrappers() {
        const auto input = image_to_tensor(read_image_pixels(data("in_24x20.png")));
        const auto expected = Upscaler::open(data("x4.safetensors"))->run(input);
        const std::string dir = dir_.path().toStdString();
        auto bsrgan = [](const std::string& k) {
            static const std::vector<std::pair<std::regex, std::string>> rules = {
                {std::regex(R"(body\.(\d+)\.rdb(\d)\.(.*))"), "RRDB_trunk.$1.RDB$2.$3"},
                {std::regex(R"(conv_body\.(.*))"), "trunk_conv.$1"},
                {std::regex(R"(conv_up(\d)\.(.*))"), "upconv$1.$2"},
                {std::regex(R"(conv_hr\.(.*))"), "HRconv.$1"}};
            for (const auto& [pattern, to] : rules)
                if (std::regex_match(k, pattern)) return std::regex_replace(k, pattern, to);
            return k;
        };
        const auto files = {
            std::pair{renamed_copy(dir, "bsrgan.safetensors", bsrgan), "BSRGAN"},
            std::pair{renamed_copy(dir, "module.safetensors",
                                   [](const std::string& k) { return "module." + k; }),
                      "basicsr"}};
        for (const auto& [path, layout] : files) {
            const auto upscaler = Upscaler::open(path);
            QCOMPARE(upscaler->file().layout, std::string(layout));
            QVERIFY2(torch::equal(upscaler->run(input), expected), path.c_str());
        }
        // Both wrappers, the params one holding other weights: params_ema is the one used.
        std::vector<std::string> names;
        for (const auto& n : SafeTensorsFile::open(data("x4.safetensors"))->names()) {
            names.push_back("params." + n);
            names.push_back("params_ema." + n);
        }
        const auto mapped = esrgan_basicsr_names(names, "both");
        QCOMPARE(mapped.wrapper, std::string("params_ema"));
        for (const auto& [basicsr, original] : mapped.new_to_old)
            QCOMPARE(original, "params_ema." + basicsr);
    }

    // Tiles cropped out of runs with enough context equal the untiled run (float rounding);
    // without context they do not (the check sees seams). x4, and x2 with its unshuffle grid;
    // tile sizes that do not divide the image.
    void tiled_equals_untiled() {
        const Image8 image = pattern(230, 94);
        const auto input = image_to_tensor(image);
        for (const auto& [file, tile] :
             {std::pair{"x4.safetensors", 23}, std::pair{"x2.safetensors", 30}}) {
            const auto upscaler = Upscaler::open(data(file));
            const int64_t radius = upscaler->config().receptive_radius();
            QVERIFY(tile + 2 * radius < 230);  // a tile's run does not see the whole width
            const auto whole = upscaler->run(input);
            expect_close(upscaler->run(input, {tile, radius}), whole, 1e-5, file);
            const double seams =
                (upscaler->run(input, {tile, 0}) - whole).abs().max().item<double>();
            QVERIFY2(seams > 1e-3,
                     (std::string(file) + ": no seams without overlap? " + std::to_string(seams))
                         .c_str());
        }
    }

    // Odd sizes (reflect padding, then crop) and the 1-pixel edge case (replicate padding).
    void odd_and_tiny_sizes() {
        for (const char* file : {"x4.safetensors", "x2.safetensors", "x1.safetensors"}) {
            const auto upscaler = Upscaler::open(data(file));
            const int64_t s = upscaler->scale();
            for (const auto& [w, h] : {std::pair{1, 1}, std::pair{1, 5}, std::pair{7, 3}}) {
                const auto out = upscaler->upscale(pattern(w, h));
                QCOMPARE(int64_t(out.width), w * s);
                QCOMPARE(int64_t(out.height), h * s);
            }
        }
    }

    // A file that is no upscaler is refused before any work, naming it and what is wrong.
    void bad_files_are_refused_naming_them() {
        const std::string text = temp("notes.safetensors"), cut = temp("cut.safetensors"),
                          cut_pth = temp("cut.pth"), legacy = temp("legacy.pth");
        write_bytes(text, "these are not weights\n");
        const std::string st = read_bytes(data("x4.safetensors"));
        write_bytes(cut, st.substr(0, st.size() / 2));
        const std::string pth = read_bytes(data("x4_params_ema.pth"));
        write_bytes(cut_pth, pth.substr(0, pth.size() - 100));
        write_bytes(legacy, std::string("\x80\x02\x8a\x0a", 4) + std::string(64, '\0'));
        const std::string unet =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_unet.safetensors";
        const std::vector<std::pair<std::string, std::string>> cases = {
            {text, "not a model file"},
            {cut, ""},
            {cut_pth, "zip"},
            {legacy, "legacy format"},
            {unet, "not an ESRGAN (RRDBNet) upscaler"},
            {data("bad_runs_code.pth"), "'__builtin__.print'"},
            {data("bad_no_tensors.pth"), "holds no tensors"},
            {temp("missing.pth"), ""}};
        for (const auto& [path, says] : cases) {
            const Error e = testing::expect_error([&] { Upscaler::open(path); });
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(says) != std::string::npos, e.what());
        }
    }

    // Wrong channel counts and a mis-shaped tensor: named.
    void wrong_shapes_are_refused() {
        const std::string dir = dir_.path().toStdString();
        // A gray model: conv_first and conv_last of one channel.
        const auto source = SafeTensorsFile::open(data("x4.safetensors"));
        std::vector<std::pair<std::string, at::Tensor>> gray;
        for (const auto& name : source->names()) {
            at::Tensor t = source->load(name);
            if (name == "conv_first.weight") t = t.narrow(1, 0, 1).contiguous();
            if (name.rfind("conv_last.", 0) == 0) t = t.narrow(0, 0, 1).contiguous();
            gray.emplace_back(name, t);
        }
        save_safetensors(dir + "/gray.safetensors", gray);
        auto e = testing::expect_error([&] { Upscaler::open(dir + "/gray.safetensors"); });
        QVERIFY2(std::string(e.what()).find("1 to 1 channels") != std::string::npos, e.what());
        // conv_body of the wrong size: the strict loader names it.
        std::vector<std::pair<std::string, at::Tensor>> bent;
        for (const auto& name : source->names())
            bent.emplace_back(
                name, name == "conv_body.weight" ? torch::zeros({4, 5, 3, 3}) : source->load(name));
        save_safetensors(dir + "/bent.safetensors", bent);
        e = testing::expect_error([&] { Upscaler::open(dir + "/bent.safetensors"); });
        QVERIFY2(std::string(e.what()).find("conv_body.weight") != std::string::npos, e.what());
    }

    // bf16 on the CPU: every golden case within the relative rms bound of
    // ReducedStage::Upscaler (G 13 u, u = 2^-8; 1.5 times the largest seen: 8.4, relative rms
    // 0.033, on the x2 case of odd size, with oneDNN and with the AVX2 kernels alike; a zero
    // output is 1, an uncorrelated one ~1.4). fp16 on the CPU is refused naming the dtype.
    void reduced_precision_on_the_cpu() {
        const auto report = check_upscale_goldens(cpu_options(c10::kBFloat16), esrgan_dir());
        double worst = 0;
        for (const auto& c : report) {
            QVERIFY2(c.ok, c.message.c_str());
            worst = std::max(worst, c.rel_rms);
        }
        qInfo("bf16 worst relative rms %g over %zu comparisons", worst, report.size());
        QVERIFY(report.size() >= 9);
        const auto e = testing::expect_error(
            [&] { Upscaler::open(data("x4.safetensors"), c10::kCPU, c10::kHalf); });
        QVERIFY2(std::string(e.what()).find("fp16") != std::string::npos, e.what());
    }

    // The goldens on CUDA in fp32 (TF32 off, as `lightning verify` runs them). Skipped without
    // a GPU (allow-listed: CI and the development machine have none; the GPU machine, which has
    // no QtTest, runs the same check with `lightning verify --upscale`, all three dtypes).
    void cuda_matches_the_golden() {
        if (!torch::cuda::is_available()) QSKIP("no CUDA device");
        at::globalContext().setAllowTF32CuDNN(false);
        GoldenOptions options = cpu_options(c10::kFloat);
        options.device = c10::Device("cuda");
        for (const auto& c : check_upscale_goldens(options, esrgan_dir()))
            QVERIFY2(c.ok, c.message.c_str());
    }

    // The GPU machine's entry to the goldens: `lightning verify --only upscale --upscale DIR`
    // passes on the goldens (no fixtures needed) and fails on a copy whose x4 golden is off by a
    // little more than its tolerance; `lightning bench --upscaler` times the model and reports.
    void cli_verify_and_bench() {
        const auto verify = [](const std::string& dir) {
            return run_cli({"verify", "--only", "upscale", "--upscale", q(dir), "--device", "cpu",
                            "--fixtures", "/no/such"});
        };
        auto run = verify(esrgan_dir());
        QVERIFY2(run.exit_code == 0, (run.out + run.err).c_str());
        QVERIFY2(run.out.find("upscale") != std::string::npos, run.out.c_str());
        QVERIFY2(run.out.find("all golden checks passed") != std::string::npos, run.out.c_str());
        const std::string copy = temp("esrgan-copy");
        std::filesystem::copy(esrgan_dir(), copy);
        const auto m = manifest();
        const auto& c = m.at("cases").at(0);
        const std::string golden = copy + "/" + c.at("files").at("golden").get<std::string>();
        at::Tensor raw = SafeTensorsFile::open(golden)->load("raw").clone();
        raw.view(-1)[5] += 2 * c.at("tolerance").at("raw_atol").get<double>();
        std::filesystem::remove(golden);
        save_safetensors(golden, {{"raw", raw}});
        run = verify(copy);
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.out.find(c.at("id").get<std::string>()) != std::string::npos, run.out.c_str());
        run = run_cli({"verify", "--only", "upscale", "--fixtures", "/no/such"});
        QCOMPARE(run.exit_code, 2);
        QVERIFY2(run.err.find("--upscale DIR") != std::string::npos, run.err.c_str());

        const std::string json = temp("bench.json");
        run =
            run_cli({"bench", "--upscaler", q(data("x4.safetensors")), "--device", "cpu", "--width",
                     "32", "--height", "24", "--runs", "2", "--warmup", "0", "--json", q(json)});
        QVERIFY2(run.exit_code == 0, run.err.c_str());
        const auto report = read_json_file(json);
        QCOMPARE(report.at("output_size"), nlohmann::json({128, 96}));
        QCOMPARE(report.at("runs_ms").size(), size_t(2));
        QCOMPARE(report.at("num_block").get<int>(), 2);
    }

    // `lightning upscale` end to end: the golden PNG, --scale below the model's (Lanczos of the
    // model's output), the record in the PNG, and errors naming the file.
    void cli_upscale() {
        const std::string out = temp("up.png"), half = temp("half.png");
        const auto args = [&](const std::string& model, const std::string& to) {
            return QStringList{"upscale",  q(data("in_24x20.png")),
                               "--model",  q(data(model)),
                               "--out",    q(to),
                               "--device", "cpu"};
        };
        auto run = run_cli(args("x4_old.pth", out) << "--tile"
                                                   << "8"
                                                   << "--tile-overlap"
                                                   << "33");
        QVERIFY2(run.exit_code == 0, run.err.c_str());
        PngText text;
        const Image8 written = read_png(out, &text, TextKeys::every());
        expect_png_close(written, read_png(data("x4_nf4_nb2_gc4_in24x20.png")), "cli x4");
        QVERIFY(text.entries.count("postprocessing"));
        QVERIFY2(text.entries["postprocessing"].find("upscale by: 4") != std::string::npos,
                 text.entries["postprocessing"].c_str());
        const auto details = nlohmann::json::parse(text.entries.at("lightning-upscale"));
        QCOMPARE(details.at("model").get<std::string>(), std::string("x4_old.pth"));
        QCOMPARE(details.at("model_layout").get<std::string>(), std::string("old ESRGAN"));

        run = run_cli(args("x4.safetensors", half) << "--scale"
                                                   << "2");
        QVERIFY2(run.exit_code == 0, run.err.c_str());
        const Image8 small = read_png(half);
        const Image8 expected = resize_lanczos(written, 48, 40);
        QCOMPARE(small.width, 48);
        QVERIFY(small.rgb == expected.rgb);

        run = run_cli(args("x4.safetensors", out));  // exists, no --overwrite
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.find(out) != std::string::npos, run.err.c_str());
        run = run_cli(args("x4.safetensors", temp("big.png")) << "--scale"
                                                              << "8");
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.find("--scale at most 4") != std::string::npos, run.err.c_str());
        const std::string unet =
            testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_unet.safetensors";
        run = run_cli(
            {"upscale", q(data("in_24x20.png")), "--model", q(unet), "--out", q(temp("unet.png"))});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.find(unet + ": not an ESRGAN") != std::string::npos, run.err.c_str());
        QVERIFY(!std::filesystem::exists(temp("unet.png")));
        // An input whose ×4 output would pass 16384² is refused before the model runs.
        const std::string large = temp("large.png");
        write_png(large, Image8{4100, 4100, std::vector<uint8_t>(size_t(4100) * 4100 * 3, 90)});
        run = run_cli({"upscale", q(large), "--model", q(data("x4.safetensors")), "--out",
                       q(temp("huge.png"))});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(
            run.err.find(large + ": 4100x4100 x4 = 16400x16400 is larger") != std::string::npos,
            run.err.c_str());
        QVERIFY(!std::filesystem::exists(temp("huge.png")));
    }

    // A request's upscale (A1111's Extras after the image): every image of the batch is the
    // model over the image the request makes without it, tiled as kRequestUpscaleTiling says;
    // below the model's scale, resized down with Lanczos.
    void request_upscale_is_the_model_over_each_image() {
        GenerationRequest plain = tiny_request();
        plain.batch = 2;
        const auto without = engine().generate(plain).run.images;
        auto upscaled = plain;
        upscaled.upscale = {data("x4_gc32.safetensors"), 0};
        const auto x4 = Upscaler::open(data("x4_gc32.safetensors"));
        const auto with = engine().generate(upscaled);
        for (size_t i = 0; i < 2; ++i) {
            const Image8 expected = x4->upscale(without.at(i).pixels, kRequestUpscaleTiling);
            QCOMPARE(with.run.images.at(i).pixels.width, 256);
            QVERIFY(with.run.images.at(i).pixels.rgb == expected.rgb);
            // The record states the scale that ran and the model by name and hash.
            QCOMPARE(with.records.at(i).request.upscale.scale, 4);
            QCOMPARE(with.records.at(i).upscaler.name, std::string("x4_gc32"));
            QCOMPARE(with.records.at(i).upscaler.hash.size(), size_t(10));
        }
        upscaled.upscale.scale = 3;
        const Image8 three = engine().generate(upscaled).run.images.at(0).pixels;
        const Image8 expected =
            resize_lanczos(x4->upscale(without.at(0).pixels, kRequestUpscaleTiling), 192, 192);
        QVERIFY(three.rgb == expected.rgb);
    }

    // The upscaler's own scale (a request with scale 0, every image's record, output_size) is
    // read from the file's header once while the file is unchanged, and anew when it changes.
    void upscaler_header_is_read_once_while_unchanged() {
        namespace fs = std::filesystem;
        const std::string copy = temp("read-once-upscaler.safetensors");
        fs::copy_file(data("x2.safetensors"), copy, fs::copy_options::overwrite_existing);
        GenerationRequest request = tiny_request();
        request.upscale = {copy, 0};
        lightning::testing::OpenCounter counter(copy);
        QVERIFY(counter.valid());
        QCOMPARE(output_size(request).first, request.width * 2);
        const int one_read = counter.opens();  // the format sniffed, then the header
        QVERIFY(one_read >= 1);
        for (int i = 0; i < 4; ++i) QCOMPARE(output_size(request).first, request.width * 2);
        check_request_files(request);
        QCOMPARE(counter.opens(), one_read);
        fs::copy_file(data("x4.safetensors"), copy, fs::copy_options::overwrite_existing);
        QCOMPARE(output_size(request).first, request.width * 4);
    }

    // The app's "Upscale" of an image that exists: Engine::upscale of its pixels, and the record
    // upscaled_record() gives it regenerates exactly those pixels.
    void upscaled_record_regenerates_the_upscale() {
        const auto source = engine().generate(tiny_request());
        const PostUpscale how{data("x2.safetensors"), 0};
        const Image8 upscaled = engine().upscale(source.run.images.at(0).pixels, how);
        QCOMPARE(upscaled.width, 128);
        const ImageRecord record = engine().upscaled_record(source.records.at(0), 64, 64, how);
        QCOMPARE(record.request.upscale.scale, 2);
        QCOMPARE(record.upscaler.name, std::string("x2"));
        GenerationRequest again = record.request;
        again.upscale.model = how.model;
        QVERIFY(engine().generate(again).run.images.at(0).pixels.rgb == upscaled.rgb);
        const auto text = parse_parameters(format_parameters(record));
        QVERIFY(text.has_value());
        QCOMPARE(text->request.upscale.scale, 2);
        QCOMPARE(text->upscaler, record.upscaler);

        // Upscaled again: a record says one upscale, so the second's says only its size and
        // the upscale (nothing to regenerate), whether the first's model file is at hand or
        // known by name and hash from the PNG.
        for (const ImageRecord& first : {record, *text}) {
            const ImageRecord twice = engine().upscaled_record(first, 128, 128, how);
            QCOMPARE(twice.request.prompt, std::string());
            QCOMPARE(twice.request.width, 128);
            QCOMPARE(twice.request.upscale, (PostUpscale{how.model, 2}));
            QCOMPARE(twice.model.name, std::string());
        }
        const ImageRecord no_source = engine().upscaled_record(std::nullopt, 40, 30, how);
        QCOMPARE(no_source.request.height, 30);
        QCOMPARE(no_source.upscaler, record.upscaler);
    }

    // Upscale problems are found before any work and name the file or the size: no upscaler, a
    // scale above the model's, an output over limits::kMaxUpscaledSide.
    void upscale_problems_are_refused_before_the_work() {
        auto request = tiny_request();
        request.upscale = {data("bad_no_tensors.pth"), 0};
        auto e = testing::expect_error([&] { engine().validate(request); });
        QVERIFY2(std::string(e.what()).find(data("bad_no_tensors.pth")) != std::string::npos,
                 e.what());
        request.upscale = {data("x2.safetensors"), 4};
        e = testing::expect_error([&] { engine().validate(request); });
        QVERIFY2(std::string(e.what()).find("a ×2 model cannot upscale ×4") != std::string::npos,
                 e.what());
        request.upscale = {"", 2};
        e = testing::expect_error([&] { engine().validate(request); });
        QCOMPARE(e.where(), std::string("upscale"));
        const Image8 wide{8200, 8, std::vector<uint8_t>(size_t(8200) * 8 * 3, 7)};
        e = testing::expect_error([&] { engine().upscale(wide, {data("x2.safetensors"), 0}); });
        QVERIFY2(
            std::string(e.what()).find("16400x16 is larger than 16384x16384") != std::string::npos,
            e.what());
        // The hires fix's model upscaler: named only with "model", and checked as a file.
        request = tiny_request();
        request.hires = {2.0, 0.5, 0, HiresUpscaler::Model, "", ""};
        e = testing::expect_error([&] { engine().validate(request); });
        QCOMPARE(e.where(), std::string("hires upscaler"));
        request.hires.upscaler_model = data("bad_runs_code.pth");
        e = testing::expect_error([&] { engine().validate(request); });
        QVERIFY2(std::string(e.what()).find(data("bad_runs_code.pth")) != std::string::npos,
                 e.what());
    }

    // The hires fix with a model upscaler: the first image enlarged by the model, resized with
    // Lanczos to the pass's size, then refined as an img2img request over that image would be.
    void hires_model_upscaler_is_the_model_then_lanczos() {
        const GenerationRequest first = tiny_request();
        auto hires = first;
        hires.hires = {2.0, 0.5, 2, HiresUpscaler::Model, data("x4_gc32.safetensors"), ""};
        // One step count over both passes: 4 steps, then int(2 x 0.5) = 1 at the larger size.
        std::vector<std::pair<int, int>> steps;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent& e) { steps.emplace_back(e.step, e.total_steps); };
        const auto made = engine().generate(hires, callbacks);
        QCOMPARE(steps, (std::vector<std::pair<int, int>>{{0, 5}, {1, 5}, {2, 5}, {3, 5}, {4, 5}}));
        const Image8 big = made.run.images.at(0).pixels;
        QCOMPARE(big.width, 128);
        QCOMPARE(made.records.at(0).hires_upscaler.name, std::string("x4_gc32"));

        const Image8 small = engine().generate(first).run.images.at(0).pixels;
        const auto x4 = Upscaler::open(data("x4_gc32.safetensors"));
        const std::string input = temp("hires_input.png");
        write_png(input, resize_lanczos(x4->upscale(small, kRequestUpscaleTiling), 128, 128));
        auto by_hand = first;
        by_hand.width = 128, by_hand.height = 128, by_hand.steps = 2;
        by_hand.input.image = input;
        by_hand.input.strength = 0.5;
        QVERIFY(engine().generate(by_hand).run.images.at(0).pixels.rgb == big.rgb);
        hires.hires.upscaler = HiresUpscaler::Lanczos;
        hires.hires.upscaler_model.clear();
        QVERIFY(engine().generate(hires).run.images.at(0).pixels.rgb != big.rgb);
    }

    // Engine::upscale (the app's action) reports each tile as a step of one image and stops
    // between tiles when cancelled, by should_cancel or by Engine::cancel(): on a CPU a ×4 of
    // a 1024² image takes minutes. 600×300 in tiles of kRequestUpscaleTiling: 3 × 2 tiles.
    void upscale_reports_and_stops_between_tiles() {
        const Image8 image = pattern(600, 300);
        const PostUpscale how{data("x2.safetensors"), 0};
        std::vector<std::pair<int, int>> tiles;
        EngineCallbacks callbacks;
        callbacks.on_step = [&](const StepEvent& e) { tiles.emplace_back(e.step, e.total_steps); };
        const Image8 whole = engine().upscale(image, how, callbacks);
        QCOMPARE(tiles, (std::vector<std::pair<int, int>>{
                            {0, 6}, {1, 6}, {2, 6}, {3, 6}, {4, 6}, {5, 6}}));
        QCOMPARE(whole.width, 1200);

        for (const bool by_engine_cancel : {false, true}) {
            tiles.clear();
            callbacks.should_cancel = [&] { return !by_engine_cancel && tiles.size() == 2; };
            callbacks.on_step = [&](const StepEvent& e) {
                tiles.emplace_back(e.step, e.total_steps);
                if (by_engine_cancel && tiles.size() == 2) engine().cancel();
            };
            bool cancelled = false;
            try {
                engine().upscale(image, how, callbacks);
            } catch (const Cancelled&) {
                cancelled = true;
            }
            QVERIFY(cancelled);
            QCOMPARE(tiles.size(), size_t(2));  // stopped after the second tile
        }
        callbacks.should_cancel = {};  // a cancel does not outlive its upscale
        QVERIFY(engine().upscale(image, how, callbacks).rgb == whole.rgb);
    }

    // A request's upscale is polled for cancelling between its tiles too: one poll more than
    // the same request without it, and cancelling at that last poll hands over no image.
    void request_upscale_stops_between_tiles() {
        GenerationRequest plain = tiny_request();
        auto upscaled = plain;
        upscaled.upscale = {data("x2.safetensors"), 0};
        auto polls_of = [&](const GenerationRequest& request, int cancel_at) {
            int polls = 0;
            EngineCallbacks callbacks;
            callbacks.should_cancel = [&] { return ++polls == cancel_at; };
            const auto made = engine().generate(request, callbacks);
            return std::tuple{polls, made.run.cancelled, made.records.size()};
        };
        const auto [plain_polls, plain_cancelled, plain_images] = polls_of(plain, 0);
        const auto [polls, cancelled, images] = polls_of(upscaled, 0);
        QVERIFY(!plain_cancelled && !cancelled && plain_images == 1 && images == 1);
        QCOMPARE(polls, plain_polls + 1);  // the x2 over 64² is one tile
        const auto [_, stopped, none] = polls_of(upscaled, polls);
        QVERIFY(stopped);
        QCOMPARE(none, size_t(0));
    }

private:
    static GenerationRequest tiny_request() {
        GenerationRequest request;
        request.prompt = "a lighthouse at dusk";
        request.width = 64, request.height = 64, request.steps = 4, request.seed = 9;
        return request;
    }

    Engine& engine() {
        if (!engine_) {
            EngineOptions options;
            options.models.base = testing::fixtures_dir() + "/tiny-sdxl";
            options.models.lightning_dir = testing::fixtures_dir() + "/tiny-lightning";
            options.preview = PreviewMode::Off;
            options.read_image = read_image_pixels;
            engine_ = Engine::load(options);
        }
        return *engine_;
    }

    std::unique_ptr<Engine> engine_;
};

QTEST_GUILESS_MAIN(TestUpscale)
#include "test_upscale.moc"
