/* partner_import.c — the import's partner rows: each worker has its own session (its own Login
 * and visa: sessions share nothing, so no visa is shared between threads), a row is one
 * AddPartner, and whether a row is already there is told by GetPartnerInfo {name}. */
#include <config.h>

#include "import_run.h"
#include "partner_cli.h"
#include "partner_import.h"

static int open_session(const struct conn_options *conn, void **client)
{
    struct custrpc_partner_session *s = NULL;
    int status = partner_open(conn, &s);
    *client = s;
    return status;
}

static void close_session(void *client)
{
    custrpc_partner_session_free(client);
}

static int add(void *client, const struct import_file *f, const struct import_row *row, int64_t *id,
               struct custrpc_error *err)
{
    (void)f;
    return custrpc_partner_add(client, row->m, false, id, err);
}

static int lookup(void *client, const struct conn_options *conn, const char *name, int64_t *id,
                  struct custrpc_error *err)
{
    (void)conn;
    struct custrpc_partner_info p;
    int rc = custrpc_partner_get_by_name(client, name, &p, err);
    if (rc == 0)
        *id = p.id;
    custrpc_msg_free(&custrpc_partner_info_message, &p);
    if (rc == 0)
        return 1;
    /* A refused Login is no answer about the name. */
    return err->kind == CUSTRPC_KIND_FAULT && err->code != CUSTRPC_E_LOGIN ? 0 : -1;
}

const struct import_kind partner_import_kind = {open_session, close_session, add, lookup};
