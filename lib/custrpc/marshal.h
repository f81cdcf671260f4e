/* marshal.h — kept for callers of custrpc 0.1: the XML-RPC codec now lives in custrpc/xmlrpc.h, the
 * one header with xmlrpc-c's types. */
#ifndef CUSTRPC_MARSHAL_H
#define CUSTRPC_MARSHAL_H
#include <custrpc/xmlrpc.h>
#endif
