/* client_lifecycle.c — the customer lifecycle methods beside createCustomer: update, list,
 * delete, block, unblock and the three balance operations. Every request is a message described
 * once (message.h), validated with the method's own required list before anything is sent, and
 * encoded by the generic codec; every answer must carry result "OK". */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <custrpc/client.h>
#include <custrpc/marshal.h>

#include "client_internal.h"

/* --- the messages ----------------------------------------------------------------------- */

static const struct custrpc_message *const id_message = &custrpc_id_request_message;
static const struct custrpc_message *const funds_message = &custrpc_funds_request_message;
#define need_id custrpc_id_request_required
#define need_funds custrpc_funds_request_required

/* --- one call ---------------------------------------------------------------------------- */

/* Validates m against its method's required list and encodes it; *arg is the caller's. */
static int encode(const struct custrpc_message *d, const void *m, const char *const *required,
                  xmlrpc_value **arg, struct custrpc_error *err)
{
    *arg = NULL;
    if (custrpc_msg_validate(d, m, required, err) < 0)
        return -1;
    return custrpc_msg_to_value(d, m, arg, err);
}

static int set_int_member(xmlrpc_value *arg, const char *name, int64_t v, struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *iv = xmlrpc_int_new(&env, (xmlrpc_int32)v);
    if (!env.fault_occurred)
        xmlrpc_struct_set_value(&env, arg, name, iv);
    if (iv)
        xmlrpc_DECREF(iv);
    int rc = env.fault_occurred ? custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory") : 0;
    xmlrpc_env_clean(&env);
    return rc;
}

/* Adds i_wholesaler (> 0), sends, and requires result "OK"; takes over arg. *result (may be
 * NULL) is the caller's to DECREF on success. */
static int call(struct custrpc_client *cl, const char *method, xmlrpc_value *arg,
                int64_t i_wholesaler, xmlrpc_value **result, struct custrpc_error *err)
{
    xmlrpc_value *answer = NULL;
    int rc = 0;
    if (i_wholesaler > INT32_MAX)
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, "i_wholesaler", "value %lld out of range 1..%d",
                          (long long)i_wholesaler, INT32_MAX);
    else if (i_wholesaler > 0)
        rc = set_int_member(arg, "i_wholesaler", i_wholesaler, err);
    if (rc == 0)
        rc = client_rpc(cl, method, arg, &answer, err);
    xmlrpc_DECREF(arg);
    if (rc == 0)
        rc = client_check_ok(answer, err);
    if (rc == 0 && result)
        *result = answer;
    else if (answer)
        xmlrpc_DECREF(answer);
    return rc;
}

static int call_id(struct custrpc_client *cl, const char *method, int64_t i_customer,
                   int64_t i_wholesaler, struct custrpc_error *err)
{
    struct custrpc_id_request r = {.i_customer = i_customer, .presence = {CUSTRPC_SET}};
    xmlrpc_value *arg;
    if (encode(id_message, &r, need_id, &arg, err) < 0)
        return -1;
    return call(cl, method, arg, i_wholesaler, NULL, err);
}

int custrpc_client_delete(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                          struct custrpc_error *err)
{
    return call_id(cl, "deleteCustomer", i_customer, i_wholesaler, err);
}

int custrpc_client_block(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                         struct custrpc_error *err)
{
    return call_id(cl, "blockCustomer", i_customer, i_wholesaler, err);
}

int custrpc_client_unblock(struct custrpc_client *cl, int64_t i_customer, int64_t i_wholesaler,
                           struct custrpc_error *err)
{
    return call_id(cl, "unblockCustomer", i_customer, i_wholesaler, err);
}

/* --- updateCustomer ---------------------------------------------------------------------- */

int custrpc_client_update(struct custrpc_client *cl, int64_t i_customer,
                          const struct custrpc_customer *changes, int64_t i_wholesaler,
                          struct custrpc_error *err)
{
    size_t given = 0;
    for (int i = 0; i < CUSTRPC_FIELD_COUNT; i++)
        given += !(custrpc_field_get((enum custrpc_field_id)i)->flags & CUSTRPC_FLAG_TRUSTED) &&
                 custrpc_customer_presence(changes, (enum custrpc_field_id)i) != CUSTRPC_ABSENT;
    if (given == 0)
        return custrpc_fail(err, CUSTRPC_E_MISSING, NULL,
                            "updateCustomer needs at least one field to change besides "
                            "i_customer");
    /* The update message: i_customer beside the changes (borrowed, never freed here). Nothing
     * of the changes is mandatory: the rules apply to the fields given. */
    struct custrpc_update_request r = {
        .i_customer = i_customer, .changes = *changes, .presence = {CUSTRPC_SET, CUSTRPC_SET}};
    xmlrpc_value *arg;
    if (encode(&custrpc_update_request_message, &r, need_id, &arg, err) < 0)
        return -1;
    return call(cl, "updateCustomer", arg, i_wholesaler, NULL, err);
}

/* --- balance operations ------------------------------------------------------------------ */

static int call_funds(struct custrpc_client *cl, const char *method, int64_t i_customer,
                      double amount, const char *currency, const char *payment_notes,
                      int64_t i_wholesaler, struct custrpc_error *err)
{
    /* Borrowed strings: the message is only read here, never freed. */
    struct custrpc_funds_request r = {.i_customer = i_customer,
                                      .amount = amount,
                                      .currency = (char *)currency,
                                      .payment_notes = (char *)payment_notes,
                                      .presence = {CUSTRPC_SET, CUSTRPC_SET,
                                                   currency ? CUSTRPC_SET : CUSTRPC_ABSENT,
                                                   payment_notes ? CUSTRPC_SET : CUSTRPC_ABSENT}};
    if (!isfinite(amount) || amount <= 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, "amount", "%g must be greater than 0", amount);
    xmlrpc_value *arg;
    if (encode(funds_message, &r, need_funds, &arg, err) < 0)
        return -1;
    return call(cl, method, arg, i_wholesaler, NULL, err);
}

int custrpc_client_add_funds(struct custrpc_client *cl, int64_t i_customer, double amount,
                             const char *currency, const char *payment_notes, int64_t i_wholesaler,
                             struct custrpc_error *err)
{
    return call_funds(cl, "customerAddFunds", i_customer, amount, currency, payment_notes,
                      i_wholesaler, err);
}

int custrpc_client_credit(struct custrpc_client *cl, int64_t i_customer, double amount,
                          const char *currency, const char *payment_notes, int64_t i_wholesaler,
                          struct custrpc_error *err)
{
    return call_funds(cl, "customerCredit", i_customer, amount, currency, payment_notes,
                      i_wholesaler, err);
}

int custrpc_client_debit(struct custrpc_client *cl, int64_t i_customer, double amount,
                         const char *currency, const char *payment_notes, int64_t i_wholesaler,
                         struct custrpc_error *err)
{
    return call_funds(cl, "customerDebit", i_customer, amount, currency, payment_notes,
                      i_wholesaler, err);
}

/* --- listCustomers ----------------------------------------------------------------------- */

void custrpc_customer_list_free(struct custrpc_customer_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        custrpc_msg_free(&custrpc_customer_entry_message, &l->items[i]);
    free(l->items);
    custrpc_extras_free(&l->problems);
    l->items = NULL;
    l->n = 0;
}

/* "field: problem" without the field. */
static const char *problem_text(const struct custrpc_error *why)
{
    size_t flen = strlen(why->field);
    const char *p = why->message;
    if (flen && strncmp(p, why->field, flen) == 0 && p[flen] == ':' && p[flen + 1] == ' ')
        p += flen + 2;
    return p;
}

/* Member by member, after the whole entry failed: a member of an unexpected type is reported
 * in problems, the others are kept. */
static int read_entry_members(xmlrpc_value *s, size_t index, struct custrpc_customer_entry *e,
                              struct custrpc_extras *problems)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    int n = xmlrpc_struct_size(&env, s);
    for (int i = 0; i < n && !env.fault_occurred; i++) {
        xmlrpc_value *key, *member;
        const char *name = NULL;
        xmlrpc_struct_read_member(&env, s, (unsigned)i, &key, &member);
        if (env.fault_occurred)
            break;
        xmlrpc_read_string(&env, key, &name);
        xmlrpc_DECREF(key);
        if (!env.fault_occurred && custrpc_msg_field(&custrpc_customer_entry_message, name)) {
            xmlrpc_value *one = xmlrpc_struct_new(&env);
            struct custrpc_error why;
            xmlrpc_struct_set_value(&env, one, name, member);
            if (!env.fault_occurred &&
                custrpc_msg_from_value(&custrpc_customer_entry_message, e, one,
                                       CUSTRPC_DECODE_ALLOW_UNKNOWN, &why) < 0) {
                char label[96];
                snprintf(label, sizeof label, "customers[%zu].%s", index, name);
                if (client_add_extra(problems, label, member, problem_text(&why)) < 0)
                    xmlrpc_faultf(&env, "out of memory");
            }
            xmlrpc_DECREF(one);
        }
        free((void *)name);
        xmlrpc_DECREF(member);
    }
    int rc = env.fault_occurred ? -1 : 0;
    xmlrpc_env_clean(&env);
    return rc;
}

static int read_list(xmlrpc_value *result, struct custrpc_customer_list *out,
                     struct custrpc_error *err)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_value *customers = NULL;
    xmlrpc_struct_find_value(&env, result, "customers", &customers);
    int rc = 0;
    if (!customers || xmlrpc_value_type(customers) != XMLRPC_TYPE_ARRAY) {
        rc = client_protocol_error(err, "the answer has no ", "customers array");
        goto done;
    }
    int n = xmlrpc_array_size(&env, customers);
    out->items = calloc(n > 0 ? (size_t)n : 1, sizeof *out->items);
    if (!out->items) {
        rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        goto done;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        xmlrpc_value *item = NULL;
        xmlrpc_array_read_item(&env, customers, (unsigned)i, &item);
        if (env.fault_occurred)
            break;
        if (xmlrpc_value_type(item) != XMLRPC_TYPE_STRUCT) {
            char label[64];
            snprintf(label, sizeof label, "customers[%d]", i);
            if (client_add_extra(&out->problems, label, item, "not a struct") < 0)
                rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        } else {
            struct custrpc_customer_entry *e = &out->items[out->n];
            struct custrpc_error why;
            custrpc_msg_init(&custrpc_customer_entry_message, e);
            if (custrpc_msg_from_value(&custrpc_customer_entry_message, e, item,
                                       CUSTRPC_DECODE_ALLOW_UNKNOWN, &why) < 0) {
                custrpc_msg_free(&custrpc_customer_entry_message, e);
                custrpc_msg_init(&custrpc_customer_entry_message, e);
                if (read_entry_members(item, (size_t)i, e, &out->problems) < 0)
                    rc = custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
            }
            out->n++;
        }
        xmlrpc_DECREF(item);
    }
    if (rc == 0 && env.fault_occurred)
        rc = client_protocol_error(err, "the customers array: ", env.fault_string);
done:
    if (customers)
        xmlrpc_DECREF(customers);
    xmlrpc_env_clean(&env);
    return rc;
}

int custrpc_client_list(struct custrpc_client *cl, const struct custrpc_list_query *q,
                        int64_t i_wholesaler, struct custrpc_customer_list *out,
                        struct custrpc_error *err)
{
    *out = (struct custrpc_customer_list){0, NULL, {0, NULL}};
    struct custrpc_list_query none;
    if (!q) {
        custrpc_msg_init(&custrpc_list_query_message, &none);
        q = &none;
    }
    xmlrpc_value *arg, *result = NULL;
    if (encode(&custrpc_list_query_message, q, NULL, &arg, err) < 0)
        return -1;
    int rc = call(cl, "listCustomers", arg, i_wholesaler, &result, err);
    if (rc == 0)
        rc = read_list(result, out, err);
    if (result)
        xmlrpc_DECREF(result);
    if (rc < 0)
        custrpc_customer_list_free(out);
    return rc;
}
