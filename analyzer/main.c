/* ctxlint's entry point: arguments only; the work is the driver's. */
#include "cli.h"
#include "driver.h"

int main(int argc, char **argv)
{
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
