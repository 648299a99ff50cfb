/* One run of ctxlint: from parsed options to the exit status of the contract (spec/cli.md):
 * 0 nothing found, 1 findings at or above the failing severity, 2 the run itself failed. */
#ifndef CL_DRIVER_H
#define CL_DRIVER_H

#include "options.h"

int cl_driver_run(const cl_options *opt);

#endif
