#include "core/util/log.h"

int main(int argc, char** argv) {
    lightning::init_logging();
    return 0;
}
