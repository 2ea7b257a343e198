/*
 * config.c — what is derived from the start-up configuration; see config.h.
 */
#include "core/config.h"
#include "core/util.h"

#include <string.h>

char *config_origin(const config *cfg)
{
    const char *o = cfg->public_origin;
    if (o && *o) {
        size_t n = strlen(o);
        while (n && o[n - 1] == '/')
            n--;
        return xstrndup(o, n);
    }
    const char *listen = cfg->listen && *cfg->listen ? cfg->listen : "127.0.0.1";
    bool ipv6 = strchr(listen, ':') != NULL;
    return xasprintf("http://%s%s%s:%d", ipv6 ? "[" : "", listen, ipv6 ? "]" : "", cfg->port);
}

bool config_listen_is_loopback(const char *listen)
{
    return !listen || !*listen || str_starts_with(listen, "127.") || strcmp(listen, "::1") == 0 ||
           strcmp(listen, "localhost") == 0;
}
