/* partner_import.h — the import's partner rows (AddPartner per row; see partner_import.c). */
#ifndef CUSTRPC_PARTNER_IMPORT_H
#define CUSTRPC_PARTNER_IMPORT_H

#include "import_run.h"

extern const struct import_kind partner_import_kind;

#endif
