#include "core/request/enums.h"

#include "core/util/error.h"

namespace lightning {

std::string names_or(const std::string_view* names, size_t count) {
    std::string text;
    for (size_t i = 0; i < count; ++i) {
        if (i > 0) text += i + 1 == count ? " or " : ", ";
        text += names[i];
    }
    return text;
}

void throw_unknown_name(const char* field, const std::string& text, const std::string& names) {
    throw Error(field, "'" + text + "' is not " + names);
}

}  // namespace lightning
