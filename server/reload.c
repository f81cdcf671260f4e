/* reload.c — what SIGHUP changes while the server runs: the log file is reopened and the
 * configuration re-read; tariffs, trusted hosts and credentials are swapped in under a lock
 * (server.h). What needs a restart is named in a log line instead. Lines go out with
 * reqlog_note: a standard error nobody reads must not stop the main thread, which also waits
 * for SIGTERM. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/password_file.h"
#include "reqlog.h"
#include "server.h"

const char *server_root_login(const struct server_config *cfg)
{
    return cfg->root_login ? cfg->root_login : "ssp-root";
}

/* The HA1 of login with the password in path; the plain text is wiped at once. */
static int ha1_from_file(const char *login, const char *path, struct digest_ha1 *out,
                         struct custrpc_error *err)
{
    char *password = NULL;
    if (password_file_read(path, &password, err) < 0)
        return -1;
    int rc = secrets_ha1(login, password, out, err);
    memset(password, 0, strlen(password));
    free(password);
    return rc;
}

int server_load_credentials(const struct server_config *cfg, bool admin,
                            struct server_credentials *out, struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    if (cfg->root_password_file) {
        if (ha1_from_file(server_root_login(cfg), cfg->root_password_file, &out->root_ha1, err) < 0)
            return -1;
        out->has_root_ha1 = true;
    }
    if (!admin)
        return 0;
    if (!cfg->admin_login && !cfg->root_password_file)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "--admin needs credentials: configure <root password-file=...> or "
                            "<admin login=... password-file=.../>");
    if (!cfg->admin_login)
        return 0;
    return ha1_from_file(cfg->admin_login, cfg->admin_password_file, &out->admin_ha1, err);
}

/* The seed's parts that the configuration gives. */
static void seed_from(const struct server_config *cfg, const struct server_credentials *creds,
                      struct store_seed *seed)
{
    static const struct store_tariff fallback = {1, "Default"};
    seed->tariffs = cfg->n_tariffs ? cfg->tariffs : &fallback;
    seed->n_tariffs = cfg->n_tariffs ? cfg->n_tariffs : 1;
    seed->root_login = server_root_login(cfg);
    seed->root_ha1 = creds->has_root_ha1 ? &creds->root_ha1 : NULL;
}

void server_publish(struct server *s)
{
    seed_from(&s->cfg, &s->creds, &s->seed);
    s->auth.n_trusted = 0;
    for (size_t i = 0; i < s->cfg.n_trusted; i++)
        auth_add_trusted(&s->auth, s->cfg.trusted[i]); /* config_load checked each address */
    s->auth.admin_login = s->admin ? s->cfg.admin_login : NULL;
    s->auth.admin_ha1 = s->creds.admin_ha1;
}

static bool differ(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static bool partner_user_differs(const struct config_partner_user *a,
                                 const struct config_partner_user *b)
{
    return differ(a->partner, b->partner) || differ(a->login, b->login) ||
           differ(a->password_file, b->password_file);
}

/* Whether open local mode would change: it decides which addresses may be listened on and
 * what a request without credentials is, so only a restart may change it. */
static int check_mode(const struct server *s, const struct server_config *next,
                      struct custrpc_error *err)
{
    if (!s->cfg.root_password_file != !next->root_password_file)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "%s <root password-file> needs a restart (it switches open local "
                            "mode %s)",
                            next->root_password_file ? "adding" : "removing",
                            next->root_password_file ? "off" : "on");
    return 0;
}

/* One line per setting that changed in the file but is only read at start-up. */
static void note_restart_only(const struct server *s, const struct server_config *next)
{
    const struct server_config *old = &s->cfg;
    if (!s->listen_given &&
        (differ(old->listen_host, next->listen_host) || old->listen_port != next->listen_port))
        reqlog_note("custrpc-server: reload: <listen> changed; it takes effect at restart\n");
    if (!s->db_given && differ(old->db_path, next->db_path))
        reqlog_note("custrpc-server: reload: <database> changed; it takes effect at restart\n");
    bool partners = partner_user_differs(&old->partner_root, &next->partner_root) ||
                    old->n_partner_users != next->n_partner_users;
    for (size_t i = 0; !partners && i < next->n_partner_users; i++)
        partners = partner_user_differs(&old->partner_users[i], &next->partner_users[i]);
    if (partners)
        reqlog_note("custrpc-server: reload: <partner-root> or <partner-user> changed; "
                    "partner API users change at restart\n");
}

/* --fixtures applied with the next configuration's seed to a scratch store, as at start-up:
 * a configuration without a tariff a fixture row uses would make every later POST /admin/reset
 * and every new namespace fail. The seed is only ever written on this thread: read unlocked. */
static int check_fixtures(const struct server *s, const struct server_config *next,
                          const struct server_credentials *creds, struct custrpc_error *err)
{
    if (!s->seed.fixtures)
        return 0;
    struct store_seed trial = s->seed;
    seed_from(next, creds, &trial);
    trial.guard = NULL;
    struct store *scratch = NULL;
    int rc = store_open(&scratch, NULL, NULL, err);
    if (rc == 0)
        rc = store_reset(scratch, &trial, NULL, NULL, err);
    store_close(scratch);
    if (rc < 0) {
        char message[sizeof err->message];
        memcpy(message, err->message, sizeof message);
        snprintf(err->message, sizeof err->message, "fixtures: %.*s",
                 (int)(sizeof err->message - sizeof "fixtures: "), message);
    }
    return rc;
}

static void reopen_log(const struct server *s)
{
    struct custrpc_error err = {0};
    int fd = reqlog_open_file(s->log_file, &err);
    if (fd < 0) {
        reqlog_note("custrpc-server: reload: %s; still writing to the previous file\n",
                    err.message);
        return;
    }
    reqlog_use_file(fd);
}

void server_reload(struct server *s)
{
    if (s->log_file)
        reopen_log(s);
    if (!s->config_path) {
        reqlog_note("custrpc-server: reload: no --config to re-read%s\n",
                    s->log_file ? "; log file reopened" : "");
        return;
    }
    struct server_config next;
    config_init(&next);
    struct server_credentials creds;
    memset(&creds, 0, sizeof creds);
    struct custrpc_error err = {0};
    if (config_load(s->config_path, &next, &err) < 0 || check_mode(s, &next, &err) < 0 ||
        server_load_credentials(&next, s->admin, &creds, &err) < 0 ||
        check_fixtures(s, &next, &creds, &err) < 0) {
        reqlog_note("custrpc-server: reload: %s; keeping the previous configuration\n",
                    err.message);
        config_free(&next);
        memset(&creds, 0, sizeof creds);
        return;
    }
    note_restart_only(s, &next);
    /* The store is written under the lock too: a POST /admin/reset (which reads the seed under
     * it) then restores either the old configuration's tariffs or the new one's, never a mix,
     * and no request sees the new trusted hosts before the new tariffs exist. */
    pthread_rwlock_wrlock(&s->reload_lock);
    struct server_config old = s->cfg;
    struct server_credentials old_creds = s->creds;
    s->cfg = next;
    s->creds = creds;
    server_publish(s);
    int rc = store_reseed(s->menv.store, &s->seed, &err);
    if (rc < 0) {
        s->cfg = old;
        s->creds = old_creds;
        server_publish(s);
    }
    pthread_rwlock_unlock(&s->reload_lock);
    /* Whichever configuration lost: its strings are no longer pointed at. */
    config_free(rc < 0 ? &next : &old);
    memset(&creds, 0, sizeof creds);
    memset(&old_creds, 0, sizeof old_creds);
    if (rc < 0)
        reqlog_note("custrpc-server: reload: %s; keeping the previous configuration\n",
                    err.message);
    else
        reqlog_note("custrpc-server: configuration reloaded from '%s'\n", s->config_path);
}
