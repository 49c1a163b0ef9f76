# Included by the top-level CMakeLists.txt when LIGHTNING_FUZZ is ON (scripts/test.sh sets it):
# builds fuzz/ with clang in <build>/fuzz as one more step of the normal build, and makes its
# tests (label `fuzz`, 30 s each) part of the top-level ctest run.
find_program(LIGHTNING_FUZZ_CXX NAMES clang++-14 clang++)
if(NOT LIGHTNING_FUZZ_CXX)
  message(FATAL_ERROR "LIGHTNING_FUZZ needs clang++ with libFuzzer "
                      "(Debian: clang libclang-rt-14-dev; scripts/bootstrap.sh installs them)")
endif()

include(ExternalProject)
ExternalProject_Add(lightning_fuzzers
  SOURCE_DIR "${PROJECT_SOURCE_DIR}/fuzz"
  BINARY_DIR "${PROJECT_BINARY_DIR}/fuzz"
  CMAKE_ARGS "-DCMAKE_CXX_COMPILER=${LIGHTNING_FUZZ_CXX}"
             "-DLIGHTNING_FIXTURES=${LIGHTNING_FIXTURES}"
  BUILD_ALWAYS ON      # fuzz/'s own ninja decides what is out of date (core/ sources included)
  INSTALL_COMMAND "")

# The fuzz build writes its CTestTestfile.cmake when it is configured (during the build); ctest
# reads it from here, and skips it quietly before the first build.
file(WRITE "${PROJECT_BINARY_DIR}/fuzz-tests.cmake"
     "include(\"${PROJECT_BINARY_DIR}/fuzz/CTestTestfile.cmake\" OPTIONAL)\n")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY TEST_INCLUDE_FILES
             "${PROJECT_BINARY_DIR}/fuzz-tests.cmake")
