/* Command-line parsing into cl_options, and the informational commands (--help, --version,
 * --list-rules, --explain). */
#ifndef CL_CLI_H
#define CL_CLI_H

#include "options.h"

/* Parses argv. Returns 0, or 2 after printing what is wrong to standard error. The options
 * point into argv (no copies); free with cl_options_free. */
int cl_options_parse(int argc, char **argv, cl_options *opt);
void cl_options_free(cl_options *opt);

/* Handles --help, --version, --list-rules and --explain. Returns -1 when none was asked for,
 * else the exit status. */
int cl_info_command(const cl_options *opt);

#endif
