# ctest compile_error/<name>: a program that must not compile, and must fail with exactly one
# error, the message its first line names ("// expect-error: <text>"), not a cascade of
# template errors. -D CXX=<compiler> SRC=<file.cpp> INCLUDE=<include dir>
file(STRINGS "${SRC}" first LIMIT_COUNT 1)
string(REGEX MATCH "^// expect-error: (.+)$" found "${first}")
if(NOT found)
    message(FATAL_ERROR "${SRC}: the first line must be '// expect-error: <message>'")
endif()
set(expected "${CMAKE_MATCH_1}")
execute_process(
    COMMAND "${CXX}" -std=c++20 "-I${INCLUDE}" -fsyntax-only "${SRC}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
    message(FATAL_ERROR "${SRC} compiled; it must not")
endif()
string(FIND "${out}" "${expected}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${SRC}: the error does not say '${expected}':\n${out}")
endif()
string(REGEX MATCHALL "error: " errors "${out}")
list(LENGTH errors n)
if(NOT n EQUAL 1)
    message(FATAL_ERROR "${SRC}: ${n} errors, not one:\n${out}")
endif()
