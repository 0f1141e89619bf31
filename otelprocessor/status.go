package hushprocessor

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"

	"github.com/hushlog/hush/provider"
)

// statusReporter reports the health of a shared index to the hosts of the
// processors that use it, through component status reporting
// (componentstatus), so that the health check extension and other status
// watchers see what the metrics show:
//
//   - RecoverableError while the index is not built (the processor refuses,
//     holds, passes or drops data, per when_not_ready), naming the sources
//     not listed yet, their last error and what to do;
//   - RecoverableError while some secret a source named could never be read
//     (its value is not protected), even once ready;
//   - OK otherwise (a refresh failing behind a built index keeps the last
//     good index, and is only a metric and a warning).
//
// Not-ready is never reported as PermanentError: the Collector treats that
// status as final (no way back to OK), while hush keeps retrying with
// backoff and becomes ready by itself once the source is fixed.
type statusReporter struct {
	mu    sync.Mutex
	hosts []component.Host
	last  *componentstatus.Event
}

// add registers the host of one processor and tells it the current status.
func (s *statusReporter) add(h component.Host, ev *componentstatus.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts = append(s.hosts, h)
	if ev != nil {
		s.last = ev
	}
	if s.last != nil {
		componentstatus.ReportStatus(h, s.last)
	}
}

// remove forgets the host of a processor that shut down.
func (s *statusReporter) remove(h component.Host) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.hosts {
		if x == h {
			s.hosts = append(s.hosts[:i], s.hosts[i+1:]...)
			return
		}
	}
}

// report sends ev to every host when it differs from the last event sent.
func (s *statusReporter) report(ev *componentstatus.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last != nil && sameEvent(s.last, ev) {
		return
	}
	s.last = ev
	for _, h := range s.hosts {
		componentstatus.ReportStatus(h, ev)
	}
}

func sameEvent(a, b *componentstatus.Event) bool {
	if a.Status() != b.Status() {
		return false
	}
	if (a.Err() == nil) != (b.Err() == nil) {
		return false
	}
	return a.Err() == nil || a.Err().Error() == b.Err().Error()
}

// errIndexNotBuilt is the cause of the not-ready status.
var errIndexNotBuilt = errors.New("refusing data: the secret index is not built yet")

// statusEvent is the component status for a refresher's status and whether
// the processors see the index as ready. Its error names sources and
// secrets, never values (provider errors carry none).
func statusEvent(st provider.Status, ready bool) *componentstatus.Event {
	switch {
	case !ready:
		msg := errIndexNotBuilt.Error()
		if len(st.NotListed) > 0 {
			msg += "; waiting for " + strings.Join(st.NotListed, ", ")
		}
		if p := pendingList(st.Pending); p != "" {
			msg += "; secrets never read: " + p
		}
		if st.LastError != nil {
			kind := provider.Kind(st.LastError)
			return componentstatus.NewRecoverableErrorEvent(fmt.Errorf("%s; last error (%s): %w; %s", msg, kind, st.LastError, provider.Advice(kind)))
		}
		return componentstatus.NewRecoverableErrorEvent(errors.New(msg))
	case len(st.Pending) > 0:
		err := fmt.Errorf("secrets never read, not protected: %s", pendingList(st.Pending))
		if st.LastError != nil {
			kind := provider.Kind(st.LastError)
			err = fmt.Errorf("%w; last error (%s): %w; %s", err, kind, st.LastError, provider.Advice(kind))
		}
		return componentstatus.NewRecoverableErrorEvent(err)
	}
	return componentstatus.NewEvent(componentstatus.StatusOK)
}

// pendingList renders Status.Pending as "lister: a, b; lister2: c".
func pendingList(p map[string][]string) string {
	listers := make([]string, 0, len(p))
	for l := range p {
		listers = append(listers, l)
	}
	sort.Strings(listers)
	parts := make([]string, len(listers))
	for i, l := range listers {
		parts[i] = l + ": " + strings.Join(p[l], ", ")
	}
	return strings.Join(parts, "; ")
}
