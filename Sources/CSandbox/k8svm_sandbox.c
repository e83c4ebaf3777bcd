#define _GNU_SOURCE
#include "k8svm_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

struct spawn_failure {
    int step;
    int error;
};

static const char *const spawn_steps[] = {"fork", "pipe", "dup2", "setrlimit", "sigprocmask", "exec"};

static void spawn_fail(int pipe_fd, int step) {
    struct spawn_failure failure = {step, errno};
    ssize_t ignored = write(pipe_fd, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
}

/* Only async-signal-safe calls between fork and exec. */
static void spawn_child(const char *path, char *const argv[], char *const envp[], int output_fd,
                        const k8svm_sandbox_limit *limits, int limit_count, int pipe_fd) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0 && null_fd != 0) dup2(null_fd, 0);
    if (dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0) spawn_fail(pipe_fd, 2);
    for (int i = 0; i < limit_count; i++) {
        struct rlimit limit = {limits[i].soft, limits[i].hard};
        if (setrlimit(limits[i].resource, &limit) != 0) spawn_fail(pipe_fd, 3);
    }
    /* Only 0, 1 and 2 reach the command (the init's own descriptors are close-on-exec; this catches any that is not). */
    if (pipe_fd > 3) close_range(3, pipe_fd - 1, 0);
    close_range(pipe_fd + 1, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) spawn_fail(pipe_fd, 4);
    /* ETXTBSY: another host thread may have had the executable open for writing at the moment it forked. */
    for (int attempt = 0; attempt < 50; attempt++) {
        execve(path, argv, envp);
        if (errno != ETXTBSY) break;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    spawn_fail(pipe_fd, 5);
}

pid_t k8svm_sandbox_spawn(const char *path, char *const argv[], char *const envp[], int output_fd,
                          const k8svm_sandbox_limit *limits, int limit_count, const char **failed_step) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *failed_step = spawn_steps[1];
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        errno = saved;
        *failed_step = spawn_steps[0];
        return -1;
    }
    if (pid == 0) spawn_child(path, argv, envp, output_fd, limits, limit_count, report[1]);
    close(report[1]);
    struct spawn_failure failure;
    ssize_t got;
    do {
        got = read(report[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *failed_step = spawn_steps[failure.step];
        errno = failure.error;
        return -1;
    }
    return pid;
}

int k8svm_sandbox_protect_self(void) {
    return prctl(PR_SET_DUMPABLE, 0);
}

int k8svm_send_fd(int sock, int fd) {
    char byte = 'F';
    struct iovec data = {&byte, 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    ssize_t sent;
    do {
        sent = sendmsg(sock, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == 1 ? 0 : -1;
}

int k8svm_receive_fd(int sock) {
    char byte;
    struct iovec data = {&byte, 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    ssize_t got;
    do {
        got = recvmsg(sock, &message, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    int received = -1, count = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int n = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
            if (count++ == 0) received = fd; else close(fd);
        }
    }
    if (got != 1 || count != 1 || (message.msg_flags & MSG_CTRUNC)) {
        if (received >= 0) close(received);
        errno = EBADMSG;
        return -1;
    }
    return received;
}
