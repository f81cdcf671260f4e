/* message_options.c — options from a message descriptor (see message_options.h). */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "common/cli.h"
#include "message_options.h"

void msg_kebab(const char *wire, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = wire; *p && n + 2 < size; p++) {
        unsigned char c = (unsigned char)*p;
        /* A word starts at an upper-case letter after a lower-case one or a digit, or at the
         * last capital of an acronym ("URLPath": url-path). */
        bool start = isupper(c) && p > wire &&
                     (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1]) ||
                      (isupper((unsigned char)p[-1]) && islower((unsigned char)p[1])));
        if (start || c == '_')
            out[n++] = '-';
        if (c != '_')
            out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

static void walk(struct msg_options *o, const struct custrpc_message *d, const char *path,
                 const char *name)
{
    for (size_t i = 0; i < d->n_fields && o->n < MSG_OPTIONS_MAX; i++) {
        const struct custrpc_field *f = &d->fields[i];
        char p[128], kebab[96], n[128];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", f->name);
        msg_kebab(f->name, kebab, sizeof kebab);
        snprintf(n, sizeof n, "%s%s%s", name, *name ? "-" : "", kebab);
        if (f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated) {
            walk(o, f->message, p, n);
            continue;
        }
        if (f->type == CUSTRPC_TYPE_MESSAGE)
            continue; /* a repeated message has no text form */
        struct msg_option *mo = &o->items[o->n];
        memcpy(mo->path, p, sizeof mo->path);
        memcpy(mo->name, n, sizeof mo->name);
        mo->f = f;
        o->table[o->n] = (struct option){
            mo->name, f->type == CUSTRPC_TYPE_BOOL ? optional_argument : required_argument, NULL,
            o->base + (int)o->n};
        o->n++;
    }
}

void msg_options_build(struct msg_options *o, const struct custrpc_message *d, int base)
{
    memset(o, 0, sizeof *o);
    o->d = d;
    o->base = base;
    walk(o, d, "", "");
}

const struct msg_option *msg_options_find(const struct msg_options *o, int opt)
{
    return opt >= o->base && opt < o->base + (int)o->n ? &o->items[opt - o->base] : NULL;
}

int msg_options_apply(const struct msg_option *mo, const struct custrpc_message *d, void *m,
                      const char *cmd, const char *arg)
{
    struct custrpc_error err;
    const char *text = mo->f->type == CUSTRPC_TYPE_BOOL && !arg ? "yes" : arg;
    if (custrpc_msg_set_text(d, m, mo->path, text, &err) == 0)
        return 0;
    cli_usage_error(cmd, "--%s: %s", mo->name, err.message);
    return -1;
}

const char *msg_value_form(const struct custrpc_field *f)
{
    if (f->repeated)
        return f->type == CUSTRPC_TYPE_INT ? "N,..." : "TEXT,...";
    switch (f->type) {
    case CUSTRPC_TYPE_INT: return "N";
    case CUSTRPC_TYPE_DOUBLE: return "X";
    case CUSTRPC_TYPE_BOOL: return "[=yes|no]";
    case CUSTRPC_TYPE_ENUM: return "NAME";
    case CUSTRPC_TYPE_FLAGS: return "NAME,...";
    default: return "TEXT";
    }
}

void msg_options_help(FILE *out, const struct msg_options *o)
{
    for (size_t i = 0; i < o->n; i++) {
        const struct msg_option *mo = &o->items[i];
        const char *form = msg_value_form(mo->f);
        char left[200];
        snprintf(left, sizeof left, "--%s%s%s", mo->name, form[0] == '[' ? "" : " ", form);
        if (strlen(left) > 40)
            fprintf(out, "  %s\n  %-40s %s", left, "", mo->f->help);
        else
            fprintf(out, "  %-40s %s", left, mo->f->help);
        fprintf(out, " [%s: %s]\n", mo->path, custrpc_field_type_name(mo->f));
        if (mo->f->values &&
            (mo->f->type == CUSTRPC_TYPE_ENUM || mo->f->type == CUSTRPC_TYPE_FLAGS)) {
            fprintf(out, "  %-40s %s:", "",
                    mo->f->type == CUSTRPC_TYPE_FLAGS ? "any of" : "one of");
            for (size_t k = 0; k < mo->f->values->n; k++)
                fprintf(out, "%s %s", k ? "," : "", mo->f->values->values[k]);
            fputc('\n', out);
        }
    }
}
