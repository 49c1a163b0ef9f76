// Found first by every file of lightning_base (core/CMakeLists.txt): every libtorch header
// includes this one, so a torch include anywhere in the torch-free layers stops the build here.
#error \
    "a torch header reached the torch-free base (core/request, core/util, core/hub's cache, core/io/config): include it from a layer above"
