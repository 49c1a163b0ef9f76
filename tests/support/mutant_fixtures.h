// A copy of the fixtures folder with seeded faults, for tests that prove a check can fail: every
// file is a symbolic link to the original except the ones a test rewrites, so a mutant costs a
// few file writes, and the checks under test read it exactly as they read the real fixtures.
#pragma once
#include "core/io/safetensors.h"
#include "core/util/file_text.h"
#include "support/fixtures.h"

#include <QTemporaryDir>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lightning::testing {

class MutantFixtures {
public:
    using TensorEdit = std::function<void(const std::string& name, at::Tensor& tensor)>;
    using JsonEdit = std::function<void(nlohmann::json& json)>;

    MutantFixtures() {
        namespace fs = std::filesystem;
        const fs::path from = fixtures_dir();
        for (const auto& entry : fs::recursive_directory_iterator(from)) {
            const auto to = fs::path(dir()) / fs::relative(entry.path(), from);
            if (entry.is_directory())
                fs::create_directories(to);
            else
                fs::create_symlink(entry.path(), to);
        }
    }

    // The folder to pass as GoldenOptions::fixtures_dir.
    std::string dir() const { return temp_.path().toStdString(); }

    // Rewrites a safetensors file (path relative to the fixtures), each tensor passed through
    // `edit` as fp32 and written back in its own dtype.
    void edit_tensors(const std::string& file, const TensorEdit& edit) const {
        const auto path = dir() + "/" + file;
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        {
            const auto source = SafeTensorsFile::open(path);
            for (const auto& name : source->names()) {
                const auto original = source->load(name);
                auto tensor = original.to(at::kFloat).clone();
                edit(name, tensor);
                tensors.emplace_back(name, tensor.to(original.scalar_type()));
            }
        }
        std::filesystem::remove(path);
        save_safetensors(path, tensors);
    }

    void edit_json(const std::string& file, const JsonEdit& edit) const {
        const auto path = dir() + "/" + file;
        auto json = read_json_file(path, file);
        edit(json);
        std::filesystem::remove(path);
        std::ofstream(path) << json.dump(2);
    }

private:
    QTemporaryDir temp_;
};

}  // namespace lightning::testing
