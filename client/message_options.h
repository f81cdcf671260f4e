/* message_options.h — command-line options generated from a message descriptor (message.h),
 * nested members by path in kebab case: PartnerInfo's Company.PostAddress.City is
 * --company-post-address-city. The getopt entries, the --help lines (enum and flag values
 * listed), and applying a parsed option to a message. */
#ifndef CUSTRPC_MESSAGE_OPTIONS_H
#define CUSTRPC_MESSAGE_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include <custrpc/message.h>

#define MSG_OPTIONS_MAX 96

struct msg_option {
    char path[128]; /* wire names joined by '.': "Company.PostAddress.City" */
    char name[128]; /* "company-post-address-city" */
    const struct custrpc_field *f;
};

struct msg_options {
    const struct custrpc_message *d;
    int base; /* getopt value of the first option */
    size_t n;
    struct msg_option items[MSG_OPTIONS_MAX];
    struct option table[MSG_OPTIONS_MAX + 1]; /* ends with a zero entry */
};

/* One option per scalar or repeated member at any depth (nested messages are walked, not
 * options themselves), getopt values base, base+1, ... */
void msg_options_build(struct msg_options *o, const struct custrpc_message *d, int base);

/* The option of a getopt value; NULL when it is not one of o's. */
const struct msg_option *msg_options_find(const struct msg_options *o, int opt);

/* Applies an option's text to m (custrpc_msg_set_text by path; a bare boolean means yes):
 * 0, or -1 with a message "CMD: --option: problem" on stderr. */
int msg_options_apply(const struct msg_option *mo, const struct custrpc_message *d, void *m,
                      const char *cmd, const char *arg);

/* The value form of an option: "TEXT", "N", "NAME", "NAME,...", "[=yes|no]". */
const char *msg_value_form(const struct custrpc_field *f);

/* "Level" -> "level", "PostAddress" -> "post-address", "VatNumber" -> "vat-number". */
void msg_kebab(const char *wire, char *out, size_t size);

/* The --help lines: option, value form, help text, type; enum and flag values listed. */
void msg_options_help(FILE *out, const struct msg_options *o);

#endif
