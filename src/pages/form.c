/*
 * form.c — declared input: see form.h.
 */
#include "pages/form.h"

#include "core/util.h"
#include "core/i18n.h"

#include <ctype.h>
#include <string.h>

bool form_read(req *r, const form_field *fields, size_t n, const char **values, json_t *errors)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const form_field *f = &fields[i];
        const char *typed = req_form(r, f->name);
        char *v = str_trim(arena_strdup(r->arena, typed ? typed : ""));
        values[i] = v;
        const char *message = NULL;
        const char *why = NULL;
        if (!*v) {
            if (f->required)
                message = f->if_missing ? gettext(f->if_missing)
                          : f->label ? arena_printf(r->arena, _("Le champ « %s » est obligatoire."),
                                                    i18n_label(f->label))
                                     : _("Ce champ est obligatoire.");
        } else if (f->max_chars && utf8_length(v) > f->max_chars) {
            message = f->label
                          ? arena_printf(r->arena, _("« %s » : trop long, %zu caractères au plus."),
                                         i18n_label(f->label), f->max_chars)
                          : arena_printf(r->arena, _("Trop long : %zu caractères au plus."),
                                         f->max_chars);
        } else if (f->rule && !f->rule(v, &why)) {
            /* Labels and reasons are French, marked N_() where declared. */
            why = why ? gettext(why) : _("ce n'est pas ce qui est attendu");
            message = f->label
                          ? arena_printf(r->arena, _("« %s » : %s."), i18n_label(f->label), why)
                          : arena_printf(r->arena, "%c%s.", toupper((unsigned char)*why), why + 1);
        }
        if (message) {
            json_object_set_new(errors, f->name, json_string(message));
            ok = false;
        }
    }
    return ok;
}

json_t *form_values_model(const form_field *fields, size_t n, const char *const *values)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, fields[i].name, json_string(values[i] ? values[i] : ""));
    return o;
}
