/* cleanup.h — custrpc-conform --cleanup: removes the customers a run created, where the server
 * has deleteCustomer. */
#ifndef CUSTRPC_CONFORM_CLEANUP_H
#define CUSTRPC_CONFORM_CLEANUP_H

#include <stdio.h>

#include "runner.h"

/* Asks system.listMethods whether the server has deleteCustomer; if it has, deletes the
 * created customers newest first (a sub-customer is always created after its parent, so
 * children go first), printing one line each to out. Without deleteCustomer it says so and
 * leaves them. Returns the number of customers that could not be deleted (0 when all went,
 * or were already gone), or -1 when the server has no deleteCustomer. */
int cleanup_created(const struct runner_options *o, const struct created_list *created, FILE *out);

#endif
