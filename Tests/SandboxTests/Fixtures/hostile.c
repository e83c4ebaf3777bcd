/* A hostile chaincode: each build (cc -DATTACK=n) makes one real attempt to get out of or wear down its sandbox and
 * prints what happened, one "RESULT ..." line per attempt, on stdout (the run's log). TARGET_PORT, TARGET_ADDRESS and
 * SECRET_FILE are given at build time by the test. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { CONNECT_LOOPBACK = 1, CONNECT_OUTSIDE, READ_HOST_FILES, WRITE_OUTSIDE_TMP, SEE_PROCESSES, FORK_BOMB, MEMORY_BOMB,
       CPU_SPIN, SLEEP_FOREVER, LOG_FLOOD, RELAY_SOCKET };

static void try_connect(const char *address, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, address, &target.sin_addr);
    int rc = connect(fd, (struct sockaddr *)&target, sizeof target);
    printf("RESULT connect %s:%d: %s\n", address, port, rc == 0 ? "connected" : strerror(errno));
    close(fd);
}

static void try_read(const char *path) {
    int fd = open(path, O_RDONLY);
    printf("RESULT read %s: %s\n", path, fd >= 0 ? "opened" : strerror(errno));
    if (fd >= 0) close(fd);
}

static void try_write(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, "x", 1) == 1;
    printf("RESULT write %s: %s\n", path, ok ? "written" : strerror(errno));
    if (fd >= 0) close(fd);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    switch (ATTACK) {
    case CONNECT_LOOPBACK:
        try_connect("127.0.0.1", TARGET_PORT);
        break;
    case CONNECT_OUTSIDE: {
        char line[256];
        FILE *devices = fopen("/proc/net/dev", "r");
        printf("RESULT interfaces:");
        for (int n = 0; devices && fgets(line, sizeof line, devices); n++) {
            char *colon = strchr(line, ':');
            if (n < 2 || !colon) continue;
            *colon = 0;
            printf(" %s", line + strspn(line, " "));
        }
        printf("\n");
        try_connect(TARGET_ADDRESS, TARGET_PORT);
        break;
    }
    case READ_HOST_FILES:
        try_read("/etc/shadow");
        try_read("/etc/passwd");
        try_read(SECRET_FILE);
        try_read("/root/.bashrc");
        break;
    case WRITE_OUTSIDE_TMP:
        try_write("/tmp/allowed");
        try_write("/chaincode/planted");
        try_write("/usr/planted");
        try_write("/etc/planted");
        try_write("/planted");
        break;
    case SEE_PROCESSES: {
        DIR *proc = opendir("/proc");
        struct dirent *entry;
        int count = 0;
        while (proc && (entry = readdir(proc))) {
            if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
            char path[300], name[64] = "";
            snprintf(path, sizeof path, "/proc/%s/comm", entry->d_name);
            FILE *comm = fopen(path, "r");
            if (comm && fgets(name, sizeof name, comm)) name[strcspn(name, "\n")] = 0;
            if (comm) fclose(comm);
            printf("RESULT process %s %s\n", entry->d_name, name);
            count++;
        }
        printf("RESULT processes: %d\n", count);
        break;
    }
    case FORK_BOMB: {
        int forked = 0;
        for (;;) {
            pid_t pid = fork();
            if (pid == 0) {
                pause();
                _exit(0);
            }
            if (pid < 0) {
                printf("RESULT fork failed after %d: %s\n", forked, strerror(errno));
                break;
            }
            if (++forked >= 100000) {
                printf("RESULT fork never failed\n");
                break;
            }
        }
        break; /* the children are left for the sandbox to clean up */
    }
    case MEMORY_BOMB:
        for (size_t total = 0;; total += 1 << 20) {
            char *block = malloc(1 << 20);
            memset(block, 1, 1 << 20); /* NULL once the limit is reached: the crash is the point */
        }
    case CPU_SPIN:
        for (volatile unsigned long spin = 0;; spin++) {}
    case SLEEP_FOREVER:
        for (;;) pause();
    case RELAY_SOCKET: {
        /* The relay's unix socket, spoken to directly: bytes without a handed-over socket must get nowhere. */
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un target = {.sun_family = AF_UNIX};
        strcpy(target.sun_path, "/run/k8svm/peer.sock");
        if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0) {
            printf("RESULT relay socket: %s\n", strerror(errno));
            break;
        }
        const char request[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        ssize_t sent = write(fd, request, sizeof request - 1);
        char answer[64];
        ssize_t got = read(fd, answer, sizeof answer);
        if (got > 0) printf("RESULT relay socket: sent %zd, answered %zd bytes\n", sent, got);
        else printf("RESULT relay socket: sent %zd, no answer\n", sent);
        close(fd);
        break;
    }
    case LOG_FLOOD: {
        static char chunk[1 << 20];
        memset(chunk, 'x', sizeof chunk);
        for (int i = 0; i < 1024; i++) {
            if (write(1, chunk, sizeof chunk) < 0) return 1;
        }
        return 0;
    }
    }
    return 0;
}
