// The translation unit that builds the tests' shared precompiled header (tests/CMakeLists.txt,
// DORM_TEST_PCH): the header itself is <catch2/catch.hpp> + <dorm/sync.hpp>.
