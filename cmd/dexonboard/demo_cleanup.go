package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// demoDirPrefix starts the name of the demo's throwaway folder, which goes
// on with the demo's pid: dexonboard-demo-<pid>-<random>. The pid tells a
// later demo whether the folder's owner is gone.
const demoDirPrefix = "dexonboard-demo-"

// makeDemoDir makes this demo's throwaway folder in the temp dir.
func makeDemoDir() (string, error) {
	return os.MkdirTemp("", demoDirPrefix+strconv.Itoa(os.Getpid())+"-")
}

// demoDirPID is the pid in a demo folder's name, or false for other names.
func demoDirPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, demoDirPrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(digits)
	if !ok || err != nil || pid <= 0 || strconv.Itoa(pid) != digits {
		return 0, false
	}
	return pid, true
}

// removeStaleDemoDirs removes the folders that demos killed without a
// chance to clean up (SIGKILL, a crash, a power cut) left in tmp: those
// whose process is gone. A live process's folder is never touched, nor a
// symlink, another user's folder or a name without a pid.
func removeStaleDemoDirs(tmp string, warn io.Writer) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, ent := range entries {
		pid, ok := demoDirPID(ent.Name())
		if !ok || !ent.IsDir() || ent.Type()&os.ModeSymlink != 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if info, err := ent.Info(); err != nil || !ownedByMe(info) {
			continue // another user's: not ours to judge, and not removable in a shared temp dir
		}
		if err := os.RemoveAll(filepath.Join(tmp, ent.Name())); err != nil {
			fmt.Fprintln(warn, "warning: could not remove an old demo folder:", err)
		}
	}
}

// demoSignals ends the demo on SIGINT, SIGTERM or SIGHUP (the terminal or
// tmux closed) so its folder is removed: it cancels ctx, which ends the
// wizard and runs the usual clean-up. A prompt blocked on standard input
// does not see ctx, so if the wizard has not returned a moment later,
// cleanup runs here and the process exits as the signal would have ended it.
type demoSignals struct {
	ch      chan os.Signal
	done    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	got     os.Signal
	cleanup func()
}

// grace is how long a signalled wizard may take to return on its own.
const grace = time.Second

func watchDemoSignals(ctx context.Context, cleanup func()) (context.Context, *demoSignals) {
	ctx, cancel := context.WithCancel(ctx)
	d := &demoSignals{ch: make(chan os.Signal, 1), done: make(chan struct{}), cleanup: cleanup}
	signal.Notify(d.ch, exitSignals...)
	go func() {
		defer cancel()
		select {
		case sig := <-d.ch:
			d.mu.Lock()
			d.got = sig
			d.mu.Unlock()
			cancel()
			select {
			case <-d.done:
			case <-time.After(grace):
				cleanup()
				os.Exit(128 + signalNumber(sig))
			}
		case <-d.done:
		}
	}()
	return ctx, d
}

// stop ends the watch; it reports the signal that ended the demo, if any.
func (d *demoSignals) stop() os.Signal {
	d.once.Do(func() {
		signal.Stop(d.ch)
		close(d.done)
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.got
}
