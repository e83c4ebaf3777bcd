// A Go test chaincode: records its argv and environment into RECORDER_OUT and exits with RECORDER_EXIT_CODE.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	out := os.Getenv("RECORDER_OUT")
	if out == "" {
		fmt.Fprintln(os.Stderr, "RECORDER_OUT is not set")
		os.Exit(91)
	}
	_ = os.MkdirAll(out, 0o755)
	_ = os.WriteFile(filepath.Join(out, "argv"), []byte(strings.Join(os.Args[1:], "\n")+"\n"), 0o644)
	_ = os.WriteFile(filepath.Join(out, "env"), []byte(strings.Join(os.Environ(), "\n")+"\n"), 0o644)
	fmt.Fprintln(os.Stderr, "go recorder stderr")
	_ = os.WriteFile(filepath.Join(out, "ready"), nil, 0o644)
	code, _ := strconv.Atoi(os.Getenv("RECORDER_EXIT_CODE"))
	os.Exit(code)
}
