/*
 * hours-cli.c — a stand-alone `repere hours` for the oracle check, so that
 * tests/oracle/hours-check.sh does not depend on main.c: argv is
 * "hours-cli hours EXPR [options]", exactly what `repere hours …` receives.
 */
#include "hours/hours.h"

int main(int argc, char **argv)
{
    return cmd_hours(argc - 1, argv + 1);
}
