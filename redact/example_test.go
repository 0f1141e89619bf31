package redact_test

import (
	"encoding/base64"
	"fmt"
	"os"

	"github.com/hushlog/hush/redact"
)

func Example() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	err = r.Set([]redact.Secret{
		{Name: "prod/db/password", Value: "s3cr3t-Pa55w0rd!"},
		{Name: "prod/rds/app", Value: `{"username":"app","password":"Zq8kL2mN4vB7","host":"db.internal"}`},
	})
	if err != nil {
		panic(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("admin:s3cr3t-Pa55w0rd!"))
	fmt.Println(r.ScrubString("dsn=postgres://app:s3cr3t-Pa55w0rd!@db.internal/app"))
	fmt.Println(r.ScrubString(`{"msg":"login","body":"password=Zq8kL2mN4vB7"}`))
	fmt.Println(r.ScrubString("Authorization: Basic " + basic))
	// Output:
	// dsn=postgres://app:[REDACTED:prod/db/password]@db.internal/app
	// {"msg":"login","body":"password=[REDACTED:prod/rds/app#password]"}
	// Authorization: Basic YWRtaW46[REDACTED:prod/db/password]==
}

func ExampleRedactor_NewWriter() {
	r, _ := redact.New(redact.WithReplacement("***"))
	_ = r.Set([]redact.Secret{{Name: "token", Value: "ghp_16C7e42F292c6912E7710c838347Ae178B4a"}})
	w := r.NewWriter(os.Stdout)
	// A secret split across writes is still caught.
	fmt.Fprint(w, "token=ghp_16C7e42F292c69")
	fmt.Fprint(w, "12E7710c838347Ae178B4a ok\n")
	w.Close()
	// Output:
	// token=*** ok
}

func ExampleRedactor_Stats() {
	r, _ := redact.New()
	_ = r.Set([]redact.Secret{{Name: "short", Value: "abc"}, {Name: "api", Value: "k-93f1c2d4e5b6"}})
	r.ScrubString("key k-93f1c2d4e5b6")
	st := r.Stats()
	fmt.Println(st.Secrets, st.Skipped, st.Matches)
	// Output:
	// 1 [short: shorter than the minimum length] map[api:map[raw:1]]
}
