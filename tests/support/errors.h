// What a call throws, for the tests of error paths: the lightning::Error itself, or its message.
#pragma once
#include "core/util/error.h"

#include <QtTest/QtTest>

#include <exception>
#include <string>

namespace lightning::testing {

// The lightning::Error `action` throws. Anything else ends the test run with qFatal, naming the
// other exception: the caller's checks need an Error to look at.
template <typename F>
Error expect_error(F&& action) {
    try {
        action();
    } catch (const Error& e) {
        return e;
    } catch (const std::exception& e) {
        qFatal("expected lightning::Error, got std::exception: %s", e.what());
    }
    qFatal("expected lightning::Error, nothing was thrown");
}

// The message (what()) of the lightning::Error `action` throws; "" when it throws none. Other
// exceptions reach QtTest, which fails the test naming them.
template <typename F>
std::string error_of(F&& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace lightning::testing
