/* check_suites.h — the Check suites of libcustrpc, one per file, run by check_main.c. */
#ifndef CUSTRPC_CHECK_SUITES_H
#define CUSTRPC_CHECK_SUITES_H

#include <check.h>

Suite *fields_suite(void);
Suite *customer_suite(void);
Suite *rights_suite(void);
Suite *validate_suite(void);
Suite *marshal_suite(void);
Suite *wire_suite(void);
Suite *decode_suite(void);
Suite *message_suite(void);
Suite *json_suite(void);
Suite *server_suite(void);
Suite *client_suite(void);
Suite *client_lifecycle_suite(void);
Suite *client_inject_suite(void);
Suite *digest_suite(void);
Suite *guard_suite(void);
Suite *visa_suite(void);
Suite *partner_client_suite(void);

#endif
