// Command ferretdb-embedded runs FerretDB 1.24 embedded as a library: SQLite storage by default, PostgreSQL storage
// with -postgresql-url.
// The upstream cmd/ferretdb binary panics when installed with `go install` (FerretDB#2982),
// so the project builds this small wrapper instead, against FerretDB with patches/ applied (deploy/local/install.py):
// lookups by _id answered from the _id index, `_id $in [...]` and `_id` prefix ranges included; with -grants,
// SCRAM authentication and per-database rights read from a file (shared/database_access.py writes it), the setup
// user's password from the FERRETDB_SETUP_PASSWORD environment variable (never on the command line, which any local
// user can read).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// redact hides a password in a connection URL before it is logged.
func redact(storage string) string {
	if u, err := url.Parse(storage); err == nil && u.User != nil {
		return u.Redacted()
	}
	return storage
}

// loadAuth reads the grants; the setup user's password comes from the environment, then leaves it.
func loadAuth(grantsFile, setupUser string) *ferretdb.AuthConfig {
	auth := &ferretdb.AuthConfig{SetupUsername: setupUser, SetupPassword: os.Getenv("FERRETDB_SETUP_PASSWORD")}
	if auth.SetupPassword == "" {
		log.Fatal("-grants needs the setup user's password in FERRETDB_SETUP_PASSWORD")
	}
	os.Unsetenv("FERRETDB_SETUP_PASSWORD")
	data, err := os.ReadFile(grantsFile)
	if err != nil {
		log.Fatal(err)
	}
	if err = json.Unmarshal(data, &auth.Grants); err != nil {
		log.Fatalf("%s: %s", grantsFile, err)
	}
	return auth
}

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "existing directory for SQLite files (SQLite storage)")
	postgresqlURL := flag.String("postgresql-url", "",
		"PostgreSQL connection URL, e.g. postgres://user@127.0.0.1:5432/ferretdb; when set, PostgreSQL storage is used")
	grantsFile := flag.String("grants", "",
		"JSON file {user: {database or *: read or readWrite}}; when set, clients must authenticate")
	setupUser := flag.String("setup-user", "admin", "admin database user (re)created at start, with -grants")
	flag.Parse()
	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}}
	if *grantsFile != "" {
		config.Auth = loadAuth(*grantsFile, *setupUser)
	}
	storage := *postgresqlURL
	if *postgresqlURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresqlURL
	} else {
		if *dataDir == "" {
			log.Fatal("-data-dir is required (or -postgresql-url)")
		}
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			log.Fatal(err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/"
		storage = *dataDir
	}
	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Printf("ferretdb listening on %s, %s storage: %s, authentication: %t", *listen, config.Handler, redact(storage),
		config.Auth != nil)
	f.Run(ctx)
	log.Print("ferretdb stopped")
}
