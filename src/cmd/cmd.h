/*
 * cmd.h — the sub-commands of `repere` other than serve (main.c dispatches
 * to them after reading the options). Each returns the process exit status:
 * 0 success, 1 failure, 2 usage error.
 */
#ifndef REPERE_CMD_H
#define REPERE_CMD_H

#include "app.h"
#include "core/db.h"

int cmd_backup(const char *db_path, int argc, char **argv); /* cmd_backup.c */
int cmd_demo(app *a);                                       /* cmd_demo.c */
int cmd_export(db *d, int argc, char **argv);               /* cmd_export.c */
int cmd_hours(int argc, char **argv);                       /* cmd_hours.c */
int cmd_import(db *d, int argc, char **argv);               /* cmd_import.c */
int cmd_remind(app *a, int argc, char **argv);              /* cmd_remind.c */
int cmd_territory(db *d, int argc, char **argv);            /* cmd_territory.c */
int cmd_user(app *a, int argc, char **argv);                /* cmd_user.c */

#endif
