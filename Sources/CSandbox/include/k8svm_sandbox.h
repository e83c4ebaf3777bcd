#ifndef K8SVM_SANDBOX_H
#define K8SVM_SANDBOX_H

#include <sys/resource.h>
#include <sys/types.h>

/// The resources a sandbox limits (glibc's RLIMIT_* names, some of which Swift does not import).
enum {
    K8SVM_LIMIT_CPU = RLIMIT_CPU,
    K8SVM_LIMIT_AS = RLIMIT_AS,
    K8SVM_LIMIT_NPROC = RLIMIT_NPROC,
    K8SVM_LIMIT_NOFILE = RLIMIT_NOFILE,
    K8SVM_LIMIT_FSIZE = RLIMIT_FSIZE,
    K8SVM_LIMIT_CORE = RLIMIT_CORE,
};

/// One resource limit to set in the child before exec (soft and hard).
typedef struct {
    int resource; /* RLIMIT_CPU, RLIMIT_AS, ... */
    rlim_t soft;
    rlim_t hard;
} k8svm_sandbox_limit;

/// Forks; the child puts its standard output and error on `output_fd`, stdin on /dev/null, applies `limits`,
/// and execs `path`. Returns the child's pid, or -1 with errno set when the fork failed or the child could not
/// exec (the child's errno is reported back through a close-on-exec pipe; *failed_step names the step).
pid_t k8svm_sandbox_spawn(const char *path, char *const argv[], char *const envp[], int output_fd,
                          const k8svm_sandbox_limit *limits, int limit_count, const char **failed_step);

/// Sends `fd` over the unix socket `sock` (one byte of data carrying it). Returns 0, or -1 with errno set.
int k8svm_send_fd(int sock, int fd);

/// Receives one descriptor sent by k8svm_send_fd (close-on-exec); -1 with errno set when none came (EBADMSG when
/// the peer sent data without a descriptor, or more than one). Extra descriptors are closed.
int k8svm_receive_fd(int sock);

/// Makes this process non-dumpable, so processes of the same uid (the chaincode) cannot ptrace it.
int k8svm_sandbox_protect_self(void);

#endif
