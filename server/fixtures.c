/* fixtures.c — the fixtures (see fixtures.h): read once with the import's reader, applied by
 * every reset inside its transaction with the methods' own rules, so a fixture row is exactly
 * what its parent's createCustomer (AddPartner) would have made. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <custrpc/partner.h>

#include "common/import_read.h"
#include "fixtures.h"
#include "method_util.h"
#include "partner_api.h"
#include "partner_store.h"

/* Ours, not the API's: the column naming a row's parent, by the name of a row above it. */
static const char *const extra_columns[] = {"parent", NULL};

struct fixture_customer {
    size_t parent; /* 1 + the parent's row index; 0: the root */
    struct web_password_hash web;
    struct digest_ha1 api;
    bool has_api;
};

struct fixtures {
    const char *names[2]; /* the files, as messages show them */
    struct import_file files[2];
    struct fixture_customer *cust;
    size_t *partner_parent; /* 1 + the parent's row index; 0: the root partner */
};

enum { CUSTOMERS, PARTNERS };

/* Replaces err's message by message, cut to fit. */
static void set_message(struct custrpc_error *err, const char *message)
{
    size_t n = strnlen(message, sizeof err->message - 1);
    memcpy(err->message, message, n);
    err->message[n] = '\0';
}

/* err's message prefixed with where: "FILE:LINE: field: problem (row N)". */
static int at_row(struct custrpc_error *err, const struct fixtures *fx, int which, size_t i)
{
    char message[sizeof err->message + 128];
    snprintf(message, sizeof message, "%s:%zu: %s (row %zu)", fx->names[which],
             fx->files[which].rows[i].line, err->message, i + 1);
    set_message(err, message);
    return -1;
}

/* The parent column of row i: the index + 1 of an earlier row of that name, 0 when empty. */
static int find_parent(const struct fixtures *fx, int which, size_t i, size_t *parent,
                       struct custrpc_error *err)
{
    const struct import_file *f = &fx->files[which];
    const char *name = f->rows[i].extra[0];
    *parent = 0;
    if (!name)
        return 0;
    for (size_t k = 0; k < i; k++)
        if (strcmp(import_row_name(f, &f->rows[k]), name) == 0) {
            *parent = k + 1;
            return 0;
        }
    return custrpc_fail(err, CUSTRPC_E_VALUE, "parent",
                        "\"%.100s\" is not the name of a %s on an earlier row (empty: the root)",
                        name, which == CUSTOMERS ? "customer" : "partner");
}

/* Whether path is a regular file (-1 with err when it exists and is not): a FIFO or standard
 * input would be waited on at start with SIGTERM already blocked, so only SIGKILL could stop
 * the server. A file that cannot be opened is left to the reader, which says why. */
static int regular_file(const char *path, struct custrpc_error *err)
{
    int fd = strcmp(path, "-") == 0 ? -2 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1)
        return 0;
    struct stat st;
    const bool regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (fd >= 0)
        close(fd);
    return regular ? 0
                   : custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s: not a regular file",
                                  import_display_name(path));
}

static int read_one(struct fixtures *fx, int which, const char *path,
                    struct custrpc_error *err)
{
    struct import_read_opts o = {.format = IMPORT_AUTO, .extra = extra_columns};
    const char *const none[] = {NULL};
    fx->names[which] = import_display_name(path);
    struct import_file *f = &fx->files[which];
    if (regular_file(path, err) < 0)
        return -1;
    int rc = which == CUSTOMERS ? import_read(path, &o, f, err)
                                : import_read_message(path, &o, &custrpc_partner_info_message,
                                                      "Name", none, f, err);
    if (rc < 0) {
        /* The reader names the file in most of its messages, not in all. */
        size_t n = strlen(fx->names[which]);
        if (strncmp(err->message, fx->names[which], n) != 0 || err->message[n] != ':') {
            char message[sizeof err->message + 128];
            snprintf(message, sizeof message, "%s: %s", fx->names[which], err->message);
            set_message(err, message);
        }
        return -1;
    }
    for (size_t i = 0; i < f->n; i++)
        if (!f->rows[i].valid) {
            *err = f->rows[i].err;
            return at_row(err, fx, which, i);
        }
    return 0;
}

static int read_customers(struct fixtures *fx, const char *path, const uint8_t *web_key,
                          struct custrpc_error *err)
{
    if (read_one(fx, CUSTOMERS, path, err) < 0)
        return -1;
    const struct import_file *f = &fx->files[CUSTOMERS];
    if (!(fx->cust = calloc(f->n ? f->n : 1, sizeof *fx->cust)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        struct fixture_customer *fc = &fx->cust[i];
        /* The members createCustomer requires, checked as its dispatcher checks them. */
        if (custrpc_msg_validate(&custrpc_customer_message, &f->rows[i].c,
                                 methods_create_required, err) < 0 ||
            find_parent(fx, CUSTOMERS, i, &fc->parent, err) < 0)
            return at_row(err, fx, CUSTOMERS, i);
        if (methods_hash_passwords(web_key, &f->rows[i].c, &fc->web, &fc->api, &fc->has_api,
                                   err) < 0)
            return at_row(err, fx, CUSTOMERS, i);
    }
    return 0;
}

static int read_partners(struct fixtures *fx, const char *path, struct custrpc_error *err)
{
    if (read_one(fx, PARTNERS, path, err) < 0)
        return -1;
    const struct import_file *f = &fx->files[PARTNERS];
    if (!(fx->partner_parent = calloc(f->n ? f->n : 1, sizeof *fx->partner_parent)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        if (f->rows[i].extra[0] && custrpc_msg_is_set(&custrpc_partner_info_message,
                                                      f->rows[i].m, "ParentId")) {
            custrpc_fail(err, CUSTRPC_E_VALUE, "parent", "give parent or ParentId, not both");
            return at_row(err, fx, PARTNERS, i);
        }
        if (find_parent(fx, PARTNERS, i, &fx->partner_parent[i], err) < 0)
            return at_row(err, fx, PARTNERS, i);
    }
    return 0;
}

int fixtures_read(const char *customers, const char *partners,
                  const uint8_t web_key[SECRETS_KEY_LEN], struct fixtures **out,
                  struct custrpc_error *err)
{
    struct fixtures *fx = calloc(1, sizeof *fx);
    if (!fx)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if ((customers && read_customers(fx, customers, web_key, err) < 0) ||
        (partners && read_partners(fx, partners, err) < 0)) {
        fixtures_free(fx);
        return -1;
    }
    *out = fx;
    return 0;
}

static int apply_customers(struct store_tx *tx, const struct fixtures *fx, int64_t *ids,
                           struct custrpc_error *err)
{
    const struct import_file *f = &fx->files[CUSTOMERS];
    for (size_t i = 0; i < f->n; i++) {
        const struct fixture_customer *fc = &fx->cust[i];
        const struct custrpc_customer *row = &f->rows[i].c;
        /* The row as its parent's createCustomer: authenticated as the parent. */
        struct call_identity who = {.caller = fc->parent ? ids[fc->parent - 1] : STORE_ROOT_ID};
        struct store_customer parent;
        struct custrpc_customer c;
        custrpc_customer_init(&c);
        bool has_wholesaler = custrpc_customer_presence(row, CUSTRPC_F_i_wholesaler) == CUSTRPC_SET;
        int rc = method_acting(tx, &who, has_wholesaler, row->i_wholesaler, &parent, err);
        if (rc == 0)
            rc = custrpc_customer_copy(&c, row, err); /* the rules complete it */
        if (rc == 0)
            rc = methods_create_below(tx, &parent, &c, &fc->web, fc->has_api ? &fc->api : NULL,
                                      &ids[i], err);
        custrpc_customer_free(&c);
        custrpc_customer_free(&parent.c);
        /* A rule that names no member is about the parent (its add right). */
        if (rc < 0 && !err->field[0] && fc->parent) {
            char message[sizeof err->message + 128];
            snprintf(message, sizeof message, "parent: \"%.100s\": %s", f->rows[i].extra[0],
                     err->message);
            set_message(err, message);
        }
        if (rc < 0)
            return at_row(err, fx, CUSTOMERS, i);
    }
    return 0;
}

static int apply_partners(struct store_tx *tx, const struct fixtures *fx, int64_t root,
                          int64_t *ids, struct custrpc_error *err)
{
    const struct custrpc_message *d = &custrpc_partner_info_message;
    const struct import_file *f = &fx->files[PARTNERS];
    /* Added by the root partner, so any ParentId in its tree is reachable. */
    const struct call_identity who = {.caller = root};
    for (size_t i = 0; i < f->n; i++) {
        struct custrpc_partner_info p;
        custrpc_msg_init(d, &p);
        int rc = custrpc_msg_copy(d, &p, f->rows[i].m, err);
        if (rc == 0 && fx->partner_parent[i]) {
            char id[32];
            snprintf(id, sizeof id, "%lld", (long long)ids[fx->partner_parent[i] - 1]);
            rc = custrpc_msg_set_text(d, &p, "ParentId", id, err);
        }
        if (rc == 0)
            rc = partner_add_tx(tx, &who, &p, &ids[i], err);
        custrpc_msg_free(d, &p);
        if (rc < 0)
            return at_row(err, fx, PARTNERS, i);
    }
    return 0;
}

int fixtures_apply(struct store_tx *tx, int64_t partner_root, const void *arg,
                   struct custrpc_error *err)
{
    const struct fixtures *fx = arg;
    size_t n = fx->files[CUSTOMERS].n > fx->files[PARTNERS].n ? fx->files[CUSTOMERS].n
                                                              : fx->files[PARTNERS].n;
    int64_t *ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    int rc = apply_customers(tx, fx, ids, err);
    /* ids[] again for the partners: a row's parent is always above it, already added. */
    if (rc == 0)
        rc = apply_partners(tx, fx, partner_root, ids, err);
    free(ids);
    return rc;
}

size_t fixtures_customers(const struct fixtures *fx)
{
    return fx->files[CUSTOMERS].n;
}

size_t fixtures_partners(const struct fixtures *fx)
{
    return fx->files[PARTNERS].n;
}

void fixtures_free(struct fixtures *fx)
{
    if (!fx)
        return;
    import_free(&fx->files[CUSTOMERS]);
    import_free(&fx->files[PARTNERS]);
    free(fx->cust);
    free(fx->partner_parent);
    free(fx);
}
