/* partner_cli.c — see partner_cli.h. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/json.h>

#include "output.h"
#include "common/read_file.h"
#include "partner_cli.h"

int partner_open(const struct conn_options *o, struct custrpc_partner_session **out)
{
    *out = NULL;
    if (!o->partner || !o->user) {
        cli_usage_error(NULL, "the partner API needs --partner NAME and --user LOGIN (Login's "
                              "partner and username)");
        return EXIT_USAGE;
    }
    char *password;
    int status = conn_require_password(o, &password);
    if (status != EXIT_OK)
        return status;
    struct custrpc_partner_options po = {
        .url = o->url,
        .partner = o->partner,
        .username = o->user,
        .password = password,
        .cacert = o->cacert,
        .insecure = o->insecure,
        .timeout_ms = o->timeout_s * 1000,
        .visa_refresh_s = o->visa_refresh_s,
        .trace = o->verbose ? stderr : NULL,
    };
    struct custrpc_error err;
    int rc = custrpc_partner_session_new(out, &po, &err);
    memset(password, 0, strlen(password));
    free(password);
    return rc < 0 ? cli_report(&err) : EXIT_OK;
}

int partner_load_json(const char *path, struct custrpc_partner_info *p, struct custrpc_error *err)
{
    size_t len;
    char *text = read_whole_file(path, &len, err);
    if (!text)
        return -1;
    struct custrpc_error why;
    json_t *root = custrpc_json_parse(text, len, NULL, &why);
    free(text);
    int rc = -1;
    if (!root)
        custrpc_fail(err, CUSTRPC_E_PARSE, NULL, "%s: %s", path, why.message);
    else if (!json_is_object(root))
        custrpc_fail(err, CUSTRPC_E_TYPE, NULL, "%s: expected a JSON object (a PartnerInfo)", path);
    else if (custrpc_msg_from_json(&custrpc_partner_info_message, p, root, "", &why) < 0) {
        custrpc_fail(err, why.code, NULL, "%s: %s", path, why.message);
        snprintf(err->field, sizeof err->field, "%s", why.field);
    } else
        rc = 0;
    json_decref(root);
    return rc;
}

void partner_print_text(FILE *out, const struct custrpc_message *d, const void *m,
                        const char *prefix)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        enum custrpc_presence p = custrpc_msg_presence(d, m, f);
        if (p == CUSTRPC_ABSENT || (f->flags & CUSTRPC_FLAG_SECRET))
            continue;
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
        if (f->type == CUSTRPC_TYPE_MESSAGE && !f->repeated && p == CUSTRPC_SET) {
            partner_print_text(out, f->message, custrpc_msg_cslot(m, f), path);
            continue;
        }
        static char buf[70000], shown[4 * 70000];
        if (f->type == CUSTRPC_TYPE_MESSAGE) { /* a list of messages: as JSON */
            char *json = NULL;
            size_t size = 0;
            FILE *mem = open_memstream(&json, &size);
            if (!mem)
                continue;
            custrpc_msg_write_json_field(d, m, f, mem);
            fclose(mem);
            snprintf(buf, sizeof buf, "%s", json ? json : "");
            free(json);
        } else if (custrpc_msg_format(d, m, f, buf, sizeof buf, NULL) < 0) {
            continue;
        }
        output_visible(buf, shown, sizeof shown);
        fprintf(out, "%s: %s\n", path, shown);
    }
}

void partner_print_json(FILE *out, const struct custrpc_message *d, const void *m)
{
    json_t *j = custrpc_msg_to_json(d, m);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    fprintf(out, "%s\n", text ? text : "{}");
    free(text);
    json_decref(j);
}
