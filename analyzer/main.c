/* ctxlint's entry point: arguments only; the work is the driver's. */
#include "cli.h"
#include "driver.h"
#include "lsp.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "lsp") == 0)
        return cl_lsp_main(argc - 1, argv + 1);
    cl_options opt;
    int status = cl_options_parse(argc, argv, &opt);
    if (status == 0) {
        status = cl_info_command(&opt);
        if (status < 0)
            status = cl_driver_run(&opt);
    }
    cl_options_free(&opt);
    return status;
}
