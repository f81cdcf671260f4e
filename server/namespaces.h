/* namespaces.h — the test double's namespaces (ours, not the API's): with --admin, a request
 * naming one (X-Custrpc-Namespace: NAME, or a path /ns/NAME/...) runs on a store of its own,
 * an in-memory store made on first use and seeded as POST /admin/reset seeds, so parallel test
 * runs on one server never see each other's customers, partners or journal. Each namespace
 * holds its own copies of the request environments (methods, the partner API with a visa key
 * of its own) pointing at its store, and Digest credentials are looked up in its store; the
 * code that serves a request is the same, only the environment it is handed differs. Trusted
 * hosts and the admin login stay the server's (a SIGHUP reload changes them for all). */
#ifndef CUSTRPC_SERVER_NAMESPACES_H
#define CUSTRPC_SERVER_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "dispatch.h"
#include "methods.h"
#include "partner_api.h"
#include "store.h"

#define NS_NAME_MAX 64
#define NS_HEADER "X-Custrpc-Namespace"
#define NS_PATH_PREFIX "/ns/"
/* The rule, as error messages quote it. */
#define NS_NAME_RULE "1 to 64 of A-Z a-z 0-9 . _ -, not . or .."
#define NS_DEFAULT_MAX 64

struct ns_space {
    char name[NS_NAME_MAX + 1];
    struct store *store;
    struct methods_env menv;
    struct dispatcher methods; /* server_info: &menv */
    struct partner_env partner;
    /* The registry's, under its lock. */
    unsigned refs;
    bool discarded; /* out of the list: freed by its last holder */
    struct ns_space *next;
};

/* What every namespace is made from: the server's environments (copied, store replaced) and
 * the seed of POST /admin/reset. All must outlive the registry. */
struct ns_template {
    const struct dispatcher *methods; /* server_info is a struct methods_env */
    const struct partner_env *partner;
    const struct store_seed *seed;
    size_t max; /* namespaces at once */
};

struct ns_registry;

struct ns_registry *ns_registry_new(const struct ns_template *t);
/* After every request has released its namespace. */
void ns_registry_free(struct ns_registry *r);

/* Whether text (len bytes) is a valid name: NS_NAME_RULE. */
bool ns_name_valid(const char *text, size_t len);

/* The namespace called name, made (and seeded) when it does not exist; the caller holds it
 * until ns_release. NS_FULL: max namespaces exist already; NS_FAILED: its store could not be
 * made; err says which (the message names the limit). */
enum ns_result { NS_OK, NS_FULL, NS_FAILED };
enum ns_result ns_acquire(struct ns_registry *r, const char *name, struct ns_space **out,
                          struct custrpc_error *err);
void ns_release(struct ns_registry *r, struct ns_space *ns);

/* Forgets the namespace called name, if it exists: the next request makes it afresh. Requests
 * holding it finish on its old store, which is freed with the last of them. locked (may be
 * NULL) runs under the registry's lock, whether or not it existed: what clears the namespace's
 * journal entries and rules. Whether it existed. */
bool ns_discard(struct ns_registry *r, const char *name, void (*locked)(void *arg), void *arg);

/* Runs fn(arg) unless ns has been discarded, under the registry's lock: what fn adds for ns
 * (its journal entry) is either there before a discard, and so cleared with it, or never added.
 * Whether it ran. */
bool ns_if_current(struct ns_registry *r, struct ns_space *ns, void (*fn)(void *arg), void *arg);

/* How many namespaces exist. */
size_t ns_count(struct ns_registry *r);
/* Calls fn with each namespace's name, the oldest first, under the registry's lock (fn must not
 * call back into the registry); at most NS_LIST_MAX. Returns how many. */
#define NS_LIST_MAX 100000
size_t ns_names(struct ns_registry *r, void (*fn)(const char *name, void *arg), void *arg);

#endif
