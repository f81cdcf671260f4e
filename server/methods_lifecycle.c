/* methods_lifecycle.c — what happens to a customer after createCustomer: updateCustomer,
 * listCustomers, deleteCustomer, block/unblockCustomer and the funds methods. Each checks and
 * writes in one store transaction; hierarchy rules are policy.c's. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/requests.h>
#include <custrpc/responses.h>
#include <custrpc/xmlrpc.h>
#include <custrpc/rights.h>

#include "method_util.h"
#include "methods.h"
#include "policy.h"

#define LIST_DEFAULT_LIMIT 100
#define LIST_MAX_LIMIT 1000
#define BALANCE_LIMIT 1e15 /* the balance field's range in fields.def */
#define NOTES_MAX_CHARS 1024

/* Whether changes sets anything besides i_wholesaler. */
static bool has_changes(const struct custrpc_customer *c)
{
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        if (i != CUSTRPC_F_i_wholesaler && c->presence[i] != CUSTRPC_ABSENT)
            return true;
    return false;
}

/* The API password's HA1 includes the login: a new api_password is hashed with the login the
 * customer will have; a new web_login alone cannot re-hash a stored password. */
static int new_ha1(const struct store_customer *target, const struct custrpc_customer *changes,
                   struct digest_ha1 *api, bool *has_api, struct custrpc_error *err)
{
    bool new_login = custrpc_customer_presence(changes, CUSTRPC_F_web_login) == CUSTRPC_SET;
    const char *login = new_login ? changes->web_login : target->c.web_login;
    *has_api = custrpc_customer_presence(changes, CUSTRPC_F_api_password) == CUSTRPC_SET;
    if (*has_api)
        return secrets_ha1(login ? login : "", changes->api_password, api, err);
    if (new_login && target->has_api_password &&
        !(target->c.web_login && strcmp(target->c.web_login, changes->web_login) == 0))
        return custrpc_fail(err, CUSTRPC_E_MISSING, "api_password",
                            "required with a new web_login: the stored Digest hashes include "
                            "the login, so the API password must be given again");
    return 0;
}

/* updateCustomer, decoded and validated into custrpc_update_request: i_customer and the changes,
 * an inline customer whose members are checked by the field rules (none is mandatory). */
int methods_update_customer(void *request, void *response, void *server_info, void *call_info,
                            struct custrpc_error *err)
{
    struct custrpc_update_request *r = request;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct custrpc_customer c = r->changes; /* borrowed: the request keeps ownership */
    struct store_customer actor, target, parent;
    int64_t id = r->i_customer;
    custrpc_customer_init(&actor.c);
    custrpc_customer_init(&target.c);
    custrpc_customer_init(&parent.c);
    int rc = 0;
    struct web_password_hash web;
    bool has_web = custrpc_customer_presence(&c, CUSTRPC_F_web_password) == CUSTRPC_SET;
    if (rc == 0 && has_web)
        rc = secrets_hash_web_password(menv->web_key, c.web_password, &web, err);
    struct store_tx tx;
    if (rc == 0)
        rc = store_begin_write(menv->store, &tx, err);
    if (rc == 0) {
        bool has_wholesaler = custrpc_customer_presence(&c, CUSTRPC_F_i_wholesaler) == CUSTRPC_SET;
        struct digest_ha1 api;
        bool has_api = false;
        rc = method_target(&tx, who, has_wholesaler, c.i_wholesaler, CUSTRPC_RIGHT_EDIT, "edit", id,
                           &actor, &target, err);
        /* After who may act (an i_wholesaler outside trusted mode is 1030, not "nothing to
         * change"). */
        if (rc == 0 && !has_changes(&c))
            rc = custrpc_fail(err, CUSTRPC_E_MISSING, NULL,
                              "give at least one member to change besides i_customer");
        if (rc == 0)
            rc = store_get(&tx, target.i_parent, &parent, err);
        if (rc == 0)
            rc = policy_admit_changes(&tx, &actor, &parent, &target, &c, err);
        if (rc == 0)
            rc = new_ha1(&target, &c, &api, &has_api, err);
        if (rc == 0)
            rc = store_update(&tx, id, &c, has_web ? &web : NULL, has_api ? &api : NULL, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    who->i_customer = id;
    custrpc_customer_free(&actor.c);
    custrpc_customer_free(&target.c);
    custrpc_customer_free(&parent.c);
    return rc == 0 ? custrpc_response_ok(&custrpc_ok_response_message, response, err) : -1;
}

/* deleteCustomer, blockCustomer, unblockCustomer: {i_customer [, i_wholesaler]}, decoded and
 * validated into custrpc_id_request by the dispatcher. */
enum one_op { OP_DELETE, OP_BLOCK, OP_UNBLOCK };

static int on_one(void *request, void *response, void *server_info, void *call_info, enum one_op op,
                  struct custrpc_error *err)
{
    const struct custrpc_id_request *r = request;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct store_customer actor, target;
    custrpc_customer_init(&actor.c);
    custrpc_customer_init(&target.c);
    struct store_tx tx;
    int rc = store_begin_write(menv->store, &tx, err);
    if (rc == 0) {
        int right = op == OP_DELETE ? CUSTRPC_RIGHT_DELETE : CUSTRPC_RIGHT_EDIT;
        rc =
            method_target(&tx, who, r->presence[1] == CUSTRPC_SET, r->i_wholesaler, right,
                          op == OP_DELETE ? "delete" : "edit", r->i_customer, &actor, &target, err);
        if (rc == 0)
            rc = op == OP_DELETE ? store_delete(&tx, r->i_customer, err)
                                 : store_set_blocked(&tx, r->i_customer, op == OP_BLOCK, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    who->i_customer = r->i_customer;
    custrpc_customer_free(&actor.c);
    custrpc_customer_free(&target.c);
    return rc == 0 ? custrpc_response_ok(&custrpc_ok_response_message, response, err) : -1;
}

int methods_delete_customer(void *request, void *response, void *server_info, void *call_info,
                            struct custrpc_error *err)
{
    return on_one(request, response, server_info, call_info, OP_DELETE, err);
}

int methods_block_customer(void *request, void *response, void *server_info, void *call_info,
                           struct custrpc_error *err)
{
    return on_one(request, response, server_info, call_info, OP_BLOCK, err);
}

int methods_unblock_customer(void *request, void *response, void *server_info, void *call_info,
                             struct custrpc_error *err)
{
    return on_one(request, response, server_info, call_info, OP_UNBLOCK, err);
}

/* The customer's balance after the payment; sign +1 raises the real balance, -1 lowers it. */
static int apply_payment(const struct store_customer *target, const struct custrpc_funds_request *r,
                         int sign, double *balance, struct custrpc_error *err)
{
    const char *own = target->c.payment_currency;
    if (custrpc_customer_presence(&target->c, CUSTRPC_F_payment_currency) != CUSTRPC_SET)
        return custrpc_fail(err, CUSTRPC_E_CURRENCY, "currency",
                            "customer %lld has no payment_currency; give it one with "
                            "updateCustomer first",
                            (long long)target->i_customer);
    if (strcmp(own, r->currency) != 0)
        return custrpc_fail(err, CUSTRPC_E_CURRENCY, "currency",
                            "%s is not the payment_currency of customer %lld (%s)", r->currency,
                            (long long)target->i_customer, own);
    double now = 0;
    custrpc_customer_get_double(&target->c, CUSTRPC_F_balance, &now, NULL);
    *balance = now + sign * r->amount;
    if (fabs(*balance) > BALANCE_LIMIT)
        return custrpc_fail(err, CUSTRPC_E_VALUE, "amount",
                            "would take the balance to %.17g, beyond the range -1e15..1e15",
                            *balance);
    return 0;
}

/* customerAddFunds, customerCredit, customerDebit, decoded and validated into
 * custrpc_funds_request (amount > 0, an ISO 4217 currency). payment_notes and payment_time are
 * checked and kept nowhere: no method reads payments back. */
static int payment(void *request, void *response, void *server_info, void *call_info, int sign,
                   struct custrpc_error *err)
{
    const struct custrpc_funds_request *r = request;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct store_customer actor, target;
    custrpc_customer_init(&actor.c);
    custrpc_customer_init(&target.c);
    struct store_tx tx;
    int rc = store_begin_write(menv->store, &tx, err);
    if (rc == 0) {
        double balance = 0;
        rc = method_target(&tx, who, r->presence[5] == CUSTRPC_SET, r->i_wholesaler,
                           CUSTRPC_RIGHT_EDIT, "edit", r->i_customer, &actor, &target, err);
        if (rc == 0)
            rc = apply_payment(&target, r, sign, &balance, err);
        if (rc == 0)
            rc = store_set_balance(&tx, r->i_customer, balance, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    who->i_customer = r->i_customer;
    custrpc_customer_free(&actor.c);
    custrpc_customer_free(&target.c);
    return rc == 0 ? custrpc_response_ok(&custrpc_ok_response_message, response, err) : -1;
}

int methods_customer_add_funds(void *request, void *response, void *server_info, void *call_info,
                               struct custrpc_error *err)
{
    return payment(request, response, server_info, call_info, +1, err);
}

int methods_customer_credit(void *request, void *response, void *server_info, void *call_info,
                            struct custrpc_error *err)
{
    return payment(request, response, server_info, call_info, +1, err);
}

int methods_customer_debit(void *request, void *response, void *server_info, void *call_info,
                           struct custrpc_error *err)
{
    return payment(request, response, server_info, call_info, -1, err);
}

/* Appends one listCustomers entry; absent members are left out, as getCustomerInfo does, and
 * balance has its sign inverted as there. */
static int list_entry(const struct store_list_row *row, void *arg, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_customer_entry_message;
    struct custrpc_array *list = arg;
    struct custrpc_customer_entry *items = realloc(list->items, (list->n + 1) * sizeof *items);
    if (!items)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    list->items = items;
    struct custrpc_customer_entry *e = &items[list->n];
    custrpc_msg_init(d, e);
    list->n++; /* counted at once: freeing the list frees what is set so far */
    char number[32];
    snprintf(number, sizeof number, "%lld", (long long)row->i_customer);
    const char *texts[][2] = {{"i_customer", number},
                              {"name", row->name ? row->name : ""},
                              {"web_login", row->web_login},
                              {"description", row->description},
                              {"base_currency", row->currency}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i][1] && custrpc_msg_set_text(d, e, texts[i][0], texts[i][1], err) < 0)
            return -1;
    struct custrpc_scalar balance = {.storage = CUSTRPC_STORE_REAL,
                                     .real = row->balance == 0 ? 0.0 : -row->balance};
    struct custrpc_scalar credit = {.storage = CUSTRPC_STORE_REAL, .real = row->credit_limit};
    if (custrpc_msg_set_scalar(d, e, custrpc_msg_field(d, "balance"), &balance, err) < 0)
        return -1;
    if (row->has_credit_limit &&
        custrpc_msg_set_scalar(d, e, custrpc_msg_field(d, "credit_limit"), &credit, err) < 0)
        return -1;
    return 0;
}

/* listCustomers, decoded and validated into custrpc_list_query (offset >= 0, limit 1..1000,
 * name_pattern 1..256 characters); the answer is a list response. */
int methods_list_customers(void *request, void *response, void *server_info, void *call_info,
                           struct custrpc_error *err)
{
    const struct custrpc_list_query *q = request;
    struct custrpc_list_response *out = response;
    const struct custrpc_message *d = &custrpc_list_response_message;
    struct methods_env *menv = server_info;
    struct call_identity *who = call_info;
    struct store_customer actor;
    custrpc_customer_init(&actor.c);
    /* Present from the start, so the response frees the entries whatever happens. */
    custrpc_msg_set_presence(d, out, custrpc_msg_field(d, "customers"), CUSTRPC_SET);
    struct store_tx tx;
    int rc = store_begin_read(menv->store, &tx, err);
    if (rc == 0) {
        rc = method_acting(&tx, who, q->presence[3] == CUSTRPC_SET, q->i_wholesaler, &actor, err);
        if (rc == 0)
            rc = store_list(&tx, actor.i_customer, q->presence[0] == CUSTRPC_SET ? q->offset : 0,
                            q->presence[1] == CUSTRPC_SET ? q->limit : LIST_DEFAULT_LIMIT,
                            q->presence[2] == CUSTRPC_SET ? q->name_pattern : NULL, list_entry,
                            &out->customers, err);
        if (rc == 0)
            rc = store_commit(&tx, err);
        store_end(&tx);
    }
    custrpc_customer_free(&actor.c);
    return rc == 0 ? custrpc_response_ok(d, out, err) : -1;
}
