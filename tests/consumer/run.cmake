# Driver for the consumer_* tests (cmake -P); see tests/CMakeLists.txt. Each mode builds a
# small project against dorm, as a user would, and runs its programs:
#   find_package      builds dorm::compiled in DORM_BINARY_DIR, installs that build tree
#                     into a scratch prefix, checks the install (libdorm.a, dorm::compiled
#                     exported), then find_package(dorm CONFIG) with both targets, and
#                     checks that mixing the two modes in one program fails to link
#   add_subdirectory  add_subdirectory(<DORM_SOURCE_DIR>), links dorm::compiled
#   fetchcontent      FetchContent from a .tar.gz of DORM_SOURCE_DIR (a local file URL),
#                     links dorm::dorm
# Inputs: MODE, DORM_SOURCE_DIR, DORM_BINARY_DIR and DORM_CONFIG (find_package),
#         CONSUMER_SOURCE_DIR (tests/consumer), WORK_DIR, GENERATOR, CXX_COMPILER.
# The consumers build as Debug without -g (-O0 alone: fast; nobody debugs them); the
# add_subdirectory one compiles dorm's library inside its own build.
foreach(var MODE DORM_SOURCE_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
set(config Debug)

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
        "-DCMAKE_CXX_FLAGS_DEBUG=-O0" ${ARGN})
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

if(MODE STREQUAL "find_package")
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
elseif(MODE STREQUAL "add_subdirectory")
    configure_and_build(add_subdirectory "-DDORM_SOURCE_DIR=${DORM_SOURCE_DIR}")
    run_program(consumer_compiled)
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
