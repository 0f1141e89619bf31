package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/vault/api"
	"github.com/hashicorp/vault/api/auth/approle"
	"github.com/hashicorp/vault/api/auth/kubernetes"
	"go.uber.org/zap"

	"github.com/hushlog/hush/provider"
)

// minRemaining is the least lifetime a token must have left to be used
// without renewing or logging in first.
const minRemaining = 5 * time.Second

// renewTimeout bounds one background renewal (or login).
const renewTimeout = 30 * time.Second

// authenticator keeps the client's token valid: it looks the token up (or
// logs in) on first use, and a single goroutine renews it at two thirds of
// its remaining lifetime, logging in again when a login method's token
// reaches its maximum TTL or can no longer be renewed. close stops that
// goroutine and waits for it.
type authenticator struct {
	p   *Provider
	cfg Auth

	// sem (capacity 1) is the lock of everything below and serializes
	// lookups, logins and renewals. It is a channel so that a caller
	// waiting behind a slow renewal gives up with its own context.
	sem       chan struct{}
	ready     bool      // the client holds a token known to be valid
	expires   time.Time // zero: the token does not expire
	renewable bool
	lease     time.Duration // the lifetime the last login or lookup gave
	fileToken string        // the token last read from cfg.TokenFile
	capped    bool          // the token method's token reached its maximum TTL: renewing is pointless

	ctx     context.Context // ended by close: stops the renewal
	cancel  context.CancelFunc
	closed  bool
	running bool
	wg      sync.WaitGroup
}

// ensure makes sure the client holds a valid token, starting the renewal
// the first time one is known to expire.
func (a *authenticator) ensure(ctx context.Context) error {
	if err := a.lock(ctx); err != nil {
		return provider.NewError(providerName, "", provider.Transient, fmt.Errorf("waiting for the token renewal: %w", err))
	}
	defer a.unlock()
	if a.cfg.Method == AuthToken && a.cfg.TokenFile != "" {
		b, err := os.ReadFile(a.cfg.TokenFile)
		if err != nil {
			return provider.NewError(providerName, "", provider.Permanent, fmt.Errorf("reading the token file: %w", err))
		}
		if tok := strings.TrimSpace(string(b)); tok != a.fileToken {
			a.fileToken = tok
			a.p.client.SetToken(tok)
			a.ready, a.capped = false, false
		}
	}
	var err error
	switch left := time.Until(a.expires); {
	case a.ready && (a.expires.IsZero() || left > min(minRemaining, a.lease/4)):
		return nil // valid, and renewed in the background
	case a.ready && left > 0:
		err = a.renew(ctx) // about to expire: the renewal is late
	default:
		err = a.refresh(ctx)
	}
	if err != nil {
		return err
	}
	if !a.expires.IsZero() && !a.running && !a.closed && !a.capped {
		a.running = true
		a.wg.Add(1)
		go a.loop()
	}
	return nil
}

// refresh obtains a fresh lifetime for the token: a lookup (token method)
// or a login. It is called with a.mu held.
func (a *authenticator) refresh(ctx context.Context) error {
	if a.cfg.Method == AuthToken {
		s, err := a.p.client.Auth().Token().LookupSelfWithContext(ctx)
		if err != nil {
			return wrap("token lookup-self", "", err)
		}
		ttl, err1 := s.TokenTTL()
		renewable, err2 := s.TokenIsRenewable()
		if s == nil || err1 != nil || err2 != nil {
			return wrap("token lookup-self", "", errMalformed)
		}
		a.set(ttl, renewable)
		if ttl > 0 && ttl <= minRemaining && renewable {
			return a.renew(ctx)
		}
		return nil
	}
	return a.login(ctx)
}

// set records a token lifetime. It is called with a.mu held.
func (a *authenticator) set(ttl time.Duration, renewable bool) {
	a.ready, a.renewable, a.lease = true, renewable, ttl
	a.expires = time.Time{}
	if ttl > 0 {
		a.expires = time.Now().Add(ttl)
	}
}

// login logs in with the configured method and gives the client the new
// token. The login runs on a clone of the client without a token, so
// that an expired token is not sent along. It is called with a.mu held.
func (a *authenticator) login(ctx context.Context) error {
	var m api.AuthMethod
	var err error
	switch a.cfg.Method {
	case AuthKubernetes:
		path := a.cfg.ServiceAccountTokenPath
		if path == "" {
			path = DefaultServiceAccountTokenPath
		}
		opts := []kubernetes.LoginOption{kubernetes.WithServiceAccountTokenPath(path)}
		if a.cfg.MountPath != "" {
			opts = append(opts, kubernetes.WithMountPath(a.cfg.MountPath))
		}
		m, err = kubernetes.NewKubernetesAuth(a.cfg.Role, opts...)
	case AuthAppRole:
		var opts []approle.LoginOption
		if a.cfg.MountPath != "" {
			opts = append(opts, approle.WithMountPath(a.cfg.MountPath))
		}
		m, err = approle.NewAppRoleAuth(a.cfg.RoleID, &approle.SecretID{FromFile: a.cfg.SecretIDFile, FromEnv: a.cfg.SecretIDEnv}, opts...)
	default:
		err = fmt.Errorf("unknown auth method %q", a.cfg.Method)
	}
	if err != nil {
		return provider.NewError(providerName, "", provider.Permanent, fmt.Errorf("%s login: %w", a.cfg.Method, err))
	}
	c, err := a.p.client.Clone()
	if err != nil {
		return provider.NewError(providerName, "", provider.Permanent, err)
	}
	c.ClearToken()
	c.SetNamespace(a.p.client.Namespace())
	op := a.cfg.Method + " login"
	s, err := c.Auth().Login(ctx, m)
	if err != nil {
		var re *api.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusBadRequest {
			// Vault answers bad login credentials with 400.
			e := wrap(op, "", err)
			e.Kind = provider.AccessDenied
			return e
		}
		var pe *provider.Error
		if errors.As(err, &pe) {
			return pe
		}
		if errors.As(err, &re) || classify(err) == provider.Transient {
			return wrap(op, "", err)
		}
		// The method could not read its credential file or variable.
		return provider.NewError(providerName, "", provider.Permanent, fmt.Errorf("%s: %w", op, err))
	}
	if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
		return wrap(op, "", errMalformed)
	}
	a.p.client.SetToken(s.Auth.ClientToken)
	a.set(time.Duration(s.Auth.LeaseDuration)*time.Second, s.Auth.Renewable)
	a.p.cfg.Logger.Info("vault login", zap.String("method", a.cfg.Method), zap.Duration("ttl", a.lease))
	return nil
}

// renew renews the token, or logs in again when a login method's token
// cannot be renewed or reached its maximum TTL (the renewal granted less
// than half the original lease). It is called with a.mu held.
func (a *authenticator) renew(ctx context.Context) error {
	if !a.renewable {
		if a.cfg.Method == AuthToken {
			return nil // nothing to do: the token will expire
		}
		return a.login(ctx)
	}
	s, err := a.p.client.Auth().Token().RenewSelfWithContext(ctx, 0)
	if err == nil && (s == nil || s.Auth == nil) {
		err = errMalformed
	}
	if err != nil {
		if a.cfg.Method != AuthToken && classify(err) != provider.Transient {
			return a.login(ctx)
		}
		return wrap("token renew-self", "", err)
	}
	ttl := time.Duration(s.Auth.LeaseDuration) * time.Second
	lease := a.lease
	if ttl > 0 {
		a.set(ttl, s.Auth.Renewable)
		a.lease = lease
	} // else: less than a second left at the maximum TTL; the expiry stands
	a.p.cfg.Logger.Debug("vault token renewed", zap.Duration("ttl", ttl))
	if ttl < lease/2 {
		if a.cfg.Method != AuthToken {
			return a.login(ctx)
		}
		// A given token near its maximum TTL: renewing again would only
		// ask more often for less. It is used until it expires.
		a.capped = true
	}
	return nil
}

// loop renews the token at two thirds of its remaining lifetime until
// close. A failed renewal is retried sooner, while the token lives.
func (a *authenticator) loop() {
	defer a.wg.Done()
	ctx := a.ctx
	for {
		if a.lock(ctx) != nil {
			return // closed
		}
		exp, capped := a.expires, a.capped
		if exp.IsZero() || capped {
			a.running = false
			a.unlock()
			return
		}
		a.unlock()
		wait := time.Until(exp) * 2 / 3
		if wait < 100*time.Millisecond {
			wait = 100 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if a.lock(ctx) != nil {
			return // closed
		}
		// Bounded, so that listings waiting behind it are not held long.
		rctx, rcancel := context.WithTimeout(ctx, min(max(time.Until(exp)/3, time.Second), renewTimeout))
		err := a.renew(rctx)
		if err != nil && a.cfg.Method != AuthToken && time.Until(a.expires) <= minRemaining {
			err = a.login(rctx)
		}
		rcancel()
		a.unlock()
		if err != nil {
			a.p.cfg.Logger.Warn("vault token renewal failed", zap.String("method", a.cfg.Method), zap.Error(err))
			if time.Until(exp) <= 0 {
				// The token is gone; the next listing logs in (or
				// reports access denied) and restarts the renewal.
				if a.lock(context.Background()) == nil {
					a.ready, a.running = false, false
					a.unlock()
				}
				return
			}
		}
	}
}

// close stops the renewal goroutine and waits for it. The cancellation
// comes first: it ends a renewal in progress, which holds the lock.
func (a *authenticator) close() {
	a.cancel()
	_ = a.lock(context.Background())
	a.closed = true
	a.unlock()
	a.wg.Wait()
}

// lock takes the authenticator's lock, or gives up when ctx is done.
func (a *authenticator) lock(ctx context.Context) error {
	select {
	case a.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *authenticator) unlock() { <-a.sem }
