/* partner_methods.c — the partner API's methods as rows of a method table (partner_api.h):
 * Login, AddPartner and the related methods, each on its params and result messages
 * (custrpc/partner.h). Rules the API text states: a child's Level strictly below its parent's,
 * the parent inside the caller's subtree (else 13501), unique names, the location from the
 * country or else the parent's. Ours (marked where they are decided): the default Level, the
 * codes of refusals the API does not publish, what a caller may do to its own partner. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <custrpc/locations.h>
#include <custrpc/partner.h>

#include "partner_api.h"
#include "partner_store.h"

static const struct custrpc_message *const PI = &custrpc_partner_info_message;

static bool has(const void *m, const char *path)
{
    return custrpc_msg_is_set(PI, m, path);
}

static void set_int(void *m, const char *path, int64_t v)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    custrpc_msg_set_text(PI, m, path, text, NULL);
}

/* 13501 for a partner outside the caller's subtree, 1040 for one that does not exist. */
static int reachable(struct store_tx *tx, const struct call_identity *who, int64_t id,
                     const char *member, struct custrpc_partner_info *out,
                     struct custrpc_error *err)
{
    if (partner_get(tx, id, out, err) < 0) {
        if (err->code == CUSTRPC_E_NOT_FOUND)
            snprintf(err->field, sizeof err->field, "%s", member);
        return -1;
    }
    bool inside;
    if (partner_in_subtree(tx, who->caller, id, &inside, err) < 0)
        return -1;
    if (!inside) {
        custrpc_msg_free(PI, out);
        return custrpc_fail(err, CUSTRPC_E_SECURITY, member,
                            "partner %lld is outside the caller's partner tree", (long long)id);
    }
    return 0;
}

/* The level below a parent's, for a new partner that gives none (ours). */
static int default_level(int parent_level)
{
    switch (parent_level) {
    case CUSTRPC_LEVEL_ROOT:
    case CUSTRPC_LEVEL_SUBROOT: return CUSTRPC_LEVEL_DISTRIBUTOR;
    case CUSTRPC_LEVEL_DISTRIBUTOR: return CUSTRPC_LEVEL_SUBDISTRIBUTOR;
    case CUSTRPC_LEVEL_SUBDISTRIBUTOR: return CUSTRPC_LEVEL_RESELLER;
    case CUSTRPC_LEVEL_RESELLER: return CUSTRPC_LEVEL_ENDCUSTOMER;
    default: return CUSTRPC_LEVEL_SITE;
    }
}

static const char *level_name(int level)
{
    return level >= 0 && (size_t)level < custrpc_partner_level_names.n
               ? custrpc_partner_level_names.values[level]
               : "Undefined";
}

/* The API's rule: a child's Level strictly below its parent's. */
static int check_level(int child, int parent, const char *member, struct custrpc_error *err)
{
    if (custrpc_partner_level_rank(child) < custrpc_partner_level_rank(parent))
        return 0;
    return custrpc_fail(err, CUSTRPC_E_LEVEL, member,
                        "Level %s is not below the parent's Level %s (Root > SubRoot > "
                        "Distributor > SubDistributor > Reseller > EndCustomer > Site)",
                        level_name(child), level_name(parent));
}

/* The member a request gave the country in, for errors: the vendor samples' top-level Country
 * or the schema's Company.PostAddress.Country (which wins when both are given). */
static const char *country_member(const struct custrpc_partner_info *p)
{
    return has(p, "Country") && !has(p, "Company.PostAddress.Country")
               ? "partnerInfo.Country"
               : "partnerInfo.Company.PostAddress.Country";
}

/* LocationId given: it must exist. Else the country (Company.PostAddress.Country, or Country
 * as the vendor's samples send it) decides; else the parent's location. */
static int settle_location(struct custrpc_partner_info *p, const struct custrpc_partner_info *parent,
                           bool country_changed, const char *country_member,
                           struct custrpc_error *err)
{
    if (has(p, "LocationId") && !country_changed) {
        if (!custrpc_location_exists(p->location_id))
            return custrpc_fail(err, CUSTRPC_E_LOCATION, "partnerInfo.LocationId",
                                "no location %lld (EnumerateLocations lists them)",
                                (long long)p->location_id);
        return 0;
    }
    if (has(p, "Company.PostAddress.Country")) {
        int64_t loc = custrpc_country_location(p->company.post_address.country, NULL);
        if (!loc)
            return custrpc_fail(err, CUSTRPC_E_LOCATION, country_member,
                                "\"%.64s\" is not an ISO 3166 alpha-2 code or an English country "
                                "name",
                                p->company.post_address.country);
        set_int(p, "LocationId", loc);
        return 0;
    }
    if (parent && has(parent, "LocationId"))
        set_int(p, "LocationId", parent->location_id);
    return 0;
}

/* The store's unique-name refusal, told by the member's path in the request as every other
 * member error is (the store knows only its column, "Name"). */
static void dup_name(struct custrpc_error *err, const char *name)
{
    custrpc_fail(err, CUSTRPC_E_DUP_NAME, "partnerInfo.Name",
                 "a partner named \"%.100s\" already exists", name ? name : "");
}

/* --- Login ------------------------------------------------------------------------------ */

static int login(void *request, void *response, void *server_info, void *call_info,
                 struct custrpc_error *err)
{
    const struct custrpc_login_params *rq = request;
    struct custrpc_login_result *rs = response;
    struct partner_env *env = server_info;
    struct call_identity *who = call_info;
    const struct partner_user *u = partner_user_by_login(env, rq->username);
    /* One answer for every failure, as for Digest: nothing tells which part was wrong. */
    bool ok = u && u->can_login && strcmp(u->partner, rq->partner) == 0 &&
              (u->any_password || secrets_check_web_password(env->key, rq->password, &u->password));
    int64_t partner = ok && u->id == 1 ? env->root_id : 0;
    if (ok && u->id != 1) {
        struct store_tx tx;
        struct custrpc_partner_info p;
        if (store_begin_read(env->store, &tx, err) < 0)
            return -1;
        int rc = partner_find_name(&tx, u->partner, &p, err);
        store_end(&tx);
        partner = rc == 0 ? p.id : 0;
        custrpc_msg_free(PI, &p);
        if (rc < 0 && err->code != CUSTRPC_E_NOT_FOUND)
            return -1;
    }
    if (!partner)
        return custrpc_fail(err, CUSTRPC_E_LOGIN, NULL, "login refused for \"%.64s\"",
                            rq->username);
    who->caller = partner;
    who->user = u->id;
    const struct custrpc_message *ud = &custrpc_partner_user_message;
    struct custrpc_partner_user *user = &rs->result;
    custrpc_msg_set_presence(&custrpc_login_result_message, rs,
                             &custrpc_login_result_message.fields[0], CUSTRPC_SET);
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)u->id);
    custrpc_msg_set_text(ud, user, "Id", text, NULL);
    custrpc_msg_set_text(ud, user, "Name", u->login, NULL);
    snprintf(text, sizeof text, "%lld", (long long)partner);
    custrpc_msg_set_text(ud, user, "PartnerId", text, NULL);
    custrpc_msg_set_text(ud, user, "Flags", "AllowApiAuthentication", NULL);
    custrpc_msg_set_presence(ud, user, custrpc_msg_field(ud, "Password"), CUSTRPC_NIL);
    return 0;
}

/* --- AddPartner ------------------------------------------------------------------------- */

int partner_add_tx(struct store_tx *tx, const struct call_identity *who,
                   struct custrpc_partner_info *p, int64_t *id, struct custrpc_error *err)
{
    const char *country = country_member(p);
    custrpc_partner_normalize(p);
    /* Id and CreationTime are the server's to give; a client that sends one is told, not
     * ignored. */
    static const char *const given[] = {"partnerInfo.Id", "partnerInfo.CreationTime"};
    for (size_t i = 0; i < 2; i++)
        if (has(p, given[i] + strlen("partnerInfo.")))
            return custrpc_fail(err, CUSTRPC_E_UNKNOWN, given[i],
                                "is given by the server: AddPartner takes none");
    set_int(p, "CreationTime", (int64_t)time(NULL));
    if (!has(p, "ParentId"))
        set_int(p, "ParentId", who->caller); /* ours: the caller's partner by default */
    struct custrpc_partner_info parent;
    int rc = reachable(tx, who, p->parent_id, "partnerInfo.ParentId", &parent, err);
    if (rc == 0) {
        if (!has(p, "Level"))
            custrpc_msg_set_text(PI, p, "Level", level_name(default_level(parent.level)), NULL);
        rc = check_level(p->level, parent.level, "partnerInfo.Level", err);
        if (rc == 0)
            rc = settle_location(p, &parent, false, country, err);
        if (rc == 0)
            rc = partner_insert(tx, p, id, err);
        custrpc_msg_free(PI, &parent);
    }
    if (rc < 0 && err->code == CUSTRPC_E_DUP_NAME)
        dup_name(err, p->name);
    return rc;
}

static int add_partner(void *request, void *response, void *server_info, void *call_info,
                       struct custrpc_error *err)
{
    struct custrpc_partner_params *rq = request;
    struct custrpc_id_result *rs = response;
    struct partner_env *env = server_info;
    struct call_identity *who = call_info;
    struct store_tx tx;
    if (store_begin_write(env->store, &tx, err) < 0)
        return -1;
    int64_t id = 0;
    int rc = partner_add_tx(&tx, who, &rq->partner_info, &id, err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    if (rc == 0) {
        rs->result = id;
        who->i_customer = id; /* for the request log */
        custrpc_msg_set_presence(&custrpc_id_result_message, rs,
                                 &custrpc_id_result_message.fields[0], CUSTRPC_SET);
    }
    store_end(&tx);
    return rc;
}

/* --- reading ---------------------------------------------------------------------------- */

static int answer_partner(struct custrpc_partner_result *rs, struct custrpc_partner_info *p)
{
    rs->result = *p; /* moved */
    custrpc_msg_set_presence(&custrpc_partner_result_message, rs,
                             &custrpc_partner_result_message.fields[0], CUSTRPC_SET);
    return 0;
}

static int get_partner_info(void *request, void *response, void *server_info, void *call_info,
                            struct custrpc_error *err)
{
    const struct custrpc_partner_name_params *rq = request;
    struct partner_env *env = server_info;
    struct store_tx tx;
    struct custrpc_partner_info p;
    if (store_begin_read(env->store, &tx, err) < 0)
        return -1;
    int rc = partner_find_name(&tx, rq->name, &p, err);
    int64_t id = p.id;
    custrpc_msg_free(PI, &p);
    if (rc == 0)
        rc = reachable(&tx, call_info, id, "name", &p, err);
    store_end(&tx);
    if (rc < 0 && err->code == CUSTRPC_E_NOT_FOUND)
        snprintf(err->field, sizeof err->field, "name");
    return rc < 0 ? -1 : answer_partner(response, &p);
}

static int get_partner_info_by_id(void *request, void *response, void *server_info,
                                  void *call_info, struct custrpc_error *err)
{
    const struct custrpc_partner_id_params *rq = request;
    struct partner_env *env = server_info;
    struct store_tx tx;
    struct custrpc_partner_info p;
    if (store_begin_read(env->store, &tx, err) < 0)
        return -1;
    int rc = reachable(&tx, call_info, rq->partner_id, "partnerId", &p, err);
    store_end(&tx);
    return rc < 0 ? -1 : answer_partner(response, &p);
}

static int get_partner_state(void *request, void *response, void *server_info, void *call_info,
                             struct custrpc_error *err)
{
    struct custrpc_partner_state_result *rs = response;
    struct custrpc_partner_result whole;
    custrpc_msg_init(&custrpc_partner_result_message, &whole);
    if (get_partner_info_by_id(request, &whole, server_info, call_info, err) < 0)
        return -1;
    rs->result = has(&whole.result, "State") ? whole.result.state : 0;
    custrpc_msg_set_presence(&custrpc_partner_state_result_message, rs,
                             &custrpc_partner_state_result_message.fields[0], CUSTRPC_SET);
    custrpc_msg_free(&custrpc_partner_result_message, &whole);
    return 0;
}

/* EnumeratePartners' column numbers, as the vendor documents them. */
static const struct {
    int64_t number;
    const char *member;
} columns[] = {{0, "Name"},     {1, "Level"},       {3, "ChildServiceTypes"}, {4, "ServiceType"},
               {5, "State"},    {8, "LocationId"},  {9, "Flags"},             {10, "Company"},
               {20, "CreationTime"}};

struct enumeration {
    struct custrpc_array *out;
    const struct custrpc_array *fields; /* of int64_t; n 0: every member */
};

static int add_entry(const struct custrpc_partner_info *p, void *arg, struct custrpc_error *err)
{
    struct enumeration *e = arg;
    struct custrpc_partner_info *grown =
        realloc(e->out->items, (e->out->n + 1) * sizeof *grown);
    if (!grown)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    e->out->items = grown;
    struct custrpc_partner_info *item = &grown[e->out->n];
    custrpc_msg_init(PI, item);
    if (custrpc_msg_copy(PI, item, p, err) < 0)
        return -1;
    e->out->n++;
    if (!e->fields->n)
        return 0;
    /* Only the asked columns, beside Id and ParentId. */
    for (size_t i = 0; i < PI->n_fields; i++) {
        const struct custrpc_field *f = &PI->fields[i];
        bool keep = strcmp(f->name, "Id") == 0 || strcmp(f->name, "ParentId") == 0;
        for (size_t k = 0; !keep && k < e->fields->n; k++)
            for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
                keep = keep || (columns[c].number == ((const int64_t *)e->fields->items)[k] &&
                                columns[c].member && strcmp(columns[c].member, f->name) == 0);
        if (!keep)
            custrpc_msg_unset(PI, item, f);
    }
    return 0;
}

static int enumerate_partners(void *request, void *response, void *server_info, void *call_info,
                              struct custrpc_error *err)
{
    const struct custrpc_enumerate_params *rq = request;
    struct custrpc_partner_list_result *rs = response;
    struct partner_env *env = server_info;
    for (size_t k = 0; k < rq->fields.n; k++) {
        int64_t n = ((const int64_t *)rq->fields.items)[k];
        bool known = false;
        for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
            known = known || columns[c].number == n;
        if (!known) /* ours: the vendor's other column numbers are not public */
            return custrpc_fail(err, CUSTRPC_E_VALUE, "fields",
                                "column %lld is not one of 0 Name, 1 Level, 3 ChildServiceTypes, "
                                "4 ServiceType, 5 State, 8 LocationId, 9 Flags, 10 Company, 20 "
                                "CreationTime",
                                (long long)n);
    }
    struct store_tx tx;
    struct custrpc_partner_info parent;
    if (store_begin_read(env->store, &tx, err) < 0)
        return -1;
    int rc = reachable(&tx, call_info, rq->parent_partner_id, "parentPartnerId", &parent, err);
    custrpc_msg_set_presence(&custrpc_partner_list_result_message, rs,
                             &custrpc_partner_list_result_message.fields[0], CUSTRPC_SET);
    if (rc == 0) {
        custrpc_msg_free(PI, &parent);
        struct enumeration e = {&rs->result, &rq->fields};
        rc = partner_each_below(&tx, rq->parent_partner_id, rq->fetch_recursively, add_entry, &e,
                                err);
    }
    store_end(&tx);
    return rc;
}

static int enumerate_locations(void *request, void *response, void *server_info,
                               void *call_info, struct custrpc_error *err)
{
    (void)request;
    (void)server_info;
    (void)call_info;
    struct custrpc_location_list_result *rs = response;
    size_t n;
    const struct custrpc_location_def *defs = custrpc_locations(&n);
    struct custrpc_location *items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    rs->result = (struct custrpc_array){n, items};
    custrpc_msg_set_presence(&custrpc_location_list_result_message, rs,
                             &custrpc_location_list_result_message.fields[0], CUSTRPC_SET);
    const struct custrpc_message *ld = &custrpc_location_message;
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)defs[i].id);
        custrpc_msg_set_text(ld, &items[i], "Id", id, NULL);
        custrpc_msg_set_text(ld, &items[i], "Name", defs[i].name, NULL);
        custrpc_msg_set_presence(ld, &items[i], custrpc_msg_field(ld, "Flags"), CUSTRPC_SET);
    }
    return 0;
}

/* --- changing --------------------------------------------------------------------------- */

static int set_null(void *response)
{
    custrpc_msg_set_presence(&custrpc_null_result_message, response,
                             &custrpc_null_result_message.fields[0], CUSTRPC_NIL);
    return 0;
}

/* A partner strictly below the caller: a caller may not remove or reshape its own partner
 * (ours: the API's rights model is not public, 13501 is its word for "not yours"). */
static int below_caller(struct store_tx *tx, const struct call_identity *who, int64_t id,
                        const char *member, struct custrpc_partner_info *out,
                        struct custrpc_error *err)
{
    if (reachable(tx, who, id, member, out, err) < 0)
        return -1;
    if (id != who->caller)
        return 0;
    custrpc_msg_free(PI, out);
    return custrpc_fail(err, CUSTRPC_E_SECURITY, member,
                        "partner %lld is the caller's own partner", (long long)id);
}

struct level_bound {
    int highest_child; /* the highest rank among the children */
};

static int child_rank(const struct custrpc_partner_info *p, void *arg, struct custrpc_error *err)
{
    (void)err;
    struct level_bound *b = arg;
    int r = custrpc_partner_level_rank(p->level);
    if (r > b->highest_child)
        b->highest_child = r;
    return 0;
}

static int modify_partner(void *request, void *response, void *server_info, void *call_info,
                          struct custrpc_error *err)
{
    struct custrpc_partner_params *rq = request;
    struct partner_env *env = server_info;
    const struct call_identity *who = call_info;
    struct custrpc_partner_info *changes = &rq->partner_info;
    const char *country_given = country_member(changes);
    custrpc_partner_normalize(changes);
    struct store_tx tx;
    if (store_begin_write(env->store, &tx, err) < 0)
        return -1;
    struct custrpc_partner_info row, parent;
    custrpc_msg_init(PI, &parent);
    int rc = below_caller(&tx, who, changes->id, "partnerInfo.Id", &row, err);
    if (rc < 0) {
        store_end(&tx);
        return -1;
    }
    if (has(changes, "CreationTime")) {
        custrpc_msg_free(PI, &row);
        store_end(&tx);
        return custrpc_fail(err, CUSTRPC_E_UNKNOWN, "partnerInfo.CreationTime",
                            "is given by the server: ModifyPartner cannot change it");
    }
    bool moved = has(changes, "ParentId") && changes->parent_id != row.parent_id;
    bool country = has(changes, "Company.PostAddress.Country");
    rc = custrpc_msg_merge(PI, &row, changes, err);
    if (rc == 0)
        rc = custrpc_msg_validate(PI, &row, NULL, err);
    if (rc == 0)
        rc = reachable(&tx, who, row.parent_id, "partnerInfo.ParentId", &parent, err);
    if (rc == 0 && moved) {
        bool cycle;
        rc = partner_in_subtree(&tx, row.id, row.parent_id, &cycle, err);
        if (rc == 0 && cycle)
            rc = custrpc_fail(err, CUSTRPC_E_VALUE, "partnerInfo.ParentId",
                              "partner %lld is inside the partner being moved",
                              (long long)row.parent_id);
    }
    if (rc == 0)
        rc = check_level(row.level, parent.level, "partnerInfo.Level", err);
    struct level_bound b = {0};
    if (rc == 0)
        rc = partner_each_below(&tx, row.id, false, child_rank, &b, err);
    if (rc == 0 && b.highest_child >= custrpc_partner_level_rank(row.level) && b.highest_child)
        rc = custrpc_fail(err, CUSTRPC_E_LEVEL, "partnerInfo.Level",
                          "Level %s is not above the Level of every partner below it",
                          level_name(row.level));
    if (rc == 0 && (country || has(changes, "LocationId")))
        rc = settle_location(&row, &parent, country && !has(changes, "LocationId"), country_given,
                             err);
    if (rc == 0)
        rc = partner_update(&tx, &row, err);
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    custrpc_msg_free(PI, &row);
    custrpc_msg_free(PI, &parent);
    if (rc < 0 && err->code == CUSTRPC_E_DUP_NAME)
        dup_name(err, changes->name);
    return rc < 0 ? -1 : set_null(response);
}

static int remove_partner(void *request, void *response, void *server_info, void *call_info,
                          struct custrpc_error *err)
{
    const struct custrpc_partner_id_params *rq = request;
    struct partner_env *env = server_info;
    struct store_tx tx;
    struct custrpc_partner_info p;
    if (store_begin_write(env->store, &tx, err) < 0)
        return -1;
    int rc = below_caller(&tx, call_info, rq->partner_id, "partnerId", &p, err);
    if (rc == 0) {
        custrpc_msg_free(PI, &p);
        rc = partner_delete(&tx, rq->partner_id, err);
    }
    if (rc == 0)
        rc = store_commit(&tx, err);
    store_end(&tx);
    return rc < 0 ? -1 : set_null(response);
}

/* --- the table -------------------------------------------------------------------------- */

const struct method_row partner_method_rows[] = {
    {API_PARTNER, "Login",
     "Opens a session: {partner (the partner's Name), username, password} -> the user "
     "{Id, Name, PartnerId, Flags, Password: null}, and a visa at the top level of the answer.",
     &custrpc_login_params_message, custrpc_login_params_required, &custrpc_login_result_message,
     login},
    {API_PARTNER, "AddPartner",
     "Creates a partner below the caller's partner: {partnerInfo {Name, ParentId (default: the "
     "caller's partner), Level (strictly below the parent's; default: the level below it), "
     "...}, createDefaultAccount} -> its Id.",
     &custrpc_add_partner_params_message, custrpc_add_partner_params_required,
     &custrpc_id_result_message, add_partner},
    {API_PARTNER, "GetPartnerInfo", "{name} -> the PartnerInfo of the partner with that Name.",
     &custrpc_partner_name_params_message, custrpc_partner_name_params_required,
     &custrpc_partner_result_message, get_partner_info},
    {API_PARTNER, "GetPartnerInfoById", "{partnerId} -> its PartnerInfo.",
     &custrpc_partner_id_params_message, custrpc_partner_id_params_required,
     &custrpc_partner_result_message, get_partner_info_by_id},
    {API_PARTNER, "GetPartnerState", "{partnerId} -> its State.",
     &custrpc_partner_id_params_message, custrpc_partner_id_params_required,
     &custrpc_partner_state_result_message, get_partner_state},
    {API_PARTNER, "EnumeratePartners",
     "{parentPartnerId, fetchRecursively, fields?} -> the PartnerInfo of its children (or its "
     "whole subtree), by Id.",
     &custrpc_enumerate_params_message, custrpc_enumerate_params_required,
     &custrpc_partner_list_result_message, enumerate_partners},
    {API_PARTNER, "ModifyPartner",
     "{partnerInfo with Id} changes the members given of a partner below the caller's -> null.",
     &custrpc_modify_partner_params_message, custrpc_modify_partner_params_required,
     &custrpc_null_result_message, modify_partner},
    {API_PARTNER, "RemovePartner",
     "{partnerId} removes a partner below the caller's that has none below it -> null.",
     &custrpc_partner_id_params_message, custrpc_partner_id_params_required,
     &custrpc_null_result_message, remove_partner},
    {API_PARTNER, "EnumerateLocations", "{} -> the locations [{Id, Name, Flags}].",
     &custrpc_no_params_message, NULL, &custrpc_location_list_result_message,
     enumerate_locations},
};
const size_t partner_method_count = sizeof partner_method_rows / sizeof partner_method_rows[0];
