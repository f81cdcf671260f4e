/* partner_api.h — the partner API at /jsonapi: JSON-RPC 2.0 calls run on a method table of the
 * same shape as the XML-RPC one (dispatch.h: request and response messages, required members,
 * handler), with the visa protocol around them: Login opens a session, every other method
 * needs the newest visa as a top-level member, and every answer to a valid session (errors
 * too) carries a new one. */
#ifndef CUSTRPC_SERVER_PARTNER_API_H
#define CUSTRPC_SERVER_PARTNER_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"
#include "methods.h"
#include "secrets.h"
#include "store.h"
#include "visa.h"

/* A user of the partner API, from the configuration: user 1 is the root partner's. */
struct partner_user {
    int64_t id;
    char *partner; /* the partner's Name */
    char *login;
    struct web_password_hash password;
    bool any_password; /* open local mode's root: Login checks no password */
    bool can_login;    /* false: no password configured, Login is refused */
};

struct partner_env {
    struct store *store;
    struct visa_keys visas;
    uint8_t key[SECRETS_KEY_LEN]; /* for the users' password hashes */
    struct partner_user *users;
    size_t n_users;
    int64_t root_id; /* the root partner's Id */
};

/* The table's rows (partner_methods.c). */
struct custrpc_partner_info;

/* AddPartner's rules and insert inside the caller's write transaction, as who (its caller the
 * acting partner): p (validated) is completed (ParentId, Level, location, CreationTime); *id is
 * the new Id. For AddPartner and the server's fixtures (fixtures.c). */
int partner_add_tx(struct store_tx *tx, const struct call_identity *who,
                   struct custrpc_partner_info *p, int64_t *id, struct custrpc_error *err);

extern const struct method_row partner_method_rows[];
extern const size_t partner_method_count;

/* The user with this login, or NULL. */
const struct partner_user *partner_user_by_login(const struct partner_env *env,
                                                 const char *login);

/* Answers one request body. *answer: the malloc'd JSON answer, or NULL for a notification (a
 * request without an id gets no answer: HTTP 204). who is filled for the request log (method,
 * fault code, partner, user), login with the user's login when known. */
void partner_api_answer(struct partner_env *env, const char *body, size_t len, char **answer,
                        struct call_identity *who, char *login, size_t login_size);

#endif
