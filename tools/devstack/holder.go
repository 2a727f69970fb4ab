package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Linux tells who holds a port through /proc: /proc/net/tcp{,6} map the local port to a
// socket inode, /proc/<pid>/fd links name the inodes each process holds. Elsewhere, or
// for another user's processes, the lookups find nothing and callers say so.

const tcpListen = "0A" // st column of /proc/net/tcp

// socketInodes returns the inodes of the sockets bound to local port, listening ones
// first; TIME_WAIT entries hold no inode and are skipped.
func socketInodes(port int) []string {
	var listening, other []string
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[9] == "0" {
				continue
			}
			i := strings.LastIndexByte(fields[1], ':')
			if p, err := strconv.ParseUint(fields[1][i+1:], 16, 16); err != nil || int(p) != port {
				continue
			}
			if fields[3] == tcpListen {
				listening = append(listening, fields[9])
			} else {
				other = append(other, fields[9])
			}
		}
		f.Close()
	}
	return append(listening, other...)
}

// holdsSocket reports whether process pid has one of the socket inodes open.
func holdsSocket(pid int, inodes []string) bool {
	fdDir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		for _, ino := range inodes {
			if link == "socket:["+ino+"]" {
				return true
			}
		}
	}
	return false
}

// portHolder finds the process holding port and its name.
func portHolder(port int) (pid int, name string, ok bool) {
	inodes := socketInodes(port)
	if len(inodes) == 0 {
		return 0, "", false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, "", false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !holdsSocket(pid, inodes) {
			continue
		}
		return pid, processName(pid), true
	}
	return 0, "", false
}

// processName is the process's comm, or the first word of its command line.
func processName(pid int) string {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	if b, err := os.ReadFile(filepath.Join(dir, "comm")); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cmdline")); err == nil && len(b) > 0 {
		return filepath.Base(strings.SplitN(string(b), "\x00", 2)[0])
	}
	return "unknown"
}
