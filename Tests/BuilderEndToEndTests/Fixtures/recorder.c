/*
 * A test chaincode: records how it was started, then exits the way the test asks.
 *
 * RECORDER_OUT (a directory it creates) receives:
 *   argv   the arguments after the program name, one per line
 *   env    the environment, one KEY=VALUE per line
 *   cwd    the working directory
 *   files/NAME  a copy of the file each TLS variable NAME points to
 *   ready  written last, once everything above is in place
 * It writes "recorder stdout" to stdout and "recorder stderr" to stderr.
 * RECORDER_MODE: "exit" (default) exits with RECORDER_EXIT_CODE; "wait" waits for SIGTERM, writes
 * RECORDER_OUT/terminated and exits with RECORDER_EXIT_CODE; "ignore-term" ignores SIGTERM and waits forever.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;
static const char *out;
static int exit_code;

static FILE *open_out(const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out, name);
    FILE *file = fopen(path, "w");
    if (!file) { perror(path); exit(90); }
    return file;
}

static void copy_file(const char *variable) {
    const char *source = getenv(variable);
    if (!source) return;
    FILE *in = fopen(source, "r");
    if (!in) return;
    char name[256];
    snprintf(name, sizeof name, "files/%s", variable);
    FILE *copy = open_out(name);
    char buffer[4096];
    size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, count, copy);
    fclose(in);
    fclose(copy);
}

static void on_term(int signal_number) {
    (void)signal_number;
    fclose(open_out("terminated"));
    _exit(exit_code);
}

int main(int argc, char **argv) {
    out = getenv("RECORDER_OUT");
    if (!out) { fprintf(stderr, "RECORDER_OUT is not set\n"); return 91; }
    const char *code = getenv("RECORDER_EXIT_CODE");
    exit_code = code ? atoi(code) : 0;
    const char *mode = getenv("RECORDER_MODE");
    if (!mode) mode = "exit";
    if (strcmp(mode, "wait") == 0) signal(SIGTERM, on_term);
    if (strcmp(mode, "ignore-term") == 0) signal(SIGTERM, SIG_IGN);

    mkdir(out, 0755);
    char files[4096];
    snprintf(files, sizeof files, "%s/files", out);
    mkdir(files, 0755);
    FILE *args = open_out("argv");
    for (int i = 1; i < argc; i++) fprintf(args, "%s\n", argv[i]);
    fclose(args);
    FILE *env = open_out("env");
    for (char **entry = environ; *entry; entry++) fprintf(env, "%s\n", *entry);
    fclose(env);
    char cwd[4096];
    FILE *dir = open_out("cwd");
    if (getcwd(cwd, sizeof cwd)) fprintf(dir, "%s\n", cwd);
    fclose(dir);
    const char *variables[] = {"CORE_PEER_TLS_ROOTCERT_FILE", "CORE_TLS_CLIENT_KEY_PATH", "CORE_TLS_CLIENT_CERT_PATH",
                               "CORE_TLS_CLIENT_KEY_FILE", "CORE_TLS_CLIENT_CERT_FILE"};
    for (size_t i = 0; i < sizeof variables / sizeof variables[0]; i++) copy_file(variables[i]);
    printf("recorder stdout\n");
    fflush(stdout);
    fprintf(stderr, "recorder stderr\n");
    fclose(open_out("ready"));

    if (strcmp(mode, "exit") == 0) return exit_code;
    for (;;) pause();
}
