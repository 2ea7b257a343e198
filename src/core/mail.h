/*
 * mail.h — the mails Repère sends (invitations, resets, reminders, reports):
 * handed to `sendmail -t` (any mail server's Unix convention, --sendmail)
 * or, when none is configured, written to an outbox folder that
 * administrators can read at /admin/courriels.
 */
#ifndef REPERE_MAIL_H
#define REPERE_MAIL_H

#include <jansson.h>

#include "core/config.h"

enum {
    MAIL_OUTBOX_LIST_MAX = 200, /* most recent messages listed for administrators */
};

/*
 * Send one plain-text UTF-8 message. CR and LF are removed from `to` and
 * `subject` (no header injection). Returns 0, or -1 when the command failed
 * or the outbox could not be written (message on stderr).
 */
int mail_send(const config *cfg, const char *to, const char *subject, const char *body);

/* The outbox folder in use (cfg.outbox), or NULL when mail goes to sendmail. */
const char *mail_outbox(const config *cfg);

/* The outbox's messages, newest first: [{file, to, subject, date}]. */
json_t *mail_outbox_list(const config *cfg);
/* One message of the outbox by file name (checked: no '/'), malloc'd, or NULL. */
char *mail_outbox_read(const config *cfg, const char *file);

#endif
