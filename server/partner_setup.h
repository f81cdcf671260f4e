/* partner_setup.h — the partner API's environment from the configuration: the root partner of
 * <partner-root name login password-file/> (made to exist in the store, Level Root), the users
 * of <partner-user/>, the visa key and TTL. Without <partner-root>, open local mode's root is
 * the partner "root" with the login "root", and Login takes any password (the XML-RPC side of
 * that mode checks no credentials either). */
#ifndef CUSTRPC_SERVER_PARTNER_SETUP_H
#define CUSTRPC_SERVER_PARTNER_SETUP_H

#include <stdbool.h>

#include "config_file.h"
#include "partner_api.h"

int partner_env_setup(struct partner_env *env, struct store *store,
                      const uint8_t key[SECRETS_KEY_LEN], const struct server_config *cfg,
                      bool open_local, unsigned visa_ttl, struct custrpc_error *err);
void partner_env_free(struct partner_env *env);

#endif
