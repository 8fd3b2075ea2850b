# ctest format_libcxx: builds tests/format/test_format.cpp header-only with clang++ 19 and
# libc++ (whose <format> GCC 12's library lacks), warnings as errors with the flags users turn
# on, and runs it. -D CXX=<clang++-19> SRC=<test_format.cpp> INCLUDE=<include dir> OUT=<dir>
if(NOT CXX)
    message(FATAL_ERROR "clang++-19 not found: install clang-19 and libc++-19-dev "
                        "(bash scripts/install-deps does)")
endif()
file(MAKE_DIRECTORY "${OUT}")
execute_process(
    COMMAND "${CXX}" -std=c++20 -stdlib=libc++ -Wall -Wextra -Wshadow -Wconversion
            -Wsign-conversion -Werror "-I${INCLUDE}" "${SRC}" -o "${OUT}/test_format"
            -lsqlite3 -lpcre2-8 -pthread
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "test_format.cpp did not build with ${CXX} and libc++")
endif()
execute_process(COMMAND "${OUT}/test_format" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "test_format failed")
endif()
