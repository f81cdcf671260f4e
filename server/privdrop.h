/* privdrop.h — --user NAME: a server started as root binds its socket, then becomes NAME (and
 * NAME's groups) for good before it opens the database or reads a password or key file, so
 * every file it creates belongs to NAME. */
#ifndef CUSTRPC_SERVER_PRIVDROP_H
#define CUSTRPC_SERVER_PRIVDROP_H

#include <sys/types.h>

#include <custrpc/error.h>

struct privdrop_user {
    char *name;
    uid_t uid;
    gid_t gid;
};

/* Looks NAME up in the passwd database; fails when this process is not root or NAME is
 * unknown. out->name is malloc'd (privdrop_free). */
int privdrop_resolve(const char *name, struct privdrop_user *out, struct custrpc_error *err);

/* initgroups, setgid, setuid; then checks that root cannot be regained. */
int privdrop_become(const struct privdrop_user *u, struct custrpc_error *err);

void privdrop_free(struct privdrop_user *u);

#endif
