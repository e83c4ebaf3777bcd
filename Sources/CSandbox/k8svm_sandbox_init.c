/*
 * The first program inside a sandbox: k8svm invoked as `sandbox-init` (bubblewrap runs the bound k8svm under that
 * name). It runs from a constructor, before the Swift runtime or anything else of k8svm starts, because every
 * sandboxed launch waits for it:
 *
 *   sandbox-init --cpu-seconds N --memory BYTES --processes N --open-files N --file-size BYTES
 *                [--relay-port PORT --relay-socket PATH] -- COMMAND [ARGUMENT...]
 *
 * It listens on 127.0.0.1:PORT and hands every accepted connection over the unix socket PATH to k8svm's relay on the
 * host (the sandbox has no other network), starts COMMAND with the limits and its output on standard output, waits
 * for it, and reports how it ended as one line on standard error, which only the host reads:
 *   "end-status: WAIT_STATUS CPU_MICROSECONDS PEAK_RESIDENT_KIB"  (the host words it, naming any limit hit), or
 *   "end: MESSAGE"                                                 (the command could not be started).
 * It exits with the command's code, or 128 + the signal that ended it.
 */
#define _GNU_SOURCE
#include "k8svm_sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The options, in the order the host writes them (SandboxInit.arguments), and the rlimit each sets. */
static const struct {
    const char *name;
    int resource;
} limit_options[] = {
    {"--cpu-seconds", RLIMIT_CPU}, {"--memory", RLIMIT_AS}, {"--processes", RLIMIT_NPROC},
    {"--open-files", RLIMIT_NOFILE}, {"--file-size", RLIMIT_FSIZE},
};
enum { limit_option_count = sizeof limit_options / sizeof limit_options[0] };

static int report_end(int code, const char *format, const char *detail, const char *reason) {
    dprintf(STDERR_FILENO, "end: ");
    dprintf(STDERR_FILENO, format, detail, reason);
    dprintf(STDERR_FILENO, "\n");
    return code;
}

struct relay {
    int listener;
    struct sockaddr_un target;
};

/* Hands each accepted connection to the host's end of the relay; its bytes never pass through this process. */
static void *relay_connections(void *argument) {
    struct relay *relay = argument;
    for (;;) {
        int client = accept4(relay->listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
            return NULL;
        }
        int on = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        int host = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (host < 0 || connect(host, (struct sockaddr *)&relay->target, sizeof relay->target) != 0 ||
            k8svm_send_fd(host, client) != 0) {
            dprintf(STDERR_FILENO, "relay: handing a connection over failed: %s\n", strerror(errno));
        }
        if (host >= 0) close(host);
        close(client);
    }
}

/* Listens on 127.0.0.1:port and starts handing connections over to `socket_path`; 0, or -1 with errno set. */
static int start_relay(int port, const char *socket_path) {
    static struct relay relay;
    memset(&relay.target, 0, sizeof relay.target);
    relay.target.sun_family = AF_UNIX;
    if (strlen(socket_path) >= sizeof relay.target.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(relay.target.sun_path, socket_path);
    relay.listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (relay.listener < 0) return -1;
    int on = 1;
    setsockopt(relay.listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(relay.listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(relay.listener, 64) != 0) {
        return -1;
    }
    pthread_t thread;
    int failed = pthread_create(&thread, NULL, relay_connections, &relay);
    if (failed) {
        errno = failed;
        return -1;
    }
    return pthread_detach(thread);
}

/* Reads a non-negative decimal number; -1 when `text` is not one. */
static long long number(const char *text) {
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    return (errno || end == text || *end || value < 0) ? -1 : value;
}

static int sandbox_init_main(int argc, char **argv, char **envp) {
    k8svm_sandbox_protect_self();
    k8svm_sandbox_limit limits[limit_option_count + 1];
    int given = 0, relay_port = -1;
    const char *relay_socket = NULL;
    int index = 1;
    for (; index < argc && strcmp(argv[index], "--") != 0; index += 2) {
        if (index + 1 >= argc) return report_end(125, "sandbox-init: %s needs a value%s", argv[index], "");
        const char *value = argv[index + 1];
        int option = 0;
        while (option < limit_option_count && strcmp(argv[index], limit_options[option].name) != 0) option++;
        if (option < limit_option_count) {
            long long parsed = number(value);
            if (parsed < 0) return report_end(125, "sandbox-init: %s is not a number (%s)", value, argv[index]);
            /* CPU: the soft limit sends SIGXCPU, the hard one a second later SIGKILL. The others: soft = hard. */
            limits[option].resource = limit_options[option].resource;
            limits[option].soft = (rlim_t)parsed;
            limits[option].hard = (rlim_t)parsed + (limit_options[option].resource == RLIMIT_CPU ? 1 : 0);
            given |= 1 << option;
        } else if (strcmp(argv[index], "--relay-port") == 0 && number(value) > 0 && number(value) < 65536) {
            relay_port = (int)number(value);
        } else if (strcmp(argv[index], "--relay-socket") == 0) {
            relay_socket = value;
        } else {
            return report_end(125, "sandbox-init: unknown argument %s %s", argv[index], value);
        }
    }
    for (int option = 0; option < limit_option_count; option++) {
        if (!(given & (1 << option))) return report_end(125, "sandbox-init: %s is missing%s", limit_options[option].name, "");
    }
    limits[limit_option_count] = (k8svm_sandbox_limit){RLIMIT_CORE, 0, 0};
    if (index + 1 >= argc) return report_end(125, "sandbox-init: no command%s%s", "", "");
    char **command = argv + index + 1;

    if (relay_port > 0 && relay_socket && start_relay(relay_port, relay_socket) != 0) {
        return report_end(125, "the relay to the peer could not start: %s (%s)", relay_socket, strerror(errno));
    }
    const char *step = "spawn";
    pid_t pid = k8svm_sandbox_spawn(command[0], command, envp, STDOUT_FILENO, limits, limit_option_count + 1, &step);
    if (pid < 0) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s: %s", command[0], step);
        return report_end(126, "cannot start %s failed: %s", detail, strerror(errno));
    }
    int status = 0;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {}
    long long cpu = (long long)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL
        + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
    dprintf(STDERR_FILENO, "end-status: %d %lld %ld\n", status, cpu, usage.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* glibc calls constructors with the program's arguments: the init takes over before k8svm's own start. */
__attribute__((constructor)) static void sandbox_init_entry(int argc, char **argv, char **envp) {
    if (argc < 1 || !argv[0]) return;
    const char *slash = strrchr(argv[0], '/');
    if (strcmp(slash ? slash + 1 : argv[0], "sandbox-init") == 0) _exit(sandbox_init_main(argc, argv, envp));
}
