package file_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hushlog/hush/provider"
	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/redact"
)

const (
	user1 = "svc-user-Qm7x-2024"
	pass1 = "Zq8v-4Lw2-9pXc-7yTb-P1"
	pass2 = "mN3k-Qr7s-Vw2x-Yz5a-P2"
	tok1  = "pL9o-Ik8u-Jh7y-Gt6f-T1"
)

// k8sVolume lays out dir as the kubelet does for a mounted Secret:
// dir/..<ts>/<key> files, dir/..data -> ..<ts>, dir/<key> -> ..data/<key>.
type k8sVolume struct {
	t   *testing.T
	dir string
	n   int
}

func (v *k8sVolume) write(data map[string]string) {
	v.t.Helper()
	v.n++
	ts := filepath.Join(v.dir, "..2026_03_01_00_00_0"+string(rune('0'+v.n)))
	if err := os.MkdirAll(ts, 0o755); err != nil {
		v.t.Fatal(err)
	}
	for k, val := range data {
		p := filepath.Join(ts, k)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(val), 0o600); err != nil {
			v.t.Fatal(err)
		}
	}
	// Atomic swap: ..data_tmp -> new dir, renamed over ..data.
	tmp := filepath.Join(v.dir, "..data_tmp")
	if err := os.Symlink(filepath.Base(ts), tmp); err != nil {
		v.t.Fatal(err)
	}
	old, _ := os.Readlink(filepath.Join(v.dir, "..data"))
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		v.t.Fatal(err)
	}
	for k := range data {
		top := strings.SplitN(k, "/", 2)[0]
		link := filepath.Join(v.dir, top)
		if _, err := os.Lstat(link); os.IsNotExist(err) {
			if err := os.Symlink(filepath.Join("..data", top), link); err != nil {
				v.t.Fatal(err)
			}
		}
	}
	if old != "" {
		_ = os.RemoveAll(filepath.Join(v.dir, old))
	}
	// Keys gone from the new data lose their top-level link.
	entries, _ := os.ReadDir(v.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(v.dir, e.Name())); os.IsNotExist(err) {
			_ = os.Remove(filepath.Join(v.dir, e.Name()))
		}
	}
}

func list(t *testing.T, l provider.Lister) map[string]string {
	t.Helper()
	s, err := l.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, x := range s {
		m[x.Name] = x.Value
	}
	return m
}

func protected(r *redact.Redactor, v string) bool {
	return !strings.Contains(r.ScrubString("x "+v+" y"), v)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestDirKubernetesLayout(t *testing.T) {
	vol := &k8sVolume{t: t, dir: t.TempDir()}
	vol.write(map[string]string{"username": user1, "password": pass1 + "\n", "nested/token": tok1})
	d, err := file.NewDir(vol.dir, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := list(t, d)
	if len(got) != 3 || got["username"] != user1 || got["password"] != pass1+"\n" || got["nested/token"] != tok1 {
		t.Fatalf("listing: %d entries %v", len(got), keys(got))
	}
	for n := range got {
		if strings.HasPrefix(n, ".") || strings.Contains(n, "..") {
			t.Errorf("dot entry %q listed", n)
		}
	}
	s, err := d.Get(context.Background(), "nested/token")
	if err != nil || s.Value != tok1 {
		t.Errorf("Get(nested/token): %v", err)
	}
	for _, bad := range []string{"../etc/passwd", "..data/password", "/password", "nested/../password", "missing"} {
		if _, err := d.Get(context.Background(), bad); provider.Kind(err) != provider.NotFound {
			t.Errorf("Get(%q) = %v, want NotFound", bad, err)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDirDataSwapPickedUp: the kubelet's atomic ..data swap is noticed by
// the watch (the poll is an hour, so only the watch can notice), the new
// value is protected, the old one stays protected through the grace period
// and is dropped after it.
func TestDirDataSwapPickedUp(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	vol := &k8sVolume{t: t, dir: t.TempDir()}
	vol.write(map[string]string{"username": user1, "password": pass1})
	d, err := file.NewDir(vol.dir, file.Options{PollInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := redact.New()
	c := &clock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f, err := provider.NewRefresher(r, []provider.Lister{d}, provider.RefresherOptions{
		Interval: time.Hour, GracePeriod: 24 * time.Hour, Now: c.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-f.Ready()
	if !protected(r, pass1) {
		t.Fatal("initial value not protected")
	}
	time.Sleep(50 * time.Millisecond) // let the watch start
	vol.write(map[string]string{"username": user1, "password": pass2})
	waitFor(t, func() bool { return protected(r, pass2) })
	if !protected(r, pass1) {
		t.Fatal("old value dropped at the swap")
	}
	c.Advance(25 * time.Hour)
	if err := f.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if protected(r, pass1) {
		t.Error("old value still protected after the grace period")
	}
	if !protected(r, pass2) || !protected(r, user1) {
		t.Error("current values lost")
	}
}

func TestDirDeletedFileStaysThroughGrace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, val string) {
		p := filepath.Join(dir, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(val), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("db/password", pass1)
	write("api/token", tok1)
	write("..2026_02_28_00_00_00.1/stale", pass2) // mount machinery
	d, _ := file.NewDir(dir, file.Options{})
	r, _ := redact.New()
	c := &clock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f, _ := provider.NewRefresher(r, []provider.Lister{d}, provider.RefresherOptions{GracePeriod: time.Hour, Now: c.Now})
	defer f.Close()
	ctx := context.Background()
	if err := f.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if !protected(r, pass1) || !protected(r, tok1) || protected(r, pass2) {
		t.Fatal("initial set wrong (mount machinery must be skipped)")
	}
	if err := os.Remove(filepath.Join(dir, "db/password")); err != nil {
		t.Fatal(err)
	}
	_ = f.Refresh(ctx)
	c.Advance(59 * time.Minute)
	_ = f.Refresh(ctx)
	if !protected(r, pass1) {
		t.Fatal("deleted file's value dropped within the grace period")
	}
	c.Advance(2 * time.Minute)
	_ = f.Refresh(ctx)
	if protected(r, pass1) {
		t.Error("deleted file's value kept after the grace period")
	}
	// The whole directory vanishing is a failed listing, not an empty one.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Hour)
	if err := f.Refresh(ctx); provider.Kind(err) != provider.NotFound {
		t.Errorf("missing directory: %v", err)
	}
	c.Advance(2 * time.Hour)
	_ = f.Refresh(ctx)
	if !protected(r, tok1) {
		t.Error("a vanished directory emptied the set")
	}
}

// deny makes path unreadable: mode 000, which stops any user but root, and
// for root (CI) the same permission error injected where List opens or lists
// it. Either way List meets EACCES on that path.
func deny(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.Chmod(path, 0o000))
	t.Cleanup(func() { _ = os.Chmod(path, 0o700) }) // so TempDir can remove it
	if os.Geteuid() == 0 {
		file.DenyForTest(t, path)
	}
}

// A file that cannot be read fails as a per-secret error named after it,
// and the other secrets are listed. Run as root too: mode 000 for others,
// an injected EACCES for root; a dangling symlink and a FIFO need no
// privilege to test.
func TestDirUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ok"), []byte(pass1), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "locked"), []byte(pass2), 0o600))
	deny(t, filepath.Join(dir, "locked"))
	// A Kubernetes key whose ..data target is gone mid-swap.
	require.NoError(t, os.Symlink("..data/gone", filepath.Join(dir, "dangling")))
	// Not a regular file: skipped, neither a secret nor a failure (reading
	// it would block).
	mkfifo(t, filepath.Join(dir, "fifo"))

	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	s, err := d.List(context.Background())
	names, per := provider.FailedSecrets(err)
	assert.True(t, per, "failures are per-secret: %v", err)
	assert.ElementsMatch(t, []string{"dangling", "locked"}, names)
	require.Len(t, s, 1)
	assert.Equal(t, "ok", s[0].Name)
	for _, e := range provider.Failures(err) {
		var pe *provider.Error
		require.ErrorAs(t, e, &pe)
		want := map[string]provider.ErrorKind{"locked": provider.AccessDenied, "dangling": provider.NotFound}[pe.Name]
		assert.Equal(t, want, pe.Kind, "kind of the failure of %s", pe.Name)
	}

	// Get meets the same failure.
	_, err = d.Get(context.Background(), "locked")
	assert.Equal(t, provider.AccessDenied, provider.Kind(err))
}

// A subdirectory that cannot be read fails as a per-secret error named
// after it ("db"), and the Refresher keeps every secret under it
// ("db/password") for as long as it stays unreadable: a failed read never
// shrinks the set.
func TestDirUnreadableSubdirectoryKeepsItsSecrets(t *testing.T) {
	dir := t.TempDir()
	for name, val := range map[string]string{"db/password": pass1, "db/replica/password": pass2, "api/token": tok1} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(val), 0o600))
	}
	d, err := file.NewDir(dir, file.Options{})
	require.NoError(t, err)
	r, err := redact.New()
	require.NoError(t, err)
	c := &clock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f, err := provider.NewRefresher(r, []provider.Lister{d}, provider.RefresherOptions{GracePeriod: time.Hour, Now: c.Now})
	require.NoError(t, err)
	defer f.Close()
	ctx := context.Background()
	require.NoError(t, f.Refresh(ctx))
	require.True(t, protected(r, pass1) && protected(r, pass2) && protected(r, tok1), "initial set")

	deny(t, filepath.Join(dir, "db"))
	for range 3 {
		c.Advance(time.Hour)
		err := f.Refresh(ctx)
		names, per := provider.FailedSecrets(err)
		require.True(t, per, "the failure is per-secret: %v", err)
		require.Equal(t, []string{"db"}, names)
	}
	assert.True(t, protected(r, pass1), "db/password dropped while db could not be read")
	assert.True(t, protected(r, pass2), "db/replica/password dropped while db could not be read")
	assert.True(t, protected(r, tok1), "api/token dropped")
	assert.Zero(t, f.Status().InGrace, "secrets in their grace period")
}

func TestDirTooLarge(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "big"), []byte(strings.Repeat("x", 100)), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "ok"), []byte(pass1), 0o600)
	d, _ := file.NewDir(dir, file.Options{MaxFileSize: 50})
	s, err := d.List(context.Background())
	if names, per := provider.FailedSecrets(err); !per || len(names) != 1 || names[0] != "big" || len(s) != 1 {
		t.Errorf("large file: %v", err)
	}
}

func TestWatchPollBackstopAndLateDir(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := filepath.Join(t.TempDir(), "not-yet")
	d, _ := file.NewDir(dir, file.Options{PollInterval: 20 * time.Millisecond})
	if _, err := d.List(context.Background()); provider.Kind(err) != provider.NotFound {
		t.Fatalf("missing dir: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan struct{}, 100)
	done := make(chan error)
	go func() { done <- d.Watch(ctx, func() { calls <- struct{}{} }) }()
	for i := 0; i < 3; i++ {
		select {
		case <-calls:
		case <-time.After(5 * time.Second):
			t.Fatal("poll backstop never fired")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}

func TestEnvFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	content := "# comment\nDB_PASSWORD=" + pass1 + "\nexport API_TOKEN='" + tok1 + "'\nEMPTY=\nPRIVATE_KEY=\"-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQ\n-----END KEY-----\"\n"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := file.NewEnvFile(p, file.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := list(t, e)
	if len(got) != 3 || got["DB_PASSWORD"] != pass1 || got["API_TOKEN"] != tok1 ||
		got["PRIVATE_KEY"] != "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQ\n-----END KEY-----" {
		t.Fatalf("env file: %v", keys(got))
	}
	if s, err := e.Get(context.Background(), "API_TOKEN"); err != nil || s.Value != tok1 {
		t.Errorf("Get: %v", err)
	}
	if _, err := e.Get(context.Background(), "EMPTY"); provider.Kind(err) != provider.NotFound {
		t.Errorf("Get(EMPTY): %v", err)
	}
	// A parse error never quotes the file.
	bad := "GOOD=" + pass1 + "\nBAD KEY " + pass2 + "=x\n"
	_ = os.WriteFile(p, []byte(bad), 0o600)
	_, err = e.List(context.Background())
	if provider.Kind(err) != provider.Malformed {
		t.Fatalf("bad env file: %v", err)
	}
	if strings.Contains(err.Error(), pass1) || strings.Contains(err.Error(), pass2) || strings.Contains(err.Error(), "BAD") {
		t.Error("parse error quotes the file")
	}
	_ = os.Remove(p)
	if _, err := e.List(context.Background()); provider.Kind(err) != provider.NotFound {
		t.Errorf("missing env file: %v", err)
	}
}

func TestEnvFileWatch(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	p := filepath.Join(dir, "app.env")
	_ = os.WriteFile(p, []byte("A_TOKEN="+tok1+"\n"), 0o600)
	e, _ := file.NewEnvFile(p, file.Options{PollInterval: time.Hour})
	r, _ := redact.New()
	f, _ := provider.NewRefresher(r, []provider.Lister{e}, provider.RefresherOptions{Interval: time.Hour})
	_ = f.Start(context.Background())
	<-f.Ready()
	time.Sleep(50 * time.Millisecond)
	_ = os.WriteFile(p, []byte("A_TOKEN="+pass2+"\n"), 0o600)
	waitFor(t, func() bool { return protected(r, pass2) })
	_ = f.Close()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDirDotKeys: a Secret key that starts with one dot (a
// kubernetes.io/dockerconfigjson Secret's .dockerconfigjson) is a secret;
// the kubelet's ..data and ..<timestamp> entries are not.
func TestDirDotKeys(t *testing.T) {
	vol := &k8sVolume{t: t, dir: t.TempDir()}
	auth := base64.StdEncoding.EncodeToString([]byte("robot:" + pass1))
	cfg := `{"auths":{"registry.example.com":{"auth":"` + auth + `"}}}`
	vol.write(map[string]string{".dockerconfigjson": cfg, "token": tok1})
	d, err := file.NewDir(vol.dir, file.Options{})
	require.NoError(t, err)
	got := list(t, d)
	require.ElementsMatch(t, []string{".dockerconfigjson", "token"}, keys(got))
	s, err := d.Get(context.Background(), ".dockerconfigjson")
	require.NoError(t, err)
	require.True(t, s.Value == cfg, "Get(.dockerconfigjson) returns the document")
	_, err = d.Get(context.Background(), "..data/token")
	require.Equal(t, provider.NotFound, provider.Kind(err))

	// Indexed, the registry credential is protected raw, as the auth
	// field, and as Kubernetes shows the key (base64 of the document).
	r, _ := redact.New()
	ss, err := d.List(context.Background())
	require.NoError(t, err)
	require.NoError(t, r.Set(ss))
	shown := base64.StdEncoding.EncodeToString([]byte(cfg))
	for name, form := range map[string]string{"auth field": auth, "kubectl get secret -o yaml": shown} {
		if strings.Contains(r.ScrubString("data: "+form), auth) {
			t.Errorf("%s: the registry credential survives", name)
		}
	}
}

// TestEnvFileReferences: a value holding $NAME or ${NAME} is protected as
// godotenv expands it and as written (Node's dotenv does not expand).
func TestEnvFileReferences(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	content := "DB_USER=svc\nDB_PASS=" + pass1 + "\nDSN=\"postgres://${DB_USER}:${DB_PASS}@db:5432/app\"\nRAW='lit-$DB_PASS-Kq2Lm7'\nPLAIN=" + tok1 + "\n"
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	e, err := file.NewEnvFile(p, file.Options{})
	require.NoError(t, err)
	ss, err := e.List(context.Background())
	require.NoError(t, err)
	values := map[string][]string{}
	for _, s := range ss {
		values[s.Name+"@"+s.Version] = append(values[s.Name+"@"+s.Version], s.Value)
	}
	require.Equal(t, []string{"postgres://svc:" + pass1 + "@db:5432/app"}, values["DSN@"], "expanded DSN")
	require.Equal(t, []string{"postgres://${DB_USER}:${DB_PASS}@db:5432/app"}, values["DSN@unexpanded"], "literal DSN")
	require.Equal(t, []string{"lit-$DB_PASS-Kq2Lm7"}, values["RAW@"], "single quotes do not expand")
	require.NotContains(t, values, "RAW@unexpanded")
	require.NotContains(t, values, "PLAIN@unexpanded")

	r, _ := redact.New()
	require.NoError(t, r.Set(ss))
	for _, v := range []string{"postgres://svc:" + pass1 + "@db:5432/app", "postgres://${DB_USER}:${DB_PASS}@db:5432/app"} {
		if out := r.ScrubString("connecting to " + v); strings.Contains(out, "@db:5432") {
			t.Error("a form of the DSN survives")
		}
	}
	s, err := e.Get(context.Background(), "DSN")
	require.NoError(t, err)
	require.Equal(t, "postgres://svc:"+pass1+"@db:5432/app", s.Value)
}
