/* http.c — see http.h. Digest or Basic, whichever the server asks for, as real clients do. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http.h"

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct http_reply *r = arg;
    size_t add = size * n;
    char *p = realloc(r->body, r->len + add + 1);
    if (!p)
        return 0;
    memcpy(p + r->len, data, add);
    r->body = p;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

/* The URL with its path replaced. */
static void with_path(const char *url, const char *path, char *out, size_t size)
{
    const char *scheme = strstr(url, "://");
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    size_t keep = slash ? (size_t)(slash - url) : strlen(url);
    snprintf(out, size, "%.*s%s", (int)keep, url, path);
}

void http_post(const struct http_target *t, const char *path, const char *body, size_t len,
               struct http_reply *out)
{
    memset(out, 0, sizeof *out);
    out->body = calloc(1, 1);
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(out->error, sizeof out->error, "cannot initialise libcurl");
        return;
    }
    char url[2048];
    if (path)
        with_path(t->url, path, url, sizeof url);
    else
        snprintf(url, sizeof url, "%s", t->url);
    char content_type[160];
    snprintf(content_type, sizeof content_type, "Content-Type: %s",
             t->content_type ? t->content_type : "text/xml");
    struct curl_slist *headers = curl_slist_append(NULL, content_type);
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "custrpc-conform/" PACKAGE_VERSION);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, t->timeout_ms < 10000 ? t->timeout_ms : 10000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (t->verbose)
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    if (t->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, t->cacert);
    if (t->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (t->user) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)(CURLAUTH_DIGEST | CURLAUTH_BASIC));
        curl_easy_setopt(h, CURLOPT_USERNAME, t->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, t->password ? t->password : "");
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        const char *type = NULL;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
        curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
        snprintf(out->content_type, sizeof out->content_type, "%s", type ? type : "");
    } else
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
}

void http_reply_free(struct http_reply *r)
{
    free(r->body);
    r->body = NULL;
}
