# Driver for the consumer_* tests (cmake -P); see tests/CMakeLists.txt. Each mode builds a
# small project against dorm, as a user would, and runs its programs:
#   find_package      builds dorm::compiled in DORM_BINARY_DIR, installs that build tree
#                     into a scratch prefix, checks the install (libdorm.a, dorm::compiled
#                     exported), then find_package(dorm CONFIG) with both targets, and
#                     checks that mixing the two modes in one program fails to link
#                     (dormConfigVersion.cmake: SameMinorVersion)
#   pkg_config        installs the same way, then compiles main.cpp without CMake, with the
#                     compiler and `pkg-config --cflags --libs dorm` (and dorm-compiled)
#   add_subdirectory  add_subdirectory(<DORM_SOURCE_DIR>), links dorm::compiled; then
#                     `cmake --install` of that project installs none of dorm's files, and
#                     does with -DDORM_INSTALL=ON
#   fetchcontent      FetchContent from a .tar.gz of DORM_SOURCE_DIR (a local file URL),
#                     links dorm::dorm
# Inputs: MODE, DORM_SOURCE_DIR, DORM_BINARY_DIR and DORM_CONFIG (find_package, pkg_config),
#         DORM_VERSION (project(VERSION)), CONSUMER_SOURCE_DIR (tests/consumer), WORK_DIR,
#         GENERATOR, CXX_COMPILER.
# The consumers build as Debug without -g (-O0 alone: fast; nobody debugs them); the
# add_subdirectory one compiles dorm's library inside its own build.
foreach(var MODE DORM_SOURCE_DIR DORM_VERSION CONSUMER_SOURCE_DIR WORK_DIR GENERATOR
        CXX_COMPILER)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
set(config Debug)
include("${CONSUMER_SOURCE_DIR}/common.cmake") # DORM_CONSUMER_FLAGS

set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}") # start from scratch every run
file(MAKE_DIRECTORY "${WORK_DIR}")

function(step what)
    message(STATUS "consumer (${MODE}): ${what}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc STREQUAL "0")
        message(FATAL_ERROR "consumer (${MODE}): ${what} failed (${rc})")
    endif()
endfunction()

# configure(<project dir> <extra cmake arguments>...), then build it.
function(configure_and_build project)
    step("configure ${project}"
        "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}/${project}" -B "${build}" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_BUILD_TYPE=${config}"
        "-DCMAKE_CXX_FLAGS_DEBUG=-O0" "-DDORM_EXPECTED_VERSION=${DORM_VERSION}" ${ARGN})
    set(targets)
    if(build_targets) # only these (default: all)
        set(targets --target ${build_targets})
    endif()
    step("build" "${CMAKE_COMMAND}" --build "${build}" --config "${config}" --parallel 2
        ${targets})
endfunction()

# Runs a program of the consumer build. Single-config generators put it at the top of the
# build dir; multi-config ones in a per-config subdirectory.
function(run_program name)
    set(exe "${build}/${name}")
    if(NOT EXISTS "${exe}")
        set(exe "${build}/${config}/${name}")
    endif()
    step("run ${name}" "${exe}")
endfunction()

# Builds dorm::compiled in DORM_BINARY_DIR and installs that build tree into ${prefix}.
macro(install_dorm)
    if(NOT DORM_BINARY_DIR)
        message(FATAL_ERROR "run.cmake: DORM_BINARY_DIR is not set")
    endif()
    if(NOT DORM_CONFIG)
        set(DORM_CONFIG Release)
    endif()
    set(prefix "${WORK_DIR}/prefix")
    # The install copies dorm::compiled's library, so it must be built (a no-op when it is).
    step("build dorm_compiled in ${DORM_BINARY_DIR}"
        "${CMAKE_COMMAND}" --build "${DORM_BINARY_DIR}" --target dorm_compiled
        --config "${DORM_CONFIG}" --parallel 2)
    step("install dorm to ${prefix}"
        "${CMAKE_COMMAND}" --install "${DORM_BINARY_DIR}" --prefix "${prefix}"
        --config "${DORM_CONFIG}")
endmacro()

if(MODE STREQUAL "find_package")
    install_dorm()
    file(GLOB_RECURSE libs "${prefix}/*/libdorm.a" "${prefix}/*/libdorm.so" "${prefix}/*/dorm.lib")
    if(NOT libs)
        message(FATAL_ERROR "consumer (${MODE}): the install has no dorm library (libdorm.a)")
    endif()
    file(GLOB_RECURSE exports "${prefix}/*/dormTargets.cmake")
    if(NOT exports)
        message(FATAL_ERROR "consumer (${MODE}): the install has no dormTargets.cmake")
    endif()
    file(READ "${exports}" text)
    foreach(target dorm::dorm dorm::compiled)
        string(FIND "${text}" "add_library(${target} " at)
        if(at EQUAL -1)
            message(FATAL_ERROR "consumer (${MODE}): ${exports} does not export ${target}")
        endif()
    endforeach()
    # Before 1.0 a minor release may break the API: find_package(dorm 0.1) accepts any
    # 0.1.x at or above the request, and neither 0.0 nor 0.2.
    file(GLOB_RECURSE version_file "${prefix}/*/dormConfigVersion.cmake")
    string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _ "${DORM_VERSION}")
    set(major "${CMAKE_MATCH_1}")
    set(minor "${CMAKE_MATCH_2}")
    math(EXPR next_minor "${minor} + 1")
    set(requests "${major}.${minor}=TRUE" "${major}.${next_minor}=FALSE")
    if(minor GREATER 0)
        math(EXPR prev_minor "${minor} - 1")
        list(APPEND requests "${major}.${prev_minor}=FALSE")
    endif()
    foreach(request IN LISTS requests)
        string(REPLACE "=" ";" request "${request}")
        list(GET request 0 PACKAGE_FIND_VERSION)
        list(GET request 1 expected)
        string(REPLACE "." ";" parts "${PACKAGE_FIND_VERSION}")
        list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
        list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
        set(PACKAGE_FIND_VERSION_PATCH 0)
        set(PACKAGE_FIND_VERSION_COUNT 2)
        unset(PACKAGE_VERSION_COMPATIBLE)
        include("${version_file}")
        if(NOT PACKAGE_VERSION STREQUAL DORM_VERSION)
            message(FATAL_ERROR "consumer (${MODE}): ${version_file} says version "
                "${PACKAGE_VERSION}, project(dorm VERSION) is ${DORM_VERSION}")
        endif()
        if((PACKAGE_VERSION_COMPATIBLE AND NOT expected) OR
           (NOT PACKAGE_VERSION_COMPATIBLE AND expected))
            message(FATAL_ERROR "consumer (${MODE}): find_package(dorm ${PACKAGE_FIND_VERSION}) "
                "with dorm ${PACKAGE_VERSION}: compatible is '${PACKAGE_VERSION_COMPATIBLE}'")
        endif()
    endforeach()
    configure_and_build(find_package "-DCMAKE_PREFIX_PATH=${prefix}"
        "-DDORM_EXPECTED_PREFIX=${prefix}")
    run_program(consumer)
    run_program(consumer_compiled)
    # One program with a header-only and a compiled translation unit that pass a dorm type
    # between them: the link must fail, naming the compiled mode's inline namespace.
    message(STATUS "consumer (${MODE}): build consumer_mixed (must fail to link)")
    execute_process(
        COMMAND "${CMAKE_COMMAND}" --build "${build}" --config "${config}" --target consumer_mixed
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc STREQUAL "0")
        message(FATAL_ERROR "consumer (${MODE}): consumer_mixed mixes the modes but linked")
    endif()
    if(NOT out MATCHES "dialect_name[^\n]*v0_compiled")
        message(FATAL_ERROR "consumer (${MODE}): consumer_mixed failed, but not as the "
            "expected link error (undefined dialect_name(dorm::v0_compiled::...)):\n${out}")
    endif()
elseif(MODE STREQUAL "pkg_config")
    install_dorm()
    find_program(pkg_config NAMES pkg-config pkgconf REQUIRED)
    file(GLOB_RECURSE pc_files "${prefix}/*/dorm.pc")
    if(NOT pc_files)
        message(FATAL_ERROR "consumer (${MODE}): the install has no dorm.pc")
    endif()
    get_filename_component(pc_dir "${pc_files}" DIRECTORY)
    set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
    # One program per mode, built and run the way a Makefile would: the compiler, C++20,
    # the consumers' strict flags and what pkg-config says.
    foreach(package dorm dorm-compiled)
        execute_process(COMMAND "${pkg_config}" --modversion ${package}
            RESULT_VARIABLE rc OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(NOT rc STREQUAL "0" OR NOT version STREQUAL DORM_VERSION)
            message(FATAL_ERROR "consumer (${MODE}): ${package}.pc: version '${version}', "
                "project(dorm VERSION) is ${DORM_VERSION}")
        endif()
        execute_process(COMMAND "${pkg_config}" --cflags --libs ${package}
            RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(NOT rc STREQUAL "0")
            message(FATAL_ERROR "consumer (${MODE}): pkg-config --cflags --libs ${package} "
                "failed (${rc})")
        endif()
        message(STATUS "consumer (${MODE}): pkg-config --cflags --libs ${package}: ${flags}")
        # dorm's headers by -I (not -isystem), so that their warnings count.
        if(flags MATCHES "-isystem" OR NOT flags MATCHES "-I[^ ]*/include( |$)")
            message(FATAL_ERROR "consumer (${MODE}): ${package}.pc must give dorm's headers "
                "with -I: ${flags}")
        endif()
        foreach(lib -lsqlite3 -lpcre2-8 -lcurl -pthread)
            if(NOT " ${flags} " MATCHES " ${lib} ")
                message(FATAL_ERROR "consumer (${MODE}): ${package}.pc lacks ${lib}: ${flags}")
            endif()
        endforeach()
        separate_arguments(flags UNIX_COMMAND "${flags}")
        if(package STREQUAL "dorm")
            set(expect_compiled 0)
        else()
            set(expect_compiled 1)
        endif()
        set(exe "${WORK_DIR}/${package}_consumer")
        step("compile ${exe}" "${CXX_COMPILER}" -std=c++20 ${DORM_CONSUMER_FLAGS}
            "-DCONSUMER_EXPECT_COMPILED=${expect_compiled}"
            "-DCONSUMER_EXPECT_VERSION=\"${DORM_VERSION}\""
            "${CONSUMER_SOURCE_DIR}/main.cpp" -o "${exe}" ${flags})
        step("run ${exe}" "${exe}")
    endforeach()
elseif(MODE STREQUAL "add_subdirectory")
    configure_and_build(add_subdirectory "-DDORM_SOURCE_DIR=${DORM_SOURCE_DIR}")
    run_program(consumer_compiled)
    # The parent's `cmake --install` installs its own program and nothing of dorm's, unless
    # it asks for dorm's files with DORM_INSTALL=ON.
    foreach(dorm_install OFF ON)
        set(prefix "${WORK_DIR}/prefix-${dorm_install}")
        step("configure with DORM_INSTALL=${dorm_install}"
            "${CMAKE_COMMAND}" "-DDORM_INSTALL=${dorm_install}" "${build}")
        step("install to ${prefix}" "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}"
            --config "${config}")
        file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${prefix}" "${prefix}/*")
        list(FILTER installed INCLUDE REGEX "dorm")
        if(NOT EXISTS "${prefix}/bin/consumer_compiled")
            message(FATAL_ERROR "consumer (${MODE}): the parent's install has no "
                "bin/consumer_compiled")
        endif()
        if(dorm_install STREQUAL "OFF" AND installed)
            message(FATAL_ERROR "consumer (${MODE}): dorm installed files into its parent's "
                "prefix: ${installed}")
        endif()
        if(dorm_install STREQUAL "ON")
            foreach(file include/dorm/dorm.hpp include/dorm/version.hpp)
                if(NOT EXISTS "${prefix}/${file}")
                    message(FATAL_ERROR "consumer (${MODE}): DORM_INSTALL=ON, but ${file} "
                        "is not installed: ${installed}")
                endif()
            endforeach()
            foreach(pattern "/libdorm\\.(a|so)$" "/dormConfig\\.cmake$" "/dorm\\.pc$")
                set(found "${installed}")
                list(FILTER found INCLUDE REGEX "${pattern}")
                if(NOT found)
                    message(FATAL_ERROR "consumer (${MODE}): DORM_INSTALL=ON, but nothing "
                        "matching ${pattern} is installed: ${installed}")
                endif()
            endforeach()
        endif()
    endforeach()
elseif(MODE STREQUAL "fetchcontent")
    # What a source release holds: the build's inputs, not the tests or the build trees.
    set(archive "${WORK_DIR}/dorm-src.tar.gz")
    step("archive ${DORM_SOURCE_DIR}"
        "${CMAKE_COMMAND}" -E chdir "${DORM_SOURCE_DIR}"
        "${CMAKE_COMMAND}" -E tar czf "${archive}" -- CMakeLists.txt LICENSE cmake include src)
    # Only the program: `all` would also compile dorm's library, which it does not link
    # (FetchContent_Declare's EXCLUDE_FROM_ALL needs CMake 3.28; Debian 12 has 3.25).
    set(build_targets consumer)
    configure_and_build(fetchcontent "-DDORM_ARCHIVE=${archive}")
    run_program(consumer)
else()
    message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()
