// Exceptions of the libraries under the models become lightning::Error naming the stage
// (core/pipeline/backend_errors.h). oneDNN's dnnl::error derives from std::exception only; with
// DNNL_MAX_CPU_ISA=AVX2 on an AVX-512 CPU it is what a bf16 convolution throws, and before this
// it escaped every `catch (const Error&)` of the CLI and aborted the tests.
#include "core/pipeline/backend_errors.h"
#include "core/util/error.h"
#include "support/errors.h"

#include <c10/util/Exception.h>
#include <QtTest/QtTest>

#include <exception>
#include <new>
#include <string>

using namespace lightning;
using lightning::testing::expect_error;

namespace {

// The shape of dnnl::error: a std::exception with a message, nothing else.
struct LibraryError : std::exception {
    const char* what() const noexcept override {
        return "could not create a primitive descriptor iterator";
    }
};

template <typename E>
std::string message_of(E exception) {
    try {
        with_lightning_errors("generation", [&]() -> int { throw exception; });
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a lightning::Error: ") + e.what();
    }
    return "nothing thrown";
}

}  // namespace

class TestBackendErrors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void a_library_exception_becomes_an_error_naming_the_stage() {
        const auto message = message_of(LibraryError{});
        QVERIFY2(message.rfind("generation: ", 0) == 0, message.c_str());
        QVERIFY2(message.find("could not create a primitive") != std::string::npos,
                 message.c_str());
        QVERIFY2(message.find("LIGHTNING_MKLDNN=0") != std::string::npos, message.c_str());
    }

    void any_standard_exception_is_an_error() {
        const auto message = message_of(std::logic_error("bad descriptor\nsecond line"));
        QCOMPARE(message, std::string("generation: a library failed: bad descriptor"));
        QCOMPARE(message_of(42), std::string("generation: a library failed with an exception of "
                                             "unknown type"));
    }

    void torch_errors_keep_their_first_line() {
        const auto message = message_of(c10::Error("expected a 4-D input\nbacktrace", ""));
        QVERIFY2(message.find("generation: expected a 4-D input") == 0, message.c_str());
        QVERIFY2(message.find("backtrace") == std::string::npos, message.c_str());
    }

    void out_of_memory_says_what_to_change() {
        QVERIFY(message_of(std::bad_alloc{}).find("use a smaller size") != std::string::npos);
    }

    void our_errors_and_cancellation_pass_unchanged() {
        QCOMPARE(message_of(Error("the UNet file", "truncated")),
                 std::string("the UNet file: truncated"));
        bool cancelled = false;
        try {
            with_lightning_errors("generation", []() -> int { throw Cancelled(); });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
    }
};

QTEST_GUILESS_MAIN(TestBackendErrors)
#include "test_backend_errors.moc"
