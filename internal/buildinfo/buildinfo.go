// Package buildinfo reports the versions of hush's modules in the running
// binary, from the build information the Go toolchain embeds
// (runtime/debug.ReadBuildInfo), so that `hush version`, `otelcol-hush
// --version` and `otelcol-hush components` always name what was really
// linked instead of a string someone had to remember to update.
//
// A module built from a tagged version (go install ...@v1.2.3, or a
// dependency resolved through the module proxy) reports that version. A
// module built from a local checkout (the main module, a go.work workspace
// module, or a replace by a directory) has no version of its own; it reports
// [Dev], followed by the VCS revision when the toolchain recorded one.
package buildinfo

import (
	"runtime/debug"
	"slices"
	"strings"
)

// Dev is the version reported for code built from a local checkout rather
// than from a tagged module version. It is valid semver and sorts before
// every release.
const Dev = "v0.0.0-dev"

// devel is what the toolchain records for a module without a version.
const devel = "(devel)"

// zeroPseudo is the placeholder version that go.mod files of a multi-module
// checkout require before a tag exists (always paired with a replace).
const zeroPseudo = "v0.0.0-00010101000000-000000000000"

// Main returns the version of the running binary's main module.
func Main() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Dev
	}
	return MainOf(bi)
}

// Module returns the version of module path as linked into the running
// binary, and false if the binary does not contain it.
func Module(path string) (string, bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Dev, false
	}
	return ModuleOf(bi, path)
}

// MainOf returns the version of bi's main module: its module version when
// it was built from a tagged version, otherwise [Dev] with the VCS revision
// (and ".dirty" for a modified work tree) when bi records one.
func MainOf(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != devel {
		return v
	}
	return Dev + revision(bi)
}

// ModuleOf returns the version of module path in bi (the main module or a
// dependency) and whether bi contains it. A replace by another version
// reports the replacement's version; a replace by a local directory, a
// workspace module and the main module without a version report [Dev].
func ModuleOf(bi *debug.BuildInfo, path string) (string, bool) {
	if bi.Main.Path == path {
		return MainOf(bi), true
	}
	for _, d := range bi.Deps {
		if d.Path != path {
			continue
		}
		m := d
		if d.Replace != nil {
			m = d.Replace
			if isLocal(m.Path) {
				return Dev, true
			}
		}
		if m.Version == "" || m.Version == devel || m.Version == zeroPseudo {
			return Dev, true
		}
		return m.Version, true
	}
	return "", false
}

// isLocal reports whether a replace target is a directory rather than a
// module path (go.mod's rule: it starts with ./, ../ or is absolute).
func isLocal(path string) bool {
	return strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../") ||
		strings.HasPrefix(path, "/") || path == "." || path == ".." ||
		strings.HasPrefix(path, `.\`) || strings.HasPrefix(path, `..\`) ||
		len(path) > 2 && path[1] == ':' // a Windows drive letter
}

// revision returns "+" and the first 12 hex digits of the VCS revision bi
// records (go build stamps it unless -buildvcs=false), with ".dirty" for a
// modified work tree, or "" when there is none.
func revision(bi *debug.BuildInfo) string {
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return ""
	}
	rev = rev[:min(12, len(rev))]
	if dirty {
		rev += ".dirty"
	}
	return "+" + rev
}

// Dep is a module linked into a binary, with its version as [ModuleOf]
// reports it.
type Dep struct {
	Path, Version string
}

// Deps returns the modules of the running binary, other than the main
// module, whose path is root or lies under it (root "github.com/hushlog/hush"
// gives every hush module linked in), in path order.
func Deps(root string) []Dep {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return DepsOf(bi, root)
}

// DepsOf is [Deps] for the build information bi.
func DepsOf(bi *debug.BuildInfo, root string) []Dep {
	var out []Dep
	for _, d := range bi.Deps {
		if d.Path != root && !strings.HasPrefix(d.Path, root+"/") {
			continue
		}
		v, _ := ModuleOf(bi, d.Path)
		out = append(out, Dep{Path: d.Path, Version: v})
	}
	slices.SortFunc(out, func(a, b Dep) int { return strings.Compare(a.Path, b.Path) })
	return out
}
