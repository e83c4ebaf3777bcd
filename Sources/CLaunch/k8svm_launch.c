#define _GNU_SOURCE
#include "k8svm_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <linux/close_range.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the child reports through the close-on-exec pipe when it cannot exec: a step code and errno. */
struct child_failure {
    int step;
    int error;
};

static const char *const step_names[] = {"fork", "pipe", "prctl", "setpgid", "dup2", "chdir", "sigprocmask", "exec",
                                         "setgroups", "setresgid", "setresuid"};

static void fail_in_child(int pipe_fd, int step) {
    struct child_failure failure = {step, errno};
    ssize_t ignored = write(pipe_fd, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
}

/* Only async-signal-safe calls happen between fork and exec. */
static void child(const k8svm_launch_request *request, pid_t parent, int pipe_fd) {
    /* Identity first: changing it clears the parent-death signal. */
    if (request->change_identity) {
        if (setgroups(0, NULL) != 0) fail_in_child(pipe_fd, 8);
        if (setresgid(request->run_as_gid, request->run_as_gid, request->run_as_gid) != 0) fail_in_child(pipe_fd, 9);
        if (setresuid(request->run_as_uid, request->run_as_uid, request->run_as_uid) != 0) fail_in_child(pipe_fd, 10);
    }
    if (request->die_with_parent) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_in_child(pipe_fd, 2);
        if (getppid() != parent) _exit(127);
    }
    if (request->new_process_group && setpgid(0, 0) != 0) fail_in_child(pipe_fd, 3);
    int fds[3] = {request->stdin_fd, request->stdout_fd, request->stderr_fd};
    for (int target = 0; target < 3; target++) {
        if (fds[target] >= 0 && fds[target] != target && dup2(fds[target], target) < 0) fail_in_child(pipe_fd, 4);
        if (fds[target] == target) {
            int flags = fcntl(target, F_GETFD);
            if (flags >= 0) fcntl(target, F_SETFD, flags & ~FD_CLOEXEC);
        }
    }
    if (request->close_other_fds) {
        if (pipe_fd > 3) close_range(3, pipe_fd - 1, 0);
        close_range(pipe_fd + 1, ~0U, 0);
    }
    if (request->working_directory && chdir(request->working_directory) != 0) fail_in_child(pipe_fd, 5);
    struct sigaction defaults;
    memset(&defaults, 0, sizeof defaults);
    defaults.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) sigaction(signal_number, &defaults, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) fail_in_child(pipe_fd, 6);
    execve(request->path, request->argv, request->envp);
    fail_in_child(pipe_fd, 7);
}

pid_t k8svm_launch(const k8svm_launch_request *request, int *failed_errno, const char **failed_step) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *failed_errno = errno;
        *failed_step = step_names[1];
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *failed_errno = errno;
        *failed_step = step_names[0];
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) child(request, parent, report[1]);

    close(report[1]);
    struct child_failure failure;
    ssize_t got;
    do {
        got = read(report[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *failed_errno = failure.error;
        *failed_step = step_names[failure.step];
        return -1;
    }
    return pid;
}

static int signal_pipe_write = -1;

static void write_signal_number(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    ssize_t ignored = write(signal_pipe_write, &byte, 1);
    (void)ignored;
    errno = saved;
}

int k8svm_signal_pipe(const int *signals, int count) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    signal_pipe_write = fds[1];
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = write_signal_number;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigset_t handled;
    sigemptyset(&handled);
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
        sigaddset(&handled, signals[i]);
    }
    /* A parent may have started us with these signals blocked (a mask is inherited across exec): unblock them in
       this thread, and so in every thread it creates from now on, or they would stay pending forever. */
    if (pthread_sigmask(SIG_UNBLOCK, &handled, NULL) != 0) return -1;
    return fds[0];
}
