#pragma once
// How dorm is built into a program (README "Header-only or compiled").
//
// Header-only, the default (CMake target dorm::dorm): every function is defined in the
// headers; the non-template ones are `inline`, in include/dorm/impl/, included at the end of
// the header that declares them.
//
// Compiled (CMake target dorm::compiled, which defines DORM_COMPILED): the headers only
// declare the non-template functions, and the dorm library defines them once (src/dorm.cpp,
// built with DORM_BUILDING_LIBRARY). A translation unit then parses and emits only the
// templates it uses.
//
// The two modes put everything in different inline namespaces (dorm::v0_header_only,
// dorm::v0_compiled), so a program that mixes them cannot silently combine two definitions
// of one function or type: a dorm type passed between translation units of different modes
// is a link error, not undefined behaviour.
#if defined(DORM_BUILDING_LIBRARY) && !defined(DORM_COMPILED)
#define DORM_COMPILED 1
#endif

#if defined(DORM_COMPILED)
#define DORM_ABI v0_compiled
#else
#define DORM_ABI v0_header_only
#endif

// 1 where the bodies in include/dorm/impl/ are to be included: header-only mode, and the
// library's own source file in compiled mode.
#if !defined(DORM_COMPILED) || defined(DORM_BUILDING_LIBRARY)
#define DORM_INCLUDE_IMPL 1
#else
#define DORM_INCLUDE_IMPL 0
#endif

// Written before every function defined in include/dorm/impl/: inline in header-only mode
// (defined in every translation unit), an ordinary external definition in the library.
// Also written on the in-class declarations of virtual functions defined there: a class
// whose virtual functions are all inline where it is defined has no key function, so in
// header-only mode its vtable (and through it every override and all they call) is only
// emitted by a translation unit that constructs one, not by every one that includes the
// header; in compiled mode the key function, and the vtable, are in the library.
#if defined(DORM_COMPILED)
#define DORM_INLINE
#else
#define DORM_INLINE inline
#endif
