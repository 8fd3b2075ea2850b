#pragma once
// Forwarding header, kept for one release (dorm 0.2): the file moved to
// dorm/core/fields.hpp (docs/architecture.md). DORM_FORWARDING_HEADER
#include "dorm/core/fields.hpp"
