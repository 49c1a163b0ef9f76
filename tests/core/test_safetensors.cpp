// safetensors reader/writer: every fixture file decoded independently and compared exactly,
// manifest listings, corrupt files (each with its own message), writer round trip and atomicity.
#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <cstring>
#include <functional>

using lightning::Error;
using lightning::SafeTensorsFile;
using lightning::StDType;
using lightning::testing::expect_error;

namespace {

// --- independent little-endian decoding of the raw file bytes -------------------------------

template <typename T>
T read_le(const char* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));  // the host is little-endian (asserted by the library)
    return value;
}

double decode_f16(uint16_t h) {
    const int sign = (h >> 15) & 1;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    double value;
    if (exponent == 0)
        value = std::ldexp(mantissa, -24);  // subnormal: mantissa * 2^-14 / 1024
    else if (exponent == 31)
        value = mantissa ? std::nan("") : INFINITY;
    else
        value = std::ldexp(1024 + mantissa, exponent - 25);
    return sign ? -value : value;
}

double decode_bf16(uint16_t b) {
    const uint32_t bits = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

bool is_float_dtype(const QString& dtype) {
    return dtype == "F16" || dtype == "BF16" || dtype == "F32" || dtype == "F64";
}

size_t dtype_bytes(const QString& dtype) {
    if (dtype == "F64" || dtype == "I64") return 8;
    if (dtype == "F32" || dtype == "I32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
    return 1;
}

double decode_float(const QString& dtype, const char* p) {
    if (dtype == "F16") return decode_f16(read_le<uint16_t>(p));
    if (dtype == "BF16") return decode_bf16(read_le<uint16_t>(p));
    if (dtype == "F32") return read_le<float>(p);
    return read_le<double>(p);
}

int64_t decode_int(const QString& dtype, const char* p) {
    if (dtype == "I64") return read_le<int64_t>(p);
    if (dtype == "I32") return read_le<int32_t>(p);
    if (dtype == "I16") return read_le<int16_t>(p);
    if (dtype == "I8") return read_le<int8_t>(p);
    return read_le<uint8_t>(p);  // U8, BOOL
}

QString expected_dtype_name(StDType dtype) {
    return QString::fromLatin1(lightning::to_string(dtype));
}

struct RawFile {
    QByteArray bytes;
    QJsonObject header;
    qint64 data_start = 0;
};

RawFile read_raw(const QString& path) {
    RawFile raw;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
    raw.bytes = file.readAll();
    const auto header_size = read_le<uint64_t>(raw.bytes.constData());
    raw.header = QJsonDocument::fromJson(raw.bytes.mid(8, qsizetype(header_size))).object();
    raw.data_start = 8 + qint64(header_size);
    return raw;
}

// Checks every element of `tensor` (any dtype the library returned) against the raw bytes.
// Returns an empty string when equal, else a description of the first difference.
QString compare_with_raw(const RawFile& raw, const QString& name, const at::Tensor& tensor) {
    const QJsonObject entry = raw.header.value(name).toObject();
    const QString dtype = entry.value("dtype").toString();
    const QJsonArray offsets = entry.value("data_offsets").toArray();
    const char* data = raw.bytes.constData() + raw.data_start + qint64(offsets[0].toDouble());
    const size_t item = dtype_bytes(dtype);
    const int64_t count = (qint64(offsets[1].toDouble()) - qint64(offsets[0].toDouble())) / item;
    if (tensor.numel() != count)
        return QString("numel %1 vs %2 in the file").arg(tensor.numel()).arg(count);
    if (is_float_dtype(dtype)) {
        const at::Tensor values = tensor.to(at::kDouble).contiguous();
        const double* got = values.data_ptr<double>();
        for (int64_t i = 0; i < count; ++i) {
            const double want = decode_float(dtype, data + i * item);
            if (!(got[i] == want || (std::isnan(got[i]) && std::isnan(want))))
                return QString("element %1: %2 vs file %3").arg(i).arg(got[i]).arg(want);
        }
    } else {
        const at::Tensor values = tensor.to(at::kLong).contiguous();
        const int64_t* got = values.data_ptr<int64_t>();
        for (int64_t i = 0; i < count; ++i) {
            const int64_t want = decode_int(dtype, data + i * item);
            if (got[i] != want)
                return QString("element %1: %2 vs file %3").arg(i).arg(got[i]).arg(want);
        }
    }
    return {};
}

QStringList all_fixture_safetensors() {
    QStringList files;
    QDirIterator it(QString::fromStdString(lightning::testing::fixtures_dir()), {"*.safetensors"},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) files << it.next();
    files.sort();
    return files;
}

// --- corrupt-file construction ---------------------------------------------------------------

QByteArray make_file(const QByteArray& header, const QByteArray& data,
                     std::optional<uint64_t> claimed_length = std::nullopt) {
    const uint64_t length = claimed_length.value_or(uint64_t(header.size()));
    QByteArray bytes(reinterpret_cast<const char*>(&length), 8);
    return bytes + header + data;
}

void write_bytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

QStringList entries_of(const QString& dir) {
    return QDir(dir).entryList(QDir::Files | QDir::Hidden);
}

}  // namespace

class TestSafeTensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void fixturesDecodeExactly();
    void fixturesMatchManifest();
    void modelFilesCarryFormatMetadata();
    void loadConvertsDtype();
    void unknownTensorNameIsError();

    void corruptFiles_data();
    void corruptFiles();
    void deeplyNestedHeaderIsRefused();
    void errorsNeverQuoteTheFilesBytes_data();
    void errorsNeverQuoteTheFilesBytes();
    void missingFileIsError();
    void unalignedDataLoads();
    void boolBytesAreChecked();

    void writerRoundTripAllDtypes();
    void writerHeaderIsAlignedAndPadded();
    void writerCustomMetadata();
    void writerRejectsBadInput();
    void writerMissingFolderLeavesNothing();
    void writerRenameFailureLeavesNoTemp();
    void writerReplacesExistingFile();

    void tensorMapSource();
    void renamedSource();
};

void TestSafeTensors::fixturesDecodeExactly() {
    const QStringList files = all_fixture_safetensors();
    QVERIFY2(files.size() >= 30, qPrintable(QString("found only %1 files").arg(files.size())));
    int64_t tensors = 0;
    for (const QString& path : files) {
        const RawFile raw = read_raw(path);
        const auto file = SafeTensorsFile::open(path.toStdString());
        QCOMPARE(qsizetype(file->infos().size()),
                 raw.header.size() - (raw.header.contains("__metadata__") ? 1 : 0));
        for (const auto& info : file->infos()) {
            const QString name = QString::fromStdString(info.name);
            const QJsonObject entry = raw.header.value(name).toObject();
            QCOMPARE(expected_dtype_name(info.dtype), entry.value("dtype").toString());
            QJsonArray shape;
            for (int64_t d : info.shape) shape.append(qint64(d));
            QCOMPARE(shape, entry.value("shape").toArray());

            const at::Tensor tensor = file->load(info.name);
            QCOMPARE(tensor.sizes().vec(), info.shape);
            QVERIFY(tensor.is_contiguous());
            const QString diff = compare_with_raw(raw, name, tensor);
            QVERIFY2(diff.isEmpty(), qPrintable(path + " [" + name + "]: " + diff));
            ++tensors;
        }
    }
    qInfo("decoded %lld tensors in %lld files", qint64(tensors), qint64(files.size()));
}

void TestSafeTensors::fixturesMatchManifest() {
    const QString golden = QString::fromStdString(lightning::testing::golden_dir());
    QFile manifest_file(golden + "/manifest.json");
    QVERIFY(manifest_file.open(QIODevice::ReadOnly));
    const QJsonObject manifest = QJsonDocument::fromJson(manifest_file.readAll()).object();
    const QHash<QString, QString> dtype_names{{"float32", "F32"},
                                              {"int64", "I64"},
                                              {"uint8", "U8"},
                                              {"float16", "F16"},
                                              {"bfloat16", "BF16"}};
    int checked = 0;
    for (const auto& case_value : manifest.value("cases").toArray()) {
        const QJsonObject c = case_value.toObject();
        if (!c.contains("tensors")) continue;
        QString file = c.value("file").toString();
        if (c.contains("files")) file = c.value("files").toObject().value("tensors").toString();
        QVERIFY2(file.endsWith(".safetensors"), qPrintable(c.value("id").toString()));
        const auto st = SafeTensorsFile::open((golden + "/" + file).toStdString());
        const QJsonObject tensors = c.value("tensors").toObject();
        for (auto it = tensors.begin(); it != tensors.end(); ++it) {
            const auto* info = st->info(it.key().toStdString());
            QVERIFY2(info, qPrintable(file + " lacks " + it.key()));
            const QJsonObject listing = it.value().toObject();
            QCOMPARE(expected_dtype_name(info->dtype),
                     dtype_names.value(listing.value("dtype").toString(), "?"));
            QJsonArray shape;
            for (int64_t d : info->shape) shape.append(qint64(d));
            QCOMPARE(shape, listing.value("shape").toArray());
            ++checked;
        }
    }
    QVERIFY(checked > 500);
}

void TestSafeTensors::modelFilesCarryFormatMetadata() {
    int model_files = 0;
    for (const QString& path : all_fixture_safetensors()) {
        // Model files only: goldens and the golden-prompts embeddings (written by
        // safetensors' own save_file, without metadata) are inputs of another kind.
        if (path.contains("/golden/") || path.contains("/golden-prompts/")) continue;
        const auto file = SafeTensorsFile::open(path.toStdString());
        const std::map<std::string, std::string> expected{{"format", "pt"}};
        QVERIFY2(file->metadata() == expected, qPrintable(path));
        ++model_files;
    }
    QCOMPARE(model_files, 10);

    // Counts the fixtures README states.
    const std::string lightning = lightning::testing::fixtures_dir() + "/tiny-lightning/";
    QCOMPARE(SafeTensorsFile::open(lightning + "sdxl_lightning_4step.safetensors")->names().size(),
             size_t(1189));
    QCOMPARE(
        SafeTensorsFile::open(lightning + "sdxl_lightning_4step_lora.safetensors")->names().size(),
        size_t(924));
}

void TestSafeTensors::loadConvertsDtype() {
    const std::string path =
        lightning::testing::fixtures_dir() + "/tiny-sdxl/text_encoder/model.safetensors";
    const RawFile raw = read_raw(QString::fromStdString(path));
    const auto file = SafeTensorsFile::open(path);
    const std::string name = "text_model.embeddings.token_embedding.weight";
    QCOMPARE(file->info(name)->dtype, StDType::F16);
    QCOMPARE(file->shape(name), (std::vector<int64_t>{49408, 32}));
    const at::Tensor as_f32 = file->load(name, at::kFloat);
    QCOMPARE(as_f32.scalar_type(), at::kFloat);
    QVERIFY(compare_with_raw(raw, QString::fromStdString(name), as_f32).isEmpty());
    const at::Tensor as_bf16 = file->load(name, at::kBFloat16);
    QCOMPARE(as_bf16.scalar_type(), at::kBFloat16);
    QVERIFY(at::equal(as_bf16, as_f32.to(at::kBFloat16)));

    // The result owns its memory: it survives the file object.
    at::Tensor kept;
    {
        const auto temporary = SafeTensorsFile::open(path);
        kept = temporary->load(name);
    }
    QVERIFY(compare_with_raw(raw, QString::fromStdString(name), kept).isEmpty());
}

void TestSafeTensors::unknownTensorNameIsError() {
    const std::string path = lightning::testing::golden_dir() + "/unet.safetensors";
    const auto file = SafeTensorsFile::open(path);
    QVERIFY(!file->contains("nope"));
    QVERIFY(file->info("nope") == nullptr);
    const Error e = expect_error([&] { file->load("nope"); });
    QCOMPARE(e.where(), path);
    QVERIFY(std::string(e.what()).find("no tensor named 'nope'") != std::string::npos);
    expect_error([&] { file->shape("nope"); });
}

void TestSafeTensors::corruptFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("tensor");  // expected in where() when one tensor is at fault

    const QByteArray f32x2 = QByteArray(8, '\0');
    const QByteArray ok_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    const QByteArray valid = make_file("{" + ok_entry + "}", f32x2);

    QTest::newRow("empty file") << QByteArray() << "file too small"
                                << "";
    QTest::newRow("under 8 bytes") << QByteArray("\x02\0\0\0", 4) << "file too small"
                                   << "";
    QTest::newRow("header length beyond file")
        << make_file("{}", {}, 1000) << "is larger than the file"
        << "";
    QTest::newRow("header length absurd")
        << make_file("{}", {}, uint64_t(1) << 40) << "exceeds the 100000000-byte limit"
        << "";
    QTest::newRow("truncated data")
        << valid.left(valid.size() - 3) << "reach beyond the data section"
        << "a";
    QTest::newRow("truncated header") << valid.left(20) << "is larger than the file"
                                      << "";
    QTest::newRow("header not json") << make_file("{\"a\": nope}", {}) << "not valid JSON"
                                     << "";
    QTest::newRow("header json array") << make_file("[1, 2]  ", {}) << "not an object"
                                       << "";
    QTest::newRow("entry not object") << make_file(R"({"a":[1]})", {}) << "entry must be an object"
                                      << "a";
    QTest::newRow("unknown dtype")
        << make_file(R"({"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}})", f32x2)
        << "unknown dtype 'F8_E4M3'"
        << "a";
    QTest::newRow("missing dtype")
        << make_file(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", f32x2)
        << "missing or non-string 'dtype'"
        << "a";
    QTest::newRow("shape times itemsize != range")
        << make_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", f32x2)
        << "needs 12 bytes but data_offsets span 8"
        << "a";
    QTest::newRow("shape product overflows")
        << make_file(
               R"({"a":{"dtype":"F32","shape":[4611686018427387904,16],"data_offsets":[0,8]}})",
               f32x2)
        << "more than 2^64"
        << "a";
    QTest::newRow("range beyond data")
        << make_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", f32x2)
        << "reach beyond the data section"
        << "a";
    QTest::newRow("begin after end")
        << make_file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", f32x2)
        << "begin 8 > end 4"
        << "a";
    QTest::newRow("offsets not a pair")
        << make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", f32x2)
        << "'data_offsets' must be [begin, end]"
        << "a";
    QTest::newRow("overlapping ranges")
        << make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                     QByteArray(12, '\0'))
        << "overlaps tensor 'a'"
        << "b";
    QTest::newRow("negative shape")
        << make_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", f32x2)
        << "shape entry 0 is negative"
        << "a";
    QTest::newRow("non-integer shape")
        << make_file(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", f32x2)
        << "shape entry 0 is a number, not an integer"
        << "a";
    QTest::newRow("string shape")
        << make_file(R"({"a":{"dtype":"F32","shape":[1,"2"],"data_offsets":[0,8]}})", f32x2)
        << "shape entry 1 is a string, not an integer"
        << "a";
    QTest::newRow("metadata value not string")
        << make_file(R"({"__metadata__":{"format":1},)" + ok_entry + "}", f32x2)
        << "__metadata__ value of 'format' must be a string"
        << "";
    QTest::newRow("metadata not object")
        << make_file(R"({"__metadata__":"pt",)" + ok_entry + "}", f32x2)
        << "__metadata__ must be an object"
        << "";
}

void TestSafeTensors::corruptFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QFETCH(QString, tensor);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("corrupt.safetensors");
    write_bytes(path, bytes);
    const Error e = expect_error([&] { SafeTensorsFile::open(path.toStdString()); });
    const QString what = QString::fromStdString(e.what());
    QVERIFY2(what.contains(message), qPrintable("message was: " + what));
    QVERIFY2(QString::fromStdString(e.where()).startsWith(path), qPrintable(what));
    if (!tensor.isEmpty())
        QCOMPARE(QString::fromStdString(e.where()), path + " [" + tensor + "]");
    else
        QCOMPARE(QString::fromStdString(e.where()), path);
}

// Guards issue #26 item 9: `--lora /etc/shadow` printed "header length 3619251681095544690
// exceeds ...", the file's first 8 bytes as a number; JSON errors quoted the text they stopped
// at. A file that fails validation is described by sizes and positions only.
void TestSafeTensors::errorsNeverQuoteTheFilesBytes_data() {
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray secret = "SECRET-PASSWORD-hunter2";
    QTest::newRow("text file") << (secret + "\n").repeated(40);
    QTest::newRow("short text file") << secret.left(12);
    QTest::newRow("header stops at text")
        << make_file("[\"" + secret + "\x01\"]", {});  // nlohmann quotes what it last read
    QTest::newRow("number too large") << make_file("[1" + QByteArray(400, '7') + "]", {});
    QTest::newRow("dtype of text")
        << make_file(R"({"a":{"dtype":")" + secret + R"( x","shape":[2],"data_offsets":[0,8]}})",
                     QByteArray(8, '\0'));
    QTest::newRow("shape of text")
        << make_file(R"({"a":{"dtype":"F32","shape":[")" + secret + R"("],"data_offsets":[0,8]}})",
                     QByteArray(8, '\0'));
}

void TestSafeTensors::errorsNeverQuoteTheFilesBytes() {
    QFETCH(QByteArray, bytes);
    QTemporaryDir dir;
    const QString path = dir.filePath("given-as-lora.safetensors");
    write_bytes(path, bytes);
    const Error e = expect_error([&] { SafeTensorsFile::open(path.toStdString()); });
    const QString what = QString::fromStdString(e.what());
    QVERIFY2(what.startsWith(path), qPrintable(what));
    for (const char* quoted : {"SECRET", "hunter", "PASSWORD", "7777"})
        QVERIFY2(!what.contains(quoted), qPrintable(what));
    uint64_t first_eight = 0;
    std::memcpy(&first_eight, bytes.constData(), std::min<size_t>(8, size_t(bytes.size())));
    if (first_eight > 100'000'000)  // text: its first 8 bytes read as the header length
        QVERIFY2(!what.contains(QString::number(first_eight)), qPrintable(what));
}

// Guards the header's JSON nesting limit: a shape nested 1,000,000 deep overflowed the stack when
// the error message printed it (nlohmann's dump() recurses) instead of reporting a bad file.
void TestSafeTensors::deeplyNestedHeaderIsRefused() {
    const int depth = 1'000'000;
    const QByteArray header = R"({"x":{"dtype":"F32","shape":)" + QByteArray(depth, '[') +
                              QByteArray(depth, ']') + R"(,"data_offsets":[0,0]}})";
    QTemporaryDir dir;
    const QString path = dir.filePath("deep.safetensors");
    write_bytes(path, make_file(header, {}));
    const Error e = expect_error([&] { SafeTensorsFile::open(path.toStdString()); });
    QCOMPARE(QString::fromStdString(e.where()), path);
    QVERIFY2(std::string(e.what()).find("header is not valid JSON: nested deeper than 64 levels") !=
                 std::string::npos,
             e.what());
}

void TestSafeTensors::missingFileIsError() {
    const Error e = expect_error([] { SafeTensorsFile::open("/nonexistent/x.safetensors"); });
    QCOMPARE(e.where(), std::string("/nonexistent/x.safetensors"));
    QVERIFY(std::string(e.what()).find("No such file") != std::string::npos);
    QTemporaryDir dir;
    expect_error([&] { SafeTensorsFile::open(dir.path().toStdString()); });  // a folder
}

void TestSafeTensors::unalignedDataLoads() {
    // A hand-made file whose header is not padded: the data section starts at an odd offset.
    QTemporaryDir dir;
    const QString path = dir.filePath("odd.safetensors");
    const float values[3] = {1.5f, -2.25f, 1e-30f};
    const QByteArray header = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
    QVERIFY(header.size() % 4 != 0);
    write_bytes(path, make_file(header, QByteArray(reinterpret_cast<const char*>(values), 12)));
    const auto file = SafeTensorsFile::open(path.toStdString());
    const at::Tensor expected = at::tensor({1.5f, -2.25f, 1e-30f});
    QVERIFY(at::equal(file->load("x"), expected));
    QVERIFY(at::equal(file->load("x", at::kDouble), expected.to(at::kDouble)));
}

void TestSafeTensors::boolBytesAreChecked() {
    QTemporaryDir dir;
    const QString path = dir.filePath("bool.safetensors");
    write_bytes(path, make_file(R"({"b":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})",
                                QByteArray("\x01\x07", 2)));
    const auto file = SafeTensorsFile::open(path.toStdString());
    const Error e = expect_error([&] { file->load("b"); });
    QCOMPARE(QString::fromStdString(e.where()), path + " [b]");
    QVERIFY(std::string(e.what()).find("bytes other than 0/1") != std::string::npos);
}

void TestSafeTensors::writerRoundTripAllDtypes() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("all.safetensors").toStdString();
    const at::Tensor base = at::arange(-6, 6, at::kDouble).reshape({3, 4}) * 1.25;
    std::vector<std::pair<std::string, at::Tensor>> tensors{
        {"f16", base.to(at::kHalf)},
        {"bf16", base.to(at::kBFloat16)},
        {"f32", base.to(at::kFloat).t()},  // non-contiguous input
        {"f64", base},
        {"i64", at::tensor({int64_t(-9007199254740993LL), int64_t(1) << 62, int64_t(-1)})},
        {"i32", base.to(at::kInt)},
        {"i16", base.to(at::kShort)},
        {"i8", base.to(at::kChar)},
        {"u8", at::arange(0, 256, at::kInt).to(at::kByte)},
        {"bool", at::tensor({1, 0, 1}).to(at::kBool)},
        {"scalar", at::scalar_tensor(3.5, at::kFloat)},
        {"empty", at::empty({0, 5}, at::kFloat)},
    };
    lightning::save_safetensors(path, tensors);

    const auto file = SafeTensorsFile::open(path);
    const std::map<std::string, std::string> pt{{"format", "pt"}};
    QVERIFY(file->metadata() == pt);
    QCOMPARE(file->infos().size(), tensors.size());
    const std::map<std::string, StDType> expected_dtypes{
        {"f16", StDType::F16},   {"bf16", StDType::BF16},  {"f32", StDType::F32},
        {"f64", StDType::F64},   {"i64", StDType::I64},    {"i32", StDType::I32},
        {"i16", StDType::I16},   {"i8", StDType::I8},      {"u8", StDType::U8},
        {"bool", StDType::BOOL}, {"scalar", StDType::F32}, {"empty", StDType::F32}};
    const RawFile raw = read_raw(QString::fromStdString(path));
    for (const auto& [name, tensor] : tensors) {
        QCOMPARE(file->info(name)->dtype, expected_dtypes.at(name));
        const at::Tensor loaded = file->load(name);
        QCOMPARE(loaded.scalar_type(), tensor.scalar_type());
        QVERIFY2(at::equal(loaded, tensor), name.c_str());
        // And the bytes on disk decode (independently) to the same values.
        const QString diff = compare_with_raw(raw, QString::fromStdString(name), tensor);
        QVERIFY2(diff.isEmpty(), qPrintable(QString::fromStdString(name) + ": " + diff));
    }
    QCOMPARE(file->shape("scalar"), std::vector<int64_t>{});
    QCOMPARE(file->shape("empty"), (std::vector<int64_t>{0, 5}));
}

void TestSafeTensors::writerHeaderIsAlignedAndPadded() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("pad.safetensors").toStdString();
    for (int length = 1; length <= 9; ++length) {
        lightning::save_safetensors(path, {{std::string(length, 'x'), at::ones({3}, at::kHalf)},
                                           {"w", at::ones({1}, at::kDouble)}});
        const RawFile raw = read_raw(QString::fromStdString(path));
        QCOMPARE(raw.data_start % 8, qint64(0));
        const QByteArray header = raw.bytes.mid(8, raw.data_start - 8);
        QVERIFY(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"));
        const QByteArray trimmed = header.trimmed();
        QVERIFY(trimmed.endsWith('}'));
        QCOMPARE(header.mid(trimmed.size()), QByteArray(header.size() - trimmed.size(), ' '));
        QVERIFY(header.size() - trimmed.size() < 8);
        // Larger items first, so the F64 tensor starts the (aligned) data section.
        const auto file = SafeTensorsFile::open(path);
        QCOMPARE(file->info("w")->begin, uint64_t(0));
    }
}

void TestSafeTensors::writerCustomMetadata() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("meta.safetensors").toStdString();
    const std::map<std::string, std::string> metadata{{"ss_network_dim", "4"},
                                                      {"note", "caf\u00e9 \u732b \"q\""}};
    lightning::save_safetensors(path, {{"a", at::zeros({2})}}, metadata);
    QVERIFY(SafeTensorsFile::open(path)->metadata() == metadata);
    lightning::save_safetensors(path, {{"a", at::zeros({2})}}, {});
    QVERIFY(SafeTensorsFile::open(path)->metadata().empty());
    const RawFile raw = read_raw(QString::fromStdString(path));
    QVERIFY(!raw.header.contains("__metadata__"));
}

void TestSafeTensors::writerRejectsBadInput() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bad.safetensors").toStdString();
    Error e = expect_error([&] {
        lightning::save_safetensors(path, {{"a", at::zeros({1})}, {"a", at::zeros({1})}});
    });
    QVERIFY(std::string(e.what()).find("duplicate tensor name") != std::string::npos);
    QCOMPARE(e.where(), path + " [a]");
    e = expect_error([&] {
        lightning::save_safetensors(path, {{"c", at::zeros({1}, at::kComplexFloat)}});
    });
    QVERIFY(std::string(e.what()).find("cannot be stored") != std::string::npos);
    expect_error([&] { lightning::save_safetensors(path, {{"__metadata__", at::zeros({1})}}); });
    expect_error([&] { lightning::save_safetensors(path, {{"u", at::Tensor()}}); });
    QVERIFY(entries_of(dir.path()).isEmpty());
}

void TestSafeTensors::writerMissingFolderLeavesNothing() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("missing/sub/out.safetensors").toStdString();
    const Error e = expect_error([&] {
        lightning::save_safetensors(path, {{"a", at::zeros({4})}});
    });
    QCOMPARE(e.where(), path);
    QVERIFY2(std::string(e.what()).find("No such file or directory") != std::string::npos,
             e.what());
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    QVERIFY(QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                .isEmpty());
}

void TestSafeTensors::writerRenameFailureLeavesNoTemp() {
    // The target is an existing non-empty folder: writing the temp file works, the rename fails.
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("target.safetensors/inside"));
    const std::string path = dir.filePath("target.safetensors").toStdString();
    const Error e = expect_error([&] {
        lightning::save_safetensors(path, {{"a", at::zeros({4})}});
    });
    QCOMPARE(e.where(), path);
    QVERIFY2(std::string(e.what()).find("cannot rename") != std::string::npos, e.what());
    QVERIFY(entries_of(dir.path()).isEmpty());  // no temp file left
}

void TestSafeTensors::writerReplacesExistingFile() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("x.safetensors").toStdString();
    lightning::save_safetensors(path, {{"old", at::zeros({100})}});
    lightning::save_safetensors(path, {{"new", at::ones({2})}});
    const auto file = SafeTensorsFile::open(path);
    QCOMPARE(file->names(), std::vector<std::string>{"new"});
    QCOMPARE(entries_of(dir.path()), QStringList{"x.safetensors"});
    QVERIFY((QFile::permissions(QString::fromStdString(path)) & QFile::ReadOther) ||
            (QFile::permissions(QString::fromStdString(path)) & QFile::ReadOwner));
}

void TestSafeTensors::tensorMapSource() {
    const at::Tensor a = at::arange(6, at::kFloat).reshape({2, 3});
    lightning::TensorMapSource source({{"b", at::ones({1}, at::kHalf)}, {"a", a}}, "factors");
    QCOMPARE(source.names(), (std::vector<std::string>{"b", "a"}));
    QVERIFY(source.contains("a") && !source.contains("c"));
    QCOMPARE(source.shape("a"), (std::vector<int64_t>{2, 3}));
    QCOMPARE(source.describe(), std::string("factors"));
    at::Tensor loaded = source.load("a", at::kDouble, at::kCPU);
    QCOMPARE(loaded.scalar_type(), at::kDouble);
    QVERIFY(at::equal(loaded, a.to(at::kDouble)));
    at::Tensor same = source.load("a", std::nullopt, at::kCPU);
    same.add_(1);  // must not modify the source
    QVERIFY(at::equal(source.load("a", std::nullopt, at::kCPU), a));
    const Error e = expect_error([&] { source.load("c", std::nullopt, at::kCPU); });
    QCOMPARE(e.where(), std::string("factors"));
    expect_error([&] { source.shape("c"); });
    expect_error([] {
        lightning::TensorMapSource dup({{"x", at::ones({1})}, {"x", at::ones({1})}});
    });
}

void TestSafeTensors::renamedSource() {
    auto inner = std::make_shared<lightning::TensorMapSource>(
        std::vector<std::pair<std::string, at::Tensor>>{{"old.w", at::full({2, 2}, 3.0)},
                                                        {"old.b", at::full({2}, 4.0)},
                                                        {"unused", at::zeros({1})}},
        "ckpt.safetensors");
    auto renamed =
        lightning::renamed_source(inner, {{"new.weight", "old.w"}, {"new.bias", "old.b"}});
    QCOMPARE(renamed->names(), (std::vector<std::string>{"new.weight", "new.bias"}));
    QVERIFY(renamed->contains("new.bias") && !renamed->contains("old.b"));
    QCOMPARE(renamed->shape("new.weight"), (std::vector<int64_t>{2, 2}));
    QVERIFY(at::equal(renamed->load("new.bias", at::kFloat, at::kCPU), at::full({2}, 4.0f)));
    QCOMPARE(renamed->describe(), std::string("ckpt.safetensors"));
    Error e = expect_error([&] { renamed->load("old.w", std::nullopt, at::kCPU); });
    QVERIFY(std::string(e.what()).find("no tensor named 'old.w'") != std::string::npos);
    e = expect_error([&] { lightning::renamed_source(inner, {{"x", "absent"}}); });
    QVERIFY(std::string(e.what()).find("'absent'") != std::string::npos);
    e = expect_error([&] { lightning::renamed_source(inner, {{"x", "old.w"}, {"x", "old.b"}}); });
    QVERIFY(std::string(e.what()).find("same name 'x'") != std::string::npos);

    // Over a real file.
    auto file = SafeTensorsFile::open(lightning::testing::golden_dir() + "/unet.safetensors");
    auto view = lightning::renamed_source(file, {{"x", "input.sample"}});
    QVERIFY(at::equal(view->load("x", std::nullopt, at::kCPU), file->load("input.sample")));
}

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "test_safetensors.moc"
