/* testutil.c — see testutil.h. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <check.h>

#include "testutil.h"

static unsigned parse_flags(char *text)
{
    static const struct {
        const char *word;
        unsigned flag;
    } words[] = {
        {"mandatory", CUSTRPC_FLAG_MANDATORY}, {"bitmask", CUSTRPC_FLAG_BITMASK},
        {"nil-own", CUSTRPC_FLAG_NIL_OWN},     {"nil-unlimited", CUSTRPC_FLAG_NIL_UNLIMITED},
        {"secret", CUSTRPC_FLAG_SECRET},       {"unique", CUSTRPC_FLAG_UNIQUE},
        {"trusted", CUSTRPC_FLAG_TRUSTED},
    };
    unsigned flags = 0;
    if (strcmp(text, "-") == 0)
        return 0;
    for (char *save = NULL, *w = strtok_r(text, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp(w, words[i].word) == 0)
                break;
        if (i == sizeof words / sizeof words[0])
            ck_abort_msg("spec-fields.txt: unknown flag %s", w);
        else
            flags |= words[i].flag;
    }
    return flags;
}

size_t spec_fields_load(struct spec_field *out, size_t max)
{
    FILE *fp = fopen(CUSTRPC_TEST_DATA "/spec-fields.txt", "r");
    ck_assert_msg(fp != NULL, "cannot open %s/spec-fields.txt", CUSTRPC_TEST_DATA);
    char line[256];
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char flags[128];
        ck_assert_uint_lt(n, max);
        int got = sscanf(line, "%63s %15s %127s", out[n].name, out[n].type, flags);
        ck_assert_msg(got == 3, "spec-fields.txt: malformed line: %s", line);
        out[n].flags = parse_flags(flags);
        n++;
    }
    fclose(fp);
    return n;
}

static void set_examples(struct custrpc_customer *c, unsigned need_flag)
{
    custrpc_customer_init(c);
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++) {
        const struct custrpc_field *f = custrpc_field_get((enum custrpc_field_id)i);
        if (need_flag && !(f->flags & need_flag))
            continue;
        struct custrpc_error err;
        ck_assert_msg(custrpc_customer_set_text(c, f->id, f->example, &err) == 0, "%s: %s", f->name,
                      err.message);
    }
}

void customer_full(struct custrpc_customer *c)
{
    set_examples(c, 0);
}

void customer_minimal(struct custrpc_customer *c)
{
    set_examples(c, CUSTRPC_FLAG_MANDATORY);
}

xmlrpc_value *struct_with(const char *name, xmlrpc_value *member)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *s = xmlrpc_struct_new(&env);
    xmlrpc_struct_set_value(&env, s, name, member);
    ck_assert(!env.fault_occurred);
    xmlrpc_DECREF(member);
    return s;
}
