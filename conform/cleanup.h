/* cleanup.h — custrpc-conform --cleanup: removes the customers a run created, where the server
 * has deleteCustomer, or the partners it created (partner API: RemovePartner). */
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

/* Partner API: logs in with the run's Login and removes the partners the run created (those a
 * case removed are no longer listed) newest first, so children go before their parents, one
 * line each, every call with the newest visa. Returns the number left, or -1 when Login
 * fails (the partners are then listed as without --cleanup). */
int cleanup_partners(const struct runner_options *o, const struct created_list *created, FILE *out);

#endif
