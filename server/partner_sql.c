/* partner_sql.c — the SQL of the partner table, generated from PartnerInfo's descriptor (see
 * partner_store.h and msg_columns.h): a member added to PartnerInfo gets its column in new and
 * old databases alike, with no SQL written by hand. */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "msg_columns.h"
#include "partner_store.h"
#include "sbuf.h"
#include "store_int.h"
#include "store_sql.h"

/* "Id" is the key, kept as a column of its own; everything else of PartnerInfo follows it. */
static const char *const own_columns[] = {"Id", NULL};

static struct msg_columns columns;
static int columns_rc;
static pthread_once_t columns_once = PTHREAD_ONCE_INIT;

static void build_columns(void)
{
    columns_rc = msg_columns_build(&custrpc_partner_info_message, own_columns, &columns);
}

/* The columns, built once per process; NULL when out of memory. */
static const struct msg_columns *cols(void)
{
    pthread_once(&columns_once, build_columns);
    return columns_rc == 0 ? &columns : NULL;
}

char *partner_sql_schema(void)
{
    if (!cols())
        return NULL;
    struct sbuf b = {0};
    /* AUTOINCREMENT: an Id is never handed out twice, even after RemovePartner. */
    sb_add(&b, "CREATE TABLE IF NOT EXISTS partners (\n"
               "  \"Id\" INTEGER PRIMARY KEY AUTOINCREMENT");
    msg_columns_defs(cols(), &b);
    sb_add(&b, ");\n");
    return b.p;
}

/* Indexes come after the columns exist (an old table gets its new columns first). */
static const char indexes[] =
    "CREATE UNIQUE INDEX IF NOT EXISTS partners_name ON partners(\"Name\");"
    "CREATE INDEX IF NOT EXISTS partners_parent ON partners(\"ParentId\");";

size_t partner_sql_column_count(void)
{
    return cols() ? cols()->n + 1 : 0; /* + the index statement, run last */
}

const char *partner_sql_column_name(size_t i)
{
    return i < cols()->n ? cols()->cols[i].name : NULL;
}

char *partner_sql_add_column(size_t i)
{
    if (i == cols()->n)
        return strdup(indexes);
    struct sbuf b = {0};
    const struct msg_column *c = &cols()->cols[i];
    sb_add(&b, "ALTER TABLE partners ADD COLUMN \"%s\" %s;", c->name,
           store_sql_type(c->chain[c->depth - 1]));
    return b.p;
}

static char *select_where(const char *where)
{
    struct sbuf b = {0};
    sb_add(&b, "SELECT \"Id\"");
    msg_columns_names(cols(), &b);
    sb_add(&b, " FROM partners %s", where);
    return b.p;
}

int partner_sql_statements(char **sql)
{
    if (!cols())
        return -1;
    struct sbuf ins = {0}, upd = {0};
    /* The columns after the first ", " and "?" (the key is not inserted). */
    struct sbuf names = {0}, marks = {0};
    msg_columns_names(cols(), &names);
    msg_columns_marks(cols(), &marks);
    sb_add(&ins, "INSERT INTO partners (%s) VALUES (%s", names.p ? names.p + 2 : "",
           marks.p ? marks.p + 2 : "");
    free(names.p);
    free(marks.p);
    sb_add(&ins, ")");
    sb_add(&upd, "UPDATE partners SET ");
    msg_columns_sets(cols(), &upd);
    sb_add(&upd, " WHERE \"Id\" = ?");
    sql[STMT_P_INSERT] = ins.p;
    sql[STMT_P_UPDATE] = upd.p;
    sql[STMT_P_BY_ID] = select_where("WHERE \"Id\" = ?");
    sql[STMT_P_BY_NAME] = select_where("WHERE \"Name\" = ?");
    sql[STMT_P_CHILDREN] = select_where("WHERE \"ParentId\" = ? ORDER BY \"Id\"");
    sql[STMT_P_SUBTREE] = select_where(
        "WHERE \"Id\" IN (WITH RECURSIVE sub(id) AS ("
        " SELECT \"Id\" FROM partners WHERE \"ParentId\" = ?1"
        " UNION ALL SELECT p.\"Id\" FROM partners p JOIN sub ON p.\"ParentId\" = sub.id)"
        " SELECT id FROM sub) ORDER BY \"Id\"");
    sql[STMT_P_DELETE] = strdup("DELETE FROM partners WHERE \"Id\" = ?");
    sql[STMT_P_HAS_CHILD] =
        strdup("SELECT EXISTS (SELECT 1 FROM partners WHERE \"ParentId\" = ?)");
    sql[STMT_P_PARENT_OF] = strdup("SELECT \"ParentId\" FROM partners WHERE \"Id\" = ?");
    sql[STMT_P_ROOT] =
        strdup("SELECT \"Id\" FROM partners WHERE \"ParentId\" IS NULL ORDER BY \"Id\" LIMIT 1");
    return 0;
}

const struct msg_columns *partner_sql_columns(void)
{
    return cols();
}
