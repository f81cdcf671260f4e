/* namespaces.c — the registry of the test double's namespaces (see namespaces.h): a short list
 * under one mutex, held only to look a name up, count or unlink; a namespace's store is made
 * and seeded outside it, so a new test run never stalls the requests of the others. */
#include <config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "namespaces.h"
#include "partner_store.h"
#include "secrets.h"

struct ns_registry {
    pthread_mutex_t lock;
    struct ns_template t;
    struct ns_space *list;
    size_t n;
};

struct ns_registry *ns_registry_new(const struct ns_template *t)
{
    struct ns_registry *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->t = *t;
    if (!r->t.max)
        r->t.max = NS_DEFAULT_MAX;
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

static void ns_free(struct ns_space *ns)
{
    if (!ns)
        return;
    store_close(ns->store);
    /* The users are the server's (only the pointer was copied); the visa key is this one's. */
    gnutls_memset(ns->partner.visas.key, 0, sizeof ns->partner.visas.key);
    free(ns);
}

void ns_registry_free(struct ns_registry *r)
{
    if (!r)
        return;
    for (struct ns_space *ns = r->list, *next; ns; ns = next) {
        next = ns->next;
        ns_free(ns);
    }
    pthread_mutex_destroy(&r->lock);
    free(r);
}

bool ns_name_valid(const char *text, size_t len)
{
    if (len < 1 || len > NS_NAME_MAX)
        return false;
    /* A URL's dot segments: curl and browsers drop /ns/../ before sending, so such a run would
     * land in the default namespace. */
    if ((len == 1 && text[0] == '.') || (len == 2 && text[0] == '.' && text[1] == '.'))
        return false;
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A new namespace: a fresh in-memory store seeded as POST /admin/reset seeds the server's, and
 * the server's environments pointed at it. Its visas are signed with a key of its own, so a
 * visa from one namespace is refused in another (their partner Ids coincide). */
static struct ns_space *make(const struct ns_template *t, const char *name,
                             struct custrpc_error *err)
{
    struct ns_space *ns = calloc(1, sizeof *ns);
    if (!ns) {
        custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        return NULL;
    }
    snprintf(ns->name, sizeof ns->name, "%s", name);
    uint8_t visa_key[SECRETS_KEY_LEN];
    int rc = store_open(&ns->store, NULL, NULL, err);
    if (rc == 0) {
        /* The seed as it is now: a SIGHUP reload changes it under the guard. A namespace made
         * before a reload keeps what it was seeded with until it is reset. */
        if (t->seed->guard)
            pthread_rwlock_rdlock(t->seed->guard);
        rc = store_reset(ns->store, t->seed, NULL, NULL, err);
        if (t->seed->guard)
            pthread_rwlock_unlock(t->seed->guard);
    }
    if (rc == 0) {
        ns->menv = *(const struct methods_env *)t->methods->server_info;
        ns->menv.store = ns->store;
        ns->methods = *t->methods;
        ns->methods.server_info = &ns->menv;
        memcpy(&ns->partner, t->partner, sizeof ns->partner);
        ns->partner.store = ns->store;
        rc = secrets_load_key(NULL, true, visa_key, err);
    }
    if (rc == 0)
        rc = visa_init(&ns->partner.visas, visa_key, t->partner->visas.ttl, err);
    gnutls_memset(visa_key, 0, sizeof visa_key);
    /* The seed made the root partner; its Id in this store, as partner_env_setup read the
     * server's. */
    if (rc == 0 && t->seed->partner_root)
        rc = partner_ensure_root(ns->store, t->seed->partner_root, &ns->partner.root_id, err);
    if (rc < 0) {
        ns_free(ns);
        return NULL;
    }
    return ns;
}

static struct ns_space *find(const struct ns_registry *r, const char *name)
{
    for (struct ns_space *ns = r->list; ns; ns = ns->next)
        if (strcmp(ns->name, name) == 0)
            return ns;
    return NULL;
}

static int full(const struct ns_registry *r, const char *name, struct custrpc_error *err)
{
    return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                        "namespace \"%s\" not created: %zu namespaces exist, the limit "
                        "(--max-namespaces %zu); POST /ns/NAME/admin/reset discards one",
                        name, r->n, r->t.max);
}

enum ns_result ns_acquire(struct ns_registry *r, const char *name, struct ns_space **out,
                          struct custrpc_error *err)
{
    pthread_mutex_lock(&r->lock);
    struct ns_space *ns = find(r, name);
    if (ns)
        ns->refs++;
    const bool room = ns || r->n < r->t.max;
    if (!room)
        full(r, name, err);
    pthread_mutex_unlock(&r->lock);
    if (ns || !room) {
        *out = ns;
        return ns ? NS_OK : NS_FULL;
    }
    struct ns_space *made = make(&r->t, name, err);
    if (!made)
        return NS_FAILED;
    /* Another request may have made it meanwhile: the first one in the list wins. */
    enum ns_result res = NS_OK;
    pthread_mutex_lock(&r->lock);
    if ((ns = find(r, name))) {
        ns->refs++;
    } else if (r->n >= r->t.max) {
        full(r, name, err);
        res = NS_FULL;
    } else {
        made->refs = 1;
        made->next = r->list;
        r->list = ns = made;
        r->n++;
        made = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    ns_free(made);
    *out = ns;
    return res;
}

void ns_release(struct ns_registry *r, struct ns_space *ns)
{
    if (!ns)
        return;
    pthread_mutex_lock(&r->lock);
    /* A discarded namespace is no longer in the list: its last holder frees it. */
    const bool gone = --ns->refs == 0 && ns->discarded;
    pthread_mutex_unlock(&r->lock);
    if (gone)
        ns_free(ns);
}

bool ns_discard(struct ns_registry *r, const char *name, void (*locked)(void *arg), void *arg)
{
    pthread_mutex_lock(&r->lock);
    struct ns_space **p = &r->list;
    while (*p && strcmp((*p)->name, name) != 0)
        p = &(*p)->next;
    struct ns_space *ns = *p;
    bool unused = false;
    if (ns) {
        *p = ns->next;
        ns->next = NULL;
        r->n--;
        ns->discarded = true;
        unused = ns->refs == 0;
    }
    /* Under the lock that journaling a namespace's request takes (ns_if_current): no entry of
     * the old namespace can be added after this, and none of a new one made of the same name
     * before it. */
    if (locked)
        locked(arg);
    pthread_mutex_unlock(&r->lock);
    if (unused)
        ns_free(ns);
    return ns != NULL;
}

bool ns_if_current(struct ns_registry *r, struct ns_space *ns, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&r->lock);
    const bool current = !ns->discarded;
    if (current)
        fn(arg);
    pthread_mutex_unlock(&r->lock);
    return current;
}

size_t ns_names(struct ns_registry *r, void (*fn)(const char *name, void *arg), void *arg)
{
    pthread_mutex_lock(&r->lock);
    /* The list is newest first; oldest first reads as the order the runs began. */
    const struct ns_space *order[NS_LIST_MAX];
    size_t n = 0;
    for (const struct ns_space *ns = r->list; ns && n < NS_LIST_MAX; ns = ns->next)
        order[n++] = ns;
    for (size_t i = n; i-- > 0;)
        fn(order[i]->name, arg);
    pthread_mutex_unlock(&r->lock);
    return n;
}

size_t ns_count(struct ns_registry *r)
{
    pthread_mutex_lock(&r->lock);
    const size_t n = r->n;
    pthread_mutex_unlock(&r->lock);
    return n;
}
