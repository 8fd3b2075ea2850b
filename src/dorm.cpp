// The library of dorm's compiled mode (CMake target dorm::compiled): every non-template
// function of dorm, defined once. The headers include their bodies (include/dorm/impl/)
// only here and in header-only mode (dorm/detail/config.hpp).
#define DORM_BUILDING_LIBRARY 1
#include "dorm/sync.hpp"
