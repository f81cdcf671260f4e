/* server_proc.c — see server_proc.h. */
#include <config.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "server_proc.h"

void server_proc_start(struct server_proc *s, const char *const *args)
{
    const char *bin = getenv("CUSTRPC_SERVER");
    ck_assert_msg(bin != NULL, "CUSTRPC_SERVER is not set");
    const char *argv[32] = {bin, "--listen", "127.0.0.1:0", "--log-level", "error"};
    size_t n = 5;
    for (; args && *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    int out[2];
    ck_assert_int_eq(pipe(out), 0);
    s->pid = fork();
    ck_assert_int_ge(s->pid, 0);
    if (s->pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    /* Generous: a loaded machine running sanitizers starts slowly. */
    char line[512];
    size_t len = 0;
    struct pollfd p = {out[0], POLLIN, 0};
    while (len < sizeof line - 1 && poll(&p, 1, 30000) == 1) {
        ssize_t r = read(out[0], line + len, 1);
        if (r <= 0 || line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(out[0]);
    ck_assert_msg(sscanf(line, "listening on %255s", s->url) == 1, "server did not start: \"%s\"",
                  line);
}

int server_proc_stop(struct server_proc *s)
{
    int status;
    kill(s->pid, SIGTERM);
    if (waitpid(s->pid, &status, 0) != s->pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

void server_proc_config(char *dir, const char *root_password, const char *extra_xml, char *cfg,
                        size_t cfg_size)
{
    char pw[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(pw, sizeof pw, "%s/root.pw", dir);
    snprintf(cfg, cfg_size, "%s/server.xml", dir);
    FILE *fp = fopen(pw, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "%s\n", root_password);
    fclose(fp);
    fp = fopen(cfg, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(
        fp,
        "<custrpc-server><root login=\"ssp-root\" password-file=\"root.pw\"/>%s</custrpc-server>\n",
        extra_xml);
    fclose(fp);
}

void server_proc_config_remove(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/root.pw", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/server.xml", dir);
    unlink(path);
    rmdir(dir);
}
