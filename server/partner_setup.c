/* partner_setup.c — the partner API's users and visa key from the configuration (see
 * partner_setup.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "common/password_file.h"
#include "partner_setup.h"
#include "partner_store.h"

/* The defaults of open local mode, documented in the README and --help. */
#define OPEN_ROOT_NAME "root"
#define OPEN_ROOT_LOGIN "root"

static int add_user(struct partner_env *env, const struct config_partner_user *c, bool any,
                    struct custrpc_error *err)
{
    struct partner_user *u = &env->users[env->n_users];
    memset(u, 0, sizeof *u);
    u->id = (int64_t)env->n_users + 1;
    u->partner = strdup(c->partner);
    u->login = strdup(c->login);
    u->any_password = any;
    u->can_login = any || c->password_file;
    env->n_users++;
    if (!u->partner || !u->login)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    if (!c->password_file)
        return 0;
    char *password = NULL;
    if (password_file_read(c->password_file, &password, err) < 0)
        return -1;
    int rc = secrets_hash_web_password(env->key, password, &u->password, err);
    memset(password, 0, strlen(password));
    free(password);
    return rc;
}

int partner_env_setup(struct partner_env *env, struct store *store,
                      const uint8_t key[SECRETS_KEY_LEN], const struct server_config *cfg,
                      bool open_local, unsigned visa_ttl, struct custrpc_error *err)
{
    memset(env, 0, sizeof *env);
    env->store = store;
    memcpy(env->key, key, SECRETS_KEY_LEN);
    if (visa_init(&env->visas, key, visa_ttl, err) < 0)
        return -1;
    env->users = calloc(cfg->n_partner_users + 1, sizeof *env->users);
    if (!env->users)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    /* Without <partner-root>: the open mode's root, which logs in with any password; a server
     * with a root password has no such root user, so Login is refused until one is
     * configured. */
    struct config_partner_user root = cfg->partner_root;
    if (!root.partner)
        root = (struct config_partner_user){OPEN_ROOT_NAME, OPEN_ROOT_LOGIN, NULL};
    if (add_user(env, &root, !cfg->partner_root.partner && open_local, err) < 0)
        return -1;
    for (size_t i = 0; i < cfg->n_partner_users; i++)
        if (add_user(env, &cfg->partner_users[i], false, err) < 0)
            return -1;
    return partner_ensure_root(store, root.partner, &env->root_id, err);
}

void partner_env_free(struct partner_env *env)
{
    for (size_t i = 0; i < env->n_users; i++) {
        free(env->users[i].partner);
        free(env->users[i].login);
    }
    free(env->users);
    memset(env, 0, sizeof *env);
}
