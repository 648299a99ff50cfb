# Strict warnings and sanitizers as build options, applied to every target of the project.
option(CTX_STRICT "Treat warnings as errors (CI always turns this on)" OFF)
set(CTX_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread | empty")

set(CTX_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter)
if(CTX_STRICT)
  list(APPEND CTX_WARNING_FLAGS -Werror)
endif()

if(CTX_SANITIZE)
  add_compile_options(-fsanitize=${CTX_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${CTX_SANITIZE})
  if(CTX_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()

# ctx_target_warnings(target): the project's warning set, for targets written here.
function(ctx_target_warnings target)
  target_compile_options(${target} PRIVATE ${CTX_WARNING_FLAGS})
endfunction()
