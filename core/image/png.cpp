#include "core/image/png.h"
