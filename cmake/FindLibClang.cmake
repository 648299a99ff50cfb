# Finds libclang's C API through llvm-config (Debian ships no libclang.pc). Pin a version with
# -DLLVM_CONFIG=/usr/bin/llvm-config-19. Defines the imported target LibClang::LibClang and
# LibClang_VERSION, LibClang_RESOURCE_DIR (the builtin headers matching this libclang).
set(_llvm_names llvm-config)
foreach(v RANGE 22 14 -1)
  list(APPEND _llvm_names llvm-config-${v})
endforeach()
find_program(LLVM_CONFIG NAMES ${_llvm_names} DOC "llvm-config of the LLVM whose libclang to use")

if(LLVM_CONFIG)
  execute_process(COMMAND ${LLVM_CONFIG} --includedir OUTPUT_VARIABLE _llvm_inc OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG} --libdir OUTPUT_VARIABLE _llvm_lib OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${LLVM_CONFIG} --version OUTPUT_VARIABLE LibClang_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

find_path(LibClang_INCLUDE_DIR clang-c/Index.h HINTS ${_llvm_inc} NO_DEFAULT_PATH)
find_path(LibClang_INCLUDE_DIR clang-c/Index.h)
find_library(LibClang_LIBRARY NAMES clang libclang HINTS ${_llvm_lib} NO_DEFAULT_PATH)
find_library(LibClang_LIBRARY NAMES clang libclang)

# The builtin headers (stddef.h ...) live in <libdir>/clang/<version>; the folder is named by
# the full version up to LLVM 15 and by the major version from 16 on.
if(_llvm_lib AND LibClang_VERSION)
  string(REGEX MATCH "^[0-9]+" _llvm_major "${LibClang_VERSION}")
  foreach(_cand "${_llvm_lib}/clang/${LibClang_VERSION}" "${_llvm_lib}/clang/${_llvm_major}")
    if(EXISTS "${_cand}/include/stddef.h")
      set(LibClang_RESOURCE_DIR "${_cand}")
      break()
    endif()
  endforeach()
  set(LibClang_VERSION_MAJOR ${_llvm_major})
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibClang REQUIRED_VARS LibClang_LIBRARY LibClang_INCLUDE_DIR
  VERSION_VAR LibClang_VERSION)

if(LibClang_FOUND AND NOT TARGET LibClang::LibClang)
  add_library(LibClang::LibClang UNKNOWN IMPORTED)
  set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LibClang_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibClang_INCLUDE_DIR}")
endif()
