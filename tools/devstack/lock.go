package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const lockName = "devstack.lock"

// stateLock is an exclusive flock on the state directory's lock file, so a second
// devstack on the same directory refuses before it rewrites the keys and logs of the
// running one. The kernel drops the lock when the process dies, however it dies; the
// pid in the file only serves the refusal message.
type stateLock struct{ f *os.File }

// lockState takes the lock or says who holds it. Opening neither truncates nor rewrites
// the file, so a refused run leaves the state directory as it found it.
func lockState(stateDir string) (*stateLock, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another devstack%s is running on %s: is another \"make run\" running? stop it first",
				lockHolder(path), stateDir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &stateLock{f: f}, nil
}

// claim writes this process's pid into the lock file, once the run is sure to go on.
func (l *stateLock) claim() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return err
}

func (l *stateLock) release() { l.f.Close() }

// lockHolder is " (pid N)" from the lock file, or "" when it holds none.
func lockHolder(path string) string {
	b, err := os.ReadFile(path)
	if pid := strings.TrimSpace(string(b)); err == nil && pid != "" {
		return " (pid " + pid + ")"
	}
	return ""
}
