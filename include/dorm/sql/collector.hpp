#pragma once
// Forwarding header, kept for one release (dorm 0.2): the file moved to
// dorm/orm/collector.hpp (docs/architecture.md). DORM_FORWARDING_HEADER
#include "dorm/orm/collector.hpp"
