package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// asBinaryEnv makes the test binary run main() with its arguments: a real,
// separate dexonboard process (locks, exit codes) with the test's instant key
// derivation, for tests that run it hundreds of times (the built binary of
// binary_test.go derives keys at full cost).
const asBinaryEnv = "DEXONBOARD_TEST_AS_BINARY"

// binary is a dexonboard command line run as its own process.
func binary(t *testing.T, stdin string, args ...string) *exec.Cmd {
	t.Helper()
	return binaryWith(t, nil, stdin, args...)
}

// binaryWith is binary with variables added to the child's environment
// (the test's own stays as it is, so the test may run in parallel).
func binaryWith(t *testing.T, vars map[string]string, stdin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asBinaryEnv+"=1", childGORACE())
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = bytes.NewBufferString(stdin)
	return cmd
}

// childGORACE keeps the race detector's options for the child, without its
// one-second sleep at exit (atexit_sleep_ms, default 1000): the child's
// races are still detected and still fail it (exit 66), and the tests that
// run it a hundred times no longer spend a hundred seconds asleep.
func childGORACE() string {
	return "GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")
}

// runBinaryWith runs args to the end, with variables added to the child's
// environment, and returns the exit code and outputs.
func runBinaryWith(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	return runProcess(t, binaryWith(t, vars, stdin, args...))
}

// runProcess runs cmd to the end and returns the exit code and outputs.
func runProcess(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}
