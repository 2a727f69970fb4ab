package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
)

// usage is a snapshot of what the two processes have consumed so far.
type usage struct {
	at        time.Time
	serverCPU time.Duration
	clientCPU time.Duration
	alloc     uint64 // bytes the server has allocated
	gcs       uint32 // the server's completed GC cycles
	clientGCs uint32
}

func takeUsage(base string, serverPID int) (usage, error) {
	u := usage{at: time.Now()}
	var err error
	if u.serverCPU, err = loadgen.ProcCPU(serverPID); err != nil {
		return u, err
	}
	if u.clientCPU, err = loadgen.ProcCPU(os.Getpid()); err != nil {
		return u, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u.clientGCs = ms.NumGC
	resp, err := http.Get(base + "/stats")
	if err != nil {
		return u, err
	}
	defer resp.Body.Close()
	var s struct {
		TotalAlloc uint64 `json:"total_alloc"`
		NumGC      uint32 `json:"num_gc"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return u, err
	}
	u.alloc, u.gcs = s.TotalAlloc, s.NumGC
	return u, nil
}

// report prints the server's and the load generator's consumption between a and b.
func report(a, b usage, sockets int) {
	secs := b.at.Sub(a.at).Seconds()
	server := (b.serverCPU - a.serverCPU).Seconds() / secs
	fmt.Printf("cpu: server %.2f cores (%.3f per 1,000 sockets), load generator %.2f cores; "+
		"server allocated %.1f MiB/s, GC cycles: server %d, load generator %d\n",
		server, server*1000/float64(sockets), (b.clientCPU-a.clientCPU).Seconds()/secs,
		float64(b.alloc-a.alloc)/secs/(1<<20), b.gcs-a.gcs, b.clientGCs-a.clientGCs)
}
