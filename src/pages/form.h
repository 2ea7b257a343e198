/*
 * form.h — declared input for the page handlers. A form declares its fields
 * once (name, label, required, length, rule from core/validate.h) and one
 * call reads and checks them all: the trimmed values to use or to show again,
 * and one French message per field that is wrong, naming it. The handler
 * then either proceeds or re-renders its form with both — nothing typed is
 * lost.
 */
#ifndef REPERE_FORM_H
#define REPERE_FORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/* A rule: true when `value` (non-empty, trimmed) is acceptable; otherwise a
 * static French phrase in *why (validate_email, validate_postal_code…). */
typedef bool (*form_rule)(const char *value, const char **why);

typedef struct form_field {
    const char *name;  /* the form field's name */
    const char *label; /* for messages: « Adresse électronique »; NULL: messages that stand
                          alone beside the field (« Ce champ est obligatoire. », « Trop long : 200
                          caractères au plus. », the rule's phrase capitalised: « Le code postal a
                          cinq chiffres. ») */
    bool required;
    size_t max_chars;       /* in characters (UTF-8); 0: only the body's limit */
    form_rule rule;         /* NULL: any text */
    const char *if_missing; /* message when required and empty; NULL: « Le champ « <label> » est
                               obligatoire. » */
} form_field;

enum { FORM_MAX_FIELDS = 32 };

/*
 * Read the `n` declared fields of the request's form. values[i] receives
 * field i trimmed (in r->arena; "" when absent); `errors` (a JSON object)
 * receives "name": "message" for each field that is missing, too long or
 * breaks its rule. Returns true when there is no error.
 */
bool form_read(req *r, const form_field *fields, size_t n, const char **values, json_t *errors);

/* The values as a JSON object {"name": "value"}, for re-rendering the form. */
json_t *form_values_model(const form_field *fields, size_t n, const char *const *values);

#endif
