#pragma once
// Forwarding header, kept for one release (dorm 0.2): the file moved to
// dorm/odata/compile.hpp (docs/architecture.md). DORM_FORWARDING_HEADER
#include "dorm/odata/compile.hpp"
