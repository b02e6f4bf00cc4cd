package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/tryrook/dexonboard/internal/vault"
)

// withCoreLimitRaised lets children start with core dumps allowed (the
// soft limit raised to the hard one), so a child that does not turn them
// off shows it. It reports false when the hard limit is 0 already.
func withCoreLimitRaised(t *testing.T, start func()) bool {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &old); err != nil {
		t.Fatal(err)
	}
	if old.Max == 0 {
		start()
		return false
	}
	raised := syscall.Rlimit{Cur: old.Max, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &raised); err != nil {
		t.Fatal(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_CORE, &old)
	start()
	return true
}

// TestBinaryDropsSecretsFromEnvironmentAndCoreDumps runs the wizard on a
// vault unlocked from DEXONBOARD_PASSPHRASE and, while it waits at its
// first question, reads the running process's /proc files: no core dumps,
// and no secret variable (name or value) left in its environment.
func TestBinaryDropsSecretsFromEnvironmentAndCoreDumps(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	base := envWithout(secretVars...)
	// Made here at the lowest cost a real vault may have: the process under
	// test only unlocks it.
	v, err := vault.Create(path, []byte(cmdPass), binaryKDF)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()

	const newPass, clientSecret = "lobster-quasar-meadow-88-ember", "dexcom-secret-from-env-3x7Q"
	cmd := exec.Command(bin, "--vault", path, "--accessible")
	cmd.Env = append(base, "DEXONBOARD_PASSPHRASE="+cmdPass, "DEXONBOARD_NEW_PASSPHRASE="+newPass,
		"DEXCOM_CLIENT_SECRET="+clientSecret, "DEXONBOARD_TEST_MARKER=present")
	var r *running
	raised := withCoreLimitRaised(t, func() { r = startBinary(t, cmd) })
	r.waitOutput(t, "")
	pid := strconv.Itoa(cmd.Process.Pid)
	if out := r.out.String(); strings.Contains(strings.ToLower(out), "passphrase") {
		t.Fatalf("the wizard asks for the passphrase instead of reading it from the environment:\n%s", out)
	}

	limits, err := os.ReadFile("/proc/" + pid + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	var core []string
	for _, line := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(line, "Max core file size") {
			core = strings.Fields(strings.TrimPrefix(line, "Max core file size"))
		}
	}
	if len(core) < 2 || core[0] != "0" || core[1] != "0" {
		t.Errorf("core file size (soft, hard) = %q, want 0 0", core)
	}
	if !raised {
		t.Log("the hard core limit is 0 here already: the limit check could not fail")
	}

	environ, err := os.ReadFile("/proc/" + pid + "/environ")
	if err != nil {
		t.Fatalf("read the running process's environment: %v", err)
	}
	if !bytes.Contains(environ, []byte("\x00DEXONBOARD_TEST_MARKER=present\x00")) {
		t.Fatalf("not the environment the binary was given: %q", environ)
	}
	for _, name := range secretVars {
		if bytes.Contains(environ, []byte(name+"=")) {
			t.Errorf("/proc/%s/environ still holds %s", pid, name)
		}
	}
	for _, v := range []string{cmdPass, newPass, clientSecret} {
		if bytes.Contains(environ, []byte(v)) {
			t.Errorf("/proc/%s/environ still holds a secret value", pid)
		}
	}
	if err := r.exit(t); err != nil && !strings.Contains(r.out.String(), "input ended") {
		t.Fatalf("exit: %v\n%s", err, r.out.String())
	}
}

// TestBinaryIsNotDumpable: a non-dumpable process's /proc files belong to
// root, whoever runs it. The test runs the demo as another user than root
// (nobody, when the test runs as root) and looks at the owner.
func TestBinaryIsNotDumpable(t *testing.T) {
	t.Parallel()
	bin := dexonboardBinary(t)
	tmp, err := os.MkdirTemp("", "dexonboard-dumpable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	cmd := exec.Command(bin, "demo")
	cmd.Env = append(envWithout("TMPDIR", "HOME"), "TMPDIR="+tmp, "HOME="+tmp)
	uid := os.Getuid()
	if uid == 0 {
		uid = 65534 // nobody
		if err := os.Chown(tmp, uid, uid); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	}
	r := startBinary(t, cmd)
	r.waitOutput(t, "")
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/"+strconv.Itoa(cmd.Process.Pid)+"/environ", &st); err != nil {
		t.Fatal(err)
	}
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	if !strings.Contains(string(status), "\nUid:\t"+strconv.Itoa(uid)+"\t") {
		t.Fatalf("the demo does not run as uid %d:\n%s", uid, status)
	}
	if st.Uid != 0 {
		t.Errorf("/proc/<pid>/environ belongs to uid %d: the process is dumpable", st.Uid)
	}
	_ = r.exit(t)
}
