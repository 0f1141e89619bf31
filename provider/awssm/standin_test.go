// The stand-in is tested here, through the real SDK, so that its own
// package (internal/smfake, in the root module) needs no AWS dependency.

package awssm_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/hushlog/hush/internal/smfake"
)

func standinClient(t *testing.T) (*smfake.Server, *secretsmanager.Client) {
	t.Helper()
	sm := smfake.New()
	t.Cleanup(sm.Close)
	sm.SetEnv(t)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return sm, secretsmanager.NewFromConfig(cfg)
}

func standinCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestGetSecretValueStagesAndVersions(t *testing.T) {
	sm, c := standinClient(t)
	ctx := context.Background()
	v1 := sm.Put("app/db", "value-one-0123456789")
	v2, err := sm.PutPending("app/db", "value-two-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	get := func(in *secretsmanager.GetSecretValueInput) (*secretsmanager.GetSecretValueOutput, error) {
		return c.GetSecretValue(ctx, in)
	}
	out, err := get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
	if err != nil || aws.ToString(out.SecretString) != "value-one-0123456789" || aws.ToString(out.VersionId) != v1 {
		t.Fatalf("current: %v", err)
	}
	out, err = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String(sm.ARN("app/db")), VersionStage: aws.String(smfake.StagePending)})
	if err != nil || aws.ToString(out.VersionId) != v2 {
		t.Fatalf("pending by ARN: %v", err)
	}
	if err := sm.FinishRotation("app/db"); err != nil {
		t.Fatal(err)
	}
	out, _ = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db"), VersionStage: aws.String(smfake.StagePrevious)})
	if aws.ToString(out.VersionId) != v1 || out.CreatedDate == nil {
		t.Error("previous is not the old current")
	}
	out, _ = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db"), VersionId: aws.String(v2)})
	if aws.ToString(out.SecretString) != "value-two-0123456789" || len(out.VersionStages) != 1 || out.VersionStages[0] != smfake.StageCurrent {
		t.Errorf("by version id: stages %v", out.VersionStages)
	}
	// Partial ARN (without the random suffix).
	partial := sm.ARN("app/db")[:len(sm.ARN("app/db"))-7]
	if _, err := get(&secretsmanager.GetSecretValueInput{SecretId: aws.String(partial)}); err != nil {
		t.Errorf("partial ARN: %v", err)
	}
	_, err = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("missing secret: %v, want the SDK's ResourceNotFoundException", err)
	}
	_, err = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db"), VersionStage: aws.String(smfake.StagePending)})
	if !errors.As(err, &rnf) {
		t.Errorf("no pending version: %v", err)
	}
	bin := sm.PutBinary("app/bin", []byte{0, 1, 2, 250})
	out, err = get(&secretsmanager.GetSecretValueInput{SecretId: aws.String("app/bin")})
	if err != nil || string(out.SecretBinary) != "\x00\x01\x02\xfa" || out.SecretString != nil || aws.ToString(out.VersionId) != bin {
		t.Errorf("binary: %v", err)
	}
}

func TestBatchGetSecretValue(t *testing.T) {
	sm, c := standinClient(t)
	ctx := context.Background()
	for _, n := range []string{"a/1", "a/2", "a/3", "b/1", "b/2"} {
		sm.Put(n, "value-of-"+n+"-0123456789")
	}
	sm.DenyAccess("a/2")
	sm.FailDecryption("b/1")
	out, err := c.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: []string{"a/1", "a/2", sm.ARN("b/1"), "zz"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.SecretValues) != 1 || aws.ToString(out.SecretValues[0].Name) != "a/1" {
		t.Errorf("values: %d", len(out.SecretValues))
	}
	codes := map[string]string{}
	for _, e := range out.Errors {
		codes[aws.ToString(e.SecretId)] = aws.ToString(e.ErrorCode)
	}
	if codes["a/2"] != "AccessDeniedException" || codes[sm.ARN("b/1")] != "DecryptionFailure" || codes["zz"] != "ResourceNotFoundException" {
		t.Errorf("errors: %v", codes)
	}
	sm.Heal()
	// Filters with pagination.
	var names []string
	pager := secretsmanager.NewBatchGetSecretValuePaginator(c, &secretsmanager.BatchGetSecretValueInput{
		Filters:    []types.Filter{{Key: types.FilterNameStringTypeName, Values: []string{"a/"}}},
		MaxResults: aws.Int32(2),
	})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.SecretValues {
			names = append(names, aws.ToString(v.Name))
		}
	}
	if strings.Join(names, ",") != "a/1,a/2,a/3" || sm.Requests(smfake.OpBatchGetSecretValue) != 3 {
		t.Errorf("filtered pages: %v in %d requests", names, sm.Requests(smfake.OpBatchGetSecretValue))
	}
	_, err = c.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{
		SecretIdList: []string{"a/1"}, Filters: []types.Filter{{Key: types.FilterNameStringTypeName, Values: []string{"a"}}},
	})
	if standinCode(err) != "InvalidParameterException" {
		t.Errorf("ids and filters together: %v", err)
	}
	ids := make([]string, 21)
	for i := range ids {
		ids[i] = "a/1"
	}
	if _, err := c.BatchGetSecretValue(ctx, &secretsmanager.BatchGetSecretValueInput{SecretIdList: ids}); standinCode(err) != "InvalidParameterException" {
		t.Errorf("21 ids: %v", err)
	}
}

func TestListSecretsFiltersAndPages(t *testing.T) {
	sm, c := standinClient(t)
	ctx := context.Background()
	sm.Put("prod/a", "value-prod-a-0123456789", smfake.Tag{Key: "team", Value: "pay"})
	sm.Put("prod/b", "value-prod-b-0123456789", smfake.Tag{Key: "team", Value: "search"})
	sm.Put("dev/a", "value-dev-a-0123456789", smfake.Tag{Key: "team", Value: "pay"})
	sm.SetDescription("dev/a", "Payments dev database")
	_, _ = sm.PutPending("prod/a", "value-prod-a2-0123456789")
	list := func(filters ...types.Filter) []string {
		t.Helper()
		var names []string
		pager := secretsmanager.NewListSecretsPaginator(c, &secretsmanager.ListSecretsInput{Filters: filters, MaxResults: aws.Int32(1)})
		for pager.HasMorePages() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.SecretList {
				names = append(names, aws.ToString(e.Name))
				if aws.ToString(e.Name) == "prod/a" && len(e.SecretVersionsToStages) != 2 {
					t.Errorf("prod/a: version map %v", e.SecretVersionsToStages)
				}
			}
		}
		return names
	}
	f := func(k types.FilterNameStringType, v ...string) types.Filter { return types.Filter{Key: k, Values: v} }
	for _, tc := range []struct {
		filters []types.Filter
		want    string
	}{
		{nil, "dev/a,prod/a,prod/b"},
		{[]types.Filter{f("name", "prod/")}, "prod/a,prod/b"},
		{[]types.Filter{f("name", "!prod/")}, "dev/a"},
		{[]types.Filter{f("tag-key", "te")}, "dev/a,prod/a,prod/b"},
		{[]types.Filter{f("tag-value", "pay")}, "dev/a,prod/a"},
		{[]types.Filter{f("name", "prod/"), f("tag-value", "pay")}, "prod/a"},
		{[]types.Filter{f("name", "dev/", "prod/b")}, "dev/a,prod/b"},
		{[]types.Filter{f("description", "payments")}, "dev/a"},
		{[]types.Filter{f("all", "search")}, "prod/b"},
	} {
		if got := strings.Join(list(tc.filters...), ","); got != tc.want {
			t.Errorf("filters %v: got %s, want %s", tc.filters, got, tc.want)
		}
	}
	_, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: aws.String("garbage")})
	if standinCode(err) != "InvalidNextTokenException" {
		t.Errorf("bad token: %v", err)
	}
	sm.Delete("prod/b")
	if got := strings.Join(list(), ","); got != "dev/a,prod/a" {
		t.Errorf("after delete: %s", got)
	}
}

func TestDescribeAndVersionIDs(t *testing.T) {
	sm, c := standinClient(t)
	ctx := context.Background()
	sm.Put("x", "value-x1-0123456789", smfake.Tag{Key: "k", Value: "v"})
	sm.Put("x", "value-x2-0123456789")
	sm.Put("x", "value-x3-0123456789") // x1 is now deprecated (no label)
	d, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("x")})
	if err != nil || len(d.VersionIdsToStages) != 2 || len(d.Tags) != 1 || aws.ToString(d.ARN) != sm.ARN("x") {
		t.Fatalf("describe: %v %+v", err, d)
	}
	v, err := c.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("x")})
	if err != nil || len(v.Versions) != 2 {
		t.Fatalf("version ids: %v", err)
	}
	v, _ = c.ListSecretVersionIds(ctx, &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String("x"), IncludeDeprecated: aws.Bool(true)})
	if len(v.Versions) != 3 {
		t.Errorf("with deprecated: %d versions", len(v.Versions))
	}
}

func TestFaults(t *testing.T) {
	sm, c := standinClient(t)
	ctx := context.Background()
	sm.Put("x", "value-x-0123456789")
	get := func() error {
		_, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("x")})
		return err
	}
	sm.Fail(smfake.OpGetSecretValue, smfake.Throttle, 1)
	if err := get(); standinCode(err) != "ThrottlingException" {
		t.Errorf("throttle: %v", err)
	}
	if err := get(); err != nil {
		t.Errorf("a fault for 1 request lasted: %v", err)
	}
	sm.Fail(smfake.OpListSecrets, smfake.Internal, 0) // other operations unaffected
	if err := get(); err != nil {
		t.Errorf("fault for another operation applied: %v", err)
	}
	sm.Heal()
	sm.Fail("", smfake.Internal, 1)
	var ae smithy.APIError
	if err := get(); !errors.As(err, &ae) || ae.ErrorCode() != "InternalServiceError" || ae.ErrorFault() != smithy.FaultServer {
		t.Errorf("500: %v", err)
	}
	sm.Fail("", smfake.Malformed, 1)
	var de *smithy.DeserializationError
	if err := get(); !errors.As(err, &de) {
		t.Errorf("malformed: %v", err)
	}
	sm.Fail("", smfake.Denied, 1)
	if err := get(); standinCode(err) != "AccessDeniedException" {
		t.Errorf("denied: %v", err)
	}
	if n := sm.Requests(smfake.OpGetSecretValue); n != 6 {
		t.Errorf("GetSecretValue requests = %d, want 6", n)
	}
}

func TestUnsignedAndUnknown(t *testing.T) {
	sm, _ := standinClient(t)
	req, _ := http.NewRequest(http.MethodPost, sm.URL, strings.NewReader(`{"SecretId":"x"}`))
	req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unsigned request: status %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, sm.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "secretsmanager.CreateSecret")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("unknown operation: status %d", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
}
