package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// running is a started process of the stack.
type running struct {
	proc
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	err    error
}

func start(p proc, binDir, logDir string) (*running, error) {
	logPath := filepath.Join(logDir, p.Name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(binDir, p.Name), p.Args...)
	cmd.Stdout, cmd.Stderr = f, f
	// Its own process group, so the terminal's Ctrl-C reaches only devstack, which
	// then stops the stack in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", p.Name, err)
	}
	r := &running{proc: p, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() {
		r.err = cmd.Wait()
		f.Close()
		close(r.exited)
	}()
	return r, nil
}

// waitReady polls the readiness URL and the files the process must write, failing
// fast when the process exits. A process that has exited is reported as such even when
// its probe is answered, and an answer counts only from the process itself: another
// stack's process on the same port must not pass for this one.
func (r *running) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		if r.hasExited() {
			return r.exitError()
		}
		if r.isReady(ctx, client) {
			err := r.checkAnsweredByItself()
			if err != nil {
				// A process that found its port taken exits in a moment, and its own
				// error (in its log) says more than the foreign answer.
				select {
				case <-r.exited:
					return r.exitError()
				case <-time.After(2 * time.Second):
				}
			}
			return err
		}
		select {
		case <-r.exited:
			return r.exitError()
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v; see %s", r.Name, timeout, r.log)
		}
	}
}

func (r *running) hasExited() bool {
	select {
	case <-r.exited:
		return true
	default:
		return false
	}
}

func (r *running) exitError() error {
	return fmt.Errorf("%s exited (%v); see %s", r.Name, r.err, r.log)
}

// checkAnsweredByItself fails when /proc shows another process holding the port that
// answered the readiness probe; where /proc does not tell, the answer stands (the
// ports were free before the start).
func (r *running) checkAnsweredByItself() error {
	u, err := url.Parse(r.Ready)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return fmt.Errorf("%s: readiness URL %s has no port", r.Name, r.Ready)
	}
	inodes := socketInodes(port)
	if len(inodes) == 0 || holdsSocket(r.cmd.Process.Pid, inodes) {
		return nil
	}
	return fmt.Errorf("%s (pid %d) is not ready, but port %d answers its readiness probe: it is held by %s; see %s",
		r.Name, r.cmd.Process.Pid, port, describeHolder(port), r.log)
}

func (r *running) isReady(ctx context.Context, client *http.Client) bool {
	for _, f := range r.Files {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.Ready, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop sends SIGTERM and waits for a graceful exit, killing after grace.
func (r *running) stop(grace time.Duration) error {
	if r.hasExited() {
		return nil
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
		var ee *exec.ExitError
		if r.err != nil && !errors.As(r.err, &ee) {
			return r.err
		}
		return nil
	case <-time.After(grace):
		_ = r.cmd.Process.Kill()
		<-r.exited
		return fmt.Errorf("%s did not stop within %v and was killed", r.Name, grace)
	}
}
