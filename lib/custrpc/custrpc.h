/* custrpc.h — libcustrpc in one include: the model, errors and the client. The XML-RPC codec,
 * with xmlrpc-c's types, is custrpc/xmlrpc.h. */
#ifndef CUSTRPC_CUSTRPC_H
#define CUSTRPC_CUSTRPC_H

#include <custrpc/admin.h>
#include <custrpc/client.h>
#include <custrpc/customer.h>
#include <custrpc/error.h>
#include <custrpc/fields.h>
#include <custrpc/locations.h>
#include <custrpc/message.h>
#include <custrpc/partner.h>
#include <custrpc/partner_client.h>
#include <custrpc/requests.h>
#include <custrpc/responses.h>
#include <custrpc/rights.h>

#endif
