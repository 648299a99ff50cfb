# Installs the runtime from BUILD_DIR into WORK_DIR/prefix, then builds and runs a consumer
# through find_package(ctx) and through pkg-config.
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component Unspecified)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer_shared)
message(STATUS "${last_output}")
run(${WORK_DIR}/consumer/consumer_static)
message(STATUS "${last_output}")

find_program(PKG_CONFIG pkg-config)
find_program(CC NAMES cc gcc clang)
if(PKG_CONFIG AND CC)
  file(GLOB pcdir LIST_DIRECTORIES true ${prefix}/lib*/pkgconfig ${prefix}/lib/*/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "${pcdir}")
  run(${PKG_CONFIG} --cflags --libs ctx)
  separate_arguments(flags UNIX_COMMAND "${last_output}")
  run(${CC} -std=c11 ${SOURCE_DIR}/consumer.c ${flags} -Wl,-rpath,${prefix}/lib
      -o ${WORK_DIR}/consumer_pc)
  run(${WORK_DIR}/consumer_pc)
  message(STATUS "pkg-config: ${last_output}")
endif()
