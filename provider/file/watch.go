package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watch calls changed on every file-system event in dir (and, with
// subdirs, in its real subdirectories not starting with "."), and every
// poll interval regardless, until ctx is done. A directory that cannot be
// watched (not there yet) leaves the poll alone to notice changes; the watch
// is retried at every poll.
func watch(ctx context.Context, dir string, poll time.Duration, subdirs bool, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		w = nil // no inotify: poll only
	}
	if w != nil {
		defer w.Close()
	}
	watched := map[string]bool{}
	add := func() {
		if w == nil {
			return
		}
		dirs := []string{dir}
		if subdirs {
			dirs = append(dirs, realSubdirs(dir)...)
		}
		for _, d := range dirs {
			if !watched[d] && w.Add(d) == nil {
				watched[d] = true
			}
		}
	}
	add()
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		events, errs = w.Events, w.Errors
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				delete(watched, ev.Name)
			}
			if ev.Has(fsnotify.Create) && subdirs {
				add()
			}
			changed()
		case _, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			changed() // an overflow: something may have been missed
		case <-ticker.C:
			add()
			changed()
		}
	}
}

// realSubdirs lists the directories under dir that are not symlinks and do
// not start with "." (Kubernetes' ..data swap happens in dir itself).
func realSubdirs(dir string) []string {
	var out []string
	var walk func(string, int)
	walk = func(d string, depth int) {
		entries, err := os.ReadDir(d)
		if err != nil || depth >= maxDepth {
			return
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") || !e.IsDir() {
				continue
			}
			sub := filepath.Join(d, e.Name())
			out = append(out, sub)
			walk(sub, depth+1)
		}
	}
	walk(dir, 0)
	return out
}
