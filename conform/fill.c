/* fill.c — the text of a case's request: the run's variables, placeholders filled as XML text,
 * inside JSON strings or as they are, and XML-RPC bodies with their passwords masked. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_internal.h"

void var_set(struct run_state *v, const char *name, const char *value)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->name[i], name) == 0) {
            free(v->value[i]);
            v->value[i] = strdup(value);
            return;
        }
    if (v->n < MAX_VARS) {
        v->name[v->n] = strdup(name);
        v->value[v->n++] = strdup(value);
    }
}

const char *var_get(const struct run_state *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->name[i], name) == 0)
            return v->value[i];
    return NULL;
}

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_json_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        char esc[8];
        if (*s == '"' || *s == '\\') {
            esc[0] = '\\';
            esc[1] = *s;
            put(b, esc, 2);
        } else if ((unsigned char)*s < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*s);
            put(b, esc, 6);
        } else {
            put(b, s, 1);
        }
    }
}

static void put_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            put(b, "&amp;", 5);
        else if (*s == '<')
            put(b, "&lt;", 4);
        else if (*s == '>')
            put(b, "&gt;", 4);
        else
            put(b, s, 1);
    }
}

char *fill(const char *text, const struct run_state *v, const struct runner_options *o,
           enum fill_mode mode, char *missing, size_t missing_size)
{
    struct buf b = {0};
    put(&b, "", 0);
    for (const char *p = text; *p;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!open || !close) {
            put(&b, p, strlen(p));
            break;
        }
        put(&b, p, (size_t)(open - p));
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(close - open - 2), open + 2);
        const char *value = var_get(v, key);
        char generated[1024];
        if (!value && strncmp(key, "name:", 5) == 0) {
            snprintf(generated, sizeof generated, "%s%s-%s", o->name_prefix, var_get(v, "run"),
                     key + 5);
            value = generated;
        }
        if (!value && strncmp(key, "repeat:", 7) == 0) {
            char *rest;
            long count = strtol(key + 7, &rest, 10);
            if (*rest == ':')
                for (long i = 0; i < count && i < 16L * 1024 * 1024; i++)
                    put(&b, rest + 1, strlen(rest + 1));
            p = close + 2;
            continue;
        }
        if (!value) {
            snprintf(missing, missing_size, "%s", key);
            free(b.p);
            return NULL;
        }
        /* wholesaler_member is markup (an i_wholesaler <member>), everything else is text. */
        if (mode == FILL_RAW || strcmp(key, "wholesaler_member") == 0)
            put(&b, value, strlen(value));
        else if (mode == FILL_JSON)
            put_json_escaped(&b, value);
        else
            put_escaped(&b, value);
        p = close + 2;
    }
    return b.p;
}

char *mask_passwords(const char *body)
{
    static const char *const secret[] = {"<name>web_password</name>", "<name>api_password</name>"};
    struct buf b = {0};
    put(&b, "", 0);
    for (const char *p = body; *p;) {
        const char *hit = NULL, *end = NULL;
        for (size_t i = 0; i < 2; i++) {
            const char *h = strstr(p, secret[i]);
            if (h && (!hit || h < hit)) {
                hit = h;
                end = h + strlen(secret[i]);
            }
        }
        const char *open = end ? strstr(end, "<value") : NULL;
        const char *gt = open ? strchr(open, '>') : NULL;
        const char *close = gt ? strstr(gt, "</value>") : NULL;
        if (!close || gt[-1] == '/') {
            put(&b, p, strlen(p));
            break;
        }
        put(&b, p, (size_t)(gt + 1 - p));
        put(&b, "***", 3);
        p = close;
    }
    return b.p;
}
