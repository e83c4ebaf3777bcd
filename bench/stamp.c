/* Benchmark chaincode: writes CLOCK_MONOTONIC (ns) at the moment it starts to $STAMP_OUT, then exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const char *out = getenv("STAMP_OUT");
    if (!out) return 2;
    FILE *file = fopen(out, "w");
    if (!file) return 3;
    fprintf(file, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    fclose(file);
    return 0;
}
