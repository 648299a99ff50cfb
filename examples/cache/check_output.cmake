# Runs both handlers and checks the story they tell: the buggy one loses its cache update to the
# request's cancellation, the fixed one applies it after the request returned.
function(run_and_expect exe expected unexpected)
  execute_process(COMMAND ${exe} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${exe}:\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${exe} exited with ${rc}")
  endif()
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "${exe}: expected output matching '${expected}'")
  endif()
  if(out MATCHES "${unexpected}")
    message(FATAL_ERROR "${exe}: unexpected output matching '${unexpected}'")
  endif()
endfunction()

run_and_expect(${BUGGY} "cache update cancelled: request context was cancelled" "update applied")
run_and_expect(${FIXED} "cache update applied after the request returned" "update cancelled")
