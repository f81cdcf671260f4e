/* field_options.c — CLI options from the field table (see field_options.h). Option names are
 * the wire names with '-' for '_'; passwords are never taken on the command line. */
#include <config.h>

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "field_options.h"

/* Room for one option per field plus a trap per password field (see build). */
static struct option table[2 * CUSTRPC_FIELD_COUNT + 1];
static char names[CUSTRPC_FIELD_COUNT][80];
static char trap_names[CUSTRPC_FIELD_COUNT][80];
static pthread_once_t built = PTHREAD_ONCE_INIT;

static void option_name(const struct custrpc_field *f, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", f->name, (f->flags & CUSTRPC_FLAG_SECRET) ? "-file" : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = '-';
}

static void build(void)
{
    size_t n = 0;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->flags & CUSTRPC_FLAG_TRUSTED)
            continue; /* i_wholesaler comes from the connection option --wholesaler */
        option_name(f, names[i], sizeof names[i]);
        table[n].name = names[i];
        table[n].has_arg = f->type == CUSTRPC_TYPE_BOOL ? optional_argument : required_argument;
        table[n].flag = NULL;
        table[n].val = CLI_FIELD_OPT + i;
        n++;
        if (f->flags & CUSTRPC_FLAG_SECRET) {
            /* getopt_long takes unambiguous prefixes, so "--web-password s3cret" would be read
             * as --web-password-file: an exact trap option refuses it instead, without ever
             * repeating the value. */
            memcpy(trap_names[i], names[i], sizeof trap_names[i]);
            trap_names[i][strlen(trap_names[i]) - strlen("-file")] = '\0';
            table[n].name = trap_names[i];
            table[n].has_arg = required_argument;
            table[n].flag = NULL;
            table[n].val = CLI_SECRET_TRAP + i;
            n++;
        }
    }
}

const struct option *field_options(void)
{
    pthread_once(&built, build);
    return table;
}

const char *field_value_form(const struct custrpc_field *f)
{
    /* Per type, then the nil word where nil is allowed. */
    static const char *const plain[CUSTRPC_N_TYPES] = {
        [CUSTRPC_TYPE_STRING] = "TEXT", [CUSTRPC_TYPE_INT] = "N",
        [CUSTRPC_TYPE_DOUBLE] = "X",    [CUSTRPC_TYPE_BOOL] = "[=yes|no]",
        [CUSTRPC_TYPE_ENUM] = "NAME",   [CUSTRPC_TYPE_FLAGS] = "NAMES",
        [CUSTRPC_TYPE_MESSAGE] = "",    [CUSTRPC_TYPE_DATETIME] = "YYYYMMDDThh:mm:ss",
    };
    static const char *const own[CUSTRPC_N_TYPES] = {[CUSTRPC_TYPE_INT] = "N|own"};
    static const char *const unlimited[CUSTRPC_N_TYPES] = {
        [CUSTRPC_TYPE_INT] = "N|unlimited", [CUSTRPC_TYPE_DOUBLE] = "X|unlimited"};
    if (f->flags & CUSTRPC_FLAG_SECRET)
        return "FILE";
    if (f->flags & CUSTRPC_FLAG_BITMASK)
        return "RIGHTS";
    const char *form = (f->flags & CUSTRPC_FLAG_NIL_OWN)         ? own[f->type]
                       : (f->flags & CUSTRPC_FLAG_NIL_UNLIMITED) ? unlimited[f->type]
                                                                 : NULL;
    return form ? form : plain[f->type];
}

void field_secret_env(const struct custrpc_field *f, char *buf, size_t size)
{
    snprintf(buf, size, "CUSTRPC_%s", f->name);
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

void field_options_help(FILE *out, bool for_create)
{
    field_options();
    fprintf(out, "Customer fields (one option per createCustomer member%s):\n",
            for_create ? "; * = mandatory" : "");
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (f->flags & CUSTRPC_FLAG_TRUSTED)
            continue;
        char left[96];
        const char *form = field_value_form(f);
        snprintf(left, sizeof left, "--%.60s%s%.24s", names[i], form[0] == '[' ? "" : " ", form);
        fprintf(out, "  %-36s %s %s", left,
                for_create && (f->flags & CUSTRPC_FLAG_MANDATORY) ? "*" : " ", f->help);
        if ((f->flags & CUSTRPC_FLAG_SECRET) && for_create) {
            char env[64];
            field_secret_env(f, env, sizeof env);
            fprintf(out, " (or $%s)", env);
        }
        fprintf(out, " [%s]\n", custrpc_type_name(f->type));
    }
    fprintf(out, "RIGHTS: add,edit,delete in any combination, all, none, or 0..7.\n");
}

int field_options_apply(const char *cmd, struct custrpc_customer *c, struct secret_sources *secrets,
                        int opt, const char *arg)
{
    if (opt >= CLI_SECRET_TRAP && opt < CLI_SECRET_TRAP + CUSTRPC_FIELD_COUNT) {
        char env[64];
        field_secret_env(custrpc_field_get((enum custrpc_field_id)(opt - CLI_SECRET_TRAP)), env,
                         sizeof env);
        cli_usage_error(cmd,
                        "--%s: passwords are not taken on the command line; use --%s FILE or $%s",
                        trap_names[opt - CLI_SECRET_TRAP], names[opt - CLI_SECRET_TRAP], env);
        return -2;
    }
    int id = opt - CLI_FIELD_OPT;
    const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)id);
    if (opt < CLI_FIELD_OPT || opt >= CLI_FIELD_OPT + CUSTRPC_FIELD_COUNT || !f)
        return 0;
    if (f->flags & CUSTRPC_FLAG_SECRET) {
        secrets->file[id] = arg;
        return 1;
    }
    struct custrpc_error err;
    /* A bare boolean flag means yes. */
    if (custrpc_customer_set_text(c, f->id, (f->type == CUSTRPC_TYPE_BOOL && !arg) ? "yes" : arg,
                                  &err) < 0) {
        cli_usage_error(cmd, "--%s: %s", names[id], err.message);
        return -1;
    }
    return 1;
}

int field_options_read_secrets(struct custrpc_customer *c, const struct secret_sources *s,
                               bool from_env)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (!(f->flags & CUSTRPC_FLAG_SECRET))
            continue;
        char env[64], prompt[96];
        field_secret_env(f, env, sizeof env);
        snprintf(prompt, sizeof prompt, "%s for the new customer: ", f->name);
        int failed;
        /* Only a mandatory password is worth a prompt; optional ones must be asked for. */
        char *value = cli_read_secret(
            s->file[i], from_env ? env : NULL,
            from_env && (f->flags & CUSTRPC_FLAG_MANDATORY) ? prompt : NULL, &failed);
        if (failed)
            return EXIT_USAGE;
        if (!value)
            continue;
        struct custrpc_error err;
        int rc = custrpc_customer_set_string(c, f->id, value, &err);
        memset(value, 0, strlen(value));
        free(value);
        if (rc < 0)
            return cli_report(&err);
    }
    return EXIT_OK;
}
