/* field_options.h — the create command's per-field options, generated from the field table:
 * the getopt entries, the --help lines, and applying a parsed option to a customer. */
#ifndef CUSTRPC_FIELD_OPTIONS_H
#define CUSTRPC_FIELD_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <custrpc/custrpc.h>

/* Where each password field's value comes from: a --<field>-file path; NULL elsewhere. */
struct secret_sources {
    const char *file[CUSTRPC_FIELD_COUNT];
};

/* The option table (terminated by a zero entry); built once, never freed. */
const struct option *field_options(void);

/* Prints one line per field: option, value form, help, and (when create's marks are wanted)
 * whether createCustomer requires it; update requires none. */
void field_options_help(FILE *out, bool for_create);

/* Fills the password fields of c from their --<field>-file options; with from_env also from
 * $CUSTRPC_<FIELD> and, for a mandatory one, a no-echo prompt (create). update reads files only:
 * an exported variable meant for create must not change a password unasked. Returns an exit
 * code. */
int field_options_read_secrets(struct custrpc_customer *c, const struct secret_sources *s,
                               bool from_env);

/* 1 when opt was a field option (applied to c, or for a password remembered in secrets),
 * 0 when it was not one, -1 with a message naming the option when the value is bad, -2 when
 * a password was given on the command line (refused, value never echoed). */
int field_options_apply(const char *cmd, struct custrpc_customer *c, struct secret_sources *secrets,
                        int opt, const char *arg);

/* The value form shown in --help and the man page: "N|own", "RIGHTS", "[=yes|no]", ... */
const char *field_value_form(const struct custrpc_field *f);

/* The environment variable that may hold a password field ("CUSTRPC_WEB_PASSWORD"). */
void field_secret_env(const struct custrpc_field *f, char *buf, size_t size);

#endif
