/* cleanup.c — see cleanup.h. The deletes go through libcustrpc's client (custrpc_client_delete),
 * with the run's credentials or its trusted-mode wholesaler; RemovePartner calls are written and
 * read with libcustrpc's JSON-RPC envelope (custrpc/json.h). */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/custrpc.h>
#include <custrpc/json.h>
#include <custrpc/xmlrpc.h>

#include "cleanup.h"

static const char list_methods[] = "<?xml version=\"1.0\"?><methodCall><methodName>"
                                   "system.listMethods</methodName><params/></methodCall>";

/* Whether system.listMethods lists deleteCustomer; false when the server cannot tell. */
static bool has_delete(const struct runner_options *o)
{
    struct http_reply reply;
    http_post(&o->target, NULL, list_methods, strlen(list_methods), &reply);
    xmlrpc_value *result = NULL;
    int code = 0;
    char *fault = NULL;
    struct custrpc_error err;
    bool found = false;
    if (reply.status == 200 &&
        custrpc_xmlrpc_parse_response(reply.body, reply.len, &result, &code, &fault, &err) == 0 &&
        result && xmlrpc_value_type(result) == XMLRPC_TYPE_ARRAY) {
        xmlrpc_env env;
        xmlrpc_env_init(&env);
        int n = xmlrpc_array_size(&env, result);
        for (int i = 0; i < n && !found && !env.fault_occurred; i++) {
            xmlrpc_value *v = NULL;
            const char *s = NULL;
            xmlrpc_array_read_item(&env, result, (unsigned)i, &v);
            if (v && xmlrpc_value_type(v) == XMLRPC_TYPE_STRING) {
                xmlrpc_read_string(&env, v, &s);
                found = s && strcmp(s, "deleteCustomer") == 0;
                free((void *)s);
            }
            if (v)
                xmlrpc_DECREF(v);
        }
        xmlrpc_env_clean(&env);
    }
    if (result)
        xmlrpc_DECREF(result);
    free(fault);
    http_reply_free(&reply);
    return found;
}

int cleanup_created(const struct runner_options *o, const struct created_list *created, FILE *out)
{
    if (!has_delete(o)) {
        fprintf(out, "cleanup: the server has no deleteCustomer (system.listMethods does not "
                     "list it): the customers stay\n");
        return -1;
    }
    const struct http_target *t = &o->target;
    struct custrpc_client_options co = {.url = t->url,
                                        .user = t->user,
                                        .password = t->password,
                                        .cacert = t->cacert,
                                        .insecure = t->insecure,
                                        .timeout_ms = (unsigned)t->timeout_ms};
    struct custrpc_client *cl;
    struct custrpc_error err;
    if (custrpc_client_new(&cl, &co, &err) < 0) {
        fprintf(out, "cleanup: %s\n", err.message);
        return (int)created->n;
    }
    int left = 0;
    size_t deleted = 0, gone = 0;
    for (size_t k = created->n; k-- > 0;) {
        const struct created_customer *c = &created->items[k];
        char *end;
        long long id = strtoll(c->i_customer, &end, 10);
        if (*end || id <= 0) {
            fprintf(out, "cleanup: i_customer %s  %s: not a customer id, left\n", c->i_customer,
                    c->name);
            left++;
        } else if (custrpc_client_delete(cl, id, o->wholesaler, &err) == 0) {
            fprintf(out, "cleanup: deleted i_customer %s  %s\n", c->i_customer, c->name);
            deleted++;
        } else if (err.kind == CUSTRPC_KIND_FAULT && err.code == CUSTRPC_E_NOT_FOUND) {
            /* A case of the run deleted it already. */
            fprintf(out, "cleanup: i_customer %s  %s: already gone\n", c->i_customer, c->name);
            gone++;
        } else {
            fprintf(out, "cleanup: i_customer %s  %s: not deleted: %s%s\n", c->i_customer, c->name,
                    err.kind == CUSTRPC_KIND_FAULT ? "fault: " : "", err.message);
            left++;
        }
    }
    custrpc_client_free(cl);
    /* "71 of the 72" alone reads as a customer left behind; say where the others went. */
    fprintf(out, "cleanup: deleted %zu of the %zu customers the run created", deleted, created->n);
    if (gone)
        fprintf(out, " (%zu deleted by the run's own cases)", gone);
    if (left)
        fprintf(out, " (%d left)", left);
    fputc('\n', out);
    return left;
}

/* One call of the partner API with the newest visa (*visa, replaced by the answer's): 0 with
 * *result (a new reference), or -1 with err. params is stolen. */
static int partner_call(const struct runner_options *o, const char *method, json_t *params,
                        char **visa, json_t **result, struct custrpc_error *err)
{
    json_t *id = json_string("custrpc-conform-cleanup");
    char *body = custrpc_jsonrpc_call(method, id, params, *visa);
    json_decref(id);
    *result = NULL;
    if (!body)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    struct http_reply reply;
    http_post(&o->target, NULL, body, strlen(body), &reply);
    memset(body, 0, strlen(body)); /* Login's holds the password */
    free(body);
    int rc;
    if (reply.status == 0)
        rc = custrpc_fail(err, CUSTRPC_E_TRANSPORT, NULL, "no answer: %s", reply.error);
    else if (reply.status != 200)
        rc = custrpc_fail(err, CUSTRPC_E_HTTP, NULL, "HTTP %ld", reply.status);
    else {
        char *next = NULL;
        rc = custrpc_jsonrpc_parse_answer(reply.body, reply.len, result, &next, err);
        if (next) {
            free(*visa);
            *visa = next;
        }
    }
    http_reply_free(&reply);
    return rc;
}

int cleanup_partners(const struct runner_options *o, const struct created_list *created, FILE *out)
{
    char *visa = NULL;
    json_t *result;
    struct custrpc_error err;
    json_t *login = json_pack("{s:s, s:s, s:s}", "partner", o->partner, "username", o->login,
                              "password", o->password ? o->password : "");
    int rc = partner_call(o, "Login", login, &visa, &result, &err);
    if (rc < 0 || !visa) {
        fprintf(out, "cleanup: Login failed (%s): the partners stay\n",
                rc < 0 ? err.message : "no visa in the answer");
        json_decref(result);
        free(visa);
        return -1;
    }
    json_decref(result);
    int left = 0;
    size_t removed = 0;
    for (size_t k = created->n; k-- > 0;) {
        const struct created_customer *c = &created->items[k];
        char *end;
        long long id = strtoll(c->i_customer, &end, 10);
        if (*end || id <= 0) {
            fprintf(out, "cleanup: partner Id %s  %s: not a partner id, left\n", c->i_customer,
                    c->name);
            left++;
        } else if (partner_call(o, "RemovePartner", json_pack("{s:I}", "partnerId", (json_int_t)id),
                                &visa, &result, &err) == 0) {
            fprintf(out, "cleanup: removed partner Id %s  %s\n", c->i_customer, c->name);
            removed++;
        } else {
            fprintf(out, "cleanup: partner Id %s  %s: not removed: %s%s\n", c->i_customer, c->name,
                    err.kind == CUSTRPC_KIND_FAULT ? "error: " : "", err.message);
            left++;
        }
        json_decref(result);
    }
    free(visa);
    fprintf(out, "cleanup: removed %zu of the %zu partners the run left\n", removed, created->n);
    return left;
}
