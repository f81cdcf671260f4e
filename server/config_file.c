/* config_file.c — parsing and checking the server's XML configuration (see config_file.h). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "config_file.h"

void config_init(struct server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen_port = -1;
}

void config_free(struct server_config *cfg)
{
    free(cfg->listen_host);
    free(cfg->db_path);
    free(cfg->root_login);
    free(cfg->root_password_file);
    free(cfg->admin_login);
    free(cfg->admin_password_file);
    for (size_t i = 0; i < cfg->n_trusted; i++)
        free(cfg->trusted[i]);
    for (size_t i = 0; i < cfg->n_tariffs; i++)
        free((char *)cfg->tariffs[i].name);
    for (size_t i = 0; i <= cfg->n_partner_users; i++) {
        struct config_partner_user *u =
            i == cfg->n_partner_users ? &cfg->partner_root : &cfg->partner_users[i];
        free(u->partner);
        free(u->login);
        free(u->password_file);
    }
    config_init(cfg);
}

static const struct config_element rules[] = {
    {"listen",
     {"host", "port", NULL},
     false,
     "the address to listen on when --listen is not given: host (default 127.0.0.1), port "
     "(0..65535, default 8000; 0 picks a free one)"},
    {"database",
     {"path", NULL},
     false,
     "the SQLite database file when --db is not given (default: in memory); the key that "
     "encrypts stored web passwords is kept beside it in PATH.key"},
    {"root",
     {"login", "password-file", NULL},
     false,
     "the root customer: its web_login (default ssp-root; no white space, ':', '\"' or '\\') "
     "and the file whose first line is its API password. Without password-file the server runs "
     "in open local mode (see DESCRIPTION)"},
    {"trusted-host",
     {"address", NULL},
     true,
     "a numeric IPv4 or IPv6 address whose requests need no credentials and name the customer "
     "to act for in i_wholesaler (trusted mode); up to 64"},
    {"tariff",
     {"i_tariff", "name", NULL},
     true,
     "a tariff customers may be given: its number (1..2147483647, each once) and name; up to "
     "256. Without any, tariff 1 \"Default\" exists"},
    {"partner-root",
     {"name", "login", "password-file", NULL},
     false,
     "the partner API's root partner: its Name, its API user's login and password file (all "
     "three required); default: partner \"root\" with login \"root\""},
    {"partner-user",
     {"partner", "login", "password-file", NULL},
     true,
     "another partner API user: the Name of the partner it belongs to (looked up at Login, so "
     "the partner may be created later), its login (each once) and password file; up to 64"},
    {"admin",
     {"login", "password-file", NULL},
     false,
     "the login and password file of custrpc-server's admin interface (--admin), besides the "
     "root's own; Digest only, and only for /admin/..."},
};
#define N_RULES (sizeof rules / sizeof rules[0])

const struct config_element *config_elements(size_t *n)
{
    *n = N_RULES;
    return rules;
}

struct reader {
    const char *file;
    char *dir; /* directory of the file, for relative paths */
    struct custrpc_error *err;
};

static int at(struct reader *r, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int at(struct reader *r, const xmlNode *n, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return custrpc_fail(r->err, CUSTRPC_E_VALUE, NULL, "%s:%ld: %s", r->file, xmlGetLineNo(n),
                        text);
}

/* The attribute's value (malloc'd), or NULL when absent. */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}

static char *required(struct reader *r, const xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    if (!v || !*v) {
        free(v);
        at(r, n, "<%s> needs a non-empty %s attribute", (const char *)n->name, name);
        return NULL;
    }
    return v;
}

/* A path from the file, made relative to the file's directory. */
static char *file_path(struct reader *r, char *p)
{
    if (!p || p[0] == '/')
        return p;
    size_t n = strlen(r->dir) + strlen(p) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s/%s", r->dir, p);
    free(p);
    return full;
}

static int parse_int(struct reader *r, const xmlNode *n, const char *name, const char *text,
                     long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        char range[64];
        snprintf(range, sizeof range, "%s must be an integer %ld..%ld", name, min, max);
        return at(r, n, "%s (got \"%s\")", range, text);
    }
    *out = v;
    return 0;
}

/* <partner-root name login password-file/> or <partner-user partner login password-file/>: all
 * three required (a partner API user without a password could not log in). */
static int read_partner_user(struct reader *r, const xmlNode *n, struct server_config *cfg)
{
    bool root = strcmp((const char *)n->name, "partner-root") == 0;
    if (!root && cfg->n_partner_users == CONFIG_MAX_PARTNER_USERS)
        return at(r, n, "more than %d <partner-user> elements", CONFIG_MAX_PARTNER_USERS);
    struct config_partner_user u = {0};
    u.partner = required(r, n, root ? "name" : "partner");
    u.login = u.partner ? required(r, n, "login") : NULL;
    char *pw = u.login ? required(r, n, "password-file") : NULL;
    u.password_file = pw ? file_path(r, pw) : NULL;
    int rc = u.password_file ? 0 : -1;
    const struct config_partner_user *root_user = &cfg->partner_root;
    for (size_t i = 0; rc == 0 && i <= cfg->n_partner_users; i++) {
        const struct config_partner_user *o =
            i == cfg->n_partner_users ? root_user : &cfg->partner_users[i];
        if (o->login && strcmp(o->login, u.login) == 0)
            rc = at(r, n, "partner API login \"%s\" is defined twice", u.login);
    }
    if (rc < 0) {
        free(u.partner);
        free(u.login);
        free(u.password_file);
        return -1;
    }
    if (root)
        cfg->partner_root = u;
    else
        cfg->partner_users[cfg->n_partner_users++] = u;
    return 0;
}

static int read_element(struct reader *r, const xmlNode *n, struct server_config *cfg)
{
    const char *el = (const char *)n->name;
    long v;
    if (strcmp(el, "listen") == 0) {
        char *host = attr(n, "host"), *port = attr(n, "port");
        int rc = 0;
        if (port && parse_int(r, n, "port", port, 0, 65535, &v) < 0)
            rc = -1;
        else if (port)
            cfg->listen_port = (int)v;
        cfg->listen_host = host;
        free(port);
        return rc;
    }
    if (strcmp(el, "database") == 0)
        return (cfg->db_path = file_path(r, required(r, n, "path"))) ? 0 : -1;
    if (strcmp(el, "root") == 0) {
        cfg->root_login = attr(n, "login");
        if (cfg->root_login && (!*cfg->root_login || strpbrk(cfg->root_login, ": \t\"\\")))
            return at(r, n, "<root> login \"%s\" is empty or has white space, ':', '\"' or '\\'",
                      cfg->root_login);
        char *pw = attr(n, "password-file");
        cfg->root_password_file = pw ? file_path(r, pw) : NULL;
        return 0;
    }
    if (strcmp(el, "trusted-host") == 0) {
        char *a = required(r, n, "address");
        unsigned char buf[16];
        if (!a)
            return -1;
        if (inet_pton(AF_INET, a, buf) != 1 && inet_pton(AF_INET6, a, buf) != 1) {
            at(r, n, "<trusted-host> address \"%s\" is not a numeric IPv4 or IPv6 address", a);
            free(a);
            return -1;
        }
        if (cfg->n_trusted == CONFIG_MAX_TRUSTED) {
            free(a);
            return at(r, n, "more than %d <trusted-host> elements", CONFIG_MAX_TRUSTED);
        }
        cfg->trusted[cfg->n_trusted++] = a;
        return 0;
    }
    if (strcmp(el, "admin") == 0) {
        /* The admin interface's own Digest login (--admin), beside the root's. */
        if (!(cfg->admin_login = required(r, n, "login")))
            return -1;
        if (strpbrk(cfg->admin_login, ": \t\"\\"))
            return at(r, n, "<admin> login \"%s\" has white space, ':', '\"' or '\\'",
                      cfg->admin_login);
        char *pw = required(r, n, "password-file");
        return (cfg->admin_password_file = pw ? file_path(r, pw) : NULL) ? 0 : -1;
    }
    if (strcmp(el, "partner-root") == 0 || strcmp(el, "partner-user") == 0)
        return read_partner_user(r, n, cfg);
    /* tariff */
    char *id = required(r, n, "i_tariff");
    char *name = id ? required(r, n, "name") : NULL;
    int rc = (!id || !name) ? -1 : parse_int(r, n, "i_tariff", id, 1, 2147483647L, &v);
    for (size_t i = 0; rc == 0 && i < cfg->n_tariffs; i++)
        if (cfg->tariffs[i].i_tariff == v)
            rc = at(r, n, "tariff %s is defined twice", id);
    if (rc == 0 && cfg->n_tariffs == CONFIG_MAX_TARIFFS)
        rc = at(r, n, "more than %d <tariff> elements", CONFIG_MAX_TARIFFS);
    free(id);
    if (rc < 0) {
        free(name);
        return -1;
    }
    cfg->tariffs[cfg->n_tariffs].i_tariff = v;
    cfg->tariffs[cfg->n_tariffs++].name = name;
    return 0;
}

static int check_element(struct reader *r, const xmlNode *n, int *seen)
{
    size_t i;
    for (i = 0; i < N_RULES; i++)
        if (strcmp((const char *)n->name, rules[i].name) == 0)
            break;
    if (i == N_RULES)
        return at(r, n, "unknown element <%s>", (const char *)n->name);
    if (!rules[i].repeatable && seen[i]++)
        return at(r, n, "<%s> may appear only once", (const char *)n->name);
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        bool known = false;
        for (const char *const *p = rules[i].attrs; *p; p++)
            known = known || strcmp(*p, (const char *)a->name) == 0;
        if (!known)
            return at(r, n, "unknown attribute %s on <%s>", (const char *)a->name,
                      (const char *)n->name);
    }
    return 0;
}

static void quiet(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

int config_load(const char *path, struct server_config *cfg, struct custrpc_error *err)
{
    char *copy = strdup(path);
    struct reader r = {path, copy ? strdup(dirname(copy)) : NULL, err};
    free(copy);
    /* The file is opened here, not by libxml2, so that a missing or unreadable file is told
     * by its errno ("No such file or directory") instead of libxml2's "failed to load external
     * entity". O_NONBLOCK: a FIFO put in its place must be refused, not waited on (SIGHUP
     * re-reads it on the thread that also waits for SIGTERM). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        close(fd);
        fd = -1;
        errno = S_ISDIR(st.st_mode) ? EISDIR : 0;
    }
    if (fd < 0) {
        int e = errno;
        free(r.dir);
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "config file '%s': %s", path,
                            e ? strerror(e) : "not a regular file");
    }
    /* No network, no entity expansion: a config file is data, not a program. Some of
     * libxml2's errors ("huge text node") bypass XML_PARSE_NOERROR and go to standard error
     * through the generic handler (this thread's), with a line of the file: silenced, since
     * the message comes back by xmlGetLastError, and a SIGHUP reload must never block on a
     * standard error nobody reads. */
    const xmlGenericErrorFunc handler = xmlGenericError;
    void *const handler_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlDocPtr doc =
        xmlReadFd(fd, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlSetGenericErrorFunc(handler_ctx, handler);
    close(fd);
    int rc = 0;
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "%s:%d: %s", path, e ? e->line : 0,
                          e && e->message ? e->message : "cannot read the file");
        /* libxml2's messages end with a line feed. */
        size_t n = strlen(err ? err->message : "");
        if (err && n && err->message[n - 1] == '\n')
            err->message[n - 1] = '\0';
    } else {
        xmlNode *root = xmlDocGetRootElement(doc);
        if (!root || strcmp((const char *)root->name, "custrpc-server") != 0) {
            rc = custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                              "%s:%ld: the root element must be <custrpc-server>", path,
                              root ? xmlGetLineNo(root) : 0L);
        } else if (root->properties) {
            rc = at(&r, root, "unknown attribute %s on <custrpc-server>",
                    (const char *)root->properties->name);
        }
        int seen[N_RULES] = {0};
        for (xmlNode *n = root ? root->children : NULL; rc == 0 && n; n = n->next) {
            if (n->type == XML_TEXT_NODE && xmlIsBlankNode(n))
                continue;
            if (n->type == XML_COMMENT_NODE)
                continue;
            if (n->type != XML_ELEMENT_NODE)
                rc = at(&r, n, "unexpected text or node inside <custrpc-server>");
            else
                rc = check_element(&r, n, seen) < 0 ? -1 : read_element(&r, n, cfg);
        }
        xmlFreeDoc(doc);
    }
    free(r.dir);
    return rc;
}
