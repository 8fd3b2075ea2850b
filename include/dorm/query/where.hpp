#pragma once
// Forwarding header, kept for one release (dorm 0.2): the file moved to
// dorm/tree/where.hpp (docs/architecture.md). DORM_FORWARDING_HEADER
#include "dorm/tree/where.hpp"
