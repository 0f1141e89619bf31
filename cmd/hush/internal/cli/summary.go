package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// byName lists counts per secret name, most frequent first, at most ten.
func byName(counts map[string]uint64) string {
	type kv struct {
		name string
		n    uint64
	}
	var all []kv
	for k, v := range counts {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for i, e := range all {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(all)-10))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", e.name, e.n))
	}
	return strings.Join(parts, ", ")
}

func elapsed(start time.Time) string {
	d := time.Since(start)
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
