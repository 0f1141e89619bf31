package awssm

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/redact"
)

const (
	listPageSize = 100 // ListSecrets maximum
	batchSize    = 20  // BatchGetSecretValue maximum
	filterValues = 10  // values per filter, maximum
)

// target is one selected secret.
type target struct {
	id     string              // what to send as SecretId: the ARN, or the configured name
	name   string              // the secret's name, for output and errors
	arn    string              // may be empty for an explicit current-only name
	stages map[string][]string // version id -> stages; nil when not discovered
}

// versionValue is one value read in this listing.
type versionValue struct {
	t     *target
	vid   string
	value string
}

// List returns the values of every selected secret in the selected stages.
// Per-secret failures are joined *provider.Errors naming the secret; a
// failed discovery fails the whole listing.
func (p *Provider) List(ctx context.Context) ([]redact.Secret, error) {
	targets, errs, err := p.targets(ctx)
	if err != nil {
		return nil, err
	}

	p.mu.Lock()
	cached := p.versions
	p.mu.Unlock()

	var (
		current []*target      // AWSCURRENT to read with BatchGetSecretValue
		byID    []versionValue // other versions to read by id
		values  []versionValue // known values
	)
	for _, t := range targets {
		if t.stages == nil {
			current = append(current, t)
			continue
		}
		for vid, stages := range t.stages {
			want, isCurrent := false, false
			for _, s := range stages {
				want = want || p.stages[s]
				isCurrent = isCurrent || s == StageCurrent
			}
			if !want {
				continue
			}
			v, ok := cached[vid]
			switch {
			case ok && (!isCurrent || p.cfg.CacheCurrent):
				values = append(values, versionValue{t, vid, v})
			case isCurrent:
				current = append(current, t)
			default:
				byID = append(byID, versionValue{t: t, vid: vid})
			}
		}
	}

	var mu sync.Mutex // guards values, errs
	sem := make(chan struct{}, p.cfg.Concurrency)
	var wg sync.WaitGroup
	run := func(f func() ([]versionValue, []error)) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			vs, es := f()
			mu.Lock()
			values = append(values, vs...)
			errs = append(errs, es...)
			mu.Unlock()
		}()
	}
	for i := 0; i < len(current); i += batchSize {
		chunk := current[i:min(i+batchSize, len(current))]
		run(func() ([]versionValue, []error) { return p.batch(ctx, chunk) })
	}
	for _, v := range byID {
		run(func() ([]versionValue, []error) { return p.byVersion(ctx, v) })
	}
	wg.Wait()

	// Keep the cache to the versions still referred to.
	next := make(map[string]string, len(values))
	seen := make(map[string]bool, len(values))
	out := make([]redact.Secret, 0, len(values))
	for _, v := range values {
		next[v.vid] = v.value
		if seen[v.vid] {
			continue // AWSCURRENT also found through the cache
		}
		seen[v.vid] = true
		out = append(out, redact.Secret{Name: v.t.name, Version: v.vid, Value: v.value})
	}
	p.mu.Lock()
	p.versions = next
	p.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, errors.Join(errs...)
}

// targets discovers the selected secrets. errs are per-secret failures of
// explicitly named secrets; err is a failed discovery.
func (p *Provider) targets(ctx context.Context) (ts []*target, errs []error, err error) {
	byARN := map[string]*target{}
	if len(p.cfg.Prefixes) > 0 || len(p.cfg.Tags) > 0 {
		found, err := p.discover(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range found {
			if byARN[t.arn] == nil {
				byARN[t.arn] = t
				ts = append(ts, t)
			}
		}
	}
	if len(p.cfg.Names) == 0 {
		return ts, nil, nil
	}
	onlyCurrent := len(p.stages) == 1 && p.stages[StageCurrent]
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, p.cfg.Concurrency)
	for _, id := range p.cfg.Names {
		// The DescribeSecret goroutines below write byARN and ts.
		mu.Lock()
		skip := byARN[id] != nil || known(ts, id)
		if !skip && onlyCurrent {
			ts = append(ts, &target{id: id, name: id})
			skip = true
		}
		mu.Unlock()
		if skip {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, err := p.client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, wrap("DescribeSecret", id, err))
				return
			}
			t := &target{id: aws.ToString(out.ARN), name: aws.ToString(out.Name), arn: aws.ToString(out.ARN), stages: out.VersionIdsToStages}
			if t.stages == nil {
				t.stages = map[string][]string{}
			}
			if byARN[t.arn] == nil {
				byARN[t.arn] = t
				ts = append(ts, t)
			}
		}()
	}
	wg.Wait()
	return ts, errs, nil
}

// known reports whether id names a discovered target.
func known(ts []*target, id string) bool {
	for _, t := range ts {
		if t.name == id {
			return true
		}
	}
	return false
}

// discover pages through ListSecrets with the prefix and tag filters.
func (p *Provider) discover(ctx context.Context) ([]*target, error) {
	// One series of queries per group of ten prefixes (the most a filter
	// takes); the first tag narrows on the server, every tag is checked
	// here exactly (tag filters match key and value prefixes separately).
	var tagFilters []types.Filter
	if len(p.cfg.Tags) > 0 {
		t := p.cfg.Tags[0]
		tagFilters = append(tagFilters, types.Filter{Key: types.FilterNameStringTypeTagKey, Values: []string{t.Key}})
		if t.Value != "" {
			tagFilters = append(tagFilters, types.Filter{Key: types.FilterNameStringTypeTagValue, Values: []string{t.Value}})
		}
	}
	var queries [][]types.Filter
	if len(p.cfg.Prefixes) == 0 {
		queries = append(queries, tagFilters)
	}
	for i := 0; i < len(p.cfg.Prefixes); i += filterValues {
		group := p.cfg.Prefixes[i:min(i+filterValues, len(p.cfg.Prefixes))]
		f := append([]types.Filter{{Key: types.FilterNameStringTypeName, Values: group}}, tagFilters...)
		queries = append(queries, f)
	}
	var out []*target
	for _, filters := range queries {
		pager := secretsmanager.NewListSecretsPaginator(p.client, &secretsmanager.ListSecretsInput{
			Filters:    filters,
			MaxResults: aws.Int32(listPageSize),
		})
		for pager.HasMorePages() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				return nil, wrap("ListSecrets", "", err)
			}
			for _, e := range page.SecretList {
				if !p.selected(e) {
					continue
				}
				st := e.SecretVersionsToStages
				if st == nil {
					st = map[string][]string{}
				}
				out = append(out, &target{id: aws.ToString(e.ARN), name: aws.ToString(e.Name), arn: aws.ToString(e.ARN), stages: st})
			}
		}
	}
	return out, nil
}

// selected checks a listed secret against the filters exactly.
func (p *Provider) selected(e types.SecretListEntry) bool {
	name := aws.ToString(e.Name)
	if len(p.cfg.Prefixes) > 0 {
		ok := false
		for _, pre := range p.cfg.Prefixes {
			ok = ok || strings.HasPrefix(name, pre)
		}
		if !ok {
			return false
		}
	}
	for _, want := range p.cfg.Tags {
		ok := false
		for _, t := range e.Tags {
			ok = ok || (aws.ToString(t.Key) == want.Key && (want.Value == "" || aws.ToString(t.Value) == want.Value))
		}
		if !ok {
			return false
		}
	}
	return true
}

// batch reads the AWSCURRENT values of up to 20 targets.
func (p *Provider) batch(ctx context.Context, ts []*target) ([]versionValue, []error) {
	ids := make([]string, len(ts))
	byID := make(map[string]*target, len(ts))
	for i, t := range ts {
		ids[i] = t.id
		byID[t.id] = t
	}
	out, err := p.client.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: ids})
	if err != nil {
		// Every secret of the call failed; the cause is told once.
		first := wrap("BatchGetSecretValue", ts[0].name, err)
		errs := []error{first}
		for _, t := range ts[1:] {
			errs = append(errs, provider.NewError(providerName, t.name, first.Kind,
				fmt.Errorf("BatchGetSecretValue: same failure as %q", ts[0].name)))
		}
		return nil, errs
	}
	var vs []versionValue
	var errs []error
	answered := make(map[*target]bool, len(ts))
	for _, e := range out.SecretValues {
		t := match(byID, ts, aws.ToString(e.ARN), aws.ToString(e.Name))
		if t == nil {
			continue
		}
		answered[t] = true
		if t.arn == "" {
			t.arn, t.name = aws.ToString(e.ARN), aws.ToString(e.Name)
		}
		vs = append(vs, versionValue{t: t, vid: aws.ToString(e.VersionId), value: valueOf(e.SecretString, e.SecretBinary)})
	}
	for _, e := range out.Errors {
		id := aws.ToString(e.SecretId)
		name := id
		if t := byID[id]; t != nil {
			answered[t] = true
			name = t.name
		}
		errs = append(errs, batchError(name, aws.ToString(e.ErrorCode), aws.ToString(e.Message)))
	}
	for _, t := range ts {
		if !answered[t] {
			errs = append(errs, provider.NewError(providerName, t.name, provider.Malformed,
				errors.New("BatchGetSecretValue: secret missing from the answer")))
		}
	}
	return vs, errs
}

// match finds the target a BatchGetSecretValue entry answers.
func match(byID map[string]*target, ts []*target, arn, name string) *target {
	if t := byID[arn]; t != nil {
		return t
	}
	if t := byID[name]; t != nil {
		return t
	}
	for _, t := range ts { // a partial ARN (without the random suffix)
		if strings.HasPrefix(t.id, "arn:") && strings.HasPrefix(arn, t.id+"-") {
			return t
		}
	}
	return nil
}

// byVersion reads one version by id.
func (p *Provider) byVersion(ctx context.Context, v versionValue) ([]versionValue, []error) {
	out, err := p.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:  aws.String(v.t.id),
		VersionId: aws.String(v.vid),
	})
	if err != nil {
		return nil, []error{wrap("GetSecretValue", v.t.name, err)}
	}
	v.value = valueOf(out.SecretString, out.SecretBinary)
	return []versionValue{v}, nil
}
