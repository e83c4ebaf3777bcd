#ifndef K8SVM_LAUNCH_H
#define K8SVM_LAUNCH_H

#include <sys/types.h>

/// What a child process is started with. Fields ending in _fd are -1 to inherit the parent's descriptor.
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *working_directory; /* NULL: the parent's */
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    int new_process_group; /* the child leads its own group, so a terminal's Ctrl-C reaches only the parent */
    int die_with_parent;   /* SIGKILL the child if the parent dies, even by SIGKILL */
    int close_other_fds;   /* close every descriptor above 2, close-on-exec or not (for children that must not inherit any) */
    int change_identity;   /* run the child as run_as_uid / run_as_gid with no supplementary groups (needs root) */
    uid_t run_as_uid;
    gid_t run_as_gid;
} k8svm_launch_request;

/// Forks and execs. On success returns the child's pid. On failure returns -1 and sets *failed_errno and
/// *failed_step ("fork", "chdir", "exec", ...) to what went wrong in the parent or the child.
pid_t k8svm_launch(const k8svm_launch_request *request, int *failed_errno, const char **failed_step);

/// Installs a handler for each of `signals` that writes the signal number (one byte) to a close-on-exec pipe,
/// unblocks them in the calling thread, and returns the pipe's read end (or -1 with errno set). Handlers work
/// whichever thread a signal lands on.
int k8svm_signal_pipe(const int *signals, int count);

#endif
