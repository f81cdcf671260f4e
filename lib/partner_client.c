/* partner_client.c — the partner API's JSON-RPC session (partner_client.h): the visa rules, the
 * envelope (json.h) over the shared HTTP transport (transport.h), and answers read tolerantly
 * (members the model does not describe are skipped and named, never fatal). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <custrpc/json.h>
#include <custrpc/partner_client.h>

#include "transport.h"

#define SKIPPED_MAX 512
#define MAX_SKIPS 64 /* members dropped from one answer before it counts as broken */

struct custrpc_partner_session {
    struct transport *http;
    char *partner, *username, *password;
    char *visa;       /* the newest visa, NULL before the first Login */
    double visa_time; /* when it arrived (monotonic seconds) */
    unsigned refresh_s;
    int64_t next_id;
    FILE *trace;
    struct custrpc_partner_stats stats;
    char skipped[SKIPPED_MAX];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void forget(char **secret)
{
    if (*secret) {
        memset(*secret, 0, strlen(*secret));
        free(*secret);
        *secret = NULL;
    }
}

int custrpc_partner_session_new(struct custrpc_partner_session **out,
                                const struct custrpc_partner_options *o, struct custrpc_error *err)
{
    if (!out)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "custrpc_partner_session_new: out is NULL");
    *out = NULL;
    if (!o)
        return custrpc_fail(err, CUSTRPC_E_CONNECT, NULL, "no session options (no server URL)");
    struct transport_options to = {
        .url = o->url,
        .content_type = "application/json",
        .cacert = o->cacert,
        .insecure = o->insecure,
        .timeout_ms = o->timeout_ms,
    };
    struct custrpc_partner_session *s = calloc(1, sizeof *s);
    if (!s)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (transport_new(&s->http, &to, err) < 0) {
        free(s);
        return -1;
    }
    s->partner = o->partner ? strdup(o->partner) : NULL;
    s->username = o->username ? strdup(o->username) : NULL;
    s->password = o->password ? strdup(o->password) : NULL;
    s->refresh_s = o->visa_refresh_s ? o->visa_refresh_s : CUSTRPC_PARTNER_VISA_REFRESH_S;
    s->next_id = 1;
    s->trace = o->trace;
    if ((o->partner && !s->partner) || (o->username && !s->username) ||
        (o->password && !s->password)) {
        custrpc_partner_session_free(s);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    }
    *out = s;
    return 0;
}

void custrpc_partner_session_free(struct custrpc_partner_session *s)
{
    if (!s)
        return;
    transport_free(s->http);
    free(s->partner);
    free(s->username);
    forget(&s->password);
    forget(&s->visa);
    free(s);
}

void custrpc_partner_session_stats(const struct custrpc_partner_session *s,
                                   struct custrpc_partner_stats *out)
{
    *out = s->stats;
}

const char *custrpc_partner_session_skipped(const struct custrpc_partner_session *s)
{
    return s->skipped;
}

/* --- secrets out of texts ----------------------------------------------------------------- */

/* Replaces every occurrence of secret in buf (NUL-terminated) with "***". Secrets shorter
 * than 4 bytes are left alone: masking every "bad" in "bad password" would hide nothing and
 * garble the server's words. */
static void scrub(char *buf, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 4)
        return;
    char *p;
    while ((p = strstr(buf, secret)) != NULL) {
        memcpy(p, "***", 3);
        memmove(p + 3, p + n, strlen(p + n) + 1);
    }
}

static void scrub_error(const struct custrpc_partner_session *s, struct custrpc_error *err)
{
    scrub(err->message, s->password);
    scrub(err->message, s->visa);
    scrub(err->field, s->password);
    scrub(err->field, s->visa);
}

/* SECRET members of a message's JSON form become "***" (for the trace). */
static void mask_json(const struct custrpc_message *d, json_t *obj)
{
    if (!d || !json_is_object(obj))
        return;
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct custrpc_field *f = &d->fields[i];
        json_t *v = json_object_get(obj, f->name);
        if (!v)
            continue;
        if ((f->flags & CUSTRPC_FLAG_SECRET) && !json_is_null(v))
            json_object_set_new(obj, f->name, json_string("***"));
        else if (f->type == CUSTRPC_TYPE_MESSAGE && json_is_array(v)) {
            size_t k;
            json_t *item;
            json_array_foreach(v, k, item) mask_json(f->message, item);
        } else if (f->type == CUSTRPC_TYPE_MESSAGE)
            mask_json(f->message, v);
    }
}

static void trace_request(struct custrpc_partner_session *s, const char *method, json_t *id,
                          const struct custrpc_message *pd, const json_t *params)
{
    json_t *shown = json_deep_copy(params);
    mask_json(pd, shown);
    char *text = custrpc_jsonrpc_call(method, id, shown, s->visa ? "***" : NULL);
    fprintf(s->trace, "> POST %s\n%s\n", transport_url(s->http), text ? text : "");
    free(text);
}

static void trace_answer(struct custrpc_partner_session *s, long status, const char *text,
                         size_t len, json_t *root, const struct custrpc_message *rd)
{
    fprintf(s->trace, "< HTTP %ld\n", status);
    if (json_is_object(root)) {
        json_t *shown = json_deep_copy(root);
        if (json_object_get(shown, "visa"))
            json_object_set_new(shown, "visa", json_string("***"));
        mask_json(rd, json_object_get(shown, "result"));
        char *dump = json_dumps(shown, JSON_COMPACT);
        fprintf(s->trace, "%s\n", dump ? dump : "");
        free(dump);
        json_decref(shown);
        return;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    scrub(copy, s->password);
    scrub(copy, s->visa);
    fprintf(s->trace, "%s\n", copy);
    free(copy);
}

/* --- answers read tolerantly ---------------------------------------------------------------- */

static void note_skipped(struct custrpc_partner_session *s, const char *path, const char *why)
{
    size_t n = strlen(s->skipped);
    if (n + 8 >= sizeof s->skipped)
        return;
    snprintf(s->skipped + n, sizeof s->skipped - n, "%s%s%s%s%s", n ? ", " : "", path,
             why ? " (" : "", why ? why : "", why ? ")" : "");
    if (strlen(s->skipped) + 8 >= sizeof s->skipped)
        snprintf(s->skipped + sizeof s->skipped - 8, 8, ", ...");
}

/* Drops, at any depth, the members d does not describe. */
static void prune(struct custrpc_partner_session *s, const struct custrpc_message *d, json_t *obj,
                  const char *path)
{
    if (!json_is_object(obj))
        return;
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v)
    {
        char member[256];
        snprintf(member, sizeof member, "%s%s%s", path, *path ? "." : "", key);
        const struct custrpc_message *od = d;
        void *owner = NULL;
        const struct custrpc_field *f = custrpc_msg_member(d, NULL, key, false, &od, &owner);
        if (!f) {
            note_skipped(s, member, NULL);
            json_object_del(obj, key);
        } else if (f->type == CUSTRPC_TYPE_MESSAGE && json_is_array(v)) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                char at[280];
                snprintf(at, sizeof at, "%s[%zu]", member, i);
                prune(s, f->message, item, at);
            }
        } else if (f->type == CUSTRPC_TYPE_MESSAGE) {
            prune(s, f->message, v, member);
        }
    }
}

/* Removes the member a decoder error's path names ("Name", "result[2].Level",
 * "result.Flags[1]": an array item drops its whole member); 0 when it was found. */
static int drop_path(json_t *root, const char *path)
{
    json_t *parent = NULL, *cur = root;
    char key[CUSTRPC_ERROR_FIELD_MAX] = "";
    const char *p = path;
    while (*p) {
        size_t n = strcspn(p, ".[");
        if (n > 0) {
            if (!json_is_object(cur) || n >= sizeof key)
                return -1;
            memcpy(key, p, n);
            key[n] = '\0';
            parent = cur;
            cur = json_object_get(cur, key);
            if (!cur)
                return -1;
            p += n;
        }
        if (*p == '[') {
            char *end;
            unsigned long i = strtoul(p + 1, &end, 10);
            if (*end != ']' || !json_is_array(cur))
                return -1;
            json_t *item = json_array_get(cur, i);
            if (!item)
                return -1;
            if (!json_is_object(item)) /* a scalar item: drop the array's member */
                break;
            parent = NULL;
            cur = item;
            key[0] = '\0';
            p = end + 1;
        }
        if (*p == '.')
            p++;
    }
    if (!parent || !key[0])
        return -1;
    return json_object_del(parent, key);
}

/* Reads the answer's result into result (initialised): unknown members skipped, a member that
 * breaks the model dropped and named, up to MAX_SKIPS of them. */
static int read_result(struct custrpc_partner_session *s, const struct custrpc_message *rd,
                       void *result, json_t *r, struct custrpc_error *err)
{
    json_t *copy = json_deep_copy(r);
    /* ModifyPartner and RemovePartner answer null: accept it bare as well as nested. */
    const struct custrpc_field *only = rd->n_fields == 1 ? &rd->fields[0] : NULL;
    if (json_is_null(copy) && only && (only->flags & CUSTRPC_FLAG_NIL_OK)) {
        json_decref(copy);
        copy = json_pack("{s:n}", only->name);
    }
    if (!copy)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    prune(s, rd, copy, "");
    int rc = -1;
    for (int tries = 0; tries <= MAX_SKIPS; tries++) {
        struct custrpc_error why;
        if (custrpc_msg_from_json(rd, result, copy, "", &why) == 0) {
            rc = 0;
            break;
        }
        custrpc_msg_free(rd, result);
        custrpc_msg_init(rd, result);
        if (tries == MAX_SKIPS || why.code == CUSTRPC_E_INTERNAL || !why.field[0] ||
            drop_path(copy, why.field) < 0) {
            scrub_error(s, &why);
            transport_protocol_error(err, "the answer's result: ", why.message);
            break;
        }
        const char *problem = why.message;
        size_t flen = strlen(why.field);
        if (strncmp(problem, why.field, flen) == 0 && problem[flen] == ':')
            problem += flen + 2;
        note_skipped(s, why.field, problem);
    }
    json_decref(copy);
    return rc;
}

/* --- one exchange --------------------------------------------------------------------------- */

static void take_visa(struct custrpc_partner_session *s, char *visa)
{
    if (!visa)
        return;
    if (s->visa && strcmp(s->visa, visa) == 0) { /* not rotated: its age goes on */
        forget(&visa);
        return;
    }
    forget(&s->visa);
    s->visa = visa;
    s->visa_time = now_s();
}

/* Sends one request with the session's visa (none for Login) and reads its answer into result
 * (initialised; rd NULL: ignored). The answer's visa, when it has one, becomes the session's,
 * whatever else the answer says. */
static int exchange(struct custrpc_partner_session *s, const char *method,
                    const struct custrpc_message *pd, json_t *params,
                    const struct custrpc_message *rd, void *result, struct custrpc_error *err)
{
    int64_t request_id = s->next_id++;
    json_t *id = json_integer(request_id);
    bool login = strcmp(method, CUSTRPC_PARTNER_LOGIN) == 0;
    const char *visa = login ? NULL : s->visa;
    char *text = custrpc_jsonrpc_call(method, id, json_incref(params), visa);
    if (!text) {
        json_decref(id);
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "cannot write the call");
    }
    if (s->trace) {
        char *saved = s->visa;
        s->visa = (char *)visa; /* the trace shows whether a visa went, never which */
        trace_request(s, method, id, pd, params);
        s->visa = saved;
    }
    json_decref(id);
    s->stats.requests++;
    long status;
    const char *answer;
    size_t len;
    int rc = transport_post(s->http, text, strlen(text), &status, &answer, &len, err);
    memset(text, 0, strlen(text)); /* it held the password or a visa */
    free(text);
    if (rc < 0) {
        if (s->trace)
            fprintf(s->trace, "< (no answer) %s\n", transport_last_error(s->http));
        return -1;
    }
    json_t *root = custrpc_json_parse(answer, len, NULL, NULL);
    if (s->trace)
        trace_answer(s, status, answer, len, root, rd);
    json_t *r = NULL;
    char *new_visa = NULL, *sent_visa = s->visa && !login ? strdup(s->visa) : NULL;
    struct custrpc_error got;
    int parsed = custrpc_jsonrpc_parse_answer(answer, len, &r, &new_visa, &got);
    take_visa(s, new_visa);
    if (status != 200) {
        transport_status_error(s->http, status,
                               "no JSON-RPC endpoint there; the partner API is served at /jsonapi",
                               err);
        if (parsed < 0 && got.kind == CUSTRPC_KIND_FAULT) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof err->message - n, " (with JSON-RPC error %d: %.200s)",
                     got.code, got.message);
        }
        rc = -1;
    } else if (parsed < 0 && got.kind != CUSTRPC_KIND_FAULT) {
        *err = got;
        rc = -1;
    } else {
        /* The answer must be this request's: an integer id equal to ours (null only on an
         * error, when the server could not read the id). */
        json_t *aid = json_object_get(root, "id");
        bool same = json_is_integer(aid) && json_integer_value(aid) == request_id;
        if (!same && !(parsed < 0 && json_is_null(aid))) {
            char detail[96];
            snprintf(detail, sizeof detail, "%" JSON_INTEGER_FORMAT " was sent",
                     (json_int_t)request_id);
            rc = transport_protocol_error(err, "the answer's id is not the request's: ", detail);
        } else if (parsed < 0) {
            *err = got;
            rc = -1;
        } else if (rd) {
            rc = read_result(s, rd, result, r, err);
        }
    }
    if (rc < 0) {
        scrub_error(s, err); /* the password and the new visa */
        scrub(err->message, sent_visa);
        scrub(err->field, sent_visa);
    }
    forget(&sent_visa);
    json_decref(r);
    json_decref(root);
    return rc;
}

/* --- Login and the visa rules --------------------------------------------------------------- */

static int do_login(struct custrpc_partner_session *s, const struct custrpc_message *pd,
                    const void *params, const struct custrpc_message *rd, void *result,
                    struct custrpc_error *err)
{
    json_t *pj = custrpc_msg_to_json(pd, params);
    if (!pj)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    forget(&s->visa); /* a Login starts a new session, whatever it answers */
    s->stats.logins++;
    int rc = exchange(s, CUSTRPC_PARTNER_LOGIN, pd, pj, rd, result, err);
    json_decref(pj);
    if (rc == 0 && !s->visa)
        rc = transport_protocol_error(err, "the Login answer has no visa", "");
    return rc;
}

/* Login with the session's credentials; user (may be NULL) receives the answer. */
static int session_login(struct custrpc_partner_session *s, struct custrpc_login_result *user,
                         struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_login_params_message;
    struct custrpc_login_params p;
    custrpc_msg_init(d, &p);
    struct custrpc_login_result ignored;
    struct custrpc_login_result *out = user ? user : &ignored;
    custrpc_msg_init(&custrpc_login_result_message, out);
    int rc = -1;
    if (!s->partner || !s->username || !s->password) {
        custrpc_fail(err, CUSTRPC_E_MISSING,
                     !s->partner    ? "partner"
                     : !s->username ? "username"
                                    : "password",
                     "Login needs the partner's name, the username and the password");
    } else if (custrpc_msg_set_text(d, &p, "partner", s->partner, err) == 0 &&
               custrpc_msg_set_text(d, &p, "username", s->username, err) == 0 &&
               custrpc_msg_set_text(d, &p, "password", s->password, err) == 0 &&
               custrpc_msg_validate(d, &p, custrpc_login_params_required, err) == 0) {
        rc = do_login(s, d, &p, &custrpc_login_result_message, out, err);
    }
    if (err && err->kind != CUSTRPC_KIND_FAULT)
        scrub_error(s, err); /* a local error about the password never quotes it */
    forget(&p.password);
    custrpc_msg_free(d, &p);
    if (!user)
        custrpc_msg_free(&custrpc_login_result_message, &ignored);
    return rc;
}

static int call_checked(struct custrpc_partner_session *s, const char *method,
                        const struct custrpc_message *pd, const void *params,
                        const char *const *required, const struct custrpc_message *rd, void *result,
                        struct custrpc_error *err)
{
    struct custrpc_error local;
    if (!err)
        err = &local;
    custrpc_error_clear(err);
    s->skipped[0] = '\0';
    if (rd)
        custrpc_msg_init(rd, result);
    if (!method || !*method)
        return custrpc_fail(err, CUSTRPC_E_METHOD, NULL, "no method");
    if (pd && custrpc_msg_validate(pd, params, required, err) < 0)
        return -1;
    if (strcmp(method, CUSTRPC_PARTNER_LOGIN) == 0)
        return pd ? do_login(s, pd, params, rd, result, err)
                  : custrpc_fail(err, CUSTRPC_E_MISSING, NULL, "Login needs its params");
    json_t *pj = pd ? custrpc_msg_to_json(pd, params) : json_object();
    if (!pj)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    /* No session yet, or a visa older than the refresh age: Login first. */
    bool stale = s->visa && now_s() - s->visa_time >= (double)s->refresh_s;
    if (stale)
        s->stats.refresh_logins++;
    int rc = !s->visa || stale ? session_login(s, NULL, err) : 0;
    if (rc == 0)
        rc = exchange(s, method, pd, pj, rd, result, err);
    /* 1701: the visa expired or was refused; one new Login and one more try, never a loop. */
    if (rc < 0 && err->kind == CUSTRPC_KIND_FAULT && err->code == CUSTRPC_E_VISA) {
        s->stats.visa_relogins++;
        if (rd) {
            custrpc_msg_free(rd, result);
            custrpc_msg_init(rd, result);
        }
        rc = session_login(s, NULL, err);
        if (rc == 0)
            rc = exchange(s, method, pd, pj, rd, result, err);
    }
    json_decref(pj);
    return rc;
}

int custrpc_partner_call(struct custrpc_partner_session *s, const char *method,
                         const struct custrpc_message *params_d, const void *params,
                         const struct custrpc_message *result_d, void *result,
                         struct custrpc_error *err)
{
    return call_checked(s, method, params_d, params, NULL, result_d, result, err);
}

int custrpc_partner_login(struct custrpc_partner_session *s, struct custrpc_partner_user *user,
                          struct custrpc_error *err)
{
    struct custrpc_error local;
    if (!err)
        err = &local;
    custrpc_error_clear(err);
    s->skipped[0] = '\0';
    struct custrpc_login_result r;
    int rc = session_login(s, &r, err);
    if (user) {
        *user = r.result; /* moved out */
        if (rc < 0 ||
            custrpc_msg_presence(&custrpc_login_result_message, &r,
                                 &custrpc_login_result_message.fields[0]) != CUSTRPC_SET) {
            custrpc_msg_free(&custrpc_partner_user_message, user);
            custrpc_msg_init(&custrpc_partner_user_message, user);
        }
    } else {
        custrpc_msg_free(&custrpc_login_result_message, &r);
    }
    return rc;
}

/* --- typed wrappers -------------------------------------------------------------------------- */

static const struct custrpc_field *only_field(const struct custrpc_message *d)
{
    return &d->fields[0];
}

/* The answer's one "result" member must be there (a server may answer {} or null). */
static int need_result(const struct custrpc_message *rd, const void *r, const char *what,
                       struct custrpc_error *err)
{
    enum custrpc_presence p = custrpc_msg_presence(rd, r, only_field(rd));
    if (p == CUSTRPC_SET || (p == CUSTRPC_NIL && (only_field(rd)->flags & CUSTRPC_FLAG_NIL_OK)))
        return 0;
    return transport_protocol_error(err, "the answer has no ", what);
}

static int set_id(const struct custrpc_message *d, void *m, const char *name, int64_t id,
                  struct custrpc_error *err)
{
    struct custrpc_scalar v = {.storage = CUSTRPC_STORE_INTEGER, .integer = id};
    return custrpc_msg_set_scalar(d, m, custrpc_msg_field(d, name), &v, err);
}

/* AddPartner and ModifyPartner: {partnerInfo: a copy of p[, createDefaultAccount]}. */
static int partner_params(const struct custrpc_message *d, struct custrpc_partner_params *pp,
                          const struct custrpc_partner_info *p, const bool *create_default,
                          struct custrpc_error *err)
{
    custrpc_msg_init(d, pp);
    if (custrpc_msg_copy(&custrpc_partner_info_message, &pp->partner_info, p, err) < 0)
        return -1;
    custrpc_msg_set_presence(d, pp, custrpc_msg_field(d, "partnerInfo"), CUSTRPC_SET);
    if (create_default) {
        pp->create_default_account = *create_default;
        custrpc_msg_set_presence(d, pp, custrpc_msg_field(d, "createDefaultAccount"), CUSTRPC_SET);
    }
    return 0;
}

int custrpc_partner_add(struct custrpc_partner_session *s, const struct custrpc_partner_info *p,
                        bool create_default_account, int64_t *id, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_add_partner_params_message;
    struct custrpc_partner_params pp;
    struct custrpc_id_result r;
    custrpc_msg_init(&custrpc_id_result_message, &r);
    int rc = partner_params(d, &pp, p, &create_default_account, err);
    if (rc == 0)
        rc = call_checked(s, CUSTRPC_PARTNER_ADD, d, &pp, custrpc_add_partner_params_required,
                          &custrpc_id_result_message, &r, err);
    if (rc == 0)
        rc = need_result(&custrpc_id_result_message, &r, "new partner id", err);
    if (rc == 0 && r.result <= 0)
        rc = transport_protocol_error(err, "the answer's partner id is not positive", "");
    if (rc == 0 && id)
        *id = r.result;
    custrpc_msg_free(d, &pp);
    custrpc_msg_free(&custrpc_id_result_message, &r);
    return rc;
}

int custrpc_partner_modify(struct custrpc_partner_session *s, const struct custrpc_partner_info *p,
                           struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_modify_partner_params_message;
    struct custrpc_partner_params pp;
    struct custrpc_null_result r;
    custrpc_msg_init(&custrpc_null_result_message, &r);
    int rc = partner_params(d, &pp, p, NULL, err);
    if (rc == 0)
        rc = call_checked(s, CUSTRPC_PARTNER_MODIFY, d, &pp, custrpc_modify_partner_params_required,
                          &custrpc_null_result_message, &r, err);
    custrpc_msg_free(d, &pp);
    custrpc_msg_free(&custrpc_null_result_message, &r);
    return rc;
}

/* A PartnerInfo answer moved into out (initialised either way). */
static int partner_answer(struct custrpc_partner_session *s, const char *method,
                          const struct custrpc_message *pd, const void *params,
                          const char *const *required, struct custrpc_partner_info *out,
                          struct custrpc_error *err)
{
    const struct custrpc_message *rd = &custrpc_partner_result_message;
    struct custrpc_partner_result r;
    int rc = call_checked(s, method, pd, params, required, rd, &r, err);
    if (rc == 0)
        rc = need_result(rd, &r, "PartnerInfo", err);
    if (rc == 0) {
        *out = r.result;
    } else {
        custrpc_msg_free(rd, &r);
        custrpc_msg_init(&custrpc_partner_info_message, out);
    }
    return rc;
}

int custrpc_partner_get_by_name(struct custrpc_partner_session *s, const char *name,
                                struct custrpc_partner_info *out, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_name_params_message;
    struct custrpc_partner_name_params p;
    custrpc_msg_init(d, &p);
    int rc = name ? custrpc_msg_set_text(d, &p, "name", name, err) : 0;
    if (rc == 0)
        rc = partner_answer(s, CUSTRPC_PARTNER_GET, d, &p, custrpc_partner_name_params_required,
                            out, err);
    else
        custrpc_msg_init(&custrpc_partner_info_message, out);
    custrpc_msg_free(d, &p);
    return rc;
}

int custrpc_partner_get_by_id(struct custrpc_partner_session *s, int64_t id,
                              struct custrpc_partner_info *out, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_id_params_message;
    struct custrpc_partner_id_params p;
    custrpc_msg_init(d, &p);
    int rc = set_id(d, &p, "partnerId", id, err);
    if (rc == 0)
        rc = partner_answer(s, CUSTRPC_PARTNER_GET_BY_ID, d, &p, custrpc_partner_id_params_required,
                            out, err);
    else
        custrpc_msg_init(&custrpc_partner_info_message, out);
    custrpc_msg_free(d, &p);
    return rc;
}

int custrpc_partner_enumerate(struct custrpc_partner_session *s, int64_t parent_id, bool recursive,
                              struct custrpc_partner_list_result *out, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_enumerate_params_message;
    const struct custrpc_message *rd = &custrpc_partner_list_result_message;
    struct custrpc_enumerate_params p;
    custrpc_msg_init(d, &p);
    custrpc_msg_init(rd, out);
    int rc = set_id(d, &p, "parentPartnerId", parent_id, err);
    if (rc == 0) {
        p.fetch_recursively = recursive;
        custrpc_msg_set_presence(d, &p, custrpc_msg_field(d, "fetchRecursively"), CUSTRPC_SET);
        rc = call_checked(s, CUSTRPC_PARTNER_ENUMERATE, d, &p, custrpc_enumerate_params_required,
                          rd, out, err);
    }
    if (rc == 0)
        rc = need_result(rd, out, "list of partners", err);
    custrpc_msg_free(d, &p);
    return rc;
}

/* RemovePartner, GetPartnerState: {partnerId}. */
static int by_id(struct custrpc_partner_session *s, const char *method, int64_t id,
                 const struct custrpc_message *rd, void *r, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_id_params_message;
    struct custrpc_partner_id_params p;
    custrpc_msg_init(d, &p);
    custrpc_msg_init(rd, r);
    int rc = set_id(d, &p, "partnerId", id, err);
    if (rc == 0)
        rc = call_checked(s, method, d, &p, custrpc_partner_id_params_required, rd, r, err);
    custrpc_msg_free(d, &p);
    return rc;
}

int custrpc_partner_remove(struct custrpc_partner_session *s, int64_t id, struct custrpc_error *err)
{
    struct custrpc_null_result r;
    int rc = by_id(s, CUSTRPC_PARTNER_REMOVE, id, &custrpc_null_result_message, &r, err);
    custrpc_msg_free(&custrpc_null_result_message, &r);
    return rc;
}

int custrpc_partner_state(struct custrpc_partner_session *s, int64_t id, int *state,
                          struct custrpc_error *err)
{
    const struct custrpc_message *rd = &custrpc_partner_state_result_message;
    struct custrpc_partner_state_result r;
    int rc = by_id(s, CUSTRPC_PARTNER_STATE, id, rd, &r, err);
    if (rc == 0)
        rc = need_result(rd, &r, "State", err);
    if (rc == 0 && state)
        *state = r.result;
    custrpc_msg_free(rd, &r);
    return rc;
}

int custrpc_partner_locations(struct custrpc_partner_session *s,
                              struct custrpc_location_list_result *out, struct custrpc_error *err)
{
    const struct custrpc_message *rd = &custrpc_location_list_result_message;
    struct custrpc_no_params p;
    custrpc_msg_init(&custrpc_no_params_message, &p);
    int rc = call_checked(s, CUSTRPC_PARTNER_LOCATIONS, &custrpc_no_params_message, &p, NULL, rd,
                          out, err);
    if (rc == 0)
        rc = need_result(rd, out, "list of locations", err);
    return rc;
}
