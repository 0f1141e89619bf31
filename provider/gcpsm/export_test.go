package gcpsm

// CacheSize returns how many version values p holds, for tests.
func CacheSize(p *Provider) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.values)
}
