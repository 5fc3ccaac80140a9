package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes a CPU profile of the whole run to cpuPath and the
// allocations of the whole run to allocPath, each when it is set
// (SPECBOT_CPU_PROFILE and SPECBOT_ALLOC_PROFILE, for the load tool's
// --cpuprofile and --allocprofile); the returned function stops them.
func startProfiles(cpuPath, allocPath string) (func(), error) {
	stop := func() {}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, fmt.Errorf("SPECBOT_CPU_PROFILE: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("SPECBOT_CPU_PROFILE: %w", err)
		}
		stop = func() {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
	if allocPath != "" {
		f, err := os.Create(allocPath)
		if err != nil {
			stop()
			return nil, fmt.Errorf("SPECBOT_ALLOC_PROFILE: %w", err)
		}
		// One sample per 4 KiB allocated: the turns' many small objects
		// show, at a small cost.
		runtime.MemProfileRate = 4096
		stopCPU := stop
		stop = func() {
			stopCPU()
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	return stop, nil
}
