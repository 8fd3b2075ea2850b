# Included by the three consumer projects (find_package/, add_subdirectory/, fetchcontent/):
# checks what dorm's targets give their users, and builds main.cpp against one of them with
# strict flags. run.cmake includes it too, for DORM_CONSUMER_FLAGS (its pkg_config mode).

# Both targets exist; neither pushes compile options (e.g. dorm's own -Werror) onto users;
# dorm::compiled defines DORM_COMPILED for them, and nothing else (DORM_BUILDING_LIBRARY is
# the library's own).
function(dorm_consumer_check_targets)
    foreach(target dorm::dorm dorm::compiled)
        if(NOT TARGET ${target})
            message(FATAL_ERROR "${target} is not defined")
        endif()
        get_target_property(opts ${target} INTERFACE_COMPILE_OPTIONS)
        if(opts)
            message(FATAL_ERROR "${target} leaks compile options: ${opts}")
        endif()
    endforeach()
    get_target_property(defs dorm::dorm INTERFACE_COMPILE_DEFINITIONS)
    if(defs)
        message(FATAL_ERROR "dorm::dorm defines ${defs} for its users")
    endif()
    get_target_property(defs dorm::compiled INTERFACE_COMPILE_DEFINITIONS)
    if(NOT defs STREQUAL "DORM_COMPILED")
        message(FATAL_ERROR "dorm::compiled defines '${defs}' for its users, not DORM_COMPILED")
    endif()
endfunction()

set(DORM_CONSUMER_MAIN "${CMAKE_CURRENT_LIST_DIR}/main.cpp")
# The flags of every consumer program (run.cmake's pkg_config mode uses the same list).
set(DORM_CONSUMER_FLAGS -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Werror)

# dorm_consumer_program(<executable> <dorm::dorm|dorm::compiled>)
function(dorm_consumer_program name dorm_target)
    add_executable(${name} "${DORM_CONSUMER_MAIN}")
    target_link_libraries(${name} PRIVATE ${dorm_target})
    if(dorm_target STREQUAL "dorm::compiled")
        target_compile_definitions(${name} PRIVATE CONSUMER_EXPECT_COMPILED=1)
    else()
        target_compile_definitions(${name} PRIVATE CONSUMER_EXPECT_COMPILED=0)
    endif()
    # Strict flags (-Wshadow -Wconversion -Wsign-conversion too) prove dorm's headers compile
    # warning-free in user code. Imported include dirs are normally -isystem, which would hide warnings from
    # dorm's headers; NO_SYSTEM_FROM_IMPORTED makes them plain -I so they count. (Through
    # add_subdirectory / FetchContent they are plain -I anyway.)
    target_compile_options(${name} PRIVATE ${DORM_CONSUMER_FLAGS})
    # <dorm/version.hpp> must say project(dorm VERSION) (run.cmake passes it).
    if(DORM_EXPECTED_VERSION)
        target_compile_definitions(${name} PRIVATE
            "CONSUMER_EXPECT_VERSION=\"${DORM_EXPECTED_VERSION}\"")
    endif()
    set_target_properties(${name} PROPERTIES NO_SYSTEM_FROM_IMPORTED ON)
endfunction()

# dorm built inside another project is not the top-level project: it adds no tests, examples
# or benchmarks of its own. source_dir: where dorm's sources are; how: what added them.
function(dorm_consumer_check_not_top_level source_dir how)
    get_property(subdirs DIRECTORY "${source_dir}" PROPERTY SUBDIRECTORIES)
    if(subdirs)
        message(FATAL_ERROR "${how} also added ${subdirs}")
    endif()
endfunction()
