/* main.c — custrpc-server: options and config, bind, --user, store and root customer, then
 * serve until SIGINT/SIGTERM, reloading on SIGHUP. Prints exactly one line to stdout when
 * ready: "listening on URL" (and tells systemd READY=1 when it is the supervisor). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "common/cli.h"
#include "common/password_file.h"
#include "common/read_file.h"
#include "config_file.h"
#include "fixtures.h"
#include "http.h"
#include "notify.h"
#include "reqlog.h"
#include "methods.h"
#include "options.h"
#include "partner_setup.h"
#include "privdrop.h"
#include "secrets.h"
#include "server.h"

#define EXIT_UNAVAILABLE 69
#define EXIT_CONFIG 78

struct options {
    const char *listen, *db, *config, *tls_cert, *tls_key, *log_file, *user;
    const char *fixtures, *partner_fixtures;
    enum log_level log_level;
    size_t max_body;
    bool basic;
    enum digest_algorithm algorithms[DIGEST_N_ALGORITHMS];
    size_t n_algorithms;
    unsigned threads;
    unsigned header_timeout, body_timeout, max_connections, max_per_address;
    unsigned visa_ttl;
    bool admin;
    unsigned journal_size;
    unsigned max_namespaces;
};

/* Defaults of the front door: a slow sender is cut within a minute and a half at most, and
 * neither a CI fleet behind one address nor a load test from loopback meets a cap. */
#define DEFAULT_HEADER_TIMEOUT 30
#define DEFAULT_BODY_TIMEOUT 60
#define DEFAULT_MAX_CONNECTIONS 4096
#define DEFAULT_MAX_PER_ADDRESS 1024

/* One request thread per CPU, at least 2: more threads than cores only hand the store's
 * writer lock around with context switches (bench/run at c=64 on 2 cores: 4 threads 17.8k
 * req/s, p99 6.6 ms; 2 threads 18.2k, p99 5.8 ms; 1 thread 12.6k). */
static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > 256 ? 256 : (unsigned)n;
}

/* A whole number in min..max for option name; -1 with a message otherwise. */
static int parse_count(const char *name, const char *arg, unsigned long min, unsigned long max,
                       unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno || *end || end == arg || arg[0] == '-' || v < min || v > max) {
        fprintf(stderr, "custrpc-server: --%s: \"%s\" is not a number %lu..%lu\n", name, arg, min,
                max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int apply_option(struct options *o, int ch, const char *const levels[4]);

static int parse_options(int argc, char **argv, struct options *o)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    struct option *longopts = optdoc_getopt(server_options);
    if (!longopts)
        return -1;
    int ch, rc = 0;
    while (rc == 0 && (ch = cli_getopt(argc, argv, "h", longopts)) != -1)
        rc = apply_option(o, ch, levels);
    free(longopts);
    if (rc < 0)
        return -1;
    if (optind < argc) {
        fprintf(stderr, "custrpc-server: unexpected argument \"%s\"\n", argv[optind]);
        return -1;
    }
    if (!o->tls_cert != !o->tls_key) {
        fprintf(stderr, "custrpc-server: --tls-cert and --tls-key go together\n");
        return -1;
    }
    if (o->max_namespaces && !o->admin) {
        fprintf(stderr, "custrpc-server: --max-namespaces needs --admin (namespaces are the test "
                        "double's)\n");
        return -1;
    }
    if (o->journal_size && !o->admin) {
        fprintf(stderr, "custrpc-server: --journal-size needs --admin (the journal is the admin "
                        "interface's)\n");
        return -1;
    }
    return 0;
}

/* One parsed option into o: 0, or -1 with a message. */
static int apply_option(struct options *o, int ch, const char *const levels[4])
{
    char *end;
    switch (ch) {
    case SOPT_LISTEN: o->listen = optarg; break;
    case SOPT_DB: o->db = optarg; break;
    case SOPT_CONFIG: o->config = optarg; break;
    case SOPT_TLS_CERT: o->tls_cert = optarg; break;
    case SOPT_TLS_KEY: o->tls_key = optarg; break;
    case SOPT_LOG_FILE: o->log_file = optarg; break;
    case SOPT_USER: o->user = optarg; break;
    case SOPT_LOG_LEVEL: {
        size_t i;
        for (i = 0; i < 4 && strcmp(optarg, levels[i]) != 0; i++)
            ;
        if (i == 4) {
            fprintf(stderr,
                    "custrpc-server: --log-level: \"%s\" is not error, warn, info or debug\n",
                    optarg);
            return -1;
        }
        o->log_level = (enum log_level)i;
        break;
    }
    case SOPT_MAX_BODY: {
        unsigned long long v = strtoull(optarg, &end, 10);
        if (*end || end == optarg || v < 256 || v > (1ull << 30)) {
            fprintf(stderr,
                    "custrpc-server: --max-body: \"%s\" is not a byte count 256..1073741824\n",
                    optarg);
            return -1;
        }
        o->max_body = (size_t)v;
        break;
    }
    case SOPT_THREADS: {
        unsigned long v = strtoul(optarg, &end, 10);
        if (*end || end == optarg || v < 1 || v > 256) {
            fprintf(stderr, "custrpc-server: --threads: \"%s\" is not a number 1..256\n", optarg);
            return -1;
        }
        o->threads = (unsigned)v;
        break;
    }
    case SOPT_HEADER_TIMEOUT:
        if (parse_count("header-timeout", optarg, 1, 3600, &o->header_timeout) < 0)
            return -1;
        break;
    case SOPT_BODY_TIMEOUT:
        if (parse_count("body-timeout", optarg, 1, 3600, &o->body_timeout) < 0)
            return -1;
        break;
    case SOPT_MAX_CONNECTIONS:
        if (parse_count("max-connections", optarg, 1, 1000000, &o->max_connections) < 0)
            return -1;
        break;
    case SOPT_MAX_PER_ADDRESS:
        if (parse_count("max-connections-per-address", optarg, 1, 1000000, &o->max_per_address) < 0)
            return -1;
        break;
    case SOPT_VISA_TTL:
        if (parse_count("visa-ttl", optarg, 1, 86400, &o->visa_ttl) < 0)
            return -1;
        break;
    case SOPT_ADMIN: o->admin = true; break;
    case SOPT_JOURNAL_SIZE:
        if (parse_count("journal-size", optarg, 1, 10000000, &o->journal_size) < 0)
            return -1;
        break;
    case SOPT_MAX_NAMESPACES:
        if (parse_count("max-namespaces", optarg, 1, 100000, &o->max_namespaces) < 0)
            return -1;
        break;
    case SOPT_FIXTURES: o->fixtures = optarg; break;
    case SOPT_PARTNER_FIXTURES: o->partner_fixtures = optarg; break;
    case SOPT_AUTH:
        if (strcmp(optarg, "digest") != 0 && strcmp(optarg, "basic") != 0) {
            fprintf(stderr, "custrpc-server: --auth: \"%s\" is not digest or basic\n", optarg);
            return -1;
        }
        o->basic = strcmp(optarg, "basic") == 0;
        break;
    case SOPT_DIGEST_ALGORITHM: {
        struct custrpc_error err;
        if (digest_parse_algorithms(optarg, o->algorithms, &o->n_algorithms, &err) < 0) {
            fprintf(stderr, "custrpc-server: --digest-algorithm: %s\n", err.message);
            return -1;
        }
        break;
    }
    case SOPT_HELP: server_usage(stdout); exit(0);
    case SOPT_VERSION: printf("custrpc-server %s\n", PACKAGE_VERSION); exit(0);
    default: return -1;
    }
    return 0;
}

/* Each connection is a descriptor: when the soft RLIMIT_NOFILE cannot hold the connection cap
 * (Debian's default soft limit is 1024), it is raised to the hard limit; when even that is too
 * small, the cap is lowered to fit, with a warning, rather than failing accept() at random. */
static void fit_file_limit(struct options *o)
{
    /* The store, the log, epoll and wake-up descriptors of each thread, TLS files. */
    const rlim_t reserve = 64 + 4 * (rlim_t)o->threads;
    const rlim_t need = (rlim_t)o->max_connections + reserve;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return;
    unsigned fit = rl.rlim_cur > reserve + 16 ? (unsigned)(rl.rlim_cur - reserve) : 16;
    if (fit < o->max_connections) {
        fprintf(stderr,
                "custrpc-server: open file limit %llu holds only %u connections; "
                "--max-connections lowered from %u\n",
                (unsigned long long)rl.rlim_cur, fit, o->max_connections);
        o->max_connections = fit;
    }
}

/* Splits "HOST:PORT" or "[V6]:PORT" into host (malloc'd) and port. */
static int split_listen(const char *text, char **host, int *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text)
        return -1;
    const char *h = text, *h_end = colon;
    if (text[0] == '[') {
        if (colon[-1] != ']')
            return -1;
        h = text + 1;
        h_end = colon - 1;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535)
        return -1;
    *host = strndup(h, (size_t)(h_end - h));
    *port = (int)p;
    return *host ? 0 : -1;
}

static void server_free(struct server *s)
{
    http_stop(s->http);
    partner_env_free(&s->partner);
    digest_state_free(s->digest);
    store_close(s->menv.store);
    fixtures_free(s->fixtures);
    config_free(&s->cfg);
    memset(&s->creds, 0, sizeof s->creds);
    free(s->host);
    free(s->cert);
    free(s->key);
    free(s->key_path);
    pthread_rwlock_destroy(&s->reload_lock);
}

/* Opens the store and its key, makes tariffs and the root customer match the configuration. */
static int setup_store(struct server *s, const char *db, struct custrpc_error *err)
{
    struct stat st;
    bool db_existed = db && stat(db, &st) == 0 && st.st_size > 0;
    int from = -1;
    if (store_open(&s->menv.store, db, &from, err) < 0)
        return -1;
    if (from >= 0 && from != STORE_SCHEMA_VERSION)
        fprintf(stderr, "custrpc-server: %s: store schema version %d upgraded to %d\n", db, from,
                STORE_SCHEMA_VERSION);
    if (db) {
        size_t n = strlen(db) + 5;
        s->key_path = malloc(n);
        if (!s->key_path)
            return custrpc_fail(err, CUSTRPC_E_INTERNAL, NULL, "out of memory");
        snprintf(s->key_path, n, "%s.key", db);
    }
    if (secrets_load_key(s->key_path, !db_existed, s->menv.web_key, err) < 0)
        return -1;
    return store_reseed(s->menv.store, &s->seed, err);
}

/* --fixtures, --partner-fixtures: read, then applied to a scratch in-memory store, so a bad
 * row refuses to start whatever the store holds; then loaded into the store when it holds only
 * its roots. A store with data keeps it (ours: persistent data is never dropped at start; a
 * reset replaces it, as without fixtures). Returns an exit status. */
static int setup_fixtures(struct server *s, const struct options *o, const char *db)
{
    struct custrpc_error err = {0};
    if (fixtures_read(o->fixtures, o->partner_fixtures, s->menv.web_key, &s->fixtures, &err) <
        0) {
        fprintf(stderr, "custrpc-server: fixtures: %s\n", err.message);
        return err.code == CUSTRPC_E_INTERNAL ? EXIT_UNAVAILABLE : EXIT_CONFIG;
    }
    s->seed.fixtures = fixtures_apply;
    s->seed.fixtures_arg = s->fixtures;
    struct store *scratch = NULL;
    int rc = store_open(&scratch, NULL, NULL, &err);
    if (rc == 0)
        rc = store_reset(scratch, &s->seed, NULL, NULL, &err);
    store_close(scratch);
    if (rc < 0) {
        fprintf(stderr, "custrpc-server: fixtures: %s\n", err.message);
        return err.code == CUSTRPC_E_INTERNAL ? EXIT_UNAVAILABLE : EXIT_CONFIG;
    }
    bool empty = false;
    if (store_only_roots(s->menv.store, &empty, &err) < 0 ||
        (empty && store_reset(s->menv.store, &s->seed, NULL, NULL, &err) < 0)) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        return EXIT_UNAVAILABLE;
    }
    const char *files = o->fixtures ? o->fixtures : o->partner_fixtures;
    if (!empty)
        fprintf(stderr,
                "custrpc-server: %s holds customers or partners: fixtures from %s not loaded "
                "(POST /admin/reset replaces the store with them)\n",
                db, files);
    else if (o->log_level >= LOG_INFO)
        fprintf(stderr, "custrpc-server: %zu customers and %zu partners loaded from %s%s%s\n",
                fixtures_customers(s->fixtures), fixtures_partners(s->fixtures), files,
                o->fixtures && o->partner_fixtures ? " and " : "",
                o->fixtures && o->partner_fixtures ? o->partner_fixtures : "");
    return 0;
}

/* --user: SIGHUP re-reads the configuration as that user, so it must be readable now, not only
 * by the root that read it at start-up. */
static int check_config_readable(const char *path, const char *user, struct custrpc_error *err)
{
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return 0;
    }
    return custrpc_fail(err, CUSTRPC_E_VALUE, NULL,
                        "--user %s cannot read the configuration file '%s' (SIGHUP re-reads "
                        "it as that user): %s",
                        user, path, strerror(errno));
}

/* Serves until SIGINT or SIGTERM; SIGHUP reloads (reload.c), bracketed for systemd. */
static int serve(struct server *s, const sigset_t *signals, enum log_level level)
{
    notify_send("READY=1");
    for (;;) {
        int sig = 0;
        if (sigwait(signals, &sig) != 0)
            continue;
        if (sig != SIGHUP) {
            notify_send("STOPPING=1");
            if (level >= LOG_INFO)
                reqlog_note("custrpc-server: signal %d, finishing requests in flight\n", sig);
            return sig;
        }
        notify_reloading();
        server_reload(s);
        notify_send("READY=1");
    }
}

int main(int argc, char **argv)
{
    /* MD5 first: Python's urllib reads only the first challenge and knows only MD5, and curl
     * answers the first Digest challenge it sees. */
    struct options o = {
        .log_level = LOG_INFO,
        .max_body = 1 << 20,
        .algorithms = {DIGEST_MD5, DIGEST_SHA256},
        .n_algorithms = 2,
        .threads = default_threads(),
        .header_timeout = DEFAULT_HEADER_TIMEOUT,
        .body_timeout = DEFAULT_BODY_TIMEOUT,
        .max_connections = DEFAULT_MAX_CONNECTIONS,
        .max_per_address = DEFAULT_MAX_PER_ADDRESS,
        .visa_ttl = 900,
    };
    cli_program = "custrpc-server";
    if (parse_options(argc, argv, &o) < 0) {
        cli_try_help();
        return EXIT_USAGE;
    }
    fit_file_limit(&o);
    /* Every file this server creates holds customers or secrets: the database and SQLite's
     * -wal, -shm and -journal beside it, the .key and the log file. A umask, not a mode per
     * open(): SQLite creates its files with 0644 and gives the -wal and -shm the database's
     * mode, and no later file can be forgotten. An existing database keeps the mode it has. */
    umask(077);
    struct server s;
    memset(&s, 0, sizeof s);
    config_init(&s.cfg);
    pthread_rwlock_init(&s.reload_lock, NULL);
    /* Set once, before any thread: readers take these pointers outside the lock. */
    s.auth.reload_lock = &s.reload_lock;
    s.seed.guard = &s.reload_lock;
    s.config_path = o.config;
    s.log_file = o.log_file;
    s.admin = o.admin;
    s.listen_given = o.listen != NULL;
    s.db_given = o.db != NULL;
    struct custrpc_error err = {0};
    struct privdrop_user user = {0};
    if (o.user && privdrop_resolve(o.user, &user, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        server_free(&s);
        return EXIT_USAGE;
    }
    if (o.config && config_load(o.config, &s.cfg, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        privdrop_free(&user);
        server_free(&s);
        return EXIT_CONFIG;
    }
    int port = s.cfg.listen_port >= 0 ? s.cfg.listen_port : 8000;
    if (o.listen) {
        if (split_listen(o.listen, &s.host, &port) < 0) {
            fprintf(stderr, "custrpc-server: --listen: \"%s\" is not HOST:PORT\n", o.listen);
            cli_try_help();
            privdrop_free(&user);
            server_free(&s);
            return EXIT_USAGE;
        }
    } else {
        s.host = strdup(s.cfg.listen_host ? s.cfg.listen_host : "127.0.0.1");
    }
    /* Read before --user takes effect, as web servers do: a TLS key is often root's alone. */
    if (o.tls_cert && (!(s.cert = read_whole_file(o.tls_cert, NULL, NULL)) ||
                       !(s.key = read_whole_file(o.tls_key, NULL, NULL)))) {
        fprintf(stderr, "custrpc-server: cannot read %s\n", s.cert ? o.tls_key : o.tls_cert);
        privdrop_free(&user);
        server_free(&s);
        return EXIT_CONFIG;
    }

    /* Every thread inherits this mask, so the signals reach only sigwait in serve(); a client
     * that disconnects early must not kill the server through SIGPIPE. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();

    int status = 0;
    s.auth.open_local = !s.cfg.root_password_file;
    struct http_options ho = {
        .host = s.host,
        .port = port,
        .max_body = o.max_body,
        .tls_cert_pem = s.cert,
        .tls_key_pem = s.key,
        .threads = o.threads,
        .idle_timeout = 30,
        .header_timeout = o.header_timeout,
        .body_timeout = o.body_timeout,
        .max_connections = o.max_connections,
        .max_per_address = o.max_per_address,
        .log_level = o.log_level,
        .file_store = (o.db ? o.db : s.cfg.db_path) != NULL,
        .admin = o.admin,
        .journal_size = o.journal_size,
        .seed = &s.seed,
        .max_namespaces = o.max_namespaces,
    };
    /* Bind first (a port below 1024 needs root), then become --user before any file is read
     * or created: the database, its -wal and .key, the log file and what the passwords are
     * read from are opened as that user. */
    ho.listen_fd = http_listen(&ho, s.auth.open_local, &err);
    if (ho.listen_fd < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = err.code == CUSTRPC_E_PERMISSION ? EXIT_CONFIG : EXIT_UNAVAILABLE;
    }
    if (status == 0 && o.user && privdrop_become(&user, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = EXIT_UNAVAILABLE;
    }
    if (status == 0 && ((o.user && o.config && check_config_readable(o.config, o.user, &err) < 0) ||
                        server_load_credentials(&s.cfg, o.admin, &s.creds, &err) < 0)) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = EXIT_CONFIG;
    }
    privdrop_free(&user);
    int log_fd = -1;
    if (status == 0 && o.log_file && (log_fd = reqlog_open_file(o.log_file, &err)) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = EXIT_CONFIG;
    }
    server_publish(&s);
    if (status == 0 && setup_store(&s, o.db ? o.db : s.cfg.db_path, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = EXIT_UNAVAILABLE;
    }
    s.auth.store = s.menv.store;
    ho.store = s.menv.store;
    if (status == 0 && partner_env_setup(&s.partner, s.menv.store, s.menv.web_key, &s.cfg,
                                         s.auth.open_local, o.visa_ttl, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = err.code == CUSTRPC_E_INTERNAL ? EXIT_UNAVAILABLE : EXIT_CONFIG;
    }
    s.auth.allow_basic = o.basic;
    struct digest_config dc = {
        .realm = SECRETS_REALM, .n_algorithms = o.n_algorithms, .nonce_timeout = 300};
    memcpy(dc.algorithms, o.algorithms, sizeof dc.algorithms);
    if (status == 0 && digest_state_new(&s.digest, &dc, &err) < 0) {
        fprintf(stderr, "custrpc-server: %s\n", err.message);
        status = EXIT_UNAVAILABLE;
    }
    s.auth.digest = s.digest;
    s.methods = methods_dispatcher(&s.menv);
    /* The root partner's Name, as partner_env_setup made it exist. */
    s.seed.partner_root = s.partner.n_users ? s.partner.users[0].partner : NULL;
    if (status == 0 && (o.fixtures || o.partner_fixtures))
        status = setup_fixtures(&s, &o, o.db ? o.db : s.cfg.db_path);
    if (status == 0 && log_fd >= 0) {
        /* From here on the log file is standard error: start-up failures above were still
         * told to whoever started the server. */
        reqlog_use_file(log_fd);
        log_fd = -1;
    }
    if (status == 0) {
        /* http_start owns the socket from here, and closes it when it fails. */
        if (http_start(&s.http, &ho, &s.auth, &s.methods, &s.partner, &err) < 0) {
            fprintf(stderr, "custrpc-server: %s\n", err.message);
            status = err.code == CUSTRPC_E_PERMISSION ? EXIT_CONFIG : EXIT_UNAVAILABLE;
        }
    } else if (ho.listen_fd >= 0) {
        close(ho.listen_fd);
    }
    if (log_fd >= 0)
        close(log_fd);
    if (status == 0) {
        bool v6 = strchr(s.host, ':') != NULL;
        printf("listening on %s://%s%s%s:%d/RPC2\n", s.cert ? "https" : "http", v6 ? "[" : "",
               s.host, v6 ? "]" : "", http_port(s.http));
        fflush(stdout);
        serve(&s, &signals, o.log_level);
    }
    server_free(&s);
    xmlCleanupParser();
    return status;
}
