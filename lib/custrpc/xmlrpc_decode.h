/* xmlrpc_decode.h — kept for callers of custrpc 0.1: the XML-RPC document decoder now lives in
 * custrpc/xmlrpc.h, the one header with xmlrpc-c's types. */
#ifndef CUSTRPC_XMLRPC_DECODE_H
#define CUSTRPC_XMLRPC_DECODE_H
#include <custrpc/xmlrpc.h>
#endif
