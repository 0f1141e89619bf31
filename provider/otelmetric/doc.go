// Package otelmetric reports the provider layer's metrics through the
// OpenTelemetry metric API: it is the provider.Observer that the Collector
// processor and the hush CLI give their Refresher and Cache, in its own module
// so that a service using the provider core pays nothing for OpenTelemetry
// unless it asks for these metrics.
//
// Instruments (every refresher instrument carries the attribute "provider",
// the lister name; errors also carry "error.kind"):
//
//	hush.provider.refresh.duration      histogram, s    one listing of one lister
//	hush.provider.refresh.errors        counter         failed listings and per-secret failures, by kind
//	hush.provider.refresh.last_success  gauge, s        unix time of the last (possibly partial) listing
//	hush.provider.refresh.staleness     gauge, s        time since then (since the start before any)
//	hush.provider.secrets               gauge           values protected, including those in grace
//	hush.provider.rebuilds              counter         Redactor rebuilds (no attribute)
//	hush.provider.cache.errors          counter         failed fetches through a Cache, by kind
//	hush.provider.cache.fetches         counter         fetches from the Cache's Getter
//	hush.provider.cache.stale           counter         Gets answered with a stale value
//
// In the flow described in the repository's DESIGN.md ("The flow",
// "Refresh, rotation and failure") it sits beside the providers, reading
// their snapshots (Refresher.Status, Cache.Stats) and their events.
package otelmetric
