package dnsclient

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestServersFromResolvConf(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []string
		wantErr error
	}{
		{name: "addresses in order", text: "# generated\nsearch example.com\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions ndots:2\nnameserver 198.51.100.53 # third\n",
			want: []string{"192.0.2.53:53", "[2001:db8::53]:53", "198.51.100.53:53"}},
		{name: "commented and bad entries skipped", text: "#nameserver 192.0.2.1\n; nameserver 192.0.2.2\nnameserver dns.example\nnameserver 127.0.0.53\n",
			want: []string{"127.0.0.53:53"}},
		{name: "none", text: "search example.com\n", wantErr: ErrNoServers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "resolv.conf")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ServersFromResolvConf(path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := ServersFromResolvConf(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
