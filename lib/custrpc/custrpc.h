/* custrpc.h — everything of libcustrpc in one include. */
#ifndef CUSTRPC_CUSTRPC_H
#define CUSTRPC_CUSTRPC_H

#include <custrpc/client.h>
#include <custrpc/customer.h>
#include <custrpc/error.h>
#include <custrpc/fields.h>
#include <custrpc/marshal.h>
#include <custrpc/rights.h>
#include <custrpc/xmlrpc_decode.h>

#endif
