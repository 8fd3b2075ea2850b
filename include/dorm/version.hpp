#pragma once
// dorm's version (README "Versioning"): the same as CMake's project(dorm VERSION ...),
// dormConfigVersion.cmake and dorm.pc (the consumer and version_header tests check it).
#define DORM_VERSION_MAJOR 0
#define DORM_VERSION_MINOR 1
#define DORM_VERSION_PATCH 0
// MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons: #if DORM_VERSION >= 200 (0.2.0).
#define DORM_VERSION (DORM_VERSION_MAJOR * 10000 + DORM_VERSION_MINOR * 100 + DORM_VERSION_PATCH)
#define DORM_VERSION_STRING "0.1.0"
