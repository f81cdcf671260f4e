/* partner_api.c — JSON-RPC calls on the partner method table, with the visa protocol (see
 * partner_api.h). The envelope and the error mapping are libcustrpc's (json.h), so the server,
 * the client and the conformance suite read one and the same JSON-RPC. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <custrpc/json.h>

#include "partner_api.h"
#include "partner_store.h"

const struct partner_user *partner_user_by_login(const struct partner_env *env, const char *login)
{
    for (size_t i = 0; i < env->n_users; i++)
        if (strcmp(env->users[i].login, login) == 0)
            return &env->users[i];
    return NULL;
}

static const struct method_row *find(const char *name)
{
    for (size_t i = 0; i < partner_method_count; i++)
        if (strcmp(partner_method_rows[i].name, name) == 0)
            return &partner_method_rows[i];
    return NULL;
}

/* The session a visa stands for: a valid signature and age, a user that still exists, and a
 * partner that is still that user's (a removed or renamed partner ends its sessions). */
static int check_session(struct partner_env *env, const char *visa, struct call_identity *who,
                         char *login, size_t login_size, struct custrpc_error *err)
{
    if (!visa)
        return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "no visa: call Login first");
    int64_t partner, user;
    if (visa_check(&env->visas, visa, time(NULL), &partner, &user, err) < 0)
        return -1;
    if (user < 1 || (size_t)user > env->n_users)
        return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "no such user");
    const struct partner_user *u = &env->users[user - 1];
    if (user == 1) {
        if (partner != env->root_id)
            return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "not the root partner");
    } else {
        struct store_tx tx;
        struct custrpc_partner_info p;
        if (store_begin_read(env->store, &tx, err) < 0)
            return -1;
        int rc = partner_get(&tx, partner, &p, err);
        store_end(&tx);
        bool same = rc == 0 && p.name && strcmp(p.name, u->partner) == 0;
        custrpc_msg_free(&custrpc_partner_info_message, &p);
        if (rc < 0 && err->code != CUSTRPC_E_NOT_FOUND)
            return -1;
        if (!same)
            return custrpc_fail(err, CUSTRPC_E_VISA, "visa", "the user's partner is gone");
    }
    who->caller = partner;
    who->user = user;
    snprintf(login, login_size, "%s", u->login);
    return 0;
}

/* Decodes params into the row's request, runs the handler and writes the result; 0 or -1
 * with err. */
static int run(struct partner_env *env, const struct method_row *row, const json_t *params,
               struct call_identity *who, json_t **result, struct custrpc_error *err)
{
    void *request = calloc(1, row->request->size);
    void *response = calloc(1, row->response->size);
    int rc = request && response ? 0 : custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (rc == 0)
        rc = custrpc_msg_from_json(row->request, request, params, NULL, err);
    if (rc == 0)
        rc = custrpc_msg_validate(row->request, request, row->required, err);
    if (rc == 0)
        rc = row->answer(request, response, env, who, err);
    if (rc == 0 && !(*result = custrpc_msg_to_json(row->response, response)))
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (request)
        custrpc_msg_free(row->request, request);
    if (response)
        custrpc_msg_free(row->response, response);
    free(request);
    free(response);
    return rc;
}

void partner_api_answer(struct partner_env *env, const char *body, size_t len, char **answer,
                        struct call_identity *who, char *login, size_t login_size)
{
    struct custrpc_jsonrpc_request rq;
    struct custrpc_error err;
    json_t *result = NULL;
    bool session = false;
    *answer = NULL;
    int rc = custrpc_jsonrpc_parse_request(body, len, &rq, &err);
    /* JSON-RPC: a valid request without an id is a notification, answered with nothing; an
     * invalid one is answered (id null) whether it had an id or not. */
    bool notification = rc == 0 && !json_object_get(rq.root, "id");
    const struct method_row *row = rc == 0 ? find(rq.method) : NULL;
    if (rc == 0 && !row)
        rc = custrpc_fail(&err, CUSTRPC_E_METHOD, NULL,
                          "method %.100s is not known (method names are case-sensitive)",
                          rq.method);
    who->method = row ? row->name : NULL;
    bool login_call = row && row->request == &custrpc_login_params_message;
    if (rc == 0 && !login_call) {
        rc = check_session(env, rq.visa, who, login, login_size, &err);
        session = rc == 0;
    }
    if (rc == 0)
        rc = run(env, row, rq.params, who, &result, &err);
    if (rc == 0 && login_call) {
        session = true;
        const struct partner_user *u = &env->users[who->user - 1];
        snprintf(login, login_size, "%s", u->login);
    }
    char visa[VISA_MAX];
    if (session && visa_issue(&env->visas, who->caller, who->user, time(NULL), visa, NULL) < 0)
        session = false;
    if (rc < 0)
        who->fault_code = err.code;
    if (!notification)
        *answer = rc == 0 ? custrpc_jsonrpc_answer(rq.id, result, session ? visa : NULL)
                          : custrpc_jsonrpc_fault(rq.id, &err, session ? visa : NULL);
    else
        json_decref(result);
    custrpc_jsonrpc_request_free(&rq);
}
