package main

import (
	"runtime/debug"
)

// stamp is mxray's version as stamped when it was built:
//
//	go build -ldflags "-X main.stamp=$(git describe --always --dirty)" ./cmd/mxray
//
// as .ci/run and the README's install command do. Without it, the build
// information says (see versionFrom).
var stamp string

// version is what --version prints and every report carries.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionFrom(stamp, bi, ok)
}

// unknownVersion is what a build that knows nothing of its version says
// (go run, or go build with -buildvcs=false and no stamp).
const unknownVersion = "unknown (built without a version stamp)"

// versionFrom is the version from the stamp, else the module version the
// Go toolchain recorded (go install module@version, or a go build that
// stamped it from VCS), else the VCS revision with "-dirty" when the tree
// had changes. It is never Go's "(devel)".
func versionFrom(stamp string, bi *debug.BuildInfo, ok bool) string {
	if stamp != "" {
		return stamp
	}
	if !ok || bi == nil {
		return unknownVersion
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return unknownVersion
	}
	rev = rev[:min(12, len(rev))]
	if dirty {
		rev += "-dirty"
	}
	return rev
}
