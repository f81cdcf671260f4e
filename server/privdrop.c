/* privdrop.c — becoming --user NAME for good (see privdrop.h). */
#define _DEFAULT_SOURCE /* initgroups */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

int privdrop_resolve(const char *name, struct privdrop_user *out, struct custrpc_error *err)
{
    memset(out, 0, sizeof *out);
    if (geteuid() != 0)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                            "--user %s: only a server started as root can change its user "
                            "(this one runs as uid %ld); leave --user out",
                            name, (long)geteuid());
    errno = 0;
    const struct passwd *pw = getpwnam(name);
    if (!pw)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "--user %s: %s", name,
                            errno ? strerror(errno) : "no such user");
    out->uid = pw->pw_uid;
    out->gid = pw->pw_gid;
    if (!(out->name = strdup(name)))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
    return 0;
}

int privdrop_become(const struct privdrop_user *u, struct custrpc_error *err)
{
    /* Groups first: once the uid is not root, neither the group list nor the gid may change. */
    if (initgroups(u->name, u->gid) != 0 || setgid(u->gid) != 0 || setuid(u->uid) != 0)
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "--user %s: cannot become it: %s",
                            u->name, strerror(errno));
    /* setuid as root sets the real, effective and saved ids at once; check that none is left
     * behind (a kernel or library that kept the saved id would let a bug take root back). */
    if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "--user %s: root privileges could be regained after the switch",
                            u->name);
    if (u->gid != 0 && u->uid != 0 && (setgid(0) == 0 || setegid(0) == 0))
        return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL,
                            "--user %s: the root group could be regained after the switch",
                            u->name);
    return 0;
}

void privdrop_free(struct privdrop_user *u)
{
    free(u->name);
    u->name = NULL;
}
